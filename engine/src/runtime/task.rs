//! What clients see of task records (views of tasks reached, predicted
//! tasks); the records themselves belong to `records.rs`.

use std::sync::Arc;

use super::{TaskId, TaskState};
use crate::model::{Data, ElementType};

/// The parent of a task no task created (a start), or an unknown task.
pub(crate) const NO_TASK: u32 = u32::MAX;

/// A read-only view of a task, for listings and for choosing what to run.
#[derive(Debug, Clone)]
pub struct TaskView<'a> {
    /// The task's id in this instance (for completing or resetting it).
    pub id: TaskId,
    /// The BPMN element id.
    pub bpmn_id: &'a str,
    /// The element's `name` attribute, if any.
    pub name: Option<&'a str>,
    /// The BPMN element type (`userTask`, `scriptTask`…).
    pub kind: ElementType<'a>,
    /// The name of the lane the element sits in, if any.
    pub lane: Option<&'a str>,
    /// Where the task is in its life (READY, WAITING, COMPLETED…).
    pub state: TaskState,
    /// The element's `documentation`, if any (a template over task data).
    pub documentation: Option<&'a str>,
    /// The id of the top-level process this task belongs to.
    pub process: &'a str,
    /// The task that led here.
    pub parent: Option<TaskId>,
    /// The task's data (shared, not copied).
    pub data: Arc<Data>,
    /// Whether the task waits for a person (user, manual or plain task).
    pub is_human: bool,
}

/// A task predicted from the graph: reachable from a live task but not yet reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FutureTask<'a> {
    /// The BPMN element id.
    pub bpmn_id: &'a str,
    /// The element's `name` attribute, if any.
    pub name: Option<&'a str>,
    /// The BPMN element type (`userTask`, `scriptTask`…).
    pub kind: ElementType<'a>,
    /// The name of the lane the element sits in, if any.
    pub lane: Option<&'a str>,
    /// The id of the top-level process the element belongs to.
    pub process: &'a str,
}
