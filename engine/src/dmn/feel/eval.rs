//! Evaluation of FEEL expressions against a scope: the JSON task data,
//! values computed by the engine (required decisions, test inputs), and the
//! value under test (`?`).
//!
//! FEEL turns type errors into null; the one error kept is a name that
//! resolves to nothing, since that is nearly always a typo or missing data
//! and a silent null would hide it.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::Value as Json;

use super::ast::{Expr, RangeExpr};
use super::compare::compare;
use super::error::EvalError;
use super::scope::Scope;
use super::{arith, builtins, unary};
use crate::dmn::value::{Range, Value};

/// Evaluates `e`; constants are borrowed, not copied.
pub(crate) fn eval_cow<'e>(e: &'e Expr, s: &Scope<'_>) -> Result<Cow<'e, Value>, EvalError> {
    match e {
        Expr::Const(v) => Ok(Cow::Borrowed(v)),
        other => eval(other, s).map(Cow::Owned),
    }
}

/// Evaluates `e` in scope `s`.
pub(crate) fn eval(e: &Expr, s: &Scope<'_>) -> Result<Value, EvalError> {
    Ok(match e {
        Expr::Const(v) => v.clone(),
        Expr::Name(n) => s.lookup(n)?,
        Expr::Input => match s.input {
            Some(v) => v.clone(),
            None => return Err(EvalError::new("`?` is only meaningful in an input entry")),
        },
        Expr::Path(..) => path(e, s)?,
        Expr::Neg(x) => arith::negate(eval_cow(x, s)?.as_ref()),
        Expr::Arith(op, a, b) => {
            arith::apply(*op, eval_cow(a, s)?.as_ref(), eval_cow(b, s)?.as_ref())
        }
        Expr::Cmp(op, a, b) => compare(*op, eval_cow(a, s)?.as_ref(), eval_cow(b, s)?.as_ref()),
        Expr::And(a, b) => match eval_cow(a, s)?.as_ref() {
            Value::Bool(false) => Value::Bool(false),
            x => match (x, eval_cow(b, s)?.as_ref()) {
                (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                _ => Value::Null,
            },
        },
        Expr::Or(a, b) => match eval_cow(a, s)?.as_ref() {
            Value::Bool(true) => Value::Bool(true),
            x => match (x, eval_cow(b, s)?.as_ref()) {
                (_, Value::Bool(true)) => Value::Bool(true),
                (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
                _ => Value::Null,
            },
        },
        Expr::If(c, a, b) => match eval_cow(c, s)?.as_ref() {
            Value::Bool(true) => eval(a, s)?,
            _ => eval(b, s)?,
        },
        Expr::Between(x, lo, hi) => {
            let x = eval_cow(x, s)?;
            let range = Range {
                low: Some(eval(lo, s)?),
                low_closed: true,
                high: Some(eval(hi, s)?),
                high_closed: true,
            };
            range.contains(&x).map_or(Value::Null, Value::Bool)
        }
        Expr::In(x, tests) => {
            let x = eval_cow(x, s)?;
            Value::Bool(unary::matches(tests, &x, s, eval_cow)?)
        }
        Expr::List(items) => Value::List(Arc::new(
            items.iter().map(|i| eval(i, s)).collect::<Result<_, _>>()?,
        )),
        Expr::Context(entries) => {
            let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for (k, x) in entries {
                // Later entries may use earlier ones, as FEEL contexts allow.
                let v = {
                    let inner = Scope {
                        vars: &out,
                        parent: Some(s),
                        ..*s
                    };
                    eval(x, &inner)?
                };
                out.push((k.clone(), v));
            }
            Value::Context(Arc::new(out))
        }
        Expr::Range(r) => Value::Range(Arc::new(range(r, s)?)),
        Expr::Call(name, args) => {
            let vals: Vec<Value> = args.iter().map(|a| eval(a, s)).collect::<Result<_, _>>()?;
            if builtins::exists(name) {
                builtins::call(name, &vals)?
            } else {
                match s.functions.and_then(|f| f.call(name, &vals)) {
                    Some(r) => r?,
                    None => return Err(EvalError::new(format!("unknown function `{name}`"))),
                }
            }
        }
        Expr::Filter(list, cond) => filter(list, cond, s)?,
    })
}

pub(crate) fn range(r: &RangeExpr, s: &Scope<'_>) -> Result<Range, EvalError> {
    Ok(Range {
        low: r.low.as_ref().map(|e| eval(e, s)).transpose()?,
        low_closed: r.low_closed,
        high: r.high.as_ref().map(|e| eval(e, s)).transpose()?,
        high_closed: r.high_closed,
    })
}

/// `a.b.c`: walks JSON data directly so only the leaf is converted.
fn path(e: &Expr, s: &Scope<'_>) -> Result<Value, EvalError> {
    let mut fields = Vec::new();
    let mut base = e;
    while let Expr::Path(inner, f) = base {
        fields.push(f.as_str());
        base = inner;
    }
    fields.reverse();
    if let Expr::Name(n) = base {
        // Knowledge-model parameters may be named with dots (`Person.Age`).
        if s.var(n).is_none() && (!s.vars.is_empty() || s.parent.is_some()) {
            let dotted = format!("{n}.{}", fields.join("."));
            if let Some(v) = s.var(&dotted) {
                return Ok(v.clone());
            }
        }
        if s.var(n).is_none() {
            if let Some(mut j) = s.data.get(n.as_str()) {
                let mut rest = &fields[..];
                while let (Some(f), Json::Object(m)) = (rest.first(), j) {
                    match m.get(*f) {
                        Some(next) => j = next,
                        None => return Ok(Value::Null),
                    }
                    rest = &rest[1..];
                }
                let mut v = Value::from_json(j);
                for f in rest {
                    v = field(&v, f);
                }
                return Ok(v);
            }
        }
    }
    let mut v = eval(base, s)?;
    for f in fields {
        v = field(&v, f);
    }
    Ok(v)
}

/// A context entry, a property of a date, time, duration or range, or the field of
/// every item of a list.
fn field(v: &Value, f: &str) -> Value {
    match v {
        Value::Context(_) => v.field(f).cloned().unwrap_or(Value::Null),
        Value::Range(r) => builtins::range_property(r, f).unwrap_or(Value::Null),
        Value::List(l) => Value::List(Arc::new(l.iter().map(|x| field(x, f)).collect())),
        other => crate::dmn::temporal::property(other, f).unwrap_or(Value::Null),
    }
}

/// `list[cond]` keeps the items for which `cond` is true (names resolve
/// against `item` and, for contexts, the item's entries); `list[n]` picks
/// the n-th item (1-based, negative from the end).
fn filter(list: &Expr, cond: &Expr, s: &Scope<'_>) -> Result<Value, EvalError> {
    let base = eval(list, s)?;
    let items: Vec<Value> = match base {
        Value::List(l) => l.to_vec(),
        Value::Null => return Ok(Value::Null),
        other => vec![other],
    };
    let pick = |n: crate::dmn::number::Number| -> Value {
        let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
        let Some(n) = n.to_i64() else {
            return Value::Null;
        };
        let i = if n > 0 { n - 1 } else { len + n };
        if n == 0 || i < 0 || i >= len {
            Value::Null
        } else {
            usize::try_from(i).map_or(Value::Null, |i| items[i].clone())
        }
    };
    if let Expr::Const(Value::Number(n)) = cond {
        return Ok(pick(*n));
    }
    let mut out = Vec::new();
    for item in &items {
        let mut vars = vec![("item".to_string(), item.clone())];
        if let Value::Context(c) = item {
            vars.extend(c.iter().cloned());
        }
        let inner = Scope {
            vars: &vars,
            parent: Some(s),
            ..*s
        };
        match eval(cond, &inner)? {
            Value::Bool(true) => out.push(item.clone()),
            Value::Number(n) if items.len() == 1 || out.is_empty() => return Ok(pick(n)),
            _ => {}
        }
    }
    Ok(Value::List(Arc::new(out)))
}

/// Replaces `e` by its value when it mentions no names and no `?`, so
/// `date("2024-01-01")` is parsed once, at load time.
pub(crate) fn fold(e: Expr) -> Expr {
    if matches!(e, Expr::Const(_)) {
        return e;
    }
    let mut constant = true;
    e.walk(&mut |x| {
        if matches!(
            x,
            Expr::Name(_) | Expr::Input | Expr::Filter(..) | Expr::Context(_)
        ) {
            constant = false;
        }
        // The clock is read at each evaluation, not once at load time.
        if matches!(x, Expr::Call(n, _) if n == "now" || n == "today") {
            constant = false;
        }
    });
    if constant {
        if let Ok(v) = eval(&e, &Scope::empty()) {
            return Expr::Const(v);
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_expression;
    use super::*;
    use serde_json::json;

    fn run(src: &str, data: Json) -> Result<Value, EvalError> {
        let e = parse_expression(src, &Default::default()).unwrap();
        let data = crate::model::Data::from(data.as_object().unwrap().clone());
        eval(&e, &Scope::new(&data, &[]))
    }

    fn ok(src: &str, data: Json) -> Json {
        run(src, data).unwrap().to_json()
    }

    #[test]
    fn arithmetic_names_and_paths() {
        assert_eq!(
            ok("12 * Monthly Salary", json!({"Monthly Salary": 10})),
            json!(120)
        );
        assert_eq!(
            ok("\"Hello \" + Full Name", json!({"Full Name": "Ann"})),
            json!("Hello Ann")
        );
        assert_eq!(
            ok("loan.rate * 2", json!({"loan": {"rate": 0.5}})),
            json!(1)
        );
        assert_eq!(ok("loan.missing", json!({"loan": {}})), json!(null));
        assert_eq!(ok("(10+20)/0", json!({})), json!(null));
        assert_eq!(ok("5+2**5+3", json!({})), json!(40));
        assert_eq!(ok("1.2*10**3", json!({})), json!(1200));
    }

    #[test]
    fn logic_and_conditionals() {
        assert_eq!(ok("a and b", json!({"a": true, "b": null})), json!(null));
        assert_eq!(ok("a and b", json!({"a": false, "b": null})), json!(false));
        assert_eq!(ok("a or b", json!({"a": null, "b": true})), json!(true));
        assert_eq!(ok("not(a)", json!({"a": null})), json!(null));
        assert_eq!(
            ok("if x > 5 then \"big\" else \"small\"", json!({"x": 7})),
            json!("big")
        );
        assert_eq!(ok("x between 1 and 5", json!({"x": 5})), json!(true));
        assert_eq!(ok("x in [1..5)", json!({"x": 5})), json!(false));
        assert_eq!(ok("x in (\"a\", \"b\")", json!({"x": "b"})), json!(true));
        assert_eq!(
            ok("date(d) + duration(\"P1D\")", json!({"d": "2024-02-28"})),
            json!("2024-02-29")
        );
        assert_eq!(ok("[1, 2, 3][item > 1]", json!({})), json!([2, 3]));
        assert_eq!(ok("[1, 2, 3][-1]", json!({})), json!(3));
        assert_eq!(ok("{a: 1, b: a + 1}.b", json!({})), json!(2));
    }

    #[test]
    fn unknown_names_suggest_close_ones() {
        let e = run("Agee > 3", json!({"Age": 3, "Name": "x"})).unwrap_err();
        assert!(e.message.contains("did you mean `Age`"), "{e}");
        let e = run("zzz", json!({})).unwrap_err();
        assert!(e.message.contains("data is empty"), "{e}");
    }

    #[test]
    fn folding() {
        let e = fold(
            parse_expression(
                "date(\"2024-01-01\") + duration(\"P1D\")",
                &Default::default(),
            )
            .unwrap(),
        );
        assert!(matches!(e, Expr::Const(Value::Date(_))));
        let e = fold(parse_expression("x + 1", &Default::default()).unwrap());
        assert!(!matches!(e, Expr::Const(_)));
    }
}
