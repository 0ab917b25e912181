//! The influence × impact matrix as an SVG image: one dot per person, or per-cell
//! counts once there are too many people for dots to stay readable.

/// One person to plot (scores 1–5).
pub struct Dot<'a> {
    /// Shown on hover.
    pub name: &'a str,
    pub influence: i32,
    pub impact: i32,
    pub stance: &'a str,
}

/// People sharing a grid cell and a stance.
pub struct Cell<'a> {
    pub influence: i32,
    pub impact: i32,
    pub stance: &'a str,
    pub count: i64,
}

/// Above this many people the chart shows per-cell counts instead of dots.
pub const MAX_DOTS: usize = 200;

const SIZE: f64 = 600.0;
const MARGIN: f64 = 70.0;
const PLOT: f64 = SIZE - 2.0 * MARGIN;

/// The colour of a stance: advocate green, neutral amber, critic red, unknown grey.
pub fn colour(stance: &str) -> &'static str {
    match stance {
        "advocate" => "#2ca02c",
        "neutral" => "#f0a500",
        "critic" => "#d62728",
        _ => "#8c8c8c",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

// Scores 1..=5 map to the centres of five bands on each axis; impact runs right, influence up.
fn x(impact: f64) -> f64 {
    MARGIN + (impact - 0.5) / 5.0 * PLOT
}

fn y(influence: f64) -> f64 {
    SIZE - MARGIN - (influence - 0.5) / 5.0 * PLOT
}

fn frame(title: &str, unassessed: i64) -> String {
    let mid_x = x(2.5);
    let mid_y = y(2.5);
    let mut out = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" font-family="sans-serif" font-size="12"><title>{}</title><rect x="{MARGIN}" y="{MARGIN}" width="{PLOT}" height="{PLOT}" fill="#fafafa" stroke="#444"/><line x1="{mid_x}" y1="{MARGIN}" x2="{mid_x}" y2="{}" stroke="#999" stroke-dasharray="4 4"/><line x1="{MARGIN}" y1="{mid_y}" x2="{}" y2="{mid_y}" stroke="#999" stroke-dasharray="4 4"/>"##,
        escape(title),
        SIZE - MARGIN,
        SIZE - MARGIN
    );
    let quadrants = [
        ("Key players", x(4.0), y(5.3)),
        ("Experts", x(1.5), y(5.3)),
        ("Passive passengers", x(4.0), y(0.7)),
        ("Distant relatives", x(1.5), y(0.7)),
    ];
    for (label, qx, qy) in quadrants {
        out.push_str(&format!(r##"<text x="{qx:.1}" y="{qy:.1}" text-anchor="middle" fill="#555" font-weight="bold">{label}</text>"##));
    }
    for score in 1..=5 {
        let s = score as f64;
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{score}</text>"##,
            x(s),
            SIZE - MARGIN + 18.0
        ));
        out.push_str(&format!(
            r##"<text x="{:.1}" y="{:.1}" text-anchor="end">{score}</text>"##,
            MARGIN - 8.0,
            y(s) + 4.0
        ));
    }
    out.push_str(&format!(
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">Impact</text>"##,
        SIZE / 2.0,
        SIZE - 20.0
    ));
    out.push_str(&format!(
        r##"<text x="20" y="{:.1}" text-anchor="middle" transform="rotate(-90 20 {:.1})">Influence</text>"##,
        SIZE / 2.0,
        SIZE / 2.0
    ));
    if unassessed > 0 {
        out.push_str(&format!(
            r##"<text x="{MARGIN}" y="40" fill="#555">{unassessed} not assessed (not plotted)</text>"##
        ));
    }
    out
}

/// One dot per person, spread within their cell so people with equal scores stay apart.
pub fn with_dots(title: &str, dots: &[Dot], unassessed: i64) -> String {
    let mut out = frame(title, unassessed);
    let mut taken: std::collections::HashMap<(i32, i32), usize> = Default::default();
    for dot in dots {
        let n = taken.entry((dot.influence, dot.impact)).or_insert(0);
        let angle = *n as f64 * 2.399963;
        let radius = 6.0 * (*n as f64).sqrt();
        *n += 1;
        let cx = x(dot.impact as f64) + radius * angle.cos();
        let cy = y(dot.influence as f64) + radius * angle.sin();
        out.push_str(&format!(
            r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{}" stroke="#222" stroke-width="0.5"><title>{}</title></circle>"##,
            colour(dot.stance),
            escape(dot.name)
        ));
    }
    out.push_str("</svg>");
    out
}

/// Counts per cell and stance: a circle sized by count, labelled with it.
pub fn with_cells(title: &str, cells: &[Cell], unassessed: i64) -> String {
    let mut out = frame(title, unassessed);
    let offsets = [
        ("advocate", -14.0, -14.0),
        ("neutral", 14.0, -14.0),
        ("critic", -14.0, 14.0),
        ("unknown", 14.0, 14.0),
    ];
    let largest = cells.iter().map(|c| c.count).max().unwrap_or(1).max(1) as f64;
    for cell in cells {
        let (dx, dy) = offsets.iter().find(|o| o.0 == cell.stance).map(|o| (o.1, o.2)).unwrap_or((0.0, 0.0));
        let r = 3.0 + 10.0 * (cell.count as f64 / largest).sqrt();
        let (cx, cy) = (x(cell.impact as f64) + dx, y(cell.influence as f64) + dy);
        out.push_str(&format!(
            r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="{}" fill-opacity="0.8"><title>{} {} at influence {}, impact {}</title></circle><text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="9">{}</text>"##,
            colour(cell.stance),
            cell.count,
            escape(cell.stance),
            cell.influence,
            cell.impact,
            cy + 3.0,
            cell.count
        ));
    }
    out.push_str("</svg>");
    out
}
