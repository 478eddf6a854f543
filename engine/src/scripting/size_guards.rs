//! Size limits on script values, checked where they cost O(1) or once:
//! when one call asks for a size (`pad`, `blob`), and when a value leaves a
//! script for the task data. Rhai's own checks re-measure a whole list on
//! every change to it, which made building a list quadratic; growth inside
//! a run is bounded by the memory limit instead (see [`super::memory`]).

use rhai::{Array, Blob, Dynamic, Engine, EvalAltResult, ImmutableString, Position};

use super::Limits;
use crate::model::MAX_DATA_DEPTH;

/// `n` bytes as the size flags take them (`512M`, `64K`, `1000`).
pub fn bytes(n: usize) -> String {
    for (unit, size) in [("G", 1usize << 30), ("M", 1 << 20), ("K", 1 << 10)] {
        if n >= size && n % size == 0 {
            return format!("{}{unit}", n / size);
        }
    }
    n.to_string()
}

fn too_large(what: &str, len: i64, max: usize, flag: &str) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(
        format!("{what} of {len} is more than the limit of {max} ({flag})").into(),
        Position::NONE,
    )
    .into()
}

/// Registers `pad` and `blob`, which allocate a size the script names in
/// one call, over Rhai's own, checking the size first.
pub fn register(engine: &mut Engine, limits: &Limits) {
    let max_array = limits.max_array_size;
    let max_string = limits.max_string_size;
    engine.register_fn(
        "pad",
        move |a: &mut Array, len: i64, item: Dynamic| -> Result<(), Box<EvalAltResult>> {
            if len as u64 > max_array as u64 {
                return Err(too_large("a list", len, max_array, "--max-array"));
            }
            if len > 0 && len as usize > a.len() {
                a.resize(len as usize, item);
            }
            Ok(())
        },
    );
    engine.register_fn(
        "pad",
        move |b: &mut Blob, len: i64, value: i64| -> Result<(), Box<EvalAltResult>> {
            if len as u64 > max_array as u64 {
                return Err(too_large("a blob", len, max_array, "--max-array"));
            }
            if len > 0 && len as usize > b.len() {
                b.resize(len as usize, (value & 0xff) as u8);
            }
            Ok(())
        },
    );
    let string_pad =
        move |s: &mut ImmutableString, len: i64, fill: &str| -> Result<(), Box<EvalAltResult>> {
            if len as u64 > max_string as u64 {
                return Err(too_large("a string", len, max_string, "--max-string"));
            }
            let have = s.chars().count();
            if len > 0 && !fill.is_empty() && len as usize > have {
                let mut out = s.to_string();
                let mut chars = fill.chars().cycle();
                for _ in have..len as usize {
                    out.push(chars.next().unwrap_or(' '));
                }
                *s = out.into();
            }
            Ok(())
        };
    engine.register_fn("pad", move |s: &mut ImmutableString, len: i64, c: char| {
        string_pad(s, len, &c.to_string())
    });
    engine.register_fn(
        "pad",
        move |s: &mut ImmutableString, len: i64, fill: ImmutableString| {
            string_pad(s, len, fill.as_str())
        },
    );
    let blob = move |len: i64, value: i64| -> Result<Blob, Box<EvalAltResult>> {
        if len as u64 > max_array as u64 {
            return Err(too_large("a blob", len, max_array, "--max-array"));
        }
        Ok(vec![(value & 0xff) as u8; len.max(0) as usize])
    };
    engine.register_fn("blob", move |len: i64| blob(len, 0));
    engine.register_fn("blob", blob);
}

/// Checks a value leaving a script: nesting (bounded recursion, however
/// deep the value goes) and the sizes of its strings, lists and maps.
pub fn check_value(name: &str, d: &Dynamic, limits: &Limits) -> Result<(), String> {
    fn walk(d: &Dynamic, above: usize, limits: &Limits) -> Result<(), &'static str> {
        if above >= MAX_DATA_DEPTH {
            return Err("depth");
        }
        if let Some(a) = d.read_lock::<Array>() {
            if a.len() > limits.max_array_size {
                return Err("list");
            }
            for c in a.iter() {
                walk(c, above + 1, limits)?;
            }
        } else if let Some(m) = d.read_lock::<rhai::Map>() {
            if m.len() > limits.max_map_size {
                return Err("map");
            }
            for c in m.values() {
                walk(c, above + 1, limits)?;
            }
        } else if let Some(s) = d.read_lock::<ImmutableString>() {
            if s.len() > limits.max_string_size {
                return Err("string");
            }
        } else if let Some(b) = d.read_lock::<Blob>() {
            if b.len() > limits.max_array_size {
                return Err("list");
            }
        }
        Ok(())
    }
    // A scalar value sits one level inside the task data; a list in it,
    // two: `above` counts the levels around `d`.
    match walk(d, 0, limits) {
        Ok(()) => Ok(()),
        Err("depth") => Err(format!(
            "`{name}` nests lists and maps more than {MAX_DATA_DEPTH} levels deep, which task data may not"
        )),
        Err("list") => Err(format!(
            "`{name}` holds a list longer than {} items, the limit (--max-array)",
            limits.max_array_size
        )),
        Err("map") => Err(format!(
            "`{name}` holds a map of more than {} entries, the limit (--max-map)",
            limits.max_map_size
        )),
        Err(_) => Err(format!(
            "`{name}` holds a string longer than {} bytes, the limit (--max-string)",
            bytes(limits.max_string_size)
        )),
    }
}
