//! The colours an overlay paints with: per task state, or a heat shade by
//! count with gaps marked, for flow nodes and sequence flows.
//!
//! Colours are written as presentation attributes (`fill=`, `stroke=`) so
//! every renderer shows them; the class names (`state-completed`,
//! `heat-gap`…) are there for tests, tools and style sheets.

use crate::runtime::TaskState;

use super::overlay::{NodeMark, OverlayStyle};

/// Outline of shapes the overlay does not colour (pools, data, never
/// reached nodes).
pub(crate) const NEUTRAL_STROKE: &str = "#616161";
/// Fill of a flow node never reached.
pub(crate) const NONE_FILL: &str = "#eeeeee";
/// Fill of a completed flow node.
pub(crate) const COMPLETED_FILL: &str = "#c8e6c9";
/// Fill of a ready flow node.
pub(crate) const READY_FILL: &str = "#bbdefb";
/// Stroke of a taken sequence flow.
pub(crate) const TAKEN_STROKE: &str = "#2e7d32";
/// Stroke of a sequence flow not taken.
pub(crate) const FLOW_STROKE: &str = "#616161";
/// Outline of a heat-map gap: a flow node or flow no scenario reached.
pub(crate) const GAP_STROKE: &str = "#d32f2f";
/// Dashes of a heat-map gap.
pub(crate) const GAP_DASH: &str = "6 3";

/// How one flow node is painted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NodePaint {
    /// Its class besides `node`: `state-…` or `heat-…`.
    pub class: &'static str,
    /// Fill colour.
    pub fill: String,
    /// Outline colour (also of its markers).
    pub stroke: &'static str,
    /// Dashes of its outline (heat-map gaps).
    pub dash: Option<&'static str>,
    /// How many times it ran (0: never).
    pub count: u32,
}

/// The class, fill and outline of each state, and the label the legend
/// gives it; `None` is a node never reached.
pub(crate) const STATES: [(Option<TaskState>, &str, &str, &str, &str); 7] = [
    (
        Some(TaskState::Completed),
        "state-completed",
        COMPLETED_FILL,
        "#2e7d32",
        "completed",
    ),
    (
        Some(TaskState::Ready),
        "state-ready",
        READY_FILL,
        "#1565c0",
        "ready",
    ),
    (
        Some(TaskState::Waiting),
        "state-waiting",
        "#fff59d",
        "#f9a825",
        "waiting",
    ),
    (
        Some(TaskState::Started),
        "state-started",
        "#d1c4e9",
        "#5e35b1",
        "started",
    ),
    (
        Some(TaskState::Error),
        "state-error",
        "#ffcdd2",
        "#c62828",
        "error",
    ),
    (
        Some(TaskState::Cancelled),
        "state-cancelled",
        "#ffe0b2",
        "#e65100",
        "cancelled",
    ),
    (
        None,
        "state-none",
        NONE_FILL,
        NEUTRAL_STROKE,
        "never reached",
    ),
];

/// Fill of the least and the most run node of a heat map (RGB).
pub(crate) const HEAT_LOW: (u8, u8, u8) = (220, 237, 200);
/// See [`HEAT_LOW`].
pub(crate) const HEAT_HIGH: (u8, u8, u8) = (56, 142, 60);

/// How to paint a flow node with overlay entry `mark`; `max` is the
/// largest node count of the overlay (for heat shades).
pub(crate) fn node_paint(mark: Option<&NodeMark>, style: OverlayStyle, max: u32) -> NodePaint {
    let count = mark.map_or(0, |m| m.count);
    match style {
        OverlayStyle::States => {
            let state = mark.map(|m| m.state);
            let (_, class, fill, stroke, _) = STATES
                .iter()
                .find(|s| s.0 == state)
                .copied()
                .unwrap_or(STATES[STATES.len() - 1]);
            NodePaint {
                class,
                fill: fill.to_string(),
                stroke,
                dash: None,
                count,
            }
        }
        // An entry with count 0 (a node the heat map lists but no run
        // reached) is a gap as much as a missing entry.
        OverlayStyle::Heat if count == 0 => NodePaint {
            class: "heat-gap",
            fill: "#ffffff".to_string(),
            stroke: GAP_STROKE,
            dash: Some(GAP_DASH),
            count,
        },
        OverlayStyle::Heat => NodePaint {
            class: "heat-covered",
            fill: heat(count, max),
            stroke: "#1b5e20",
            dash: None,
            count,
        },
    }
}

/// The heat shade of `count` out of `max`: from [`HEAT_LOW`] for the
/// rarest to [`HEAT_HIGH`] for the most run.
pub(crate) fn heat(count: u32, max: u32) -> String {
    let t = if max == 0 {
        1.0
    } else {
        (f64::from(count) / f64::from(max)).clamp(0.0, 1.0)
    };
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(HEAT_LOW.0, HEAT_HIGH.0),
        mix(HEAT_LOW.1, HEAT_HIGH.1),
        mix(HEAT_LOW.2, HEAT_HIGH.2)
    )
}

/// How one sequence flow is painted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlowPaint {
    /// Its class besides `flow`: `taken`, `heat-covered`, `heat-gap`, or
    /// empty.
    pub class: &'static str,
    /// Line colour.
    pub stroke: &'static str,
    /// Line width.
    pub width: f64,
    /// Dashes (heat-map gaps).
    pub dash: Option<&'static str>,
    /// How many times it was taken.
    pub count: u32,
}

/// How to paint a sequence flow taken `count` times (`None`: no entry);
/// `max` is the largest flow count of the overlay.
pub(crate) fn flow_paint(count: Option<u32>, style: OverlayStyle, max: u32) -> FlowPaint {
    let n = count.unwrap_or(0);
    match (style, count) {
        (OverlayStyle::States, Some(_)) => FlowPaint {
            class: "taken",
            stroke: TAKEN_STROKE,
            width: 3.5,
            dash: None,
            count: n,
        },
        (OverlayStyle::States, None) => FlowPaint {
            class: "",
            stroke: FLOW_STROKE,
            width: 1.5,
            dash: None,
            count: 0,
        },
        (OverlayStyle::Heat, _) if n == 0 => FlowPaint {
            class: "heat-gap",
            stroke: GAP_STROKE,
            width: 1.5,
            dash: Some(GAP_DASH),
            count: 0,
        },
        (OverlayStyle::Heat, _) => FlowPaint {
            class: "heat-covered",
            stroke: TAKEN_STROKE,
            // From 2 for the rarest to 6 for the most taken.
            width: 2.0 + 4.0 * f64::from(n) / f64::from(max.max(n)),
            dash: None,
            count: n,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_have_their_colours_and_unreached_is_grey() {
        let mark = NodeMark {
            state: TaskState::Ready,
            count: 2,
        };
        let p = node_paint(Some(&mark), OverlayStyle::States, 2);
        assert_eq!(
            (p.class, p.fill.as_str(), p.count),
            ("state-ready", READY_FILL, 2)
        );
        let p = node_paint(None, OverlayStyle::States, 2);
        assert_eq!((p.class, p.fill.as_str()), ("state-none", NONE_FILL));
    }

    #[test]
    fn heat_shades_by_count_and_marks_gaps() {
        assert_eq!(heat(0, 4), "#dcedc8");
        assert_eq!(heat(4, 4), "#388e3c");
        assert_eq!(heat(9, 0), "#388e3c");
        let gap = node_paint(None, OverlayStyle::Heat, 4);
        assert_eq!((gap.class, gap.dash), ("heat-gap", Some(GAP_DASH)));
        let mark = NodeMark {
            state: TaskState::Completed,
            count: 4,
        };
        assert_eq!(
            node_paint(Some(&mark), OverlayStyle::Heat, 4).class,
            "heat-covered"
        );
        assert_eq!(flow_paint(Some(0), OverlayStyle::Heat, 3).class, "heat-gap");
        assert_eq!(flow_paint(Some(3), OverlayStyle::Heat, 3).width, 6.0);
        assert_eq!(flow_paint(Some(1), OverlayStyle::States, 3).class, "taken");
        assert_eq!(flow_paint(None, OverlayStyle::States, 3).class, "");
    }
}
