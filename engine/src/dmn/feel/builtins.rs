//! FEEL built-in functions: conversions (`date`, `time`, `date and time`,
//! `duration`, `string`, `number`), strings, numbers and lists. A call with
//! arguments of the wrong type gives null, as FEEL specifies.

use std::cmp::Ordering;
use std::sync::Arc;

use jiff::civil::{Date, Time};

use super::error::EvalError;
use super::numeric;
use crate::dmn::number::{Number, RoundMode};
use crate::dmn::temporal::{self, FeelDateTime, FeelTime};
use crate::dmn::value::{self, Value, duration_value};

const NAMES: &[&str] = &[
    "not",
    "date",
    "time",
    "date and time",
    "duration",
    "years and months duration",
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
    NAMES.contains(&name) || numeric::NAMES.contains(&name)
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
    let a0 = args.first().unwrap_or(&Value::Null);
    let a1 = args.get(1).unwrap_or(&Value::Null);
    Ok(match (name, args.len()) {
        ("not", 1) => match a0 {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
        ("date", 1) => match a0 {
            Value::String(s) => temporal::parse_date(s).map_or(Value::Null, Value::Date),
            Value::DateTime(t) => Value::Date(t.dt.date()),
            Value::Date(d) => Value::Date(*d),
            _ => Value::Null,
        },
        ("date", 3) => match (int(a0), int(a1), args.get(2).and_then(int)) {
            (Some(y), Some(m), Some(d)) => date_of(y, m, d).map_or(Value::Null, Value::Date),
            _ => Value::Null,
        },
        ("time", 1) => match a0 {
            Value::String(s) => temporal::parse_time(s).map_or(Value::Null, Value::Time),
            Value::DateTime(t) => Value::Time(FeelTime {
                time: t.dt.time(),
                offset: t.offset,
            }),
            Value::Time(t) => Value::Time(*t),
            _ => Value::Null,
        },
        ("time", 3 | 4) => {
            let (Some(h), Some(m), Some(s)) = (int(a0), int(a1), args.get(2).and_then(num)) else {
                return Ok(Value::Null);
            };
            let offset = match args.get(3) {
                None | Some(Value::Null) => None,
                Some(Value::DayTime(d)) => i32::try_from(d.as_secs())
                    .ok()
                    .and_then(|s| jiff::tz::Offset::from_seconds(s).ok()),
                Some(_) => return Ok(Value::Null),
            };
            let whole = s.round(0, RoundMode::Down).and_then(Number::to_i64);
            let nanos = s
                .sub(s.round(0, RoundMode::Down).unwrap_or(Number::ZERO))
                .and_then(|f| f.mul(Number::from_i64(1_000_000_000)))
                .and_then(|f| f.round(0, RoundMode::HalfEven))
                .and_then(Number::to_i64)
                .and_then(|n| i32::try_from(n).ok());
            match (
                i8::try_from(h),
                i8::try_from(m),
                whole.map(i8::try_from),
                nanos,
            ) {
                (Ok(h), Ok(m), Some(Ok(whole)), Some(nanos)) => Time::new(h, m, whole, nanos)
                    .map_or(Value::Null, |time| Value::Time(FeelTime { time, offset })),
                _ => Value::Null,
            }
        }
        ("date and time", 1) => match a0 {
            Value::String(s) => temporal::parse_date_time(s).map_or(Value::Null, Value::DateTime),
            Value::DateTime(t) => Value::DateTime(*t),
            _ => Value::Null,
        },
        ("date and time", 2) => match (a0, a1) {
            (Value::Date(d), Value::Time(t)) => Value::DateTime(FeelDateTime {
                dt: d.to_datetime(t.time),
                offset: t.offset,
            }),
            (Value::DateTime(d), Value::Time(t)) => Value::DateTime(FeelDateTime {
                dt: d.dt.date().to_datetime(t.time),
                offset: t.offset,
            }),
            _ => Value::Null,
        },
        ("duration", 1) => match a0 {
            Value::String(s) => temporal::parse_duration(s).map_or(Value::Null, duration_value),
            _ => Value::Null,
        },
        ("years and months duration", 2) => {
            let date = |v: &Value| match v {
                Value::Date(d) => Some(*d),
                Value::DateTime(t) => Some(t.dt.date()),
                _ => None,
            };
            match (date(a0), date(a1)) {
                (Some(a), Some(b)) => {
                    let mut months = (i64::from(b.year()) - i64::from(a.year())) * 12
                        + i64::from(b.month())
                        - i64::from(a.month());
                    if months > 0 && b.day() < a.day() {
                        months -= 1;
                    } else if months < 0 && b.day() > a.day() {
                        months += 1;
                    }
                    Value::YearMonth(months)
                }
                _ => Value::Null,
            }
        }
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

fn date_of(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
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
