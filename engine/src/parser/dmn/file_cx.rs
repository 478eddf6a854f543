//! Per-file parsing context: positions, diagnostics and expression reading.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::DMN_NS;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourcePos;
use crate::model::dmn::{DmnExpr, Language};
use crate::parser::xml::{Element, LineIndex};

pub(crate) struct FileCx<'a> {
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub file: u32,
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
    /// The `expressionLanguage` of `definitions`, for expressions without one.
    pub default_language: Option<String>,
    /// `typeLanguage` of `definitions` names Python: the file was written
    /// for SpiffWorkflow, so its tables are read as SpiffWorkflow reads them.
    pub python_types: bool,
    /// The decision being parsed: problems are attributed to it.
    pub decision: Option<String>,
    /// Languages already warned about, so a file says it once.
    pub warned_languages: HashSet<String>,
}

impl FileCx<'_> {
    pub fn pos(&self, offset: usize) -> SourcePos {
        let (line, col) = self.lines.line_col(&self.text, offset);
        SourcePos {
            file: self.file,
            line,
            col,
        }
    }

    fn push(
        &mut self,
        severity: Severity,
        offset: usize,
        element: Option<&str>,
        message: String,
        help: &str,
    ) {
        let p = self.pos(offset);
        self.diagnostics.push(Diagnostic {
            severity,
            file: self.path.clone(),
            line: p.line,
            col: p.col,
            element: element.map(str::to_string),
            process: self.decision.clone(),
            message,
            help: (!help.is_empty()).then(|| help.to_string()),
        });
    }

    /// Reports an error at `offset`, naming `element` (an id) when known.
    pub fn error(&mut self, offset: usize, element: Option<&str>, message: String, help: &str) {
        self.push(Severity::Error, offset, element, message, help);
    }

    /// Reports a warning.
    pub fn warn(&mut self, offset: usize, element: Option<&str>, message: String, help: &str) {
        self.push(Severity::Warning, offset, element, message, help);
    }

    /// The id of `el`, else the nearest id given by the caller.
    pub fn id_of<'e>(el: &'e Element, fallback: Option<&'e str>) -> Option<&'e str> {
        el.attr("id").or(fallback)
    }

    /// The DMN child `local` of `el`.
    pub fn child<'e>(el: &'e Element, local: &str) -> Option<&'e Element> {
        el.children_in(DMN_NS).find(|c| c.local == local)
    }

    /// Every DMN child `local` of `el`.
    pub fn children<'e>(el: &'e Element, local: &'e str) -> impl Iterator<Item = &'e Element> + 'e {
        el.children_in(DMN_NS).filter(move |c| c.local == local)
    }

    /// Reads the expression held by `el` (its `<text>` child), with its
    /// language. `None` when `el` has no `<text>`.
    pub fn expr(&mut self, el: &Element, owner: Option<&str>) -> Option<DmnExpr> {
        let text_el = Self::child(el, "text")?;
        let offset = text_el.text_offset.unwrap_or(text_el.offset);
        Some(self.expr_text(el, text_el.text.trim().to_string(), offset, owner))
    }

    /// An expression of element `el` with the given text (read from `el`,
    /// or standing in for it), with `el`'s language.
    pub fn expr_text(
        &mut self,
        el: &Element,
        text: String,
        offset: usize,
        owner: Option<&str>,
    ) -> DmnExpr {
        let (language, declared) = self.language(el, owner);
        DmnExpr {
            text,
            language,
            declared,
            pos: self.pos(offset),
        }
    }

    /// The language of the expression element `el` and whether it was
    /// named: its own `expressionLanguage`, else the file's, else FEEL (not
    /// named).
    fn language(&mut self, el: &Element, owner: Option<&str>) -> (Language, bool) {
        let declared = el
            .attr("expressionLanguage")
            .map(str::to_string)
            .or_else(|| self.default_language.clone());
        let Some(lang) = declared else {
            return (Language::Feel, false);
        };
        let lower = lang.trim().to_ascii_lowercase();
        if lower.is_empty() {
            return (Language::Feel, false);
        }
        if lower.contains("feel") {
            return (Language::Feel, true);
        }
        if lower.contains("rhai") {
            return (Language::Rhai, true);
        }
        if lower.contains("python") {
            return (Language::Python, true);
        }
        if self.warned_languages.insert(lower.clone()) {
            self.warn(
                el.offset,
                owner,
                format!("expression language `{lang}` is not supported; its expressions are read as FEEL"),
                "write the expressions in FEEL (the default), Python or Rhai (expressionLanguage=\"python\" or \"rhai\")",
            );
        }
        (Language::Feel, false)
    }
}
