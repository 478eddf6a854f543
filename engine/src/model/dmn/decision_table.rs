//! A decision table: inputs, outputs and rules.

use super::{Aggregation, DmnExpr, HitPolicy};
use crate::model::SourcePos;

/// A `decisionTable` element.
#[derive(Debug, Clone)]
pub struct DecisionTable {
    pub id: Option<String>,
    pub hit_policy: HitPolicy,
    pub aggregation: Option<Aggregation>,
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub rules: Vec<Rule>,
    /// The table was written for SpiffWorkflow: one of its expressions is
    /// named Python, or the file's `typeLanguage` is Python. Its expressions
    /// that name no language are read as SpiffWorkflow reads them (see
    /// [`crate::dmn`]).
    pub python_hint: bool,
    pub pos: SourcePos,
}

/// One input column.
#[derive(Debug, Clone)]
pub struct Input {
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
    pub pos: SourcePos,
}

/// One output column.
#[derive(Debug, Clone)]
pub struct Output {
    pub id: Option<String>,
    /// The key of this output in a multi-output result (name, else label,
    /// else the decision's variable name).
    pub name: String,
    pub type_ref: Option<String>,
    /// Allowed values in priority order (PRIORITY and OUTPUT ORDER).
    pub output_values: Option<DmnExpr>,
    /// The value when no rule matches.
    pub default: Option<DmnExpr>,
    pub pos: SourcePos,
}

/// One rule (row).
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Option<String>,
    pub description: Option<String>,
    /// One unary test per input, in input order.
    pub input_entries: Vec<DmnExpr>,
    /// One expression per output, in output order.
    pub output_entries: Vec<DmnExpr>,
    pub pos: SourcePos,
}
