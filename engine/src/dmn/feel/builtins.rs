//! FEEL built-in functions: `not`, `string`, `is defined` here; numbers
//! in [`numeric`](super::numeric), dates, times and durations in
//! [`temporal_fns`](super::temporal_fns), strings, lists, contexts and
//! ranges each in a file of their own, which [`call`] asks first. A call
//! with arguments of the wrong type gives null, as FEEL specifies.

mod contexts;
mod lists;
mod ranges;
mod strings;
mod xpath_regex;

pub(crate) use ranges::property as range_property;

use super::error::EvalError;
use super::{numeric, temporal_fns};
use crate::dmn::value::Value;

const NAMES: &[&str] = &["not", "string", "is defined", "is"];

/// Whether `name` is a built-in function.
pub(crate) fn exists(name: &str) -> bool {
    [
        NAMES,
        strings::NAMES,
        lists::NAMES,
        contexts::NAMES,
        ranges::NAMES,
        numeric::NAMES,
        temporal_fns::NAMES,
    ]
    .iter()
    .any(|names| names.contains(&name))
}

/// Calls a function value with arguments, for the built-ins that take one
/// (`sort`'s `precedes`, `list replace`'s `match`); `None` when the value
/// is not a function or the call fails.
pub(crate) type Apply<'a> = &'a dyn Fn(&Value, &[Value]) -> Option<Value>;

/// Whether no parameter of built-in `name` is a list or of any type: a
/// singleton list passed to it stands for its one item (DMN 1.5 10.3.2.9.4,
/// "from singleton list"), so `upper case(people[name = "Bob"].name)` is
/// "BOB". The list, context and aggregate functions, and `string`, `is
/// defined` and `is` (any value) take their arguments as given.
fn takes_no_list(name: &str) -> bool {
    const AGGREGATES: &[&str] = &[
        "sum",
        "product",
        "mean",
        "median",
        "mode",
        "stddev",
        "string join",
    ];
    if AGGREGATES.contains(&name) {
        return false;
    }
    name == "not"
        || strings::NAMES.contains(&name)
        || numeric::NAMES.contains(&name)
        || temporal_fns::NAMES.contains(&name)
        || ranges::NAMES.contains(&name)
}

fn is_singleton(v: &Value) -> bool {
    matches!(v, Value::List(l) if l.len() == 1)
}

/// The item of a singleton list; any other value as it is.
fn unwrap_singleton(v: &Value) -> Value {
    match v {
        Value::List(l) if l.len() == 1 => l[0].clone(),
        other => other.clone(),
    }
}

/// Calls built-in `name`; `apply` calls the function values some of them
/// take (`list replace`'s `match`).
pub(crate) fn call(name: &str, args: &[Value], apply: Apply<'_>) -> Result<Value, EvalError> {
    let unwrapped;
    let args = if takes_no_list(name) && args.iter().any(is_singleton) {
        unwrapped = args.iter().map(unwrap_singleton).collect::<Vec<_>>();
        &unwrapped[..]
    } else {
        args
    };
    if let Some(v) = numeric::call(name, args) {
        return Ok(v);
    }
    if let Some(v) = temporal_fns::call(name, args) {
        return Ok(v);
    }
    let family = strings::call(name, args)
        .or_else(|| lists::call(name, args, apply))
        .or_else(|| contexts::call(name, args))
        .or_else(|| ranges::call(name, args));
    if let Some(v) = family {
        return Ok(v);
    }
    let a0 = args.first().unwrap_or(&Value::Null);
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
        ("is defined", 1) => Value::Bool(!matches!(a0, Value::Null)),
        ("is", 2) => Value::Bool(is_same(a0, args.get(1).unwrap_or(&Value::Null))),
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
        _ => a.type_name() == b.type_name() && crate::dmn::value::equals(a, b) == Some(true),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Calls built-in `name` with no function values callable.
    fn call(name: &str, args: &[Value]) -> Result<Value, EvalError> {
        super::call(name, args, &|_, _| None)
    }

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn num(x: &str) -> Value {
        Value::Number(crate::dmn::number::Number::parse(x).unwrap())
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
        let t = |x: &str| Value::Time(crate::dmn::temporal::parse_time(x).unwrap());
        assert_eq!(
            call("is", &[t("23:00:50Z"), t("23:00:50+00:00")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("is", &[t("20:00:50+00:00"), t("21:00:50+01:00")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call(
                "is",
                &[
                    Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap()),
                    s("1")
                ]
            )
            .unwrap(),
            Value::Bool(false)
        );
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

    #[test]
    fn a_singleton_list_stands_for_its_item_where_no_list_is_taken() {
        let one = |v: Value| Value::List(Arc::new(vec![v]));
        assert_eq!(call("upper case", &[one(s("bob"))]).unwrap(), s("BOB"));
        assert_eq!(
            call("substring", &[one(s("abc")), one(num("2"))]).unwrap(),
            s("bc")
        );
        assert_eq!(call("abs", &[one(num("-2"))]).unwrap(), num("2"));
        assert_eq!(
            call("not", &[one(Value::Bool(true))]).unwrap(),
            Value::Bool(false)
        );
        // Two items are no singleton: still the wrong type, null.
        let two = Value::List(Arc::new(vec![s("a"), s("b")]));
        assert_eq!(call("upper case", &[two]).unwrap(), Value::Null);
        // Functions that take lists, or any value, see the list itself.
        assert_eq!(call("count", &[one(s("a"))]).unwrap(), num("1"));
        assert_eq!(call("sum", &[one(num("3"))]).unwrap(), num("3"));
        assert_eq!(call("string", &[one(s("a"))]).unwrap(), s(r#"["a"]"#));
        assert_eq!(call("string join", &[one(s("a")), s(",")]).unwrap(), s("a"));
        assert_eq!(
            call("is defined", &[one(Value::Null)]).unwrap(),
            Value::Bool(true)
        );
    }
}
