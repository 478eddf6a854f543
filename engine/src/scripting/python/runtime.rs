//! The `py_*` functions translated Python calls, registered on the Rhai
//! engine: Python semantics for `len`, `str`, `/`, `in`, indexing, dict and
//! list methods, f-string formatting… They only compute on the values they
//! are given (no I/O, no host access), and failures are Rhai errors named
//! like Python's (`KeyError: 'x'`, `TypeError: …`).

use std::cmp::Ordering;

use rhai::{Array, Dynamic, Engine, EvalAltResult, INT, ImmutableString, Map};

use super::decimal::{PyDecimal, Rounding};
use super::float_repr::float_repr;
use super::module_values;
use super::py_type::py_type;
use crate::scripting::truthy::truthy;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The value `del x` leaves in a variable: the engine removes such
/// variables from the task data instead of writing them back.
#[derive(Debug, Clone, Copy)]
pub struct Deleted;

/// What a variable a translated script assigns holds until it is assigned
/// (reading it is an error, like Python's NameError).
#[derive(Debug, Clone, Copy)]
pub struct Unassigned;

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(msg.into().into())
}

#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

fn num(d: &Dynamic) -> Option<Num> {
    if let Ok(i) = d.as_int() {
        Some(Num::I(i))
    } else if let Ok(f) = d.as_float() {
        Some(Num::F(f))
    } else if let Ok(b) = d.as_bool() {
        Some(Num::I(b as i64))
    } else {
        None
    }
}

fn nums(op: &str, a: &Dynamic, b: &Dynamic) -> Res<(Num, Num)> {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => fail(format!(
            "TypeError: unsupported operand type(s) for {op}: '{}' and '{}'",
            py_type(a),
            py_type(b)
        )),
    }
}

fn text(d: &Dynamic) -> Option<String> {
    if d.is_string() {
        d.clone()
            .into_immutable_string()
            .ok()
            .map(|s| s.to_string())
    } else if let Ok(c) = d.as_char() {
        Some(c.to_string())
    } else {
        None
    }
}

fn want_str(d: &Dynamic, what: &str) -> Res<String> {
    text(d).map_or_else(
        || fail(format!("TypeError: {what} must be str, not {}", py_type(d))),
        Ok,
    )
}

fn map_key(d: &Dynamic) -> Res<String> {
    if let Some(s) = text(d) {
        Ok(s)
    } else if d.is_int() || d.is_float() || d.is_bool() {
        Ok(py_str(d))
    } else {
        fail(format!("TypeError: unhashable type: '{}'", py_type(d)))
    }
}

fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// Python `repr()`.
pub fn py_repr(d: &Dynamic) -> String {
    match text(d) {
        Some(s) => str_repr(&s),
        None => module_values::to_repr(d).unwrap_or_else(|| py_str(d)),
    }
}

/// Python `str()`.
pub fn py_str(d: &Dynamic) -> String {
    if d.is_unit() {
        "None".into()
    } else if let Ok(b) = d.as_bool() {
        if b { "True" } else { "False" }.into()
    } else if let Ok(i) = d.as_int() {
        i.to_string()
    } else if let Ok(f) = d.as_float() {
        float_repr(f)
    } else if let Some(s) = text(d) {
        s
    } else if let Ok(a) = d.as_array_ref() {
        let items: Vec<String> = a.iter().map(py_repr).collect();
        format!("[{}]", items.join(", "))
    } else if let Ok(m) = d.as_map_ref() {
        let items: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("{}: {}", str_repr(k), py_repr(v)))
            .collect();
        format!("{{{}}}", items.join(", "))
    } else if let Some(s) = module_values::to_str(d) {
        s
    } else {
        d.to_string()
    }
}

/// Python `==`.
pub fn py_eq(a: &Dynamic, b: &Dynamic) -> bool {
    if let Some(r) = module_values::eq(a, b) {
        return r;
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return match (x, y) {
            (Num::I(x), Num::I(y)) => x == y,
            _ => x.f() == y.f(),
        };
    }
    if let (Some(x), Some(y)) = (text(a), text(b)) {
        return x == y;
    }
    if a.is_unit() || b.is_unit() {
        return a.is_unit() && b.is_unit();
    }
    if let (Ok(x), Ok(y)) = (a.as_array_ref(), b.as_array_ref()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| py_eq(p, q));
    }
    if let (Ok(x), Ok(y)) = (a.as_map_ref(), b.as_map_ref()) {
        return x.len() == y.len()
            && x.iter()
                .all(|(k, v)| y.get(k.as_str()).is_some_and(|w| py_eq(v, w)));
    }
    false
}

/// Python ordering (`<`) of two values.
pub fn py_cmp(a: &Dynamic, b: &Dynamic) -> Res<Ordering> {
    if let Some(r) = module_values::cmp(a, b) {
        return r;
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(match (x, y) {
            (Num::I(x), Num::I(y)) => x.cmp(&y),
            _ => x.f().partial_cmp(&y.f()).unwrap_or(Ordering::Equal),
        });
    }
    if let (Some(x), Some(y)) = (text(a), text(b)) {
        return Ok(x.cmp(&y));
    }
    if let (Ok(x), Ok(y)) = (a.as_array_ref(), b.as_array_ref()) {
        for (p, q) in x.iter().zip(y.iter()) {
            match py_cmp(p, q)? {
                Ordering::Equal => {}
                o => return Ok(o),
            }
        }
        return Ok(x.len().cmp(&y.len()));
    }
    fail(format!(
        "TypeError: '<' not supported between instances of '{}' and '{}'",
        py_type(a),
        py_type(b)
    ))
}

/// The items of an iterable: list items, dict keys, string characters.
fn items(d: &Dynamic) -> Res<Array> {
    if let Ok(a) = d.as_array_ref() {
        return Ok(a.clone());
    }
    if let Ok(m) = d.as_map_ref() {
        return Ok(m.keys().map(|k| Dynamic::from(k.to_string())).collect());
    }
    if let Some(s) = text(d) {
        return Ok(s.chars().map(|c| Dynamic::from(c.to_string())).collect());
    }
    fail(format!(
        "TypeError: '{}' object is not iterable",
        py_type(d)
    ))
}

fn len(d: &Dynamic) -> Res<i64> {
    if let Ok(a) = d.as_array_ref() {
        Ok(a.len() as i64)
    } else if let Ok(m) = d.as_map_ref() {
        Ok(m.len() as i64)
    } else if let Some(s) = text(d) {
        Ok(s.chars().count() as i64)
    } else {
        fail(format!(
            "TypeError: object of type '{}' has no len()",
            py_type(d)
        ))
    }
}

fn int(d: &Dynamic) -> Res<i64> {
    if let Ok(i) = d.as_int() {
        return Ok(i);
    }
    if let Some(x) = d.read_lock::<PyDecimal>() {
        return x.trunc().map_err(Into::into);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(b as i64);
    }
    if let Ok(f) = d.as_float() {
        if !f.is_finite() || f.abs() >= 9.2e18 {
            return fail(format!(
                "OverflowError: cannot convert float {f} to integer"
            ));
        }
        return Ok(f.trunc() as i64);
    }
    if let Some(s) = text(d) {
        return s.trim().replace('_', "").parse::<i64>().or_else(|_| {
            fail(format!(
                "ValueError: invalid literal for int() with base 10: {}",
                str_repr(&s)
            ))
        });
    }
    fail(format!(
        "TypeError: int() argument must be a string or a number, not '{}'",
        py_type(d)
    ))
}

fn float(d: &Dynamic) -> Res<f64> {
    if let Some(n) = num(d) {
        return Ok(n.f());
    }
    if let Some(x) = d.read_lock::<PyDecimal>() {
        return Ok(x.to_f64());
    }
    if let Some(s) = text(d) {
        return s.trim().parse::<f64>().or_else(|_| {
            fail(format!(
                "ValueError: could not convert string to float: {}",
                str_repr(&s)
            ))
        });
    }
    fail(format!(
        "TypeError: float() argument must be a string or a number, not '{}'",
        py_type(d)
    ))
}

fn add(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    if let Some(r) = module_values::arith("+", a, b) {
        return r;
    }
    Ok(match nums("+", a, b)? {
        (Num::I(x), Num::I(y)) => match x.checked_add(y) {
            Some(v) => v.into(),
            None => return fail("OverflowError: integer addition overflow"),
        },
        (x, y) => (x.f() + y.f()).into(),
    })
}

fn sum(xs: &Dynamic, start: Dynamic) -> Res<Dynamic> {
    let mut acc = start;
    for x in items(xs)? {
        acc = add(&acc, &x)?;
    }
    Ok(acc)
}

fn extreme(xs: &Dynamic, want: Ordering, name: &str) -> Res<Dynamic> {
    let mut best: Option<Dynamic> = None;
    for x in items(xs)? {
        best = Some(match best {
            None => x,
            Some(b) => {
                if py_cmp(&x, &b)? == want {
                    x
                } else {
                    b
                }
            }
        });
    }
    best.map_or_else(
        || fail(format!("ValueError: {name}() arg is an empty sequence")),
        Ok,
    )
}

fn round0(x: &Dynamic) -> Res<Dynamic> {
    if let Some(d) = x.read_lock::<PyDecimal>() {
        let r = d.rescale(0, Rounding::HalfEven);
        return r
            .and_then(|r| r.trunc())
            .map(Dynamic::from)
            .map_err(Into::into);
    }
    match num(x) {
        Some(Num::I(i)) => Ok(i.into()),
        Some(Num::F(f)) => int(&Dynamic::from(f.round_ties_even())).map(Dynamic::from),
        None => fail(format!(
            "TypeError: type {} doesn't define __round__ method",
            py_type(x)
        )),
    }
}

fn round_n(x: &Dynamic, n: i64) -> Res<Dynamic> {
    if let Some(d) = x.read_lock::<PyDecimal>() {
        let r = d.rescale(n.clamp(0, 28) as u32, Rounding::HalfEven);
        return r.map(Dynamic::from).map_err(Into::into);
    }
    match num(x) {
        Some(Num::I(i)) if n >= 0 => Ok(i.into()),
        Some(Num::I(i)) => {
            let p = 10f64.powi(n.clamp(-308, 0).unsigned_abs() as i32);
            Ok((((i as f64) / p).round_ties_even() * p).into())
        }
        Some(Num::F(f)) => {
            let n = n.clamp(-308, 308) as i32;
            // Round the decimal text, as Python does, not the binary value.
            if n >= 0 {
                let s = format!("{:.*}", n as usize, f);
                Ok(s.parse::<f64>().unwrap_or(f).into())
            } else {
                let p = 10f64.powi(-n);
                Ok(((f / p).round_ties_even() * p).into())
            }
        }
        None => fail(format!(
            "TypeError: type {} doesn't define __round__ method",
            py_type(x)
        )),
    }
}

fn sorted(xs: &Dynamic, reverse: bool) -> Res<Array> {
    let mut v = items(xs)?;
    sort(&mut v, reverse)?;
    Ok(v)
}

fn sort(v: &mut Array, reverse: bool) -> Res<()> {
    let mut error = None;
    v.sort_by(|a, b| match py_cmp(a, b) {
        Ok(o) => o,
        Err(e) => {
            error.get_or_insert(e);
            Ordering::Equal
        }
    });
    if let Some(e) = error {
        return Err(e);
    }
    if reverse {
        v.reverse();
    }
    Ok(())
}

fn range(start: i64, stop: i64, step: i64) -> Res<Array> {
    if step == 0 {
        return fail("ValueError: range() arg 3 must not be zero");
    }
    let n = if step > 0 {
        (stop.saturating_sub(start)).max(0).saturating_add(step - 1) / step
    } else {
        (start.saturating_sub(stop))
            .max(0)
            .saturating_add(-step - 1)
            / -step
    };
    if n > 10_000_000 {
        return fail("MemoryError: range() is too large");
    }
    Ok((0..n).map(|k| Dynamic::from(start + k * step)).collect())
}

fn truediv(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    if let Some(r) = module_values::arith("/", a, b) {
        return r;
    }
    let (x, y) = nums("/", a, b)?;
    if y.f() == 0.0 {
        return fail("ZeroDivisionError: division by zero");
    }
    Ok((x.f() / y.f()).into())
}

fn floordiv(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    if let Some(r) = module_values::arith("//", a, b) {
        return r;
    }
    match nums("//", a, b)? {
        (_, y) if y.f() == 0.0 => fail("ZeroDivisionError: integer division or modulo by zero"),
        (Num::I(x), Num::I(y)) if x == i64::MIN && y == -1 => {
            fail("OverflowError: integer division overflow")
        }
        (Num::I(x), Num::I(y)) => Ok(div_floor(x, y).into()),
        (x, y) => Ok((x.f() / y.f()).floor().into()),
    }
}

fn div_floor(x: i64, y: i64) -> i64 {
    let q = x / y;
    if x % y != 0 && ((x < 0) != (y < 0)) {
        q - 1
    } else {
        q
    }
}

fn modulo(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    if let Some(r) = module_values::arith("%", a, b) {
        return r;
    }
    match nums("%", a, b)? {
        (_, y) if y.f() == 0.0 => fail("ZeroDivisionError: integer division or modulo by zero"),
        (Num::I(x), Num::I(y)) => match x.checked_rem(y) {
            Some(r) if r != 0 && ((r < 0) != (y < 0)) => Ok((r + y).into()),
            Some(r) => Ok(r.into()),
            None => Ok(0i64.into()),
        },
        (x, y) => {
            let (x, y) = (x.f(), y.f());
            Ok((x - y * (x / y).floor()).into())
        }
    }
}

fn pow(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    match nums("**", a, b)? {
        (Num::I(x), Num::I(y)) if y >= 0 => {
            match u32::try_from(y).ok().and_then(|y| x.checked_pow(y)) {
                Some(v) => Ok(v.into()),
                None => fail("OverflowError: integer power too large"),
            }
        }
        (x, y) => {
            if x.f() == 0.0 && y.f() < 0.0 {
                return fail("ZeroDivisionError: 0.0 cannot be raised to a negative power");
            }
            Ok(x.f().powf(y.f()).into())
        }
    }
}

fn mul(a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    if let Some(r) = module_values::arith("*", a, b) {
        return r;
    }
    let repeat = |seq: &Dynamic, n: &Dynamic| -> Option<Res<Dynamic>> {
        let n = n.as_int().ok()?.max(0) as usize;
        if let Some(s) = text(seq) {
            if s.len().saturating_mul(n) > 16 * 1024 * 1024 {
                return Some(fail("MemoryError: string repetition is too large"));
            }
            return Some(Ok(s.repeat(n).into()));
        }
        let a = seq.as_array_ref().ok()?;
        if a.len().saturating_mul(n) > 1_000_000 {
            return Some(fail("MemoryError: list repetition is too large"));
        }
        let mut out = Array::with_capacity(a.len() * n);
        for _ in 0..n {
            out.extend(a.iter().cloned());
        }
        Some(Ok(out.into()))
    };
    if let Some(r) = repeat(a, b).or_else(|| repeat(b, a)) {
        return r;
    }
    match nums("*", a, b)? {
        (Num::I(x), Num::I(y)) => match x.checked_mul(y) {
            Some(v) => Ok(v.into()),
            None => fail("OverflowError: integer multiplication overflow"),
        },
        (x, y) => Ok((x.f() * y.f()).into()),
    }
}

fn contains(x: &Dynamic, container: &Dynamic) -> Res<bool> {
    if let Ok(a) = container.as_array_ref() {
        return Ok(a.iter().any(|i| py_eq(i, x)));
    }
    if let Ok(m) = container.as_map_ref() {
        return Ok(map_key(x).is_ok_and(|k| m.contains_key(k.as_str())));
    }
    if let Some(s) = text(container) {
        return match text(x) {
            Some(sub) => Ok(s.contains(&sub)),
            None => fail(format!(
                "TypeError: 'in <string>' requires string as left operand, not {}",
                py_type(x)
            )),
        };
    }
    fail(format!(
        "TypeError: argument of type '{}' is not iterable",
        py_type(container)
    ))
}

fn is(a: &Dynamic, b: &Dynamic) -> bool {
    if a.is_unit() || b.is_unit() {
        return a.is_unit() && b.is_unit();
    }
    match (a.as_bool(), b.as_bool()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn seq_index(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn getitem(v: &Dynamic, k: &Dynamic) -> Res<Dynamic> {
    if let Ok(m) = v.as_map_ref() {
        let key = map_key(k)?;
        return match m.get(key.as_str()) {
            Some(x) => Ok(x.clone()),
            None => fail(format!("KeyError: {}", py_repr(k))),
        };
    }
    if let Ok(a) = v.as_array_ref() {
        let Some(i) = num(k).and_then(|n| match n {
            Num::I(i) => Some(i),
            Num::F(_) => None,
        }) else {
            return fail(format!(
                "TypeError: list indices must be integers or slices, not {}",
                py_type(k)
            ));
        };
        return match seq_index(a.len(), i) {
            Some(i) => Ok(a[i].clone()),
            None => fail("IndexError: list index out of range"),
        };
    }
    if let Some(s) = text(v) {
        let Ok(i) = k.as_int() else {
            return fail(format!(
                "TypeError: string indices must be integers, not '{}'",
                py_type(k)
            ));
        };
        let chars: Vec<char> = s.chars().collect();
        return match seq_index(chars.len(), i) {
            Some(i) => Ok(chars[i].to_string().into()),
            None => fail("IndexError: string index out of range"),
        };
    }
    fail(format!(
        "TypeError: '{}' object is not subscriptable",
        py_type(v)
    ))
}

fn getattr(v: &Dynamic, name: &str) -> Res<Dynamic> {
    if let Some(r) = module_values::attr(v, name) {
        return r;
    }
    if let Ok(m) = v.as_map_ref() {
        return match m.get(name) {
            Some(x) => Ok(x.clone()),
            None => fail(format!(
                "AttributeError: 'dict' object has no attribute or key '{name}'"
            )),
        };
    }
    fail(format!(
        "AttributeError: '{}' object has no attribute '{name}'",
        py_type(v)
    ))
}

fn opt_int(d: &Dynamic, what: &str) -> Res<Option<i64>> {
    if d.is_unit() {
        return Ok(None);
    }
    d.as_int().map(Some).or_else(|_| {
        fail(format!(
            "TypeError: slice {what} must be an integer or None, not {}",
            py_type(d)
        ))
    })
}

fn slice_indices(len: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<usize> {
    let len = len as i64;
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let adjust = |v: Option<i64>, default: i64, lo: i64, hi: i64| match v {
        None => default,
        Some(v) if v < 0 => clamp(v + len, lo, hi),
        Some(v) => clamp(v, lo, hi),
    };
    let mut out = Vec::new();
    if step > 0 {
        let (a, b) = (adjust(start, 0, 0, len), adjust(stop, len, 0, len));
        let mut i = a;
        while i < b {
            out.push(i as usize);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    } else {
        let (a, b) = (
            adjust(start, len - 1, -1, len - 1),
            adjust(stop, -1, -1, len - 1),
        );
        let mut i = a;
        while i > b {
            out.push(i as usize);
            match i.checked_add(step) {
                Some(n) => i = n,
                None => break,
            }
        }
    }
    out
}

fn slice(v: &Dynamic, start: &Dynamic, stop: &Dynamic, step: &Dynamic) -> Res<Dynamic> {
    let (a, b) = (opt_int(start, "indices")?, opt_int(stop, "indices")?);
    let step = opt_int(step, "step")?.unwrap_or(1);
    if step == 0 {
        return fail("ValueError: slice step cannot be zero");
    }
    if let Ok(arr) = v.as_array_ref() {
        let idx = slice_indices(arr.len(), a, b, step);
        return Ok(idx
            .into_iter()
            .map(|i| arr[i].clone())
            .collect::<Array>()
            .into());
    }
    if let Some(s) = text(v) {
        let chars: Vec<char> = s.chars().collect();
        let idx = slice_indices(chars.len(), a, b, step);
        return Ok(idx.into_iter().map(|i| chars[i]).collect::<String>().into());
    }
    fail(format!(
        "TypeError: '{}' object is not subscriptable",
        py_type(v)
    ))
}

fn want_map<'a>(d: &'a Dynamic, method: &str) -> Res<impl std::ops::Deref<Target = Map> + 'a> {
    d.as_map_ref().or_else(|_| {
        fail(format!(
            "AttributeError: '{}' object has no attribute '{method}'",
            py_type(d)
        ))
    })
}

fn no_method<T>(d: &Dynamic, method: &str) -> Res<T> {
    no_method_t(py_type(d), method)
}

fn no_method_t<T>(ty: &str, method: &str) -> Res<T> {
    fail(format!(
        "AttributeError: '{ty}' object has no attribute '{method}'"
    ))
}

fn pop(v: &mut Dynamic, args: Array) -> Res<Dynamic> {
    if let Ok(mut a) = v.as_array_mut() {
        let i = match args.first() {
            None => -1,
            Some(x) => x.as_int().or_else(|_| {
                fail(format!(
                    "TypeError: '{}' object cannot be interpreted as an integer",
                    py_type(x)
                ))
            })?,
        };
        return match seq_index(a.len(), i) {
            Some(i) => Ok(a.remove(i)),
            None => fail("IndexError: pop from empty list or index out of range"),
        };
    }
    if let Ok(mut m) = v.as_map_mut() {
        let Some(k) = args.first() else {
            return fail("TypeError: pop expected at least 1 argument, got 0");
        };
        let key = map_key(k)?;
        return match (m.remove(key.as_str()), args.get(1)) {
            (Some(x), _) => Ok(x),
            (None, Some(d)) => Ok(d.clone()),
            (None, None) => fail(format!("KeyError: {}", py_repr(k))),
        };
    }
    no_method(v, "pop")
}

fn delitem(v: &mut Dynamic, k: Dynamic) -> Res<()> {
    if let Ok(mut a) = v.as_array_mut() {
        let i = k.as_int().or_else(|_| {
            fail(format!(
                "TypeError: list indices must be integers, not {}",
                py_type(&k)
            ))
        })?;
        return match seq_index(a.len(), i) {
            Some(i) => {
                let _ = a.remove(i);
                Ok(())
            }
            None => fail("IndexError: list assignment index out of range"),
        };
    }
    if let Ok(mut m) = v.as_map_mut() {
        let key = map_key(&k)?;
        return match m.remove(key.as_str()) {
            Some(_) => Ok(()),
            None => fail(format!("KeyError: {}", py_repr(&k))),
        };
    }
    fail(format!(
        "TypeError: '{}' object does not support item deletion",
        py_type(v)
    ))
}

fn strip(s: &Dynamic, chars: &Dynamic, left: bool, right: bool, name: &str) -> Res<String> {
    let Some(s) = text(s) else {
        return no_method(s, name);
    };
    let set: Option<Vec<char>> = if chars.is_unit() {
        None
    } else {
        Some(want_str(chars, "strip arg")?.chars().collect())
    };
    let is_strip = |c: char| match &set {
        None => c.is_whitespace(),
        Some(cs) => cs.contains(&c),
    };
    let mut r: &str = &s;
    if left {
        r = r.trim_start_matches(is_strip);
    }
    if right {
        r = r.trim_end_matches(is_strip);
    }
    Ok(r.to_string())
}

fn str_method(s: &Dynamic, name: &str) -> Res<String> {
    text(s).map_or_else(|| no_method(s, name), Ok)
}

fn affix(s: &Dynamic, x: &Dynamic, name: &str, end: bool) -> Res<bool> {
    let s = str_method(s, name)?;
    let options = match x.as_array_ref() {
        Ok(a) => a.clone(),
        Err(_) => vec![x.clone()],
    };
    for o in options {
        let o = want_str(&o, &format!("{name} arg"))?;
        if (end && s.ends_with(&o)) || (!end && s.starts_with(&o)) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_letter = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if prev_letter {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_letter = true;
        } else {
            out.push(c);
            prev_letter = false;
        }
    }
    out
}

/// A parsed f-string format spec: `[[fill]align][+][0][width][,][.precision][type]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatSpec {
    fill: char,
    align: Option<char>,
    plus: bool,
    zero: bool,
    width: usize,
    comma: bool,
    precision: Option<usize>,
    ty: Option<char>,
}

impl FormatSpec {
    /// Parses the spec; `None` when it uses anything not supported.
    pub fn parse(spec: &str) -> Option<FormatSpec> {
        let c: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let mut f = FormatSpec {
            fill: ' ',
            align: None,
            plus: false,
            zero: false,
            width: 0,
            comma: false,
            precision: None,
            ty: None,
        };
        let is_align = |ch: char| matches!(ch, '<' | '>' | '^');
        if c.len() >= 2 && is_align(c[1]) {
            f.fill = c[0];
            f.align = Some(c[1]);
            i = 2;
        } else if !c.is_empty() && is_align(c[0]) {
            f.align = Some(c[0]);
            i = 1;
        }
        if c.get(i) == Some(&'+') {
            f.plus = true;
            i += 1;
        }
        if c.get(i) == Some(&'0') {
            f.zero = true;
            i += 1;
        }
        while let Some(d) = c.get(i).and_then(|ch| ch.to_digit(10)) {
            f.width = f.width.checked_mul(10)?.checked_add(d as usize)?;
            i += 1;
        }
        if f.width > 1000 {
            return None;
        }
        if c.get(i) == Some(&',') {
            f.comma = true;
            i += 1;
        }
        if c.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            let start = i;
            while let Some(d) = c.get(i).and_then(|ch| ch.to_digit(10)) {
                p = p.checked_mul(10)?.checked_add(d as usize)?;
                i += 1;
            }
            if i == start || p > 100 {
                return None;
            }
            f.precision = Some(p);
        }
        if let Some(&t) = c.get(i) {
            if !matches!(t, 'd' | 'f' | 'F' | '%' | 's') {
                return None;
            }
            f.ty = Some(t);
            i += 1;
        }
        if i != c.len() {
            return None;
        }
        if f.precision.is_some() && !matches!(f.ty, Some('f' | 'F' | '%' | 's')) {
            return None;
        }
        Some(f)
    }

    fn group(digits: &str) -> String {
        let (sign, digits) = match digits.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", digits),
        };
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let mut out = String::new();
        for (k, ch) in int.chars().enumerate() {
            if k > 0 && (int.len() - k) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        match frac {
            Some(f) => format!("{sign}{out}.{f}"),
            None => format!("{sign}{out}"),
        }
    }

    /// Formats `v` as Python's `format(v, spec)` would.
    pub fn apply(&self, v: &Dynamic) -> Res<String> {
        let bad = || {
            fail(format!(
                "ValueError: this format spec does not apply to a value of type '{}'",
                py_type(v)
            ))
        };
        let numeric = num(v).is_some() && !v.is_bool();
        let mut body = match self.ty {
            Some('d') => match v.as_int() {
                Ok(i) => i.to_string(),
                Err(_) => return bad(),
            },
            Some('f' | 'F') => match num(v) {
                Some(n) => format!("{:.*}", self.precision.unwrap_or(6), n.f()),
                None => return bad(),
            },
            Some('%') => match num(v) {
                Some(n) => format!("{:.*}%", self.precision.unwrap_or(6), n.f() * 100.0),
                None => return bad(),
            },
            Some('s') => match text(v) {
                Some(s) => match self.precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                },
                None => return bad(),
            },
            _ => py_str(v),
        };
        if self.comma {
            if !numeric {
                return bad();
            }
            body = match body.strip_suffix('%') {
                Some(b) => format!("{}%", Self::group(b)),
                None => Self::group(&body),
            };
        }
        if self.plus && numeric && !body.starts_with('-') {
            body.insert(0, '+');
        }
        let len = body.chars().count();
        if len >= self.width {
            return Ok(body);
        }
        let pad = self.width - len;
        if self.zero && self.align.is_none() && numeric {
            let (sign, rest) = match body.chars().next() {
                Some(s @ ('-' | '+')) => (s.to_string(), body[1..].to_string()),
                _ => (String::new(), body.clone()),
            };
            return Ok(format!("{sign}{}{rest}", "0".repeat(pad)));
        }
        let fill = |n: usize| self.fill.to_string().repeat(n);
        let align = self.align.unwrap_or(if numeric { '>' } else { '<' });
        Ok(match align {
            '>' => format!("{}{body}", fill(pad)),
            '^' => format!("{}{body}{}", fill(pad / 2), fill(pad - pad / 2)),
            _ => format!("{body}{}", fill(pad)),
        })
    }
}

/// Registers every `py_*` helper on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Deleted>("deleted");
    engine.register_type_with_name::<Unassigned>("unassigned variable");
    engine.register_fn("py_deleted", || Deleted);
    engine.register_fn("py_unassigned", || Unassigned);
    // Opaque to the optimizer: guards the declarations of names a script's
    // functions read, which must exist before the functions are made.
    engine.register_fn("py_never", || false);
    engine.register_fn("py_is_set", |d: Dynamic| {
        !(d.is::<Unassigned>() || d.is::<Deleted>())
    });
    engine.register_fn("py_local", |d: Dynamic, name: &str| -> Res<Dynamic> {
        if d.is::<Unassigned>() || d.is::<Deleted>() {
            return fail(format!(
                "UnboundLocalError: cannot access local variable '{name}' where it is not associated with a value"
            ));
        }
        Ok(d)
    });
    engine.register_fn("py_del", |d: Dynamic, name: &str| -> Res<Deleted> {
        if d.is::<Unassigned>() || d.is::<Deleted>() {
            return fail(format!("NameError: name '{name}' is not defined"));
        }
        Ok(Deleted)
    });
    engine.register_fn("py_truthy", |d: Dynamic| truthy(&d));
    engine.register_fn("py_str", |d: Dynamic| py_str(&d));
    engine.register_fn("py_len", |d: &mut Dynamic| len(d));
    engine.register_fn("py_int", |d: Dynamic| int(&d));
    engine.register_fn("py_float", |d: Dynamic| float(&d));
    engine.register_fn("py_abs", |d: Dynamic| -> Res<Dynamic> {
        match num(&d) {
            Some(Num::I(i)) => i.checked_abs().map_or_else(
                || fail("OverflowError: integer overflow in abs()"),
                |v| Ok(v.into()),
            ),
            Some(Num::F(f)) => Ok(f.abs().into()),
            None if module_values::truthy(&d).is_some() => {
                let zero = Dynamic::from(0i64);
                match module_values::cmp(&d, &zero) {
                    Some(Ok(Ordering::Less)) => module_values::arith("-", &zero, &d)
                        .unwrap_or_else(|| fail("TypeError: bad operand type for abs()")),
                    Some(Ok(_)) => Ok(d),
                    _ => fail(format!(
                        "TypeError: bad operand type for abs(): '{}'",
                        py_type(&d)
                    )),
                }
            }
            None => fail(format!(
                "TypeError: bad operand type for abs(): '{}'",
                py_type(&d)
            )),
        }
    });
    engine.register_fn("py_sum", |xs: &mut Dynamic, start: Dynamic| sum(xs, start));
    engine.register_fn("py_min", |xs: &mut Dynamic| {
        extreme(xs, Ordering::Less, "min")
    });
    engine.register_fn("py_max", |xs: &mut Dynamic| {
        extreme(xs, Ordering::Greater, "max")
    });
    engine.register_fn("py_round", |x: Dynamic| round0(&x));
    engine.register_fn("py_round", |x: Dynamic, n: Dynamic| -> Res<Dynamic> {
        if n.is_unit() {
            return round0(&x);
        }
        round_n(&x, int(&n)?)
    });
    engine.register_fn("py_any", |xs: &mut Dynamic| -> Res<bool> {
        Ok(items(xs)?.iter().any(truthy))
    });
    engine.register_fn("py_all", |xs: &mut Dynamic| -> Res<bool> {
        Ok(items(xs)?.iter().all(truthy))
    });
    engine.register_fn("py_sorted", |xs: Dynamic, reverse: bool| {
        sorted(&xs, reverse)
    });
    engine.register_fn("py_list", |xs: Dynamic| items(&xs));
    engine.register_fn(
        "py_range",
        |a: Dynamic, b: Dynamic, s: Dynamic| -> Res<Array> { range(int(&a)?, int(&b)?, int(&s)?) },
    );
    engine.register_fn(
        "py_enumerate",
        |xs: Dynamic, start: Dynamic| -> Res<Array> {
            let start = int(&start)?;
            Ok(items(&xs)?
                .into_iter()
                .enumerate()
                .map(|(i, x)| Dynamic::from_array(vec![start.saturating_add(i as i64).into(), x]))
                .collect())
        },
    );
    engine.register_fn("py_zip", |lists: Array| -> Res<Array> {
        let lists = lists.iter().map(items).collect::<Res<Vec<_>>>()?;
        let n = lists.iter().map(Vec::len).min().unwrap_or(0);
        Ok((0..n)
            .map(|i| Dynamic::from_array(lists.iter().map(|l| l[i].clone()).collect()))
            .collect())
    });
    engine.register_fn("py_print", |xs: Array| {
        xs.iter().map(py_str).collect::<Vec<_>>().join(" ")
    });
    engine.register_fn("py_dict", |pairs: Array| -> Res<Map> {
        let mut m = Map::new();
        for p in pairs {
            let kv = p.as_array_ref().map(|a| a.clone()).unwrap_or_default();
            if let [k, v] = kv.as_slice() {
                m.insert(map_key(k)?.into(), v.clone());
            }
        }
        Ok(m)
    });
    engine.register_fn("py_key", |k: Dynamic| -> Res<ImmutableString> {
        map_key(&k).map(Into::into)
    });
    engine.register_fn("py_unpack", |v: Dynamic, n: i64| -> Res<Array> {
        let xs = items(&v)?;
        if xs.len() as i64 != n {
            return fail(format!(
                "ValueError: expected {n} values to unpack, got {}",
                xs.len()
            ));
        }
        Ok(xs)
    });
    engine.register_fn("py_mul", |a: Dynamic, b: Dynamic| mul(&a, &b));
    // Repetition with `*` also where the operands are not literals, and in
    // files whose code reads the same in both languages (`a = "a" * 512`
    // is Rhai when nothing marks the file Python): Rhai has no `*` for these
    // types, so nothing it already does changes.
    engine.register_fn("*", |s: ImmutableString, n: INT| mul(&s.into(), &n.into()));
    engine.register_fn("*", |n: INT, s: ImmutableString| mul(&n.into(), &s.into()));
    engine.register_fn("*", |a: Array, n: INT| mul(&a.into(), &n.into()));
    engine.register_fn("*", |n: INT, a: Array| mul(&n.into(), &a.into()));
    engine.register_fn("py_truediv", |a: Dynamic, b: Dynamic| truediv(&a, &b));
    engine.register_fn("py_floordiv", |a: Dynamic, b: Dynamic| floordiv(&a, &b));
    engine.register_fn("py_mod", |a: Dynamic, b: Dynamic| modulo(&a, &b));
    engine.register_fn("py_pow", |a: Dynamic, b: Dynamic| pow(&a, &b));
    engine.register_fn("py_lt", |a: Dynamic, b: Dynamic| -> Res<bool> {
        Ok(py_cmp(&a, &b)? == Ordering::Less)
    });
    engine.register_fn("py_le", |a: Dynamic, b: Dynamic| -> Res<bool> {
        Ok(py_cmp(&a, &b)? != Ordering::Greater)
    });
    engine.register_fn("py_in", |x: Dynamic, c: Dynamic| contains(&x, &c));
    engine.register_fn("py_is", |a: Dynamic, b: Dynamic| is(&a, &b));
    engine.register_fn("py_getitem", |v: &mut Dynamic, k: Dynamic| getitem(v, &k));
    engine.register_fn("py_getattr", |v: &mut Dynamic, name: &str| getattr(v, name));
    engine.register_fn(
        "py_slice",
        |v: Dynamic, a: Dynamic, b: Dynamic, s: Dynamic| slice(&v, &a, &b, &s),
    );
    engine.register_fn("py_format", |v: Dynamic, spec: &str| -> Res<String> {
        match FormatSpec::parse(spec) {
            Some(f) => f.apply(&v),
            None => fail(format!("ValueError: unsupported format spec '{spec}'")),
        }
    });
    // Methods that change their receiver.
    engine.register_fn("py_extend", |v: &mut Dynamic, xs: Dynamic| -> Res<()> {
        let more = items(&xs)?;
        let ty = py_type(v);
        match v.as_array_mut() {
            Ok(mut a) => {
                a.extend(more);
                Ok(())
            }
            Err(_) => no_method_t(ty, "extend"),
        }
    });
    engine.register_fn(
        "py_insert",
        |v: &mut Dynamic, i: Dynamic, x: Dynamic| -> Res<()> {
            let i = int(&i)?;
            let ty = py_type(v);
            match v.as_array_mut() {
                Ok(mut a) => {
                    let len = a.len() as i64;
                    let at = if i < 0 { (i + len).max(0) } else { i.min(len) };
                    a.insert(at as usize, x);
                    Ok(())
                }
                Err(_) => no_method_t(ty, "insert"),
            }
        },
    );
    engine.register_fn("py_pop", pop);
    engine.register_fn("py_remove", |v: &mut Dynamic, x: Dynamic| -> Res<()> {
        let ty = py_type(v);
        match v.as_array_mut() {
            Ok(mut a) => match a.iter().position(|i| py_eq(i, &x)) {
                Some(i) => {
                    let _ = a.remove(i);
                    Ok(())
                }
                None => fail("ValueError: list.remove(x): x not in list"),
            },
            Err(_) => no_method_t(ty, "remove"),
        }
    });
    engine.register_fn("py_clear", |v: &mut Dynamic| -> Res<()> {
        if let Ok(mut a) = v.as_array_mut() {
            a.clear();
            return Ok(());
        }
        if let Ok(mut m) = v.as_map_mut() {
            m.clear();
            return Ok(());
        }
        no_method(v, "clear")
    });
    engine.register_fn("py_reverse", |v: &mut Dynamic| -> Res<()> {
        let ty = py_type(v);
        match v.as_array_mut() {
            Ok(mut a) => {
                a.reverse();
                Ok(())
            }
            Err(_) => no_method_t(ty, "reverse"),
        }
    });
    engine.register_fn("py_sort", |v: &mut Dynamic, reverse: bool| -> Res<()> {
        let ty = py_type(v);
        match v.as_array_mut() {
            Ok(mut a) => sort(&mut a, reverse),
            Err(_) => no_method_t(ty, "sort"),
        }
    });
    engine.register_fn("py_update", |v: &mut Dynamic, other: Dynamic| -> Res<()> {
        let other = want_map(&other, "update")?.clone();
        let ty = py_type(v);
        match v.as_map_mut() {
            Ok(mut m) => {
                m.extend(other);
                Ok(())
            }
            Err(_) => no_method_t(ty, "update"),
        }
    });
    engine.register_fn(
        "py_setdefault",
        |v: &mut Dynamic, k: Dynamic, d: Dynamic| -> Res<Dynamic> {
            let key = map_key(&k)?;
            let ty = py_type(v);
            match v.as_map_mut() {
                Ok(mut m) => Ok(m.entry(key.into()).or_insert(d).clone()),
                Err(_) => no_method_t(ty, "setdefault"),
            }
        },
    );
    engine.register_fn("py_delitem", delitem);
    // Methods that only read their receiver.
    engine.register_fn(
        "py_get",
        |v: &mut Dynamic, k: Dynamic, d: Dynamic| -> Res<Dynamic> {
            let m = want_map(v, "get")?;
            Ok(map_key(&k)
                .ok()
                .and_then(|k| m.get(k.as_str()).cloned())
                .unwrap_or(d))
        },
    );
    engine.register_fn("py_keys", |v: &mut Dynamic| -> Res<Array> {
        Ok(want_map(v, "keys")?
            .keys()
            .map(|k| Dynamic::from(k.to_string()))
            .collect())
    });
    engine.register_fn("py_values", |v: &mut Dynamic| -> Res<Array> {
        Ok(want_map(v, "values")?.values().cloned().collect())
    });
    engine.register_fn("py_items", |v: &mut Dynamic| -> Res<Array> {
        Ok(want_map(v, "items")?
            .iter()
            .map(|(k, x)| Dynamic::from_array(vec![k.to_string().into(), x.clone()]))
            .collect())
    });
    engine.register_fn("py_copy", |v: &mut Dynamic| -> Res<Dynamic> {
        if v.is_array() || v.is_map() {
            Ok(v.clone())
        } else {
            no_method(v, "copy")
        }
    });
    engine.register_fn("py_index", |v: &mut Dynamic, x: Dynamic| -> Res<i64> {
        if let Ok(a) = v.as_array_ref() {
            return match a.iter().position(|i| py_eq(i, &x)) {
                Some(i) => Ok(i as i64),
                None => fail(format!("ValueError: {} is not in list", py_repr(&x))),
            };
        }
        let s = str_method(v, "index")?;
        let sub = want_str(&x, "index arg")?;
        match s.find(&sub) {
            Some(b) => Ok(s[..b].chars().count() as i64),
            None => fail("ValueError: substring not found"),
        }
    });
    engine.register_fn("py_count", |v: &mut Dynamic, x: Dynamic| -> Res<i64> {
        if let Ok(a) = v.as_array_ref() {
            return Ok(a.iter().filter(|i| py_eq(i, &x)).count() as i64);
        }
        let s = str_method(v, "count")?;
        let sub = want_str(&x, "count arg")?;
        if sub.is_empty() {
            return Ok(s.chars().count() as i64 + 1);
        }
        Ok(s.matches(&sub).count() as i64)
    });
    engine.register_fn("py_find", |v: Dynamic, x: Dynamic| -> Res<i64> {
        let s = str_method(&v, "find")?;
        let sub = want_str(&x, "find arg")?;
        Ok(s.find(&sub).map_or(-1, |b| s[..b].chars().count() as i64))
    });
    engine.register_fn("py_upper", |v: Dynamic| -> Res<String> {
        Ok(str_method(&v, "upper")?.to_uppercase())
    });
    engine.register_fn("py_lower", |v: Dynamic| -> Res<String> {
        Ok(str_method(&v, "lower")?.to_lowercase())
    });
    engine.register_fn("py_title", |v: Dynamic| -> Res<String> {
        Ok(title(&str_method(&v, "title")?))
    });
    engine.register_fn("py_capitalize", |v: Dynamic| -> Res<String> {
        let s = str_method(&v, "capitalize")?;
        let mut c = s.chars();
        Ok(match c.next() {
            Some(f) => f
                .to_uppercase()
                .chain(c.flat_map(char::to_lowercase))
                .collect(),
            None => String::new(),
        })
    });
    engine.register_fn("py_isdigit", |v: Dynamic| -> Res<bool> {
        let s = str_method(&v, "isdigit")?;
        Ok(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
    });
    engine.register_fn("py_isalpha", |v: Dynamic| -> Res<bool> {
        let s = str_method(&v, "isalpha")?;
        Ok(!s.is_empty() && s.chars().all(char::is_alphabetic))
    });
    engine.register_fn("py_isalnum", |v: Dynamic| -> Res<bool> {
        let s = str_method(&v, "isalnum")?;
        Ok(!s.is_empty() && s.chars().all(char::is_alphanumeric))
    });
    engine.register_fn("py_strip", |v: Dynamic, c: Dynamic| {
        strip(&v, &c, true, true, "strip")
    });
    engine.register_fn("py_lstrip", |v: Dynamic, c: Dynamic| {
        strip(&v, &c, true, false, "lstrip")
    });
    engine.register_fn("py_rstrip", |v: Dynamic, c: Dynamic| {
        strip(&v, &c, false, true, "rstrip")
    });
    engine.register_fn("py_startswith", |v: Dynamic, x: Dynamic| {
        affix(&v, &x, "startswith", false)
    });
    engine.register_fn("py_endswith", |v: Dynamic, x: Dynamic| {
        affix(&v, &x, "endswith", true)
    });
    engine.register_fn("py_split", |v: Dynamic, sep: Dynamic| -> Res<Array> {
        let s = str_method(&v, "split")?;
        let parts: Vec<String> = if sep.is_unit() {
            s.split_whitespace().map(str::to_string).collect()
        } else {
            let sep = want_str(&sep, "separator")?;
            if sep.is_empty() {
                return fail("ValueError: empty separator");
            }
            s.split(sep.as_str()).map(str::to_string).collect()
        };
        Ok(parts.into_iter().map(Dynamic::from).collect())
    });
    engine.register_fn("py_join", |sep: Dynamic, xs: Dynamic| -> Res<String> {
        let sep = str_method(&sep, "join")?;
        let parts = items(&xs)?
            .iter()
            .enumerate()
            .map(|(i, x)| {
                text(x).map_or_else(
                    || {
                        fail(format!(
                            "TypeError: sequence item {i}: expected str instance, {} found",
                            py_type(x)
                        ))
                    },
                    Ok,
                )
            })
            .collect::<Res<Vec<_>>>()?;
        Ok(parts.join(&sep))
    });
    engine.register_fn(
        "py_replace",
        |v: Dynamic, a: Dynamic, b: Dynamic| -> Res<String> {
            let s = str_method(&v, "replace")?;
            Ok(s.replace(&want_str(&a, "replace arg")?, &want_str(&b, "replace arg")?))
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_and_repr_match_python() {
        assert_eq!(float_repr(3.0), "3.0");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1.5e-7), "1.5e-07");
        let v: Dynamic = vec![Dynamic::from("a'b"), Dynamic::UNIT, Dynamic::from(true)].into();
        assert_eq!(py_str(&v), "[\"a'b\", None, True]");
    }

    #[test]
    fn format_specs() {
        let f = |spec: &str, v: Dynamic| FormatSpec::parse(spec).unwrap().apply(&v).unwrap();
        assert_eq!(f(".2f", 1.23456.into()), "1.23");
        assert_eq!(f(",.2f", 1234567.891.into()), "1,234,567.89");
        assert_eq!(f(">5", Dynamic::from("ab")), "   ab");
        assert_eq!(f("05d", 42i64.into()), "00042");
        assert_eq!(f(".1%", 0.256.into()), "25.6%");
        assert!(FormatSpec::parse("x").is_none());
        assert!(FormatSpec::parse(".2").is_none());
    }

    #[test]
    fn slices() {
        assert_eq!(slice_indices(5, Some(1), Some(3), 1), vec![1, 2]);
        assert_eq!(slice_indices(5, None, None, -1), vec![4, 3, 2, 1, 0]);
        assert_eq!(slice_indices(5, Some(-2), None, 1), vec![3, 4]);
    }
}
