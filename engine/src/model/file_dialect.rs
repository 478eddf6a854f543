//! The dialect a whole file's code is read in, and why.
//!
//! A script or condition whose element names no language
//! (`scriptFormat` / `language`) is read in its file's dialect. The file's
//! dialect is fixed by the first rule that names one — `--dialect`, the
//! file's `expressionLanguage`, an exporter naming SpiffWorkflow — or else
//! inferred from the code itself (see `crate::scripting::infer_dialect`).
//! `bpmn validate` prints the choice and the reason, so a user who sees a
//! surprising error knows which rule decided and how to override it.

use std::fmt;

use super::Dialect;

/// The dialect chosen for a file's code and the rule that chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDialect {
    /// The dialect code without its own language is read in.
    pub dialect: Dialect,
    /// The rule that chose it (printed by `bpmn validate`).
    pub reason: DialectReason,
}

/// Why a file's code is read in its dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialectReason {
    /// `--dialect` (or the dialect a state file was saved with).
    Option,
    /// The `expressionLanguage` attribute of `definitions`.
    ExpressionLanguage(
        /// The attribute's value.
        String,
    ),
    /// The `exporter` attribute names SpiffArena / bpmn-js-spiffworkflow.
    Exporter(
        /// The attribute's value.
        String,
    ),
    /// Every element with code names its own language.
    NoCode,
    /// Code of `element` uses syntax only Rhai has (`construct`).
    RhaiSyntax {
        /// BPMN id of the element whose code decided.
        element: String,
        /// The Rhai-only construct found (for the message).
        construct: String,
    },
    /// All the code parses in the Python subset and the file uses
    /// SpiffWorkflow extensions.
    PythonWithSpiffExtensions,
    /// All the code parses in the Python subset and the code of `element`
    /// is not valid Rhai.
    PythonNotRhai {
        /// BPMN id of the element whose code is not valid Rhai.
        element: String,
    },
    /// All the code is valid in both, and `element`'s code names the
    /// dialect (`scriptFormat` / `language`).
    Named {
        /// BPMN id of the element whose code names its language.
        element: String,
    },
    /// All the code is valid in both; without SpiffWorkflow extensions the
    /// engine's own language is the default.
    BothValid,
    /// The code of `element` is outside the Python subset and all the code
    /// is valid Rhai.
    RhaiNotPython {
        /// BPMN id of the element whose code is outside the Python subset.
        element: String,
    },
    /// The file uses SpiffWorkflow extensions and no Rhai-only syntax, but
    /// the code of `element` is outside the Python subset.
    PythonBeyondSubset {
        /// BPMN id of the element whose code is outside the Python subset.
        element: String,
    },
    /// Some code fits neither; the dialect with fewer failures (Python when
    /// the file uses SpiffWorkflow extensions) was chosen so its errors
    /// name the constructs.
    Neither {
        /// How many elements' code fails in the chosen dialect.
        failures: usize,
        /// How many fail in the other one.
        other: usize,
    },
}

impl fmt::Display for DialectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DialectReason::Option => write!(f, "chosen with --dialect"),
            DialectReason::ExpressionLanguage(v) => write!(f, "expressionLanguage=\"{v}\""),
            DialectReason::Exporter(v) => write!(f, "exported by \"{v}\""),
            DialectReason::NoCode => {
                write!(f, "no script or condition without its own language")
            }
            DialectReason::RhaiSyntax { element, construct } => {
                write!(f, "`{element}` uses {construct}, which only Rhai has")
            }
            DialectReason::PythonWithSpiffExtensions => write!(
                f,
                "all its code parses in the Python subset and it uses SpiffWorkflow extensions"
            ),
            DialectReason::PythonNotRhai { element } => write!(
                f,
                "all its code parses in the Python subset and the code of `{element}` is not valid Rhai"
            ),
            DialectReason::Named { element } => write!(
                f,
                "its code is valid in both Rhai and the Python subset, and `{element}` names this language"
            ),
            DialectReason::BothValid => write!(
                f,
                "its code is valid in both Rhai and the Python subset, and it uses no SpiffWorkflow extensions"
            ),
            DialectReason::RhaiNotPython { element } => write!(
                f,
                "the code of `{element}` is outside the Python subset and all its code is valid Rhai"
            ),
            DialectReason::PythonBeyondSubset { element } => write!(
                f,
                "it uses SpiffWorkflow extensions and no Rhai-only syntax; the code of `{element}` is outside the Python subset"
            ),
            DialectReason::Neither { failures, other } => write!(
                f,
                "some code is valid in neither; {failures} element(s) fail in this dialect, {other} in the other"
            ),
        }
    }
}

impl fmt::Display for FileDialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.dialect.title(), self.reason)
    }
}
