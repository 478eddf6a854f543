//! Precomputes, for every inclusive gateway that joins (more than one
//! incoming flow), which nodes can still send a token into each of its
//! incoming flows without passing through the gateway, and for every node
//! the joins whose incoming flows it can reach that way (its *watchers*).
//!
//! "Can send a token" follows sequence flows backwards from each incoming
//! flow, and also the two jumps a token makes without a sequence flow: from
//! a link throw event to the link catch events of the same name, and from
//! an activity to the boundary events attached to it (armed while the
//! activity runs). The walk stops at the join itself: BPMN 2.0.2 (13.4.3)
//! only counts paths that do not visit the gateway.
//!
//! Cost: one backward walk per incoming flow of each OR-join, so
//! O(joins × inputs × (nodes + flows)) per graph at load time, and
//! joins × inputs × nodes booleans kept. Graphs without OR-joins keep
//! nothing. The runtime (`runtime/joins.rs`) then decides whether a join
//! may fire from the nodes holding tokens alone.

use crate::model::{EventPosition, Graph, Model, NodeIdx, NodeKind, Trigger};

/// Fills `Graph::or_join_reach` and `Graph::or_join_watch` for every graph.
pub fn compute(model: &mut Model) {
    for g in &mut model.graphs {
        let n = g.nodes.len();
        let joins: Vec<usize> = (0..n)
            .filter(|&j| {
                matches!(g.nodes[j].kind, NodeKind::InclusiveGateway)
                    && g.nodes[j].incoming.len() > 1
            })
            .collect();
        if joins.is_empty() {
            g.or_join_reach = Vec::new();
            g.or_join_watch = Vec::new();
            continue;
        }
        let preds = predecessors(g);
        let mut table = vec![None; n];
        let mut watch: Vec<Vec<NodeIdx>> = vec![Vec::new(); n];
        for j in joins {
            let mut per_flow = Vec::with_capacity(g.nodes[j].incoming.len());
            let mut any = vec![false; n];
            for f in &g.nodes[j].incoming {
                let mut can = vec![false; n];
                let src = g.flows[f.0 as usize].source.0 as usize;
                if src != j {
                    can[src] = true;
                    let mut stack = vec![src];
                    while let Some(x) = stack.pop() {
                        for &p in &preds[x] {
                            if p != j && !can[p] {
                                can[p] = true;
                                stack.push(p);
                            }
                        }
                    }
                }
                for (a, c) in any.iter_mut().zip(&can) {
                    *a |= *c;
                }
                per_flow.push(can);
            }
            for (x, a) in any.iter().enumerate() {
                if *a {
                    watch[x].push(NodeIdx(j as u32));
                }
            }
            table[j] = Some(per_flow);
        }
        g.or_join_reach = table;
        g.or_join_watch = watch;
    }
}

/// Each node's predecessors: the sources of its incoming flows; for a link
/// catch event the link throw events of the same name; for a boundary event
/// the activity it is attached to.
fn predecessors(g: &Graph) -> Vec<Vec<usize>> {
    let mut preds: Vec<Vec<usize>> = g
        .nodes
        .iter()
        .map(|node| {
            node.incoming
                .iter()
                .map(|f| g.flows[f.0 as usize].source.0 as usize)
                .collect()
        })
        .collect();
    for (i, node) in g.nodes.iter().enumerate() {
        let NodeKind::Event(e) = &node.kind else {
            continue;
        };
        match e.position {
            EventPosition::Throw => {
                for t in &e.triggers {
                    if let Trigger::Link { name } = t {
                        for (_, c) in g.links.iter().filter(|(l, _)| l == name) {
                            preds[c.0 as usize].push(i);
                        }
                    }
                }
            }
            EventPosition::Boundary { attached_to, .. } => {
                if let Some(p) = preds.get_mut(i) {
                    p.push(attached_to.0 as usize);
                }
            }
            _ => {}
        }
    }
    preds
}
