//! Subprocesses: embedded `subProcess`, event subprocesses (`subProcess`
//! with `triggeredByEvent="true"`) and `transaction`; an
//! `adHocSubProcess` loads as unsupported. A body is a graph of its own,
//! parsed by the walk in `bpmn.rs` after the enclosing graph's nodes
//! exist; this file classifies the element, and once the body is parsed
//! finds its implicit starts, checks its start events and points the
//! node at it.

use super::context::FileCx;
use super::pending::{PendingKind, unsupported};
use super::xml::Element;
use crate::model::{EventPosition, GraphIdx, Node, NodeIdx, NodeKind};

/// The kind of subprocess `el`; `None` when `el` is not a subprocess.
pub(super) fn kind(el: &Element) -> Option<PendingKind<'static>> {
    Some(match el.local.as_str() {
        "subProcess" if el.attr("triggeredByEvent") == Some("true") => PendingKind::EventSub,
        "subProcess" | "transaction" => PendingKind::SubProcess,
        "adHocSubProcess" => unsupported(el.local.clone()),
        _ => return None,
    })
}

/// The node kind of subprocess `el` until its body is parsed: it points
/// at the enclosing graph `gidx` (see [`finish_body`]).
pub(super) fn placeholder(el: &Element, gidx: GraphIdx, event_sub: bool) -> NodeKind {
    if event_sub {
        NodeKind::EventSubProcess { graph: gidx }
    } else {
        NodeKind::SubProcess {
            graph: gidx,
            transaction: el.local == "transaction",
        }
    }
}

/// The event subprocesses among `nodes`.
pub(super) fn event_subprocesses(nodes: &[Node]) -> Vec<NodeIdx> {
    nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.kind, NodeKind::EventSubProcess { .. }))
        .map(|(i, _)| NodeIdx(i as u32))
        .collect()
}

/// Completes subprocess node `idx` of graph `gidx` (element `el`, id
/// `sub_id`) once its body, graph `body`, is parsed.
pub(super) fn finish_body(
    cx: &mut FileCx<'_>,
    gidx: GraphIdx,
    idx: NodeIdx,
    el: &Element,
    sub_id: &str,
    body: GraphIdx,
) {
    let g = &mut cx.loaded.model.graphs[body.0 as usize];
    let has_start_event = g
        .nodes
        .iter()
        .any(|n| matches!(&n.kind, NodeKind::Event(e) if matches!(e.position, EventPosition::Start { .. })));
    if !has_start_event {
        // BPMN: a subprocess without start events starts every flow node
        // that has no incoming sequence flow.
        g.starts = g
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                n.incoming.is_empty()
                    && !n.for_compensation
                    && !matches!(
                        n.kind,
                        NodeKind::Unsupported { .. } | NodeKind::EventSubProcess { .. }
                    )
                    && !matches!(&n.kind, NodeKind::Event(e) if matches!(e.position, EventPosition::Boundary { .. }))
            })
            .map(|(i, _)| NodeIdx(i as u32))
            .collect();
        g.implicit_start = true;
    }
    let event_sub = el.attr("triggeredByEvent") == Some("true");
    let g = cx.loaded.model.graph(body);
    if event_sub && g.trigger_starts.len() != 1 {
        cx.report(
            el.offset,
            Some(sub_id),
            "an event subprocess needs exactly one start event with an event definition".into(),
            Some("give the event subprocess one message, signal, timer, error, escalation or conditional start event"),
        );
    } else if !event_sub && g.starts.is_empty() {
        cx.report(
            el.offset,
            Some(sub_id),
            "subprocess has no start event".into(),
            Some("add a startEvent inside the subprocess"),
        );
    }
    let node = &mut cx.loaded.model.graphs[gidx.0 as usize].nodes[idx.0 as usize];
    node.kind = match node.kind {
        NodeKind::EventSubProcess { .. } => NodeKind::EventSubProcess { graph: body },
        NodeKind::SubProcess { transaction, .. } => NodeKind::SubProcess {
            graph: body,
            transaction,
        },
        ref other => other.clone(),
    };
}
