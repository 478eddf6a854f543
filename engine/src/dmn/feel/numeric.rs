//! FEEL's numeric built-in functions (DMN 1.5 §10.3.4.5 and the
//! statistics of §10.3.4.4): rounding in every mode, `modulo`, `sqrt`,
//! `log`, `exp`, `odd`/`even`, `number` from text, and the aggregates
//! `sum`, `product`, `mean`, `median`, `mode`, `stddev` — all in decimal
//! arithmetic. Arguments of the wrong type give null.

use std::sync::Arc;

use crate::dmn::number::{Number, RoundMode};
use crate::dmn::value::Value;

/// The numeric built-ins, for `builtins::exists`.
pub(crate) const NAMES: &[&str] = &[
    "abs",
    "floor",
    "ceiling",
    "decimal",
    "round up",
    "round down",
    "round half up",
    "round half down",
    "modulo",
    "sqrt",
    "log",
    "exp",
    "odd",
    "even",
    "number",
    "sum",
    "product",
    "mean",
    "median",
    "mode",
    "stddev",
];

fn num(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    num(v)?.to_i64()
}

fn number(n: Option<Number>) -> Value {
    n.map_or(Value::Null, Value::Number)
}

/// The numbers of a list argument, or of the arguments themselves
/// (`sum([1,2])` and `sum(1,2)` are the same); `None` if any is not a
/// number.
fn numbers(args: &[Value]) -> Option<Vec<Number>> {
    match args {
        [Value::List(l)] => l.iter().map(num).collect(),
        [Value::Null] => None,
        _ => args.iter().map(num).collect(),
    }
}

/// Rounds `args[0]` to the scale `args[1]` (0 when absent).
fn round(args: &[Value], mode: RoundMode, scale_optional: bool) -> Value {
    let scale = match args.get(1) {
        None if scale_optional => Some(0),
        Some(Value::Null) if scale_optional && args.len() == 1 => Some(0),
        // A fractional scale counts by its whole part, as the positions
        // of `substring` do: `decimal(1/3, 2.5)` is 0.33.
        Some(v) => num(v).and_then(|s| s.round(0, RoundMode::Down)?.to_i64()),
        None => None,
    };
    match (args.first().and_then(num), scale) {
        // DMN 1.5 bounds the scale to what decimal128 can hold.
        (Some(n), Some(s)) if (-6111..=6176).contains(&s) => number(n.round(s, mode)),
        _ => Value::Null,
    }
}

/// Calls numeric built-in `name`; `None` when `name` is not one of them
/// (or not with this many arguments).
pub(crate) fn call(name: &str, args: &[Value]) -> Option<Value> {
    let a0 = args.first().unwrap_or(&Value::Null);
    let a1 = args.get(1).unwrap_or(&Value::Null);
    Some(match (name, args.len()) {
        ("abs", 1) => match a0 {
            Value::Number(n) => Value::Number(n.abs()),
            Value::DayTime(d) => Value::DayTime(d.abs()),
            Value::YearMonth(m) => Value::YearMonth(m.abs()),
            _ => Value::Null,
        },
        ("floor", 1 | 2) => round(args, RoundMode::Floor, true),
        ("ceiling", 1 | 2) => round(args, RoundMode::Ceiling, true),
        ("decimal", 2) => round(args, RoundMode::HalfEven, false),
        ("round up", 2) => round(args, RoundMode::Up, false),
        ("round down", 2) => round(args, RoundMode::Down, false),
        ("round half up", 2) => round(args, RoundMode::HalfUp, false),
        ("round half down", 2) => round(args, RoundMode::HalfDown, false),
        ("modulo", 2) => match (num(a0), num(a1)) {
            (Some(n), Some(d)) => number(n.modulo(d)),
            _ => Value::Null,
        },
        ("sqrt", 1) => number(num(a0).and_then(Number::sqrt)),
        ("log", 1) => number(num(a0).and_then(Number::ln)),
        ("exp", 1) => number(num(a0).and_then(Number::exp)),
        ("odd", 1) => match int(a0) {
            Some(n) => Value::Bool(n % 2 != 0),
            None => Value::Null,
        },
        ("even", 1) => match int(a0) {
            Some(n) => Value::Bool(n % 2 == 0),
            None => Value::Null,
        },
        ("number", 1..=3) => from_text(a0, args.get(1), args.get(2)),
        ("sum", n) if n >= 1 => match numbers(args) {
            Some(v) => sum(&v).map_or(Value::Null, |s| {
                if v.is_empty() {
                    Value::Null
                } else {
                    Value::Number(s)
                }
            }),
            None => Value::Null,
        },
        ("product", n) if n >= 1 => match numbers(args) {
            Some(v) if !v.is_empty() => {
                number(v.iter().try_fold(Number::from_i64(1), |acc, x| acc.mul(*x)))
            }
            _ => Value::Null,
        },
        ("mean", n) if n >= 1 => match numbers(args) {
            Some(v) if !v.is_empty() => number(mean(&v)),
            _ => Value::Null,
        },
        ("median", n) if n >= 1 => match numbers(args) {
            Some(v) if !v.is_empty() => number(median(v)),
            Some(_) => Value::Null,
            None => Value::Null,
        },
        ("mode", n) if n >= 1 => match numbers(args) {
            Some(v) => mode(v),
            None => Value::Null,
        },
        ("stddev", n) if n >= 1 => match numbers(args) {
            Some(v) if v.len() >= 2 => number(stddev(&v)),
            _ => Value::Null,
        },
        _ => return None,
    })
}

fn sum(v: &[Number]) -> Option<Number> {
    v.iter().try_fold(Number::ZERO, |acc, x| acc.add(*x))
}

fn mean(v: &[Number]) -> Option<Number> {
    sum(v)?.div(Number::from_i64(i64::try_from(v.len()).ok()?))
}

fn median(mut v: Vec<Number>) -> Option<Number> {
    v.sort();
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        Some(v[mid])
    } else {
        v[mid - 1].add(v[mid])?.div(Number::from_i64(2))
    }
}

/// The most frequent values, ascending; an empty list for no values.
fn mode(mut v: Vec<Number>) -> Value {
    v.sort();
    let mut best = 0;
    let mut modes: Vec<Value> = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let run = v[i..].iter().take_while(|x| **x == v[i]).count();
        if run > best {
            best = run;
            modes.clear();
        }
        if run == best {
            modes.push(Value::Number(v[i]));
        }
        i += run;
    }
    Value::List(Arc::new(modes))
}

/// The sample standard deviation (n − 1 in the denominator).
fn stddev(v: &[Number]) -> Option<Number> {
    let m = mean(v)?;
    let squares = v.iter().try_fold(Number::ZERO, |acc, x| {
        let d = x.sub(m)?;
        acc.add(d.mul(d)?)
    })?;
    squares
        .div(Number::from_i64(i64::try_from(v.len() - 1).ok()?))?
        .sqrt()
}

/// `number(from, grouping separator, decimal separator)`: the grouping
/// separator is a space, comma or period (or null), the decimal separator
/// a comma or period (or null), and they must differ.
fn from_text(from: &Value, grouping: Option<&Value>, decimal: Option<&Value>) -> Value {
    let Value::String(s) = from else {
        return Value::Null;
    };
    let sep = |v: Option<&Value>, allowed: &[&str]| -> Result<Option<String>, ()> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(g)) if allowed.contains(&&**g) => Ok(Some(g.to_string())),
            Some(_) => Err(()),
        }
    };
    let (Ok(g), Ok(d)) = (sep(grouping, &[" ", ",", "."]), sep(decimal, &[",", "."])) else {
        return Value::Null;
    };
    if g.is_some() && g == d {
        return Value::Null;
    }
    let mut t = s.trim().to_string();
    if let Some(g) = g {
        t = t.replace(&g, "");
    }
    if let Some(d) = d {
        t = t.replace(&d, ".");
    }
    number(Number::parse(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Value {
        Value::Number(Number::parse(s).unwrap())
    }

    fn list(v: Vec<Value>) -> Value {
        Value::List(Arc::new(v))
    }

    fn c(name: &str, args: &[Value]) -> Value {
        call(name, args).unwrap()
    }

    #[test]
    fn rounding_functions() {
        assert_eq!(c("decimal", &[n("0.545"), n("2")]), n("0.54"));
        assert_eq!(c("round half up", &[n("-5.5"), n("0")]), n("-6"));
        assert_eq!(c("round half down", &[n("5.5"), n("0")]), n("5"));
        assert_eq!(c("round up", &[n("-5.12"), n("1")]), n("-5.2"));
        assert_eq!(c("round down", &[n("5.19"), n("1")]), n("5.1"));
        assert_eq!(c("floor", &[n("-1.5")]), n("-2"));
        assert_eq!(c("ceiling", &[n("1.21"), n("1")]), n("1.3"));
        assert_eq!(c("floor", &[n("1.5"), Value::Null]), Value::Null);
        assert_eq!(c("decimal", &[n("0.125"), n("1.9")]), n("0.1"));
        assert_eq!(c("round up", &[n("0.125"), n("2.5")]), n("0.13"));
        assert_eq!(c("round down", &[n("-5.5"), n("-0.5")]), n("-5"));
        assert_eq!(c("decimal", &[n("1"), Value::string("1")]), Value::Null);
    }

    #[test]
    fn statistics() {
        let l = list(vec![n("2"), n("4"), n("7"), n("5")]);
        assert_eq!(c("median", std::slice::from_ref(&l)), n("4.5"));
        assert_eq!(c("mean", std::slice::from_ref(&l)), n("4.5"));
        assert_eq!(c("sum", &[n("0.1"), n("0.2")]), n("0.3"));
        assert_eq!(
            c("mode", &[n("6"), n("3"), n("9"), n("6"), n("6")]),
            list(vec![n("6")])
        );
        assert_eq!(
            c(
                "mode",
                &[list(vec![n("6"), n("1"), n("9"), n("6"), n("1")])]
            ),
            list(vec![n("1"), n("6")])
        );
        assert_eq!(c("mode", &[list(vec![])]), list(vec![]));
        let Value::Number(sd) = c("stddev", &[n("2"), n("4"), n("7"), n("5")]) else {
            panic!("a number")
        };
        assert!(sd.plain().starts_with("2.0816659994661"));
        assert_eq!(c("stddev", &[list(vec![n("1")])]), Value::Null);
        assert_eq!(c("sum", &[list(vec![])]), Value::Null);
        assert_eq!(c("median", &[list(vec![])]), Value::Null);
    }

    #[test]
    fn numbers_from_text_and_the_rest() {
        let s = |t: &str| Value::string(t);
        assert_eq!(c("number", &[s("1 000,5"), s(" "), s(",")]), n("1000.5"));
        assert_eq!(
            c("number", &[s("1.000.000,01"), s("."), s(",")]),
            n("1000000.01")
        );
        assert_eq!(c("number", &[s("1,5"), s(","), s(",")]), Value::Null);
        assert_eq!(c("number", &[s("12")]), n("12"));
        assert_eq!(c("modulo", &[n("-12"), n("5")]), n("3"));
        assert_eq!(c("odd", &[n("5")]), Value::Bool(true));
        assert_eq!(c("even", &[n("5.5")]), Value::Null);
        assert_eq!(c("log", &[n("0")]), Value::Null);
        assert!(call("upper case", &[s("a")]).is_none());
    }
}
