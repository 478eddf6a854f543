//! [`PendingKind`]: what a family parser (`activities.rs`, `gateways.rs`,
//! `events.rs`, `subprocesses.rs`) makes of a flow element, before the walk
//! in `bpmn.rs` has checked its id and attached its scripts. Script tasks
//! and subprocess bodies wait for that: their expressions and graphs are
//! numbered after the node's own.

use super::xml::Element;
use crate::model::NodeKind;

/// What a flow element becomes, before ids and scripts are attached.
pub(super) enum PendingKind<'a> {
    Ready(NodeKind),
    Script(Option<&'a Element>),
    /// `subProcess` or `transaction`: the body comes later.
    SubProcess,
    /// A `subProcess` triggered by an event: the body comes later.
    EventSub,
}

/// An element this engine loads but cannot run (reported by validation).
pub(super) fn unsupported(element: String) -> PendingKind<'static> {
    PendingKind::Ready(NodeKind::Unsupported { element })
}
