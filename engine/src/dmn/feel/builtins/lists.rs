//! FEEL list functions (DMN 1.5 §10.3.4.4) other than the numeric
//! aggregates (`sum`, `mean`…). Positions are 1-based and negative ones
//! count from the end; a single non-list value stands for a list of one,
//! as FEEL's implicit conversions say. Arguments of the wrong type or
//! number give null.

use crate::dmn::number::Number;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use super::Apply;
use crate::dmn::value::{self, Value};

/// The functions of this file.
pub(super) const NAMES: &[&str] = &[
    "list contains",
    "count",
    "min",
    "max",
    "all",
    "any",
    "sublist",
    "append",
    "concatenate",
    "insert before",
    "remove",
    "reverse",
    "index of",
    "union",
    "distinct values",
    "flatten",
    "list replace",
];

/// A number argument as a whole position, its fraction dropped
/// (`list replace([1,2,3], 2.5, 4)` replaces the second item).
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.trunc_i64(),
        _ => None,
    }
}

/// A count or position as a FEEL number.
fn number(n: usize) -> Value {
    Value::Number(Number::from_usize(n))
}

fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(v))
}

/// The items of a list argument; any other non-null value is a list of one.
fn items(v: &Value) -> Option<Cow<'_, [Value]>> {
    match v {
        Value::List(l) => Some(Cow::Borrowed(l)),
        Value::Null => None,
        other => Some(Cow::Owned(vec![other.clone()])),
    }
}

/// The items of `min(…)`, `all(…)` and the like: one list argument, or the
/// arguments themselves (`min([1, 2])` is `min(1, 2)`).
fn items_or_args(args: &[Value]) -> Option<Cow<'_, [Value]>> {
    match args {
        [] => None,
        [one] => items(one),
        many => Some(Cow::Borrowed(many)),
    }
}

/// The 0-based index of 1-based `position` (negative from the end) in a
/// list of `len` items.
fn index(position: &Value, len: usize) -> Option<usize> {
    let p = int(position)?;
    let len = i64::try_from(len).ok()?;
    let i = match p {
        1.. => p - 1,
        0 => return None,
        _ => len + p,
    };
    // In range after this check, so the cast is exact.
    (0..len).contains(&i).then_some(i as usize)
}

fn same(a: &Value, b: &Value) -> bool {
    value::equals(a, b) == Some(true)
}

/// Calls list function `name`; `None` when it is not one of [`NAMES`].
/// `apply` calls the function values `list replace` takes (`sort`, which
/// needs the caller's scope, is in `feel/function.rs`).
pub(super) fn call(name: &str, args: &[Value], apply: Apply<'_>) -> Option<Value> {
    let a = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let arity = args.len();
    Some(
        match (name, arity) {
            ("list contains", 2) => {
                items(a(0)).map(|l| Value::Bool(l.iter().any(|x| same(x, a(1)))))
            }
            ("count", 1) => items(a(0)).map(|l| number(l.len())),
            ("min" | "max", _) => items_or_args(args).and_then(|l| {
                let want = if name == "min" {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                extreme(&l, want)
            }),
            ("all" | "any", _) => items_or_args(args).and_then(|l| all_or_any(&l, name == "all")),
            ("sublist", 2 | 3) => items(a(0)).and_then(|l| sublist(&l, a(1), args.get(2))),
            ("append", 1..) => items(a(0)).map(|l| {
                let mut v = l.into_owned();
                v.extend_from_slice(&args[1..]);
                list(v)
            }),
            ("concatenate", 1..) => args
                .iter()
                .map(items)
                .collect::<Option<Vec<_>>>()
                .map(|ls| list(ls.iter().flat_map(|l| l.iter().cloned()).collect())),
            ("insert before", 3) => items(a(0)).and_then(|l| {
                let i = index(a(1), l.len())?;
                let mut v = l.into_owned();
                v.insert(i, a(2).clone());
                Some(list(v))
            }),
            ("remove", 2) => items(a(0)).and_then(|l| {
                let i = index(a(1), l.len())?;
                let mut v = l.into_owned();
                v.remove(i);
                Some(list(v))
            }),
            ("reverse", 1) => items(a(0)).map(|l| list(l.iter().rev().cloned().collect())),
            ("index of", 2) => items(a(0)).map(|l| {
                let at = l.iter().enumerate().filter(|(_, x)| same(x, a(1)));
                list(at.map(|(i, _)| number(i + 1)).collect())
            }),
            ("union", 1..) => args
                .iter()
                .map(items)
                .collect::<Option<Vec<_>>>()
                .map(|ls| distinct(ls.iter().flat_map(|l| l.iter()))),
            ("distinct values", 1) => items(a(0)).map(|l| distinct(l.iter())),
            ("flatten", 1) => items(a(0)).map(|l| {
                let mut v = Vec::new();
                l.iter().for_each(|x| flatten_into(x, &mut v));
                list(v)
            }),
            ("list replace", 3) => items(a(0)).and_then(|l| list_replace(&l, a(1), a(2), apply)),
            _ if NAMES.contains(&name) => None,
            _ => return None,
        }
        .unwrap_or(Value::Null),
    )
}

/// The least (`Less`) or greatest (`Greater`) item; `None` for an empty
/// list, a null item or items that do not compare.
fn extreme(xs: &[Value], want: Ordering) -> Option<Value> {
    let mut best = xs.first()?;
    for x in &xs[1..] {
        if value::compare(x, best)? == want {
            best = x;
        }
    }
    (!matches!(best, Value::Null)).then(|| best.clone())
}

/// `all` (every item true) or `any` (some item true): a false (true) item
/// decides; otherwise any non-boolean makes the answer null.
fn all_or_any(xs: &[Value], all: bool) -> Option<Value> {
    let mut undecided = false;
    for x in xs {
        match x {
            Value::Bool(b) if *b != all => return Some(Value::Bool(*b)),
            Value::Bool(_) => {}
            _ => undecided = true,
        }
    }
    (!undecided).then_some(Value::Bool(all))
}

/// `sublist(list, start position, length?)`: every item asked for must exist.
fn sublist(l: &[Value], start: &Value, length: Option<&Value>) -> Option<Value> {
    let from = index(start, l.len())?;
    let to = match length {
        None => l.len(),
        Some(n) => from.checked_add(usize::try_from(int(n)?).ok()?)?,
    };
    l.get(from..to).map(|s| list(s.to_vec()))
}

fn distinct<'v>(xs: impl Iterator<Item = &'v Value>) -> Value {
    let mut v: Vec<Value> = Vec::new();
    for x in xs {
        if !v.iter().any(|y| same(x, y)) {
            v.push(x.clone());
        }
    }
    list(v)
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(l) => l.iter().for_each(|x| flatten_into(x, out)),
        other => out.push(other.clone()),
    }
}

/// `list replace(list, position, newItem)`, or with a boolean
/// `match(item, newItem)` function in place of the position: every item
/// it holds true for is replaced. A position of another type, or a match
/// that gives anything but true or false (a null, as a call with the wrong
/// number of parameters does), makes the result null.
fn list_replace(l: &[Value], at: &Value, new: &Value, apply: Apply<'_>) -> Option<Value> {
    let mut v = l.to_vec();
    match at {
        Value::Number(_) => {
            let i = index(at, v.len())?;
            v[i] = new.clone();
            return Some(list(v));
        }
        Value::Function(_) => {}
        _ => return None,
    }
    for item in v.iter_mut() {
        match apply(at, &[item.clone(), new.clone()])? {
            Value::Bool(true) => *item = new.clone(),
            Value::Bool(false) => {}
            _ => return None,
        }
    }
    Some(list(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::feel::test_support::{feel, n};

    fn ns(xs: &[f64]) -> Value {
        list(xs.iter().map(|x| n(*x)).collect())
    }

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    /// Function values stand in as strings here: "<" sorts ascending,
    /// anything else fails.
    fn apply(f: &Value, args: &[Value]) -> Option<Value> {
        match (f, args) {
            (Value::String(op), [a, b]) if &**op == "<" => {
                Some(Value::Bool(value::compare(a, b)? == Ordering::Less))
            }
            _ => None,
        }
    }

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args, &apply).expect("a list function")
    }

    #[test]
    fn positions_count_from_either_end() {
        let l = ns(&[1.0, 2.0, 3.0]);
        assert_eq!(run("sublist", &[l.clone(), n(2.0)]), ns(&[2.0, 3.0]));
        assert_eq!(run("sublist", &[l.clone(), n(-2.0), n(1.0)]), ns(&[2.0]));
        assert_eq!(run("sublist", &[l.clone(), n(2.0), n(5.0)]), Value::Null);
        assert_eq!(
            run("insert before", &[l.clone(), n(-1.0), n(9.0)]),
            ns(&[1.0, 2.0, 9.0, 3.0])
        );
        assert_eq!(run("remove", &[l.clone(), n(1.0)]), ns(&[2.0, 3.0]));
        assert_eq!(run("remove", &[l.clone(), n(0.0)]), Value::Null);
        assert_eq!(
            run("list replace", &[l.clone(), n(-1.5), n(7.0)]),
            ns(&[1.0, 2.0, 7.0])
        );
        assert_eq!(run("list replace", &[l, n(4.0), n(7.0)]), Value::Null);
        assert_eq!(run("list replace", &[n(1.0), n(1.0), n(5.0)]), ns(&[5.0]));
    }

    #[test]
    fn searching_and_combining() {
        let l = list(vec![s("a"), Value::Null, s("a")]);
        assert_eq!(run("index of", &[l.clone(), s("a")]), ns(&[1.0, 3.0]));
        assert_eq!(
            run("list contains", &[l.clone(), Value::Null]),
            Value::Bool(true)
        );
        assert_eq!(
            run("distinct values", std::slice::from_ref(&l)),
            list(vec![s("a"), Value::Null])
        );
        assert_eq!(
            run("union", &[ns(&[1.0, 2.0]), ns(&[2.0, 3.0])]),
            ns(&[1.0, 2.0, 3.0])
        );
        assert_eq!(
            run("flatten", &[list(vec![n(1.0), list(vec![ns(&[2.0])])])]),
            ns(&[1.0, 2.0])
        );
        assert_eq!(run("concatenate", &[ns(&[1.0]), n(2.0)]), ns(&[1.0, 2.0]));
        assert_eq!(run("count", &[Value::Null]), Value::Null);
    }

    #[test]
    fn min_max_all_any() {
        assert_eq!(run("min", &[s("b"), s("a")]), s("a"));
        assert_eq!(run("max", &[list(vec![s("b"), s("c")])]), s("c"));
        assert_eq!(run("max", &[s("b"), n(1.0)]), Value::Null);
        assert_eq!(run("min", &[list(vec![])]), Value::Null);
        let t = Value::Bool(true);
        let f = Value::Bool(false);
        assert_eq!(run("all", &[t.clone(), Value::Null, f.clone()]), f);
        assert_eq!(run("all", &[t.clone(), Value::Null]), Value::Null);
        assert_eq!(run("all", &[list(vec![])]), t);
        assert_eq!(run("all", &[]), Value::Null);
        assert_eq!(run("any", &[f.clone(), t.clone()]), t);
        assert_eq!(run("any", std::slice::from_ref(&f)), f);
    }

    #[test]
    fn replacing_with_functions() {
        // Only a function value matches (see `from_feel_text`).
        assert_eq!(
            run("list replace", &[ns(&[1.0, 2.0, 4.0]), s("<"), n(0.0)]),
            Value::Null
        );
    }

    #[test]
    fn from_feel_text() {
        assert_eq!(feel("insert before([1, 3], 2, 2)"), "[1, 2, 3]");
        assert_eq!(feel("index of([1, 2, 1], 1)"), "[1, 3]");
        assert_eq!(feel(r#"max("apple", "pear")"#), r#""pear""#);
        assert_eq!(feel("list replace([1, 2, 3], 2, null)"), "[1, null, 3]");
        // A `match(item, newItem)` function literal as the position.
        assert_eq!(
            feel("list replace([3, 9, 1], function(item, newItem) item > newItem, 5)"),
            "[3, 5, 1]"
        );
        assert_eq!(
            feel("list replace(newItem: 0, list: [1, 2], match: function(a, b) a = 2)"),
            "[1, 0]"
        );
        assert_eq!(
            feel(r#"list replace([1], function(a, b) "yes", 0)"#),
            "null"
        );
    }
}
