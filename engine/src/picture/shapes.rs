//! The BPMN symbols of shapes: activities as rounded rectangles with their
//! type icon and bottom markers, events as circles (thin start, thick end,
//! double intermediate, dashed non-interrupting) with their definition,
//! gateways as diamonds, pools and lanes with their names turned on the
//! left, data objects and stores, annotations, groups.
//!
//! A symbol is drawn from the [`Shape`] alone, in diagram coordinates;
//! the overlay only chooses its colours ([`Look`]). Symbols never panic on
//! odd bounds: negative or non-finite sizes are drawn as zero.

use std::fmt::Write;

use crate::model::{Bounds, LoopMarker, Shape};

use super::markers::{self, BOTTOM_SIZE, Bottom};
use super::paint::NEUTRAL_STROKE;
use super::text::{self, FONT_SIZE, Num, Place, SMALL_FONT};

/// What kind of symbol an element type is drawn as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A task or call activity: a rounded rectangle with an icon.
    Task,
    /// A subprocess, transaction or ad-hoc subprocess.
    SubProcess,
    /// A start, end, intermediate or boundary event.
    Event,
    /// A gateway.
    Gateway,
    /// A pool.
    Participant,
    /// A lane.
    Lane,
    /// A data object (reference), data input or output.
    DataObject,
    /// A data store reference.
    DataStore,
    /// A text annotation.
    Annotation,
    /// A group.
    Group,
    /// Anything else (an element not found, an extension): a dashed box.
    Other,
}

impl Kind {
    /// The kind of a BPMN element type (its XML local name).
    pub(crate) fn of(element_type: &str) -> Kind {
        match element_type {
            "task" | "userTask" | "manualTask" | "scriptTask" | "serviceTask"
            | "businessRuleTask" | "sendTask" | "receiveTask" | "callActivity" => Kind::Task,
            "subProcess" | "transaction" | "adHocSubProcess" => Kind::SubProcess,
            "startEvent"
            | "endEvent"
            | "intermediateCatchEvent"
            | "intermediateThrowEvent"
            | "boundaryEvent"
            | "implicitThrowEvent" => Kind::Event,
            t if t.ends_with("Gateway") => Kind::Gateway,
            "participant" => Kind::Participant,
            "lane" => Kind::Lane,
            "dataObjectReference" | "dataObject" | "dataInput" | "dataOutput" => Kind::DataObject,
            "dataStoreReference" | "dataStore" => Kind::DataStore,
            "textAnnotation" => Kind::Annotation,
            "group" => Kind::Group,
            _ => Kind::Other,
        }
    }

    /// True for flow nodes: what an overlay colours.
    pub(crate) fn is_flow_node(self) -> bool {
        matches!(
            self,
            Kind::Task | Kind::SubProcess | Kind::Event | Kind::Gateway
        )
    }

    /// True for pools and lanes, drawn beneath everything else.
    pub(crate) fn is_container(self) -> bool {
        matches!(self, Kind::Participant | Kind::Lane)
    }
}

/// The colours of one symbol.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look<'a> {
    /// Fill of its body.
    pub fill: &'a str,
    /// Outline and icon colour.
    pub stroke: &'a str,
    /// Dashes of the outline, when the overlay marks it (a heat-map gap).
    pub dash: Option<&'a str>,
}

impl Look<'static> {
    /// Shapes no overlay colours: white with a grey outline.
    pub(crate) const NEUTRAL: Look<'static> = Look {
        fill: "#ffffff",
        stroke: NEUTRAL_STROKE,
        dash: None,
    };
}

/// `b` with non-finite values made 0 and negative sizes made 0.
pub(crate) fn clean(b: Bounds) -> Bounds {
    let f = |v: f64| if v.is_finite() { v } else { 0.0 };
    Bounds {
        x: f(b.x),
        y: f(b.y),
        width: f(b.width).max(0.0),
        height: f(b.height).max(0.0),
    }
}

/// Draws shape `s` of kind `kind` with colours `look`.
pub(crate) fn draw(out: &mut String, s: &Shape, kind: Kind, look: Look<'_>) {
    let b = clean(s.bounds);
    match kind {
        Kind::Task | Kind::SubProcess => activity(out, s, b, kind, look),
        Kind::Event => event(out, s, b, look),
        Kind::Gateway => gateway(out, s, b, look),
        Kind::Participant => container(out, s, b, true),
        Kind::Lane => container(out, s, b, false),
        Kind::DataObject => data_object(out, s, b),
        Kind::DataStore => data_store(out, s, b),
        Kind::Annotation => annotation(out, s, b),
        Kind::Group => group(out, s, b),
        Kind::Other => other(out, s, b),
    }
}

/// ` stroke-dasharray="…"` when there are dashes.
fn dash_attr(dash: Option<&str>) -> String {
    dash.map(|d| format!(r#" stroke-dasharray="{d}""#))
        .unwrap_or_default()
}

/// A rectangle with rounded corners (radius at most half a side).
fn rounded(out: &mut String, b: Bounds, radius: f64, attrs: &str) {
    let r = radius.min(b.width / 2.0).min(b.height / 2.0);
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" {attrs}/>"#,
        Num(b.x),
        Num(b.y),
        Num(b.width),
        Num(b.height),
        Num(r)
    );
}

/// `b` shrunk by `d` on every side (never below zero size).
fn inset(b: Bounds, d: f64) -> Bounds {
    let d = d.min(b.width / 2.0).min(b.height / 2.0);
    Bounds {
        x: b.x + d,
        y: b.y + d,
        width: b.width - 2.0 * d,
        height: b.height - 2.0 * d,
    }
}

/// A task, call activity or subprocess.
fn activity(out: &mut String, s: &Shape, b: Bounds, kind: Kind, look: Look<'_>) {
    let t = s.element_type.as_str();
    let expanded = kind == Kind::SubProcess && s.expanded == Some(true);
    let width = if t == "callActivity" { 4.0 } else { 1.5 };
    // An event subprocess is dotted; a heat-map gap's dashes win, as the
    // overlay is what the picture is for.
    let dash = look.dash.or(s.marks.triggered_by_event.then_some("2 3"));
    // An expanded subprocess holds other shapes: its tint must not hide
    // the lanes beneath, nor compete with its content.
    let opacity = if expanded {
        r#" fill-opacity="0.4""#
    } else {
        ""
    };
    rounded(
        out,
        b,
        10.0,
        &format!(
            r#"fill="{}"{opacity} stroke="{}" stroke-width="{}"{}"#,
            look.fill,
            look.stroke,
            Num(width),
            dash_attr(dash)
        ),
    );
    if t == "transaction" {
        rounded(
            out,
            inset(b, 3.0),
            7.0,
            &format!(r#"fill="none" stroke="{}" stroke-width="1""#, look.stroke),
        );
    }
    // Icons and markers keep their size on big shapes and shrink on
    // small ones.
    let scale = (b.width / 100.0).min(b.height / 80.0).clamp(0.0, 1.0);
    if kind == Kind::Task {
        let mut icon = String::new();
        markers::task_icon(&mut icon, t, look.stroke);
        if !icon.is_empty() {
            let _ = write!(
                out,
                r#"<g transform="translate({} {}) scale({})">{icon}</g>"#,
                Num(b.x + 5.0 * scale),
                Num(b.y + 5.0 * scale),
                Num(scale)
            );
        }
    }
    let mut bottom = Vec::with_capacity(3);
    match s.marks.looping {
        Some(LoopMarker::Standard) => bottom.push(Bottom::Loop),
        Some(LoopMarker::Parallel) => bottom.push(Bottom::Parallel),
        Some(LoopMarker::Sequential) => bottom.push(Bottom::Sequential),
        None => {}
    }
    if s.marks.for_compensation {
        bottom.push(Bottom::Compensation);
    }
    if t == "adHocSubProcess" {
        bottom.push(Bottom::AdHoc);
    }
    if kind == Kind::SubProcess && !expanded {
        bottom.push(Bottom::Collapsed);
    }
    let step = (BOTTOM_SIZE + 3.0) * scale;
    let total = step * bottom.len() as f64 - 3.0 * scale;
    let mut x = b.center().x - total / 2.0;
    let y = b.bottom() - (BOTTOM_SIZE + 4.0) * scale;
    for marker in bottom {
        let _ = write!(
            out,
            r#"<g transform="translate({} {}) scale({})">"#,
            Num(x),
            Num(y),
            Num(scale)
        );
        markers::bottom_icon(out, marker, look.stroke);
        out.push_str("</g>");
        x += step;
    }
    if let Some(name) = &s.name {
        if expanded {
            let area = Bounds {
                height: 24.0_f64.min(b.height),
                ..inset(b, 2.0)
            };
            text::label(out, name, area, Place::TopLeft, FONT_SIZE, false);
        } else {
            let area = s.label.map_or_else(|| inset(b, 4.0), clean);
            text::label(out, name, area, Place::Centre, FONT_SIZE, false);
        }
    }
}

/// The label of a symbol labelled outside itself (events, gateways,
/// data): in its DI label bounds, or centred below it.
fn outside_label(out: &mut String, s: &Shape, b: Bounds) {
    let Some(name) = &s.name else { return };
    let (area, place) = match s.label {
        Some(l) => (clean(l), Place::Centre),
        None => (
            Bounds {
                x: b.center().x - 50.0,
                y: b.bottom() + 3.0,
                width: 100.0,
                height: 30.0,
            },
            Place::Top,
        ),
    };
    text::label(out, name, area, place, SMALL_FONT, false);
}

/// An event: its circle, its definition's icon and its label.
fn event(out: &mut String, s: &Shape, b: Bounds, look: Look<'_>) {
    let t = s.element_type.as_str();
    let c = b.center();
    let r = b.width.min(b.height) / 2.0;
    let width = if t == "endEvent" { 3.5 } else { 1.5 };
    let dash = look.dash.or(s.marks.non_interrupting.then_some("5 3"));
    let _ = write!(
        out,
        r#"<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="{}" stroke-width="{}"{}/>"#,
        Num(c.x),
        Num(c.y),
        Num(r),
        look.fill,
        look.stroke,
        Num(width),
        dash_attr(dash)
    );
    let double = matches!(
        t,
        "intermediateCatchEvent"
            | "intermediateThrowEvent"
            | "boundaryEvent"
            | "implicitThrowEvent"
    );
    if double && r > 3.0 {
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{}" stroke-width="1"{}/>"#,
            Num(c.x),
            Num(c.y),
            Num(r - 3.0),
            look.stroke,
            dash_attr(dash)
        );
    }
    let definition = match s.marks.event_definitions.as_slice() {
        [] => None,
        [one] => Some(one.as_str()),
        _ => Some("multiple"),
    };
    if let Some(definition) = definition {
        let filled = matches!(
            t,
            "endEvent" | "intermediateThrowEvent" | "implicitThrowEvent"
        );
        let _ = write!(
            out,
            r#"<g transform="translate({} {}) scale({})">"#,
            Num(c.x),
            Num(c.y),
            Num(r / 18.0)
        );
        markers::event_icon(out, definition, filled, look.stroke);
        out.push_str("</g>");
    }
    outside_label(out, s, b);
}

/// A gateway: its diamond, its kind's icon and its label.
fn gateway(out: &mut String, s: &Shape, b: Bounds, look: Look<'_>) {
    let c = b.center();
    let _ = write!(
        out,
        r#"<polygon points="{},{} {},{} {},{} {},{}" fill="{}" stroke="{}" stroke-width="1.5"{}/>"#,
        Num(c.x),
        Num(b.y),
        Num(b.right()),
        Num(c.y),
        Num(c.x),
        Num(b.bottom()),
        Num(b.x),
        Num(c.y),
        look.fill,
        look.stroke,
        dash_attr(look.dash)
    );
    let _ = write!(
        out,
        r#"<g transform="translate({} {}) scale({})">"#,
        Num(c.x),
        Num(c.y),
        Num(b.width.min(b.height) / 50.0)
    );
    markers::gateway_icon(out, &s.element_type, look.stroke);
    out.push_str("</g>");
    outside_label(out, s, b);
}

/// Width of the band holding a pool's or lane's name.
const BAND: f64 = 30.0;

/// A pool (`pool`: with a line closing its name band) or a lane: a
/// rectangle with the name in a band on the left, read bottom to top, or
/// on top for a vertical one.
fn container(out: &mut String, s: &Shape, b: Bounds, pool: bool) {
    let horizontal = s.horizontal != Some(false);
    let fill = if pool { "#ffffff" } else { "none" };
    let _ = write!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="{NEUTRAL_STROKE}" stroke-width="1.5"/>"#,
        Num(b.x),
        Num(b.y),
        Num(b.width),
        Num(b.height)
    );
    let band = if horizontal {
        Bounds {
            width: BAND.min(b.width),
            ..b
        }
    } else {
        Bounds {
            height: BAND.min(b.height),
            ..b
        }
    };
    if pool {
        let (x1, y1, x2, y2) = if horizontal {
            (band.right(), b.y, band.right(), b.bottom())
        } else {
            (b.x, band.bottom(), b.right(), band.bottom())
        };
        let _ = write!(
            out,
            r#"<path d="M{},{} L{},{}" stroke="{NEUTRAL_STROKE}" stroke-width="1.5"/>"#,
            Num(x1),
            Num(y1),
            Num(x2),
            Num(y2)
        );
    }
    if let Some(name) = &s.name {
        text::label(out, name, band, Place::Centre, FONT_SIZE, horizontal);
    }
}

/// A data object: a page with a folded corner; a data input or output
/// with its arrow, a collection with three bars.
fn data_object(out: &mut String, s: &Shape, b: Bounds) {
    let fold = 10.0_f64.min(b.width / 3.0).min(b.height / 3.0);
    let _ = write!(
        out,
        r##"<path d="M{x},{y} L{fx},{y} L{r},{fy} L{r},{bt} L{x},{bt} Z M{fx},{y} L{fx},{fy} L{r},{fy}" fill="#ffffff" stroke="{NEUTRAL_STROKE}" stroke-width="1.2" stroke-linejoin="round"/>"##,
        x = Num(b.x),
        y = Num(b.y),
        fx = Num(b.right() - fold),
        fy = Num(b.y + fold),
        r = Num(b.right()),
        bt = Num(b.bottom()),
    );
    let scale = (b.width / 36.0).min(b.height / 50.0).clamp(0.0, 1.0);
    let arrow = match s.element_type.as_str() {
        "dataInput" => Some("#ffffff"),
        "dataOutput" => Some(NEUTRAL_STROKE),
        _ => None,
    };
    if let Some(fill) = arrow {
        let _ = write!(
            out,
            r#"<path class="marker {}" transform="translate({} {}) scale({})" d="M0,3 h6 v-3 l6,5 l-6,5 v-3 h-6 Z" fill="{fill}" stroke="{NEUTRAL_STROKE}"/>"#,
            if fill == NEUTRAL_STROKE {
                "output"
            } else {
                "input"
            },
            Num(b.x + 3.0 * scale),
            Num(b.y + 3.0 * scale),
            Num(scale)
        );
    }
    if s.marks.collection {
        let _ = write!(
            out,
            r#"<path class="marker collection" transform="translate({} {}) scale({})" d="M0,0 h2 v9 h-2 Z M4,0 h2 v9 h-2 Z M8,0 h2 v9 h-2 Z" fill="{NEUTRAL_STROKE}"/>"#,
            Num(b.center().x - 5.0 * scale),
            Num(b.bottom() - 12.0 * scale),
            Num(scale)
        );
    }
    outside_label(out, s, b);
}

/// A data store: a cylinder.
fn data_store(out: &mut String, s: &Shape, b: Bounds) {
    let rx = b.width / 2.0;
    let ry = (b.height / 6.0).min(8.0);
    let _ = write!(
        out,
        r##"<path d="M{x},{t} A{rx},{ry} 0 0 1 {r},{t} L{r},{bt} A{rx},{ry} 0 0 1 {x},{bt} Z" fill="#ffffff" stroke="{NEUTRAL_STROKE}" stroke-width="1.2"/><path d="M{x},{t} A{rx},{ry} 0 0 0 {r},{t} M{x},{t2} A{rx},{ry} 0 0 0 {r},{t2} M{x},{t3} A{rx},{ry} 0 0 0 {r},{t3}" fill="none" stroke="{NEUTRAL_STROKE}" stroke-width="1.2"/>"##,
        x = Num(b.x),
        r = Num(b.right()),
        t = Num(b.y + ry),
        t2 = Num(b.y + 1.6 * ry),
        t3 = Num(b.y + 2.2 * ry),
        bt = Num(b.bottom() - ry),
        rx = Num(rx),
        ry = Num(ry),
    );
    outside_label(out, s, b);
}

/// A text annotation: an open bracket and its text.
fn annotation(out: &mut String, s: &Shape, b: Bounds) {
    let arm = 10.0_f64.min(b.width);
    let _ = write!(
        out,
        r#"<path d="M{},{} L{},{} L{},{} L{},{}" fill="none" stroke="{NEUTRAL_STROKE}" stroke-width="1.2"/>"#,
        Num(b.x + arm),
        Num(b.y),
        Num(b.x),
        Num(b.y),
        Num(b.x),
        Num(b.bottom()),
        Num(b.x + arm),
        Num(b.bottom())
    );
    if let Some(text) = &s.name {
        text::label(out, text, inset(b, 1.0), Place::TopLeft, SMALL_FONT, false);
    }
}

/// A group: a dash-dotted rounded rectangle, its name on top.
fn group(out: &mut String, s: &Shape, b: Bounds) {
    rounded(
        out,
        b,
        10.0,
        &format!(
            r#"fill="none" stroke="{NEUTRAL_STROKE}" stroke-width="1.2" stroke-dasharray="8 4 2 4""#
        ),
    );
    if let Some(name) = &s.name {
        let area = Bounds {
            height: 20.0_f64.min(b.height),
            ..inset(b, 2.0)
        };
        text::label(out, name, area, Place::Top, SMALL_FONT, false);
    }
}

/// An element drawn without a symbol of its own.
fn other(out: &mut String, s: &Shape, b: Bounds) {
    rounded(
        out,
        b,
        0.0,
        &format!(
            r#"fill="none" stroke="{NEUTRAL_STROKE}" stroke-width="1" stroke-dasharray="3 3""#
        ),
    );
    if let Some(name) = &s.name {
        text::label(out, name, inset(b, 2.0), Place::Centre, SMALL_FONT, false);
    }
}
