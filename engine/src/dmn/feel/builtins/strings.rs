//! FEEL string functions (DMN 1.5 §10.3.4.3): lengths and positions count
//! Unicode code points, not bytes; `matches`, `replace` and `split` take
//! XPath regular expressions ([`super::xpath_regex`]). Arguments of the
//! wrong type or number give null.

use crate::dmn::number::Number;
use std::sync::Arc;

use super::xpath_regex::XPathRegex;
use crate::dmn::value::Value;

/// The functions of this file.
pub(super) const NAMES: &[&str] = &[
    "string length",
    "substring",
    "substring before",
    "substring after",
    "upper case",
    "lower case",
    "contains",
    "starts with",
    "ends with",
    "matches",
    "replace",
    "split",
    "string join",
];

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// A number argument as a whole count, its fraction dropped
/// (`substring("foobar", 3, 3.8)` takes three characters).
fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.trunc_i64(),
        _ => None,
    }
}

/// A count as a FEEL number.
fn number(n: usize) -> Value {
    Value::Number(Number::from_usize(n))
}

fn string(s: impl Into<Arc<str>>) -> Value {
    Value::String(s.into())
}

fn bool_of(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

/// Calls string function `name`; `None` when it is not one of [`NAMES`].
pub(super) fn call(name: &str, args: &[Value]) -> Option<Value> {
    let a = |i: usize| args.get(i).unwrap_or(&Value::Null);
    let two = |f: fn(&str, &str) -> Value| match (args.len(), text(a(0)), text(a(1))) {
        (2, Some(s), Some(m)) => f(s, m),
        _ => Value::Null,
    };
    Some(match name {
        "string length" => match (args.len(), text(a(0))) {
            (1, Some(s)) => number(s.chars().count()),
            _ => Value::Null,
        },
        "substring" => match args.len() {
            2 | 3 => substring(a(0), a(1), args.get(2)),
            _ => Value::Null,
        },
        "substring before" => two(|s, m| string(s.find(m).map_or("", |i| &s[..i]))),
        "substring after" => two(|s, m| string(s.find(m).map_or("", |i| &s[i + m.len()..]))),
        "upper case" | "lower case" => match (args.len(), text(a(0))) {
            (1, Some(s)) if name == "upper case" => string(s.to_uppercase()),
            (1, Some(s)) => string(s.to_lowercase()),
            _ => Value::Null,
        },
        "contains" => two(|s, m| Value::Bool(s.contains(m))),
        "starts with" => two(|s, m| Value::Bool(s.starts_with(m))),
        "ends with" => two(|s, m| Value::Bool(s.ends_with(m))),
        "matches" => match args.len() {
            2 | 3 => bool_of(regex(a(1), args.get(2)).and_then(|re| re.is_match(text(a(0))?))),
            _ => Value::Null,
        },
        "replace" => match args.len() {
            3 | 4 => regex(a(1), args.get(3))
                .and_then(|re| re.replace(text(a(0))?, text(a(2))?))
                .map_or(Value::Null, string),
            _ => Value::Null,
        },
        "split" => match (args.len(), text(a(0))) {
            (2, Some("")) => Value::List(Arc::new(Vec::new())),
            (2, Some(s)) => regex(a(1), None)
                .and_then(|re| re.split(s))
                .map_or(Value::Null, |parts| {
                    Value::List(Arc::new(parts.into_iter().map(string).collect()))
                }),
            _ => Value::Null,
        },
        "string join" => match args.len() {
            1 | 2 => string_join(a(0), a(1)),
            _ => Value::Null,
        },
        _ => return None,
    })
}

/// `substring(string, start position, length?)`: 1-based, a negative start
/// counts from the end; a start outside the string gives null.
fn substring(s: &Value, start: &Value, length: Option<&Value>) -> Value {
    let (Some(s), Some(start)) = (text(s), int(start)) else {
        return Value::Null;
    };
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let from = match start {
        1.. => start - 1,
        0 => return Value::Null,
        _ => n + start,
    };
    let len = match length.map(int) {
        None => n,
        Some(Some(l)) if l >= 0 => l,
        Some(_) => return Value::Null,
    };
    if from < 0 || from > n {
        return Value::Null;
    }
    let to = from.saturating_add(len).min(n);
    // Both ends lie in 0..=n, checked above.
    string(chars[from as usize..to as usize].iter().collect::<String>())
}

/// The pattern and flags of `matches`, `replace` and `split`; a null flags
/// argument means none.
fn regex(pattern: &Value, flags: Option<&Value>) -> Option<XPathRegex> {
    let flags = match flags {
        None | Some(Value::Null) => "",
        Some(Value::String(f)) => f,
        Some(_) => return None,
    };
    XPathRegex::new(text(pattern)?, flags)
}

/// `string join(list, delimiter?)`: nulls in the list are skipped; a single
/// string stands for a list of one; a null delimiter is none.
fn string_join(list: &Value, delimiter: &Value) -> Value {
    let items: &[Value] = match list {
        Value::List(l) => l,
        Value::String(_) => std::slice::from_ref(list),
        _ => return Value::Null,
    };
    let delimiter = match delimiter {
        Value::Null => "",
        Value::String(d) => d,
        _ => return Value::Null,
    };
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => parts.push(&**s),
            Value::Null => {}
            _ => return Value::Null,
        }
    }
    string(parts.join(delimiter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::feel::test_support::{feel, n};

    fn s(x: &str) -> Value {
        Value::string(x)
    }

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).expect("a string function")
    }

    #[test]
    fn lengths_and_substrings_count_code_points() {
        assert_eq!(run("string length", &[s("a😀b")]), n(3.0));
        assert_eq!(run("substring", &[s("a😀bc"), n(2.0), n(2.0)]), s("😀b"));
        assert_eq!(run("substring", &[s("hello"), n(-3.0)]), s("llo"));
        assert_eq!(run("substring", &[s("hello"), n(2.0), n(2.9)]), s("el"));
        assert_eq!(run("substring", &[s("hello"), n(9.0)]), Value::Null);
        assert_eq!(run("substring", &[s("hello")]), Value::Null);
    }

    #[test]
    fn searches() {
        assert_eq!(run("substring before", &[s("key=val"), s("=")]), s("key"));
        assert_eq!(run("substring after", &[s("key=val"), s("=")]), s("val"));
        assert_eq!(run("substring after", &[s("key"), s("=")]), s(""));
        assert_eq!(run("contains", &[s("abc"), s("")]), Value::Bool(true));
        assert_eq!(run("starts with", &[s("abc"), s("b")]), Value::Bool(false));
        assert_eq!(run("ends with", &[s("abc"), s("bc")]), Value::Bool(true));
        assert_eq!(run("contains", &[Value::Null, s("a")]), Value::Null);
        assert_eq!(run("lower case", &[s("ÀB")]), s("àb"));
    }

    #[test]
    fn regular_expressions() {
        assert_eq!(
            run("matches", &[s("abc"), s("^A"), s("i")]),
            Value::Bool(true)
        );
        assert_eq!(
            run("matches", &[s("abc"), s("^A"), Value::Null]),
            Value::Bool(false)
        );
        assert_eq!(run("matches", &[s("abc"), s("b"), s("z")]), Value::Null);
        assert_eq!(run("matches", &[s("abc"), s("(")]), Value::Null);
        assert_eq!(
            run(
                "replace",
                &[s("2024-05-01"), s(r"(\d+)-(\d+)-(\d+)"), s("$3/$2/$1")]
            ),
            s("01/05/2024")
        );
        assert_eq!(
            run("replace", &[s("aAa"), s("a"), s("-"), s("i")]),
            s("---")
        );
        assert_eq!(
            run("split", &[s("a, b,c"), s(r",\s*")]),
            Value::List(Arc::new(vec![s("a"), s("b"), s("c")]))
        );
        assert_eq!(run("split", &[s("abc"), Value::Null]), Value::Null);
    }

    #[test]
    fn string_join_skips_nulls() {
        let l = Value::List(Arc::new(vec![s("a"), Value::Null, s("b")]));
        assert_eq!(run("string join", std::slice::from_ref(&l)), s("ab"));
        assert_eq!(run("string join", &[l.clone(), s(", ")]), s("a, b"));
        assert_eq!(run("string join", &[l, Value::Null]), s("ab"));
        assert_eq!(run("string join", &[s("x"), s("-")]), s("x"));
        let nums = Value::List(Arc::new(vec![n(1.0)]));
        assert_eq!(run("string join", &[nums]), Value::Null);
        assert_eq!(run("string join", &[]), Value::Null);
        assert_eq!(call("sum", &[]), None);
    }

    #[test]
    fn from_feel_text() {
        assert_eq!(feel(r#"replace("a1b22", "\d+", "_")"#), r#""a_b_""#);
        assert_eq!(feel(r#"matches("A-7", "^\p{Lu}-\d$")"#), "true");
        assert_eq!(feel(r#"split("a1b2c", "[0-9]")"#), r#"["a", "b", "c"]"#);
        assert_eq!(feel(r#"string join(["x", null, "y"], "+")"#), r#""x+y""#);
        assert_eq!(feel(r#"string length("\U01F40E!")"#), "2");
    }
}
