//! Python's `repr()` of a float, on its own because the value types
//! (`Decimal` from a float), the `py_*` helpers (`str`, `repr`) and
//! `json.dumps` all print floats the same way.

/// Python `repr()` of a float: shortest round-trip digits, `.0` on whole
/// numbers, `1e+16` style exponents.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{f:?}");
    match s.split_once('e') {
        Some((m, e)) => {
            let exp: i32 = e.parse().unwrap_or(0);
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{m}e{sign}{:02}", exp.abs())
        }
        None => s,
    }
}
