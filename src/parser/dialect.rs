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
//! 6. otherwise Rhai.
//!
//! The SpiffWorkflow extension namespace alone does not make a file Python:
//! Rhai diagrams use `spiffworkflow:preScript` too, and SpiffArena files
//! that say `exporter="Camunda Modeler"` need `--dialect python`.
//!
//! JUEL only has expressions: a rule naming JUEL is skipped for scripts
//! (except rule 1, where the element asked for it and gets an error).

use super::xml::Element;
use crate::model::{Dialect, ExprKind};

/// Options for loading diagrams.
///
/// ```
/// use bpmn_runner::model::Dialect;
/// use bpmn_runner::parser::LoadOptions;
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
#[derive(Debug, Clone, Copy)]
pub(crate) struct DialectRules {
    option: Option<Dialect>,
    expression_language: Option<Dialect>,
    /// The exporter names SpiffArena / bpmn-js-spiffworkflow.
    spiff: bool,
}

impl DialectRules {
    /// The rules for the file whose root is `definitions`.
    pub(crate) fn for_file(definitions: &Element, options: &LoadOptions) -> Self {
        let spiff = definitions
            .attr("exporter")
            .is_some_and(|e| e.to_ascii_lowercase().contains("spiff"));
        DialectRules {
            option: options.dialect,
            expression_language: definitions
                .attr("expressionLanguage")
                .and_then(Dialect::from_language),
            spiff,
        }
    }

    /// The dialect of `text`, a `kind` owned by an element whose language
    /// attribute is `language`.
    pub(crate) fn resolve(&self, language: Option<&str>, kind: ExprKind, text: &str) -> Dialect {
        if let Some(d) = language.and_then(Dialect::from_language) {
            return d;
        }
        let usable = |d: &Dialect| kind == ExprKind::Condition || *d != Dialect::Juel;
        if let Some(d) = self.option.filter(usable) {
            return d;
        }
        if let Some(d) = self.expression_language.filter(usable) {
            return d;
        }
        if self.spiff {
            Dialect::Python
        } else if kind == ExprKind::Condition && looks_like_el(text) {
            Dialect::Juel
        } else {
            Dialect::Rhai
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
        assert_eq!(plain.resolve(None, Condition, "x > 1"), Rhai);
        assert_eq!(plain.resolve(Some("python"), Script, "x = 1"), Python);
        assert_eq!(plain.resolve(Some("groovy"), Script, "x = 1"), Rhai);
        let spiff = rules(r#"exporter="SpiffArena""#, "", None);
        assert_eq!(spiff.resolve(None, Script, "x = 1"), Python);
        assert_eq!(spiff.resolve(Some("rhai"), Script, "x = 1;"), Rhai);
        let spiff_ns = rules(
            r#"exporter="Camunda Modeler" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core""#,
            "",
            None,
        );
        assert_eq!(spiff_ns.resolve(None, Script, "x = 1;"), Rhai);
        let camunda = rules(r#"exporter="Camunda Modeler""#, "", None);
        assert_eq!(camunda.resolve(None, Condition, "${x > 1}"), Juel);
        assert_eq!(camunda.resolve(None, Condition, "#{x > 1}"), Juel);
        assert_eq!(camunda.resolve(None, Condition, "x > 1"), Rhai);
        let bpmnjs = rules(r#"exporter="bpmn-js-spiffworkflow""#, "", None);
        assert_eq!(bpmnjs.resolve(None, Condition, "x > 1"), Python);
        assert_eq!(camunda.resolve(None, Script, "x = 1;"), Rhai);
        let forced = rules(r#"exporter="Camunda Modeler""#, "", Some(Python));
        assert_eq!(forced.resolve(None, Condition, "${x > 1}"), Python);
        let juel_opt = rules("", "", Some(Juel));
        assert_eq!(juel_opt.resolve(None, Condition, "${x}"), Juel);
        assert_eq!(juel_opt.resolve(None, Script, "x = 1;"), Rhai);
        let lang = rules(r#"expressionLanguage="https://www.python.org/""#, "", None);
        assert_eq!(lang.resolve(None, Script, "x = 1"), Python);
    }
}
