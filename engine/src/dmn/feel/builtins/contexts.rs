//! FEEL context functions (DMN 1.5 §10.3.4.8): reading entries by key,
//! listing them as `{key, value}` contexts, building contexts from such
//! lists, putting an entry (at a key path) and merging. Contexts are
//! values: every function returns a new one and leaves its argument as it
//! was. Arguments of the wrong type or number give null.

use std::sync::Arc;

use crate::dmn::value::Value;

/// The functions of this file.
pub(super) const NAMES: &[&str] = &[
    "get value",
    "get entries",
    "context",
    "context put",
    "context merge",
];

type Entries = Vec<(String, Value)>;

fn context(entries: Entries) -> Value {
    Value::Context(Arc::new(entries))
}

/// The items of a list argument; any other non-null value is a list of one.
fn items(v: &Value) -> Option<&[Value]> {
    match v {
        Value::List(l) => Some(l),
        Value::Null => None,
        other => Some(std::slice::from_ref(other)),
    }
}

/// Calls context function `name`; `None` when it is not one of [`NAMES`].
pub(super) fn call(name: &str, args: &[Value]) -> Option<Value> {
    if !NAMES.contains(&name) {
        return None;
    }
    Some(
        match (name, args) {
            ("get value", [Value::Context(_), Value::String(key)]) => {
                Some(args[0].field(key).cloned().unwrap_or(Value::Null))
            }
            ("get entries", [Value::Context(c)]) => Some(Value::List(Arc::new(
                c.iter()
                    .map(|(k, v)| {
                        context(vec![
                            ("key".into(), Value::string(k.as_str())),
                            ("value".into(), v.clone()),
                        ])
                    })
                    .collect(),
            ))),
            ("context", [entries]) => from_entries(entries),
            ("context put", [c, key, value]) => match key {
                Value::String(k) => put(c, &[Value::String(k.clone())], value),
                Value::List(keys) => put(c, keys, value),
                _ => None,
            },
            ("context merge", [contexts]) => merge(contexts),
            _ => None,
        }
        .unwrap_or(Value::Null),
    )
}

/// `context(entries)`: each entry a context with a string `key` and a
/// `value` (other entries ignored); a repeated key is an error.
fn from_entries(entries: &Value) -> Option<Value> {
    let mut out: Entries = Vec::new();
    for e in items(entries)? {
        let Some(Value::String(key)) = e.field("key") else {
            return None;
        };
        let value = e.field("value")?;
        if out.iter().any(|(k, _)| **k == **key) {
            return None;
        }
        out.push((key.to_string(), value.clone()));
    }
    Some(context(out))
}

/// `context put(context, keys, value)`: the entry at the path `keys` set
/// to `value`, replaced in place or added last; each key but the last must
/// name a context.
fn put(c: &Value, keys: &[Value], value: &Value) -> Option<Value> {
    let Value::Context(entries) = c else {
        return None;
    };
    let (Value::String(key), rest) = keys.split_first()? else {
        return None;
    };
    let value = if rest.is_empty() {
        value.clone()
    } else {
        put(c.field(key)?, rest, value)?
    };
    let mut out = entries.to_vec();
    match out.iter_mut().find(|(k, _)| **k == **key) {
        Some(entry) => entry.1 = value,
        None => out.push((key.to_string(), value)),
    }
    Some(context(out))
}

/// `context merge(contexts)`: later contexts' entries replace earlier ones
/// of the same key (whole values, not merged deeper).
fn merge(contexts: &Value) -> Option<Value> {
    let mut out: Entries = Vec::new();
    for c in items(contexts)? {
        let Value::Context(entries) = c else {
            return None;
        };
        for (k, v) in entries.iter() {
            match out.iter_mut().find(|(o, _)| o == k) {
                Some(entry) => entry.1 = v.clone(),
                None => out.push((k.clone(), v.clone())),
            }
        }
    }
    Some(context(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::feel::test_support::{feel, n};

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn ctx(entries: &[(&str, Value)]) -> Value {
        context(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).expect("a context function")
    }

    #[test]
    fn reading_entries() {
        let c = ctx(&[("a", n(1.0)), ("b", Value::Null)]);
        assert_eq!(run("get value", &[c.clone(), s("a")]), n(1.0));
        assert_eq!(run("get value", &[c.clone(), s("zz")]), Value::Null);
        assert_eq!(run("get value", &[c.clone(), n(1.0)]), Value::Null);
        let entries = run("get entries", std::slice::from_ref(&c));
        assert_eq!(
            entries,
            Value::List(Arc::new(vec![
                ctx(&[("key", s("a")), ("value", n(1.0))]),
                ctx(&[("key", s("b")), ("value", Value::Null)]),
            ]))
        );
        // `context` undoes `get entries`.
        assert_eq!(run("context", &[entries]), c);
        assert_eq!(run("get entries", &[n(1.0)]), Value::Null);
        assert_eq!(run("get entries", &[]), Value::Null);
    }

    #[test]
    fn building_from_entries() {
        let e = ctx(&[("key", s("a")), ("value", n(1.0)), ("note", s("x"))]);
        assert_eq!(
            run("context", std::slice::from_ref(&e)),
            ctx(&[("a", n(1.0))])
        );
        let twice = Value::List(Arc::new(vec![e.clone(), e]));
        assert_eq!(run("context", &[twice]), Value::Null);
        assert_eq!(run("context", &[ctx(&[("key", s("a"))])]), Value::Null);
        assert_eq!(run("context", &[Value::Null]), Value::Null);
    }

    #[test]
    fn putting_keeps_order_and_the_original() {
        let c = ctx(&[("a", n(1.0)), ("b", n(2.0))]);
        assert_eq!(
            run("context put", &[c.clone(), s("a"), n(9.0)]),
            ctx(&[("a", n(9.0)), ("b", n(2.0))])
        );
        assert_eq!(
            run("context put", &[c.clone(), s("c"), n(3.0)]),
            ctx(&[("a", n(1.0)), ("b", n(2.0)), ("c", n(3.0))])
        );
        assert_eq!(c, ctx(&[("a", n(1.0)), ("b", n(2.0))]));
        let nested = ctx(&[("x", ctx(&[("y", n(0.0))]))]);
        let path = Value::List(Arc::new(vec![s("x"), s("z")]));
        assert_eq!(
            run("context put", &[nested.clone(), path, n(1.0)]),
            ctx(&[("x", ctx(&[("y", n(0.0)), ("z", n(1.0))]))])
        );
        let too_deep = Value::List(Arc::new(vec![s("x"), s("y"), s("z")]));
        assert_eq!(
            run("context put", &[nested.clone(), too_deep, n(1.0)]),
            Value::Null
        );
        let empty = Value::List(Arc::new(vec![]));
        assert_eq!(run("context put", &[nested, empty, n(1.0)]), Value::Null);
    }

    #[test]
    fn merging_replaces_whole_entries() {
        let a = ctx(&[("k", ctx(&[("x", n(1.0))])), ("a", n(1.0))]);
        let b = ctx(&[("k", ctx(&[("y", n(2.0))]))]);
        assert_eq!(
            run(
                "context merge",
                &[Value::List(Arc::new(vec![a.clone(), b]))]
            ),
            ctx(&[("k", ctx(&[("y", n(2.0))])), ("a", n(1.0))])
        );
        assert_eq!(run("context merge", std::slice::from_ref(&a)), a);
        let mixed = Value::List(Arc::new(vec![a, n(1.0)]));
        assert_eq!(run("context merge", &[mixed]), Value::Null);
        assert_eq!(call("sum", &[]), None);
    }

    #[test]
    fn from_feel_text() {
        assert_eq!(
            feel(r#"context put({a: {b: 1}}, ["a", "c"], 2)"#),
            "{a: {b: 1, c: 2}}"
        );
        assert_eq!(feel(r#"get value({a: 1}, "a")"#), "1");
        assert_eq!(
            feel(r#"context merge([{a: 1}, {a: 2, b: 3}])"#),
            "{a: 2, b: 3}"
        );
    }
}
