//! FEEL built-in functions: conversions (`date`, `time`, `date and time`,
//! `duration`, `string`, `number`), strings, numbers and lists. A call with
//! arguments of the wrong type gives null, as FEEL specifies.

use std::cmp::Ordering;
use std::sync::Arc;

use jiff::civil::{Date, Time};

use super::error::EvalError;
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
    "number",
    "string length",
    "substring",
    "substring before",
    "substring after",
    "upper case",
    "lower case",
    "contains",
    "starts with",
    "ends with",
    "abs",
    "floor",
    "ceiling",
    "decimal",
    "modulo",
    "sqrt",
    "odd",
    "even",
    "count",
    "sum",
    "min",
    "max",
    "mean",
    "product",
    "all",
    "any",
    "list contains",
    "append",
    "concatenate",
    "reverse",
    "distinct values",
    "flatten",
    "is defined",
    "is",
];

/// Whether `name` is a built-in function.
pub(crate) fn exists(name: &str) -> bool {
    NAMES.contains(&name)
}

fn num(v: &Value) -> Option<f64> {
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
    let n = num(v)?;
    // Checked: only whole numbers in i64 range are converted.
    (n.fract() == 0.0 && n.abs() < 9.2e18).then_some(n as i64)
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

fn number(n: f64) -> Value {
    if n.is_finite() {
        Value::Number(n)
    } else {
        Value::Null
    }
}

fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(v))
}

/// Calls built-in `name`.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value, EvalError> {
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
            let whole = s.trunc();
            let nanos = ((s - whole) * 1e9).round() as i32;
            match (i8::try_from(h), i8::try_from(m)) {
                (Ok(h), Ok(m)) => Time::new(h, m, whole as i8, nanos)
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
        ("number", 1 | 3) => match a0 {
            Value::String(s) => {
                let mut t = s.trim().to_string();
                if let Some(Value::String(g)) = args.get(1) {
                    t = t.replace(&**g, "");
                }
                if let Some(Value::String(d)) = args.get(2) {
                    t = t.replace(&**d, ".");
                }
                t.parse::<f64>().ok().map_or(Value::Null, number)
            }
            Value::Number(n) => Value::Number(*n),
            _ => Value::Null,
        },
        ("string length", 1) => {
            text(a0).map_or(Value::Null, |s| Value::Number(s.chars().count() as f64))
        }
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
        ("abs", 1) => match a0 {
            Value::Number(n) => Value::Number(n.abs()),
            Value::DayTime(d) => Value::DayTime(d.abs()),
            Value::YearMonth(m) => Value::YearMonth(m.abs()),
            _ => Value::Null,
        },
        ("floor", 1) => num(a0).map_or(Value::Null, |n| Value::Number(n.floor())),
        ("ceiling", 1) => num(a0).map_or(Value::Null, |n| Value::Number(n.ceil())),
        ("decimal", 2) => match (num(a0), int(a1)) {
            (Some(n), Some(scale)) if (-30..=30).contains(&scale) => {
                number(round_half_even(n, scale as i32))
            }
            _ => Value::Null,
        },
        ("modulo", 2) => match (num(a0), num(a1)) {
            (Some(_), Some(0.0)) => Value::Null,
            (Some(n), Some(d)) => number(n - d * (n / d).floor()),
            _ => Value::Null,
        },
        ("sqrt", 1) => match num(a0) {
            Some(n) if n >= 0.0 => number(n.sqrt()),
            _ => Value::Null,
        },
        ("odd", 1) => bool_of(int(a0).map(|n| n % 2 != 0)),
        ("even", 1) => bool_of(int(a0).map(|n| n % 2 == 0)),
        ("count", 1) => match a0 {
            Value::List(l) => Value::Number(l.len() as f64),
            _ => Value::Null,
        },
        ("sum" | "product" | "mean", n) if n >= 1 => {
            let xs = items(args);
            let nums: Option<Vec<f64>> = xs.iter().map(num).collect();
            match nums {
                Some(v) if !v.is_empty() => number(match name {
                    "sum" => v.iter().sum(),
                    "product" => v.iter().product(),
                    _ => v.iter().sum::<f64>() / v.len() as f64,
                }),
                _ => Value::Null,
            }
        }
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
        ("is", 2) => Value::Bool(is_same(a0, a1)),
        _ => {
            return Err(EvalError::new(format!(
                "function `{name}` does not take {} argument(s)",
                args.len()
            )));
        }
    })
}

/// `is(a, b)`: the same type and value; unlike `=`, times and dates with
/// times must also have the same offset (`23:00Z` is not `00:00+01:00`).
fn is_same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Time(x), Value::Time(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x == y,
        _ => a.type_name() == b.type_name() && value::equals(a, b) == Some(true),
    }
}

fn date_of(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn round_half_even(n: f64, scale: i32) -> f64 {
    let f = 10f64.powi(scale);
    let x = n * f;
    let r = x.round();
    let r = if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    };
    r / f
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
            Value::Number(5.0)
        );
        assert_eq!(
            call("substring", &[s("foobar"), Value::Number(3.0)]).unwrap(),
            s("obar")
        );
        assert_eq!(
            call(
                "substring",
                &[s("foobar"), Value::Number(-2.0), Value::Number(1.0)]
            )
            .unwrap(),
            s("a")
        );
        assert_eq!(call("upper case", &[s("a")]).unwrap(), s("A"));
        assert_eq!(
            call("decimal", &[Value::Number(2.5), Value::Number(0.0)]).unwrap(),
            Value::Number(2.0)
        );
        assert!(call("not", &[]).is_err());
        let t = |x: &str| Value::Time(temporal::parse_time(x).unwrap());
        assert_eq!(
            call("is", &[t("23:00:50Z"), t("23:00:50+00:00")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("is", &[t("20:00:50+00:00"), t("21:00:50+01:00")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("is", &[Value::Number(1.0), s("1")]).unwrap(),
            Value::Bool(false)
        );
    }

    #[test]
    fn lists() {
        let l = Value::List(Arc::new(vec![Value::Number(3.0), Value::Number(1.0)]));
        assert_eq!(
            call("sum", std::slice::from_ref(&l)).unwrap(),
            Value::Number(4.0)
        );
        assert_eq!(
            call("min", std::slice::from_ref(&l)).unwrap(),
            Value::Number(1.0)
        );
        assert_eq!(
            call("max", &[Value::Number(1.0), Value::Number(7.0)]).unwrap(),
            Value::Number(7.0)
        );
        assert_eq!(
            call("count", std::slice::from_ref(&l)).unwrap(),
            Value::Number(2.0)
        );
        assert_eq!(
            call("list contains", &[l, Value::Number(3.0)]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("sum", &[Value::List(Arc::new(vec![]))]).unwrap(),
            Value::Null
        );
    }
}
