//! Truthiness of a script value, Python's rules (`()`, false, 0, "" and
//! empty collections are false), shared by conditions of every dialect and
//! by the Python helpers (`bool()`, `any`, `all`). It asks the module value
//! types (zero decimals and durations are false) and nothing above them.

use rhai::Dynamic;

use super::python::module_values;

/// Python-like truthiness: `()`, false, 0, "" and empty collections are false.
pub(crate) fn truthy(d: &Dynamic) -> bool {
    if let Ok(b) = d.as_bool() {
        return b;
    }
    if d.is_unit() {
        return false;
    }
    if let Ok(i) = d.as_int() {
        return i != 0;
    }
    if let Ok(f) = d.as_float() {
        return f != 0.0;
    }
    if d.is_string() {
        return !d
            .clone()
            .into_immutable_string()
            .unwrap_or_default()
            .is_empty();
    }
    if d.is_array() {
        return d.as_array_ref().map(|a| !a.is_empty()).unwrap_or(true);
    }
    if d.is_map() {
        return d.as_map_ref().map(|m| !m.is_empty()).unwrap_or(true);
    }
    module_values::truthy(d).unwrap_or(true)
}
