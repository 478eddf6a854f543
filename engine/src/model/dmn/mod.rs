//! The DMN model: decisions, decision tables, contexts, invocations,
//! business knowledge models, input data and the decision
//! tests of TCK-format test files, as read from DMN 1.1–1.5 XML and
//! independent of how they are evaluated.
//!
//! Expressions are kept as text with their language and position; the
//! evaluation layer ([`crate::dmn`]) compiles them once at load time.

mod decision;
mod decision_table;
mod expression;
mod hit_policy;
mod item_definition;
mod logic;
mod test_case;

pub use decision::{Decision, DmnModel, InputData, KnowledgeModel, Requirement};
pub use decision_table::{DecisionTable, Input, Output, Rule};
pub use expression::{DmnExpr, Language};
pub use hit_policy::{Aggregation, HitPolicy};
pub use item_definition::{FunctionItem, ItemDefinition};
pub use logic::{ContextEntry, DecisionLogic, Invocation};
pub use test_case::{ResultNode, TestCase, TestSuite, TestValue};
