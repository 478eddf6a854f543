//! FEEL built-in functions: conversions (`date`, `time`, `date and time`,
//! `duration`, `string`, `number`) and numbers here; strings, lists,
//! contexts and ranges each in a file of their own, which [`call`] asks
//! first. A call with arguments of the wrong type gives null, as FEEL
//! specifies.

mod contexts;
mod lists;
mod ranges;
mod strings;
mod xpath_regex;

pub(crate) use ranges::property as range_property;

use jiff::civil::{Date, Time};

use super::error::EvalError;
use super::numeric;
use crate::dmn::number::{Number, RoundMode};
use crate::dmn::temporal::{self, FeelDateTime, FeelTime};
use crate::dmn::value::{Value, duration_value};

const NAMES: &[&str] = &[
    "not",
    "date",
    "time",
    "date and time",
    "duration",
    "years and months duration",
    "string",
    "is defined",
];

/// Whether `name` is a built-in function.
pub(crate) fn exists(name: &str) -> bool {
    [
        NAMES,
        strings::NAMES,
        lists::NAMES,
        contexts::NAMES,
        ranges::NAMES,
        numeric::NAMES,
    ]
    .iter()
    .any(|names| names.contains(&name))
}

/// Calls a function value with arguments, for the built-ins that take one
/// (`sort`'s `precedes`, `list replace`'s `match`); `None` when the value
/// is not a function or the call fails.
pub(crate) type Apply<'a> = &'a dyn Fn(&Value, &[Value]) -> Option<Value>;

/// The [`Apply`] used until FEEL has function values: nothing is callable.
/// The evaluator passes its own once `Value::Function` exists.
fn no_function_values(_: &Value, _: &[Value]) -> Option<Value> {
    None
}

fn num(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    num(v)?.to_i64()
}

/// Calls built-in `name`.
pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value, EvalError> {
    if let Some(v) = numeric::call(name, args) {
        return Ok(v);
    }
    let family = strings::call(name, args)
        .or_else(|| lists::call(name, args, &no_function_values))
        .or_else(|| contexts::call(name, args))
        .or_else(|| ranges::call(name, args));
    if let Some(v) = family {
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

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
