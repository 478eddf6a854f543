//! Decisions, business knowledge models, input data and the loaded set of
//! DMN files.

use super::DecisionLogic;
use crate::model::{SourceFile, SourcePos};

/// Everything read from a set of DMN files.
#[derive(Debug, Clone, Default)]
pub struct DmnModel {
    pub files: Vec<SourceFile>,
    pub decisions: Vec<Decision>,
    pub knowledge_models: Vec<KnowledgeModel>,
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

/// A `businessKnowledgeModel`: a function of its parameters, invoked by
/// name from FEEL (`PMT(a, b, c)`) or by an `invocation`.
#[derive(Debug, Clone)]
pub struct KnowledgeModel {
    pub id: String,
    /// The name it is called by (its variable name, else its name).
    pub name: String,
    pub parameters: Vec<String>,
    pub body: DecisionLogic,
    pub pos: SourcePos,
}

/// An `inputData` element: a named input of the decisions.
#[derive(Debug, Clone)]
pub struct InputData {
    pub id: String,
    pub name: String,
    pub type_ref: Option<String>,
    pub pos: SourcePos,
}
