//! DMN decisions: load DMN 1.1–1.5 files into [`Decisions`], then
//! [`Decisions::evaluate`] a decision against JSON data.
//!
//! Decision tables support every hit policy (UNIQUE, ANY, PRIORITY, FIRST,
//! RULE ORDER, OUTPUT ORDER, COLLECT with SUM, MIN, MAX, COUNT) and index
//! big tables' rules (`rule_index`); decisions may also be any boxed
//! expression of DMN 1.5, and call business knowledge models and decision
//! services, of their own model or of imported ones (`knowledge`).
//! Expressions are FEEL by default (the whole language, `feel`; numbers
//! are decimal128, `number`; dates and zones in `temporal`), Rhai with
//! `expressionLanguage="rhai"` (a Rhai input entry is a condition on the
//! variable `cellInput`), or Python with `expressionLanguage="python"`,
//! read as SpiffWorkflow reads it (`python`). Tables written for
//! SpiffWorkflow, which name no language (see [`PythonHint`] and
//! `compile`), are read as Python where they are Python and as FEEL where
//! they are not. An input whose input expression is empty tests the
//! variable its label names. Required decisions are evaluated first and
//! their results are visible under their names; values are coerced to
//! their `typeRef`. [`run_suite`] runs TCK-format decision tests.
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
mod number;
mod python;
mod result;
mod rule_index;
mod table;
mod temporal;
mod test_run;
mod value;

pub use decisions::Decisions;
pub use error::{DmnError, RuleRef};
pub use python::PythonHint;
pub use result::DecisionResult;
pub use test_run::{CaseOutcome, run_suite};
