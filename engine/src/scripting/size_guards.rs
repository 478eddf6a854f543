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

/// A value leaving a script that task data may not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SizeError {
    #[error(
        "`{name}` nests lists and maps more than {} levels deep, which task data may not",
        MAX_DATA_DEPTH
    )]
    TooDeep { name: String },
    #[error("`{name}` holds a list longer than {max} items, the limit (--max-array)")]
    ListTooLong { name: String, max: usize },
    #[error("`{name}` holds a map of more than {max} entries, the limit (--max-map)")]
    MapTooLarge { name: String, max: usize },
    #[error("`{name}` holds a string longer than {} bytes, the limit (--max-string)", bytes(*.max))]
    StringTooLong { name: String, max: usize },
}

/// Checks a value leaving a script: nesting (bounded recursion, however
/// deep the value goes) and the sizes of its strings, lists and maps.
pub(crate) fn check_value(name: &str, d: &Dynamic, limits: &Limits) -> Result<(), SizeError> {
    /// What is too big; the caller adds the variable's name.
    enum Over {
        Depth,
        List,
        Map,
        String,
    }
    fn walk(d: &Dynamic, above: usize, limits: &Limits) -> Result<(), Over> {
        if above >= MAX_DATA_DEPTH {
            return Err(Over::Depth);
        }
        if let Some(a) = d.read_lock::<Array>() {
            if a.len() > limits.max_array_size {
                return Err(Over::List);
            }
            for c in a.iter() {
                walk(c, above + 1, limits)?;
            }
        } else if let Some(m) = d.read_lock::<rhai::Map>() {
            if m.len() > limits.max_map_size {
                return Err(Over::Map);
            }
            for c in m.values() {
                walk(c, above + 1, limits)?;
            }
        } else if let Some(s) = d.read_lock::<ImmutableString>() {
            if s.len() > limits.max_string_size {
                return Err(Over::String);
            }
        } else if let Some(b) = d.read_lock::<Blob>() {
            if b.len() > limits.max_array_size {
                return Err(Over::List);
            }
        }
        Ok(())
    }
    // A scalar value sits one level inside the task data; a list in it,
    // two: `above` counts the levels around `d`.
    walk(d, 0, limits).map_err(|over| {
        let name = name.to_string();
        match over {
            Over::Depth => SizeError::TooDeep { name },
            Over::List => SizeError::ListTooLong {
                name,
                max: limits.max_array_size,
            },
            Over::Map => SizeError::MapTooLarge {
                name,
                max: limits.max_map_size,
            },
            Over::String => SizeError::StringTooLong {
                name,
                max: limits.max_string_size,
            },
        }
    })
}
