//! The diagram element behind a task, for clients that show it to people:
//! its extension data (forms, instructions) and the file it was loaded from.

use super::{TaskId, Workflow};
use crate::model::Node;

impl Workflow {
    /// The diagram node task `id` runs (`None` for an unknown or removed
    /// task). Its `extensions` hold forms and instructions; its `pos.file`
    /// indexes `specs().model().files`, the file it was loaded from.
    pub fn task_node(&self, id: TaskId) -> Option<&Node> {
        self.task(id)?;
        Some(self.specs.model.node(self.records.get(id.0).node))
    }
}
