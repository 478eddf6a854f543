//! FEEL arithmetic on values: numbers, string concatenation, and date,
//! time and duration arithmetic. Anything else gives null, as FEEL says.

use jiff::SignedDuration;

use super::ast::ArithOp;
use crate::dmn::number::{Number as Num, RoundMode};
use crate::dmn::temporal::{self, FeelDate, FeelDateTime, Zone};
use crate::dmn::value::Value;

fn number(n: Option<Num>) -> Value {
    n.map_or(Value::Null, Value::Number)
}

/// A day-time duration as a number of nanoseconds.
fn nanos(d: SignedDuration) -> Num {
    Num::parse(&d.as_nanos().to_string()).unwrap_or(Num::ZERO)
}

/// The day-time duration of `n` nanoseconds (rounded to whole ones).
fn from_nanos(n: Num) -> Option<SignedDuration> {
    let whole = n.round(0, RoundMode::HalfEven)?;
    let ns: i128 = whole.plain().parse().ok()?;
    let secs = i64::try_from(ns.div_euclid(1_000_000_000)).ok()?;
    let sub = i32::try_from(ns.rem_euclid(1_000_000_000)).ok()?;
    Some(SignedDuration::new(secs, sub))
}

/// Whole months of `m * n` or `m / n` (fractions of a month are dropped).
fn months(n: Option<Num>) -> Option<i64> {
    n?.round(0, RoundMode::Down)?.to_i64()
}

/// `-v`.
pub(crate) fn negate(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::Number(n.neg()),
        Value::DayTime(d) => d.checked_neg().map_or(Value::Null, Value::DayTime),
        Value::YearMonth(m) => Value::YearMonth(-m),
        _ => Value::Null,
    }
}

/// `a op b`.
pub(crate) fn apply(op: ArithOp, a: &Value, b: &Value) -> Value {
    use Value::*;
    match (op, a, b) {
        (_, Null, _) | (_, _, Null) => Null,
        (ArithOp::Add, Number(x), Number(y)) => number(x.add(*y)),
        (ArithOp::Sub, Number(x), Number(y)) => number(x.sub(*y)),
        (ArithOp::Mul, Number(x), Number(y)) => number(x.mul(*y)),
        (ArithOp::Div, Number(x), Number(y)) => number(x.div(*y)),
        (ArithOp::Pow, Number(x), Number(y)) => number(x.pow(*y)),
        (ArithOp::Add, String(x), String(y)) => Value::string(format!("{x}{y}")),
        (ArithOp::Add | ArithOp::Sub, _, _) => temporal_add_sub(op, a, b).unwrap_or(Null),
        (ArithOp::Mul | ArithOp::Div, _, _) => duration_scale(op, a, b).unwrap_or(Null),
        _ => Null,
    }
}

fn sign(op: ArithOp) -> i64 {
    if op == ArithOp::Sub { -1 } else { 1 }
}

fn signed(op: ArithOp, d: SignedDuration) -> Option<SignedDuration> {
    if op == ArithOp::Sub {
        d.checked_neg()
    } else {
        Some(d)
    }
}

fn temporal_add_sub(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    use Value::*;
    let sub = op == ArithOp::Sub;
    Some(match (a, b) {
        (DayTime(x), DayTime(y)) => DayTime(x.checked_add(signed(op, *y)?)?),
        (YearMonth(x), YearMonth(y)) => YearMonth(x.checked_add(y.checked_mul(sign(op))?)?),
        (DateTime(t), YearMonth(m)) => DateTime(t.add_months(m.checked_mul(sign(op))?)?),
        (DateTime(t), DayTime(d)) => DateTime(t.add_duration(signed(op, *d)?)?),
        (Date(d), YearMonth(m)) => Date(d.add_months(m.checked_mul(sign(op))?)?),
        (Date(d), DayTime(x)) => {
            // The date's midnight moved by the duration, then its date
            // (so `date - PT1H` is the day before).
            let t = FeelDateTime::at_midnight(*d, None);
            Date(t.add_duration(signed(op, *x)?)?.date)
        }
        (Time(t), DayTime(d)) => Time(temporal::add_time(t, signed(op, *d)?)?),
        (YearMonth(_) | DayTime(_), Date(_) | DateTime(_) | Time(_)) if !sub => {
            return temporal_add_sub(op, b, a);
        }
        (DateTime(x), DateTime(y)) if sub => DayTime(temporal::date_time_diff(x, y)?),
        // A date meeting a date-time stands for its midnight UTC, as DMN
        // says, so it only meets date-times that have a zone.
        (DateTime(x), Date(y)) if sub => DayTime(temporal::date_time_diff(x, &utc_midnight(*y))?),
        (Date(x), DateTime(y)) if sub => DayTime(temporal::date_time_diff(&utc_midnight(*x), y)?),
        (Date(x), Date(y)) if sub => DayTime(SignedDuration::from_secs(
            (x.days() - y.days()).checked_mul(86_400)?,
        )),
        (Time(x), Time(y)) if sub => DayTime(temporal::time_diff(x, y)?),
        _ => return None,
    })
}

fn utc_midnight(d: FeelDate) -> FeelDateTime {
    FeelDateTime::at_midnight(d, Some(Zone::UTC))
}

fn duration_scale(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    use Value::*;
    Some(match (op, a, b) {
        (ArithOp::Mul, DayTime(d), Number(n)) | (ArithOp::Mul, Number(n), DayTime(d)) => {
            DayTime(from_nanos(nanos(*d).mul(*n)?)?)
        }
        (ArithOp::Div, DayTime(d), Number(n)) => DayTime(from_nanos(nanos(*d).div(*n)?)?),
        (ArithOp::Div, DayTime(x), DayTime(y)) => number(nanos(*x).div(nanos(*y))),
        (ArithOp::Mul, YearMonth(m), Number(n)) | (ArithOp::Mul, Number(n), YearMonth(m)) => {
            YearMonth(months(Num::from_i64(*m).mul(*n))?)
        }
        (ArithOp::Div, YearMonth(m), Number(n)) => YearMonth(months(Num::from_i64(*m).div(*n))?),
        (ArithOp::Div, YearMonth(x), YearMonth(y)) => {
            number(Num::from_i64(*x).div(Num::from_i64(*y)))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::value::Value::*;

    fn n(s: &str) -> Value {
        Number(Num::parse(s).unwrap())
    }

    #[test]
    fn numbers_and_nulls() {
        assert_eq!(apply(ArithOp::Add, &n("1"), &n("2")), n("3"));
        assert_eq!(apply(ArithOp::Add, &n("0.1"), &n("0.2")), n("0.3"));
        assert_eq!(apply(ArithOp::Div, &n("1"), &n("0")), Null);
        assert_eq!(apply(ArithOp::Add, &n("1"), &Null), Null);
        assert_eq!(apply(ArithOp::Pow, &n("10"), &n("-5")), n("0.00001"));
        assert_eq!(
            apply(ArithOp::Add, &Value::string("a"), &Value::string("b")),
            Value::string("ab")
        );
        assert_eq!(apply(ArithOp::Add, &n("1"), &Value::string("b")), Null);
    }

    #[test]
    fn dates_and_durations() {
        let d = Date(temporal::parse_date("2024-01-31").unwrap());
        let e = Date(temporal::parse_date("2024-03-01").unwrap());
        assert_eq!(
            apply(ArithOp::Add, &d, &YearMonth(1)).to_string(),
            "2024-02-29"
        );
        assert_eq!(apply(ArithOp::Sub, &e, &d).to_string(), "P30D");
        let day = DayTime(SignedDuration::from_hours(24));
        assert_eq!(apply(ArithOp::Add, &day, &d).to_string(), "2024-02-01");
        assert_eq!(apply(ArithOp::Mul, &day, &n("2")).to_string(), "P2D");
        assert_eq!(apply(ArithOp::Mul, &day, &n("0.5")).to_string(), "PT12H");
        assert_eq!(apply(ArithOp::Div, &day, &n("0")), Null);
        assert_eq!(
            apply(ArithOp::Mul, &YearMonth(12), &n("1.5")).to_string(),
            "P1Y6M"
        );
    }
}
