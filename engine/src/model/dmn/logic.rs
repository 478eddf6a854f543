//! How a decision (or business knowledge model) computes its value: a
//! decision table, a literal expression, or the boxed expressions built
//! from them (contexts and invocations).

use super::{DecisionTable, DmnExpr};
use crate::model::SourcePos;

/// The logic of a decision, of a knowledge model, or of a context entry.
#[derive(Debug, Clone)]
pub enum DecisionLogic {
    /// A `decisionTable`.
    Table(DecisionTable),
    /// A `literalExpression`.
    Literal(DmnExpr),
    /// A `context`: named entries evaluated in order, each seeing the ones
    /// before; an entry without a name is the context's value.
    Context(Vec<ContextEntry>),
    /// An `invocation` of a business knowledge model with bound parameters.
    Invocation(Invocation),
    /// No logic this engine can evaluate (the element is named).
    Unsupported(String),
}

/// One entry of a context.
#[derive(Debug, Clone)]
pub struct ContextEntry {
    /// The entry's variable name; `None` for the result entry.
    pub name: Option<String>,
    /// The entry's value: any logic, including a nested context.
    pub value: DecisionLogic,
    /// Where the `contextEntry` element starts.
    pub pos: SourcePos,
}

/// An `invocation`: the knowledge model to call and its arguments.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The name of the invoked knowledge model.
    pub function: String,
    /// Parameter name and the logic giving its value.
    pub bindings: Vec<(String, DecisionLogic)>,
    /// Where the `invocation` element starts.
    pub pos: SourcePos,
}
