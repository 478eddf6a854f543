//! How a decision (or business knowledge model) computes its value: a
//! decision table, a literal expression, or the boxed expressions built
//! from them (contexts, invocations, lists, relations, function
//! definitions, conditionals, iterators and filters of DMN 1.5).

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
    /// A `list`: its items in order.
    List(Vec<DecisionLogic>),
    /// A `relation`: a list of contexts, one per row, keyed by column.
    Relation {
        /// The `column` names.
        columns: Vec<String>,
        /// Each `row`'s cells, in column order.
        rows: Vec<Vec<DecisionLogic>>,
    },
    /// A `functionDefinition`: a function of its parameters.
    Function(FunctionDef),
    /// A `conditional`: `if` is evaluated, then `then` when it is true,
    /// else `else`.
    Conditional {
        /// The condition.
        condition: Box<DecisionLogic>,
        /// The value when the condition is true.
        then: Box<DecisionLogic>,
        /// The value otherwise (false, null or not a boolean).
        otherwise: Box<DecisionLogic>,
    },
    /// A `for`, `some` or `every`: `body` evaluated for each item of `source`
    /// with the item bound to `variable`.
    Iterator {
        /// Which of the three.
        kind: IteratorKind,
        /// `iteratorVariable`.
        variable: String,
        /// The `in` expression: the list iterated over.
        source: Box<DecisionLogic>,
        /// `return` (for) or `satisfies` (some, every).
        body: Box<DecisionLogic>,
    },
    /// A `filter`: the items of `source` for which `condition` (seeing
    /// `item`, and a context item's entries) is true.
    Filter {
        /// The `in` expression.
        source: Box<DecisionLogic>,
        /// The `match` expression.
        condition: Box<DecisionLogic>,
    },
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

/// The three iterators of DMN 1.5 boxed expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IteratorKind {
    /// `for`: the list of the body's values.
    For,
    /// `some`: true when the body is true for some item.
    Some,
    /// `every`: true when the body is true for every item.
    Every,
}

/// The `kind` of a function definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// `FEEL` (the default): the body is a boxed expression.
    Feel,
    /// `Java`: an external Java method (refused at load time).
    Java,
    /// `PMML`: an external PMML model (refused at load time).
    Pmml,
}

/// A `functionDefinition` (or a business knowledge model's
/// `encapsulatedLogic`).
#[derive(Debug, Clone)]
pub struct FunctionDef {
    /// `kind`.
    pub kind: FunctionKind,
    /// The `formalParameter` names, in order.
    pub parameters: Vec<String>,
    /// The `typeRef` of each parameter (same order), as written.
    pub parameter_types: Vec<Option<String>>,
    /// The body.
    pub body: Box<DecisionLogic>,
    /// Where the `functionDefinition` element starts.
    pub pos: SourcePos,
}
