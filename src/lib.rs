//! bpmn-runner: a BPMN 2.0 workflow engine with Rhai scripting.
//!
//! Load diagrams into [`Specs`], start a [`Workflow`], [`Workflow::run`] its
//! engine tasks, answer human tasks with [`Workflow::complete_task`], and read
//! the result with [`Workflow::data`].
//!
//! Layers: [`model`] (what a diagram means), [`parser`] (XML → model, with
//! validation), [`scripting`] (sandboxed Rhai), [`runtime`] (instances, task
//! records, tokens), [`storage`] (state files: save, restore, versions),
//! [`dmn`] (DMN decisions: load with [`dmn::Decisions::load`], then
//! [`dmn::Decisions::evaluate`]). The `bpmn` command-line tool is a thin
//! client of this API.

pub mod diagnostic;
pub mod dmn;
pub mod model;
pub mod parser;
pub mod runtime;
pub mod scripting;
pub mod storage;

pub use diagnostic::{Diagnostic, Severity};
pub use model::Data;
pub use runtime::Specs;
pub use runtime::{
    CompleteError, DataStore, FutureTask, JsonFileStore, ServiceHandler, StartError, TaskError,
    TaskId, TaskState, TaskView, Workflow, WorkflowError,
};
