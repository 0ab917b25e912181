//! Placing labels beside points so that no label covers another label, a point or a
//! fixed text: candidate spots on rings of growing distance around each point, the
//! first free one taken; the most crowded points are placed first.

use super::picture::Rect;

/// A label to place beside the point at (`x`, `y`).
pub struct Wanted {
    /// The point's centre.
    pub x: f64,
    /// The point's centre.
    pub y: f64,
    /// The label's size.
    pub w: f64,
    /// The label's size.
    pub h: f64,
}

/// Distances from a point's centre to a label's centre-line tried, nearest first.
const RINGS: [f64; 14] =
    [12.0, 18.0, 26.0, 36.0, 48.0, 62.0, 80.0, 100.0, 125.0, 155.0, 190.0, 230.0, 280.0, 340.0];

/// Places every label inside `area`, clear of `obstacles`, of the points' own boxes and
/// of one another; returns each label's box (None when no spot is free).
pub fn place(wanted: &[Wanted], points: &[Rect], obstacles: &[Rect], area: Rect) -> Vec<Option<Rect>> {
    let mut taken: Vec<Rect> = Vec::new();
    let mut out = vec![None; wanted.len()];
    // Crowded points first, while the space around them is still free.
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    let crowd = |i: usize| {
        points
            .iter()
            .filter(|p| (p.x + p.w / 2.0 - wanted[i].x).hypot(p.y + p.h / 2.0 - wanted[i].y) < 40.0)
            .count()
    };
    order.sort_by_key(|&i| std::cmp::Reverse(crowd(i)));
    for i in order {
        let label = &wanted[i];
        'search: for (ring, distance) in RINGS.iter().enumerate() {
            // More directions on outer rings, so the spots stay about as far apart.
            let steps = 8 * (1 + ring / 3);
            for step in 0..steps {
                // Right of the point first (where a reader looks), then around it.
                let angle = std::f64::consts::TAU * step as f64 / steps as f64;
                let (dx, dy) = (angle.cos(), angle.sin());
                let cx = label.x + dx * (distance + label.w / 2.0 * dx.abs());
                let cy = label.y + dy * (distance + label.h / 2.0 * dy.abs());
                let rect = Rect { x: cx - label.w / 2.0, y: cy - label.h / 2.0, w: label.w, h: label.h };
                let free = area.contains(&rect)
                    && !points.iter().any(|p| p.intersects(&rect))
                    && !obstacles.iter().any(|o| o.intersects(&rect))
                    && !taken.iter().any(|t| t.intersects(&rect));
                if free {
                    taken.push(rect);
                    out[i] = Some(rect);
                    break 'search;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crowd_gets_labels_that_never_overlap() {
        let area = Rect { x: 0.0, y: 0.0, w: 600.0, h: 400.0 };
        let points: Vec<Rect> = (0..12)
            .map(|i| Rect::around(300.0 + (i % 4) as f64 * 13.0, 200.0 + (i / 4) as f64 * 13.0, 6.0))
            .collect();
        let wanted: Vec<Wanted> =
            points.iter().map(|p| Wanted { x: p.x + 6.0, y: p.y + 6.0, w: 90.0, h: 14.0 }).collect();
        let placed = place(&wanted, &points, &[], area);
        let boxes: Vec<Rect> = placed.iter().map(|b| b.expect("every label placed")).collect();
        for (i, a) in boxes.iter().enumerate() {
            assert!(area.contains(a));
            assert!(!points.iter().any(|p| p.intersects(a)));
            assert!(!boxes[i + 1..].iter().any(|b| b.intersects(a)));
        }
    }
}
