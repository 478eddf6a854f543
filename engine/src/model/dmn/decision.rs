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
    /// The `decisionService`s of all files, in load order.
    pub decision_services: Vec<DecisionService>,
    /// One entry per file (same index as `files`): its namespace and
    /// imports, which say how its expressions name other files' elements.
    pub definitions: Vec<Definitions>,
}

/// What a file's `definitions` element says about the file as a whole.
#[derive(Debug, Clone, Default)]
pub struct Definitions {
    /// The `namespace` attribute: how other files import this one and
    /// refer to its elements (`namespace#id`).
    pub namespace: String,
    /// The `name` attribute.
    pub name: String,
    /// Its `import`s of other DMN models.
    pub imports: Vec<Import>,
}

/// An `import` of another DMN model: its elements are named with the
/// import's name as prefix (`myimport.Say Hello`).
#[derive(Debug, Clone)]
pub struct Import {
    /// The imported model's namespace.
    pub namespace: String,
    /// The prefix the importing file uses (`myimport`).
    pub name: String,
    /// `locationURI`, when given (the file is found by namespace among the
    /// loaded files either way).
    pub location: Option<String>,
    /// Where the `import` element starts.
    pub pos: SourcePos,
}

/// A `decisionService`: a function of its input decisions and input data
/// that evaluates its output decisions.
#[derive(Debug, Clone)]
pub struct DecisionService {
    /// The element's `id` (its name when it has none).
    pub id: String,
    /// The name it is invoked by.
    pub name: String,
    /// The `outputDecision`s, in order: the result (one: its value;
    /// several: a context by decision name).
    pub outputs: Vec<Requirement>,
    /// The `encapsulatedDecision`s (evaluated inside the service).
    pub encapsulated: Vec<Requirement>,
    /// The `inputDecision`s: parameters whose values stand in for these
    /// decisions, in order, after the input data.
    pub input_decisions: Vec<Requirement>,
    /// The `inputData`: the first parameters.
    pub input_data: Vec<Requirement>,
    /// Its `variable`'s `typeRef`, as written: a function type whose
    /// result type the service's result is coerced to.
    pub type_ref: Option<String>,
    /// Where the `decisionService` element starts.
    pub pos: SourcePos,
}

/// A `decision` element.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The decision's `id`: what a business rule task and
    /// `bpmn decide --decision` call it by (its name when it has none).
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

/// A reference by `href` (`requiredDecision`, `outputDecision`…).
#[derive(Debug, Clone)]
pub struct Requirement {
    /// The referenced element's id (the part of `href` after `#`).
    pub id: String,
    /// The namespace before `#`, when the element is in another model;
    /// `None` for `#id`, an element of the same file.
    pub namespace: Option<String>,
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
    /// The body expression's `typeRef`, as written: the result's type.
    pub body_type: Option<String>,
    /// The encapsulated logic's and the variable's `typeRef`s, as written:
    /// the model's function type, whose result type counts (or, as older
    /// models write it, the result type itself).
    pub function_types: Vec<String>,
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
