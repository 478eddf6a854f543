//! FEEL built-in functions: `string`, strings and lists here; numbers in
//! [`numeric`](super::numeric), dates, times and durations in
//! [`temporal_fns`](super::temporal_fns). A call with arguments of the
//! wrong type gives null, as FEEL specifies.

use std::cmp::Ordering;
use std::sync::Arc;

use super::error::EvalError;
use super::{numeric, temporal_fns};
use crate::dmn::number::Number;
use crate::dmn::value::{self, Value};

const NAMES: &[&str] = &[
    "not",
    "string",
    "string length",
    "substring",
    "substring before",
    "substring after",
    "upper case",
    "lower case",
    "contains",
    "starts with",
    "ends with",
    "count",
    "min",
    "max",
    "all",
    "any",
    "list contains",
    "append",
    "concatenate",
    "reverse",
    "distinct values",
    "flatten",
    "is defined",
];

/// Whether `name` is a built-in function.
pub(crate) fn exists(name: &str) -> bool {
    NAMES.contains(&name) || numeric::NAMES.contains(&name) || temporal_fns::NAMES.contains(&name)
}

fn num(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    num(v)?.to_i64()
}

/// A count or position as a FEEL number.
fn count(n: usize) -> Value {
    Value::Number(Number::from_i64(i64::try_from(n).unwrap_or(i64::MAX)))
}

/// The items of a list argument, or of the arguments themselves
/// (`sum([1,2])` and `sum(1,2)` are the same).
fn items(args: &[Value]) -> Vec<Value> {
    match args {
        [Value::List(l)] => l.to_vec(),
        _ => args.to_vec(),
    }
}

fn bool_of(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(v))
}

/// Calls built-in `name`.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value, EvalError> {
    if let Some(v) = numeric::call(name, args) {
        return Ok(v);
    }
    if let Some(v) = temporal_fns::call(name, args) {
        return Ok(v);
    }
    let a0 = args.first().unwrap_or(&Value::Null);
    let a1 = args.get(1).unwrap_or(&Value::Null);
    Ok(match (name, args.len()) {
        ("not", 1) => match a0 {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
        ("string", 1) => match a0 {
            Value::Null => Value::Null,
            Value::String(s) => Value::String(s.clone()),
            other => Value::string(other.to_string()),
        },
        ("string length", 1) => text(a0).map_or(Value::Null, |s| count(s.chars().count())),
        ("substring", 2 | 3) => match (text(a0), int(a1)) {
            (Some(s), Some(start)) => {
                let chars: Vec<char> = s.chars().collect();
                let n = chars.len() as i64;
                let from = if start > 0 { start - 1 } else { n + start };
                let len = match args.get(2) {
                    Some(l) => match int(l) {
                        Some(l) if l >= 0 => l,
                        _ => return Ok(Value::Null),
                    },
                    None => n,
                };
                if from < 0 || from > n {
                    Value::Null
                } else {
                    let to = (from + len).min(n);
                    Value::string(chars[from as usize..to as usize].iter().collect::<String>())
                }
            }
            _ => Value::Null,
        },
        ("substring before", 2) => match (text(a0), text(a1)) {
            (Some(s), Some(m)) => Value::string(s.find(m).map_or("", |i| &s[..i])),
            _ => Value::Null,
        },
        ("substring after", 2) => match (text(a0), text(a1)) {
            (Some(s), Some(m)) => Value::string(s.find(m).map_or("", |i| &s[i + m.len()..])),
            _ => Value::Null,
        },
        ("upper case", 1) => text(a0).map_or(Value::Null, |s| Value::string(s.to_uppercase())),
        ("lower case", 1) => text(a0).map_or(Value::Null, |s| Value::string(s.to_lowercase())),
        ("contains", 2) => bool_of(text(a0).zip(text(a1)).map(|(s, m)| s.contains(m))),
        ("starts with", 2) => bool_of(text(a0).zip(text(a1)).map(|(s, m)| s.starts_with(m))),
        ("ends with", 2) => bool_of(text(a0).zip(text(a1)).map(|(s, m)| s.ends_with(m))),
        ("count", 1) => match a0 {
            Value::List(l) => count(l.len()),
            _ => Value::Null,
        },
        ("min" | "max", n) if n >= 1 => {
            let xs = items(args);
            let want = if name == "min" {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            extreme(&xs, want).unwrap_or(Value::Null)
        }
        ("all" | "any", n) if n >= 1 => {
            let xs = items(args);
            let mut saw_null = false;
            for x in &xs {
                match (name, x) {
                    ("all", Value::Bool(false)) => return Ok(Value::Bool(false)),
                    ("any", Value::Bool(true)) => return Ok(Value::Bool(true)),
                    (_, Value::Bool(_)) => {}
                    _ => saw_null = true,
                }
            }
            if saw_null {
                Value::Null
            } else {
                Value::Bool(name == "all")
            }
        }
        ("list contains", 2) => match a0 {
            Value::List(l) => Value::Bool(l.iter().any(|x| value::equals(x, a1) == Some(true))),
            _ => Value::Null,
        },
        ("append", n) if n >= 1 => match a0 {
            Value::List(l) => {
                let mut v = l.to_vec();
                v.extend_from_slice(&args[1..]);
                list(v)
            }
            _ => Value::Null,
        },
        ("concatenate", _) => {
            let mut v = Vec::new();
            for a in args {
                match a {
                    Value::List(l) => v.extend(l.iter().cloned()),
                    _ => return Ok(Value::Null),
                }
            }
            list(v)
        }
        ("reverse", 1) => match a0 {
            Value::List(l) => list(l.iter().rev().cloned().collect()),
            _ => Value::Null,
        },
        ("distinct values", 1) => match a0 {
            Value::List(l) => {
                let mut v: Vec<Value> = Vec::new();
                for x in l.iter() {
                    if !v.iter().any(|y| value::equals(x, y) == Some(true)) {
                        v.push(x.clone());
                    }
                }
                list(v)
            }
            _ => Value::Null,
        },
        ("flatten", 1) => match a0 {
            Value::List(_) => {
                let mut v = Vec::new();
                flatten_into(a0, &mut v);
                list(v)
            }
            _ => Value::Null,
        },
        ("is defined", 1) => Value::Bool(!matches!(a0, Value::Null)),
        _ => {
            return Err(EvalError::new(format!(
                "function `{name}` does not take {} argument(s)",
                args.len()
            )));
        }
    })
}

fn extreme(xs: &[Value], want: Ordering) -> Option<Value> {
    let mut best = xs.first()?.clone();
    for x in &xs[1..] {
        if value::compare(x, &best)? == want {
            best = x.clone();
        }
    }
    if matches!(best, Value::Null) {
        return None;
    }
    Some(best)
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(l) => l.iter().for_each(|x| flatten_into(x, out)),
        other => out.push(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    #[test]
    fn conversions_and_strings() {
        assert_eq!(
            call("date", &[s("2024-01-31")]).unwrap().to_string(),
            "2024-01-31"
        );
        assert_eq!(call("date", &[s("nope")]).unwrap(), Value::Null);
        assert_eq!(call("duration", &[s("P1Y")]).unwrap(), Value::YearMonth(12));
        assert_eq!(
            call("string length", &[s("héllo")]).unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(5.0).unwrap())
        );
        assert_eq!(
            call(
                "substring",
                &[
                    s("foobar"),
                    Value::Number(crate::dmn::number::Number::from_f64(3.0).unwrap())
                ]
            )
            .unwrap(),
            s("obar")
        );
        assert_eq!(
            call(
                "substring",
                &[
                    s("foobar"),
                    Value::Number(crate::dmn::number::Number::from_f64(-2.0).unwrap()),
                    Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap())
                ]
            )
            .unwrap(),
            s("a")
        );
        assert_eq!(call("upper case", &[s("a")]).unwrap(), s("A"));
        assert_eq!(
            call(
                "decimal",
                &[
                    Value::Number(crate::dmn::number::Number::from_f64(2.5).unwrap()),
                    Value::Number(crate::dmn::number::Number::from_f64(0.0).unwrap())
                ]
            )
            .unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(2.0).unwrap())
        );
        assert!(call("not", &[]).is_err());
    }

    #[test]
    fn lists() {
        let l = Value::List(Arc::new(vec![
            Value::Number(crate::dmn::number::Number::from_f64(3.0).unwrap()),
            Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap()),
        ]));
        assert_eq!(
            call("sum", std::slice::from_ref(&l)).unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(4.0).unwrap())
        );
        assert_eq!(
            call("min", std::slice::from_ref(&l)).unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap())
        );
        assert_eq!(
            call(
                "max",
                &[
                    Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap()),
                    Value::Number(crate::dmn::number::Number::from_f64(7.0).unwrap())
                ]
            )
            .unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(7.0).unwrap())
        );
        assert_eq!(
            call("count", std::slice::from_ref(&l)).unwrap(),
            Value::Number(crate::dmn::number::Number::from_f64(2.0).unwrap())
        );
        assert_eq!(
            call(
                "list contains",
                &[
                    l,
                    Value::Number(crate::dmn::number::Number::from_f64(3.0).unwrap())
                ]
            )
            .unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("sum", &[Value::List(Arc::new(vec![]))]).unwrap(),
            Value::Null
        );
    }
}
