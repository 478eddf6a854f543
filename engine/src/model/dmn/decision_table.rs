//! A decision table: inputs, outputs and rules.

use super::{Aggregation, DmnExpr, HitPolicy};
use crate::model::SourcePos;

/// A `decisionTable` element.
#[derive(Debug, Clone)]
pub struct DecisionTable {
    /// The `decisionTable`'s `id`, when it has one.
    pub id: Option<String>,
    /// `hitPolicy` (UNIQUE when absent).
    pub hit_policy: HitPolicy,
    /// `aggregation` of a COLLECT table; `None`: the list of matches.
    pub aggregation: Option<Aggregation>,
    /// The `input` columns, in order.
    pub inputs: Vec<Input>,
    /// The `output` columns, in order (one output: the result is its
    /// value; several: a map keyed by output name).
    pub outputs: Vec<Output>,
    /// The rules (rows), in order.
    pub rules: Vec<Rule>,
    /// The table was written for SpiffWorkflow: one of its expressions is
    /// named Python, or the file's `typeLanguage` is Python. Its expressions
    /// that name no language are read as SpiffWorkflow reads them (see
    /// [`crate::dmn`]).
    pub python_hint: bool,
    /// Where the `decisionTable` element starts.
    pub pos: SourcePos,
}

/// One input column.
#[derive(Debug, Clone)]
pub struct Input {
    /// The `input` element's `id`, when it has one.
    pub id: Option<String>,
    /// The label, else the input expression's text: how errors name it.
    pub label: String,
    /// What the column tests: the input expression, or the label when the
    /// input expression is empty (Camunda Modeler leaves it empty when only
    /// the label was filled in, and SpiffWorkflow then reads the variable
    /// the label names).
    pub expression: DmnExpr,
    /// `expression` is the label.
    pub from_label: bool,
    /// `typeRef` of the input expression (e.g. `date`), used to read JSON
    /// strings as dates, times and durations.
    pub type_ref: Option<String>,
    /// Allowed values (unary tests); other values are an error.
    pub input_values: Option<DmnExpr>,
    /// Where the `input` element starts.
    pub pos: SourcePos,
}

/// One output column.
#[derive(Debug, Clone)]
pub struct Output {
    /// The `output` element's `id`, when it has one.
    pub id: Option<String>,
    /// The key of this output in a multi-output result (name, else label,
    /// else the decision's variable name).
    pub name: String,
    /// The output's `typeRef`, as written (results are not converted by it).
    pub type_ref: Option<String>,
    /// Allowed values in priority order (PRIORITY and OUTPUT ORDER).
    pub output_values: Option<DmnExpr>,
    /// The value when no rule matches.
    pub default: Option<DmnExpr>,
    /// Where the `output` element starts.
    pub pos: SourcePos,
}

/// One rule (row).
#[derive(Debug, Clone)]
pub struct Rule {
    /// The `rule` element's `id`, when it has one.
    pub id: Option<String>,
    /// The rule's `description` text, trimmed; `None` when absent or blank.
    pub description: Option<String>,
    /// One unary test per input, in input order.
    pub input_entries: Vec<DmnExpr>,
    /// One expression per output, in output order.
    pub output_entries: Vec<DmnExpr>,
    /// Where the `rule` element starts.
    pub pos: SourcePos,
}
