//! The result of evaluating a decision, as DMN gives it and as a business
//! rule task stores it.

use serde_json::{Map, Value as Json};

use super::value::Value;

/// What a decision gave. See [`DecisionResult::value`] for its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionResult {
    pub(crate) value: Value,
    pub(crate) outputs: Vec<String>,
    pub(crate) matched: Vec<usize>,
    pub(crate) mapping: Mapping,
}

/// How a decision's result maps onto task data ([`DecisionResult::as_task_data`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mapping {
    /// A literal expression, context or invocation: its value, even null.
    Value,
    /// A table giving one row or an aggregate: its outputs by name, nothing
    /// when no rule matched and there are no default outputs.
    TableRow,
    /// A table whose value lists the matching rules' rows (COLLECT without
    /// an aggregation, RULE ORDER, OUTPUT ORDER): one list per output name.
    TableRows,
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

    /// The result as SpiffWorkflow's business rule task puts it into the
    /// task data: each output under its name, and a name with dots
    /// (`item.price`) as nested maps (`{"item": {"price": …}}`). A table
    /// whose result lists rules (COLLECT without aggregation, RULE ORDER,
    /// OUTPUT ORDER) gives one list per name, with each matching rule's
    /// value in rule order, rather than DMN's list of rows. No matching
    /// rule (and no default outputs) gives nothing.
    ///
    /// ```
    /// use bpmn_engine::dmn::Decisions;
    /// let xml = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
    ///   <decision id="tags" name="Tags">
    ///     <decisionTable hitPolicy="COLLECT">
    ///       <input><inputExpression><text>n</text></inputExpression></input>
    ///       <output name="tag"/><output name="weight"/>
    ///       <rule><inputEntry><text>&gt; 0</text></inputEntry><outputEntry><text>"pos"</text></outputEntry><outputEntry><text>1</text></outputEntry></rule>
    ///       <rule><inputEntry><text>&gt; 9</text></inputEntry><outputEntry><text>"big"</text></outputEntry><outputEntry><text>10</text></outputEntry></rule>
    ///     </decisionTable>
    ///   </decision>
    /// </definitions>"#;
    /// let decisions = Decisions::from_sources(vec![("tags.dmn".into(), xml.as_bytes().to_vec())]);
    /// let data = serde_json::json!({"n": 12});
    /// let data = bpmn_engine::Data::from(data.as_object().unwrap().clone());
    /// let result = decisions.evaluate("tags", &data).unwrap();
    /// assert_eq!(result.value(), serde_json::json!([{"tag": "pos", "weight": 1}, {"tag": "big", "weight": 10}]));
    /// assert_eq!(
    ///     serde_json::Value::Object(result.as_task_data()),
    ///     serde_json::json!({"tag": ["pos", "big"], "weight": [1, 10]})
    /// );
    /// ```
    pub fn as_task_data(&self) -> Map<String, Json> {
        let mut out = Map::new();
        if self.mapping != Mapping::Value
            && self.matched.is_empty()
            && matches!(self.value, Value::Null)
        {
            return out;
        }
        if self.mapping != Mapping::TableRows {
            for (name, v) in self.row(self.value.to_json()) {
                insert_dotted(&mut out, &name, v);
            }
            return out;
        }
        // Default outputs (no rule matched) are one row.
        let rows = match self.value.to_json() {
            Json::Array(rows) => rows,
            other => vec![other],
        };
        for row in rows {
            let mut nested = Map::new();
            for (name, v) in self.row(row) {
                insert_dotted(&mut nested, &name, v);
            }
            for (key, v) in nested {
                if let Json::Array(list) = out.entry(key).or_insert_with(|| Json::Array(Vec::new()))
                {
                    list.push(v);
                }
            }
        }
        out
    }

    /// One row's values by output name: a multi-output row is a map by
    /// output name, a single output's row is its value.
    fn row(&self, row: Json) -> Vec<(String, Json)> {
        match (row, self.outputs.as_slice()) {
            (v, [one]) => vec![(one.clone(), v)],
            (Json::Object(mut m), names) => names
                .iter()
                .map(|n| (n.clone(), m.remove(n).unwrap_or(Json::Null)))
                .collect(),
            (v, names) => names.iter().map(|n| (n.clone(), v.clone())).collect(),
        }
    }

    pub(crate) fn feel_value(&self) -> &Value {
        &self.value
    }
}

/// Inserts `v` under `name`, a name with dots making nested maps that merge
/// with what is there (SpiffWorkflow's `item.price`).
fn insert_dotted(out: &mut Map<String, Json>, name: &str, v: Json) {
    let parts: Vec<&str> = name.split('.').collect();
    let Some((last, path)) = parts.split_last() else {
        return;
    };
    if path.is_empty() || parts.iter().any(|p| p.is_empty()) {
        out.insert(name.to_string(), v);
        return;
    }
    let mut map = out;
    for part in path {
        let slot = map
            .entry(part.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
        if !slot.is_object() {
            *slot = Json::Object(Map::new());
        }
        map = match slot {
            Json::Object(m) => m,
            _ => return,
        };
    }
    map.insert(last.to_string(), v);
}
