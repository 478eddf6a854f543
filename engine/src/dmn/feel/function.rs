//! Functions as FEEL values, and invoking them.
//!
//! A [`Function`] is a built-in (by name), a function literal
//! (`function(a, b) a + b`) with the values of the names its body uses
//! captured where it was written, a function of the model found by name
//! through the scope's [`Functions`] (business knowledge models), or any
//! [`Callable`] the DMN layer puts into the scope as a value. [`invoke`]
//! calls any of them with positional or named arguments.
//!
//! A function literal's body sees, in order: its parameters, the names it
//! captured, then the scope of the call. The last one is what lets a
//! function stored in a context call itself (`fact(n - 1)`): when it was
//! written its own entry did not exist yet.

use std::fmt;
use std::sync::Arc;

use super::ast::Expr;
use super::error::EvalError;
use super::eval::eval;
use super::scope::Scope;
use super::types::FeelType;
use super::{builtins, java};
use crate::dmn::value::Value;

/// A function value.
#[derive(Debug, Clone)]
pub(crate) enum Function {
    /// A built-in function, by its FEEL name (`string length`).
    Builtin(Arc<str>),
    /// A function literal and what it captured.
    User(UserFunction),
    /// A function of the model called through the scope's [`Functions`]
    /// by name (business knowledge models).
    Model(Arc<str>),
    /// A function of the model that carries what it needs to run.
    // Built by the model layer (decision services); nothing does yet.
    #[allow(dead_code)]
    External(Arc<dyn Callable>),
}

/// A callable the DMN layer puts into a scope as a value
/// (`Value::Function(Arc::new(Function::External(…)))`), for example a
/// decision service.
pub(crate) trait Callable: fmt::Debug + Send + Sync {
    /// The name messages show.
    fn name(&self) -> &str;
    /// The parameter names, in order (for named arguments).
    fn parameters(&self) -> Vec<String>;
    /// Calls the function with arguments in parameter order (missing ones
    /// null); `caller` is the scope of the call.
    fn call(&self, args: Vec<Value>, caller: &Scope<'_>) -> Result<Value, EvalError>;
}

/// A function literal as parsed: `function(a: number, b) body`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FunctionDef {
    pub params: Vec<Param>,
    pub body: Expr,
    /// `external`: the body is a mapping to a Java method (see [`java`]).
    pub external: bool,
}

/// One parameter of a function literal; its type, when written, is
/// checked (and coerced) on each call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Param {
    pub name: String,
    pub ty: Option<FeelType>,
}

/// A function literal evaluated: the definition and the captured values.
#[derive(Debug, Clone)]
pub(crate) struct UserFunction {
    pub def: Arc<FunctionDef>,
    pub closure: Arc<Vec<(String, Value)>>,
}

impl PartialEq for Function {
    /// Built-ins and model functions are equal by name; other functions
    /// only to themselves.
    fn eq(&self, other: &Function) -> bool {
        match (self, other) {
            (Function::Builtin(a), Function::Builtin(b)) => a == b,
            (Function::Model(a), Function::Model(b)) => a == b,
            (Function::User(a), Function::User(b)) => {
                Arc::ptr_eq(&a.def, &b.def) && Arc::ptr_eq(&a.closure, &b.closure)
            }
            (Function::External(a), Function::External(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Function::Builtin(n) | Function::Model(n) => write!(f, "function {n}"),
            Function::External(c) => write!(f, "function {}", c.name()),
            Function::User(u) => {
                let names: Vec<&str> = u.def.params.iter().map(|p| p.name.as_str()).collect();
                write!(f, "function({})", names.join(", "))
            }
        }
    }
}

impl Function {
    /// Wraps a callable of the model as a FEEL value, to bind in a scope.
    #[allow(dead_code)]
    pub fn external(c: Arc<dyn Callable>) -> Value {
        Value::Function(Arc::new(Function::External(c)))
    }

    /// A function literal with `body` in FEEL, built by the model layer
    /// (a boxed function definition) once; [`Function::capture`] makes
    /// values of it.
    pub fn literal(params: Vec<(String, Option<FeelType>)>, body: Expr) -> Function {
        Function::User(UserFunction {
            def: Arc::new(FunctionDef {
                params: params
                    .into_iter()
                    .map(|(name, ty)| Param { name, ty })
                    .collect(),
                body,
                external: false,
            }),
            closure: Arc::new(Vec::new()),
        })
    }

    /// This function as a value, a function literal capturing `closure`
    /// (the names its body sees besides its parameters).
    pub fn capture(&self, closure: Vec<(String, Value)>) -> Value {
        Value::Function(Arc::new(match self {
            Function::User(u) => Function::User(UserFunction {
                def: u.def.clone(),
                closure: Arc::new(closure),
            }),
            other => other.clone(),
        }))
    }

    /// The function literal expression of a function literal (to nest in
    /// another one's body); `None` for other functions.
    pub fn as_expr(&self) -> Option<Expr> {
        match self {
            Function::User(u) => Some(Expr::Function(u.def.clone())),
            _ => None,
        }
    }

    /// A built-in as a value.
    pub fn builtin(name: &str) -> Value {
        Value::Function(Arc::new(Function::Builtin(Arc::from(name))))
    }
}

/// Arguments of a call: in order, or by parameter name (an empty name is
/// a positional argument written before the named ones).
#[derive(Debug, Clone)]
pub(crate) enum Args {
    Positional(Vec<Value>),
    Named(Vec<(String, Value)>),
}

/// Built-ins that call function values themselves (so they need the
/// scope of the call); the others are in [`builtins`].
const HIGHER_ORDER: &[&str] = &["sort"];

/// Whether `name` is a built-in function.
pub(crate) fn is_builtin(name: &str) -> bool {
    HIGHER_ORDER.contains(&name) || builtins::exists(name)
}

/// Calls `f`. A call that cannot be made (a missing argument name, a
/// wrong type for a typed parameter) gives null, as FEEL says.
pub(crate) fn invoke(f: &Function, args: Args, caller: &Scope<'_>) -> Result<Value, EvalError> {
    match f {
        Function::Builtin(name) => {
            match args {
                Args::Positional(v) => call_builtin(name, v, caller),
                // A required argument left out: null, not an error.
                Args::Named(named) => match builtin_positional(name, named) {
                    Some(v) => Ok(call_builtin(name, v, caller).unwrap_or(Value::Null)),
                    None => Ok(Value::Null),
                },
            }
        }
        Function::User(u) => {
            let names: Vec<String> = u.def.params.iter().map(|p| p.name.clone()).collect();
            let Some(mut vals) = bind(&names, args) else {
                return Ok(Value::Null);
            };
            if vals.len() != names.len() {
                return Ok(Value::Null);
            }
            for (v, p) in vals.iter_mut().zip(&u.def.params) {
                if let Some(t) = &p.ty {
                    match t.coerce(std::mem::replace(v, Value::Null)) {
                        Some(c) => *v = c,
                        None => return Ok(Value::Null),
                    }
                }
            }
            let mut vars = u.closure.to_vec();
            vars.extend(names.into_iter().zip(vals));
            let inner = Scope {
                vars: &vars,
                input: None,
                parent: Some(caller),
                ..*caller
            };
            if u.def.external {
                return Err(java::call(&eval(&u.def.body, &inner)?));
            }
            eval(&u.def.body, &inner)
        }
        Function::Model(name) => {
            let Some(fs) = caller.functions else {
                return Err(EvalError::new(format!(
                    "function `{name}` cannot be called here: its model is not in scope"
                )));
            };
            let vals = match args {
                Args::Positional(v) => v,
                Args::Named(named) => {
                    let Some(params) = fs.parameters(name) else {
                        return Ok(Value::Null);
                    };
                    match bind(&params, Args::Named(named)) {
                        Some(v) => v,
                        None => return Ok(Value::Null),
                    }
                }
            };
            fs.call(name, &vals)
                .unwrap_or_else(|| Err(EvalError::new(format!("unknown function `{name}`"))))
        }
        Function::External(c) => {
            let params = c.parameters();
            let Some(vals) = bind(&params, args) else {
                return Ok(Value::Null);
            };
            c.call(vals, caller)
        }
    }
}

/// Calls `f` with arguments in order, from a built-in (`sort`'s
/// `precedes`); anything but a function gives null.
pub(crate) fn apply(f: &Value, args: Vec<Value>, caller: &Scope<'_>) -> Result<Value, EvalError> {
    match f {
        Value::Function(func) => invoke(func, Args::Positional(args), caller),
        _ => Ok(Value::Null),
    }
}

/// Arguments in parameter order. Named arguments fill their parameter's
/// place, absent ones are null; `None` when a name is not a parameter or
/// is given twice.
fn bind(params: &[String], args: Args) -> Option<Vec<Value>> {
    match args {
        Args::Positional(v) => Some(v),
        Args::Named(named) => {
            let mut out = vec![Value::Null; params.len()];
            let mut seen = vec![false; params.len()];
            for (k, (n, v)) in named.into_iter().enumerate() {
                let i = if n.is_empty() {
                    (k < params.len()).then_some(k)?
                } else {
                    params.iter().position(|p| *p == n)?
                };
                if seen[i] {
                    return None;
                }
                seen[i] = true;
                out[i] = v;
            }
            Some(out)
        }
    }
}

/// Calls built-in `name` with arguments in order.
pub(crate) fn call_builtin(
    name: &str,
    args: Vec<Value>,
    caller: &Scope<'_>,
) -> Result<Value, EvalError> {
    match name {
        "sort" => sort(args, caller),
        // A failing `match` function makes the built-in's result null, as
        // any other invalid argument does.
        _ => builtins::call(name, &args, &|f, a| apply(f, a.to_vec(), caller).ok()),
    }
}

/// `sort(list, precedes)`: a stable sort by a "comes before" function, or
/// ascending when none is given. Null when the items cannot be ordered.
fn sort(args: Vec<Value>, caller: &Scope<'_>) -> Result<Value, EvalError> {
    let mut args = args.into_iter();
    let list = match args.next() {
        Some(Value::List(l)) => l.to_vec(),
        Some(Value::Null) | None => return Ok(Value::Null),
        Some(other) => vec![other],
    };
    let precedes = args.next();
    if args.next().is_some() {
        return Ok(Value::Null);
    }
    // Insertion sort: the comparison may fail or give null, which a
    // library sort cannot stop on; FEEL lists are small.
    let mut out: Vec<Value> = Vec::with_capacity(list.len());
    for item in list {
        let mut at = out.len();
        while at > 0 {
            let before = match &precedes {
                Some(f @ Value::Function(_)) => {
                    match apply(f, vec![item.clone(), out[at - 1].clone()], caller)? {
                        Value::Bool(b) => b,
                        _ => return Ok(Value::Null),
                    }
                }
                None | Some(Value::Null) => match crate::dmn::value::compare(&item, &out[at - 1]) {
                    Some(o) => o.is_lt(),
                    None => return Ok(Value::Null),
                },
                Some(_) => return Ok(Value::Null),
            };
            if !before {
                break;
            }
            at -= 1;
        }
        out.insert(at, item);
    }
    Ok(Value::List(Arc::new(out)))
}

/// The parameter lists of the built-ins, as DMN 1.5 names them (`?`
/// marks an optional one); a function with several lists is overloaded.
const BUILTIN_PARAMS: &[(&str, &[&[&str]])] = &[
    ("not", &[&["negand"]]),
    ("date", &[&["from"], &["year", "month", "day"]]),
    (
        "time",
        &[&["from"], &["hour", "minute", "second", "offset?"]],
    ),
    ("date and time", &[&["from"], &["date", "time"]]),
    ("duration", &[&["from"]]),
    ("years and months duration", &[&["from", "to"]]),
    ("string", &[&["from"]]),
    (
        "number",
        &[&["from", "grouping separator?", "decimal separator?"]],
    ),
    ("string length", &[&["string"]]),
    ("substring", &[&["string", "start position", "length?"]]),
    ("substring before", &[&["string", "match"]]),
    ("substring after", &[&["string", "match"]]),
    ("upper case", &[&["string"]]),
    ("lower case", &[&["string"]]),
    ("replace", &[&["input", "pattern", "replacement", "flags?"]]),
    ("contains", &[&["string", "match"]]),
    ("starts with", &[&["string", "match"]]),
    ("ends with", &[&["string", "match"]]),
    ("matches", &[&["input", "pattern", "flags?"]]),
    ("split", &[&["string", "delimiter"]]),
    ("string join", &[&["list", "delimiter?"]]),
    ("list contains", &[&["list", "element"]]),
    ("count", &[&["list"]]),
    ("min", &[&["list"]]),
    ("max", &[&["list"]]),
    ("sum", &[&["list"]]),
    ("mean", &[&["list"]]),
    ("median", &[&["list"]]),
    ("stddev", &[&["list"]]),
    ("mode", &[&["list"]]),
    ("product", &[&["list"]]),
    ("all", &[&["list"]]),
    ("any", &[&["list"]]),
    ("sublist", &[&["list", "start position", "length?"]]),
    ("append", &[&["list", "item"]]),
    ("concatenate", &[&["list"]]),
    ("insert before", &[&["list", "position", "newItem"]]),
    ("remove", &[&["list", "position"]]),
    ("reverse", &[&["list"]]),
    ("index of", &[&["list", "match"]]),
    ("union", &[&["list"]]),
    ("distinct values", &[&["list"]]),
    ("flatten", &[&["list"]]),
    ("sort", &[&["list", "precedes?"]]),
    (
        "list replace",
        &[
            &["list", "position", "newItem"],
            &["list", "match", "newItem"],
        ],
    ),
    ("decimal", &[&["n", "scale"]]),
    ("floor", &[&["n", "scale?"]]),
    ("ceiling", &[&["n", "scale?"]]),
    ("round up", &[&["n", "scale"]]),
    ("round down", &[&["n", "scale"]]),
    ("round half up", &[&["n", "scale"]]),
    ("round half down", &[&["n", "scale"]]),
    ("abs", &[&["n"]]),
    ("modulo", &[&["dividend", "divisor"]]),
    ("sqrt", &[&["number"]]),
    ("log", &[&["number"]]),
    ("exp", &[&["number"]]),
    ("odd", &[&["number"]]),
    ("even", &[&["number"]]),
    ("is", &[&["value1", "value2"]]),
    ("get value", &[&["m", "key"]]),
    ("get entries", &[&["m"]]),
    ("context", &[&["entries"]]),
    (
        "context put",
        &[&["context", "key", "value"], &["context", "keys", "value"]],
    ),
    ("context merge", &[&["contexts"]]),
    ("day of year", &[&["date"]]),
    ("day of week", &[&["date"]]),
    ("month of year", &[&["date"]]),
    ("week of year", &[&["date"]]),
    ("range", &[&["from"]]),
    ("now", &[&[]]),
    ("today", &[&[]]),
    (
        "before",
        &[
            &["point1", "point2"],
            &["point", "range"],
            &["range", "point"],
            &["range1", "range2"],
        ],
    ),
    (
        "after",
        &[
            &["point1", "point2"],
            &["point", "range"],
            &["range", "point"],
            &["range1", "range2"],
        ],
    ),
    ("meets", &[&["range1", "range2"]]),
    ("met by", &[&["range1", "range2"]]),
    ("overlaps", &[&["range1", "range2"]]),
    ("overlaps before", &[&["range1", "range2"]]),
    ("overlaps after", &[&["range1", "range2"]]),
    ("finishes", &[&["point", "range"], &["range1", "range2"]]),
    ("finished by", &[&["range", "point"], &["range1", "range2"]]),
    ("includes", &[&["range", "point"], &["range1", "range2"]]),
    ("during", &[&["point", "range"], &["range1", "range2"]]),
    ("starts", &[&["point", "range"], &["range1", "range2"]]),
    ("started by", &[&["range", "point"], &["range1", "range2"]]),
    ("coincides", &[&["point1", "point2"], &["range1", "range2"]]),
];

/// Named arguments to a built-in, in the order of the first parameter
/// list that has all the names. A parameter left out is null, except
/// optional ones at the end, which are left out of the call too
/// (`substring`'s `length`).
fn builtin_positional(name: &str, named: Vec<(String, Value)>) -> Option<Vec<Value>> {
    // `context put(…, key: k, …)` names one key; a path of keys is named
    // `keys` (DMN 1.5 §10.3.4.8), so a list given as `key` is no call.
    if name == "context put"
        && named
            .iter()
            .any(|(n, v)| n == "key" && matches!(v, Value::List(_)))
    {
        return None;
    }
    let (_, lists) = BUILTIN_PARAMS.iter().find(|(n, _)| *n == name)?;
    let bare = |p: &str| p.trim_end_matches('?').to_string();
    let list = lists.iter().find(|l| {
        named.iter().enumerate().all(|(k, (n, _))| {
            if n.is_empty() {
                k < l.len()
            } else {
                l.iter().any(|p| bare(p) == *n)
            }
        })
    })?;
    let params: Vec<String> = list.iter().map(|p| bare(p)).collect();
    let given: Vec<usize> = named
        .iter()
        .enumerate()
        .filter_map(|(k, (n, _))| {
            if n.is_empty() {
                Some(k)
            } else {
                params.iter().position(|p| p == n)
            }
        })
        .collect();
    let mut keep = list.len();
    while keep > 0 && list[keep - 1].ends_with('?') && !given.contains(&(keep - 1)) {
        keep -= 1;
    }
    let mut vals = bind(&params, Args::Named(named))?;
    vals.truncate(keep);
    Some(vals)
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_expression;
    use super::*;

    /// A function of the model as the DMN layer would bind one.
    #[derive(Debug)]
    struct Scale;

    impl Callable for Scale {
        fn name(&self) -> &str {
            "scale"
        }
        fn parameters(&self) -> Vec<String> {
            vec!["x".into(), "by".into()]
        }
        fn call(&self, args: Vec<Value>, _caller: &Scope<'_>) -> Result<Value, EvalError> {
            Ok(match (&args[0], &args[1]) {
                (Value::Number(x), Value::Number(by)) => Value::Number(x.mul(*by).unwrap()),
                _ => Value::Null,
            })
        }
    }

    fn run(src: &str) -> Value {
        let vars = vec![("scale".to_string(), Function::external(Arc::new(Scale)))];
        let e = parse_expression(src, &Default::default()).unwrap();
        let data = crate::model::Data::new();
        eval(&e, &Scope::new(&data, &vars)).unwrap()
    }

    #[test]
    fn model_callables_bound_in_a_scope_are_functions() {
        assert_eq!(
            run("scale(2, 3)"),
            Value::Number(crate::dmn::number::Number::from_f64(6.0).unwrap())
        );
        assert_eq!(
            run("scale(by: 10, x: 2)"),
            Value::Number(crate::dmn::number::Number::from_f64(20.0).unwrap())
        );
        assert_eq!(run("scale(y: 1)"), Value::Null);
        // Passed on as a value, and called from a function literal.
        assert_eq!(
            run("(function(f) f(4, 2))(scale)"),
            Value::Number(crate::dmn::number::Number::from_f64(8.0).unwrap())
        );
    }

    #[test]
    fn context_put_names_one_key_as_key_and_a_path_as_keys() {
        let run = |text: &str| {
            let e = parse_expression(text, &Default::default()).unwrap();
            let data = crate::model::Data::new();
            eval(&e, &Scope::new(&data, &[])).unwrap()
        };
        assert_eq!(
            run(r#"context put(context: {x: 1}, key: ["y", "a"], value: 2)"#),
            Value::Null
        );
        assert_eq!(
            run(r#"context put(context: {y: {a: 0}}, keys: ["y", "a"], value: 2).y.a"#),
            Value::Number(crate::dmn::number::Number::from_i64(2))
        );
        assert_eq!(
            run(r#"context put(context: {x: 1}, key: "y", value: 2).y"#),
            Value::Number(crate::dmn::number::Number::from_i64(2))
        );
    }

    /// The sort FEEL calls (`call_builtin`); `builtins/lists.rs` had a
    /// second one nothing reached, whose cases are these.
    #[test]
    fn sort_ascending_by_a_function_or_null() {
        let num = |x: i64| Value::Number(crate::dmn::number::Number::from_i64(x));
        let sorted = Value::List(Arc::new(vec![num(1), num(2), num(3)]));
        assert_eq!(run("sort([3, 1, 2])"), sorted);
        assert_eq!(run("sort([3, 1, 2], function(x, y) x < y)"), sorted);
        assert_eq!(
            run("sort(list: [3, 1, 2], precedes: function(x, y) x < y)"),
            sorted
        );
        assert_eq!(run(r#"sort([3, 1, 2], function(x, y) "?")"#), Value::Null);
        assert_eq!(run(r#"sort([1, "a"])"#), Value::Null);
    }
}
