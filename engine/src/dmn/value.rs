//! FEEL values, and how they map to and from the JSON task data.
//!
//! JSON has no dates or durations, so they leave as ISO 8601 strings; a
//! string compared with a date (or time, or duration) is read as one, which
//! lets data typed in a form meet `date("…")` literals in a table.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use jiff::SignedDuration;
use serde_json::Value as Json;

use super::feel::Function;
use super::number::Number;
use super::temporal::{self, Duration, FeelDate, FeelDateTime, FeelTime};

/// A FEEL value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A decimal128 number (34 significant digits).
    Number(Number),
    String(Arc<str>),
    Date(FeelDate),
    Time(FeelTime),
    DateTime(FeelDateTime),
    DayTime(SignedDuration),
    /// Years-and-months duration, in months.
    YearMonth(i64),
    List(Arc<Vec<Value>>),
    /// A context (structure): entries in order, keys unique.
    Context(Arc<Vec<(String, Value)>>),
    Range(Arc<Range>),
    /// A function: a built-in, a FEEL function literal with its closure,
    /// or a function of the model (business knowledge model, decision
    /// service) put into the scope by the DMN layer.
    Function(Arc<Function>),
}

/// An interval such as `[1..10)`; an absent end is unbounded (`< 5`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Range {
    pub low: Option<Value>,
    pub low_closed: bool,
    pub high: Option<Value>,
    pub high_closed: bool,
    pub kind: RangeKind,
}

/// What a range holds: the values between its ends, or (written as the
/// unary comparison `(= e)` or `(!= e)`) the values equal or unequal to
/// `e`, which is both of its ends. DMN 1.5 gives the comparison forms the
/// semantics of their operator, so `(= 10)` is not the interval `[10..10]`
/// (they are different ranges, though both hold only 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RangeKind {
    /// `[a..b]`, `(a..b)`, `< e`, `>= e`…
    #[default]
    Interval,
    /// `= e`: `[e..e]` by its properties.
    Equal,
    /// `!= e`: `(e..e)` by its properties.
    NotEqual,
}

impl Range {
    /// Whether `v` lies in the range; `None` when it cannot be compared.
    pub fn contains(&self, v: &Value) -> Option<bool> {
        match self.kind {
            RangeKind::Equal => return equals(v, self.low.as_ref()?),
            RangeKind::NotEqual => return equals(v, self.low.as_ref()?).map(|b| !b),
            RangeKind::Interval => {}
        }
        in_interval(
            v,
            self.low.as_ref(),
            self.low_closed,
            self.high.as_ref(),
            self.high_closed,
        )
    }
}

/// Whether `v` lies between `low` and `high` (each end open or closed,
/// `None` unbounded); `None` when it cannot be compared.
pub(crate) fn in_interval(
    v: &Value,
    low: Option<&Value>,
    low_closed: bool,
    high: Option<&Value>,
    high_closed: bool,
) -> Option<bool> {
    if let Some(lo) = low {
        let o = compare(v, lo)?;
        if o == Ordering::Less || (o == Ordering::Equal && !low_closed) {
            return Some(false);
        }
    }
    if let Some(hi) = high {
        let o = compare(v, hi)?;
        if o == Ordering::Greater || (o == Ordering::Equal && !high_closed) {
            return Some(false);
        }
    }
    Some(true)
}

impl Value {
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// Converts JSON task data into a FEEL value.
    pub fn from_json(j: &Json) -> Value {
        match j {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Number(n) => number_from_json(n).map_or(Value::Null, Value::Number),
            Json::String(s) => Value::String(Arc::from(s.as_str())),
            Json::Array(a) => Value::List(Arc::new(a.iter().map(Value::from_json).collect())),
            Json::Object(m) => Value::Context(Arc::new(
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            )),
        }
    }

    /// Converts to JSON: whole numbers become integers, dates and durations
    /// ISO 8601 strings, ranges strings such as `[1..10]`.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number_json(*n),
            Value::String(s) => Json::String(s.to_string()),
            Value::List(l) => Json::Array(l.iter().map(Value::to_json).collect()),
            Value::Context(c) => {
                Json::Object(c.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            other => Json::String(other.to_string()),
        }
    }

    /// The FEEL type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "date and time",
            Value::DayTime(_) => "days and time duration",
            Value::YearMonth(_) => "years and months duration",
            Value::List(_) => "list",
            Value::Context(_) => "context",
            Value::Range(_) => "range",
            Value::Function(_) => "function",
        }
    }

    /// The entry `key` of a context.
    pub fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Context(c) => c.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Reads a string as the temporal type of `like`, so JSON strings meet
    /// FEEL dates, times and durations.
    fn coerce_like(&self, like: &Value) -> Option<Value> {
        let Value::String(s) = self else {
            return None;
        };
        Some(match like {
            Value::Date(_) => Value::Date(temporal::parse_date(s)?),
            Value::Time(_) => Value::Time(temporal::parse_time(s)?),
            Value::DateTime(_) => Value::DateTime(temporal::parse_date_time(s)?),
            Value::DayTime(_) | Value::YearMonth(_) => duration_value(temporal::parse_duration(s)?),
            _ => return None,
        })
    }
}

pub(crate) fn duration_value(d: Duration) -> Value {
    match d {
        Duration::DayTime(d) => Value::DayTime(d),
        Duration::YearMonth(m) => Value::YearMonth(m),
    }
}

/// JSON for a number: an integer when it is whole and fits in i64,
/// otherwise the nearest f64 (JSON task data has no decimals; beyond 17
/// significant digits the value is rounded on the way out).
pub(crate) fn number_json(n: Number) -> Json {
    match n.to_i64() {
        Some(i) => Json::from(i),
        None => serde_json::Number::from_f64(n.to_f64()).map_or(Json::Null, Json::Number),
    }
}

/// The FEEL number for a JSON number: integers exactly, others through the
/// f64's shortest text, so `0.1` in the data is the decimal 0.1.
pub(crate) fn number_from_json(n: &serde_json::Number) -> Option<Number> {
    if let Some(i) = n.as_i64() {
        return Some(Number::from_i64(i));
    }
    if let Some(u) = n.as_u64() {
        return Number::parse(&u.to_string());
    }
    Number::from_f64(n.as_f64()?)
}

/// FEEL `=`: `Some(true/false)` for comparable values, `None` (null) when
/// the types differ. Null equals null only.
pub(crate) fn equals(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Null, Null) => true,
        (Null, _) | (_, Null) => false,
        (Bool(x), Bool(y)) => x == y,
        (Number(x), Number(y)) => x == y,
        (String(x), String(y)) => x == y,
        (Date(x), Date(y)) => x == y,
        (Time(x), Time(y)) => temporal::eq_time(x, y),
        (DateTime(x), DateTime(y)) => temporal::eq_date_time(x, y),
        (DayTime(x), DayTime(y)) => x == y,
        (YearMonth(x), YearMonth(y)) => x == y,
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !equals(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (Context(x), Context(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (k, v) in x.iter() {
                match b.field(k) {
                    Some(w) if equals(v, w)? => {}
                    _ => return Some(false),
                }
            }
            true
        }
        (Range(x), Range(y)) => {
            // An unbounded end (`< 10`) is not a null one (`(null..10)`).
            for (p, q) in [(&x.low, &y.low), (&x.high, &y.high)] {
                match (p, q) {
                    (None, None) => {}
                    (Some(p), Some(q)) if equals(p, q)? => {}
                    _ => return Some(false),
                }
            }
            x.low_closed == y.low_closed && x.high_closed == y.high_closed && x.kind == y.kind
        }
        (Function(x), Function(y)) => x == y,
        (String(_), _) => return equals(&a.coerce_like(b)?, b),
        (_, String(_)) => return equals(a, &b.coerce_like(a)?),
        _ => return None,
    })
}

/// FEEL ordering (`<`, `>`…) of two values of the same ordered type.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Number(x), Number(y)) => x.partial_cmp(y),
        (String(x), String(y)) => Some(x.cmp(y)),
        (Date(x), Date(y)) => Some(x.cmp(y)),
        (Time(x), Time(y)) => temporal::cmp_time(x, y),
        (DateTime(x), DateTime(y)) => temporal::cmp_date_time(x, y),
        (DayTime(x), DayTime(y)) => Some(x.cmp(y)),
        (YearMonth(x), YearMonth(y)) => Some(x.cmp(y)),
        (String(_), _) => compare(&a.coerce_like(b)?, b),
        (_, String(_)) => compare(a, &b.coerce_like(a)?),
        _ => None,
    }
}

impl fmt::Display for Value {
    /// FEEL-like text: strings quoted, dates as ISO 8601.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{}", Json::String(s.to_string())),
            Value::Date(d) => write!(f, "{d}"),
            Value::Time(t) => f.write_str(&temporal::format_time(t)),
            Value::DateTime(t) => f.write_str(&temporal::format_date_time(t)),
            Value::DayTime(d) => f.write_str(&temporal::format_day_time(*d)),
            Value::YearMonth(m) => f.write_str(&temporal::format_year_month(*m)),
            Value::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Context(c) => {
                f.write_str("{")?;
                for (i, (k, v)) in c.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Range(r) if r.kind != RangeKind::Interval => {
                let op = if r.kind == RangeKind::Equal {
                    "="
                } else {
                    "!="
                };
                match &r.low {
                    Some(v) => write!(f, "{op}{v}"),
                    None => write!(f, "{op}null"),
                }
            }
            Value::Range(r) => {
                f.write_str(if r.low_closed { "[" } else { "(" })?;
                match &r.low {
                    Some(v) => write!(f, "{v}")?,
                    None => f.write_str("-∞")?,
                }
                f.write_str("..")?;
                match &r.high {
                    Some(v) => write!(f, "{v}")?,
                    None => f.write_str("∞")?,
                }
                f.write_str(if r.high_closed { "]" } else { ")" })
            }
            Value::Function(func) => write!(f, "{func}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trip_keeps_integers() {
        let j = json!({"a": 1, "b": 2.5, "c": ["x", null, true]});
        assert_eq!(Value::from_json(&j).to_json(), j);
        assert_eq!(
            Value::Number(crate::dmn::number::Number::from_f64(3.0).unwrap()).to_json(),
            json!(3)
        );
    }

    #[test]
    fn strings_meet_dates() {
        let d = Value::Date(temporal::parse_date("2024-05-01").unwrap());
        assert_eq!(equals(&Value::string("2024-05-01"), &d), Some(true));
        assert_eq!(
            compare(&Value::string("2024-04-30"), &d),
            Some(Ordering::Less)
        );
        assert_eq!(equals(&Value::string("soon"), &d), None);
        assert_eq!(equals(&Value::Null, &d), Some(false));
        assert_eq!(
            equals(
                &Value::Number(crate::dmn::number::Number::from_f64(1.0).unwrap()),
                &Value::string("1")
            ),
            None
        );
    }
}
