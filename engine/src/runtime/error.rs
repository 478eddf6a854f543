//! Errors from starting and running instances.

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
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// No loaded process (or collaboration) has this id.
    #[error("no process or collaboration `{id}` in the loaded files ({})", if known.is_empty() { "they define none".to_string() } else { format!("known: {}", known.join(", ")) })]
    UnknownProcess {
        /// The id asked for.
        id: String,
        /// The ids of the loaded processes (for a suggestion).
        known: Vec<String>,
    },
    /// The process is marked `isExecutable="false"`.
    #[error(
        "{location}: process `{id}` is marked isExecutable=\"false\" (set it to true in the diagram to run it)"
    )]
    NotExecutable {
        /// The process id.
        id: String,
        /// `file:line:col` of the process element.
        location: String,
    },
    /// The process (or something it calls) has validation errors.
    #[error("the diagram cannot run:{}", indented(.0))]
    Invalid(Vec<Diagnostic>),
    /// The first steps of the instance failed.
    #[error(transparent)]
    Workflow(#[from] WorkflowError),
    /// The start data cannot be task data (it nests too deep).
    #[error("start data: {0}")]
    Data(String),
}

/// The diagnostics under the heading, one an indented line.
fn indented(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("\n  {d}")).collect()
}

/// A request about a task that cannot be honoured (unknown id, not ready…).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TaskError(pub String);
