//! The BPMN lines: sequence flows (solid, filled arrowhead, a slash at the
//! start of a default flow, a small diamond at the start of a conditional
//! one), message flows (dashed, open circle at the start, open arrowhead),
//! associations (dotted; data associations with a line arrowhead), and
//! their labels.
//!
//! Arrowheads are drawn as polygons of their own rather than SVG markers:
//! they take each flow's overlay colour, and several pictures inlined in
//! one HTML page cannot clash over marker ids.

use std::fmt::Write;

use crate::model::{Bounds, Edge, Point};

use super::text::{self, Num, Place, SMALL_FONT};

/// How a line is stroked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stroke<'a> {
    /// Colour.
    pub colour: &'a str,
    /// Width.
    pub width: f64,
    /// Dashes, if any.
    pub dash: Option<&'a str>,
}

/// The colour of message flows and associations.
const LINE: &str = "#424242";

/// Draws edge `e`; `flow` strokes a sequence flow (the overlay's choice),
/// other edges have their own look. An edge with fewer than two distinct
/// points draws only its label.
pub(crate) fn draw(out: &mut String, e: &Edge, flow: Stroke<'_>) {
    let points: Vec<Point> = e
        .waypoints
        .iter()
        .copied()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let ends = direction(points.iter().copied()).zip(direction(points.iter().rev().copied()));
    if let Some(((start, out_dir), (end, in_dir))) = ends {
        match e.element_type.as_str() {
            "sequenceFlow" => sequence_flow(out, e, &points, flow, (start, out_dir), (end, in_dir)),
            "messageFlow" => {
                let stroke = Stroke {
                    colour: LINE,
                    width: 1.5,
                    dash: Some("7 4"),
                };
                polyline(out, &points, stroke);
                // The open circle sits on the line's start, its edge at the
                // source's border.
                let c = along(start, out_dir, 4.5);
                let _ = write!(
                    out,
                    r##"<circle cx="{}" cy="{}" r="4.5" fill="#ffffff" stroke="{LINE}" stroke-width="1.5"/>"##,
                    Num(c.x),
                    Num(c.y)
                );
                arrowhead(out, end, in_dir, 11.0, 5.0, "#ffffff", LINE);
            }
            t => {
                let stroke = Stroke {
                    colour: LINE,
                    width: 1.2,
                    dash: Some("2 3"),
                };
                polyline(out, &points, stroke);
                if matches!(t, "dataInputAssociation" | "dataOutputAssociation") {
                    line_arrowhead(out, end, in_dir, LINE);
                }
            }
        }
    }
    if let Some(name) = &e.name {
        let area = match e.label {
            Some(l) if l.x.is_finite() && l.y.is_finite() => l,
            _ => {
                let Some(m) = middle(&points) else { return };
                Bounds {
                    x: m.x - 50.0,
                    y: m.y - 20.0,
                    width: 100.0,
                    height: 16.0,
                }
            }
        };
        text::label(out, name, area, Place::Centre, SMALL_FONT, false);
    }
}

/// A sequence flow with its arrowhead and default or conditional marker.
fn sequence_flow(
    out: &mut String,
    e: &Edge,
    points: &[Point],
    stroke: Stroke<'_>,
    (start, out_dir): (Point, Point),
    (end, in_dir): (Point, Point),
) {
    polyline(out, points, stroke);
    // Wider lines get bigger heads, or the line hides its own arrowhead.
    let length = 9.0 + 1.5 * stroke.width;
    let half = 3.0 + stroke.width;
    arrowhead(out, end, in_dir, length, half, stroke.colour, stroke.colour);
    if e.conditional {
        let tip = along(start, out_dir, 16.0);
        let mid = along(start, out_dir, 8.0);
        let n = Point {
            x: -out_dir.y * 5.0,
            y: out_dir.x * 5.0,
        };
        let _ = write!(
            out,
            r##"<polygon class="conditional" points="{},{} {},{} {},{} {},{}" fill="#ffffff" stroke="{}" stroke-width="1.2"/>"##,
            Num(start.x),
            Num(start.y),
            Num(mid.x + n.x),
            Num(mid.y + n.y),
            Num(tip.x),
            Num(tip.y),
            Num(mid.x - n.x),
            Num(mid.y - n.y),
            stroke.colour
        );
    }
    if e.default {
        // A slash across the line near its start, leaning 45° forwards.
        let c = along(start, out_dir, if e.conditional { 22.0 } else { 10.0 });
        let d = Point {
            x: (out_dir.x - out_dir.y) * 5.0,
            y: (out_dir.y + out_dir.x) * 5.0,
        };
        let _ = write!(
            out,
            r#"<path class="default" d="M{},{} L{},{}" stroke="{}" stroke-width="1.5"/>"#,
            Num(c.x - d.x),
            Num(c.y - d.y),
            Num(c.x + d.x),
            Num(c.y + d.y),
            stroke.colour
        );
    }
}

/// The first point of `points` and the unit direction towards the first
/// point distinct from it; `None` when there is no such point.
fn direction(mut points: impl Iterator<Item = Point>) -> Option<(Point, Point)> {
    let first = points.next()?;
    points.find_map(|p| {
        let (dx, dy) = (p.x - first.x, p.y - first.y);
        let len = dx.hypot(dy);
        (len > 1e-9 && len.is_finite()).then(|| {
            (
                first,
                Point {
                    x: dx / len,
                    y: dy / len,
                },
            )
        })
    })
}

/// The point `d` along unit direction `dir` from `p`.
fn along(p: Point, dir: Point, d: f64) -> Point {
    Point {
        x: p.x + dir.x * d,
        y: p.y + dir.y * d,
    }
}

/// The middle of the middle segment, where a label without bounds goes.
fn middle(points: &[Point]) -> Option<Point> {
    let i = points.len().checked_sub(2)? / 2;
    let (a, b) = (points[i], points[i + 1]);
    Some(Point {
        x: (a.x + b.x) / 2.0,
        y: (a.y + b.y) / 2.0,
    })
}

/// A polyline through `points`.
fn polyline(out: &mut String, points: &[Point], stroke: Stroke<'_>) {
    out.push_str(r#"<polyline points=""#);
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", Num(p.x), Num(p.y));
    }
    let _ = write!(
        out,
        r#"" fill="none" stroke="{}" stroke-width="{}" stroke-linejoin="round""#,
        stroke.colour,
        Num(stroke.width)
    );
    if let Some(d) = stroke.dash {
        let _ = write!(out, r#" stroke-dasharray="{d}""#);
    }
    out.push_str("/>");
}

/// A triangular arrowhead with its tip at `tip`, pointing away from unit
/// direction `back` (which points from the tip back along the line).
fn arrowhead(
    out: &mut String,
    tip: Point,
    back: Point,
    length: f64,
    half: f64,
    fill: &str,
    stroke: &str,
) {
    let base = along(tip, back, length);
    let n = Point {
        x: -back.y * half,
        y: back.x * half,
    };
    let _ = write!(
        out,
        r#"<polygon class="arrow" points="{},{} {},{} {},{}" fill="{fill}" stroke="{stroke}" stroke-width="1" stroke-linejoin="round"/>"#,
        Num(tip.x),
        Num(tip.y),
        Num(base.x + n.x),
        Num(base.y + n.y),
        Num(base.x - n.x),
        Num(base.y - n.y)
    );
}

/// An open arrowhead of two lines (data associations).
fn line_arrowhead(out: &mut String, tip: Point, back: Point, colour: &str) {
    let base = along(tip, back, 10.0);
    let n = Point {
        x: -back.y * 5.0,
        y: back.x * 5.0,
    };
    let _ = write!(
        out,
        r#"<polyline class="arrow" points="{},{} {},{} {},{}" fill="none" stroke="{colour}" stroke-width="1.2"/>"#,
        Num(base.x + n.x),
        Num(base.y + n.y),
        Num(tip.x),
        Num(tip.y),
        Num(base.x - n.x),
        Num(base.y - n.y)
    );
}
