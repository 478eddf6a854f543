//! The result of evaluating a decision.

use super::value::Value;

/// What a decision gave. See [`DecisionResult::value`] for its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionResult {
    pub(crate) value: Value,
    pub(crate) outputs: Vec<String>,
    pub(crate) matched: Vec<usize>,
}

impl DecisionResult {
    /// The result as JSON: a table with one output gives its value, with
    /// several a map by output name; RULE ORDER, OUTPUT ORDER and COLLECT
    /// give a list of those (COLLECT with SUM, MIN, MAX or COUNT a single
    /// value); no matching rule gives the default output values when the
    /// table defines them, else null. Dates and durations are ISO 8601
    /// strings.
    pub fn value(&self) -> serde_json::Value {
        self.value.to_json()
    }

    /// The output names: the keys of a multi-output result, or the single
    /// output's name (a literal expression's is the decision's variable).
    pub fn outputs(&self) -> Vec<String> {
        self.outputs.clone()
    }

    /// The 1-based numbers of the rules that matched, in rule order (empty
    /// for a literal expression).
    pub fn matched_rules(&self) -> &[usize] {
        &self.matched
    }

    pub(crate) fn feel_value(&self) -> &Value {
        &self.value
    }
}
