//! Python's name for the type of a value (`int`, `dict`,
//! `datetime.datetime`…), which every `TypeError` message quotes. It sits
//! below the `py_*` helpers and the module values, which both name types
//! in their errors.

use rhai::Dynamic;

use super::datetime::{PyDate, PyDateTime, PyTimeDelta, PyTimezone};
use super::decimal::PyDecimal;

/// Python's name for the type of `d`.
pub fn py_type(d: &Dynamic) -> &'static str {
    if d.is_unit() {
        "NoneType"
    } else if d.is_bool() {
        "bool"
    } else if d.is_int() {
        "int"
    } else if d.is_float() {
        "float"
    } else if d.is_string() || d.is_char() {
        "str"
    } else if d.is_array() {
        "list"
    } else if d.is_map() {
        "dict"
    } else if d.is_fnptr() {
        "function"
    } else if let Some(t) = type_name(d) {
        t
    } else {
        "object"
    }
}

/// The Python type name of a module value, if `d` is one.
pub fn type_name(d: &Dynamic) -> Option<&'static str> {
    Some(if d.is::<PyDateTime>() {
        "datetime.datetime"
    } else if d.is::<PyDate>() {
        "datetime.date"
    } else if d.is::<PyTimeDelta>() {
        "datetime.timedelta"
    } else if d.is::<PyDecimal>() {
        "decimal.Decimal"
    } else if d.is::<PyTimezone>() {
        "datetime.timezone"
    } else {
        return None;
    })
}
