//! Scripting: Rhai scripts and conditions, compiled once per loaded spec and
//! run in a sandbox against task data.
//!
//! SpiffWorkflow users write `total = price * qty` without declaring `total`;
//! Rhai rejects assignment to an undeclared variable, so each script's AST is
//! walked at compile time to find its assignment targets, which are declared
//! (as `()`) before it runs. Only the variables a script mentions are moved
//! between the task data and the Rhai scope, so a script's cost does not grow
//! with unrelated data.

mod compiled;
mod engine;
mod error;

pub use compiled::Compiled;
pub use engine::{Limits, ScriptEngine};
pub use error::ScriptError;
