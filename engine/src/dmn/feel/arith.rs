//! FEEL arithmetic on values: numbers, string concatenation, and date,
//! time and duration arithmetic. Anything else gives null, as FEEL says.

use jiff::SignedDuration;

use super::ast::ArithOp;
use crate::dmn::temporal::{self, FeelDateTime, FeelTime};
use crate::dmn::value::Value;

fn number(n: f64) -> Value {
    if n.is_finite() {
        Value::Number(n)
    } else {
        Value::Null
    }
}

/// `-v`.
pub(crate) fn negate(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::Number(-n),
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
        (ArithOp::Add, Number(x), Number(y)) => number(x + y),
        (ArithOp::Sub, Number(x), Number(y)) => number(x - y),
        (ArithOp::Mul, Number(x), Number(y)) => number(x * y),
        (ArithOp::Div, Number(_), Number(y)) if *y == 0.0 => Null,
        (ArithOp::Div, Number(x), Number(y)) => number(x / y),
        (ArithOp::Pow, Number(x), Number(y)) => number(x.powf(*y)),
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
    Some(match (a, b) {
        (DayTime(x), DayTime(y)) => DayTime(x.checked_add(signed(op, *y)?)?),
        (YearMonth(x), YearMonth(y)) => YearMonth(x.checked_add(y.checked_mul(sign(op))?)?),
        (DateTime(t), YearMonth(m)) => DateTime(temporal::add_months_date_time(t, m * sign(op))?),
        (DateTime(t), DayTime(d)) => DateTime(temporal::add_day_time(t, signed(op, *d)?)?),
        (Date(d), YearMonth(m)) => Date(temporal::add_months_date(*d, m * sign(op))?),
        (Date(d), DayTime(x)) => {
            let t = FeelDateTime {
                dt: d.to_datetime(jiff::civil::Time::midnight()),
                offset: None,
            };
            Date(temporal::add_day_time(&t, signed(op, *x)?)?.dt.date())
        }
        (Time(t), DayTime(d)) => Time(FeelTime {
            time: t.time.wrapping_add(signed(op, *d)?),
            offset: t.offset,
        }),
        (YearMonth(_) | DayTime(_), Date(_) | DateTime(_) | Time(_)) if op == ArithOp::Add => {
            return temporal_add_sub(op, b, a);
        }
        (DateTime(x), DateTime(y)) if op == ArithOp::Sub => DayTime(temporal::date_time_diff(x, y)),
        (Date(x), Date(y)) if op == ArithOp::Sub => DayTime(y.duration_until(*x)),
        (Time(x), Time(y)) if op == ArithOp::Sub => DayTime(y.time.duration_until(x.time)),
        _ => return None,
    })
}

fn duration_scale(op: ArithOp, a: &Value, b: &Value) -> Option<Value> {
    use Value::*;
    Some(match (op, a, b) {
        (ArithOp::Mul, DayTime(d), Number(n)) | (ArithOp::Mul, Number(n), DayTime(d)) => {
            DayTime(SignedDuration::try_from_secs_f64(d.as_secs_f64() * n).ok()?)
        }
        (ArithOp::Div, DayTime(_), Number(n)) if *n == 0.0 => return None,
        (ArithOp::Div, DayTime(d), Number(n)) => {
            DayTime(SignedDuration::try_from_secs_f64(d.as_secs_f64() / n).ok()?)
        }
        (ArithOp::Div, DayTime(x), DayTime(y)) if !y.is_zero() => number(x.div_duration_f64(*y)),
        (ArithOp::Mul, YearMonth(m), Number(n)) | (ArithOp::Mul, Number(n), YearMonth(m)) => {
            YearMonth((*m as f64 * n).trunc() as i64)
        }
        (ArithOp::Div, YearMonth(_), Number(n)) if *n == 0.0 => return None,
        (ArithOp::Div, YearMonth(m), Number(n)) => YearMonth((*m as f64 / n).trunc() as i64),
        (ArithOp::Div, YearMonth(x), YearMonth(y)) if *y != 0 => number(*x as f64 / *y as f64),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::value::Value::*;

    #[test]
    fn numbers_and_nulls() {
        assert_eq!(apply(ArithOp::Add, &Number(1.0), &Number(2.0)), Number(3.0));
        assert_eq!(apply(ArithOp::Div, &Number(1.0), &Number(0.0)), Null);
        assert_eq!(apply(ArithOp::Add, &Number(1.0), &Null), Null);
        assert_eq!(
            apply(ArithOp::Pow, &Number(10.0), &Number(-5.0)),
            Number(1e-5)
        );
        assert_eq!(
            apply(ArithOp::Add, &Value::string("a"), &Value::string("b")),
            Value::string("ab")
        );
        assert_eq!(apply(ArithOp::Add, &Number(1.0), &Value::string("b")), Null);
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
        assert_eq!(apply(ArithOp::Mul, &day, &Number(2.0)).to_string(), "P2D");
    }
}
