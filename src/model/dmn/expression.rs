//! An expression as written in a DMN file: its text, language and position.

use crate::model::SourcePos;

/// The language an expression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// FEEL, the DMN default: simple expressions and unary tests.
    Feel,
    /// Rhai, as in the BPMN scripts of this engine.
    Rhai,
}

/// One expression of a decision: an input expression, input entry, output
/// entry, allowed-values list, default output or literal expression.
#[derive(Debug, Clone)]
pub struct DmnExpr {
    pub text: String,
    pub language: Language,
    /// Position of the first character of the text.
    pub pos: SourcePos,
}
