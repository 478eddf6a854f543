//! Parallel and inclusive joins, and the joins owner: the tokens waiting at
//! each join of each scope and the inputs of every join that fired.
//!
//! A parallel join fires when every incoming flow holds a token; tokens of
//! later loop iterations queue per flow and wait for the next firing, so the
//! count is right inside loops and for unstructured joins. Either way the
//! branch data is merged in arrival order (later arrival wins).
//!
//! An inclusive (OR) join fires as BPMN 2.0.2 (13.4.3) activates it: at
//! least one incoming flow holds a token and every token that can reach an
//! incoming flow without a token (not passing through the join) can also
//! reach one with a token. A token is any live task of the join's scope
//! (READY, WAITING, STARTED or ERROR: a task running a subprocess stands for
//! the tokens inside it, a waiting boundary event for the way out of its
//! activity); reachability is precomputed per graph at load time
//! (`parser/or_join_reach.rs`). A token that can reach both kinds of input
//! does not block: the join fires, and that token later activates it again.
//!
//! Cost: the scope counts its live tasks per node (`Scope::tokens`), so a
//! check looks at the nodes holding tokens (O(nodes with tokens × inputs)),
//! never at every token. A waiting OR-join is checked only when a token
//! arrives at one of its inputs, or when the last token leaves a node from
//! which it can be reached (`Graph::or_join_watch`); those checks are
//! queued (`Joins::recheck`) and run once the step has placed all its
//! tokens (`Workflow::settle_joins`), so a split that sends one token
//! straight into a join and another through a task is not mistaken for a
//! single branch.
//!
//! Each fired join remembers its inputs and the task whose completion made
//! it fire (its *trigger*): a reset that removes or undoes any of them
//! removes the join's record and gives the other inputs back to the join.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Arc;

use super::merge::deep_merge;
use super::owner::{Moment, ResetPlan, StateOwner, View};
use super::records::{Records, TaskRecord};
use super::snapshot::{InstanceSnapshot, JoinRow, RestoreError};
use super::{TaskState, Workflow};
use crate::model::{Data, NodeIdx, NodeKind, NodeRef};

/// Tokens that reached a join and wait for it to fire.
#[derive(Debug, Clone, Default)]
pub(crate) struct JoinState {
    /// The WAITING join task that the next firing will complete.
    pub task: Option<u32>,
    /// Per incoming flow (by position in the node's `incoming`), the
    /// arrivals not yet consumed: (event counter, task).
    pub arrivals: Vec<VecDeque<(u64, u32)>>,
    /// How many of `arrivals` are not empty, kept with them so a parallel
    /// join of n inputs tells whether it can fire in O(1): checking every
    /// queue on each arrival made an n-branch fan-in quadratic.
    filled: usize,
}

impl JoinState {
    /// A token from task `t` (event counter `seq`) on incoming flow `k` of
    /// a join with `n_in` inputs.
    fn push(&mut self, n_in: usize, k: usize, seq: u64, t: u32) {
        if self.arrivals.len() < n_in {
            self.arrivals.resize_with(n_in, Default::default);
        }
        let q = &mut self.arrivals[k];
        if q.is_empty() {
            self.filled += 1;
        }
        q.push_back((seq, t));
    }

    /// Takes the first token of every input that has one.
    fn take_front(&mut self) -> Vec<(u64, u32, u32)> {
        let taken: Vec<(u64, u32, u32)> = self
            .arrivals
            .iter_mut()
            .enumerate()
            .filter_map(|(k, q)| q.pop_front().map(|(seq, t)| (seq, t, k as u32)))
            .collect();
        self.recount();
        taken
    }

    /// Counts the non-empty queues again, after changing them directly.
    fn recount(&mut self) {
        self.filled = self.arrivals.iter().filter(|q| !q.is_empty()).count();
    }

    /// How many inputs hold a token.
    fn filled(&self) -> usize {
        self.filled
    }
}

/// What a join that fired consumed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FiredJoin {
    /// (incoming flow position, event counter, task) per input.
    pub inputs: Vec<(u32, u64, u32)>,
    /// The task whose completion (or cancellation) made it fire.
    pub trigger: u32,
    pub at: Moment,
}

/// The joins owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct Joins {
    /// Pending tokens per (scope, join node).
    pub pending: BTreeMap<(u32, NodeIdx), JoinState>,
    /// OR-joins to check once the current step has placed its tokens:
    /// (scope, join, the task whose completion or cancellation moved a
    /// token). Emptied by every step and by `Workflow::run`, so it is not
    /// saved; a restored instance checks its waiting OR-joins once when it
    /// next runs (an event from outside may have moved tokens just before
    /// it was saved).
    pub recheck: Vec<(u32, NodeIdx, u32)>,
    /// Every fired join record and what it consumed.
    pub fired: HashMap<u32, FiredJoin>,
    /// Data a reset asked for a join that has not fired again yet.
    pub overrides: HashMap<u32, Data>,
}

impl Joins {
    /// Pairs (task, join record) where the join record exists because of
    /// the task: each input and the trigger of every fired join.
    pub fn dependents(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for (&j, f) in &self.fired {
            for &(_, _, t) in &f.inputs {
                out.push((t, j));
            }
            out.push((f.trigger, j));
        }
        out
    }

    /// The WAITING record of the join fired record `j` belongs to, if it is
    /// another record.
    pub fn waiting_sibling(&self, j: u32, records: &Records) -> Option<u32> {
        let r = records.get(j);
        let js = self.pending.get(&(r.scope, r.node.node))?;
        js.task.filter(|&w| w != j)
    }

    /// Joins of running scopes that hold tokens but no WAITING record, with
    /// their earliest token (after a reset removed records).
    pub fn orphans(&self, view: &View) -> Vec<(u32, NodeIdx, u32)> {
        self.pending
            .iter()
            .filter(|((s, _), js)| js.task.is_none() && view.scopes.get(*s).running())
            .filter_map(|(&(s, n), js)| {
                js.arrivals
                    .iter()
                    .filter_map(|q| q.front())
                    .min()
                    .map(|&(_, t)| (s, n, t))
            })
            .collect()
    }
}

impl StateOwner for Joins {
    fn cancel(&mut self, _t: u32, _view: &View) {
        // Tokens of a cancelled scope stay: a reset may bring it back.
    }

    fn remove(&mut self, plan: &ResetPlan, view: &View) {
        // Fired joins that go (removed, or the target firing again) give
        // back the inputs that stay.
        let mut back: Vec<(u32, NodeIdx, u32, u64, u32)> = Vec::new();
        let gone_joins: Vec<u32> = self
            .fired
            .keys()
            .copied()
            .filter(|j| plan.gone(*j))
            .collect();
        for j in gone_joins {
            let f = self.fired.remove(&j).expect("listed above");
            let r = view.records.get(j);
            for (k, seq, t) in f.inputs {
                if !plan.gone(t) {
                    back.push((r.scope, r.node.node, k, seq, t));
                }
            }
            if plan.undone.contains(&j) {
                // The target join waits again for what it consumed.
                let n_in = view.specs.model.node(r.node).incoming.len();
                let js = self.pending.entry((r.scope, r.node.node)).or_default();
                if js.arrivals.len() < n_in {
                    js.arrivals.resize_with(n_in, Default::default);
                }
                js.task = Some(j);
            }
        }
        self.overrides.retain(|j, _| !plan.doomed.contains(j));
        for js in self.pending.values_mut() {
            for q in &mut js.arrivals {
                q.retain(|(_, t)| !plan.gone(*t));
            }
            if js.task.is_some_and(|t| plan.doomed.contains(&t)) {
                js.task = None;
            }
        }
        for (s, n, k, seq, t) in back {
            let n_in = view
                .specs
                .model
                .graph(view.scopes.get(s).graph)
                .node(n)
                .incoming
                .len();
            let js = self.pending.entry((s, n)).or_default();
            if js.arrivals.len() < n_in {
                js.arrivals.resize_with(n_in, Default::default);
            }
            let q = &mut js.arrivals[k as usize];
            q.push_back((seq, t));
            q.make_contiguous().sort_unstable();
        }
        for js in self.pending.values_mut() {
            js.recount();
        }
        let removed = &plan.removed_scopes;
        self.pending
            .retain(|&(s, _), js| !removed.contains(&s) && (js.task.is_some() || js.filled() > 0));
        self.recheck.clear();
    }

    fn snapshot(&self, snap: &mut InstanceSnapshot, _view: &View) {
        for (&(s, n), js) in &self.pending {
            if let Some(Some(row)) = snap.scopes.get_mut(s as usize) {
                row.joins.push(JoinRow {
                    node: n.0,
                    task: js.task,
                    arrivals: js
                        .arrivals
                        .iter()
                        .map(|q| q.iter().copied().collect())
                        .collect(),
                });
            }
        }
        let mut fired: Vec<(&u32, &FiredJoin)> = self.fired.iter().collect();
        fired.sort_by_key(|(j, _)| **j);
        snap.join_inputs = fired.iter().map(|(j, f)| (**j, f.inputs.clone())).collect();
        snap.join_triggers = fired.iter().map(|(j, f)| (**j, f.trigger, f.at)).collect();
        let mut ov: Vec<(u32, Data)> = self
            .overrides
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        ov.sort_by_key(|(k, _)| *k);
        snap.join_overrides = ov;
    }

    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError> {
        let bad = |m: String| Err(RestoreError(m));
        let check = |t: u32, what: &str| view.check_task(t, what);
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(row) = row else { continue };
            let graph = view.specs.model.graph(crate::model::GraphIdx(row.graph));
            for j in &row.joins {
                let Some(node) = graph.nodes.get(j.node as usize) else {
                    return bad(format!(
                        "scope {si} has a join at node {}, which does not exist",
                        j.node
                    ));
                };
                if j.arrivals.len() > node.incoming.len() {
                    return bad(format!(
                        "join `{}` has more token queues than incoming flows",
                        node.id
                    ));
                }
                if let Some(t) = j.task {
                    check(t, "a join")?;
                }
                let mut arrivals = Vec::new();
                for q in &j.arrivals {
                    for &(_, t) in q {
                        check(t, "a join token")?;
                    }
                    arrivals.push(q.iter().copied().collect::<VecDeque<_>>());
                }
                if j.task.is_some() && matches!(node.kind, NodeKind::InclusiveGateway) {
                    // Its latest input stands for what made it ready, if it
                    // fires at the next run.
                    let latest = arrivals.iter().filter_map(|q| q.back()).max();
                    if let Some(&(_, t)) = latest {
                        self.recheck.push((si as u32, NodeIdx(j.node), t));
                    }
                }
                let mut js = JoinState {
                    task: j.task,
                    arrivals,
                    filled: 0,
                };
                js.recount();
                self.pending.insert((si as u32, NodeIdx(j.node)), js);
            }
        }
        let triggers: HashMap<u32, (u32, Moment)> = snap
            .join_triggers
            .iter()
            .map(|&(j, t, at)| (j, (t, at)))
            .collect();
        for (j, inputs) in &snap.join_inputs {
            check(*j, "join inputs")?;
            for &(_, _, i) in inputs {
                check(i, "join inputs")?;
            }
            let (trigger, at) = match triggers.get(j) {
                Some(&(t, at)) => {
                    check(t, "a join trigger")?;
                    (t, at)
                }
                // Files written before triggers were kept: the last input.
                None => {
                    let last = inputs.iter().max_by_key(|x| x.1).map(|x| (x.2, x.1));
                    let (t, seq) = last.unwrap_or((*j, 0));
                    (t, Moment { len: j + 1, seq })
                }
            };
            self.fired.insert(
                *j,
                FiredJoin {
                    inputs: inputs.clone(),
                    trigger,
                    at,
                },
            );
        }
        for (j, d) in &snap.join_overrides {
            check(*j, "join data")?;
            self.overrides.insert(*j, d.clone());
        }
        Ok(())
    }

    fn check(&self, view: &View) -> Result<(), String> {
        let model = &view.specs.model;
        let mut waiting_records = HashSet::new();
        for (&(s, n), js) in &self.pending {
            let scope = view.scopes.get(s);
            let node = model.graph(scope.graph).node(n);
            if let Some(t) = js.task {
                let r = view.records.get(t);
                let ok_state = r.state == TaskState::Waiting
                    || (r.state == TaskState::Cancelled && r.prev == TaskState::Waiting);
                if !view.records.exists(t) || r.scope != s || r.node.node != n || !ok_state {
                    return Err(format!(
                        "join `{}` waits with task {t}, which is not its WAITING record",
                        node.id
                    ));
                }
                waiting_records.insert(t);
            } else if scope.running() && js.filled() > 0 {
                return Err(format!(
                    "join `{}` holds tokens but has no WAITING record",
                    node.id
                ));
            }
            if js.filled != js.arrivals.iter().filter(|q| !q.is_empty()).count() {
                return Err(format!(
                    "join `{}` counts {} inputs with tokens, but {} have some",
                    node.id,
                    js.filled,
                    js.arrivals.iter().filter(|q| !q.is_empty()).count()
                ));
            }
            for q in &js.arrivals {
                for &(_, t) in q {
                    if !view.records.exists(t) || view.records.state(t) != TaskState::Completed {
                        return Err(format!(
                            "join `{}` holds a token of task {t}, which is not COMPLETED",
                            node.id
                        ));
                    }
                }
            }
        }
        for t in view.records.ids() {
            let r = view.records.get(t);
            if r.state == TaskState::Waiting && is_join(view, r) && !waiting_records.contains(&t) {
                return Err(format!(
                    "join task {t} (`{}`) is WAITING but its join does not know it",
                    model.node(r.node).id
                ));
            }
        }
        for (&j, f) in &self.fired {
            if !view.records.exists(j) {
                return Err(format!("fired join {j} does not exist"));
            }
            for &(_, _, t) in &f.inputs {
                if !view.records.exists(t) {
                    return Err(format!(
                        "fired join {j} consumed task {t}, which does not exist"
                    ));
                }
            }
        }
        Ok(())
    }
}

impl Joins {
    /// Queues a check of OR-join `node` of scope `s` (because of task
    /// `trigger`), once per join and step.
    fn note(&mut self, s: u32, node: NodeIdx, trigger: u32) {
        match self
            .recheck
            .iter_mut()
            .find(|(s2, n2, _)| *s2 == s && *n2 == node)
        {
            Some(entry) => entry.2 = trigger,
            None => self.recheck.push((s, node, trigger)),
        }
    }
}

/// Whether record `r` is at a join (a parallel or inclusive gateway with
/// more than one incoming flow).
fn is_join(view: &View, r: &TaskRecord) -> bool {
    let node = view.specs.model.node(r.node);
    matches!(
        node.kind,
        NodeKind::ParallelGateway | NodeKind::InclusiveGateway
    ) && node.incoming.len() > 1
}

impl Workflow {
    /// Whether the node at `r` is a join.
    pub(crate) fn node_is_join(&self, r: NodeRef) -> bool {
        let node = self.specs.model.node(r);
        matches!(
            node.kind,
            NodeKind::ParallelGateway | NodeKind::InclusiveGateway
        ) && node.incoming.len() > 1
    }

    /// A token from task `from` arrives at join `node` of scope `s` along
    /// its `k`-th incoming flow.
    pub(crate) fn join_arrive(&mut self, s: u32, node: NodeIdx, k: usize, from: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes.get(s).graph);
        let n_in = graph.node(node).incoming.len();
        let inclusive = matches!(graph.node(node).kind, NodeKind::InclusiveGateway);
        let seq = self.records.tick().seq;
        let needs_task = {
            let js = self.joins.pending.entry((s, node)).or_default();
            js.push(n_in, k, seq, from);
            js.task.is_none()
        };
        if needs_task {
            self.new_waiting_join(s, node, from);
        }
        if inclusive {
            // Other tokens of the same step may still be on their way.
            self.joins.note(s, node, from);
        } else {
            self.try_fire_join(s, node, from);
        }
    }

    /// Creates the WAITING record of join `node` in scope `s`, with task
    /// `from` (its earliest token) as parent.
    pub(crate) fn new_waiting_join(&mut self, s: u32, node: NodeIdx, from: u32) {
        let data = self.records.data(from).clone();
        let graph = self.scopes.get(s).graph;
        let t = self
            .records
            .push(NodeRef { graph, node }, from, s, TaskState::Waiting, data);
        self.scopes.add_live(s, t, node);
        if let Some(js) = self.joins.pending.get_mut(&(s, node)) {
            js.task = Some(t);
        }
    }

    /// The last live task at `node` of scope `s` completed or was cancelled
    /// (because of task `cause`): the OR-joins waiting in `s` that a token
    /// there could reach are checked once the step has placed its tokens.
    pub(crate) fn token_left(&mut self, s: u32, node: NodeIdx, cause: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes.get(s).graph);
        for &j in graph.or_joins_watching(node) {
            if self
                .joins
                .pending
                .get(&(s, j))
                .is_some_and(|js| js.task.is_some())
            {
                self.joins.note(s, j, cause);
            }
        }
    }

    /// Runs the OR-join checks the step queued (see `Joins::recheck`).
    pub(crate) fn settle_joins(&mut self) {
        while !self.joins.recheck.is_empty() {
            for (s, j, trigger) in std::mem::take(&mut self.joins.recheck) {
                self.try_fire_join(s, j, trigger);
            }
        }
    }

    fn can_fire(&self, s: u32, node: NodeIdx) -> bool {
        let scope = self.scopes.get(s);
        let Some(js) = self.joins.pending.get(&(s, node)) else {
            return false;
        };
        // A join of a scope that ended (terminated, cancelled) stays as it is.
        let waiting = js
            .task
            .is_some_and(|t| self.records.state(t) == TaskState::Waiting);
        if !waiting || !scope.running() {
            return false;
        }
        let graph = self.specs.model.graph(scope.graph);
        match graph.node(node).kind {
            NodeKind::ParallelGateway => js.filled() == graph.node(node).incoming.len(),
            _ => {
                if js.filled() == 0 {
                    return false;
                }
                let (Some(Some(reach)), Some(tokens)) =
                    (graph.or_join_reach.get(node.0 as usize), &scope.tokens)
                else {
                    return true;
                };
                // BPMN 2.0.2 13.4.3: a token blocks the join when it can reach
                // an input without a token but no input with one.
                let full: Vec<bool> = js.arrivals.iter().map(|q| !q.is_empty()).collect();
                tokens.keys().all(|&at| {
                    if at == node {
                        return true;
                    }
                    let i = at.0 as usize;
                    let (mut to_empty, mut to_full) = (false, false);
                    for (k, can) in reach.iter().enumerate() {
                        if can[i] {
                            if full.get(k).copied().unwrap_or(false) {
                                to_full = true;
                            } else {
                                to_empty = true;
                            }
                        }
                    }
                    !to_empty || to_full
                })
            }
        }
    }

    /// Fires the join at `node` in scope `s` as often as it can; `trigger`
    /// is the task whose completion (or cancellation) led here.
    pub(crate) fn try_fire_join(&mut self, s: u32, node: NodeIdx, trigger: u32) {
        while self.can_fire(s, node) {
            let (task, mut inputs, leftover) = {
                let js = self
                    .joins
                    .pending
                    .get_mut(&(s, node))
                    .expect("join state exists when it can fire");
                let inputs = js.take_front();
                let leftover = js
                    .arrivals
                    .iter()
                    .filter_map(|q| q.front())
                    .min()
                    .map(|&(_, t)| t);
                (js.task.take(), inputs, leftover)
            };
            let Some(task) = task else { return };
            inputs.sort_unstable();
            let mut merged = (*self.records.data(inputs[0].1)).clone();
            for &(_, i, _) in &inputs[1..] {
                deep_merge(&mut merged, &self.records.data(i));
            }
            if let Some(ov) = self.joins.overrides.remove(&task) {
                merged.extend(ov);
            }
            // The parent stays the first arrival (an earlier task, which
            // keeps parents before children in the arena); every input is
            // remembered by the joins owner.
            self.records.set_data(task, Arc::new(merged));
            self.records.set_state(task, TaskState::Ready);
            self.records.enqueue(task, false);
            let at = self.records.tick();
            self.joins.fired.insert(
                task,
                FiredJoin {
                    inputs: inputs.iter().map(|&(seq, t, k)| (k, seq, t)).collect(),
                    trigger,
                    at,
                },
            );
            match leftover {
                Some(from) => self.new_waiting_join(s, node, from),
                None => return,
            }
        }
    }
}
