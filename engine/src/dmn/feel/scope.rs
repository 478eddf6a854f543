//! Where FEEL names are looked up ([`Scope`]: variables, then the JSON
//! data) and the functions beyond the built-ins ([`Functions`]: the
//! business knowledge models, which the DMN environment supplies).

use crate::model::Data;

use super::error::EvalError;
use crate::dmn::value::Value;

/// Functions beyond the built-ins: the business knowledge models.
pub(crate) trait Functions {
    /// Calls `name`; `None` when no such function exists.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, EvalError>>;

    /// The parameter names of `name`, for calls with named arguments;
    /// `None` when unknown (such a call gives null).
    fn parameters(&self, name: &str) -> Option<Vec<String>> {
        let _ = name;
        None
    }

    /// Whether `name` is a function here (so the name alone is a function
    /// value).
    fn has(&self, name: &str) -> bool {
        let _ = name;
        false
    }
}

/// Where names are looked up: `vars` (innermost first, then `parent`'s),
/// then the JSON `data`.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub data: &'a Data,
    pub vars: &'a [(String, Value)],
    /// The value under test, `?`.
    pub input: Option<&'a Value>,
    pub parent: Option<&'a Scope<'a>>,
    pub functions: Option<&'a dyn Functions>,
}

static EMPTY: std::sync::LazyLock<Data> = std::sync::LazyLock::new(Data::new);

/// An empty data map, for scopes that see only their variables.
pub(crate) fn empty_data() -> &'static Data {
    &EMPTY
}

impl<'a> Scope<'a> {
    pub fn new(data: &'a Data, vars: &'a [(String, Value)]) -> Scope<'a> {
        Scope {
            data,
            vars,
            input: None,
            parent: None,
            functions: None,
        }
    }

    /// A scope with no names, for constant folding.
    pub fn empty() -> Scope<'static> {
        Scope {
            data: &EMPTY,
            vars: &[],
            input: None,
            parent: None,
            functions: None,
        }
    }

    /// This scope with `?` bound to `input`.
    pub fn with_input(&self, input: &'a Value) -> Scope<'a> {
        Scope {
            input: Some(input),
            ..*self
        }
    }

    pub(super) fn var(&self, name: &str) -> Option<&'a Value> {
        if let Some((_, v)) = self.vars.iter().rev().find(|(k, _)| k == name) {
            return Some(v);
        }
        self.parent.and_then(|p| p.var(name))
    }

    /// Looks `name` up, converting JSON data on the way out.
    pub(super) fn lookup(&self, name: &str) -> Result<Value, EvalError> {
        if let Some(v) = self.var(name) {
            return Ok(v.clone());
        }
        match self.data.get(name) {
            Some(j) => Ok(Value::from_json(j)),
            None => Err(self.unknown(name)),
        }
    }

    pub(super) fn unknown(&self, name: &str) -> EvalError {
        let mut names: Vec<&str> = self.data.keys().collect();
        let mut s = Some(self);
        while let Some(sc) = s {
            names.extend(sc.vars.iter().map(|(k, _)| k.as_str()));
            s = sc.parent;
        }
        let best = names
            .iter()
            .map(|n| (crate::dmn::error::similarity(n, name), *n))
            .filter(|(score, _)| *score >= 0.5)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let mut m = format!("unknown name `{name}`: it is not in the data");
        match best {
            Some((_, n)) => m.push_str(&format!("; did you mean `{n}`?")),
            None if names.is_empty() => m.push_str(" (the data is empty)"),
            None => {
                names.sort_unstable();
                names.dedup();
                let shown: Vec<&str> = names.iter().take(10).copied().collect();
                m.push_str(&format!("; names available: {}", shown.join(", ")));
            }
        }
        EvalError::new(m)
    }
}
