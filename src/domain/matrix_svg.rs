//! The influence × impact matrix as a picture for a slide: every person a dot in their
//! cell (people on one score fan out around it), labelled by name or initials with no
//! label covering another label or a dot, stance colours with a legend, quadrant names
//! and axis titles in the reader's language; per-cell counts once there are too many
//! people for labels to stay readable.

use super::labelled_dots;
use super::picture::{self, escape, stance_colour, text_width, Rect, HEIGHT};
use super::picture_words::{words, Words};

/// One person to plot (scores 1–5).
pub struct Dot<'a> {
    /// Their name.
    pub name: &'a str,
    /// 1–5.
    pub influence: i32,
    /// 1–5.
    pub impact: i32,
    /// Their stance.
    pub stance: &'a str,
}

/// People sharing a grid cell and a stance.
pub struct Cell<'a> {
    /// 1–5.
    pub influence: i32,
    /// 1–5.
    pub impact: i32,
    /// Their stance.
    pub stance: &'a str,
    /// How many.
    pub count: i64,
}

crate::string_enum!(
    /// What each dot is labelled with.
    #[derive(Default)]
    Labels {
        #[default]
        Name = "name",
        Initials = "initials",
        None = "none",
    }
);

/// Above this many people the chart shows per-cell counts instead of labelled dots.
pub const MAX_DOTS: usize = 200;

const LEFT: f64 = 110.0;
const TOP: f64 = 60.0;
const PLOT_W: f64 = 860.0;
const PLOT_H: f64 = 580.0;
const DOT: f64 = 6.0;
const LEGEND_X: f64 = 1010.0;

/// The plot's area.
pub const PLOT: Rect = Rect { x: LEFT, y: TOP, w: PLOT_W, h: PLOT_H };

// Scores 1..=5 map to the centres of five bands on each axis; impact runs right, influence up.
fn x(impact: f64) -> f64 {
    LEFT + (impact - 0.5) / 5.0 * PLOT_W
}

fn y(influence: f64) -> f64 {
    TOP + PLOT_H - (influence - 0.5) / 5.0 * PLOT_H
}

// The frame: plot, quadrant lines and names, scores, axis titles, legend, the unassessed
// count. Returns the markup and the boxes of the quadrant names (labels keep off them).
fn frame(w: &Words, unassessed: i64) -> (String, Vec<Rect>) {
    let (mid_x, mid_y) = (x(2.5), y(2.5));
    let mut out = picture::open(w.matrix_title, w.lang);
    out.push_str(&format!(
        r##"<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" fill="#fafafa" stroke="#444"/><line x1="{mid_x:.1}" y1="{TOP}" x2="{mid_x:.1}" y2="{:.1}" stroke="#999" stroke-dasharray="4 4"/><line x1="{LEFT}" y1="{mid_y:.1}" x2="{:.1}" y2="{mid_y:.1}" stroke="#999" stroke-dasharray="4 4"/>"##,
        TOP + PLOT_H,
        LEFT + PLOT_W
    ));
    // Names in each quadrant's outer corner: key players top right, experts top left,
    // passive passengers bottom right, distant relatives bottom left.
    let mut boxes = Vec::new();
    let corners = [(false, true), (true, true), (false, false), (true, false)];
    for (name, (left, top)) in w.quadrants.iter().zip(corners) {
        let width = text_width(name, 14.0) * 1.05;
        let bx = if left { LEFT + 8.0 } else { LEFT + PLOT_W - 8.0 - width };
        let by = if top { TOP + 6.0 } else { TOP + PLOT_H - 24.0 };
        boxes.push(Rect { x: bx, y: by, w: width, h: 18.0 });
        out.push_str(&format!(
            r##"<text x="{bx:.1}" y="{:.1}" font-size="14" font-weight="bold" fill="#555">{}</text>"##,
            by + 14.0,
            escape(name)
        ));
    }
    for score in 1..=5 {
        let s = score as f64;
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{score}</text>"##,
            x(s),
            TOP + PLOT_H + 20.0
        ));
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{score}</text>"##,
            LEFT - 10.0,
            y(s) + 4.0
        ));
    }
    out.push_str(&format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="15" font-weight="bold">{} →</text>"##,
        LEFT + PLOT_W / 2.0,
        HEIGHT - 25.0,
        escape(w.impact)
    ));
    let cy = TOP + PLOT_H / 2.0;
    out.push_str(&format!(
        r##"<text x="50" y="{cy:.1}" text-anchor="middle" font-size="15" font-weight="bold" transform="rotate(-90 50 {cy:.1})">{} →</text>"##,
        escape(w.influence)
    ));
    out.push_str(&picture::stance_legend(LEGEND_X, TOP + 10.0, w.lang));
    if unassessed > 0 {
        out.push_str(&format!(
            r##"<text x="{LEGEND_X}" y="{:.1}" fill="#555">{}</text>"##,
            TOP + 150.0,
            escape(&w.unassessed.replace("{n}", &unassessed.to_string()))
        ));
    }
    (out, boxes)
}

/// One labelled dot per person; people on one score fan out around its centre.
pub fn with_dots(dots: &[Dot], unassessed: i64, labels: Labels, lang: &str) -> String {
    let w = words(lang);
    let (mut out, quadrant_names) = frame(w, unassessed);
    let mut taken: std::collections::HashMap<(i32, i32), usize> = Default::default();
    let centres: Vec<(f64, f64)> = dots
        .iter()
        .map(|dot| {
            let n = taken.entry((dot.influence, dot.impact)).or_insert(0);
            let (angle, radius) = (*n as f64 * 2.399963, 2.3 * DOT * (*n as f64).sqrt());
            *n += 1;
            (x(dot.impact as f64) + radius * angle.cos(), y(dot.influence as f64) + radius * angle.sin())
        })
        .collect();
    let people: Vec<labelled_dots::Dot> = dots
        .iter()
        .zip(&centres)
        .map(|(d, (x, y))| labelled_dots::Dot {
            x: *x,
            y: *y,
            stance: d.stance,
            name: d.name,
            label: match labels {
                Labels::Name => picture::shorten(d.name, 28),
                Labels::Initials => picture::initials(d.name),
                Labels::None => String::new(),
            },
        })
        .collect();
    out.push_str(&labelled_dots::draw(&people, DOT, &quadrant_names, PLOT));
    out.push_str("</svg>");
    out
}

/// Counts per cell and stance: a circle sized by count, labelled with it.
pub fn with_cells(cells: &[Cell], unassessed: i64, lang: &str) -> String {
    let w = words(lang);
    let (mut out, _) = frame(w, unassessed);
    let offsets = [
        ("advocate", -22.0, -18.0),
        ("neutral", 22.0, -18.0),
        ("critic", -22.0, 18.0),
        ("unknown", 22.0, 18.0),
    ];
    let largest = cells.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
    for cell in cells {
        let (dx, dy) = offsets.iter().find(|o| o.0 == cell.stance).map(|o| (o.1, o.2)).unwrap_or((0.0, 0.0));
        let r = 5.0 + 12.0 * (cell.count as f64 / largest).sqrt();
        let (cx, cy) = (x(cell.impact as f64) + dx, y(cell.influence as f64) + dy);
        out.push_str(&format!(
            r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="{}" fill-opacity="0.85"><title>{} × {}</title></circle><text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
            stance_colour(cell.stance),
            cell.count,
            escape(w.stance_name(cell.stance)),
            cy + 4.0,
            cell.count
        ));
    }
    out.push_str("</svg>");
    out
}
