//! The SVG document: a legend of the overlay's colours, then one section
//! per diagram, stacked vertically, each under its name.
//!
//! Each flow node is a `<g class="node state-…" data-element="ID"
//! data-count="N">` (heat maps: `heat-covered` / `heat-gap`), each
//! sequence flow a `<g class="flow taken" data-element="ID">`, so tests and
//! tools read states off the picture without knowing its geometry. Colours
//! are presentation attributes; the document has no scripts, fonts, style
//! sheets or external references, so any renderer shows the same thing.
//!
//! Shapes are drawn in order — pools and lanes, then expanded activities
//! (largest first), then the other shapes in document order, then edges —
//! so content stays visible inside its subprocess whatever order the
//! editor wrote them in, and lines over everything. The order is one sort
//! of the shapes, each overlay look-up one hash probe: O(n log n).

use std::fmt::Write;

use crate::model::{Bounds, Diagram};

use super::edges::{self, Stroke};
use super::overlay::{ElementKey, Overlay, OverlayStyle};
use super::paint::{self, FlowPaint, HEAT_HIGH, HEAT_LOW, STATES};
use super::shapes::{self, Kind, Look};
use super::text::{Esc, INK, Num};

/// Space around the picture and between sections.
const MARGIN: f64 = 20.0;
/// Height of a diagram's heading.
const HEADING: f64 = 30.0;
/// Height of the legend.
const LEGEND: f64 = 28.0;

/// Draws `diagrams` with `overlay` laid over them as one SVG document.
///
/// Each diagram is a section under its name (else its plane's id), in the
/// order given; an element is looked up in the overlay as
/// `ElementKey { file: diagram.file, id }`. In [`OverlayStyle::States`]
/// flow nodes are filled by state (grey: never reached) with a count badge
/// where they ran more than once, and flows with an entry are drawn
/// thicker; in [`OverlayStyle::Heat`] they are shaded by count relative to
/// the largest, and elements without a count are outlined red and dashed.
/// Odd input (no diagrams, empty ones, zero-size shapes, edges with one
/// point) gives a valid, if sparse, picture.
pub fn svg(diagrams: &[Diagram], overlay: &Overlay) -> String {
    let max_node = overlay.nodes.values().map(|m| m.count).max().unwrap_or(0);
    let max_flow = overlay.flows.values().copied().max().unwrap_or(0);
    let mut body = String::new();
    let mut y = MARGIN + LEGEND;
    let mut width = legend(&mut body, overlay.style);
    for d in diagrams {
        let extent = d.extent().map(shapes::clean);
        let (w, h) = extent.map_or((200.0, 20.0), |e| (e.width, e.height));
        let _ = write!(
            body,
            r#"<g class="diagram" data-diagram="{}" data-file="{}">"#,
            Esc(&d.id),
            d.file
        );
        let title = d.name.as_deref().filter(|n| !n.trim().is_empty());
        let title = title.unwrap_or(if d.plane.is_empty() { &d.id } else { &d.plane });
        let _ = write!(
            body,
            r#"<text class="heading" x="{}" y="{}" font-family="sans-serif" font-size="16" font-weight="bold" fill="{INK}">{}{}</text>"#,
            Num(MARGIN),
            Num(y + 20.0),
            Esc(title),
            if d.generated {
                " (generated layout)"
            } else {
                ""
            }
        );
        y += HEADING;
        match extent {
            Some(e) => {
                let _ = write!(
                    body,
                    r#"<g transform="translate({} {})">"#,
                    Num(MARGIN - e.x),
                    Num(y - e.y)
                );
                diagram(&mut body, d, overlay, max_node, max_flow);
                body.push_str("</g>");
            }
            None => {
                let _ = write!(
                    body,
                    r#"<text x="{}" y="{}" font-family="sans-serif" font-size="12" fill="{INK}">(nothing to draw)</text>"#,
                    Num(MARGIN),
                    Num(y + 14.0)
                );
            }
        }
        body.push_str("</g>");
        y += h + MARGIN;
        width = width.max(w + 2.0 * MARGIN);
    }
    let height = y + MARGIN;
    let mut out = String::with_capacity(body.len() + 400);
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif"><rect class="background" x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>"##,
        w = Num(width.ceil()),
        h = Num(height.ceil())
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

/// Draws one diagram's shapes and edges (in diagram coordinates).
fn diagram(out: &mut String, d: &Diagram, overlay: &Overlay, max_node: u32, max_flow: u32) {
    let kinds: Vec<Kind> = d.shapes.iter().map(|s| Kind::of(&s.element_type)).collect();
    // Pass 0: pools and lanes; 1: expanded activities, largest first (an
    // editor may write a subprocess's or called process's content before
    // it, and its filled body must not hide that content); 2: the rest,
    // in document order.
    let pass = |i: usize| {
        let kind = kinds[i];
        if kind.is_container() {
            0
        } else if kind.is_flow_node() && d.shapes[i].expanded == Some(true) {
            1
        } else {
            2
        }
    };
    let mut order: Vec<usize> = (0..d.shapes.len()).collect();
    let area = |i: usize| d.shapes[i].bounds.width * d.shapes[i].bounds.height;
    order.sort_by(|&a, &b| {
        pass(a).cmp(&pass(b)).then_with(|| {
            if pass(a) == 1 {
                area(b).total_cmp(&area(a))
            } else {
                a.cmp(&b)
            }
        })
    });
    for (s, &kind) in order.iter().map(|&i| (&d.shapes[i], &kinds[i])) {
        if !kind.is_flow_node() {
            let _ = write!(
                out,
                r#"<g class="shape {}" data-element="{}">"#,
                Esc(&s.element_type),
                Esc(&s.element)
            );
            shapes::draw(out, s, kind, Look::NEUTRAL);
            out.push_str("</g>");
            continue;
        }
        let mark = overlay
            .nodes
            .get(&ElementKey::new(d.file, s.element.as_str()));
        let p = paint::node_paint(mark, overlay.style, max_node);
        let _ = write!(
            out,
            r#"<g class="node {}" data-element="{}" data-type="{}" data-count="{}">"#,
            p.class,
            Esc(&s.element),
            Esc(&s.element_type),
            p.count
        );
        let look = Look {
            fill: &p.fill,
            stroke: p.stroke,
            dash: p.dash,
        };
        shapes::draw(out, s, kind, look);
        if p.count > 1 {
            badge(out, shapes::clean(s.bounds), p.count);
        }
        out.push_str("</g>");
    }
    for e in &d.edges {
        let flow = e.element_type == "sequenceFlow";
        let p = if flow {
            let count = overlay
                .flows
                .get(&ElementKey::new(d.file, e.element.as_str()))
                .copied();
            paint::flow_paint(count, overlay.style, max_flow)
        } else {
            paint::flow_paint(None, OverlayStyle::States, 0)
        };
        let class = if flow {
            "flow"
        } else {
            edge_class(&e.element_type)
        };
        let _ = write!(out, r#"<g class="{class}"#);
        if flow && !p.class.is_empty() {
            let _ = write!(out, " {}", p.class);
        }
        let _ = write!(out, r#"" data-element="{}""#, Esc(&e.element));
        if flow {
            let _ = write!(out, r#" data-count="{}""#, p.count);
        }
        out.push('>');
        edges::draw(out, e, stroke(&p));
        out.push_str("</g>");
    }
}

/// The class of an edge that is not a sequence flow.
fn edge_class(element_type: &str) -> &'static str {
    match element_type {
        "messageFlow" => "message-flow",
        "association" => "association",
        "dataInputAssociation" | "dataOutputAssociation" => "data-association",
        _ => "edge",
    }
}

/// The stroke of a flow painted `p`.
fn stroke(p: &FlowPaint) -> Stroke<'static> {
    Stroke {
        colour: p.stroke,
        width: p.width,
        dash: p.dash,
    }
}

/// A count badge on the top right corner of `b`.
fn badge(out: &mut String, b: Bounds, count: u32) {
    let text = count.to_string();
    let w = 8.0 + 6.5 * text.len() as f64;
    let (x, y) = (b.right() - w / 2.0, b.y - 8.0);
    let _ = write!(
        out,
        r##"<g class="count"><rect x="{}" y="{}" width="{}" height="16" rx="8" fill="#37474f"/><text x="{}" y="{}" font-family="sans-serif" font-size="11" font-weight="bold" fill="#ffffff" text-anchor="middle">{text}</text></g>"##,
        Num(x),
        Num(y),
        Num(w),
        Num(x + w / 2.0),
        Num(y + 12.0)
    );
}

/// Writes the legend at the top and returns its width.
fn legend(out: &mut String, style: OverlayStyle) -> f64 {
    let mut x = MARGIN;
    out.push_str(r#"<g class="legend">"#);
    match style {
        OverlayStyle::States => {
            for (_, class, fill, stroke, label) in STATES {
                let swatch = format!(r#"<g class="{class}">{}</g>"#, swatch(x, fill, stroke, ""));
                legend_item(out, &mut x, swatch, label);
            }
            let line = format!(
                r#"<path d="M{},{y} L{},{y}" stroke="{}" stroke-width="3.5"/>"#,
                Num(x),
                Num(x + 16.0),
                paint::TAKEN_STROKE,
                y = Num(MARGIN + 8.0),
            );
            legend_item(out, &mut x, line, "taken flow");
        }
        OverlayStyle::Heat => {
            let low = format!("#{:02x}{:02x}{:02x}", HEAT_LOW.0, HEAT_LOW.1, HEAT_LOW.2);
            let high = format!("#{:02x}{:02x}{:02x}", HEAT_HIGH.0, HEAT_HIGH.1, HEAT_HIGH.2);
            let s = swatch(x, &low, "#1b5e20", "");
            legend_item(out, &mut x, s, "run least");
            let s = swatch(x, &high, "#1b5e20", "");
            legend_item(out, &mut x, s, "run most");
            let dash = format!(r#" stroke-dasharray="{}""#, paint::GAP_DASH);
            let s = swatch(x, "#ffffff", paint::GAP_STROKE, &dash);
            legend_item(out, &mut x, s, "never reached (gap)");
        }
    }
    out.push_str("</g>");
    x + MARGIN
}

/// A legend swatch at `x`.
fn swatch(x: f64, fill: &str, stroke: &str, extra: &str) -> String {
    format!(
        r#"<rect x="{}" y="{}" width="16" height="16" rx="3" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{extra}/>"#,
        Num(x),
        Num(MARGIN)
    )
}

/// A legend entry: `swatch` (drawn at `x`) and its label; moves `x` past
/// it.
fn legend_item(out: &mut String, x: &mut f64, swatch: String, label: &str) {
    let _ = write!(
        out,
        r#"{swatch}<text x="{}" y="{}" font-family="sans-serif" font-size="12" fill="{INK}">{}</text>"#,
        Num(*x + 22.0),
        Num(MARGIN + 12.0),
        Esc(label)
    );
    // Glyph widths are guessed: the legend is spaced generously.
    *x += 22.0 + 7.0 * label.chars().count() as f64 + 16.0;
}
