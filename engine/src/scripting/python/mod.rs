//! The Python dialect: the subset of Python that SpiffWorkflow diagrams use,
//! translated to Rhai source once at load time.
//!
//! [`lexer`] splits the text into tokens (with Python's indentation
//! structure), [`parser`] builds a syntax tree and names every construct
//! outside the subset, [`translate`] writes the Rhai code, and [`runtime`]
//! holds the `py_*` helpers that code calls for Python semantics;
//! [`modules`] is what `import` can reach (`datetime`, `time`, `json`,
//! `math`, `decimal`), with the value types of [`datetime`] and [`decimal`],
//! whose behaviour as Python values is in [`module_values`].
//!
//! Below the helpers, one way: [`float_repr`] ← [`decimal`] and
//! [`datetime`] ← [`py_type`] ← `args` ← [`module_values`] ← [`runtime`]
//! ← [`modules`].

mod args;
mod ast;
pub(crate) mod datetime;
mod decimal;
mod float_repr;
mod lexer;
pub(crate) mod module_values;
pub(crate) mod modules;
mod parser;
pub(crate) mod py_type;
pub(crate) mod runtime;
mod translate;

pub use datetime::ScriptNow;

/// Registers the `py_*` helpers and the module functions and value types
/// on `engine` (the two sets share no name and signature, so neither
/// overrides the other).
pub(crate) fn register(engine: &mut rhai::Engine) {
    runtime::register(engine);
    modules::register(engine);
}

pub use translate::{translate_condition, translate_script};

#[cfg(test)]
mod tests;
