//! What every BPMN family parser shares: the per-file context [`FileCx`]
//! (where diagnostics go, how scripts and conditions are recorded, which
//! ids the file has) and QName helpers. It sits below the walk in
//! `bpmn.rs` and the family parsers (`flows.rs`, `activities.rs`,
//! `gateways.rs`, `events.rs`, `subprocesses.rs`, `data_spec.rs`, …) so
//! that every import points one way: walk → family parsers → context.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::Loaded;
use super::dialect::DialectRules;
use super::xml::LineIndex;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Dialect, ExprId, ExprKind, Expression, SourcePos};

/// Per-file parsing context.
pub(super) struct FileCx<'a> {
    pub(super) loaded: &'a mut Loaded,
    pub(super) file: u32,
    pub(super) path: PathBuf,
    pub(super) text: Arc<str>,
    pub(super) lines: LineIndex,
    /// The process currently being parsed (for diagnostics).
    pub(super) process: Option<String>,
    /// Whether problems in the current process are errors (executable) or warnings.
    pub(super) severity: Severity,
    /// How the language of each script and condition is decided.
    pub(super) dialects: DialectRules,
    /// Every element id of the file (data references are checked against it).
    pub(super) ids: HashSet<String>,
}

impl FileCx<'_> {
    pub(super) fn pos(&self, offset: usize) -> SourcePos {
        let (line, col) = self.lines.line_col(&self.text, offset);
        SourcePos {
            file: self.file,
            line,
            col,
        }
    }

    pub(super) fn report(
        &mut self,
        offset: usize,
        element: Option<&str>,
        message: String,
        help: Option<&str>,
    ) {
        let p = self.pos(offset);
        self.loaded.diagnostics.push(Diagnostic {
            severity: self.severity,
            file: self.path.clone(),
            line: p.line,
            col: p.col,
            element: element.map(str::to_string),
            process: self.process.clone(),
            message,
            help: help.map(str::to_string),
        });
    }

    /// Reports a warning whatever the process: something this engine
    /// accepts (as SpiffWorkflow does) but the author should know about.
    pub(super) fn warn(
        &mut self,
        offset: usize,
        element: Option<&str>,
        message: String,
        help: Option<&str>,
    ) {
        let severity = std::mem::replace(&mut self.severity, Severity::Warning);
        self.report(offset, element, message, help);
        self.severity = severity;
    }

    /// Whether some element of the file has id `id`.
    pub(super) fn has_id(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The model built so far (the graphs enclosing the one being parsed
    /// are in it).
    pub(super) fn model(&self) -> &crate::model::Model {
        &self.loaded.model
    }

    /// Records a script or condition; `language` is the owning element's
    /// `scriptFormat` / `language` attribute.
    pub(super) fn add_expr(
        &mut self,
        text: String,
        kind: ExprKind,
        language: Option<&str>,
        owner: &str,
        offset: usize,
    ) -> ExprId {
        let id = ExprId(self.loaded.model.expressions.len() as u32);
        let pos = self.pos(offset);
        let (dialect, auto) = match self.dialects.resolve(language, kind, &text) {
            Some(d) => (d, false),
            None => (Dialect::Rhai, true),
        };
        self.loaded.model.expressions.push(Expression {
            text,
            kind,
            dialect,
            auto,
            owner: owner.to_string(),
            process: self.process.clone().unwrap_or_default(),
            pos,
        });
        id
    }
}

/// The local part of a QName-valued attribute (`tns:Proc` → `Proc`).
pub(super) fn qname_local(v: &str) -> String {
    v.rsplit(':').next().unwrap_or(v).trim().to_string()
}
