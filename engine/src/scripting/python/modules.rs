//! The modules a Python script may import — `datetime`, `time`, `json`,
//! `math`, `decimal` — limited to pure functions (nothing touches files,
//! processes or the network; "now" is the engine's clock). This file holds
//! what the parser and translator need to know about them (members, call
//! signatures, constants), the `py_*` functions their calls become, and how
//! their values enter and leave task data.
//!
//! In task data, values of these types take the shapes SpiffWorkflow's
//! serializer gives them: `{"value": iso, "typename": "datetime"}`,
//! `{"days", "seconds", "typename": "timedelta"}` (plus `microseconds`
//! when not zero, which SpiffWorkflow drops); `date` and `Decimal`, which
//! SpiffWorkflow cannot serialize, get the same shape with their text.
//! Python code reading such a map gets the value back.

use rhai::{Array, Dynamic, Engine, Map};

use super::args::{Res, arg, fail, float_arg, get, int_arg, lift, str_arg, tz_arg};
use super::datetime::{PyDate, PyDateTime, PyTimeDelta, PyTimezone, script_now};
use super::decimal::{PyDecimal, Rounding};
use super::float_repr::float_repr;
use super::module_values::{arith, call_method};
use super::py_type::{py_type, type_name};
use super::runtime::py_eq;
use crate::scripting::truthy::truthy;

/// Modules scripts may import.
pub const ALLOWED: &[&str] = &["datetime", "time", "json", "math", "decimal"];

const MATH_1: &[&str] = &[
    "floor",
    "ceil",
    "trunc",
    "sqrt",
    "exp",
    "log10",
    "log2",
    "fabs",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "degrees",
    "radians",
    "isnan",
    "isinf",
    "isfinite",
    "factorial",
    "fsum",
];
const MATH_2: &[&str] = &[
    "pow", "atan2", "hypot", "copysign", "fmod", "gcd", "isclose",
];
const MATH_CONST: &[&str] = &["pi", "e", "tau", "inf"];
const ROUNDINGS: &[&str] = &[
    "ROUND_HALF_EVEN",
    "ROUND_HALF_UP",
    "ROUND_HALF_DOWN",
    "ROUND_UP",
    "ROUND_DOWN",
    "ROUND_CEILING",
    "ROUND_FLOOR",
];

pub fn is_allowed(module: &str) -> bool {
    ALLOWED.contains(&module)
}

/// What `from module import …` may name.
pub fn members(module: &str) -> Vec<&'static str> {
    match module {
        "datetime" => vec!["datetime", "date", "timedelta", "timezone"],
        "time" => vec!["time"],
        "json" => vec!["dumps", "loads"],
        "math" => MATH_1
            .iter()
            .chain(MATH_2)
            .chain(MATH_CONST)
            .copied()
            .chain(["log"])
            .collect(),
        "decimal" => std::iter::once("Decimal")
            .chain(ROUNDINGS.iter().copied())
            .collect(),
        _ => Vec::new(),
    }
}

pub fn has_member(module: &str, member: &str) -> bool {
    members(module).contains(&member)
}

/// A callable of a module: the `py_*` function its call becomes (taking
/// its arguments as one list, absent ones as `()`), its parameter names
/// and how many are required.
pub struct Signature {
    pub rhai: String,
    pub params: &'static [&'static str],
    pub required: usize,
}

/// The signature of the module callable at dotted `path`
/// (`datetime.datetime.now`, `math.floor`…).
pub fn callable(path: &str) -> Option<Signature> {
    let sig = |rhai: &str, params, required| {
        Some(Signature {
            rhai: rhai.to_string(),
            params,
            required,
        })
    };
    match path {
        "datetime.datetime" => sig(
            "py_datetime",
            &[
                "year",
                "month",
                "day",
                "hour",
                "minute",
                "second",
                "microsecond",
                "tzinfo",
            ],
            3,
        ),
        "datetime.datetime.now" => sig("py_datetime_now", &["tz"], 0),
        "datetime.datetime.today" => sig("py_datetime_now", &[], 0),
        "datetime.datetime.utcnow" => sig("py_datetime_utcnow", &[], 0),
        "datetime.datetime.fromisoformat" => sig("py_datetime_fromisoformat", &["date_string"], 1),
        "datetime.datetime.strptime" => sig("py_datetime_strptime", &["date_string", "format"], 2),
        "datetime.datetime.fromtimestamp" => {
            sig("py_datetime_fromtimestamp", &["timestamp", "tz"], 1)
        }
        "datetime.date" => sig("py_date", &["year", "month", "day"], 3),
        "datetime.date.today" => sig("py_date_today", &[], 0),
        "datetime.date.fromisoformat" => sig("py_date_fromisoformat", &["date_string"], 1),
        "datetime.timedelta" => sig(
            "py_timedelta",
            &[
                "days",
                "seconds",
                "microseconds",
                "milliseconds",
                "minutes",
                "hours",
                "weeks",
            ],
            0,
        ),
        "time.time" => sig("py_time_time", &[], 0),
        "json.dumps" => sig("py_json_dumps", &["obj", "indent", "sort_keys"], 1),
        "json.loads" => sig("py_json_loads", &["s"], 1),
        "decimal.Decimal" => sig("py_decimal", &["value"], 0),
        "math.log" => sig("py_math_log", &["x", "base"], 1),
        "math.isclose" => sig("py_math_isclose", &["a", "b", "rel_tol", "abs_tol"], 2),
        _ => {
            let name = path.strip_prefix("math.")?;
            if MATH_1.contains(&name) {
                sig(&format!("py_math_{name}"), &["x"], 1)
            } else if MATH_2.contains(&name) {
                sig(&format!("py_math_{name}"), &["x", "y"], 2)
            } else {
                None
            }
        }
    }
}

/// The Rhai code of a module constant at dotted `path`.
pub fn constant(path: &str) -> Option<String> {
    Some(match path {
        "math.pi" => "3.141592653589793".into(),
        "math.e" => "2.718281828459045".into(),
        "math.tau" => "6.283185307179586".into(),
        "math.inf" => "(1.0 / 0.0)".into(),
        "datetime.timezone.utc" => "py_tz_utc()".into(),
        _ => {
            let r = path.strip_prefix("decimal.")?;
            if !ROUNDINGS.contains(&r) {
                return None;
            }
            format!("\"{r}\"")
        }
    })
}

/// Methods of these values: name, parameters, required count.
pub fn method(name: &str) -> Option<(&'static [&'static str], usize)> {
    Some(match name {
        "isoformat" => (&["sep"], 0),
        "strftime" => (&["format"], 1),
        "timestamp" | "date" | "weekday" | "isoweekday" | "total_seconds" => (&[], 0),
        "quantize" => (&["exp", "rounding"], 1),
        _ => return None,
    })
}

// ----- task data -----

fn tagged(typename: &str, fields: &[(&str, Dynamic)]) -> Dynamic {
    let mut m = Map::new();
    for (k, v) in fields {
        m.insert((*k).into(), v.clone());
    }
    m.insert("typename".into(), typename.into());
    m.into()
}

/// A module value that task data has no shape for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unstorable {
    #[error("a datetime.timezone cannot be stored in the data")]
    Timezone,
}

/// A module value as task data (`None`: `d` is not one).
fn lower_one(d: &Dynamic) -> Option<Result<Dynamic, Unstorable>> {
    if let Some(x) = get::<PyDateTime>(d) {
        return Some(Ok(tagged(
            "datetime",
            &[("value", x.isoformat('T').into())],
        )));
    }
    if let Some(x) = get::<PyDate>(d) {
        return Some(Ok(tagged("date", &[("value", x.to_string().into())])));
    }
    if let Some(x) = get::<PyTimeDelta>(d) {
        let (days, s, us) = x.parts();
        let mut f = vec![
            ("days", Dynamic::from(days as i64)),
            ("seconds", (s as i64).into()),
        ];
        if us != 0 {
            f.push(("microseconds", (us as i64).into()));
        }
        return Some(Ok(tagged("timedelta", &f)));
    }
    if let Some(x) = get::<PyDecimal>(d) {
        return Some(Ok(tagged("Decimal", &[("value", x.to_string().into())])));
    }
    if d.is::<PyTimezone>() {
        return Some(Err(Unstorable::Timezone));
    }
    None
}

fn needs_lowering(d: &Dynamic, depth: u32) -> bool {
    if depth > 200 {
        return false;
    }
    if type_name(d).is_some() {
        return true;
    }
    if let Ok(a) = d.as_array_ref() {
        return a.iter().any(|x| needs_lowering(x, depth + 1));
    }
    if let Ok(m) = d.as_map_ref() {
        return m.values().any(|x| needs_lowering(x, depth + 1));
    }
    false
}

fn lower_rec(d: &Dynamic) -> Result<Dynamic, Unstorable> {
    if let Some(r) = lower_one(d) {
        return r;
    }
    if let Ok(a) = d.as_array_ref() {
        return a
            .iter()
            .map(lower_rec)
            .collect::<Result<Array, _>>()
            .map(Dynamic::from);
    }
    if let Ok(m) = d.as_map_ref() {
        let mut out = Map::new();
        for (k, v) in m.iter() {
            out.insert(k.clone(), lower_rec(v)?);
        }
        return Ok(out.into());
    }
    Ok(d.clone())
}

/// `d` with every module value replaced by its task-data shape (`None`:
/// nothing to replace).
pub fn lower(d: &Dynamic) -> Option<Result<Dynamic, Unstorable>> {
    needs_lowering(d, 0).then(|| lower_rec(d))
}

/// Turns task-data shapes of module values inside `d` back into values.
pub fn revive(d: &mut Dynamic) {
    if d.is_array() {
        if let Ok(mut a) = d.as_array_mut() {
            a.iter_mut().for_each(revive);
        }
        return;
    }
    if !d.is_map() {
        return;
    }
    let revived = {
        let Ok(m) = d.as_map_ref() else { return };
        match m.get("typename").and_then(|t| t.clone().into_string().ok()) {
            Some(t) => revive_map(&t, &m),
            None => None,
        }
    };
    match revived {
        Some(v) => *d = v,
        None => {
            if let Ok(mut m) = d.as_map_mut() {
                m.values_mut().for_each(revive);
            }
        }
    }
}

fn revive_map(typename: &str, m: &Map) -> Option<Dynamic> {
    let text = || m.get("value")?.clone().into_string().ok();
    let int = |k: &str| m.get(k).map_or(Some(0), |v| v.as_int().ok());
    let keys = |allowed: &[&str]| {
        m.keys()
            .all(|k| k == "typename" || allowed.contains(&k.as_str()))
    };
    match typename {
        "datetime" if keys(&["value"]) => PyDateTime::parse_iso(&text()?).ok().map(Dynamic::from),
        "date" if keys(&["value"]) => PyDate::parse_iso(&text()?).ok().map(Dynamic::from),
        "Decimal" if keys(&["value"]) => PyDecimal::parse(&text()?).ok().map(Dynamic::from),
        "timedelta" if keys(&["days", "seconds", "microseconds"]) => {
            let us = int("days")? as i128 * 86_400_000_000
                + int("seconds")? as i128 * 1_000_000
                + int("microseconds")? as i128;
            Some(Dynamic::from(PyTimeDelta(us)))
        }
        _ => None,
    }
}

// ----- json -----

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `json.dumps(obj, indent=…, sort_keys=…)` (ensure_ascii on).
fn dumps(
    d: &Dynamic,
    indent: Option<usize>,
    sort: bool,
    level: usize,
    out: &mut String,
) -> Res<()> {
    if level > 200 {
        return fail("RecursionError: maximum recursion depth exceeded while encoding JSON");
    }
    let nl = |out: &mut String, l: usize| {
        if let Some(n) = indent {
            out.push('\n');
            out.push_str(&" ".repeat(n * l));
        }
    };
    let sep = if indent.is_some() { "," } else { ", " };
    if d.is_unit() {
        out.push_str("null");
    } else if let Ok(b) = d.as_bool() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Ok(i) = d.as_int() {
        out.push_str(&i.to_string());
    } else if let Ok(f) = d.as_float() {
        out.push_str(&match float_repr(f).as_str() {
            "inf" => "Infinity".to_string(),
            "-inf" => "-Infinity".to_string(),
            "nan" => "NaN".to_string(),
            s => s.to_string(),
        });
    } else if d.is_string() || d.is_char() {
        json_str(&d.to_string(), out);
    } else if let Ok(a) = d.as_array_ref() {
        if a.is_empty() {
            out.push_str("[]");
            return Ok(());
        }
        out.push('[');
        for (i, x) in a.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            nl(out, level + 1);
            dumps(x, indent, sort, level + 1, out)?;
        }
        nl(out, level);
        out.push(']');
    } else if let Ok(m) = d.as_map_ref() {
        if m.is_empty() {
            out.push_str("{}");
            return Ok(());
        }
        let mut items: Vec<_> = m.iter().collect();
        if sort {
            items.sort_by(|a, b| a.0.cmp(b.0));
        }
        out.push('{');
        for (i, (k, v)) in items.into_iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            nl(out, level + 1);
            json_str(k, out);
            out.push_str(": ");
            dumps(v, indent, sort, level + 1, out)?;
        }
        nl(out, level);
        out.push('}');
    } else {
        return fail(format!(
            "TypeError: Object of type {} is not JSON serializable",
            py_type(d).rsplit('.').next().unwrap_or("object")
        ));
    }
    Ok(())
}

// ----- math -----

fn math1(name: &str, x: &Dynamic) -> Res<Dynamic> {
    if name == "fsum" {
        let items = x
            .as_array_ref()
            .map(|a| a.clone())
            .map_err(|_| format!("TypeError: '{}' object is not iterable", py_type(x)))?;
        let mut s = 0.0;
        for i in &items {
            s += float_arg(i, "fsum item")?;
        }
        return Ok(s.into());
    }
    if name == "factorial" {
        let n = int_arg(x, "factorial() argument")?;
        if n < 0 {
            return fail("ValueError: factorial() not defined for negative values");
        }
        let mut acc: i64 = 1;
        for k in 2..=n {
            acc = acc
                .checked_mul(k)
                .ok_or("OverflowError: factorial() result is too large")?;
        }
        return Ok(acc.into());
    }
    if matches!(name, "floor" | "ceil" | "trunc") {
        if let Ok(i) = x.as_int() {
            return Ok(i.into());
        }
        if let Some(dx) = get::<PyDecimal>(x) {
            let mode = match name {
                "floor" => Rounding::Floor,
                "ceil" => Rounding::Ceiling,
                _ => Rounding::Down,
            };
            return lift(dx.rescale(0, mode).and_then(|r| r.trunc())).map(Dynamic::from);
        }
    }
    let f = float_arg(x, "must be real number")?;
    let domain = || fail("ValueError: math domain error");
    Ok(match name {
        "floor" | "ceil" | "trunc" => {
            let r = match name {
                "floor" => f.floor(),
                "ceil" => f.ceil(),
                _ => f.trunc(),
            };
            if !r.is_finite() || r.abs() >= 9.2e18 {
                return fail("OverflowError: cannot convert float to integer");
            }
            (r as i64).into()
        }
        "sqrt" if f < 0.0 => return domain(),
        "sqrt" => f.sqrt().into(),
        "exp" => f.exp().into(),
        "log10" | "log2" if f <= 0.0 => return domain(),
        "log10" => f.log10().into(),
        "log2" => f.log2().into(),
        "fabs" => f.abs().into(),
        "sin" => f.sin().into(),
        "cos" => f.cos().into(),
        "tan" => f.tan().into(),
        "asin" | "acos" if f.abs() > 1.0 => return domain(),
        "asin" => f.asin().into(),
        "acos" => f.acos().into(),
        "atan" => f.atan().into(),
        "degrees" => f.to_degrees().into(),
        "radians" => f.to_radians().into(),
        "isnan" => f.is_nan().into(),
        "isinf" => f.is_infinite().into(),
        "isfinite" => f.is_finite().into(),
        _ => return fail(format!("math.{name} is not available")),
    })
}

fn math2(name: &str, x: &Dynamic, y: &Dynamic) -> Res<Dynamic> {
    if name == "gcd" {
        let (mut a, mut b) = (
            int_arg(x, "gcd() argument")?.unsigned_abs(),
            int_arg(y, "gcd() argument")?.unsigned_abs(),
        );
        while b != 0 {
            (a, b) = (b, a % b);
        }
        return Ok((a as i64).into());
    }
    let (a, b) = (
        float_arg(x, "must be real number")?,
        float_arg(y, "must be real number")?,
    );
    Ok(match name {
        "pow" => a.powf(b).into(),
        "atan2" => a.atan2(b).into(),
        "hypot" => a.hypot(b).into(),
        "copysign" => a.copysign(b).into(),
        "fmod" if b == 0.0 => return fail("ValueError: math domain error"),
        "fmod" => (a % b).into(),
        _ => return fail(format!("math.{name} is not available")),
    })
}

fn timedelta(a: &Array) -> Res<PyTimeDelta> {
    // days, seconds, microseconds, milliseconds, minutes, hours, weeks
    const MICROS: [f64; 7] = [86_400e6, 1e6, 1.0, 1e3, 60e6, 3_600e6, 604_800e6];
    let mut exact: i128 = 0;
    let mut fractional = 0.0;
    for (i, unit) in MICROS.iter().enumerate() {
        let Some(v) = arg(a, i) else { continue };
        if let Ok(n) = int_arg(v, "timedelta argument") {
            exact += n as i128 * *unit as i128;
        } else {
            fractional += float_arg(v, "timedelta argument")? * unit;
        }
    }
    if !fractional.is_finite() || fractional.abs() > 1e20 {
        return fail("OverflowError: timedelta is too large");
    }
    Ok(PyTimeDelta(exact + fractional.round_ties_even() as i128))
}

fn decimal(a: &Array) -> Res<PyDecimal> {
    let Some(v) = arg(a, 0) else {
        return Ok(PyDecimal::from_int(0));
    };
    if let Some(d) = get::<PyDecimal>(v) {
        return Ok(d);
    }
    if let Ok(i) = int_arg(v, "") {
        return Ok(PyDecimal::from_int(i));
    }
    if let Ok(f) = v.as_float() {
        return lift(PyDecimal::from_float(f));
    }
    if v.is_string() {
        return lift(PyDecimal::parse(&str_arg(v, "")?));
    }
    fail(format!(
        "TypeError: conversion from {} to Decimal is not supported",
        py_type(v)
    ))
}

/// Registers the module functions, methods and operators on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<PyDateTime>("datetime.datetime");
    engine.register_type_with_name::<PyDate>("datetime.date");
    engine.register_type_with_name::<PyTimeDelta>("datetime.timedelta");
    engine.register_type_with_name::<PyTimezone>("datetime.timezone");
    engine.register_type_with_name::<PyDecimal>("decimal.Decimal");

    engine.register_fn("py_datetime", |a: Array| -> Res<PyDateTime> {
        let mut p = [0i64; 7];
        for (i, slot) in p.iter_mut().enumerate() {
            if let Some(v) = arg(&a, i) {
                *slot = int_arg(v, "datetime argument")?;
            }
        }
        lift(PyDateTime::new(p, tz_arg(arg(&a, 7))?))
    });
    engine.register_fn("py_datetime_now", |a: Array| -> Res<PyDateTime> {
        Ok(PyDateTime::now(tz_arg(arg(&a, 0))?))
    });
    engine.register_fn("py_datetime_utcnow", |_: Array| PyDateTime::now(None));
    engine.register_fn("py_datetime_fromisoformat", |a: Array| -> Res<PyDateTime> {
        lift(PyDateTime::parse_iso(&str_arg(
            &a[0],
            "fromisoformat: argument",
        )?))
    });
    engine.register_fn("py_datetime_strptime", |a: Array| -> Res<PyDateTime> {
        lift(PyDateTime::strptime(
            &str_arg(&a[0], "strptime() argument 1")?,
            &str_arg(&a[1], "strptime() argument 2")?,
        ))
    });
    engine.register_fn("py_datetime_fromtimestamp", |a: Array| -> Res<PyDateTime> {
        lift(PyDateTime::from_seconds(
            float_arg(&a[0], "timestamp")?,
            tz_arg(arg(&a, 1))?,
        ))
    });
    engine.register_fn("py_date", |a: Array| -> Res<PyDate> {
        lift(PyDate::new(
            int_arg(&a[0], "year")?,
            int_arg(&a[1], "month")?,
            int_arg(&a[2], "day")?,
        ))
    });
    engine.register_fn("py_date_today", |_: Array| PyDate::today());
    engine.register_fn("py_date_fromisoformat", |a: Array| -> Res<PyDate> {
        lift(PyDate::parse_iso(&str_arg(
            &a[0],
            "fromisoformat: argument",
        )?))
    });
    engine.register_fn("py_timedelta", |a: Array| timedelta(&a));
    engine.register_fn("py_tz_utc", || PyTimezone(jiff::tz::Offset::UTC));
    engine.register_fn("py_time_time", |_: Array| {
        script_now().as_microsecond() as f64 / 1e6
    });
    engine.register_fn("py_json_dumps", |a: Array| -> Res<String> {
        let indent = match arg(&a, 1) {
            Some(i) => Some(usize::try_from(int_arg(i, "indent")?).unwrap_or(0).min(64)),
            None => None,
        };
        let sort = arg(&a, 2).is_some_and(truthy);
        let mut out = String::new();
        dumps(&a[0], indent, sort, 0, &mut out)?;
        Ok(out)
    });
    engine.register_fn("py_json_loads", |a: Array| -> Res<Dynamic> {
        let s = str_arg(&a[0], "the JSON object")?;
        let v: serde_json::Value =
            serde_json::from_str(&s).map_err(|e| format!("json.decoder.JSONDecodeError: {e}"))?;
        rhai::serde::to_dynamic(v)
    });
    engine.register_fn("py_decimal", |a: Array| decimal(&a));
    for name in MATH_1 {
        let n = name.to_string();
        engine.register_fn(format!("py_math_{name}"), move |a: Array| math1(&n, &a[0]));
    }
    for name in MATH_2.iter().filter(|n| **n != "isclose") {
        let n = name.to_string();
        engine.register_fn(format!("py_math_{name}"), move |a: Array| {
            math2(&n, &a[0], &a[1])
        });
    }
    engine.register_fn("py_math_log", |a: Array| -> Res<f64> {
        let x = float_arg(&a[0], "must be real number")?;
        let base = match arg(&a, 1) {
            Some(b) => Some(float_arg(b, "must be real number")?),
            None => None,
        };
        if x <= 0.0 || base.is_some_and(|b| b <= 0.0 || b == 1.0) {
            return fail("ValueError: math domain error");
        }
        Ok(base.map_or(x.ln(), |b| x.ln() / b.ln()))
    });
    engine.register_fn("py_math_isclose", |a: Array| -> Res<bool> {
        let (x, y) = (float_arg(&a[0], "a")?, float_arg(&a[1], "b")?);
        let rel = arg(&a, 2).map_or(Ok(1e-9), |r| float_arg(r, "rel_tol"))?;
        let abs = arg(&a, 3).map_or(Ok(0.0), |r| float_arg(r, "abs_tol"))?;
        Ok(x == y || (x - y).abs() <= (rel * x.abs().max(y.abs())).max(abs))
    });
    engine.register_fn("py_method", |v: Dynamic, name: &str, a: Array| {
        call_method(&v, name, &a)
    });
    // Operators Rhai applies to these values directly.
    for op in ["+", "-", "*"] {
        macro_rules! binop {
            ($a:ty, $b:ty) => {
                engine.register_fn(op, move |x: $a, y: $b| -> Res<Dynamic> {
                    arith(op, &Dynamic::from(x), &Dynamic::from(y))
                        .unwrap_or_else(|| fail("TypeError: unsupported operand types"))
                });
            };
        }
        binop!(PyDateTime, PyTimeDelta);
        binop!(PyTimeDelta, PyDateTime);
        binop!(PyDateTime, PyDateTime);
        binop!(PyDate, PyTimeDelta);
        binop!(PyTimeDelta, PyDate);
        binop!(PyDate, PyDate);
        binop!(PyTimeDelta, PyTimeDelta);
        binop!(PyTimeDelta, i64);
        binop!(i64, PyTimeDelta);
        binop!(PyTimeDelta, f64);
        binop!(f64, PyTimeDelta);
        binop!(PyDecimal, PyDecimal);
        binop!(PyDecimal, i64);
        binop!(i64, PyDecimal);
        binop!(PyDecimal, f64);
        binop!(f64, PyDecimal);
    }
    engine.register_fn("-", |x: PyDecimal| x.neg());
    engine.register_fn("-", |x: PyTimeDelta| PyTimeDelta(-x.0));
    macro_rules! equality {
        ($t:ty) => {
            engine.register_fn("==", |x: $t, y: Dynamic| py_eq(&Dynamic::from(x), &y));
            engine.register_fn("==", |x: Dynamic, y: $t| py_eq(&x, &Dynamic::from(y)));
            engine.register_fn("!=", |x: $t, y: Dynamic| !py_eq(&Dynamic::from(x), &y));
            engine.register_fn("!=", |x: Dynamic, y: $t| !py_eq(&x, &Dynamic::from(y)));
        };
    }
    equality!(PyDateTime);
    equality!(PyDate);
    equality!(PyTimeDelta);
    equality!(PyDecimal);
    equality!(PyTimezone);
}
