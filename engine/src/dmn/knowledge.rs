//! Business knowledge models: functions of their parameters, invoked from
//! FEEL (`PMT(amount, rate, term)`) or by an `invocation` element. This file
//! holds the loaded models by name; invoking one evaluates its body, which
//! is logic like any other, so that lives in `logic` (`invoke`).

use std::collections::HashMap;

use super::compiled::CKnowledge;

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
