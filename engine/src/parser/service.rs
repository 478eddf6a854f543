//! `serviceTask` → [`NodeKind::ServiceTask`]: the operation name, its
//! parameters (expressions evaluated against the task data) and the result
//! variable, from spiffworkflow, camunda or zeebe extensions.

use super::BPMN_NS;
use super::context::FileCx;
use super::extensions::{CAMUNDA_NS, SPIFF_NS, ZEEBE_NS};
use super::xml::Element;
use crate::model::{ExprKind, NodeKind};

fn strip_el(v: &str) -> String {
    let t = v.trim();
    t.strip_prefix("${")
        .or_else(|| t.strip_prefix("#{"))
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t)
        .trim()
        .to_string()
}

/// Reads service task `el` (id `id`). One that names no operation runs as
/// a task that does nothing (SpiffWorkflow's BPMN and Camunda parsers load
/// it, and it does nothing there either), with a warning.
pub(super) fn parse(cx: &mut FileCx<'_>, el: &Element, id: &str) -> NodeKind {
    match operation(cx, el, id) {
        Some(k) => k,
        None => {
            cx.warn(
                el.offset,
                Some(id),
                "service task names no operation, so it does nothing when it runs".into(),
                Some(
                    "name one with spiffworkflow:serviceTaskOperator, camunda:class, camunda:expression, camunda:delegateExpression, camunda:topic or zeebe:taskDefinition",
                ),
            );
            NodeKind::ServiceTask {
                operation: None,
                parameters: Vec::new(),
                result_variable: None,
            }
        }
    }
}

/// The operation service task `el` names, with its parameters; `None`
/// when it names none.
fn operation(cx: &mut FileCx<'_>, el: &Element, id: &str) -> Option<NodeKind> {
    let ext = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "extensionElements");
    let in_ns = |c: &&Element, ns: &str, name: &str| c.ns.as_deref() == Some(ns) && c.local == name;
    let children: Vec<&Element> = ext.map(|e| e.children.iter().collect()).unwrap_or_default();
    let mut parameters = Vec::new();
    if let Some(op) = children
        .iter()
        .find(|c| in_ns(c, SPIFF_NS, "serviceTaskOperator"))
    {
        let operation = op.attr("id").unwrap_or_default().trim().to_string();
        let params = op
            .children
            .iter()
            .filter(|c| c.local == "parameters")
            .flat_map(|ps| ps.children.iter().filter(|p| p.local == "parameter"));
        for p in params {
            let name = p.attr("id").unwrap_or_default().to_string();
            let value = p.attr("value").unwrap_or_default().trim().to_string();
            let value = if value.is_empty() { "()".into() } else { value };
            let e = cx.add_expr(value, ExprKind::Condition, None, id, p.offset);
            parameters.push((name, e));
        }
        return (!operation.is_empty()).then(|| NodeKind::ServiceTask {
            operation: Some(operation),
            parameters,
            result_variable: op
                .attr("resultVariable")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        });
    }
    let camunda = |name: &str| el.attr_ns(CAMUNDA_NS, name).map(strip_el);
    let zeebe = children
        .iter()
        .find(|c| in_ns(c, ZEEBE_NS, "taskDefinition"))
        .and_then(|c| c.attr("type"))
        .map(strip_el);
    let operation = camunda("class")
        .or_else(|| camunda("delegateExpression"))
        .or_else(|| camunda("expression"))
        .or_else(|| camunda("topic"))
        .or(zeebe)
        .filter(|s| !s.is_empty())?;
    for io in children
        .iter()
        .filter(|c| in_ns(c, CAMUNDA_NS, "inputOutput"))
    {
        for p in io.children.iter().filter(|c| c.local == "inputParameter") {
            let name = p.attr("name").unwrap_or_default().to_string();
            let text = p.text.trim();
            let inner = strip_el(text);
            let plain_var = text.starts_with("${")
                && !inner.is_empty()
                && inner.chars().all(|c| c.is_alphanumeric() || c == '_');
            let (code, language) = if plain_var {
                (inner, Some("rhai"))
            } else if text.contains("${") {
                (text.to_string(), Some("juel"))
            } else {
                (serde_json::Value::from(text).to_string(), Some("rhai"))
            };
            let off = p.text_offset.unwrap_or(p.offset);
            let e = cx.add_expr(code, ExprKind::Condition, language, id, off);
            parameters.push((name, e));
        }
    }
    Some(NodeKind::ServiceTask {
        operation: Some(operation),
        parameters,
        result_variable: camunda("resultVariable"),
    })
}
