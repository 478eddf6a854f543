//! The BPMN model: what a set of loaded diagrams means, independent of XML and
//! of any running instance.
//!
//! Everything is stored in flat vectors and referred to by small indices
//! ([`GraphIdx`], [`NodeIdx`], [`FlowIdx`], [`ExprId`]) so the runtime can keep
//! compact task records and look things up in O(1).

pub(crate) mod calendar;
mod data;
mod data_spec;
mod definitions;
mod diagram;
mod diff;
pub mod dmn;
mod event;
mod expression;
mod extensions;
mod file_dialect;
mod graph;
mod looping;
mod node;
mod source;

pub use data::{Data, MAX_DATA_DEPTH, check_depth, check_value_depth, nesting_depth};
pub use data_spec::{DataObjectDecl, DataRef, IoSpec, NodeData};
pub use definitions::{Collaboration, Model, Participant, ProcessSpec};
pub use diagram::{Bounds, Diagram, Edge, LoopMarker, Marks, Point, Shape};
pub use diff::{
    Change, DiffError, ElementChange, ElementRef, Field, FlowChange, FlowRef, MatchedBy, SpecDiff,
    graph_path,
};
pub use event::{
    Correlation, EventKind, EventNode, EventPosition, MessageStyle, SpiffPayload, Timer,
    TimerValue, Trigger,
};
pub use expression::{Dialect, ExprId, ExprKind, Expression};
pub use extensions::{ExtElement, Extensions};
pub use file_dialect::{DialectReason, FileDialect};
pub use graph::{Flow, FlowIdx, Graph, GraphIdx, NodeIdx, NodeRef};
pub use looping::{LOOP_COUNTER, Looping, MiSource, MultiInstance, StandardLoop};
pub use node::{ElementType, HumanKind, Node, NodeKind};
pub use source::{SourceFile, SourcePos};
