//! How the values of the importable modules (`datetime`, `date`,
//! `timedelta`, `timezone`, `Decimal`) behave as Python values: `str()`,
//! `repr()`, truthiness, `==`, ordering, arithmetic, attributes and
//! methods. The `py_*` helpers ask here first when an operand is one of
//! these values, so this sits below them.

use rhai::{Array, Dynamic};

use super::args::{Res, arg, fail, float_arg, get, int_arg, lift, str_arg};
use super::datetime::{PyDate, PyDateTime, PyTimeDelta, PyTimezone};
use super::decimal::{PyDecimal, Rounding};
use super::py_type::{py_type, type_name};

/// `str()` of a module value.
pub fn to_str(d: &Dynamic) -> Option<String> {
    if let Some(x) = get::<PyDateTime>(d) {
        return Some(x.to_string());
    }
    if let Some(x) = get::<PyDate>(d) {
        return Some(x.to_string());
    }
    if let Some(x) = get::<PyTimeDelta>(d) {
        return Some(x.to_string());
    }
    if let Some(x) = get::<PyDecimal>(d) {
        return Some(x.to_string());
    }
    if let Some(x) = get::<PyTimezone>(d) {
        return Some(if x.0 == jiff::tz::Offset::UTC {
            "UTC".into()
        } else {
            format!("UTC{}", x.0)
        });
    }
    None
}

/// `repr()` of a module value.
pub fn to_repr(d: &Dynamic) -> Option<String> {
    if let Some(x) = get::<PyDecimal>(d) {
        return Some(format!("Decimal('{x}')"));
    }
    to_str(d).map(|s| format!("{}('{s}')", type_name(d).unwrap_or("object")))
}

/// Truthiness of a module value (zero decimals and durations are false).
pub fn truthy(d: &Dynamic) -> Option<bool> {
    if let Some(x) = get::<PyDecimal>(d) {
        return Some(!x.is_zero());
    }
    if let Some(x) = get::<PyTimeDelta>(d) {
        return Some(x.0 != 0);
    }
    type_name(d).map(|_| true)
}

/// A Decimal for arithmetic with `d`: decimals and integers (Python does
/// not mix Decimal and float).
fn dec_operand(d: &Dynamic) -> Option<PyDecimal> {
    get::<PyDecimal>(d).or_else(|| {
        if d.is_int() || d.is_bool() {
            int_arg(d, "").ok().map(PyDecimal::from_int)
        } else {
            None
        }
    })
}

/// `==` between values when one is a module value (None: neither is).
pub fn eq(a: &Dynamic, b: &Dynamic) -> Option<bool> {
    type_name(a).or_else(|| type_name(b))?;
    if let (Some(x), Some(y)) = (get::<PyDecimal>(a), get::<PyDecimal>(b)) {
        return Some(x.cmp(y).is_eq());
    }
    if get::<PyDecimal>(a).is_some() || get::<PyDecimal>(b).is_some() {
        if let (Some(x), Some(y)) = (dec_operand(a), dec_operand(b)) {
            return Some(x.cmp(y).is_eq());
        }
        if let (Ok(x), Ok(y)) = (float_arg(a, ""), float_arg(b, "")) {
            return Some(x == y);
        }
        return Some(false);
    }
    Some(match cmp(a, b) {
        Some(Ok(o)) => o.is_eq(),
        _ => false,
    })
}

/// Ordering between values when one is a module value.
pub fn cmp(a: &Dynamic, b: &Dynamic) -> Option<Res<std::cmp::Ordering>> {
    type_name(a).or_else(|| type_name(b))?;
    if let (Some(x), Some(y)) = (get::<PyDateTime>(a), get::<PyDateTime>(b)) {
        return Some(lift(x.cmp(y)));
    }
    if let (Some(x), Some(y)) = (get::<PyDate>(a), get::<PyDate>(b)) {
        return Some(Ok(x.0.cmp(&y.0)));
    }
    if let (Some(x), Some(y)) = (get::<PyTimeDelta>(a), get::<PyTimeDelta>(b)) {
        return Some(Ok(x.cmp(&y)));
    }
    if let (Some(x), Some(y)) = (dec_operand(a), dec_operand(b)) {
        return Some(Ok(x.cmp(y)));
    }
    if get::<PyDecimal>(a).is_some() || get::<PyDecimal>(b).is_some() {
        if let (Ok(x), Ok(y)) = (float_arg(a, ""), float_arg(b, "")) {
            return Some(Ok(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)));
        }
    }
    Some(fail(format!(
        "TypeError: '<' not supported between instances of '{}' and '{}'",
        py_type(a),
        py_type(b)
    )))
}

/// `a + b`, `a - b`, `a * b`, `a / b` … when one operand is a module value.
pub fn arith(op: &str, a: &Dynamic, b: &Dynamic) -> Option<Res<Dynamic>> {
    type_name(a).or_else(|| type_name(b))?;
    let unsupported = || {
        fail(format!(
            "TypeError: unsupported operand type(s) for {op}: '{}' and '{}'",
            py_type(a),
            py_type(b)
        ))
    };
    if let (Some(x), Some(y)) = (dec_operand(a), dec_operand(b)) {
        let r = match op {
            "+" => x.add(y),
            "-" => x.sub(y),
            "*" => x.mul(y),
            "/" => x.div(y),
            "//" => x.div(y).and_then(|q| q.rescale(0, Rounding::Down)),
            "%" => x
                .div(y)
                .and_then(|q| q.rescale(0, Rounding::Down))
                .and_then(|q| x.sub(q.mul(y)?)),
            _ => return Some(unsupported()),
        };
        return Some(lift(r).map(Dynamic::from));
    }
    let (dt, d, td) = (get::<PyDateTime>, get::<PyDate>, get::<PyTimeDelta>);
    let r: Res<Dynamic> = match op {
        "+" => {
            if let (Some(x), Some(y)) = (dt(a), td(b)).or((dt(b), td(a))) {
                lift(x.add(y)).map(Dynamic::from)
            } else if let (Some(x), Some(y)) = (d(a), td(b)).or((d(b), td(a))) {
                lift(x.add(y)).map(Dynamic::from)
            } else if let (Some(x), Some(y)) = (td(a), td(b)) {
                Ok(Dynamic::from(PyTimeDelta(x.0 + y.0)))
            } else {
                unsupported()
            }
        }
        "-" => {
            if let (Some(x), Some(y)) = (dt(a), td(b)) {
                lift(x.add(PyTimeDelta(-y.0))).map(Dynamic::from)
            } else if let (Some(x), Some(y)) = (dt(a), dt(b)) {
                lift(x.sub(y)).map(Dynamic::from)
            } else if let (Some(x), Some(y)) = (d(a), td(b)) {
                lift(x.add(PyTimeDelta(-y.0))).map(Dynamic::from)
            } else if let (Some(x), Some(y)) = (d(a), d(b)) {
                Ok(Dynamic::from(x.sub(y)))
            } else if let (Some(x), Some(y)) = (td(a), td(b)) {
                Ok(Dynamic::from(PyTimeDelta(x.0 - y.0)))
            } else {
                unsupported()
            }
        }
        "*" => match (td(a), td(b)) {
            (Some(x), None) | (None, Some(x)) => {
                let n = if td(a).is_some() { b } else { a };
                if let Ok(i) = n.as_int() {
                    Ok(Dynamic::from(PyTimeDelta(x.0 * i as i128)))
                } else if let Ok(f) = n.as_float() {
                    Ok(Dynamic::from(PyTimeDelta(
                        (x.0 as f64 * f).round_ties_even() as i128,
                    )))
                } else {
                    unsupported()
                }
            }
            _ => unsupported(),
        },
        "/" => match (td(a), td(b)) {
            (Some(x), Some(y)) if y.0 != 0 => Ok((x.0 as f64 / y.0 as f64).into()),
            (Some(_), Some(_)) => fail("ZeroDivisionError: division by zero"),
            _ => unsupported(),
        },
        _ => unsupported(),
    };
    Some(r)
}

trait PairOr<A, B> {
    fn or(self, other: Self) -> Self;
}

impl<A, B> PairOr<A, B> for (Option<A>, Option<B>) {
    /// The first pair if both are set, else the second.
    fn or(self, other: Self) -> Self {
        if self.0.is_some() && self.1.is_some() {
            self
        } else {
            other
        }
    }
}

/// `value.name` of a module value.
pub fn attr(v: &Dynamic, name: &str) -> Option<Res<Dynamic>> {
    let no = || {
        fail(format!(
            "AttributeError: '{}' object has no attribute '{name}'",
            py_type(v)
        ))
    };
    let int = |i: i64| Ok(Dynamic::from(i));
    if let Some(x) = get::<PyDateTime>(v) {
        let dt = x.dt;
        return Some(match name {
            "year" => int(dt.year() as i64),
            "month" => int(dt.month() as i64),
            "day" => int(dt.day() as i64),
            "hour" => int(dt.hour() as i64),
            "minute" => int(dt.minute() as i64),
            "second" => int(dt.second() as i64),
            "microsecond" => int((dt.subsec_nanosecond() / 1000) as i64),
            "tzinfo" => Ok(x
                .offset
                .map_or(Dynamic::UNIT, |o| Dynamic::from(PyTimezone(o)))),
            _ => no(),
        });
    }
    if let Some(PyDate(d)) = get::<PyDate>(v) {
        return Some(match name {
            "year" => int(d.year() as i64),
            "month" => int(d.month() as i64),
            "day" => int(d.day() as i64),
            _ => no(),
        });
    }
    if let Some(x) = get::<PyTimeDelta>(v) {
        let (d, s, us) = x.parts();
        return Some(match name {
            "days" => int(d as i64),
            "seconds" => int(s as i64),
            "microseconds" => int(us as i64),
            _ => no(),
        });
    }
    type_name(v).map(|_| no())
}

pub(super) fn call_method(v: &Dynamic, name: &str, a: &Array) -> Res<Dynamic> {
    let no = || {
        fail(format!(
            "AttributeError: '{}' object has no attribute '{name}'",
            py_type(v)
        ))
    };
    if let Some(x) = get::<PyDateTime>(v) {
        return match name {
            "isoformat" => {
                let sep = match arg(a, 0) {
                    Some(s) => str_arg(s, "sep")?.chars().next().unwrap_or('T'),
                    None => 'T',
                };
                Ok(x.isoformat(sep).into())
            }
            "strftime" => lift(x.strftime(&str_arg(&a[0], "format")?)).map(Dynamic::from),
            "timestamp" => lift(x.timestamp()).map(Dynamic::from),
            "date" => Ok(Dynamic::from(PyDate(x.dt.date()))),
            "weekday" => Ok((x.dt.weekday().to_monday_zero_offset() as i64).into()),
            "isoweekday" => Ok((x.dt.weekday().to_monday_one_offset() as i64).into()),
            _ => no(),
        };
    }
    if let Some(x) = get::<PyDate>(v) {
        return match name {
            "isoformat" => Ok(x.to_string().into()),
            "strftime" => lift(x.strftime(&str_arg(&a[0], "format")?)).map(Dynamic::from),
            "weekday" => Ok((x.0.weekday().to_monday_zero_offset() as i64).into()),
            "isoweekday" => Ok((x.0.weekday().to_monday_one_offset() as i64).into()),
            _ => no(),
        };
    }
    if let Some(x) = get::<PyTimeDelta>(v) {
        return match name {
            "total_seconds" => Ok(x.total_seconds().into()),
            _ => no(),
        };
    }
    if let Some(x) = get::<PyDecimal>(v) {
        return match name {
            "quantize" => {
                let Some(exp) = get::<PyDecimal>(&a[0]) else {
                    return fail("TypeError: quantize() needs a Decimal exponent");
                };
                let mode = match arg(a, 1) {
                    None => Rounding::HalfEven,
                    Some(r) => {
                        let r = str_arg(r, "rounding")?;
                        Rounding::parse(&r)
                            .ok_or_else(|| format!("ValueError: unknown rounding '{r}'"))?
                    }
                };
                lift(x.quantize(exp, mode)).map(Dynamic::from)
            }
            _ => no(),
        };
    }
    no()
}
