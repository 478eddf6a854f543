//! Task states, named as SpiffWorkflow names them.

use std::fmt;
use std::str::FromStr;

/// The state of a task record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum TaskState {
    /// Reached, but waiting for something else (a join waiting for its inputs).
    Waiting,
    /// May run now: engine tasks run by themselves, human tasks wait for input.
    Ready,
    /// Running and not finished (a subprocess or call activity whose body runs).
    Started,
    /// Done: its outgoing flows were taken (or its path ended there).
    Completed,
    /// Failed; the message is in the workflow error.
    Error,
    /// Stopped before it finished by something else that happened: an
    /// interrupting event, a terminate end event, the winner of an
    /// event-based gateway, a multi-instance completion condition…
    Cancelled,
}

impl TaskState {
    /// True for COMPLETED, ERROR and CANCELLED.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            TaskState::Completed | TaskState::Error | TaskState::Cancelled
        )
    }

    /// True for READY, WAITING, STARTED and ERROR: the task still holds its
    /// scope open (a task in ERROR waits to be retried).
    pub fn is_live(self) -> bool {
        !matches!(self, TaskState::Completed | TaskState::Cancelled)
    }

    /// The upper-case name used in listings (`READY`).
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Waiting => "WAITING",
            TaskState::Ready => "READY",
            TaskState::Started => "STARTED",
            TaskState::Completed => "COMPLETED",
            TaskState::Error => "ERROR",
            TaskState::Cancelled => "CANCELLED",
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TaskState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_uppercase().as_str() {
            "WAITING" => TaskState::Waiting,
            "READY" => TaskState::Ready,
            "STARTED" => TaskState::Started,
            "COMPLETED" => TaskState::Completed,
            "ERROR" => TaskState::Error,
            "CANCELLED" => TaskState::Cancelled,
            other => return Err(format!("unknown task state `{other}`")),
        })
    }
}
