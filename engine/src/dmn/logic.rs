//! Evaluating compiled logic: tables, literal expressions, contexts (each
//! entry sees the ones before it) and invocations of knowledge models —
//! from an `invocation` element or from FEEL, through the [`Functions`] of
//! an [`Env`]. A model's body is logic again, so invoking lives here, above
//! the environment and the tables it uses.

use std::sync::Arc;

use super::compiled::{CKnowledge, Logic};
use super::env::Env;
use super::error::DmnError;
use super::feel::{EvalError, Functions};
use super::table;
use super::value::Value;

/// How deep knowledge models may call each other; stops a model that
/// calls itself from overflowing the stack.
const MAX_DEPTH: u32 = 32;

/// The value of `l`, and the 0-based matching rules when it is a table.
pub(crate) fn evaluate(l: &Logic, env: &Env<'_>) -> Result<(Value, Vec<usize>), DmnError> {
    match l {
        Logic::Table(t) => table::evaluate(t, env),
        Logic::Literal(c) => Ok((env.value(c)?, Vec::new())),
        Logic::Context(entries) => {
            let mut vars = env.vars.to_vec();
            let mut fields = Vec::new();
            let mut result = None;
            for (name, entry) in entries {
                let (v, _) = evaluate(entry, &env.with_vars(&vars))?;
                match name {
                    Some(n) => {
                        vars.push((n.clone(), v.clone()));
                        fields.push((n.clone(), v));
                    }
                    None => result = Some(v),
                }
            }
            Ok((
                result.unwrap_or_else(|| Value::Context(Arc::new(fields))),
                Vec::new(),
            ))
        }
        Logic::Invocation {
            function,
            bindings,
            at,
        } => {
            let Some(k) = env.knowledge.get(function) else {
                return Err(DmnError::Expression {
                    decision: env.decision.to_string(),
                    at: at.to_string(),
                    message: format!("no knowledge model is named `{function}`"),
                });
            };
            let mut bound = Vec::new();
            for (param, value) in bindings {
                bound.push((param.as_str(), evaluate(value, env)?.0));
            }
            let args = k
                .parameters
                .iter()
                .map(|p| {
                    bound
                        .iter()
                        .find(|(b, _)| b == p)
                        .map_or(Value::Null, |(_, v)| v.clone())
                })
                .collect();
            Ok((invoke(k, args, env)?, Vec::new()))
        }
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
    let inner = env.call_frame(&vars);
    evaluate(body, &inner).map(|(v, _)| v)
}

impl Functions for Env<'_> {
    fn has(&self, name: &str) -> bool {
        self.knowledge.get(name).is_some()
    }

    fn parameters(&self, name: &str) -> Option<Vec<String>> {
        self.knowledge.get(name).map(|k| k.parameters.clone())
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, EvalError>> {
        let k = self.knowledge.get(name)?;
        Some(invoke(k, args.to_vec(), self).map_err(|e| {
            // Say once where inside the model it failed, not once per
            // level of nested calls.
            EvalError::new(match e {
                DmnError::Expression { message, .. }
                    if message.starts_with("in knowledge model") =>
                {
                    message
                }
                DmnError::Expression { at, message, .. } => {
                    format!("in knowledge model `{name}`, {at}: {message}")
                }
                other => other.to_string(),
            })
        }))
    }
}
