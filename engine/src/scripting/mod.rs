//! Scripting: Rhai scripts and conditions, compiled once per loaded spec and
//! run in a sandbox against task data.
//!
//! Diagrams written for SpiffWorkflow (Python) or Camunda 7 (JUEL `${…}`)
//! run unmodified: `python` and `juel` translate their text to Rhai when
//! the diagram is loaded ([`ScriptEngine::compile_in`]), and anything outside
//! the supported subset is a load-time [`TranslateError`] naming the line and
//! the construct, never a silent misrun.
//!
//! SpiffWorkflow users write `total = price * qty` without declaring `total`;
//! Rhai rejects assignment to an undeclared variable, so each script's AST is
//! walked at compile time to find its assignment targets, which are declared
//! (as `()`) before it runs. Only the variables a script mentions are moved
//! from the task data into the Rhai scope, and only those it may have
//! changed move back, so a script's cost does not grow with unrelated data
//! and the values it only reads stay shared between task records.

mod compiled;
mod engine;
mod error;
pub(crate) mod infer_dialect;
pub(crate) mod juel;
mod memory;
pub(crate) mod python;
mod size_guards;
mod translation;
mod truthy;

pub use crate::model::Dialect;
pub use compiled::Compiled;
pub use engine::{CompileError, Limits, ScriptEngine};
pub use error::ScriptError;
pub use memory::{CountingAllocator, thread_net_bytes};
pub use translation::{TranslateError, Translation};
