//! Task records: one per time a token reaches a node.

use std::sync::Arc;

use super::{TaskId, TaskState};
use crate::model::{Data, NodeRef};

pub(crate) const NO_TASK: u32 = u32::MAX;

/// What the instance stores for each task it reached. Kept small (32 bytes
/// plus its data, which is shared with the previous task when unchanged)
/// because a long loop creates millions of them.
#[derive(Debug, Clone)]
pub(crate) struct TaskRecord {
    pub node: NodeRef,
    /// The task whose completion created this one (`NO_TASK` for a start).
    pub parent: u32,
    /// The scope (process or subprocess instance) the task runs in.
    pub scope: u32,
    pub state: TaskState,
    /// The task's data: on entry a copy of the parent's (shared until
    /// changed), after completion what the task produced.
    pub data: Arc<Data>,
}

/// A read-only view of a task, for listings and for choosing what to run.
#[derive(Debug, Clone)]
pub struct TaskView<'a> {
    pub id: TaskId,
    /// The BPMN element id.
    pub bpmn_id: &'a str,
    pub name: Option<&'a str>,
    /// The BPMN element type (`userTask`, `scriptTask`…).
    pub kind: &'a str,
    pub lane: Option<&'a str>,
    pub state: TaskState,
    pub documentation: Option<&'a str>,
    /// The id of the top-level process this task belongs to.
    pub process: &'a str,
    /// The task that led here.
    pub parent: Option<TaskId>,
    pub data: &'a Data,
    /// Whether the task waits for a person (user, manual or plain task).
    pub is_human: bool,
}

/// A task predicted from the graph: reachable from a live task but not yet reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureTask<'a> {
    pub bpmn_id: &'a str,
    pub name: Option<&'a str>,
    pub kind: &'a str,
    pub lane: Option<&'a str>,
    pub process: &'a str,
}
