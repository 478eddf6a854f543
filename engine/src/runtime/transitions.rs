//! The transition journal: every change of a task's state while it is
//! switched on (task created, READY → COMPLETED, cancelled, removed by a
//! reset…), with the time of the instance's clock, for task logs such as
//! the store's (`bpmn log`).
//!
//! It is off unless a caller asks for it, costs one push per change when
//! on, and is not part of the instance's state: a caller drains it with
//! [`Workflow::take_transitions`] when it saves. It belongs to the task
//! records owner (`records.rs`), the only place states change.

use jiff::Timestamp;

use super::{TaskId, TaskState, Workflow};

/// One change of a task's state, as a task log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The task.
    pub task: TaskId,
    /// Its BPMN element id.
    pub bpmn_id: String,
    /// Its element's name, if any.
    pub name: Option<String>,
    /// The state before; `None`: the task was just created.
    pub from: Option<TaskState>,
    /// The state after; `None`: a reset removed the task.
    pub to: Option<TaskState>,
    /// When, on the instance's clock (virtual or real).
    pub at: Timestamp,
}

/// A change not yet resolved to names (records are looked up on drain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawTransition {
    pub task: u32,
    pub from: Option<TaskState>,
    pub to: Option<TaskState>,
    pub at: Timestamp,
}

/// The journal kept by the records owner while it is switched on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Journal {
    /// The virtual time of the instance's clock (`None`: real time),
    /// mirrored here by the clock's setters so a change is stamped without
    /// asking the clock.
    pub now: Option<Timestamp>,
    pub entries: Vec<RawTransition>,
}

impl Journal {
    /// Notes a change of `task` (nothing when the state stays the same).
    pub fn note(&mut self, task: u32, from: Option<TaskState>, to: Option<TaskState>) {
        if from != to {
            let at = self.now.unwrap_or_else(Timestamp::now);
            self.entries.push(RawTransition { task, from, to, at });
        }
    }
}

impl Workflow {
    /// Starts recording every change of a task's state (see
    /// [`Workflow::take_transitions`]). With `include_existing`, each task
    /// the instance already has is recorded as created in its current state
    /// — right for an instance just started, whose only tasks are its start
    /// events. Calling it again while recording changes nothing.
    pub fn record_transitions(&mut self, include_existing: bool) {
        let now = self.clock.virtual_time();
        self.records.start_journal(now, include_existing);
    }

    /// The state changes recorded since the last call (oldest first), and
    /// empties the journal; empty when not recording.
    pub fn take_transitions(&mut self) -> Vec<Transition> {
        let raw = self.records.take_journal();
        raw.into_iter()
            .map(|r| {
                let node = self.specs.model.node(self.records.get(r.task).node);
                Transition {
                    task: TaskId(r.task),
                    bpmn_id: node.id.clone(),
                    name: node.name.clone(),
                    from: r.from,
                    to: r.to,
                    at: r.at,
                }
            })
            .collect()
    }
}
