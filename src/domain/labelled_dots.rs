//! People drawn as dots coloured by stance, each named by a label set clear of every
//! other label, every dot and the picture's fixed texts (shared by the matrix and the
//! group rings).

use super::label_placement::{place, Wanted};
use super::picture::{escape, stance_colour, text_width, Rect};

/// Label text size, px.
pub const LABEL_SIZE: f64 = 12.0;

/// One person to draw.
pub struct Dot<'a> {
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Colours the dot.
    pub stance: &'a str,
    /// Shown on hover (the dot's title).
    pub name: &'a str,
    /// The label beside the dot; empty for none.
    pub label: String,
}

/// Leader lines, labels, then dots of radius `r` (last, so a leader never crosses a dot);
/// labels inside `area` and off `obstacles`. Label and dot boxes are given as `data-box`.
pub fn draw(dots: &[Dot], r: f64, obstacles: &[Rect], area: Rect) -> String {
    let points: Vec<Rect> = dots.iter().map(|d| Rect::around(d.x, d.y, r)).collect();
    let wanted: Vec<Wanted> = dots
        .iter()
        .map(|d| Wanted { x: d.x, y: d.y, w: text_width(&d.label, LABEL_SIZE) + 2.0, h: LABEL_SIZE + 3.0 })
        .collect();
    let placed = match dots.iter().all(|d| d.label.is_empty()) {
        true => vec![None; dots.len()],
        false => place(&wanted, &points, obstacles, area),
    };
    let mut out = String::new();
    for (dot, label) in dots.iter().zip(&placed) {
        let Some(b) = label else { continue };
        // A label set away from its dot gets a thin leader line to it.
        let (nx, ny) = (dot.x.clamp(b.x, b.x + b.w), dot.y.clamp(b.y, b.y + b.h));
        if (nx - dot.x).hypot(ny - dot.y) > r + 8.0 {
            out.push_str(&format!(
                r##"<line class="leader" x1="{:.1}" y1="{:.1}" x2="{nx:.1}" y2="{ny:.1}" stroke="#888" stroke-width="0.7"/>"##,
                dot.x, dot.y
            ));
        }
        out.push_str(&format!(
            r##"<text class="label" x="{:.1}" y="{:.1}" font-size="{LABEL_SIZE}" data-box="{:.1} {:.1} {:.1} {:.1}">{}</text>"##,
            b.x + 1.0,
            b.y + LABEL_SIZE,
            b.x,
            b.y,
            b.w,
            b.h,
            escape(&dot.label)
        ));
    }
    for (dot, p) in dots.iter().zip(&points) {
        out.push_str(&format!(
            r##"<circle class="point" cx="{:.1}" cy="{:.1}" r="{r}" fill="{}" stroke="#222" stroke-width="0.6" data-box="{:.1} {:.1} {:.1} {:.1}"><title>{}</title></circle>"##,
            dot.x,
            dot.y,
            stance_colour(dot.stance),
            p.x,
            p.y,
            p.w,
            p.h,
            escape(dot.name)
        ));
    }
    out
}
