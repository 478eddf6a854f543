//! The Python dialect: the subset of Python that SpiffWorkflow diagrams use,
//! translated to Rhai source once at load time.
//!
//! [`lexer`] splits the text into tokens (with Python's indentation
//! structure), [`parser`] builds a syntax tree and names every construct
//! outside the subset, [`translate`] writes the Rhai code, and [`runtime`]
//! holds the `py_*` helpers that code calls for Python semantics;
//! [`modules`] is what `import` can reach (`datetime`, `time`, `json`,
//! `math`, `decimal`), with the value types of [`datetime`] and [`decimal`].

mod ast;
pub(crate) mod datetime;
mod decimal;
mod lexer;
pub(crate) mod modules;
mod parser;
pub(crate) mod runtime;
mod translate;

pub use datetime::ScriptNow;

pub use translate::{translate_condition, translate_script};

#[cfg(test)]
mod tests;
