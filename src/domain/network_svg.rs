//! The relationship network as a picture, laid out here (no Graphviz): people as boxes in
//! rows by influence (the most influential on top, the unassessed last), each row ordered
//! to sit under the people it is linked to; edges coloured and dashed by kind, with
//! their labels set where they cover no box and no other label; a legend.
//!
//! A layered layout of our own rather than a layout crate: rows by influence are what a
//! reader of a stakeholder map expects (power top-down), and the few dozen people of a
//! map need nothing more than a barycentre ordering per row.

use std::collections::HashMap;

use super::label_placement::{place, Wanted};
use super::network::{edge_colour, Network, Node};
use super::picture::{self, escape, stance_colour, text_width, Rect, HEIGHT, WIDTH};
use super::picture_words::{words, KINDS};
use super::relationship::RelationshipKind;

const BOX_W: f64 = 172.0;
const BOX_H: f64 = 60.0;
const GAP_X: f64 = 26.0;
const ROW_GAP: f64 = 56.0;
const LEFT: f64 = 30.0;
const TOP: f64 = 70.0;
const AREA_W: f64 = 980.0;
const LEGEND_W: f64 = 250.0;

/// Where each person's box is, by id.
pub type Boxes = HashMap<String, Rect>;

/// The dash pattern of an edge of this kind (told apart without colour too).
pub fn dash(kind: RelationshipKind) -> &'static str {
    match kind {
        RelationshipKind::Conflicts => "7 4",
        RelationshipKind::GivesFeedback => "2 3",
        RelationshipKind::Influences => "10 3 2 3",
        _ => "none",
    }
}

// Rows by influence, 5 first; the unassessed last; long rows wrapped.
fn rows(net: &Network) -> Vec<Vec<&Node>> {
    let per_row = ((AREA_W + GAP_X) / (BOX_W + GAP_X)).floor() as usize;
    let mut out: Vec<Vec<&Node>> = Vec::new();
    for influence in [Some(5), Some(4), Some(3), Some(2), Some(1), None] {
        let members: Vec<&Node> = net.nodes.iter().filter(|n| n.influence == influence).collect();
        for chunk in members.chunks(per_row) {
            out.push(chunk.to_vec());
        }
    }
    out
}

/// Lays the boxes out: rows top-down, each row ordered by the mean position of the
/// people it is linked to in the rows above (the first row keeps its order), centred.
pub fn layout(net: &Network) -> Boxes {
    let mut boxes = Boxes::new();
    let mut neighbours: HashMap<&str, Vec<&str>> = HashMap::new();
    for e in &net.edges {
        neighbours.entry(&e.from).or_default().push(&e.to);
        neighbours.entry(&e.to).or_default().push(&e.from);
    }
    for (r, mut row) in rows(net).into_iter().enumerate() {
        let centre = |n: &Node| -> f64 {
            let xs: Vec<f64> = neighbours
                .get(n.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|id| boxes.get(*id).map(|b: &Rect| b.x + b.w / 2.0))
                .collect();
            if xs.is_empty() {
                f64::MAX
            } else {
                xs.iter().sum::<f64>() / xs.len() as f64
            }
        };
        let mut keyed: Vec<(f64, usize, &Node)> =
            row.drain(..).enumerate().map(|(i, n)| (centre(n), i, n)).collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let width = keyed.len() as f64 * (BOX_W + GAP_X) - GAP_X;
        let start = LEFT + (AREA_W - width) / 2.0;
        for (i, (_, _, node)) in keyed.iter().enumerate() {
            let x = start + i as f64 * (BOX_W + GAP_X);
            let y = TOP + r as f64 * (BOX_H + ROW_GAP);
            boxes.insert(node.id.clone(), Rect { x, y, w: BOX_W, h: BOX_H });
        }
    }
    boxes
}

// The point where the segment from the box's centre towards (tx, ty) leaves the box.
fn border(b: &Rect, tx: f64, ty: f64) -> (f64, f64) {
    let (cx, cy) = (b.x + b.w / 2.0, b.y + b.h / 2.0);
    let (dx, dy) = (tx - cx, ty - cy);
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let scale = (b.w / 2.0 / dx.abs().max(1e-9)).min(b.h / 2.0 / dy.abs().max(1e-9));
    (cx + dx * scale, cy + dy * scale)
}

fn fit(text: &str, size: f64, width: f64) -> String {
    let mut n = text.chars().count();
    let mut out = text.to_string();
    while text_width(&out, size) > width && n > 1 {
        n -= 1;
        out = picture::shorten(text, n);
    }
    out
}

fn person(node: &Node, b: &Rect, veto: &str) -> String {
    let colour = stance_colour(node.stance.as_str());
    let stars: String = match node.influence {
        Some(n) => (1..=5).map(|i| if i <= n { '★' } else { '☆' }).collect(),
        None => String::new(),
    };
    let mut out = format!(
        r##"<g class="person"><rect class="box" x="{:.1}" y="{:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{colour}" fill-opacity="0.22" stroke="{colour}" stroke-width="2" data-box="{:.1} {:.1} {:.1} {:.1}"/><text x="{:.1}" y="{:.1}" font-size="13" font-weight="bold">{}</text>"##,
        b.x,
        b.y,
        b.x,
        b.y,
        b.w,
        b.h,
        b.x + 8.0,
        b.y + 18.0,
        escape(&fit(&node.name, 13.0, BOX_W - 16.0))
    );
    if let Some(title) = &node.title {
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}</text>"##,
            b.x + 8.0,
            b.y + 34.0,
            escape(&fit(title, 11.0, BOX_W - 16.0))
        ));
    }
    out.push_str(&format!(
        r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#7a5c00">{stars}</text>"##,
        b.x + 8.0,
        b.y + 51.0
    ));
    if node.veto {
        let w = text_width(veto, 10.0) + 8.0;
        out.push_str(&format!(
            r##"<rect x="{:.1}" y="{:.1}" width="{w:.1}" height="15" rx="3" fill="#222"/><text x="{:.1}" y="{:.1}" font-size="10" fill="#fff">{}</text>"##,
            b.x + b.w - w - 5.0,
            b.y + b.h - 20.0,
            b.x + b.w - w - 1.0,
            b.y + b.h - 9.0,
            escape(veto)
        ));
    }
    out.push_str("</g>");
    out
}

/// The network as SVG in `lang`, with the boxes it was laid out with.
pub fn render(net: &Network, lang: &str) -> String {
    let w = words(lang);
    let boxes = layout(net);
    let bottom = boxes.values().map(|b| b.y + b.h).fold(TOP, f64::max) + 30.0;
    // Fit everything on a 16:9 slide: a taller drawing is scaled down as a whole.
    let (vw, vh) = if bottom > HEIGHT { (bottom * WIDTH / HEIGHT, bottom) } else { (WIDTH, HEIGHT) };
    let mut out = picture::open(w.network_title, w.lang).replacen(
        &format!("viewBox=\"0 0 {WIDTH} {HEIGHT}\""),
        &format!("viewBox=\"0 0 {vw:.0} {vh:.0}\""),
        1,
    );
    out.push_str(&format!(
        r##"<text x="{LEFT}" y="36" font-size="20" font-weight="bold">{}</text>"##,
        escape(w.network_title)
    ));
    out.push_str(r##"<defs>"##);
    for kind in KINDS {
        let kind = RelationshipKind::parse(kind).expect("known kind");
        out.push_str(&format!(
            r##"<marker id="arrow-{}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"##,
            kind.as_str(),
            edge_colour(kind)
        ));
    }
    out.push_str("</defs>");
    let mut wanted = Vec::new();
    let mut texts = Vec::new();
    for e in &net.edges {
        let (Some(a), Some(b)) = (boxes.get(&e.from), boxes.get(&e.to)) else { continue };
        let (x1, y1) = border(a, b.x + b.w / 2.0, b.y + b.h / 2.0);
        let (x2, y2) = border(b, a.x + a.w / 2.0, a.y + a.h / 2.0);
        out.push_str(&format!(
            r##"<line class="edge" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}" marker-end="url(#arrow-{})"/>"##,
            edge_colour(e.kind),
            dash(e.kind),
            e.kind.as_str()
        ));
        let text = match &e.label {
            Some(label) => format!("{}: {}", w.kind_name(e.kind.as_str()), picture::shorten(label, 40)),
            None => w.kind_name(e.kind.as_str()).to_string(),
        };
        wanted.push(Wanted {
            x: (x1 + x2) / 2.0,
            y: (y1 + y2) / 2.0,
            w: text_width(&text, 11.0) + 6.0,
            h: 15.0,
        });
        texts.push((text, edge_colour(e.kind)));
    }
    let obstacles: Vec<Rect> = boxes.values().copied().collect();
    let area = Rect { x: 0.0, y: TOP - 20.0, w: LEFT + AREA_W + 10.0, h: vh - TOP + 10.0 };
    for (label, (text, colour)) in place(&wanted, &[], &obstacles, area).iter().zip(&texts) {
        let Some(r) = label else { continue };
        out.push_str(&format!(
            r##"<g><rect class="edge-label" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#fff" fill-opacity="0.9" data-box="{:.1} {:.1} {:.1} {:.1}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="{colour}">{}</text></g>"##,
            r.x, r.y, r.w, r.h, r.x, r.y, r.w, r.h,
            r.x + 3.0,
            r.y + 11.5,
            escape(text)
        ));
    }
    for node in &net.nodes {
        if let Some(b) = boxes.get(&node.id) {
            out.push_str(&person(node, b, w.veto));
        }
    }
    out.push_str(&legend(lang, vw - LEGEND_W + 10.0));
    out.push_str("</svg>");
    out
}

fn legend(lang: &str, x: f64) -> String {
    let w = words(lang);
    let mut out = picture::stance_legend(x, TOP, lang);
    let top = TOP + 130.0;
    out.push_str(&format!(
        r##"<text x="{x:.1}" y="{top:.1}" font-weight="bold">{}</text>"##,
        escape(w.relationship)
    ));
    for (i, kind) in KINDS.iter().enumerate() {
        let k = RelationshipKind::parse(kind).expect("known kind");
        let row = top + 22.0 * (i as f64 + 1.0);
        out.push_str(&format!(
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="2" stroke-dasharray="{}"/><text x="{:.1}" y="{row:.1}">{}</text>"##,
            row - 4.0,
            x + 30.0,
            row - 4.0,
            edge_colour(k),
            dash(k),
            x + 38.0,
            escape(w.kind_name(kind))
        ));
    }
    let row = top + 22.0 * 6.0 + 10.0;
    out.push_str(&format!(
        r##"<text x="{x:.1}" y="{row:.1}" fill="#7a5c00">★★★☆☆</text><text x="{:.1}" y="{row:.1}">= {}</text>"##,
        x + 70.0,
        escape(w.influence)
    ));
    out
}
