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
        let language = self.language(el, owner);
        Some(DmnExpr {
            text: text_el.text.trim().to_string(),
            language,
            pos: self.pos(offset),
        })
    }

    /// The language of the expression element `el`: its own
    /// `expressionLanguage`, else the file's, else FEEL.
    fn language(&mut self, el: &Element, owner: Option<&str>) -> Language {
        let declared = el
            .attr("expressionLanguage")
            .map(str::to_string)
            .or_else(|| self.default_language.clone());
        let Some(lang) = declared else {
            return Language::Feel;
        };
        let lower = lang.trim().to_ascii_lowercase();
        if lower.is_empty() || lower.contains("feel") {
            return Language::Feel;
        }
        if lower.contains("rhai") {
            return Language::Rhai;
        }
        if self.warned_languages.insert(lower.clone()) {
            // SpiffWorkflow's modeler writes `python` on simple input
            // expressions that are valid FEEL too; reading them as FEEL lets
            // those tables run, and any real Python fails with a clear error.
            self.warn(
                el.offset,
                owner,
                format!("expression language `{lang}` is not supported; its expressions are read as FEEL"),
                "write the expressions in FEEL (the default) or set expressionLanguage=\"rhai\"",
            );
        }
        Language::Feel
    }
}
