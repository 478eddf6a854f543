//! The `validate` warning for a cycle of sequence flows with no way out:
//! nothing on it chooses to leave (a gateway or conditional flow leading
//! out of the cycle), waits (a human or receive task, a catching event, an
//! event-based gateway) or can be interrupted (a boundary event, a
//! subprocess or call activity, whose insides may do either). An instance
//! that enters such a cycle runs until the engine's step limit stops it.
//!
//! Cycles are the strongly connected components of a graph's flows (plus
//! link throw → catch jumps), found with Tarjan's algorithm run on an
//! explicit stack so a diagram of any size cannot overflow ours.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{EventPosition, Graph, NodeKind, Trigger};

/// Warnings for every cycle of `graph` (not its subprocesses) with no way
/// out; `make` builds the diagnostic for a node index and a message.
pub fn check(
    graph: &Graph,
    mut make: impl FnMut(usize, Severity, String, String) -> Diagnostic,
    out: &mut Vec<Diagnostic>,
) {
    let succ = successors(graph);
    for component in components(&succ) {
        let cyclic = component.len() > 1 || succ[component[0]].contains(&component[0]);
        if !cyclic || has_way_out(graph, &component) {
            continue;
        }
        let mut members = component.clone();
        members.sort_unstable();
        let names: Vec<&str> = members
            .iter()
            .take(6)
            .map(|&n| graph.nodes[n].id.as_str())
            .collect();
        let more = if members.len() > names.len() {
            format!(" and {} more", members.len() - names.len())
        } else {
            String::new()
        };
        out.push(make(
            members[0],
            Severity::Warning,
            format!(
                "the cycle through {}{more} has no way out: no gateway or conditional flow leaves it and nothing on it waits for an event or a person, so an instance that enters it runs until the step limit (--max-steps) stops it",
                names.join(", ")
            ),
            "add an exclusive gateway with a flow that leaves the cycle under a condition, or a task or event on it that waits".into(),
        ));
    }
}

/// Each node's successors: its flows' targets, and for a link throw event
/// the catch events of the same name.
fn successors(graph: &Graph) -> Vec<Vec<usize>> {
    graph
        .nodes
        .iter()
        .map(|n| {
            let mut next: Vec<usize> = n
                .outgoing
                .iter()
                .map(|f| graph.flow(*f).target.0 as usize)
                .collect();
            if let NodeKind::Event(e) = &n.kind {
                if e.position == EventPosition::Throw {
                    for t in &e.triggers {
                        if let Trigger::Link { name } = t {
                            next.extend(
                                graph
                                    .links
                                    .iter()
                                    .filter(|(l, _)| l == name)
                                    .map(|(_, c)| c.0 as usize),
                            );
                        }
                    }
                }
            }
            next
        })
        .collect()
}

/// Whether something on the cycle `members` can end, pause or interrupt it.
fn has_way_out(graph: &Graph, members: &[usize]) -> bool {
    let inside = |n: usize| members.contains(&n);
    members.iter().any(|&i| {
        let node = &graph.nodes[i];
        let leaves_by_choice = node.outgoing.iter().any(|f| {
            let flow = graph.flow(*f);
            !inside(flow.target.0 as usize)
                && (flow.condition.is_some()
                    || node.default_flow == Some(*f)
                    || matches!(
                        node.kind,
                        NodeKind::ExclusiveGateway | NodeKind::InclusiveGateway
                    ))
        });
        let waits_or_nests = match &node.kind {
            NodeKind::Human(_)
            | NodeKind::ReceiveTask { .. }
            | NodeKind::EventBasedGateway
            | NodeKind::SubProcess { .. }
            | NodeKind::CallActivity { .. }
            | NodeKind::Unsupported { .. } => true,
            NodeKind::Event(e) => {
                e.position == EventPosition::Catch
                    && e.triggers
                        .iter()
                        .any(|t| !matches!(t, Trigger::Link { .. }))
            }
            _ => false,
        };
        leaves_by_choice || waits_or_nests || !node.boundary.is_empty()
    })
}

/// The strongly connected components of `succ` (Tarjan, iterative).
fn components(succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = succ.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next_index = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its successor list)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*pos) {
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_find_cycles_and_singletons() {
        // 0 → 1 → 2 → 0, 2 → 3, 3 → 3
        let succ = vec![vec![1], vec![2], vec![0, 3], vec![3], vec![]];
        let mut c: Vec<Vec<usize>> = components(&succ)
            .into_iter()
            .map(|mut c| {
                c.sort();
                c
            })
            .collect();
        c.sort();
        assert_eq!(c, vec![vec![0, 1, 2], vec![3], vec![4]]);
    }

    #[test]
    fn a_long_chain_does_not_recurse() {
        let n = 200_000;
        let mut succ: Vec<Vec<usize>> = (0..n).map(|i| vec![i + 1]).collect();
        succ[n - 1] = vec![0];
        assert_eq!(components(&succ).len(), 1);
    }
}
