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
    pub pos: SourcePos,
}

/// One input column.
#[derive(Debug, Clone)]
pub struct Input {
    pub id: Option<String>,
    /// The label, else the input expression's text: how errors name it.
    pub label: String,
    pub expression: DmnExpr,
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
