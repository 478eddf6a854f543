//! What to lay over a diagram: per flow node the state to colour it with
//! and how many times it ran, per sequence flow how many times a token took
//! it — read off an instance ([`Overlay::of_instance`]) or summed over test
//! runs for a coverage heat map.

use std::collections::HashMap;

use crate::runtime::TaskState;

/// An element of a loaded file: ids are unique only within a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementKey {
    /// Index in [`crate::model::Model::files`].
    pub file: u32,
    /// The element's BPMN id.
    pub id: String,
}

impl ElementKey {
    /// The key of element `id` of file `file`.
    pub fn new(file: u32, id: impl Into<String>) -> Self {
        ElementKey {
            file,
            id: id.into(),
        }
    }
}

/// What happened at one flow node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeMark {
    /// The state the node is coloured with: of its tasks, the one that
    /// matters most now (ERROR, then READY, STARTED, WAITING, COMPLETED,
    /// CANCELLED).
    pub state: TaskState,
    /// How many times a token reached it (its task records); for a
    /// heat map, the runs summed over all scenarios.
    pub count: u32,
}

/// How the overlay colours what it marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverlayStyle {
    /// One colour per task state (an instance).
    #[default]
    States,
    /// Shades by count relative to the largest count, unreached elements
    /// marked as gaps (test coverage).
    Heat,
}

/// What to lay over diagrams. Flow nodes and flows without an entry were
/// never reached or taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// Per flow node (boundary events and subprocesses included).
    pub nodes: HashMap<ElementKey, NodeMark>,
    /// Per sequence flow: how many times a token took it.
    pub flows: HashMap<ElementKey, u32>,
    /// How to colour.
    pub style: OverlayStyle,
}
