//! The DMN model: decisions, decision tables, the boxed expressions
//! (contexts, invocations, lists, relations, function definitions,
//! conditionals, iterators, filters), business knowledge models, decision
//! services, imports, input data and the decision
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

pub use decision::{
    Decision, DecisionService, Definitions, DmnModel, Import, InputData, KnowledgeModel,
    Requirement,
};
pub use decision_table::{DecisionTable, Input, Output, Rule};
pub use expression::{DmnExpr, Language};
pub use hit_policy::{Aggregation, HitPolicy};
pub use item_definition::{FunctionItem, ItemDefinition};
pub use logic::{ContextEntry, DecisionLogic, FunctionDef, FunctionKind, Invocation, IteratorKind};
pub use test_case::{InputNode, ResultNode, TestCase, TestSuite, TestValue};
