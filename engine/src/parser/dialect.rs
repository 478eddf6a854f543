//! Which language each script and condition is written in.
//!
//! From the most to the least specific, the first rule that names a
//! dialect wins:
//! 1. the element's own `scriptFormat` (script task) or `language`
//!    (`conditionExpression`) attribute, when it names python, juel or rhai;
//! 2. [`LoadOptions::dialect`] (the `--dialect` flag);
//! 3. `expressionLanguage` on `definitions`;
//! 4. the `exporter` on `definitions`: SpiffArena / bpmn-js-spiffworkflow
//!    (any exporter naming Spiff) → Python;
//! 5. a condition written as `${…}` or `#{…}` (Camunda Modeler's JUEL, and
//!    never valid Rhai) → JUEL;
//! 6. otherwise the file's dialect, inferred from all its remaining code
//!    when the diagrams are compiled (`crate::scripting::infer_dialect`):
//!    Python for SpiffWorkflow diagrams saved by Camunda Modeler, Rhai for
//!    the engine's own.
//!
//! Rules 2–4 fix the dialect of the whole file ([`FileDialect`]); the
//! parser records which expressions follow the file (`Expression::auto`).
//! JUEL only has expressions: a rule naming JUEL is skipped for scripts
//! (except rule 1, where the element asked for it and gets an error).

use super::xml::Element;
use crate::model::{Dialect, DialectReason, ExprKind, FileDialect};

/// Options for loading diagrams.
///
/// ```
/// use bpmn_engine::model::Dialect;
/// use bpmn_engine::parser::LoadOptions;
/// let opts = LoadOptions { dialect: Some(Dialect::Python) };
/// # let _ = opts;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// The dialect of every script and condition whose element does not
    /// name its language (`scriptFormat` / `language`); overrides what the
    /// file's `expressionLanguage` and exporter suggest. `None`: decide per
    /// file (see [`crate::parser`]'s dialect rules), Rhai by default.
    pub dialect: Option<Dialect>,
}

/// The dialect rules in force for one file.
#[derive(Debug, Clone)]
pub(crate) struct DialectRules {
    option: Option<Dialect>,
    /// The dialect `expressionLanguage` names, and its value.
    expression_language: Option<(Dialect, String)>,
    /// The exporter, when it names SpiffArena / bpmn-js-spiffworkflow.
    spiff_exporter: Option<String>,
}

impl DialectRules {
    /// The rules for the file whose root is `definitions`.
    pub(crate) fn for_file(definitions: &Element, options: &LoadOptions) -> Self {
        let spiff_exporter = definitions
            .attr("exporter")
            .filter(|e| e.to_ascii_lowercase().contains("spiff"))
            .map(str::to_string);
        DialectRules {
            option: options.dialect,
            expression_language: definitions
                .attr("expressionLanguage")
                .and_then(|v| Dialect::from_language(v).map(|d| (d, v.to_string()))),
            spiff_exporter,
        }
    }

    /// The file's dialect when rules 2–4 fix it; `None` when it is left
    /// to inference.
    /// A JUEL rule leaves the scripts to inference (JUEL has no statements).
    pub(crate) fn file_dialect(&self) -> Option<FileDialect> {
        if let Some(d) = self.option.filter(|d| *d != Dialect::Juel) {
            return Some(FileDialect {
                dialect: d,
                reason: DialectReason::Option,
            });
        }
        if let Some((d, v)) = self
            .expression_language
            .as_ref()
            .filter(|(d, _)| *d != Dialect::Juel)
        {
            return Some(FileDialect {
                dialect: *d,
                reason: DialectReason::ExpressionLanguage(v.clone()),
            });
        }
        self.spiff_exporter.as_ref().map(|e| FileDialect {
            dialect: Dialect::Python,
            reason: DialectReason::Exporter(e.clone()),
        })
    }

    /// The dialect of `text`, a `kind` owned by an element whose language
    /// attribute is `language`; `None` when it follows the file's inferred
    /// dialect (rule 6).
    pub(crate) fn resolve(
        &self,
        language: Option<&str>,
        kind: ExprKind,
        text: &str,
    ) -> Option<Dialect> {
        if let Some(d) = language.and_then(Dialect::from_language) {
            return Some(d);
        }
        let usable = |d: &Dialect| kind == ExprKind::Condition || *d != Dialect::Juel;
        if let Some(d) = self.option.filter(usable) {
            return Some(d);
        }
        if let Some(d) = self.expression_language.as_ref().map(|(d, _)| *d) {
            if usable(&d) {
                return Some(d);
            }
        }
        if self.spiff_exporter.is_some() {
            Some(Dialect::Python)
        } else if kind == ExprKind::Condition && looks_like_el(text) {
            Some(Dialect::Juel)
        } else {
            None
        }
    }
}

/// True for text written as one EL expression: `${…}` or `#{…}`.
fn looks_like_el(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("${") || t.starts_with("#{")) && t.ends_with('}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(attrs: &str, body: &str, dialect: Option<Dialect>) -> DialectRules {
        let text = format!(
            r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" {attrs}>{body}</definitions>"#
        );
        let root = crate::parser::xml::parse(&text).unwrap();
        DialectRules::for_file(&root, &LoadOptions { dialect })
    }

    #[test]
    fn precedence() {
        use Dialect::*;
        use ExprKind::*;
        let plain = rules("", "", None);
        assert_eq!(plain.resolve(None, Condition, "x > 1"), None);
        assert_eq!(plain.file_dialect(), None);
        assert_eq!(plain.resolve(Some("python"), Script, "x = 1"), Some(Python));
        assert_eq!(plain.resolve(Some("groovy"), Script, "x = 1"), None);
        let spiff = rules(r#"exporter="SpiffArena""#, "", None);
        assert_eq!(spiff.resolve(None, Script, "x = 1"), Some(Python));
        assert_eq!(spiff.resolve(Some("rhai"), Script, "x = 1;"), Some(Rhai));
        let spiff_ns = rules(
            r#"exporter="Camunda Modeler" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core""#,
            "",
            None,
        );
        assert_eq!(spiff_ns.resolve(None, Script, "x = 1;"), None);
        let camunda = rules(r#"exporter="Camunda Modeler""#, "", None);
        assert_eq!(camunda.resolve(None, Condition, "${x > 1}"), Some(Juel));
        assert_eq!(camunda.resolve(None, Condition, "#{x > 1}"), Some(Juel));
        assert_eq!(camunda.resolve(None, Condition, "x > 1"), None);
        let bpmnjs = rules(r#"exporter="bpmn-js-spiffworkflow""#, "", None);
        assert_eq!(bpmnjs.resolve(None, Condition, "x > 1"), Some(Python));
        assert_eq!(camunda.resolve(None, Script, "x = 1;"), None);
        let forced = rules(r#"exporter="Camunda Modeler""#, "", Some(Python));
        assert_eq!(forced.resolve(None, Condition, "${x > 1}"), Some(Python));
        let juel_opt = rules("", "", Some(Juel));
        assert_eq!(juel_opt.resolve(None, Condition, "${x}"), Some(Juel));
        assert_eq!(juel_opt.resolve(None, Script, "x = 1;"), None);
        assert_eq!(juel_opt.file_dialect(), None);
        let lang = rules(r#"expressionLanguage="https://www.python.org/""#, "", None);
        assert_eq!(lang.resolve(None, Script, "x = 1"), Some(Python));
        assert_eq!(
            lang.file_dialect(),
            Some(FileDialect {
                dialect: Python,
                reason: DialectReason::ExpressionLanguage("https://www.python.org/".into())
            })
        );
    }
}
