//! Evaluating compiled logic: tables, literal expressions and the boxed
//! expressions — contexts (each entry sees the ones before it, and a
//! function definition entry is callable by its name), lists, relations,
//! conditionals, iterators (`for`, `some`, `every`), filters — and
//! invocations of knowledge models, decision services and boxed functions,
//! from an `invocation` element or from FEEL through the [`Functions`] of
//! an [`Env`]. A model's body is logic again, so invoking lives here, above
//! the environment and the tables it uses.

use std::sync::Arc;

use super::compiled::{CFunction, CKnowledge, Logic};
use super::decisions::conform;
use super::env::Env;
use super::error::DmnError;
use super::feel::{EvalError, Functions};
use super::knowledge::Callable;
use super::table;
use super::value::Value;
use crate::model::dmn::IteratorKind;

/// How deep knowledge models may call each other; stops a model that
/// calls itself from overflowing the stack.
pub(crate) const MAX_DEPTH: u32 = 32;

/// The value of `l`, and the 0-based matching rules when it is a table.
pub(crate) fn evaluate(l: &Logic, env: &Env<'_>) -> Result<(Value, Vec<usize>), DmnError> {
    let value = |l: &Logic| evaluate(l, env).map(|(v, _)| v);
    let v = match l {
        Logic::Table(t) => return table::evaluate(t, env),
        Logic::Literal(c) => env.value(c)?,
        Logic::Context(entries) => context(entries, env)?,
        Logic::Invocation {
            function,
            bindings,
            at,
        } => {
            let mut bound = Vec::new();
            for (param, value) in bindings {
                bound.push((param.as_str(), evaluate(value, env)?.0));
            }
            let Some(parameters) = parameters_of(env, function) else {
                return Err(DmnError::Expression {
                    decision: env.decision.to_string(),
                    at: at.to_string(),
                    message: format!(
                        "no knowledge model, decision service or function is named `{function}`"
                    ),
                });
            };
            if let Some((name, _)) = bound
                .iter()
                .find(|(b, _)| !parameters.iter().any(|p| p == b))
            {
                return Err(DmnError::Expression {
                    decision: env.decision.to_string(),
                    at: at.to_string(),
                    message: format!(
                        "`{function}` has no parameter `{name}` (its parameters: {})",
                        parameters.join(", ")
                    ),
                });
            }
            let args = parameters
                .iter()
                .map(|p| {
                    bound
                        .iter()
                        .find(|(b, _)| b == p)
                        .map_or(Value::Null, |(_, v)| v.clone())
                })
                .collect::<Vec<_>>();
            match env.call(function, &args) {
                Some(r) => r.map_err(|e| DmnError::Expression {
                    decision: env.decision.to_string(),
                    at: at.to_string(),
                    message: e.message,
                })?,
                None => Value::Null,
            }
        }
        Logic::List(items) => {
            Value::List(Arc::new(items.iter().map(value).collect::<Result<_, _>>()?))
        }
        Logic::Relation { columns, rows } => {
            let mut out = Vec::new();
            for row in rows {
                let mut fields = Vec::new();
                for (c, cell) in columns.iter().zip(row) {
                    fields.push((c.clone(), value(cell)?));
                }
                out.push(Value::Context(Arc::new(fields)));
            }
            Value::List(Arc::new(out))
        }
        // A function definition is a function value, which sees the
        // names in scope where it is defined.
        Logic::Function(f) => match &f.feel {
            Some(func) => func.capture(env.vars.to_vec()),
            None => {
                return Err(DmnError::Expression {
                    decision: env.decision.to_string(),
                    at: f.at.to_string(),
                    message: "a function definition whose body is a boxed expression (not a literal expression) is a value only as a context entry, callable by the entry's name there: put the function in a context entry, or write its body as a literal expression".into(),
                });
            }
        },
        Logic::Conditional(parts) => {
            let [c, t, e] = &**parts;
            // A condition that is not a boolean (nor null) is an error,
            // which FEEL makes null.
            match value(c)? {
                Value::Bool(true) => value(t)?,
                Value::Bool(false) | Value::Null => value(e)?,
                _ => Value::Null,
            }
        }
        Logic::Iterator {
            kind,
            variable,
            parts,
        } => {
            let [source, body] = &**parts;
            let items = as_items(value(source)?);
            let mut results = Vec::with_capacity(items.len());
            for item in items {
                let mut vars = env.vars.to_vec();
                vars.push((variable.clone(), item));
                results.push(evaluate(body, &env.with_scope(&vars, env.locals))?.0);
            }
            let not_boolean = results
                .iter()
                .any(|r| !matches!(r, Value::Bool(_) | Value::Null));
            match kind {
                IteratorKind::For => Value::List(Arc::new(results)),
                // `satisfies` must give booleans; anything else is an error
                // (null).
                _ if not_boolean => Value::Null,
                IteratorKind::Some => {
                    Value::Bool(results.iter().any(|r| matches!(r, Value::Bool(true))))
                }
                IteratorKind::Every => {
                    Value::Bool(results.iter().all(|r| matches!(r, Value::Bool(true))))
                }
            }
        }
        Logic::Filter(parts) => {
            let [source, condition] = &**parts;
            let source = value(source)?;
            if matches!(source, Value::Null) {
                return Ok((Value::Null, Vec::new()));
            }
            let mut kept = Vec::new();
            for item in as_items(source) {
                let mut vars = env.vars.to_vec();
                vars.push(("item".to_string(), item.clone()));
                if let Value::Context(c) = &item {
                    vars.extend(c.iter().cloned());
                }
                match evaluate(condition, &env.with_scope(&vars, env.locals))?.0 {
                    Value::Bool(true) => kept.push(item),
                    Value::Bool(false) | Value::Null => {}
                    // `match` must give booleans; anything else is an error
                    // (null).
                    _ => return Ok((Value::Null, Vec::new())),
                }
            }
            Value::List(Arc::new(kept))
        }
    };
    Ok((v, Vec::new()))
}

/// A context's value: its entries in order, each seeing those before it;
/// an entry holding a function definition is callable by its name.
fn context(entries: &[(Option<String>, Logic)], env: &Env<'_>) -> Result<Value, DmnError> {
    let mut vars = env.vars.to_vec();
    let mut locals = env.locals.to_vec();
    let mut fields = Vec::new();
    let mut result = None;
    for (name, entry) in entries {
        if let (Some(n), Logic::Function(f)) = (name, entry) {
            locals.push((n.clone(), f.clone()));
            // One with a FEEL body is also a value of the context (so
            // `library.fn(x)` calls it from outside).
            if let Some(func) = &f.feel {
                let v = func.capture(vars.clone());
                vars.push((n.clone(), v.clone()));
                fields.push((n.clone(), v));
            }
            continue;
        }
        let (v, _) = evaluate(entry, &env.with_scope(&vars, &locals))?;
        match name {
            Some(n) => {
                vars.push((n.clone(), v.clone()));
                fields.push((n.clone(), v));
            }
            None => result = Some(v),
        }
    }
    Ok(result.unwrap_or_else(|| Value::Context(Arc::new(fields))))
}

/// The items an iterator or filter goes through: a list's items, a single
/// value as a list of one (FEEL's singleton rule), nothing for null.
fn as_items(v: Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.to_vec(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The parameter names of what `name` calls from `env`.
fn parameters_of(env: &Env<'_>, name: &str) -> Option<Vec<String>> {
    if let Some((_, f)) = env.locals.iter().rev().find(|(n, _)| n == name) {
        return Some(f.parameters.clone());
    }
    match env.knowledge.resolve(env.file, name)? {
        Callable::Knowledge(k) => Some(k.parameters.clone()),
        Callable::Service(_, s) => Some(s.parameters.clone()),
    }
}

/// Invokes `k` with `args` in parameter order (missing ones are null). The
/// body sees only its parameters, not the caller's data.
pub(crate) fn invoke(k: &CKnowledge, args: Vec<Value>, env: &Env<'_>) -> Result<Value, DmnError> {
    let fail = |message: String| DmnError::Expression {
        decision: env.decision.to_string(),
        at: format!("knowledge model `{}`", k.name),
        message,
    };
    if env.depth >= MAX_DEPTH {
        return Err(fail(format!(
            "in knowledge model `{}`: invoked more than {MAX_DEPTH} levels deep; does it invoke itself?",
            k.name
        )));
    }
    let body = k.body.as_ref().map_err(|reason| fail(reason.clone()))?;
    let mut args = args.into_iter();
    let mut vars: Vec<(String, Value)> = Vec::with_capacity(k.parameters.len());
    for (i, p) in k.parameters.iter().enumerate() {
        let mut v = args.next().unwrap_or(Value::Null);
        // An argument not of the parameter's declared type: the call is null.
        if let Some(Some(t)) = k.parameter_types.get(i) {
            match t.coerce(v) {
                Some(c) => v = c,
                None => return Ok(Value::Null),
            }
        }
        vars.push((p.clone(), v));
    }
    let inner = env.call_frame(&vars, k.file);
    let v = evaluate(body, &inner)?.0;
    // The result meets the model's declared result type.
    Ok(conform(k.output_type.as_ref(), v))
}

/// Invokes a boxed function definition: its body sees the caller's names
/// (the context entries before the call) and its parameters.
fn invoke_local(
    name: &str,
    f: &CFunction,
    args: &[Value],
    env: &Env<'_>,
) -> Result<Value, DmnError> {
    if env.depth >= MAX_DEPTH {
        return Err(DmnError::Expression {
            decision: env.decision.to_string(),
            at: f.at.to_string(),
            message: format!(
                "in function `{name}`: called more than {MAX_DEPTH} levels deep; does it call itself?"
            ),
        });
    }
    let mut vars = env.vars.to_vec();
    let mut args = args.iter();
    for (i, p) in f.parameters.iter().enumerate() {
        let v = args.next().cloned().unwrap_or(Value::Null);
        // An argument not of the parameter's declared type: the call is null.
        let v = match f.parameter_types.get(i) {
            Some(Some(t)) => match t.coerce(v) {
                Some(c) => c,
                None => return Ok(Value::Null),
            },
            _ => v,
        };
        vars.push((p.clone(), v));
    }
    let mut inner = env.with_scope(&vars, env.locals);
    inner.depth += 1;
    evaluate(&f.body, &inner).map(|(v, _)| v)
}

impl Functions for Env<'_> {
    fn has(&self, name: &str) -> bool {
        parameters_of(self, name).is_some()
    }

    fn parameters(&self, name: &str) -> Option<Vec<String>> {
        parameters_of(self, name)
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, EvalError>> {
        let (what, result) = if let Some((_, f)) = self.locals.iter().rev().find(|(n, _)| n == name)
        {
            ("function", invoke_local(name, f, args, self))
        } else {
            match self.knowledge.resolve(self.file, name)? {
                Callable::Knowledge(k) => ("knowledge model", invoke(k, args.to_vec(), self)),
                Callable::Service(i, _) => (
                    "decision service",
                    self.decisions.invoke_service(i, args, self.depth + 1),
                ),
            }
        };
        Some(result.map_err(|e| {
            // Say once where inside the model it failed, not once per
            // level of nested calls.
            EvalError::new(match e {
                DmnError::Expression { message, .. }
                    if message.starts_with("in knowledge model")
                        || message.starts_with("in decision service")
                        || message.starts_with("in function") =>
                {
                    message
                }
                DmnError::Expression { at, message, .. } => {
                    format!("in {what} `{name}`, {at}: {message}")
                }
                other => format!("in {what} `{name}`: {other}"),
            })
        }))
    }
}
