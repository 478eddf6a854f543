//! The one error FEEL evaluation keeps (FEEL turns type errors into null):
//! below the evaluator, the built-ins and the unary tests, which all return
//! it.

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
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
