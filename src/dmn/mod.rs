//! DMN decisions: load DMN 1.1–1.5 files into [`Decisions`], then
//! [`Decisions::evaluate`] a decision against JSON data.
//!
//! Decision tables support every hit policy (UNIQUE, ANY, PRIORITY, FIRST,
//! RULE ORDER, OUTPUT ORDER, COLLECT with SUM, MIN, MAX, COUNT); decisions
//! may also be literal expressions, contexts and invocations of business
//! knowledge models, which FEEL can call as functions too. Expressions are FEEL by default (the
//! subset described in `feel`) or Rhai with `expressionLanguage="rhai"`; a Rhai
//! input entry is a condition on the variable `cellInput`. Required
//! decisions are evaluated first and their results are visible under their
//! names. [`run_suite`] runs TCK-format decision tests.
//!
//! Layers: the model is [`crate::model::dmn`], the XML parser
//! [`crate::parser::dmn`]; this module compiles and evaluates.

mod compile;
mod compiled;
mod decisions;
mod env;
mod error;
mod feel;
mod hit_policy;
mod knowledge;
mod logic;
mod result;
mod table;
mod temporal;
mod test_run;
mod value;

pub use decisions::Decisions;
pub use error::{DmnError, RuleRef};
pub use result::DecisionResult;
pub use test_run::{CaseOutcome, run_suite};
