//! Expectations against what a run did: every difference, worded so the
//! first one alone tells what went wrong (`data.order_total: expected
//! 55.5, got 54`).

use std::fmt;

use serde_json::{Map, Value};

use super::file::Expect;

/// What a run left behind, as the expectations see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observed {
    /// Whether the instance completed.
    pub completed: bool,
    /// The workflow data once completed, else the last completed task's.
    pub data: Map<String, Value>,
    /// BPMN ids of the completed flow nodes, in completion order.
    pub order: Vec<String>,
    /// BPMN ids of the ready tasks.
    pub ready: Vec<String>,
    /// BPMN ids of the waiting tasks (events, joins), for messages.
    pub waiting: Vec<String>,
    /// The message of the error that stopped the run.
    pub error: Option<String>,
}

/// One way a run differs from its expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// What differs: `completed`, `data.order_total`, `order`, `ready`,
    /// `error`.
    pub path: String,
    /// How: `expected 55.5, got 54`.
    pub message: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn diff(path: impl Into<String>, message: impl Into<String>) -> Difference {
    Difference {
        path: path.into(),
        message: message.into(),
    }
}

/// Every difference between `expect` and `seen`, most telling first: the
/// run error, then completion, data, order and the ready set. Empty when
/// the scenario passes.
pub fn differences(expect: &Expect, seen: &Observed) -> Vec<Difference> {
    let mut out = Vec::new();
    match (&expect.error, &seen.error) {
        (None, Some(e)) => out.push(diff("error", e.clone())),
        (Some(want), Some(got)) if !got.contains(want.as_str()) => out.push(diff(
            "error",
            format!("expected an error containing \"{want}\", got: {got}"),
        )),
        (Some(want), None) => out.push(diff(
            "error",
            format!(
                "expected an error containing \"{want}\", got none (the run {})",
                if seen.completed {
                    "completed"
                } else {
                    "stopped waiting"
                }
            ),
        )),
        _ => {}
    }
    if let Some(want) = expect.completed.filter(|&w| w != seen.completed) {
        let mut m = format!("expected {want}, got {}", seen.completed);
        if !seen.completed {
            m.push_str(&format!(" (ready: {}", list(&seen.ready)));
            if !seen.waiting.is_empty() {
                m.push_str(&format!("; waiting: {}", list(&seen.waiting)));
            }
            m.push(')');
        }
        out.push(diff("completed", m));
    }
    if let Some(want) = &expect.data {
        subset_object("data", want, &seen.data, &mut out);
    }
    if let Some(d) = expect
        .order
        .as_ref()
        .and_then(|want| order_difference(want, &seen.order))
    {
        out.push(d);
    }
    if let Some(want) = &expect.ready {
        let (mut w, mut g) = (want.clone(), seen.ready.clone());
        w.sort();
        g.sort();
        if w != g {
            out.push(diff(
                "ready",
                format!("expected [{}], got [{}]", w.join(", "), g.join(", ")),
            ));
        }
    }
    out
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

/// Compares `want` as a subset of `got`: every key of `want` must be in
/// `got` with a value that matches (objects as subsets again).
fn subset_object(
    path: &str,
    want: &Map<String, Value>,
    got: &Map<String, Value>,
    out: &mut Vec<Difference>,
) {
    for (k, w) in want {
        let p = format!("{path}.{k}");
        match got.get(k) {
            None => out.push(diff(p, format!("expected {w}, got nothing (no such key)"))),
            Some(g) => subset_value(&p, w, g, out),
        }
    }
}

fn subset_value(path: &str, want: &Value, got: &Value, out: &mut Vec<Difference>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => subset_object(path, w, g, out),
        (Value::Array(w), Value::Array(g)) => {
            if w.len() != g.len() {
                out.push(diff(
                    path,
                    format!("expected {} items, got {}: {got}", w.len(), g.len()),
                ));
            } else {
                for (i, (w, g)) in w.iter().zip(g).enumerate() {
                    subset_value(&format!("{path}[{i}]"), w, g, out);
                }
            }
        }
        (Value::Number(w), Value::Number(g)) if same_number(w, g) => {}
        _ if want == got => {}
        _ => out.push(diff(path, format!("expected {want}, got {got}"))),
    }
}

/// `4` and `4.0` are the same number; integers compare exactly.
fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// `want` must be a subsequence of `got`; the difference names the first
/// id that did not complete where expected.
fn order_difference(want: &[String], got: &[String]) -> Option<Difference> {
    let mut at = 0;
    for (i, id) in want.iter().enumerate() {
        match got[at..].iter().position(|g| g == id) {
            Some(p) => at += p + 1,
            None => {
                let ran = format!("completed in order: {}", list(got));
                // The first id is always found when it completed at all.
                let message = match i.checked_sub(1) {
                    Some(prev) if got.contains(id) => {
                        format!("{id} did not complete after {} ({ran})", want[prev])
                    }
                    _ => format!("{id} never completed ({ran})"),
                };
                return Some(diff("order", message));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn seen() -> Observed {
        Observed {
            completed: true,
            data: obj(
                json!({"order_total": 54, "qty": 4.0, "address": {"city": "London", "zip": "NW1"}, "items": [{"sku": "a", "n": 1}]}),
            ),
            order: ids(&["start", "A", "gw", "B", "A", "end"]),
            ready: vec![],
            waiting: vec![],
            error: None,
        }
    }

    fn first(expect: Expect, seen: &Observed) -> Option<String> {
        differences(&expect, seen).first().map(|d| d.to_string())
    }

    #[test]
    fn data_is_compared_as_a_subset_with_the_path_of_the_first_difference() {
        let s = seen();
        let data = |v: Value| Expect {
            data: Some(obj(v)),
            ..Expect::default()
        };
        assert_eq!(first(data(json!({"order_total": 54})), &s), None);
        assert_eq!(
            first(data(json!({"order_total": 55.5})), &s).unwrap(),
            "data.order_total: expected 55.5, got 54"
        );
        // Numbers by value; nested objects as subsets.
        assert_eq!(
            first(data(json!({"qty": 4, "address": {"city": "London"}})), &s),
            None
        );
        assert_eq!(
            first(data(json!({"address": {"city": "Paris"}})), &s).unwrap(),
            "data.address.city: expected \"Paris\", got \"London\""
        );
        assert_eq!(
            first(data(json!({"customer": "Jane"})), &s).unwrap(),
            "data.customer: expected \"Jane\", got nothing (no such key)"
        );
        assert_eq!(first(data(json!({"items": [{"sku": "a"}]})), &s), None);
        assert_eq!(
            first(data(json!({"items": [{"sku": "b"}]})), &s).unwrap(),
            "data.items[0].sku: expected \"b\", got \"a\""
        );
        assert!(
            first(data(json!({"items": []})), &s)
                .unwrap()
                .starts_with("data.items: expected 0 items, got 1")
        );
        assert_eq!(
            first(data(json!({"address": "London"})), &s).unwrap(),
            "data.address: expected \"London\", got {\"city\":\"London\",\"zip\":\"NW1\"}"
        );
        // Every difference is kept, in the order of the expected keys.
        let all = differences(&data(json!({"order_total": 1, "qty": 2})), &s);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].path, "data.qty");
    }

    #[test]
    fn order_is_a_subsequence_of_the_completed_nodes() {
        let s = seen();
        let order = |v: &[&str]| Expect {
            order: Some(ids(v)),
            ..Expect::default()
        };
        assert_eq!(first(order(&["A", "B"]), &s), None);
        assert_eq!(first(order(&["A", "B", "A", "end"]), &s), None);
        assert_eq!(first(order(&[]), &s), None);
        assert_eq!(
            first(order(&["B", "gw"]), &s).unwrap(),
            "order: gw did not complete after B (completed in order: start, A, gw, B, A, end)"
        );
        assert_eq!(
            first(order(&["A", "C"]), &s).unwrap(),
            "order: C never completed (completed in order: start, A, gw, B, A, end)"
        );
        assert!(
            first(order(&["A", "A", "A"]), &s)
                .unwrap()
                .starts_with("order: A did not complete after A")
        );
    }

    #[test]
    fn completion_ready_and_errors() {
        let mut s = seen();
        s.completed = false;
        s.ready = ids(&["T2", "T1"]);
        s.waiting = ids(&["Timer"]);
        let e = |f: fn(&mut Expect)| {
            let mut x = Expect::default();
            f(&mut x);
            x
        };
        assert_eq!(
            first(e(|x| x.completed = Some(true)), &s).unwrap(),
            "completed: expected true, got false (ready: T2, T1; waiting: Timer)"
        );
        assert_eq!(first(e(|x| x.ready = Some(ids(&["T1", "T2"]))), &s), None);
        assert_eq!(
            first(e(|x| x.ready = Some(ids(&["T1"]))), &s).unwrap(),
            "ready: expected [T1], got [T1, T2]"
        );
        assert_eq!(
            first(e(|x| x.error = Some("boom".into())), &s).unwrap(),
            "error: expected an error containing \"boom\", got none (the run stopped waiting)"
        );
        s.error = Some("script task S: boom!".into());
        // An unexpected error comes first, whatever else differs.
        let d = differences(&e(|x| x.completed = Some(true)), &s);
        assert_eq!(d[0].to_string(), "error: script task S: boom!");
        assert_eq!(d[1].path, "completed");
        assert_eq!(first(e(|x| x.error = Some("boom".into())), &s), None);
        assert_eq!(
            first(e(|x| x.error = Some("bang".into())), &s).unwrap(),
            "error: expected an error containing \"bang\", got: script task S: boom!"
        );
    }
}
