//! Business knowledge models: functions of their parameters, invoked from
//! FEEL (`PMT(amount, rate, term)`) or by an `invocation` element.

use std::collections::HashMap;

use super::compiled::CKnowledge;
use super::env::Env;
use super::error::DmnError;
use super::logic;
use super::value::Value;

/// How deep knowledge models may call each other; stops a model that
/// calls itself from overflowing the stack.
const MAX_DEPTH: u32 = 32;

/// The loaded knowledge models, by name.
#[derive(Debug, Default)]
pub(crate) struct Knowledge {
    models: Vec<CKnowledge>,
    by_name: HashMap<String, usize>,
}

impl Knowledge {
    pub fn new(models: Vec<CKnowledge>) -> Knowledge {
        let mut by_name = HashMap::new();
        for (i, m) in models.iter().enumerate() {
            by_name.entry(m.name.clone()).or_insert(i);
        }
        Knowledge { models, by_name }
    }

    pub fn get(&self, name: &str) -> Option<&CKnowledge> {
        self.by_name.get(name).map(|&i| &self.models[i])
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
    let vars: Vec<(String, Value)> = k
        .parameters
        .iter()
        .map(|p| (p.clone(), args.next().unwrap_or(Value::Null)))
        .collect();
    let inner = env.call_frame(&vars);
    logic::evaluate(body, &inner).map(|(v, _)| v)
}
