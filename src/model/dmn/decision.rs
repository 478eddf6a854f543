//! Decisions, input data and the loaded set of DMN files.

use super::{DecisionTable, DmnExpr};
use crate::model::{SourceFile, SourcePos};

/// Everything read from a set of DMN files.
#[derive(Debug, Clone, Default)]
pub struct DmnModel {
    pub files: Vec<SourceFile>,
    pub decisions: Vec<Decision>,
    pub input_data: Vec<InputData>,
}

/// A `decision` element.
#[derive(Debug, Clone)]
pub struct Decision {
    pub id: String,
    /// The name, else the id.
    pub name: String,
    /// The name its result goes by in decisions that require it (its
    /// `variable` name, else its name).
    pub variable: String,
    pub requires: Vec<Requirement>,
    pub logic: DecisionLogic,
    pub pos: SourcePos,
}

/// A `requiredDecision` reference.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The referenced decision id (the part of `href` after `#`).
    pub id: String,
    pub pos: SourcePos,
}

/// How a decision computes its value.
#[derive(Debug, Clone)]
pub enum DecisionLogic {
    Table(DecisionTable),
    /// A `literalExpression`.
    Literal(DmnExpr),
    /// No logic this engine can evaluate (the element is named).
    Unsupported(String),
}

/// An `inputData` element: a named input of the decisions.
#[derive(Debug, Clone)]
pub struct InputData {
    pub id: String,
    pub name: String,
    pub type_ref: Option<String>,
    pub pos: SourcePos,
}
