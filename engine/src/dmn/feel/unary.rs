//! Matching a value against unary tests (the input entries of a decision
//! table, and `inputValues` / `outputValues` lists).
//!
//! A test holds expressions and an expression can hold tests (`x in (…)`),
//! so the expression evaluator is passed in (`eval`, [`super::eval`]'s
//! `eval_cow` in practice) rather than imported: this file stays below the
//! evaluator. It is a generic parameter, not a function pointer, so the hot
//! path of big tables makes direct calls.

use std::borrow::Cow;

use super::ast::{CmpOp, Expr, UnaryTest, UnaryTests};
use super::compare::compare;
use super::error::EvalError;
use super::scope::Scope;
use crate::dmn::value::{self, RangeKind, Value};

/// The expression evaluator tests call for their expressions.
pub(crate) trait Eval:
    Copy + for<'e> Fn(&'e Expr, &Scope<'_>) -> Result<Cow<'e, Value>, EvalError>
{
}

impl<F> Eval for F where
    F: Copy + for<'e> Fn(&'e Expr, &Scope<'_>) -> Result<Cow<'e, Value>, EvalError>
{
}

/// Whether `v` satisfies `tests`.
pub(crate) fn matches(
    tests: &UnaryTests,
    v: &Value,
    s: &Scope<'_>,
    eval_cow: impl Eval,
) -> Result<bool, EvalError> {
    match tests {
        UnaryTests::Any => Ok(true),
        UnaryTests::Tests { negated, tests } => {
            let mut any = false;
            for t in tests {
                if test(t, v, s, eval_cow)? {
                    any = true;
                    break;
                }
            }
            Ok(any != *negated)
        }
    }
}

/// The index of the first test `v` satisfies (the priority of an output
/// value in an `outputValues` list).
pub(crate) fn position(
    tests: &UnaryTests,
    v: &Value,
    s: &Scope<'_>,
    eval_cow: impl Eval,
) -> Result<Option<usize>, EvalError> {
    match tests {
        UnaryTests::Any => Ok(Some(0)),
        UnaryTests::Tests { tests, .. } => {
            for (i, t) in tests.iter().enumerate() {
                if test(t, v, s, eval_cow)? {
                    return Ok(Some(i));
                }
            }
            Ok(None)
        }
    }
}

fn test(t: &UnaryTest, v: &Value, s: &Scope<'_>, eval_cow: impl Eval) -> Result<bool, EvalError> {
    Ok(match t {
        UnaryTest::Cmp(op, e) => {
            let end = eval_cow(e, s)?;
            match op {
                CmpOp::Eq => value::equals(v, &end) == Some(true),
                CmpOp::Ne => value::equals(v, &end) == Some(false),
                _ => compare(*op, v, &end) == Value::Bool(true),
            }
        }
        UnaryTest::Interval(r) if r.kind != RangeKind::Interval => {
            let Some(e) = &r.low else { return Ok(false) };
            let is = value::equals(v, eval_cow(e, s)?.as_ref());
            is == Some(r.kind == RangeKind::Equal)
        }
        UnaryTest::Interval(r) => {
            // Borrow constant ends instead of building a Range: this is the
            // hot path of big tables.
            let low = r.low.as_ref().map(|e| eval_cow(e, s)).transpose()?;
            let high = r.high.as_ref().map(|e| eval_cow(e, s)).transpose()?;
            value::in_interval(
                v,
                low.as_deref(),
                r.low_closed,
                high.as_deref(),
                r.high_closed,
            ) == Some(true)
        }
        UnaryTest::Expr { expr, uses_input } => {
            let inner = s.with_input(v);
            let got = eval_cow(expr, &inner)?;
            // An expression about `?` is a condition: only true matches
            // (a null from `null > 5` must not equal a null input).
            if *uses_input {
                return Ok(matches!(got.as_ref(), Value::Bool(true)));
            }
            match got.as_ref() {
                // A list holds the value, or a range of the list does; a
                // list value may also equal the whole list.
                Value::List(items) => {
                    (matches!(v, Value::List(_)) && value::equals(v, &got) == Some(true))
                        || items.iter().any(|x| match x {
                            Value::Range(r) => r.contains(v) == Some(true),
                            x => value::equals(v, x) == Some(true),
                        })
                }
                Value::Range(r) => r.contains(v) == Some(true),
                other => value::equals(v, other) == Some(true),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_unary_tests;
    use super::*;
    use serde_json::json;

    fn m(tests: &str, v: serde_json::Value) -> bool {
        let t = parse_unary_tests(tests, &Default::default()).unwrap();
        let data = crate::model::Data::from(
            json!({"limit": 10, "names": ["a", "b"]})
                .as_object()
                .unwrap()
                .clone(),
        );
        super::super::matches(&t, &Value::from_json(&v), &Scope::new(&data, &[])).unwrap()
    }

    #[test]
    fn s_feel_forms() {
        assert!(m("-", json!(1)));
        assert!(m(">= 18", json!(18)));
        assert!(!m("< 18", json!(18)));
        assert!(m("[1..10]", json!(10)));
        assert!(!m("[1..10)", json!(10)));
        assert!(!m("]1..10]", json!(1)));
        assert!(m("(1..10]", json!(2)));
        assert!(m("\"Medium\",\"Low\"", json!("Low")));
        assert!(!m("not(\"Medium\",\"Low\")", json!("Low")));
        assert!(m("not(\"Medium\")", json!("High")));
        assert!(m("true", json!(true)));
        assert!(!m("false", json!(true)));
        assert!(m("null", json!(null)));
        assert!(!m("> 5", json!(null)));
        assert!(m("< limit", json!(9)));
        assert!(m("[limit..20]", json!(10)));
        assert!(m("names", json!("b")));
        assert!(m("? > 5 and ? < 9", json!(7)));
        assert!(!m("? > 5 and ? < 9", json!(null)));
        assert!(m("date(\"2024-01-01\")", json!("2024-01-01")));
        assert!(m("> date(\"2016-10-01\")", json!("2016-10-02")));
        assert!(m("[duration(\"P1D\")..duration(\"P3D\")]", json!("P2D")));
        assert!(!m("\"5\"", json!(5)));
        let empty = crate::model::Data::new();
        let t = parse_unary_tests("\"a\", \"b\", \"c\"", &Default::default()).unwrap();
        assert_eq!(
            super::super::position(&t, &Value::string("c"), &Scope::new(&empty, &[])).unwrap(),
            Some(2)
        );
    }
}
