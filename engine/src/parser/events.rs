//! Event elements: `startEvent`, `endEvent`, `intermediateCatchEvent`,
//! `intermediateThrowEvent` and `boundaryEvent` — their position, the
//! graph's start events and link targets, which activity a boundary event
//! is attached to, and the compensation handler an `association` links to a
//! compensation boundary event. Their event definitions (messages, signals,
//! timers, errors…) are read in [`super::event_definitions`].

use std::collections::HashMap;

use super::BPMN_NS;
use super::context::{FileCx, qname_local};
use super::event_definitions::{self, FileDefs};
use super::pending::{PendingKind, unsupported};
use super::xml::Element;
use crate::model::{EventNode, EventPosition, Graph, Node, NodeIdx, NodeKind, Trigger};

/// The kind of event `el` (id `id`); `None` when `el` is not an event.
pub(super) fn kind<'a>(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    el: &'a Element,
    id: &str,
) -> Option<PendingKind<'a>> {
    let position = match el.local.as_str() {
        "startEvent" => EventPosition::Start {
            interrupting: el.attr("isInterrupting") != Some("false"),
        },
        "endEvent" => EventPosition::End,
        "intermediateCatchEvent" => EventPosition::Catch,
        "intermediateThrowEvent" => EventPosition::Throw,
        "boundaryEvent" => EventPosition::Boundary {
            attached_to: NodeIdx(0),
            cancel_activity: el.attr("cancelActivity") != Some("false"),
        },
        _ => return None,
    };
    Some(match event_definitions::triggers(cx, defs, el, id) {
        Ok(triggers) => PendingKind::Ready(NodeKind::Event(EventNode {
            position,
            triggers,
            parallel: el.attr("parallelMultiple") == Some("true"),
        })),
        Err(what) => unsupported(format!("{} with {what}", el.local)),
    })
}

/// The `attachedToRef` of boundary event `el` of kind `kind`, resolved by
/// [`attach_boundaries`] once every node has an index; `None` for other
/// nodes.
pub(super) fn attachment(kind: &NodeKind, el: &Element) -> Option<String> {
    match kind {
        NodeKind::Event(EventNode {
            position: EventPosition::Boundary { .. },
            ..
        }) => Some(
            el.attr("attachedToRef")
                .map(qname_local)
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

/// Records event node `idx` of kind `kind` among the start events or link
/// targets of graph `g`.
pub(super) fn register(g: &mut Graph, idx: NodeIdx, kind: &NodeKind) {
    if let NodeKind::Event(e) = kind {
        match e.position {
            EventPosition::Start { .. } if e.triggers.is_empty() => g.starts.push(idx),
            EventPosition::Start { .. } => g.trigger_starts.push(idx),
            EventPosition::Catch => {
                if let Some(Trigger::Link { name }) = e.triggers.first() {
                    g.links.push((name.clone(), idx));
                }
            }
            _ => {}
        }
    }
}

/// Attaches each boundary event of `attachments` (event, `attachedToRef`,
/// offset) to its activity among `nodes` of graph `id`.
pub(super) fn attach_boundaries(
    cx: &mut FileCx<'_>,
    id: &str,
    index: &HashMap<String, NodeIdx>,
    nodes: &mut [Node],
    attachments: Vec<(NodeIdx, String, usize)>,
) {
    for (b, target, offset) in attachments {
        match index.get(&target) {
            // An activity this engine does not run is reported on its own.
            Some(&a)
                if nodes[a.0 as usize].kind.is_activity()
                    || matches!(nodes[a.0 as usize].kind, NodeKind::Unsupported { .. }) =>
            {
                if let NodeKind::Event(EventNode {
                    position: EventPosition::Boundary { attached_to, .. },
                    ..
                }) = &mut nodes[b.0 as usize].kind
                {
                    *attached_to = a;
                }
                nodes[a.0 as usize].boundary.push(b);
            }
            _ => {
                let bid = nodes[b.0 as usize].id.clone();
                cx.report(
                    offset,
                    Some(&bid),
                    format!("attachedToRef `{target}` is not an activity of `{id}`"),
                    Some("attach the boundary event to a task, subprocess or call activity of the same process"),
                );
            }
        }
    }
}

/// Links compensation handlers to the activities whose compensation
/// boundary events point at them.
pub(super) fn link_compensation_handlers(
    container: &Element,
    index: &HashMap<String, NodeIdx>,
    nodes: &mut [Node],
) {
    // A compensation boundary event is linked to its handler by an association.
    for assoc in container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "association")
    {
        let (Some(src), Some(dst)) = (
            assoc
                .attr("sourceRef")
                .map(qname_local)
                .and_then(|r| index.get(&r).copied()),
            assoc
                .attr("targetRef")
                .map(qname_local)
                .and_then(|r| index.get(&r).copied()),
        ) else {
            continue;
        };
        if let NodeKind::Event(EventNode {
            position: EventPosition::Boundary { attached_to, .. },
            triggers,
            ..
        }) = &nodes[src.0 as usize].kind
        {
            if triggers
                .iter()
                .any(|t| matches!(t, Trigger::Compensate { .. }))
            {
                let a = *attached_to;
                nodes[a.0 as usize].compensation_handler = Some(dst);
            }
        }
    }
}
