//! Running TCK-format decision tests: each case binds its input nodes,
//! evaluates the decision of each result node (or invokes the decision
//! service the case names) and compares the value with the expected one
//! (numbers as decimals, exactly unless the expectation is a double's
//! text — see `close`; lists item by item; structures component by
//! component). A case expecting an error that it gets only because
//! something did not load is not counted as passed
//! ([`CaseOutcome::met_by_load_failure`]).

use std::sync::Arc;

use super::decisions::{Decisions, Input, LOAD_ERRORS};
use super::error::DmnError;
use super::number::Number;
use super::temporal;
use super::value::{self, Value, duration_value};
use crate::model::dmn::{TestSuite, TestValue};

/// The outcome of one test case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    /// The test case's `id`.
    pub id: String,
    /// The test case's description, if it has one.
    pub description: Option<String>,
    /// The decisions (result nodes) the case checks.
    pub decisions: Vec<String>,
    /// Whether every result node matched its expected value.
    pub passed: bool,
    /// The case expected errors and got them, but only because a decision
    /// (or knowledge model, or the model) did not load: not a real pass.
    /// `passed` is false then.
    pub met_by_load_failure: bool,
    /// Why it failed: one line per failing result node.
    pub failures: Vec<String>,
}

/// Runs every case of `suite` against `decisions`. A case of type
/// `decisionService` invokes the service its `invocableName` names with
/// the input nodes as parameters, and checks its output decisions.
pub fn run_suite(decisions: &Decisions, suite: &TestSuite) -> Vec<CaseOutcome> {
    let empty = crate::model::Data::new();
    suite
        .cases
        .iter()
        .map(|case| {
            let mut failures = Vec::new();
            // Expected errors met by a load failure, and all expected errors.
            let mut by_load = Vec::new();
            let inputs: Vec<Input> = case
                .inputs
                .iter()
                .map(|n| (n.name.clone(), n.namespace.clone(), to_value(&n.value)))
                .collect();
            let service = match case.kind.as_str() {
                "decision" => None,
                "decisionService" => {
                    let name = case.invocable.as_deref().unwrap_or_default();
                    match decisions.service(name) {
                        Some((i, _)) => {
                            let params: Vec<(&str, Value)> = inputs
                                .iter()
                                .map(|(n, _, v)| (n.as_str(), v.clone()))
                                .collect();
                            Some(decisions.run_service(i, &params, 0))
                        }
                        None => {
                            failures.push(format!(
                                "invocableName `{name}`: no decision service has this name"
                            ));
                            None
                        }
                    }
                }
                other => {
                    failures.push(format!(
                        "test type `{other}` is not supported (only decision and decisionService)"
                    ));
                    None
                }
            };
            for node in &case.results {
                let got = match &service {
                    Some(Ok(outputs)) => match outputs.iter().find(|(n, _)| *n == node.name) {
                        Some((_, v)) => Ok(v.clone()),
                        None => {
                            failures.push(format!(
                                "{}: not an output decision of the service",
                                node.name
                            ));
                            continue;
                        }
                    },
                    Some(Err(e)) => Err(e.clone()),
                    None => {
                        let Some(id) = decisions.find(&node.name) else {
                            failures.push(format!("{}: no decision has this name or id", node.name));
                            continue;
                        };
                        decisions
                            .evaluate_given(id, &empty, inputs.clone())
                            .map(|r| r.feel_value().clone())
                    }
                };
                match (got, node.error_result) {
                    (Err(e), true) => by_load.push(is_load_failure(&e)),
                    (Ok(Value::Null), true) => by_load.push(false),
                    (Ok(v), true) => {
                        failures.push(format!("{}: expected an error, got {v}", node.name))
                    }
                    (Err(e), false) => failures.push(format!("{}: {e}", node.name)),
                    (Ok(v), false) => {
                        let expected = node.expected.as_ref().map_or(Value::Null, to_value);
                        if !same(&v, &expected) {
                            failures.push(format!("{}: expected {expected}, got {v}", node.name));
                        }
                    }
                }
            }
            let met_by_load_failure = failures.is_empty() && by_load.iter().any(|&b| b);
            if met_by_load_failure {
                failures.push(
                    "the expected error came only from a decision that did not load (see the diagnostics)"
                        .into(),
                );
            }
            CaseOutcome {
                id: case.id.clone(),
                description: case.description.clone(),
                decisions: case.results.iter().map(|r| r.name.clone()).collect(),
                passed: failures.is_empty(),
                met_by_load_failure,
                failures,
            }
        })
        .collect()
}

/// Whether `e` comes from a load failure (a decision, knowledge model or
/// decision service with load errors) rather than from evaluating.
fn is_load_failure(e: &DmnError) -> bool {
    match e {
        DmnError::Invalid { .. } => true,
        DmnError::Required { source, .. } => is_load_failure(source),
        DmnError::Expression { message, .. } => message.contains(LOAD_ERRORS),
        _ => false,
    }
}

/// The FEEL value a typed test value stands for.
fn to_value(v: &TestValue) -> Value {
    match v {
        TestValue::Nil => Value::Null,
        TestValue::List(items) => Value::List(Arc::new(items.iter().map(to_value).collect())),
        TestValue::Components(c) => Value::Context(Arc::new(
            c.iter().map(|(k, v)| (k.clone(), to_value(v))).collect(),
        )),
        TestValue::Simple { xsi_type, text } => {
            let t = text.trim();
            let parsed = match xsi_type.as_deref().unwrap_or("string") {
                "decimal" | "double" | "float" | "int" | "integer" | "long" | "short" | "byte" => {
                    Number::parse(t).map(Value::Number)
                }
                "boolean" => match t {
                    "true" | "1" => Some(Value::Bool(true)),
                    "false" | "0" => Some(Value::Bool(false)),
                    _ => None,
                },
                "date" => temporal::parse_date(t).map(Value::Date),
                "time" => temporal::parse_time(t).map(Value::Time),
                "dateTime" => temporal::parse_date_time(t).map(Value::DateTime),
                "duration" | "dayTimeDuration" | "yearMonthDuration" => {
                    temporal::parse_duration(t).map(duration_value)
                }
                _ => None,
            };
            parsed.unwrap_or_else(|| Value::string(text.as_str()))
        }
    }
}

/// Whether `got` is within 1e-12 (relative) of an expected number written
/// with at most 17 significant digits: such expectations are the shortest
/// text of a double, computed by an engine without decimals (the TCK has
/// some), so the digits beyond what a double holds cannot be compared.
/// Expectations with more digits are compared exactly. An expectation
/// with 8 or more digits after the point also matches a result that
/// rounds to it (`exp(4)` is expected as 54.59815003): the TCK gives
/// irrational results cut to the 8 decimals its reference runners compare
/// to, and a result off by less than half its last digit is that value.
fn close(got: Number, want: Number) -> bool {
    if want.digits() > 17 {
        return false;
    }
    if want.scale() >= 8 && rounds_to(got, want) {
        return true;
    }
    let scale = got.abs().max(want.abs()).max(Number::from_i64(1));
    let tolerance = Number::parse("1e-12").and_then(|t| t.mul(scale));
    let diff = got.sub(want).map(Number::abs);
    matches!((diff, tolerance), (Some(d), Some(t)) if d <= t)
}

/// Whether `got` is within half a unit of the last digit of `want`.
fn rounds_to(got: Number, want: Number) -> bool {
    let half = Number::parse(&format!("5E-{}", want.scale() + 1));
    let diff = got.sub(want).map(Number::abs);
    matches!((diff, half), (Some(d), Some(h)) if d <= h)
}

/// Whether `got` is the expected value.
fn same(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => a == b || close(*a, *b),
        (Value::List(a), Value::List(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same(x, y))
        }
        (Value::Context(a), Value::Context(b)) => {
            a.len() == b.len()
                && b.iter()
                    .all(|(k, w)| got.field(k).is_some_and(|g| same(g, w)))
        }
        (Value::Null, Value::Null) => true,
        _ => value::equals(got, want) == Some(true) && got.type_name() == want.type_name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_failures_are_told_from_evaluation_errors() {
        let invalid = DmnError::Invalid {
            decision: "d".into(),
            reason: format!("it has {LOAD_ERRORS}"),
        };
        assert!(is_load_failure(&invalid));
        let required = DmnError::Required {
            decision: "top".into(),
            required: "d".into(),
            source: Box::new(invalid),
        };
        assert!(is_load_failure(&required));
        let called = DmnError::Expression {
            decision: "d".into(),
            at: "literal expression".into(),
            message: format!("in knowledge model `k`: knowledge model `k` has {LOAD_ERRORS}"),
        };
        assert!(is_load_failure(&called));
        let evaluated = DmnError::Expression {
            decision: "d".into(),
            at: "literal expression".into(),
            message: "unknown name `x`".into(),
        };
        assert!(!is_load_failure(&evaluated));
    }

    #[test]
    fn typed_values_compare() {
        let n = |x: &str| Value::Number(Number::parse(x).unwrap());
        assert!(same(&n("1.0"), &n("1")));
        assert!(!same(&n("1"), &n("1.000000000000000000000000000000001")));
        assert!(same(
            &n("5.666666666666666666666666666666667"),
            &n("5.66666666666667")
        ));
        assert!(!same(&n("5.6666666666"), &n("5.66666666666667")));
        assert!(same(
            &n("54.59815003314423907811026120286088"),
            &n("54.59815003")
        ));
        assert!(!same(&n("5.6666"), &n("5.66666666666667")));
        assert!(!same(&n("0.333"), &n("0.33")));
        assert!(same(&n("0.367879445"), &n("0.36787944")));
        assert!(!same(&n("0.3678794451"), &n("0.36787944")));
        assert!(!same(&n("1.3"), &n("1.2")));
        let s = TestValue::Simple {
            xsi_type: Some("date".into()),
            text: "2024-01-01".into(),
        };
        assert!(matches!(to_value(&s), Value::Date(_)));
        assert!(!same(&Value::string("2024-01-01"), &to_value(&s)));
        assert!(same(&Value::Null, &Value::Null));
        let c = |v: &str| Value::Context(Arc::new(vec![("a".into(), n(v))]));
        assert!(same(&c("1.0"), &c("1")));
        assert!(!same(&c("1"), &c("2")));
    }
}
