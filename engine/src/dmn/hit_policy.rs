//! Hit policies: how the matching rules of a table make its value.
//!
//! Unlike SpiffWorkflow, UNIQUE fails when several rules match, ANY fails
//! when they disagree, PRIORITY and OUTPUT ORDER rank by the outputs'
//! `outputValues` lists, and COLLECT applies its aggregation. With no
//! matching rule the value is the outputs' defaults when the table defines
//! any, else null (COUNT gives 0).

use std::cmp::Ordering;
use std::sync::Arc;

use super::compiled::CTable;
use super::env::Env;
use super::error::{DmnError, RuleRef};
use super::number::Number;
use super::value::{self, Value};
use crate::model::dmn::{Aggregation, HitPolicy};

/// Applies the table's hit policy to the matching rules (0-based indices,
/// in rule order).
pub(crate) fn apply(t: &CTable, matched: &[usize], env: &Env<'_>) -> Result<Value, DmnError> {
    if matched.is_empty() {
        if t.aggregation == Some(Aggregation::Count) {
            return Ok(Value::Number(Number::ZERO));
        }
        return defaults(t, env);
    }
    let rule_refs = |rs: &[usize]| -> Vec<RuleRef> {
        rs.iter()
            .map(|&i| RuleRef {
                number: i + 1,
                id: t.rules[i].id.clone(),
            })
            .collect()
    };
    match t.hit_policy {
        HitPolicy::Unique if matched.len() > 1 => Err(DmnError::UniqueViolation {
            decision: env.decision.to_string(),
            rules: rule_refs(matched),
        }),
        HitPolicy::Unique | HitPolicy::First => row(t, matched[0], env),
        HitPolicy::Any => {
            let first = row(t, matched[0], env)?;
            for &i in &matched[1..] {
                if value::equals(&first, &row(t, i, env)?) != Some(true) {
                    return Err(DmnError::AnyConflict {
                        decision: env.decision.to_string(),
                        rules: rule_refs(matched),
                    });
                }
            }
            Ok(first)
        }
        HitPolicy::Priority => {
            let mut ranked = ranked(t, matched, env)?;
            ranked.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(ranked.swap_remove(0).1)
        }
        HitPolicy::OutputOrder => {
            let mut ranked = ranked(t, matched, env)?;
            // A stable sort keeps rule order among equal priorities.
            ranked.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(list(ranked.into_iter().map(|(_, v)| v).collect()))
        }
        HitPolicy::RuleOrder | HitPolicy::Collect => {
            let rows: Vec<Value> = matched
                .iter()
                .map(|&i| row(t, i, env))
                .collect::<Result<_, _>>()?;
            match t.aggregation {
                None => Ok(list(rows)),
                Some(a) => aggregate(a, rows, matched, env),
            }
        }
    }
}

fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(v))
}

/// One value for a single-output table, else a context by output name.
fn shape(t: &CTable, mut values: Vec<Value>) -> Value {
    if t.outputs.len() == 1 {
        return values.pop().unwrap_or(Value::Null);
    }
    Value::Context(Arc::new(
        t.outputs
            .iter()
            .map(|o| o.name.clone())
            .zip(values)
            .collect(),
    ))
}

/// The outputs of rule `i`.
fn row(t: &CTable, i: usize, env: &Env<'_>) -> Result<Value, DmnError> {
    let values = t.rules[i]
        .outputs
        .iter()
        .map(|c| env.value(c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(shape(t, values))
}

fn defaults(t: &CTable, env: &Env<'_>) -> Result<Value, DmnError> {
    if t.outputs.iter().all(|o| o.default.is_none()) {
        return Ok(Value::Null);
    }
    let values = t
        .outputs
        .iter()
        .map(|o| o.default.as_ref().map_or(Ok(Value::Null), |d| env.value(d)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(shape(t, values))
}

/// Each matching rule's outputs with its priority key: for each output
/// with an `outputValues` list, the position of the rule's value in it
/// (values not in the list rank last).
fn ranked(
    t: &CTable,
    matched: &[usize],
    env: &Env<'_>,
) -> Result<Vec<(Vec<usize>, Value)>, DmnError> {
    matched
        .iter()
        .map(|&i| {
            let rule = &t.rules[i];
            let mut key = Vec::new();
            for (o, c) in t.outputs.iter().zip(&rule.outputs) {
                if let Some(p) = &o.priority {
                    let v = env.value(c)?;
                    key.push(env.position(p, &v).unwrap_or(usize::MAX));
                }
            }
            Ok((key, row(t, i, env)?))
        })
        .collect()
}

fn aggregate(
    a: Aggregation,
    rows: Vec<Value>,
    matched: &[usize],
    env: &Env<'_>,
) -> Result<Value, DmnError> {
    let fail = |message: String| DmnError::Aggregation {
        decision: env.decision.to_string(),
        message,
    };
    match a {
        Aggregation::Count => Ok(Value::Number(Number::from_i64(
            i64::try_from(rows.len()).unwrap_or(i64::MAX),
        ))),
        Aggregation::Sum => {
            let mut total = Number::ZERO;
            for (v, &i) in rows.iter().zip(matched) {
                match v {
                    Value::Number(n) => {
                        total = total.add(*n).ok_or_else(|| {
                            fail("COLLECT SUM overflows the decimal range".to_string())
                        })?;
                    }
                    Value::Null => {}
                    other => {
                        return Err(fail(format!(
                            "COLLECT SUM adds numbers, but rule {} gives {} ({})",
                            i + 1,
                            other,
                            other.type_name()
                        )));
                    }
                }
            }
            Ok(Value::Number(total))
        }
        Aggregation::Min | Aggregation::Max => {
            let want = if a == Aggregation::Min {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            let mut best: Option<&Value> = None;
            for (v, &i) in rows.iter().zip(matched) {
                if matches!(v, Value::Null) {
                    continue;
                }
                match best {
                    None => best = Some(v),
                    Some(b) => match value::compare(v, b) {
                        Some(o) if o == want => best = Some(v),
                        Some(_) => {}
                        None => {
                            return Err(fail(format!(
                                "COLLECT {a} compares values, but rule {} gives {} ({}), which cannot be compared with {}",
                                i + 1,
                                v,
                                v.type_name(),
                                b
                            )));
                        }
                    },
                }
            }
            Ok(best.cloned().unwrap_or(Value::Null))
        }
    }
}
