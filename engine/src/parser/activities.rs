//! Activities: `task`, `userTask`, `manualTask`, `scriptTask` (its script),
//! `sendTask` and `receiveTask` (their message), `serviceTask` (read in
//! [`super::service`]), `businessRuleTask` (its decision reference) and
//! `callActivity` (the process it calls). What every node carries — forms
//! and other vendor data ([`super::extensions`]), pre- and post-scripts,
//! loop characteristics ([`super::looping`]), data associations
//! ([`super::data_spec`]) — is read by the walk in `bpmn.rs`.

use super::BPMN_NS;
use super::context::{FileCx, qname_local};
use super::event_definitions::{self, FileDefs};
use super::extensions;
use super::pending::{PendingKind, unsupported};
use super::xml::Element;
use crate::model::{ExprKind, HumanKind, NodeKind};

/// The kind of activity `el` (id `id`); `None` when `el` is not a task or
/// call activity (subprocesses are in `subprocesses.rs`).
pub(super) fn kind<'a>(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    el: &'a Element,
    id: &str,
) -> Option<PendingKind<'a>> {
    Some(match el.local.as_str() {
        "sendTask" | "receiveTask" => PendingKind::Ready(message_task(cx, defs, el, id)),
        "task" => PendingKind::Ready(NodeKind::Human(HumanKind::Task)),
        "userTask" => PendingKind::Ready(NodeKind::Human(HumanKind::UserTask)),
        "manualTask" => PendingKind::Ready(NodeKind::Human(HumanKind::ManualTask)),
        "scriptTask" => PendingKind::Script(el.children_in(BPMN_NS).find(|c| c.local == "script")),
        "callActivity" => PendingKind::Ready(NodeKind::CallActivity {
            called_element: el
                .attr("calledElement")
                .map(qname_local)
                .unwrap_or_default(),
        }),
        "businessRuleTask" => business_rule_task(el),
        "serviceTask" => PendingKind::Ready(super::service::parse(cx, el, id)),
        _ => return None,
    })
}

/// A `sendTask` or `receiveTask` and the message it sends or waits for.
fn message_task(cx: &mut FileCx<'_>, defs: &FileDefs, el: &Element, id: &str) -> NodeKind {
    let ext = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "extensionElements");
    let def = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "messageEventDefinition");
    // SpiffWorkflow reads the task's own `messageRef` first, then its
    // message event definition's; without either, the task's name
    // is the message name.
    let mut holders: Vec<&Element> = def.into_iter().collect();
    holders.extend(ext);
    let mut camunda = vec![el];
    camunda.extend(def);
    let src = event_definitions::MessageSource {
        message_ref: el
            .attr("messageRef")
            .or_else(|| def.and_then(|d| d.attr("messageRef"))),
        element_name: el.attr("name"),
        holders: &holders,
        camunda: &camunda,
    };
    let message = event_definitions::message_trigger(cx, defs, &src, id);
    if el.local == "sendTask" {
        NodeKind::SendTask { message }
    } else {
        NodeKind::ReceiveTask { message }
    }
}

/// A `businessRuleTask`: the decision it evaluates and where the result
/// goes, from spiffworkflow, camunda or zeebe extensions.
fn business_rule_task(el: &Element) -> PendingKind<'static> {
    let ext = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "extensionElements");
    let read = extensions::read(el, ext);
    let zeebe = read.ext.element("calledDecision");
    let result_variable = read
        .ext
        .attributes
        .get("camunda:resultVariable")
        .cloned()
        .or_else(|| zeebe.and_then(|z| z.attrs.get("resultVariable").cloned()));
    match read.ext.called_decision.clone().filter(|d| !d.is_empty()) {
        Some(decision) => PendingKind::Ready(NodeKind::BusinessRuleTask {
            decision,
            result_variable,
            map_result: read.ext.attributes.get("camunda:mapDecisionResult").cloned(),
        }),
        None => unsupported("businessRuleTask without a decision reference (spiffworkflow:calledDecisionId, camunda:decisionRef or zeebe:calledDecision)".into()),
    }
}

/// A script task `el` (id `node_id`) with its `<script>` element, once the
/// node's own pre- and post-scripts are recorded.
pub(super) fn script_task(
    cx: &mut FileCx<'_>,
    el: &Element,
    script: Option<&Element>,
    node_id: &str,
) -> NodeKind {
    match script {
        Some(s) => {
            let off = s.text_offset.unwrap_or(s.offset);
            NodeKind::ScriptTask {
                script: cx.add_expr(
                    s.text.clone(),
                    ExprKind::Script,
                    el.attr("scriptFormat"),
                    node_id,
                    off,
                ),
            }
        }
        None => {
            cx.report(
                el.offset,
                Some(node_id),
                "script task has no script".into(),
                Some("add a <script> element with the Rhai code to run"),
            );
            NodeKind::ScriptTask {
                script: cx.add_expr(String::new(), ExprKind::Script, None, node_id, el.offset),
            }
        }
    }
}
