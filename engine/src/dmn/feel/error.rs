//! The one error FEEL evaluation keeps (FEEL turns type errors into null):
//! below the evaluator, the built-ins and the unary tests, which all return
//! it.

use std::fmt;

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EvalError {
    pub message: String,
}

impl EvalError {
    pub fn new(message: impl Into<String>) -> Self {
        EvalError {
            message: message.into(),
        }
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
