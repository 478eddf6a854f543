//! Parallel and inclusive joins.
//!
//! A parallel join fires when every incoming flow holds a token; tokens of
//! later loop iterations queue per flow and wait for the next firing, so the
//! count is right inside loops and for unstructured joins. An inclusive
//! (OR) join fires when at least one incoming flow holds a token and no live
//! task of the same scope can still reach an incoming flow that holds none
//! (using the reachability precomputed at load time). Either way the branch
//! data is merged in arrival order (later arrival wins).

use std::sync::Arc;

use super::merge::deep_merge;
use super::{TaskState, Workflow};
use crate::model::{NodeIdx, NodeKind, NodeRef};

impl Workflow {
    pub(crate) fn join_arrive(&mut self, s: u32, node: NodeIdx, k: usize, from: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes[s as usize].graph);
        let n_in = graph.node(node).incoming.len();
        let inclusive = matches!(graph.node(node).kind, NodeKind::InclusiveGateway);
        self.arrival_seq += 1;
        let seq = self.arrival_seq;
        let needs_task = {
            let js = self.scopes[s as usize].joins.entry(node).or_default();
            if js.arrivals.len() < n_in {
                js.arrivals.resize_with(n_in, Default::default);
            }
            js.arrivals[k].push_back((seq, from));
            js.task.is_none()
        };
        if needs_task {
            self.new_waiting_join(s, node, from, inclusive);
        }
        self.try_fire_join(s, node);
    }

    pub(crate) fn new_waiting_join(&mut self, s: u32, node: NodeIdx, from: u32, inclusive: bool) {
        let data = self.tasks[from as usize].data.clone();
        let graph = self.scopes[s as usize].graph;
        let t = self.tasks.len() as u32;
        self.tasks.push(super::task::TaskRecord {
            node: NodeRef { graph, node },
            parent: from,
            scope: s,
            state: TaskState::Waiting,
            data,
        });
        let scope = &mut self.scopes[s as usize];
        scope.live.insert(t);
        if let Some(js) = scope.joins.get_mut(&node) {
            js.task = Some(t);
        }
        if inclusive && !scope.waiting_or_joins.contains(&node) {
            scope.waiting_or_joins.push(node);
        }
    }

    /// Re-checks the OR-joins of scope `s` after tokens moved.
    pub(crate) fn recheck_or_joins(&mut self, s: u32) {
        if self.scopes[s as usize].waiting_or_joins.is_empty() {
            return;
        }
        let joins = self.scopes[s as usize].waiting_or_joins.clone();
        for j in joins {
            self.try_fire_join(s, j);
        }
    }

    fn can_fire(&self, s: u32, node: NodeIdx) -> bool {
        let scope = &self.scopes[s as usize];
        let Some(js) = scope.joins.get(&node) else {
            return false;
        };
        let graph = self.specs.model.graph(scope.graph);
        match graph.node(node).kind {
            NodeKind::ParallelGateway => js.arrivals.iter().all(|q| !q.is_empty()),
            _ => {
                if js.arrivals.iter().all(|q| q.is_empty()) {
                    return false;
                }
                let Some(Some(reach)) = graph.or_join_reach.get(node.0 as usize) else {
                    return true;
                };
                // No live task may still be able to send a token into an
                // incoming flow that has none yet.
                scope.live.iter().all(|&t| {
                    let at = self.tasks[t as usize].node.node;
                    at == node
                        || js
                            .arrivals
                            .iter()
                            .zip(reach)
                            .all(|(q, can)| !q.is_empty() || !can[at.0 as usize])
                })
            }
        }
    }

    /// Fires the join at `node` in scope `s` as often as it can.
    pub(crate) fn try_fire_join(&mut self, s: u32, node: NodeIdx) {
        while self.can_fire(s, node) {
            let (task, mut inputs, leftover, inclusive) = {
                let scope = &mut self.scopes[s as usize];
                let inclusive = matches!(
                    self.specs.model.graph(scope.graph).node(node).kind,
                    NodeKind::InclusiveGateway
                );
                let js = scope
                    .joins
                    .get_mut(&node)
                    .expect("join state exists when it can fire");
                let inputs: Vec<(u64, u32, u32)> = js
                    .arrivals
                    .iter_mut()
                    .enumerate()
                    .filter_map(|(k, q)| q.pop_front().map(|(seq, t)| (seq, t, k as u32)))
                    .collect();
                let leftover = js
                    .arrivals
                    .iter()
                    .filter_map(|q| q.front())
                    .min()
                    .map(|&(_, t)| t);
                (js.task.take(), inputs, leftover, inclusive)
            };
            let Some(task) = task else { return };
            inputs.sort_unstable();
            let mut merged = (*self.tasks[inputs[0].1 as usize].data).clone();
            for &(_, i, _) in &inputs[1..] {
                deep_merge(&mut merged, &self.tasks[i as usize].data);
            }
            let rec = &mut self.tasks[task as usize];
            rec.data = Arc::new(merged);
            // The parent stays the first arrival (an earlier task, which
            // keeps parents before children in the arena); every input is
            // remembered in `join_inputs`.
            rec.state = TaskState::Ready;
            self.ready.push_back(task);
            self.join_inputs.insert(
                task,
                inputs.iter().map(|&(seq, t, k)| (k, seq, t)).collect(),
            );
            match leftover {
                Some(from) => self.new_waiting_join(s, node, from, inclusive),
                None => {
                    let scope = &mut self.scopes[s as usize];
                    scope.waiting_or_joins.retain(|&j| j != node);
                    return;
                }
            }
        }
    }
}
