//! Evaluating compiled logic: tables, literal expressions, contexts (each
//! entry sees the ones before it) and invocations of knowledge models.

use std::sync::Arc;

use super::compiled::Logic;
use super::env::Env;
use super::error::DmnError;
use super::knowledge;
use super::table;
use super::value::Value;

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
            Ok((knowledge::invoke(k, args, env)?, Vec::new()))
        }
    }
}
