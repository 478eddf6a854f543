//! Arguments of module calls and methods turned into Rust values, failing
//! with Python's `TypeError` wording; shared by the module functions and the
//! methods of module values.

use rhai::{Array, Dynamic, EvalAltResult};

use super::datetime::PyTimezone;
use super::decimal::PyDecimal;
use super::py_type::py_type;

pub(super) type Res<T> = Result<T, Box<EvalAltResult>>;

pub(super) fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(msg.into().into())
}

pub(super) fn lift<T>(r: Result<T, String>) -> Res<T> {
    r.map_err(Into::into)
}

pub(super) fn get<T: Clone + 'static>(d: &Dynamic) -> Option<T> {
    d.read_lock::<T>().map(|x| (*x).clone())
}

pub(super) fn int_arg(d: &Dynamic, what: &str) -> Res<i64> {
    if let Ok(i) = d.as_int() {
        return Ok(i);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(b as i64);
    }
    fail(format!(
        "TypeError: {what} must be an integer, not '{}'",
        py_type(d)
    ))
}

pub(super) fn float_arg(d: &Dynamic, what: &str) -> Res<f64> {
    if let Ok(f) = d.as_float() {
        return Ok(f);
    }
    if let Some(x) = get::<PyDecimal>(d) {
        return Ok(x.to_f64());
    }
    int_arg(d, what).map(|i| i as f64).or_else(|_| {
        fail(format!(
            "TypeError: {what} must be a real number, not '{}'",
            py_type(d)
        ))
    })
}

pub(super) fn str_arg(d: &Dynamic, what: &str) -> Res<String> {
    if d.is_string() {
        return Ok(d.clone().into_string().unwrap_or_default());
    }
    fail(format!("TypeError: {what} must be str, not {}", py_type(d)))
}

/// Argument `i` of a module call, None when absent or None.
pub(super) fn arg(a: &Array, i: usize) -> Option<&Dynamic> {
    a.get(i).filter(|d| !d.is_unit())
}

pub(super) fn tz_arg(d: Option<&Dynamic>) -> Res<Option<jiff::tz::Offset>> {
    match d {
        None => Ok(None),
        Some(d) => match get::<PyTimezone>(d) {
            Some(tz) => Ok(Some(tz.0)),
            None => fail(format!(
                "TypeError: tzinfo argument must be None or a timezone, not '{}'",
                py_type(d)
            )),
        },
    }
}
