//! An expression as written in a DMN file: its text, language and position.

use crate::model::SourcePos;

/// The language an expression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// FEEL, the DMN default: simple expressions and unary tests.
    Feel,
    /// Rhai, as in the BPMN scripts of this engine.
    Rhai,
    /// The Python subset of the BPMN scripts, with SpiffWorkflow's reading
    /// of input entries (`> 5`, `"a" in ?`, `'gold'`).
    Python,
}

/// One expression of a decision: an input expression, input entry, output
/// entry, allowed-values list, default output or literal expression.
#[derive(Debug, Clone)]
pub struct DmnExpr {
    /// The `text` child's content, trimmed (empty for an empty cell).
    pub text: String,
    /// The language it is read in: the element's or the file's
    /// `expressionLanguage`, else FEEL.
    pub language: Language,
    /// The element or the file named the language (`expressionLanguage`).
    /// When not, `language` is FEEL, the DMN default, and a table read as
    /// SpiffWorkflow reads it may still take the text as Python.
    pub declared: bool,
    /// Position of the first character of the text.
    pub pos: SourcePos,
}
