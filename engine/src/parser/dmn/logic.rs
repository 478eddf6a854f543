//! The logic inside a decision, knowledge model or context entry: a
//! decision table, literal expression, context or invocation.

use super::DMN_NS;
use super::decision_table;
use super::file_cx::FileCx;
use crate::model::dmn::{ContextEntry, DecisionLogic, Invocation};
use crate::parser::xml::Element;

/// Elements that hold logic, as DMN names them.
const LOGIC: &[&str] = &[
    "decisionTable",
    "literalExpression",
    "context",
    "invocation",
    "relation",
    "list",
    "functionDefinition",
    "conditional",
    "filter",
    "for",
    "every",
    "some",
];

/// The logic element directly inside `parent`, if any.
pub(crate) fn find(parent: &Element) -> Option<&Element> {
    parent
        .children_in(DMN_NS)
        .find(|c| LOGIC.contains(&c.local.as_str()))
}

/// Parses the logic element `el`. `owner` is the id errors are reported
/// against when `el` has none; `variable` names a single-output table's
/// output.
pub(crate) fn parse(
    cx: &mut FileCx<'_>,
    el: &Element,
    owner: &str,
    variable: &str,
) -> DecisionLogic {
    let id = el.attr("id").unwrap_or(owner);
    match el.local.as_str() {
        "decisionTable" => DecisionLogic::Table(decision_table::parse(cx, el, owner, variable)),
        "literalExpression" => match cx.expr(el, Some(id)) {
            Some(e) => DecisionLogic::Literal(e),
            None => {
                cx.error(
                    el.offset,
                    Some(id),
                    "literal expression has no <text>".into(),
                    "write the expression inside <text>…</text>",
                );
                DecisionLogic::Unsupported("literalExpression".into())
            }
        },
        "context" => {
            let entries = FileCx::children(el, "contextEntry")
                .map(|entry| {
                    let name = FileCx::child(entry, "variable")
                        .and_then(|v| v.attr("name"))
                        .map(str::to_string);
                    let entry_id = entry.attr("id").unwrap_or(id);
                    let value = match find(entry) {
                        Some(l) => parse(cx, l, entry_id, name.as_deref().unwrap_or(variable)),
                        None => {
                            cx.error(
                                entry.offset,
                                Some(entry_id),
                                format!(
                                    "context entry `{}` has no value",
                                    name.as_deref().unwrap_or("result")
                                ),
                                "give the entry a literal expression or a decision table",
                            );
                            DecisionLogic::Unsupported("empty context entry".into())
                        }
                    };
                    ContextEntry {
                        name,
                        value,
                        pos: cx.pos(entry.offset),
                    }
                })
                .collect();
            DecisionLogic::Context(entries)
        }
        "invocation" => {
            let function = FileCx::child(el, "literalExpression")
                .and_then(|l| FileCx::child(l, "text"))
                .map(|t| t.text.trim().to_string())
                .unwrap_or_default();
            if function.is_empty() {
                cx.error(
                    el.offset,
                    Some(id),
                    "invocation does not name the knowledge model it calls".into(),
                    "put the knowledge model's name in <literalExpression><text>…</text></literalExpression>",
                );
            }
            let bindings = FileCx::children(el, "binding")
                .map(|b| {
                    let param = FileCx::child(b, "parameter")
                        .and_then(|p| p.attr("name"))
                        .unwrap_or_default()
                        .to_string();
                    let value = match find(b) {
                        Some(l) => parse(cx, l, b.attr("id").unwrap_or(id), &param),
                        // An unbound parameter is null.
                        None => DecisionLogic::Literal(crate::model::dmn::DmnExpr {
                            text: "null".into(),
                            language: crate::model::dmn::Language::Feel,
                            declared: true,
                            pos: cx.pos(b.offset),
                        }),
                    };
                    (param, value)
                })
                .collect();
            DecisionLogic::Invocation(Invocation {
                function,
                bindings,
                pos: cx.pos(el.offset),
            })
        }
        other => {
            cx.error(
                el.offset,
                Some(id),
                format!("decision logic `{other}` is not supported"),
                "use a decision table, literal expression, context or invocation",
            );
            DecisionLogic::Unsupported(other.to_string())
        }
    }
}
