//! The small BPMN icons drawn inside symbols: a task's type, an event's
//! definition, a gateway's kind, an activity's loop, multi-instance,
//! compensation and collapsed-subprocess markers.
//!
//! Each icon is drawn in its own coordinates at its standard size (task
//! icons in an 18-unit box, event and gateway icons around the origin);
//! the caller places and scales it with a `transform`, so zero-size or huge
//! shapes only change the transform.

use std::f64::consts::PI;
use std::fmt::Write;

use super::text::Num;

/// The icon of a task type, in an 18 × 18 box from the origin; nothing for
/// a plain task or an unknown type.
pub(crate) fn task_icon(out: &mut String, element_type: &str, ink: &str) {
    let w = "#ffffff";
    let _ = match element_type {
        "userTask" => write!(
            out,
            r#"<g class="marker user" fill="{w}" stroke="{ink}" stroke-width="1"><path d="M2,17 C2,11.5 5,9.5 9,9.5 C13,9.5 16,11.5 16,17 Z"/><circle cx="9" cy="5" r="3.5"/><path d="M6,17 L6,13.5 M12,17 L12,13.5" fill="none"/></g>"#
        ),
        "manualTask" => write!(
            out,
            r#"<g class="marker manual" fill="{w}" stroke="{ink}" stroke-width="1"><rect x="7" y="3.5" width="9.5" height="2.6" rx="1.3"/><rect x="7" y="6.4" width="10.5" height="2.6" rx="1.3"/><rect x="7" y="9.3" width="9.5" height="2.6" rx="1.3"/><rect x="7" y="12.2" width="7.5" height="2.6" rx="1.3"/><path d="M8,3.6 L5,3.6 Q1,4 1,9 Q1,14.8 5,14.8 L8,14.8 Z"/></g>"#
        ),
        "scriptTask" => write!(
            out,
            r#"<g class="marker script" fill="{w}" stroke="{ink}" stroke-width="1"><path d="M4,1 L15,1 Q12,5 15,9 Q18,13 15,17 L4,17 Q7,13 4,9 Q1,5 4,1 Z"/><path d="M5.5,5 L12.5,5 M6.8,9 L13.8,9 M6.5,13 L13.5,13" fill="none"/></g>"#
        ),
        "serviceTask" => {
            let _ = write!(
                out,
                r#"<g class="marker service" fill="{w}" stroke="{ink}" stroke-width="1"><path d=""#
            );
            gear(out, 9.0, 9.0, 6.0, 8.5);
            write!(out, r#"Z"/><circle cx="9" cy="9" r="2.5"/></g>"#)
        }
        "businessRuleTask" => write!(
            out,
            r##"<g class="marker business-rule" stroke="{ink}" stroke-width="1"><rect x="1" y="3" width="16" height="12" fill="{w}"/><rect x="1" y="3" width="16" height="3.5" fill="#9e9e9e"/><path d="M1,10.7 L17,10.7 M6,6.5 L6,15" fill="none"/></g>"##
        ),
        "sendTask" => write!(
            out,
            r#"<g class="marker send"><rect x="1" y="4" width="16" height="11" fill="{ink}" stroke="{ink}"/><path d="M1,4 L9,10 L17,4" fill="none" stroke="{w}" stroke-width="1"/></g>"#
        ),
        "receiveTask" => write!(
            out,
            r#"<g class="marker receive" fill="{w}" stroke="{ink}" stroke-width="1"><rect x="1" y="4" width="16" height="11"/><path d="M1,4 L9,10 L17,4" fill="none"/></g>"#
        ),
        _ => Ok(()),
    };
}

/// A gear's outline around (`cx`, `cy`): eight teeth between radius
/// `inner` and `outer`, written as path commands (without the closing Z).
fn gear(out: &mut String, cx: f64, cy: f64, inner: f64, outer: f64) {
    for tooth in 0..8 {
        let a = f64::from(tooth) * PI / 4.0;
        for (i, (da, r)) in [(-0.31, inner), (-0.16, outer), (0.16, outer), (0.31, inner)]
            .into_iter()
            .enumerate()
        {
            let cmd = if tooth == 0 && i == 0 { 'M' } else { 'L' };
            let _ = write!(
                out,
                "{cmd}{},{} ",
                Num(cx + r * (a + da).cos()),
                Num(cy + r * (a + da).sin())
            );
        }
    }
}

/// A regular pentagon of radius `r` around the origin, point up, as path
/// commands.
fn pentagon(out: &mut String, r: f64) {
    for k in 0..5 {
        let a = -PI / 2.0 + f64::from(k) * 2.0 * PI / 5.0;
        let cmd = if k == 0 { 'M' } else { 'L' };
        let _ = write!(out, "{cmd}{},{} ", Num(r * a.cos()), Num(r * a.sin()));
    }
    out.push('Z');
}

/// The icon of an event definition (its local name, or `multiple` for
/// several), around the origin for an event of radius 18: filled for a
/// throwing event, outlined for a catching one; nothing for an unknown
/// definition.
pub(crate) fn event_icon(out: &mut String, definition: &str, filled: bool, ink: &str) {
    let w = "#ffffff";
    let (fill, line) = if filled { (ink, w) } else { (w, ink) };
    let class = definition.trim_end_matches("EventDefinition");
    let _ = write!(
        out,
        r#"<g class="marker {class}" fill="{fill}" stroke="{ink}" stroke-width="1.2">"#
    );
    let _ = match definition {
        "messageEventDefinition" => write!(
            out,
            r#"<rect x="-8" y="-5.5" width="16" height="11"/><path d="M-8,-5.5 L0,1 L8,-5.5" fill="none" stroke="{line}"/>"#
        ),
        "timerEventDefinition" => {
            out.push_str(r##"<circle r="9.5" fill="#ffffff" stroke-width="1.5"/><path d=""##);
            for hour in 0..12 {
                let a = f64::from(hour) * PI / 6.0;
                let _ = write!(
                    out,
                    "M{},{} L{},{} ",
                    Num(7.0 * a.cos()),
                    Num(7.0 * a.sin()),
                    Num(9.5 * a.cos()),
                    Num(9.5 * a.sin())
                );
            }
            write!(out, r#"M0,0 L0,-6.5 M0,0 L4.5,1.5" fill="none"/>"#)
        }
        "signalEventDefinition" => write!(out, r#"<path d="M0,-9.5 L8.5,5.5 L-8.5,5.5 Z"/>"#),
        "errorEventDefinition" => write!(
            out,
            r#"<path d="M-7.5,8 L-3.5,-6.5 L1.5,0.5 L7.5,-8.5 L3.5,6.5 L-1.5,-0.5 Z" stroke-linejoin="round"/>"#
        ),
        "escalationEventDefinition" => {
            write!(out, r#"<path d="M0,-9.5 L6.5,7.5 L0,1.5 L-6.5,7.5 Z"/>"#)
        }
        "conditionalEventDefinition" => write!(
            out,
            r##"<rect x="-6.5" y="-8.5" width="13" height="17" fill="#ffffff"/><path d="M-4.5,-5 L4.5,-5 M-4.5,-1.5 L4.5,-1.5 M-4.5,2 L4.5,2 M-4.5,5.5 L4.5,5.5" fill="none"/>"##
        ),
        "linkEventDefinition" => write!(
            out,
            r#"<path d="M-8.5,-3 L1.5,-3 L1.5,-7.5 L9,0 L1.5,7.5 L1.5,3 L-8.5,3 Z"/>"#
        ),
        "compensateEventDefinition" => write!(
            out,
            r#"<path d="M-0.5,-6.5 L-9,0 L-0.5,6.5 Z M8,-6.5 L-0.5,0 L8,6.5 Z"/>"#
        ),
        "terminateEventDefinition" => write!(out, r#"<circle r="9" fill="{ink}"/>"#),
        "cancelEventDefinition" => write!(
            out,
            r#"<path d="M-6.5,-6.5 L6.5,6.5 M6.5,-6.5 L-6.5,6.5" fill="none" stroke-width="4"/>"#
        ),
        "multiple" => {
            out.push_str(r#"<path d=""#);
            pentagon(out, 9.5);
            write!(out, r#""/>"#)
        }
        _ => Ok(()),
    };
    out.push_str("</g>");
}

/// The icon of a gateway type, around the origin for a 50-unit diamond.
pub(crate) fn gateway_icon(out: &mut String, element_type: &str, ink: &str) {
    let _ = match element_type {
        "exclusiveGateway" => write!(
            out,
            r#"<path class="marker exclusive" d="M-8,-8 L8,8 M8,-8 L-8,8" fill="none" stroke="{ink}" stroke-width="4"/>"#
        ),
        "parallelGateway" => write!(
            out,
            r#"<path class="marker parallel" d="M0,-12 L0,12 M-12,0 L12,0" fill="none" stroke="{ink}" stroke-width="4"/>"#
        ),
        "inclusiveGateway" => write!(
            out,
            r#"<circle class="marker inclusive" r="10" fill="none" stroke="{ink}" stroke-width="3"/>"#
        ),
        "complexGateway" => write!(
            out,
            r#"<path class="marker complex" d="M0,-12 L0,12 M-12,0 L12,0 M-8.5,-8.5 L8.5,8.5 M8.5,-8.5 L-8.5,8.5" fill="none" stroke="{ink}" stroke-width="3"/>"#
        ),
        "eventBasedGateway" => {
            let _ = write!(
                out,
                r#"<g class="marker event-based" fill="none" stroke="{ink}" stroke-width="1.2"><circle r="12.5"/><circle r="10"/><path d=""#
            );
            pentagon(out, 6.5);
            write!(out, r#""/></g>"#)
        }
        _ => Ok(()),
    };
}

/// An activity marker drawn at the bottom of its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bottom {
    /// Standard loop: a circular arrow.
    Loop,
    /// Parallel multi-instance: three vertical bars.
    Parallel,
    /// Sequential multi-instance: three horizontal bars.
    Sequential,
    /// A collapsed subprocess: a plus in a square.
    Collapsed,
    /// An ad-hoc subprocess: a tilde.
    AdHoc,
    /// An activity for compensation: a double triangle.
    Compensation,
}

/// Width of a bottom marker's box (and its height).
pub(crate) const BOTTOM_SIZE: f64 = 14.0;

/// A bottom marker in a 14 × 14 box from the origin.
pub(crate) fn bottom_icon(out: &mut String, marker: Bottom, ink: &str) {
    let _ = match marker {
        Bottom::Loop => write!(
            out,
            r#"<path class="marker loop" d="M12.5,7 A5.5,5.5 0 1 1 9.8,2.3 M9.8,2.3 L10.2,-0.8 M9.8,2.3 L12.8,3.2" fill="none" stroke="{ink}" stroke-width="1.5"/>"#
        ),
        Bottom::Parallel => write!(
            out,
            r#"<path class="marker parallel-mi" d="M2,1 h2 v12 h-2 Z M6,1 h2 v12 h-2 Z M10,1 h2 v12 h-2 Z" fill="{ink}"/>"#
        ),
        Bottom::Sequential => write!(
            out,
            r#"<path class="marker sequential-mi" d="M1,2 h12 v2 h-12 Z M1,6 h12 v2 h-12 Z M1,10 h12 v2 h-12 Z" fill="{ink}"/>"#
        ),
        Bottom::Collapsed => write!(
            out,
            r#"<g class="marker collapsed" fill="none" stroke="{ink}" stroke-width="1.2"><rect width="14" height="14"/><path d="M7,3 L7,11 M3,7 L11,7"/></g>"#
        ),
        Bottom::AdHoc => write!(
            out,
            r#"<path class="marker ad-hoc" d="M1,8 Q4,3 7,7 T13,6" fill="none" stroke="{ink}" stroke-width="1.5"/>"#
        ),
        Bottom::Compensation => write!(
            out,
            r#"<path class="marker compensation" d="M7,3 L1,7 L7,11 Z M13,3 L7,7 L13,11 Z" fill="none" stroke="{ink}" stroke-width="1.2"/>"#
        ),
    };
}
