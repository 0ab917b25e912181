//! The stakeholder network as data, and as Mermaid and Graphviz DOT text.

use serde::Serialize;
use utoipa::ToSchema;

use super::relationship::RelationshipKind;
use super::stakeholder_enums::{DecisionRole, Group, Quadrant, Stance};

/// A person in the network.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Node {
    /// Stakeholder id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Job title.
    pub title: Option<String>,
    /// 1–5 or null.
    pub influence: Option<i32>,
    /// 1–5 or null.
    pub impact: Option<i32>,
    /// Derived quadrant.
    pub quadrant: Quadrant,
    /// Stance.
    pub stance: Stance,
    /// Part in the decision.
    pub decision_role: Option<DecisionRole>,
    /// Can block alone.
    pub veto: bool,
    /// Team, internal or external.
    pub group: Group,
}

/// A directed link.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Edge {
    /// Relationship id.
    pub id: String,
    /// Source stakeholder id.
    pub from: String,
    /// Target stakeholder id.
    pub to: String,
    /// Kind.
    pub kind: RelationshipKind,
    /// Short description.
    pub label: Option<String>,
    /// 1–5, if given.
    pub strength: Option<i32>,
}

/// Nodes and the edges among them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Network {
    /// People.
    pub nodes: Vec<Node>,
    /// Links.
    pub edges: Vec<Edge>,
}

/// The colour of an edge: conflicts red, collaboration green, reporting grey.
pub fn edge_colour(kind: RelationshipKind) -> &'static str {
    match kind {
        RelationshipKind::Conflicts => "#d62728",
        RelationshipKind::Collaborates => "#2ca02c",
        RelationshipKind::ReportsTo => "#7f7f7f",
        RelationshipKind::GivesFeedback => "#1f77b4",
        RelationshipKind::Influences => "#9467bd",
    }
}

fn node_text(node: &Node) -> String {
    match &node.title {
        Some(title) => format!("{}\n{}", node.name, title),
        None => node.name.clone(),
    }
}

// Mermaid labels sit inside double quotes; entity codes keep quotes, '#' and angle
// brackets from being read as syntax or HTML, '%' from forming a `%%{init: …}%%`
// directive or a `%%` comment (Mermaid finds those anywhere in the text, quotes or not)
// and backticks from opening a markdown string.
fn mermaid_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            '`' => out.push_str("#96;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid flowchart, one `linkStyle` per coloured edge.
pub fn to_mermaid(net: &Network) -> String {
    let index: std::collections::HashMap<&str, usize> =
        net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let mut out = String::from("flowchart LR\n");
    for (i, node) in net.nodes.iter().enumerate() {
        out.push_str(&format!("    n{i}[\"{}\"]\n", mermaid_escape(&node_text(node))));
    }
    let mut styles = String::new();
    for (i, edge) in net.edges.iter().enumerate() {
        let (Some(from), Some(to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) else {
            continue;
        };
        let label = edge.label.clone().unwrap_or_else(|| edge.kind.as_str().replace('_', " "));
        out.push_str(&format!("    n{from} -->|\"{}\"| n{to}\n", mermaid_escape(&label)));
        let colour = edge_colour(edge.kind);
        styles.push_str(&format!("    linkStyle {i} stroke:{colour},color:{colour}\n"));
    }
    out + &styles
}

fn dot_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Graphviz digraph; node ids are the stakeholder ids.
pub fn to_dot(net: &Network) -> String {
    let mut out = String::from("digraph stakemap {\n    rankdir=LR;\n    node [shape=box, style=rounded];\n");
    for node in &net.nodes {
        out.push_str(&format!("    \"{}\" [label=\"{}\"];\n", node.id, dot_escape(&node_text(node))));
    }
    for edge in &net.edges {
        let label = edge.label.clone().unwrap_or_else(|| edge.kind.as_str().replace('_', " "));
        let colour = edge_colour(edge.kind);
        out.push_str(&format!(
            "    \"{}\" -> \"{}\" [label=\"{}\", color=\"{colour}\", fontcolor=\"{colour}\"];\n",
            edge.from,
            edge.to,
            dot_escape(&label)
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        let node = |id: &str, name: &str| Node {
            id: id.into(),
            name: name.into(),
            title: Some("Dir \"Ops\" #1 <b>".into()),
            influence: Some(3),
            impact: Some(3),
            quadrant: Quadrant::KeyPlayer,
            stance: Stance::Critic,
            decision_role: None,
            veto: false,
            group: Group::External,
        };
        Network {
            nodes: vec![node("a", "Ann"), node("b", "Bo\\b")],
            edges: vec![Edge {
                id: "e".into(),
                from: "a".into(),
                to: "b".into(),
                kind: RelationshipKind::Conflicts,
                label: Some("over \"30%\" %%{init: {'theme':'dark'}}%% `**`".into()),
                strength: None,
            }],
        }
    }

    #[test]
    fn mermaid_escapes_and_colours() {
        let text = to_mermaid(&net());
        assert!(text.starts_with("flowchart LR\n"));
        assert!(text.contains("n0[\"Ann<br/>Dir #quot;Ops#quot; #35;1 #lt;b#gt;\"]"));
        assert!(text.contains(
            "n0 -->|\"over #quot;30#37;#quot; #37;#37;{init: {'theme':'dark'}}#37;#37; #96;**#96;\"| n1"
        ));
        assert!(!text.contains('%'), "no directive or comment can form");
        assert!(text.contains("linkStyle 0 stroke:#d62728"));
    }

    #[test]
    fn dot_escapes_and_colours() {
        let text = to_dot(&net());
        assert!(text.contains("\"b\" [label=\"Bo\\\\b\\nDir \\\"Ops\\\" #1 <b>\"]"));
        assert!(text.contains(
            "\"a\" -> \"b\" [label=\"over \\\"30%\\\" %%{init: {'theme':'dark'}}%% `**`\", color=\"#d62728\""
        ));
    }
}
