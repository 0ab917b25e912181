//! The register as concentric rings, the first exercise of stakeholder work: the team in
//! the middle, internal people around it, external people outside; each person a dot in
//! their ring coloured by stance and named (labels never overlap each other or a dot),
//! key relationships drawn between them.

use super::labelled_dots;
use super::network::{edge_colour, Network};
use super::network_svg::dash;
use super::picture::{self, escape, text_width, Rect, HEIGHT};
use super::picture_words::words;
use super::relationship::RelationshipKind;
use super::stakeholder_enums::Group;

/// The most people one picture draws; a larger register is narrowed by account.
pub const MAX_PEOPLE: usize = 200;

const CX: f64 = 500.0;
const CY: f64 = 385.0;
/// Outer radius of each ring: team, internal, external.
const RINGS: [f64; 3] = [105.0, 215.0, 325.0];
const DOT: f64 = 7.0;
const LEGEND_X: f64 = 1030.0;

/// Whether a relationship is drawn: conflicts always, others unless weak (strength 1–2).
pub fn is_key(kind: RelationshipKind, strength: Option<i32>) -> bool {
    kind == RelationshipKind::Conflicts || strength.is_none_or(|s| s >= 3)
}

fn ring(group: Group) -> usize {
    match group {
        Group::Team => 0,
        Group::Internal => 1,
        Group::External => 2,
    }
}

/// Each person's centre, by their place in `net.nodes`: spread evenly around their ring,
/// on two circles when one would crowd.
pub fn positions(net: &Network) -> Vec<(f64, f64)> {
    let mut out = vec![(CX, CY); net.nodes.len()];
    for r in 0..3 {
        let members: Vec<usize> = (0..net.nodes.len()).filter(|&i| ring(net.nodes[i].group) == r).collect();
        let inner = if r == 0 { 0.0 } else { RINGS[r - 1] };
        let band = RINGS[r] - inner;
        let circumference = std::f64::consts::TAU * (inner + band / 2.0);
        let circles = if members.len() as f64 * 26.0 > circumference { 2 } else { 1 };
        for (k, &i) in members.iter().enumerate() {
            let circle = k % circles;
            let radius = match (r, circles, members.len()) {
                (0, _, 1) => 0.0,
                (_, 1, _) => inner + band * 0.5,
                _ => inner + band * (0.3 + 0.4 * circle as f64),
            };
            let on_circle = members.len().div_ceil(circles);
            // Start at the top and offset each ring a little, so rings do not line up.
            let angle = -std::f64::consts::FRAC_PI_2
                + std::f64::consts::TAU * (k / circles) as f64 / on_circle as f64
                + 0.35 * r as f64
                + 0.2 * circle as f64;
            out[i] = (CX + radius * angle.cos(), CY + radius * angle.sin());
        }
    }
    out
}

/// The rings as SVG in `lang`.
pub fn render(net: &Network, lang: &str) -> String {
    let w = words(lang);
    let mut out = picture::open(w.groups_title, w.lang);
    out.push_str(&format!(
        r##"<text x="30" y="38" font-size="20" font-weight="bold">{}</text>"##,
        escape(w.groups_title)
    ));
    let fills = ["#dbe9f4", "#eaf1f7", "#f5f7f9"];
    for r in (0..3).rev() {
        out.push_str(&format!(
            r##"<circle cx="{CX}" cy="{CY}" r="{}" fill="{}" stroke="#9aa9b8"/>"##,
            RINGS[r], fills[r]
        ));
    }
    // Ring names at the top of each band; labels keep off them.
    let mut titles = Vec::new();
    for (r, name) in w.groups.iter().enumerate() {
        let ty = CY - RINGS[r] + 18.0;
        let width = text_width(name, 13.0) * 1.05;
        titles.push(Rect { x: CX - width / 2.0, y: ty - 14.0, w: width, h: 18.0 });
        out.push_str(&format!(
            r##"<text x="{CX}" y="{ty:.1}" text-anchor="middle" font-size="13" font-weight="bold" fill="#456">{}</text>"##,
            escape(name)
        ));
    }
    let centres = positions(net);
    let index: std::collections::HashMap<&str, usize> =
        net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    for e in net.edges.iter().filter(|e| is_key(e.kind, e.strength)) {
        let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) else { continue };
        let ((x1, y1), (x2, y2)) = (centres[a], centres[b]);
        out.push_str(&format!(
            r##"<line class="edge" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{}" stroke-width="1.6" stroke-opacity="0.8" stroke-dasharray="{}"><title>{}</title></line>"##,
            edge_colour(e.kind),
            dash(e.kind),
            escape(w.kind_name(e.kind.as_str()))
        ));
    }
    let people: Vec<labelled_dots::Dot> = net
        .nodes
        .iter()
        .zip(&centres)
        .map(|(n, (x, y))| labelled_dots::Dot {
            x: *x,
            y: *y,
            stance: n.stance.as_str(),
            name: &n.name,
            label: picture::shorten(&n.name, 24),
        })
        .collect();
    let area = Rect { x: 10.0, y: 50.0, w: LEGEND_X - 20.0, h: HEIGHT - 60.0 };
    out.push_str(&labelled_dots::draw(&people, DOT, &titles, area));
    out.push_str(&picture::stance_legend(LEGEND_X, 80.0, lang));
    out.push_str("</svg>");
    out
}
