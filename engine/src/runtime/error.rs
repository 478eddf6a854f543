//! Errors from starting and running instances.

use std::fmt;

use super::TaskId;
use crate::diagnostic::Diagnostic;

/// A failure while running: a script error, no gateway condition true, a
/// call nesting too deep… The failing task is left in ERROR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: `{element}` in process `{process}`: {message}")]
pub struct WorkflowError {
    /// The task that failed, when there is one.
    pub task: Option<TaskId>,
    /// BPMN id of the element at fault.
    pub element: String,
    /// The top-level process the element belongs to.
    pub process: String,
    /// `file:line:col` of the element (or of the failing script line).
    pub location: String,
    /// What went wrong, in words.
    pub message: String,
}

/// Why an instance could not be started, or a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// No loaded process (or collaboration) has this id.
    UnknownProcess {
        /// The id asked for.
        id: String,
        /// The ids of the loaded processes (for a suggestion).
        known: Vec<String>,
    },
    /// The process is marked `isExecutable="false"`.
    NotExecutable {
        /// The process id.
        id: String,
        /// `file:line:col` of the process element.
        location: String,
    },
    /// The process (or something it calls) has validation errors.
    Invalid(Vec<Diagnostic>),
    /// The first steps of the instance failed.
    Workflow(WorkflowError),
    /// The start data cannot be task data (it nests too deep).
    Data(String),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::UnknownProcess { id, known } => {
                write!(f, "no process or collaboration `{id}` in the loaded files")?;
                if known.is_empty() {
                    write!(f, " (they define none)")
                } else {
                    write!(f, " (known: {})", known.join(", "))
                }
            }
            StartError::NotExecutable { id, location } => write!(
                f,
                "{location}: process `{id}` is marked isExecutable=\"false\" (set it to true in the diagram to run it)"
            ),
            StartError::Invalid(diags) => {
                write!(f, "the diagram cannot run:")?;
                for d in diags {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
            StartError::Workflow(e) => write!(f, "{e}"),
            StartError::Data(e) => write!(f, "start data: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A request about a task that cannot be honoured (unknown id, not ready…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TaskError(pub String);
