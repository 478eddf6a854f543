//! Sequence flows: `sequenceFlow` with its `conditionExpression`, and the
//! `default` flow of gateways and activities. Flows are read once every
//! node of the graph has an index; outgoing flows keep document order,
//! which is the order exclusive gateways test their conditions.

use std::collections::HashMap;

use super::BPMN_NS;
use super::context::FileCx;
use super::xml::Element;
use crate::model::{ExprKind, Flow, FlowIdx, Node, NodeIdx};

/// The sequence flows directly inside `container` (graph `id`), linked
/// into the `incoming` and `outgoing` lists of `nodes`.
pub(super) fn sequence_flows(
    cx: &mut FileCx<'_>,
    container: &Element,
    id: &str,
    index: &HashMap<String, NodeIdx>,
    nodes: &mut [Node],
) -> Vec<Flow> {
    let mut flows: Vec<Flow> = Vec::new();
    for child in container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "sequenceFlow")
    {
        let fid = child.attr("id").unwrap_or_default().to_string();
        let unset = ["sourceRef", "targetRef"]
            .into_iter()
            .filter(|a| child.attr(a).is_none_or(|r| r.trim().is_empty()))
            .collect::<Vec<_>>();
        if !unset.is_empty() {
            // Modelers leave such flows behind when an end is deleted;
            // SpiffWorkflow loads the file and never follows them.
            cx.warn(
                child.offset,
                Some(&fid),
                format!(
                    "sequence flow has no {}, so it is ignored",
                    unset.join(" and no ")
                ),
                Some("connect both ends of the flow, or delete it"),
            );
            continue;
        }
        let mut ends = [None, None];
        for (slot, attr) in ["sourceRef", "targetRef"].iter().enumerate() {
            match child.attr(attr) {
                None => {}
                Some(r) => match index.get(r.trim()) {
                    Some(&n) => ends[slot] = Some(n),
                    None => {
                        let r = r.trim().to_string();
                        cx.report(
                            child.offset,
                            Some(&fid),
                            format!("{attr} `{r}` does not name a flow node of `{id}`"),
                            Some("point the flow at an existing task, event or gateway in the same process or subprocess"),
                        );
                    }
                },
            }
        }
        let [Some(source), Some(target)] = ends else {
            continue;
        };
        let condition = child
            .children_in(BPMN_NS)
            .find(|c| c.local == "conditionExpression")
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| {
                let off = c.text_offset.unwrap_or(c.offset);
                cx.add_expr(
                    c.text.trim().to_string(),
                    ExprKind::Condition,
                    c.attr("language"),
                    &fid,
                    off,
                )
            });
        let fidx = FlowIdx(flows.len() as u32);
        nodes[source.0 as usize].outgoing.push(fidx);
        let target_slot = nodes[target.0 as usize].incoming.len() as u32;
        nodes[target.0 as usize].incoming.push(fidx);
        flows.push(Flow {
            id: fid,
            name: child.attr("name").map(str::to_string),
            source,
            target,
            condition,
            order: fidx.0,
            target_slot,
            pos: cx.pos(child.offset),
        });
    }
    flows
}

/// Sets the default flow of each node of `defaults` (node, the `default`
/// attribute, its offset) among its outgoing `flows`.
pub(super) fn resolve_defaults(
    cx: &mut FileCx<'_>,
    nodes: &mut [Node],
    flows: &[Flow],
    defaults: Vec<(NodeIdx, String, usize)>,
) {
    for (node, flow_id, offset) in defaults {
        // Among the element's own outgoing flows: a search of all flows
        // per gateway made a diagram of many gateways quadratic to load.
        let found = nodes[node.0 as usize]
            .outgoing
            .iter()
            .copied()
            .find(|f| flows[f.0 as usize].id == flow_id);
        match found {
            Some(f) => nodes[node.0 as usize].default_flow = Some(f),
            None => {
                let nid = nodes[node.0 as usize].id.clone();
                cx.report(
                    offset,
                    Some(&nid),
                    format!(
                        "default flow `{flow_id}` is not an outgoing sequence flow of this element"
                    ),
                    Some("set `default` to the id of one of its outgoing flows"),
                );
            }
        }
    }
}
