//! Precomputes, for every inclusive gateway that joins (more than one
//! incoming flow), which nodes can still send a token into each of its
//! incoming flows without passing through the gateway. The runtime uses this
//! to decide in O(live tokens) whether an OR-join may fire.

use crate::model::{Model, NodeKind};

/// Fills `Graph::or_join_reach` for every graph.
pub fn compute(specs: &mut Model) {
    for g in &mut specs.graphs {
        let n = g.nodes.len();
        let mut table = vec![None; n];
        for (j, node) in g.nodes.iter().enumerate() {
            if !matches!(node.kind, NodeKind::InclusiveGateway) || node.incoming.len() < 2 {
                continue;
            }
            let mut per_flow = Vec::with_capacity(node.incoming.len());
            for f in &node.incoming {
                let mut can = vec![false; n];
                let src = g.flows[f.0 as usize].source.0 as usize;
                if src != j {
                    can[src] = true;
                    let mut stack = vec![src];
                    while let Some(x) = stack.pop() {
                        for inf in &g.nodes[x].incoming {
                            let s = g.flows[inf.0 as usize].source.0 as usize;
                            if s != j && !can[s] {
                                can[s] = true;
                                stack.push(s);
                            }
                        }
                    }
                }
                per_flow.push(can);
            }
            table[j] = Some(per_flow);
        }
        g.or_join_reach = table;
    }
}
