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

use super::ast::{CallArgs, Expr, Iteration, RangeExpr, UnaryTest, UnaryTests};
use super::compare::compare;
use super::error::EvalError;
use super::function::{self, Args, Function, FunctionDef, UserFunction};
use super::scope::Scope;
use super::{arith, unary};
use crate::dmn::value::{Range, RangeKind, Value};

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
        Expr::Name(n) => match s.lookup(n) {
            Ok(v) => v,
            Err(e) => function_named(n, s, false).ok_or(e)?,
        },
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
                kind: RangeKind::Interval,
            };
            range.contains(&x).map_or(Value::Null, Value::Bool)
        }
        Expr::In(x, tests) => {
            let x = eval_cow(x, s)?;
            let m = unary::matches(tests, &x, s, eval_cow)?;
            // Null in, or an interval with a null end, cannot be decided.
            if !m && (matches!(*x, Value::Null) || null_end(tests)) {
                Value::Null
            } else {
                Value::Bool(m)
            }
        }
        Expr::List(items) => Value::List(Arc::new(
            items.iter().map(|i| eval(i, s)).collect::<Result<_, _>>()?,
        )),
        Expr::Context(entries) => {
            let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
            for (k, x) in entries {
                if out.iter().any(|(o, _)| o == k) {
                    return Err(EvalError::new(format!(
                        "the context has two entries named `{k}`; rename one"
                    )));
                }
                // Later entries may use earlier ones, as FEEL contexts allow.
                let v = {
                    let inner = Scope {
                        vars: &out,
                        parent: Some(s),
                        ..*s
                    };
                    eval_or_function(x, &inner)?
                };
                out.push((k.clone(), v));
            }
            Value::Context(Arc::new(out))
        }
        Expr::Range(r) => Value::Range(Arc::new(range(r, s)?)),
        Expr::Call(callee, args) => call(callee, args, s)?,
        Expr::Filter(list, cond) => filter(list, cond, s)?,
        Expr::Function(def) => closure(def, s),
        Expr::For(iters, body) => {
            let mut out = Vec::new();
            let partial = uses_name(body, "partial");
            let mut vars = Vec::new();
            let done = iterate(iters, &mut vars, s, &mut |inner| {
                let v = if partial {
                    let vars = [("partial".to_string(), Value::List(Arc::new(out.clone())))];
                    let with = Scope {
                        vars: &vars,
                        parent: Some(inner),
                        ..*inner
                    };
                    eval(body, &with)?
                } else {
                    eval(body, inner)?
                };
                out.push(v);
                Ok(true)
            })?;
            if done {
                Value::List(Arc::new(out))
            } else {
                Value::Null
            }
        }
        Expr::Quantified { every, iters, cond } => {
            let every = *every;
            let mut result = every;
            let mut vars = Vec::new();
            let done = iterate(iters, &mut vars, s, &mut |inner| {
                let holds = matches!(eval(cond, inner)?, Value::Bool(true));
                if holds != every {
                    result = !every;
                    return Ok(false);
                }
                Ok(true)
            })?;
            if done || result != every {
                Value::Bool(result)
            } else {
                Value::Null
            }
        }
        Expr::InstanceOf(x, t) => Value::Bool(t.is_instance(eval_cow(x, s)?.as_ref())),
    })
}

/// Whether some interval of `tests` has `null` written as an end.
fn null_end(tests: &UnaryTests) -> bool {
    let null = |e: &Option<Expr>| matches!(e, Some(Expr::Const(Value::Null)));
    match tests {
        UnaryTests::Any => false,
        UnaryTests::Tests { tests, .. } => tests
            .iter()
            .any(|t| matches!(t, UnaryTest::Interval(r) if null(&r.low) || null(&r.high))),
    }
}

/// A name that is no variable but a function of the model, or (when
/// `builtins`) a built-in, as a value (`sort(l, precedes: my order)`,
/// `f(abs)`). Built-ins only where a function is plausible (an argument,
/// a context entry): elsewhere a missing `date` or `product` in the data
/// must stay an error, not become a function.
fn function_named(name: &str, s: &Scope<'_>, builtins: bool) -> Option<Value> {
    if builtins && function::is_builtin(name) {
        return Some(Function::builtin(name));
    }
    if s.functions.is_some_and(|f| f.has(name)) {
        return Some(Value::Function(Arc::new(Function::Model(Arc::from(name)))));
    }
    None
}

/// Evaluates `e`; a bare name that is not a variable may be a built-in.
fn eval_or_function(e: &Expr, s: &Scope<'_>) -> Result<Value, EvalError> {
    match e {
        Expr::Name(n) => match s.lookup(n) {
            Ok(v) => Ok(v),
            Err(err) => function_named(n, s, true).ok_or(err),
        },
        other => eval(other, s),
    }
}

/// Evaluates a call. A name is, in order: a variable holding a function,
/// a built-in, a function of the model. Calling anything else gives null.
fn call(callee: &Expr, args: &CallArgs, s: &Scope<'_>) -> Result<Value, EvalError> {
    let args = match args {
        CallArgs::Positional(v) => Args::Positional(
            v.iter()
                .map(|a| eval_or_function(a, s))
                .collect::<Result<_, _>>()?,
        ),
        CallArgs::Named(v) => Args::Named(
            v.iter()
                .map(|(n, a)| Ok((n.clone(), eval_or_function(a, s)?)))
                .collect::<Result<_, EvalError>>()?,
        ),
    };
    let Expr::Name(name) = callee else {
        return match eval(callee, s)? {
            Value::Function(f) => function::invoke(&f, args, s),
            _ => Ok(Value::Null),
        };
    };
    // A variable holding a function wins; one holding anything else does
    // not hide a built-in of that name (`{sum: sum([1, 2])}`).
    let var = s.var(name);
    if let Some(Value::Function(f)) = var {
        return function::invoke(f, args, s);
    }
    if function::is_builtin(name) {
        return match args {
            Args::Positional(v) => function::call_builtin(name, v, s),
            named => function::invoke(&Function::Builtin(Arc::from(name.as_str())), named, s),
        };
    }
    if let Some(fs) = s.functions {
        if fs.has(name) {
            let f = Function::Model(Arc::from(name.as_str()));
            return function::invoke(&f, args, s);
        }
        if let Args::Positional(v) = &args {
            if let Some(r) = fs.call(name, v) {
                return r;
            }
        }
    }
    if var.is_some() || s.data.contains_key(name.as_str()) {
        return Ok(Value::Null);
    }
    Err(EvalError::new(format!("unknown function `{name}`")))
}

/// A function literal's value: it keeps the values of the names its body
/// uses, from where it is written.
fn closure(def: &Arc<FunctionDef>, s: &Scope<'_>) -> Value {
    let mut captured: Vec<(String, Value)> = Vec::new();
    def.body.walk(&mut |e| {
        if let Expr::Name(n) = e {
            if def.params.iter().any(|p| p.name == *n) || captured.iter().any(|(k, _)| k == n) {
                return;
            }
            if let Ok(v) = s.lookup(n) {
                captured.push((n.clone(), v));
            }
        }
    });
    Value::Function(Arc::new(Function::User(UserFunction {
        def: def.clone(),
        closure: Arc::new(captured),
    })))
}

/// Whether `name` occurs as a name in `e`.
fn uses_name(e: &Expr, name: &str) -> bool {
    let mut found = false;
    e.walk(&mut |x| found |= matches!(x, Expr::Name(n) if n == name));
    found
}

/// Runs `each` once per combination of the iteration contexts, in a scope
/// that binds their names (later domains see earlier names). `each`
/// returns false to stop; the result is false when stopped that way or
/// when a domain is not something to iterate (the caller gives null then
/// for `for`).
fn iterate(
    iters: &[Iteration],
    vars: &mut Vec<(String, Value)>,
    s: &Scope<'_>,
    each: &mut dyn FnMut(&Scope<'_>) -> Result<bool, EvalError>,
) -> Result<bool, EvalError> {
    let Some((first, rest)) = iters.split_first() else {
        let inner = Scope {
            vars,
            parent: Some(s),
            ..*s
        };
        return each(&inner);
    };
    let items = {
        let inner = Scope {
            vars,
            parent: Some(s),
            ..*s
        };
        let from = eval(&first.domain, &inner)?;
        match &first.to {
            Some(to) => match counted(&from, &eval(to, &inner)?) {
                Some(v) => v,
                None => return Ok(false),
            },
            None => match from {
                Value::List(l) => l.to_vec(),
                Value::Range(r) => match range_items(&r) {
                    Some(v) => v,
                    None => return Ok(false),
                },
                Value::Null => return Ok(false),
                other => vec![other],
            },
        }
    };
    for item in items {
        vars.push((first.name.clone(), item));
        let go_on = iterate(rest, vars, s, each);
        vars.pop();
        if !go_on? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `from..to` in a `for`: whole numbers counting up or down, or dates a
/// day apart.
fn counted(from: &Value, to: &Value) -> Option<Vec<Value>> {
    match (from, to) {
        (Value::Number(a), Value::Number(b)) => {
            let (a, b) = (a.to_i64()?, b.to_i64()?);
            // Whole numbers within 10^7 of each other: a list, not a hang.
            if a.abs_diff(b) > 10_000_000 {
                return None;
            }
            let n = |i: i64| Value::Number(crate::dmn::number::Number::from_i64(i));
            Some(if a <= b {
                (a..=b).map(n).collect()
            } else {
                (b..=a).rev().map(n).collect()
            })
        }
        (Value::Date(a), Value::Date(b)) => {
            let days = b.days() - a.days();
            if days.abs() > 10_000_000 {
                return None;
            }
            let step = if days >= 0 { 1 } else { -1 };
            (0..=days.abs())
                .map(|i| a.add_days(i * step).map(Value::Date))
                .collect()
        }
        _ => None,
    }
}

/// The whole numbers of a numeric range with both ends.
fn range_items(r: &Range) -> Option<Vec<Value>> {
    let (Some(Value::Number(lo)), Some(Value::Number(hi))) = (&r.low, &r.high) else {
        return None;
    };
    use crate::dmn::number::{Number, RoundMode};
    let one = Number::from_i64(1);
    let lo = if r.low_closed {
        lo.round(0, RoundMode::Ceiling)?
    } else {
        lo.round(0, RoundMode::Floor)?.add(one)?
    };
    let hi = if r.high_closed {
        hi.round(0, RoundMode::Floor)?
    } else {
        hi.round(0, RoundMode::Ceiling)?.sub(one)?
    };
    // `[2..1]` is no range to iterate (it contains nothing).
    if lo > hi {
        return None;
    }
    counted(&Value::Number(lo), &Value::Number(hi))
}

pub(crate) fn range(r: &RangeExpr, s: &Scope<'_>) -> Result<Range, EvalError> {
    Ok(Range {
        low: r.low.as_ref().map(|e| eval(e, s)).transpose()?,
        low_closed: r.low_closed,
        high: r.high.as_ref().map(|e| eval(e, s)).transpose()?,
        high_closed: r.high_closed,
        kind: r.kind,
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
        Value::Range(r) => super::builtins::range_property(r, f).unwrap_or(Value::Null),
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
        // An entry one context item lacks is null for it, not an error.
        let got = match eval(cond, &inner) {
            Ok(v) => v,
            Err(_) if matches!(item, Value::Context(_)) => Value::Null,
            Err(e) => return Err(e),
        };
        match got {
            Value::Bool(true) => out.push(item.clone()),
            Value::Number(n) if items.len() == 1 || out.is_empty() => return Ok(pick(n)),
            _ => {}
        }
    }
    Ok(Value::List(Arc::new(out)))
}

/// Built-ins whose value changes from call to call: never folded.
const VOLATILE: &[&str] = &["now", "today"];

/// Replaces `e` by its value when it mentions no names (other than the
/// built-ins it calls) and no `?`, so `date("2024-01-01")` is parsed
/// once, at load time.
pub(crate) fn fold(e: Expr) -> Expr {
    if matches!(e, Expr::Const(_)) {
        return e;
    }
    let mut constant = true;
    let mut callees: Vec<String> = Vec::new();
    e.walk(&mut |x| match x {
        Expr::Call(c, _) => match &**c {
            Expr::Name(n) if function::is_builtin(n) && !VOLATILE.contains(&n.as_str()) => {
                callees.push(n.clone())
            }
            _ => constant = false,
        },
        Expr::Input
        | Expr::Filter(..)
        | Expr::Context(_)
        | Expr::Function(_)
        | Expr::For(..)
        | Expr::Quantified { .. } => constant = false,
        _ => {}
    });
    e.walk(&mut |x| {
        if let Expr::Name(n) = x {
            if !callees.contains(n) {
                constant = false;
            }
        }
        // The clock is read at each evaluation, not once at load time.
        if matches!(x, Expr::Call(n, _) if matches!(&**n, Expr::Name(n) if n == "now" || n == "today")) {
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
    fn functions_are_values() {
        assert_eq!(ok("(function(x) x * 2)(3)", json!({})), json!(6));
        assert_eq!(
            ok("{f: function(a, b) a - b, r: f(5, 2)}.r", json!({})),
            json!(3)
        );
        // Named arguments, in any order, for user functions and built-ins.
        assert_eq!(
            ok("{f: function(a, b) a - b, r: f(b: 5, a: 2)}.r", json!({})),
            json!(-3)
        );
        assert_eq!(
            ok("substring(start position: 2, string: \"abc\")", json!({})),
            json!("bc")
        );
        assert_eq!(ok("string length(nope: \"abc\")", json!({})), json!(null));
        // A required parameter left out is null; an optional one, absent.
        assert_eq!(ok("is(value1: 1)", json!({})), json!(false));
        assert_eq!(ok("is(value2: null, value1: null)", json!({})), json!(true));
        // The body sees the names around the literal, captured.
        assert_eq!(
            ok("{k: 10, f: function(x) x * k}.f(4)", json!({})),
            json!(40)
        );
        assert_eq!(
            ok(
                "{mk: function(a) function(b) a + b, add2: mk(2), r: add2(5)}.r",
                json!({})
            ),
            json!(7)
        );
        // A function stored in a context can call itself.
        assert_eq!(
            ok(
                "{fact: function(n) if n <= 1 then 1 else n * fact(n - 1), r: fact(5)}.r",
                json!({})
            ),
            json!(120)
        );
        // Built-ins are values too.
        assert_eq!(ok("{f: abs, r: f(-2)}.r", json!({})), json!(2));
        assert_eq!(
            ok("sort([3, 1, 2], precedes: function(x, y) x > y)", json!({})),
            json!([3, 2, 1])
        );
        assert_eq!(ok("sort([3, 1, 2])", json!({})), json!([1, 2, 3]));
        // Typed parameters refuse other types (the call gives null).
        assert_eq!(
            ok("(function(a: number) a + 1)(\"x\")", json!({})),
            json!(null)
        );
        assert_eq!(ok("(function(a: number) a + 1)([4])", json!({})), json!(5));
        // Calling what is not a function gives null; an unknown one fails.
        assert_eq!(ok("x(1)", json!({"x": 5})), json!(null));
        assert_eq!(
            ok("{sum: sum([1, 2]), r: sum([sum])}.r", json!({})),
            json!(3)
        );
        assert_eq!(ok("\"abs\"(-1)", json!({})), json!(null));
        assert!(run("nothing(1)", json!({})).is_err());
    }

    #[test]
    fn iteration_and_quantifiers() {
        assert_eq!(
            ok("for x in [1, 2, 3] return x * x", json!({})),
            json!([1, 4, 9])
        );
        assert_eq!(
            ok("for x in [1, 2], y in [10, 20] return x + y", json!({})),
            json!([11, 21, 12, 22])
        );
        assert_eq!(ok("for i in 3..1 return i", json!({})), json!([3, 2, 1]));
        assert_eq!(ok("for i in [1..3) return i", json!({})), json!([1, 2]));
        // Later contexts see earlier names; `partial` is the results so far.
        assert_eq!(
            ok("for x in [2], y in x..3 return y", json!({})),
            json!([2, 3])
        );
        assert_eq!(
            ok(
                "for i in 1..5 return if i <= 2 then 1 else partial[-1] + partial[-2]",
                json!({})
            ),
            json!([1, 1, 2, 3, 5])
        );
        assert_eq!(
            ok("some x in [1, 5] satisfies x > 4", json!({})),
            json!(true)
        );
        assert_eq!(
            ok("every x in [1, 5] satisfies x > 4", json!({})),
            json!(false)
        );
        assert_eq!(
            ok("every x in [1, 2], y in [3] satisfies x < y", json!({})),
            json!(true)
        );
        assert_eq!(ok("some x in [] satisfies x", json!({})), json!(false));
    }

    #[test]
    fn properties_ranges_and_membership() {
        assert_eq!(ok("(1..10].start included", json!({})), json!(false));
        assert_eq!(ok("[1..10).end", json!({})), json!(10));
        assert_eq!(ok("(< 5).start", json!({})), json!(null));
        assert_eq!(ok("(<= 5).end included", json!({})), json!(true));
        assert_eq!(ok("date(\"2018-12-10\").weekday", json!({})), json!(1));
        assert_eq!(
            ok("time(\"10:30:00+05:00\").time offset", json!({})),
            json!("PT5H")
        );
        assert_eq!(ok("(< 10) = (< 10)", json!({})), json!(true));
        assert_eq!(ok("(< 10) = (null..10)", json!({})), json!(false));
        // `(= 3)` keeps its operator: the same ends, another range.
        assert_eq!(ok("(= 3) = [3..3]", json!({})), json!(false));
        assert_eq!(ok("{r: [1..5]}.r = [1..5]", json!({})), json!(true));
        assert_eq!(ok("x in r", json!({"x": 3, "r": [1, 3]})), json!(true));
        assert_eq!(ok("1 in [[2..4], [1..3]]", json!({})), json!(true));
        assert_eq!(ok("[1, 2] in [[1], [1, 2]]", json!({})), json!(true));
        assert_eq!(ok("5 in (null..10]", json!({})), json!(null));
        assert_eq!(ok("null in [1..10]", json!({})), json!(null));
        assert_eq!(ok("3 in (< 5)", json!({})), json!(true));
        // An entry an item lacks is null for that item.
        assert_eq!(ok("[{x: 1}, {y: 2}][y > 1]", json!({})), json!([{"y": 2}]));
        assert!(run("{a: 1, a: 2}", json!({})).is_err());
        assert_eq!(ok("{🐎: \"😀\"}", json!({})), json!({"🐎": "😀"}));
        assert_eq!(
            ok("{foo+bar: 1, a-b: 2}", json!({})),
            json!({"foo+bar": 1, "a-b": 2})
        );
    }

    #[test]
    fn instance_of() {
        assert_eq!(ok("1 instance of number", json!({})), json!(true));
        assert_eq!(ok("null instance of Any", json!({})), json!(false));
        assert_eq!(
            ok("[1, 2] instance of list<number>", json!({})),
            json!(true)
        );
        assert_eq!(
            ok(
                "{a: \"x\"} instance of context<a: string, b: number>",
                json!({})
            ),
            json!(false)
        );
        assert_eq!(
            ok("date(\"2024-01-01\") instance of date and time", json!({})),
            json!(false)
        );
        assert_eq!(
            ok(
                "(function(a: string) 1) instance of function<string> -> number",
                json!({})
            ),
            json!(true)
        );
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
