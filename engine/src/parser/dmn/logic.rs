//! The logic inside a decision, knowledge model or context entry: a
//! decision table, literal expression, or any boxed expression of DMN 1.5
//! (context, invocation, list, relation, function definition, conditional,
//! for, some, every, filter).

use super::DMN_NS;
use super::decision_table;
use super::file_cx::FileCx;
use crate::model::dmn::{ContextEntry, DecisionLogic, FunctionDef, Invocation, IteratorKind};
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
        "list" => DecisionLogic::List(
            el.children_in(DMN_NS)
                .filter(|c| LOGIC.contains(&c.local.as_str()))
                .map(|c| parse(cx, c, id, variable))
                .collect(),
        ),
        "relation" => {
            let columns: Vec<String> = FileCx::children(el, "column")
                .map(|c| c.attr("name").unwrap_or_default().to_string())
                .collect();
            let rows = FileCx::children(el, "row")
                .map(|r| {
                    let cells: Vec<DecisionLogic> = r
                        .children_in(DMN_NS)
                        .filter(|c| LOGIC.contains(&c.local.as_str()))
                        .map(|c| parse(cx, c, r.attr("id").unwrap_or(id), variable))
                        .collect();
                    if cells.len() != columns.len() {
                        cx.error(
                            r.offset,
                            Some(r.attr("id").unwrap_or(id)),
                            format!(
                                "relation row has {} cells for {} columns",
                                cells.len(),
                                columns.len()
                            ),
                            "give each row one expression per column",
                        );
                    }
                    cells
                })
                .collect();
            DecisionLogic::Relation { columns, rows }
        }
        "functionDefinition" => {
            let kind = super::decision::refuse_external(cx, el, id, "function definition");
            let (parameters, parameter_types) = FileCx::children(el, "formalParameter")
                .filter_map(|p| {
                    let name = p.attr("name")?.to_string();
                    Some((name, p.attr("typeRef").map(str::to_string)))
                })
                .unzip();
            let body = match find(el) {
                Some(b) => parse(cx, b, id, variable),
                None => {
                    cx.error(
                        el.offset,
                        Some(id),
                        "function definition has no body".into(),
                        "put a literal expression (or another boxed expression) after the parameters",
                    );
                    DecisionLogic::Unsupported("functionDefinition".into())
                }
            };
            DecisionLogic::Function(FunctionDef {
                kind,
                parameters,
                parameter_types,
                body: Box::new(body),
                pos: cx.pos(el.offset),
            })
        }
        "conditional" => DecisionLogic::Conditional {
            condition: Box::new(part(cx, el, "if", id, variable)),
            then: Box::new(part(cx, el, "then", id, variable)),
            otherwise: Box::new(part(cx, el, "else", id, variable)),
        },
        "for" | "some" | "every" => {
            let kind = match el.local.as_str() {
                "for" => IteratorKind::For,
                "some" => IteratorKind::Some,
                _ => IteratorKind::Every,
            };
            let variable_name = el
                .attr("iteratorVariable")
                .map(str::trim)
                .unwrap_or_default()
                .to_string();
            if variable_name.is_empty() {
                cx.error(
                    el.offset,
                    Some(id),
                    format!("<{}> has no iteratorVariable", el.local),
                    "name the variable each item is bound to: iteratorVariable=\"x\"",
                );
            }
            let body = if kind == IteratorKind::For {
                "return"
            } else {
                "satisfies"
            };
            DecisionLogic::Iterator {
                kind,
                source: Box::new(part(cx, el, "in", id, variable)),
                body: Box::new(part(cx, el, body, id, variable)),
                variable: variable_name,
            }
        }
        "filter" => DecisionLogic::Filter {
            source: Box::new(part(cx, el, "in", id, variable)),
            condition: Box::new(part(cx, el, "match", id, variable)),
        },
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

/// The logic inside the child `local` of a boxed expression (`<if>`,
/// `<then>`, `<in>`…), or an error naming what is missing.
fn part(
    cx: &mut FileCx<'_>,
    el: &Element,
    local: &str,
    owner: &str,
    variable: &str,
) -> DecisionLogic {
    match FileCx::child(el, local).and_then(find) {
        Some(l) => parse(cx, l, owner, variable),
        None => {
            cx.error(
                el.offset,
                Some(el.attr("id").unwrap_or(owner)),
                format!("<{}> has no <{local}> expression", el.local),
                &format!(
                    "add <{local}><literalExpression><text>…</text></literalExpression></{local}>"
                ),
            );
            DecisionLogic::Unsupported(el.local.clone())
        }
    }
}
