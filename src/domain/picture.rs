//! What the service's pictures (matrix, network, group rings) share: a 16:9 canvas, a
//! colour-blind-safe stance palette, fonts that show CJK names, text measured well
//! enough to keep labels apart, and rectangles to test for overlap.

/// Canvas width (a 16:9 slide).
pub const WIDTH: f64 = 1280.0;
/// Canvas height.
pub const HEIGHT: f64 = 720.0;
/// Fonts tried in order: Latin first, then CJK-capable ones, so Chinese and Korean
/// names render in browsers and in librsvg alike.
pub const FONTS: &str = "'Noto Sans', 'DejaVu Sans', 'Noto Sans CJK SC', 'Noto Sans CJK KR', \
'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Malgun Gothic', 'WenQuanYi Zen Hei', sans-serif";

/// A stance's colour, from the Okabe–Ito palette (told apart with every common colour
/// vision deficiency): advocate bluish green, neutral orange, critic vermillion, unknown grey.
pub fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "advocate" => "#009E73",
        "neutral" => "#E69F00",
        "critic" => "#D55E00",
        _ => "#999999",
    }
}

/// The stances in legend order.
pub const STANCES: [&str; 4] = ["advocate", "neutral", "critic", "unknown"];

/// Text made safe inside SVG markup (element text and attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters.
            c if c.is_control() && !matches!(c, '\t' | '\n') => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether a character is drawn full width (CJK, Hangul, full-width forms).
fn wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// A generous estimate of a text's width at `size` px: full-width characters one em,
/// others 0.62 em (wider than the average sans-serif glyph, so real text fits inside).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| if wide(c) { size } else { 0.62 * size }).sum()
}

/// The first letters of a name's words (the first character for CJK names).
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [one] if one.chars().next().is_some_and(wide) => one.chars().take(1).collect(),
        _ => words.iter().filter_map(|w| w.chars().next()).take(3).flat_map(char::to_uppercase).collect(),
    }
}

/// A name cut to at most `max` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the two share any area (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// Whether `other` lies wholly inside.
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.x + other.w <= self.x + self.w
            && other.y + other.h <= self.y + self.h
    }

    /// The rectangle around a circle.
    pub fn around(cx: f64, cy: f64, r: f64) -> Rect {
        Rect { x: cx - r, y: cy - r, w: 2.0 * r, h: 2.0 * r }
    }
}

/// The opening of a picture: the 16:9 canvas, fonts, a white background and a title.
pub fn open(title: &str, lang: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONTS}" font-size="13" xml:lang="{}"><title>{}</title><rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##,
        escape(lang),
        escape(title)
    )
}

/// A legend of the stance colours at (`x`, `y`), one row each, in `lang`.
pub fn stance_legend(x: f64, y: f64, lang: &str) -> String {
    let words = super::picture_words::words(lang);
    let mut out = format!(
        r##"<g class="legend"><text x="{x:.1}" y="{y:.1}" font-weight="bold">{}</text>"##,
        escape(words.stance)
    );
    for (i, stance) in STANCES.iter().enumerate() {
        let row = y + 22.0 * (i as f64 + 1.0);
        out.push_str(&format!(
            r##"<circle cx="{:.1}" cy="{:.1}" r="7" fill="{}" stroke="#333" stroke-width="0.6"/><text x="{:.1}" y="{:.1}">{}</text>"##,
            x + 7.0,
            row - 4.0,
            stance_colour(stance),
            x + 20.0,
            row,
            escape(words.stance_name(stance))
        ));
    }
    out.push_str("</g>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_escaped() {
        assert!(text_width("张伟", 10.0) > text_width("Li", 10.0));
        assert_eq!(initials("Aino Virtanen"), "AV");
        assert_eq!(initials("张伟"), "张");
        assert_eq!(escape("<b>\"x\" & 'y'\u{7}</b>"), "&lt;b&gt;&quot;x&quot; &amp; &apos;y&apos;&lt;/b&gt;");
        let a = Rect { x: 0.0, y: 0.0, w: 10.0, h: 10.0 };
        assert!(a.intersects(&Rect { x: 5.0, y: 5.0, w: 10.0, h: 10.0 }));
        assert!(!a.intersects(&Rect { x: 10.0, y: 0.0, w: 10.0, h: 10.0 }), "touching is not overlapping");
    }
}
