//! Message correlation: which instance a correlation value belongs to, and
//! whether a message may be caught by a waiting task.
//!
//! BPMN correlates a message with the conversation whose key values it
//! carries. Here a value belongs to the instance that set it, by a throw or
//! a catch: the top-level process (or conversation), the subprocess, call
//! activity or event subprocess instance the task runs in — so each
//! instance of a multi-instance subprocess keeps its own. A task of a
//! looping plain activity (a multi-instance send or receive task) keeps
//! what it sets to itself: nothing stays behind when it ends, and its
//! siblings are not bound by it. A task reads the values of its own
//! instance first, then those of the instances around it (a boundary event
//! of a subprocess reads the subprocess's body first), as SpiffWorkflow
//! keeps one set per (sub)workflow.
//!
//! A message may be caught when every correlation property of its message
//! (those with a retrieval expression for it, in any loaded file) whose
//! value the catch knows is carried by the message with that value. A
//! catch that knows none catches any; this is how the first message of a
//! conversation gets through.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::owner::View;
use super::task::NO_TASK;
use crate::model::{EventNode, EventPosition, NodeKind};

/// The scope whose correlation values task `t` sets; `None` for a task of
/// a looping plain activity (an instance keeps its values to itself).
pub(crate) fn owner(view: &View, t: u32) -> Option<u32> {
    let r = view.records.get(t);
    let node = view.specs.model.node(r.node);
    let looping_plain = node.looping.is_some()
        && !matches!(
            node.kind,
            NodeKind::SubProcess { .. } | NodeKind::CallActivity { .. }
        );
    (!looping_plain).then_some(r.scope)
}

/// The activity a boundary event task `t` is attached to, when that
/// activity runs a body of its own (a subprocess or call activity).
fn boundary_of_body(view: &View, t: u32) -> Option<u32> {
    let r = view.records.get(t);
    let boundary = matches!(
        view.specs.model.node(r.node).kind,
        NodeKind::Event(EventNode {
            position: EventPosition::Boundary { .. },
            ..
        })
    );
    if !boundary || r.parent == NO_TASK {
        return None;
    }
    let a = view.specs.model.node(view.records.get(r.parent).node);
    matches!(
        a.kind,
        NodeKind::SubProcess { .. } | NodeKind::CallActivity { .. }
    )
    .then_some(r.parent)
}

/// The scope a message wait of task `t` is indexed by: its own scope,
/// whose values come first in its chain. `None` for a boundary event of a
/// subprocess or call activity, whose body's values (when it runs) come
/// first and are looked up when a message arrives.
pub(crate) fn index_scope(view: &View, t: u32) -> Option<u32> {
    match boundary_of_body(view, t) {
        Some(_) => None,
        None => Some(view.records.get(t).scope),
    }
}

/// The scope enclosing scope `s`: the scope of the task that runs it.
pub(crate) fn parent_scope(view: &View, s: u32) -> Option<u32> {
    let c = view.scopes.get(s).container?;
    Some(view.records.get(c).scope)
}

/// The scopes whose values task `t` reads, innermost first.
pub(crate) fn chain(view: &View, t: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if let Some(a) = boundary_of_body(view, t) {
        if let Some(&body) = view.scopes.child.get(&a) {
            out.push(body);
        }
    }
    let mut s = Some(view.records.get(t).scope);
    while let Some(x) = s {
        out.push(x);
        s = parent_scope(view, x);
    }
    out
}

/// The scopes from `s` up to its top-level scope.
pub(crate) fn chain_from(view: &View, s: u32) -> Vec<u32> {
    let mut out = vec![s];
    let mut x = s;
    while let Some(p) = parent_scope(view, x) {
        out.push(p);
        x = p;
    }
    out
}

/// Whether a message carrying `carried` correlates with a catch: for each
/// of the message's correlation `properties`, the value the catch knows
/// (`known`) must be absent or carried with the same value.
pub(crate) fn correlates<'a>(
    properties: impl IntoIterator<Item = &'a str>,
    known: impl Fn(&str) -> Option<&'a Value>,
    carried: &BTreeMap<String, Value>,
) -> bool {
    properties
        .into_iter()
        .all(|p| known(p).is_none_or(|k| carried.get(p) == Some(k)))
}

/// A value as text with object keys sorted, so equal values (whatever the
/// order their maps were built in) give equal keys for an index.
pub(crate) fn value_key(v: &Value) -> String {
    let mut out = String::new();
    write_key(v, &mut out);
    out
}

fn write_key(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for k in keys {
                let _ = write!(out, "{}:", Value::String(k.clone()));
                write_key(&m[k], out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for x in a {
                write_key(x, out);
                out.push(',');
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_keys_ignore_map_order() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": [1, {"y": 2, "x": 3}]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a": [1, {"x": 3, "y": 2}], "b": 1}"#).unwrap();
        assert_eq!(value_key(&a), value_key(&b));
        assert_ne!(value_key(&json!(1)), value_key(&json!("1")));
        assert_ne!(value_key(&json!([1, 2])), value_key(&json!([2, 1])));
    }

    #[test]
    fn a_known_value_must_be_carried() {
        let carried: BTreeMap<String, Value> = [("order".to_string(), json!(2))].into();
        let one = json!(1);
        let two = json!(2);
        // Knows nothing: catches anything.
        assert!(correlates(["order"], |_| None, &carried));
        assert!(correlates(["order"], |_| Some(&two), &carried));
        assert!(!correlates(["order"], |_| Some(&one), &carried));
        // Knows a value the message does not carry.
        assert!(!correlates(["order"], |_| Some(&two), &BTreeMap::new()));
        // Properties of other messages do not count.
        assert!(correlates([], |_| Some(&one), &carried));
    }
}
