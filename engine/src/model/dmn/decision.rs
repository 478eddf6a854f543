//! Decisions, business knowledge models, input data and the loaded set of
//! DMN files.

use super::DecisionLogic;
use crate::model::{SourceFile, SourcePos};

/// Everything read from a set of DMN files.
#[derive(Debug, Clone, Default)]
pub struct DmnModel {
    /// Every loaded DMN file in load order; the `file` of each position
    /// here indexes it.
    pub files: Vec<SourceFile>,
    /// The `decision`s of all files, in load order.
    pub decisions: Vec<Decision>,
    /// The `businessKnowledgeModel`s of all files, in load order.
    pub knowledge_models: Vec<KnowledgeModel>,
    /// The `inputData` of all files, in load order.
    pub input_data: Vec<InputData>,
    /// The `itemDefinition`s of all files, in load order.
    pub item_definitions: Vec<super::ItemDefinition>,
}

/// A `decision` element.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The decision's `id`: what a business rule task and
    /// `bpmn decide --decision` call it by.
    pub id: String,
    /// The name, else the id.
    pub name: String,
    /// The name its result goes by in decisions that require it (its
    /// `variable` name, else its name).
    pub variable: String,
    /// Its `informationRequirement`s on other decisions: evaluated first,
    /// their results visible to it under their `variable` names.
    pub requires: Vec<Requirement>,
    /// How it computes its value.
    pub logic: DecisionLogic,
    /// Its `variable`'s `typeRef`: the type its value is coerced to.
    pub type_ref: Option<String>,
    /// Where the `decision` element starts.
    pub pos: SourcePos,
}

/// A `requiredDecision` reference.
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The referenced decision id (the part of `href` after `#`).
    pub id: String,
    /// Where the `requiredDecision` element starts.
    pub pos: SourcePos,
}

/// A `businessKnowledgeModel`: a function of its parameters, invoked by
/// name from FEEL (`PMT(a, b, c)`) or by an `invocation`.
#[derive(Debug, Clone)]
pub struct KnowledgeModel {
    /// The element's `id` (may be empty).
    pub id: String,
    /// The name it is called by (its variable name, else its name).
    pub name: String,
    /// The `formalParameter` names of its `encapsulatedLogic`, in order.
    pub parameters: Vec<String>,
    /// The `typeRef` of each parameter (same order), as written.
    pub parameter_types: Vec<Option<String>>,
    /// The `encapsulatedLogic`'s table, literal expression, context or
    /// invocation.
    pub body: DecisionLogic,
    /// Where the `businessKnowledgeModel` element starts.
    pub pos: SourcePos,
}

/// An `inputData` element: a named input of the decisions.
#[derive(Debug, Clone)]
pub struct InputData {
    /// The element's `id`.
    pub id: String,
    /// The name decisions read it by (its `name`, else its variable's
    /// name, else its id).
    pub name: String,
    /// Its `variable`'s `typeRef` (`number`, `date`…), as written.
    pub type_ref: Option<String>,
    /// Where the `inputData` element starts.
    pub pos: SourcePos,
}
