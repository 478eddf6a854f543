//! Reset: go back to an earlier task and redo from there, following
//! SpiffWorkflow's `reset_from_task_id` with its defects fixed.
//!
//! - The target becomes READY again (WAITING for a join still missing
//!   inputs) with the data it had when it was reached (its parent's data),
//!   plus the caller's overrides — which win, unlike in SpiffWorkflow.
//! - Every task that descends from it is removed, including tasks of
//!   subprocesses started below it. A join that consumed a token from a
//!   removed branch is removed too, and the tokens it took from branches
//!   that were not removed wait at the join again.
//! - Resetting inside a subprocess or call activity puts each enclosing task
//!   back to STARTED and removes what followed it.
//! - A completed workflow runs again; its data is recomputed when it
//!   completes again.
//!
//! A reset scans the task records (it is rare, not a step of the engine).

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use super::error::TaskError;
use super::task::NO_TASK;
use super::{TaskId, TaskState, Workflow};
use crate::model::{Data, NodeKind};

impl Workflow {
    /// Resolves a task reference: a full id, a unique id prefix, or a BPMN
    /// id (meaning the most recent task with that BPMN id).
    pub fn resolve_task(&self, reference: &str) -> Result<TaskId, TaskError> {
        let r = reference.trim();
        if r.is_empty() {
            return Err(TaskError("empty task reference".into()));
        }
        if let Some(id) = TaskId::parse_full(r) {
            if self.task(id).is_some() {
                return Ok(id);
            }
        }
        let is_hex = r.chars().all(|c| c.is_ascii_hexdigit());
        let by_prefix: Vec<TaskId> = if is_hex {
            self.tasks()
                .filter(|t| t.id.to_string().starts_with(&r.to_ascii_lowercase()))
                .map(|t| t.id)
                .collect()
        } else {
            Vec::new()
        };
        let by_bpmn: Vec<TaskId> = self
            .tasks()
            .filter(|t| t.bpmn_id == r)
            .map(|t| t.id)
            .collect();
        match (by_prefix.as_slice(), by_bpmn.last()) {
            ([one], None) => Ok(*one),
            ([], Some(last)) => Ok(*last),
            ([], None) => {
                let mut known: Vec<&str> = self.tasks().map(|t| t.bpmn_id).collect();
                known.sort_unstable();
                known.dedup();
                Err(TaskError(format!(
                    "no task matches `{r}` (give a task id, an id prefix or a BPMN id; BPMN ids here: {})",
                    known.join(", ")
                )))
            }
            (many, bpmn) => {
                let mut cands: Vec<String> = many
                    .iter()
                    .map(|id| format!("{id} ({})", self.view(id.0).bpmn_id))
                    .collect();
                if let Some(b) = bpmn {
                    cands.push(format!("{b} (BPMN id {r})"));
                }
                Err(TaskError(format!(
                    "`{r}` is ambiguous: it matches {}",
                    cands.join(", ")
                )))
            }
        }
    }

    /// Resets the instance to task `id` (see the module documentation).
    /// `overrides` replace keys of the task's data. Nothing runs until
    /// [`Workflow::run`].
    pub fn reset(&mut self, id: TaskId, overrides: Data) -> Result<(), TaskError> {
        let target = id.0;
        if self.task(id).is_none() {
            return Err(TaskError(format!("no task with id {id}")));
        }
        // Children index, including "a join is a child of every input".
        let n = self.tasks.len();
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, r) in self.tasks.iter().enumerate() {
            if r.parent != NO_TASK && !self.removed.contains(&(i as u32)) {
                children[r.parent as usize].push(i as u32);
            }
        }
        for (j, inputs) in &self.join_inputs {
            for &(_, _, t) in inputs {
                if t != self.tasks[*j as usize].parent {
                    children[t as usize].push(*j);
                }
            }
        }

        if self.tasks[target as usize].state == TaskState::Waiting {
            // A join still waiting for its inputs: there is nothing after it.
            let d = Arc::make_mut(&mut self.tasks[target as usize].data);
            for (k, v) in overrides {
                d.insert(k, v);
            }
            return Ok(());
        }
        let mut doomed: HashSet<u32> = descendants(&children, target, |_| true)
            .into_iter()
            .collect();
        // A fired join goes back to waiting for the tokens it took.
        let target_is_join = self.join_inputs.contains_key(&target);
        // Walk up: each enclosing subprocess / call activity becomes STARTED
        // and loses what followed it in its own scope (not its body).
        let mut enclosing = Vec::new();
        let mut s = self.tasks[target as usize].scope;
        while let Some(p) = self.scopes[s as usize].parent_task {
            let body = s;
            let after: Vec<u32> =
                descendants(&children, p, |c| self.tasks[c as usize].scope != body);
            doomed.extend(after);
            enclosing.push((p, body));
            s = self.tasks[p as usize].scope;
        }

        let was_finished: Vec<bool> = self.scopes.iter().map(|s| s.finished).collect();
        let chain: Vec<u32> = [target]
            .into_iter()
            .chain(enclosing.iter().map(|&(p, _)| p))
            .collect();
        let loop_plan = self.loop_reset_plan(&chain, &children, &mut doomed);
        let loop_overrides = if loop_plan.is_empty() {
            Data::new()
        } else {
            overrides.clone()
        };
        self.remove_tasks(&doomed);

        for &(p, body) in &enclosing {
            let pp = self.tasks[p as usize].parent;
            // Its data goes back to what it had on entry (its body replaced it
            // on completion).
            if pp != NO_TASK {
                self.tasks[p as usize].data = self.tasks[pp as usize].data.clone();
            }
            self.tasks[p as usize].state = TaskState::Started;
            self.errors.remove(&p);
            let scope = &mut self.scopes[body as usize];
            scope.finished = false;
            scope.terminated_by = None;
            let ps = self.tasks[p as usize].scope as usize;
            self.scopes[ps].finished = false;
            self.scopes[ps].terminated_by = None;
            self.scopes[ps].live.insert(p);
        }
        let rerun: HashSet<u32> = enclosing.iter().map(|&(p, _)| p).chain([target]).collect();
        self.completion_log.retain(|t| !rerun.contains(t));
        if self.last_task.is_some_and(|t| rerun.contains(&t)) {
            self.last_task = self.completion_log.last().copied();
        }
        // The target itself.
        let t = target as usize;
        let parent = self.tasks[t].parent;
        self.errors.remove(&target);
        self.waits.remove(&target);
        self.fired.remove(&target);
        self.human_ready.remove(&target);
        self.ready.retain(|&x| x != target);
        if let Some(child) = self.child_scope.remove(&target) {
            self.kill_scope(child);
        }
        let s = self.tasks[t].scope;
        {
            let scope = &mut self.scopes[s as usize];
            scope.finished = false;
            scope.terminated_by = None;
            scope.ended.retain(|&e| e != target);
        }
        if target_is_join {
            let inputs = self.join_inputs.remove(&target).unwrap_or_default();
            let node = self.tasks[t].node.node;
            let n_in = self.specs.model.node(self.tasks[t].node).incoming.len();
            let js = self.scopes[s as usize].joins.entry(node).or_default();
            if js.arrivals.len() < n_in {
                js.arrivals.resize_with(n_in, Default::default);
            }
            for (k, seq, from) in inputs {
                if let Some(q) = js.arrivals.get_mut(k as usize) {
                    q.push_back((seq, from));
                    q.make_contiguous().sort_unstable();
                }
            }
            if let Some(old) = js.task.replace(target) {
                if old != target {
                    self.removed.insert(old);
                }
            }
            self.tasks[t].state = TaskState::Waiting;
            self.scopes[s as usize].live.insert(target);
            if !overrides.is_empty() {
                let d = Arc::make_mut(&mut self.tasks[t].data);
                for (k, v) in overrides {
                    d.insert(k, v);
                }
            }
            let inclusive = matches!(
                self.specs.model.node(self.tasks[t].node).kind,
                NodeKind::InclusiveGateway
            );
            if inclusive && !self.scopes[s as usize].waiting_or_joins.contains(&node) {
                self.scopes[s as usize].waiting_or_joins.push(node);
            }
            self.try_fire_join(s, node);
        } else {
            let mut data = if parent == NO_TASK {
                // A start task: its own data is its input.
                (*self.tasks[t].data).clone()
            } else {
                (*self.tasks[parent as usize].data).clone()
            };
            for (k, v) in overrides {
                data.insert(k, v);
            }
            let rec = &mut self.tasks[t];
            rec.data = Arc::new(data);
            rec.state = TaskState::Ready;
            self.scopes[s as usize].live.insert(target);
            if self.waits_for_person(target) {
                self.human_ready.insert(target);
            } else {
                self.ready.push_back(target);
            }
        }
        self.loop_reset_apply(&loop_plan, target, &loop_overrides);
        self.reopen_top_scopes();
        self.recompute_last_done();
        // Scopes that run again get their event subprocess starts back.
        for (si, was) in was_finished.into_iter().enumerate() {
            let si = si as u32;
            if was
                && !self.scopes[si as usize].finished
                && !self.starters.iter().any(|st| st.scope == Some(si))
            {
                self.arm_event_subprocesses(si);
            }
        }
        if !self
            .specs
            .model
            .node(self.tasks[t].node)
            .boundary
            .is_empty()
            && self.tasks[t].state == TaskState::Ready
        {
            // Resetting to a task with boundary events re-arms them.
            self.arm_boundaries(target)
                .map_err(|e| TaskError(e.to_string()))?;
        }
        Ok(())
    }

    /// Each scope's last completed task, after a reset removed some.
    fn recompute_last_done(&mut self) {
        for scope in &mut self.scopes {
            scope.last_done = None;
        }
        for &t in &self.completion_log {
            let s = self.tasks[t as usize].scope as usize;
            self.scopes[s].last_done = Some(t);
        }
    }

    /// Removes task records `doomed` and every trace of them.
    fn remove_tasks(&mut self, doomed: &HashSet<u32>) {
        if doomed.is_empty() {
            return;
        }
        // Joins that fired with a removed input but are not removed
        // themselves cannot exist (they descend from that input), but joins
        // that consumed tokens of surviving branches and are removed give
        // those tokens back.
        let mut give_back: Vec<(u32, u32, u32, u64, u32)> = Vec::new(); // (scope, node, k, seq, task)
        for &j in doomed {
            if let Some(inputs) = self.join_inputs.remove(&j) {
                let r = &self.tasks[j as usize];
                for (k, seq, t) in inputs {
                    if !doomed.contains(&t) {
                        give_back.push((r.scope, r.node.node.0, k, seq, t));
                    }
                }
            }
        }
        for &t in doomed {
            self.removed.insert(t);
            self.errors.remove(&t);
            self.waits.remove(&t);
            self.fired.remove(&t);
            self.human_ready.remove(&t);
            if let Some(child) = self.child_scope.remove(&t) {
                self.kill_scope(child);
            }
        }
        self.ready.retain(|t| !doomed.contains(t));
        self.completion_log.retain(|t| !doomed.contains(t));
        if self.last_task.is_some_and(|t| doomed.contains(&t)) {
            self.last_task = self.completion_log.last().copied();
        }
        self.compensating.retain(|o, _| !doomed.contains(o));
        self.handler_owner
            .retain(|h, o| !doomed.contains(h) && !doomed.contains(o));
        self.compensated.retain(|a| !doomed.contains(a));
        for scope in &mut self.scopes {
            scope.compensable.retain(|t| !doomed.contains(t));
            scope.live.retain(|t| !doomed.contains(t));
            scope.ended.retain(|t| !doomed.contains(t));
            if scope.terminated_by.is_some_and(|t| doomed.contains(&t)) {
                scope.terminated_by = None;
            }
            for js in scope.joins.values_mut() {
                for q in &mut js.arrivals {
                    q.retain(|(_, t)| !doomed.contains(t));
                }
                if js.task.is_some_and(|t| doomed.contains(&t)) {
                    js.task = None;
                }
            }
        }
        let mut touched: Vec<(u32, u32)> = Vec::new();
        for (s, node, k, seq, t) in give_back {
            let n_in = self.specs.model.graph(self.scopes[s as usize].graph).nodes[node as usize]
                .incoming
                .len();
            let js = self.scopes[s as usize]
                .joins
                .entry(crate::model::NodeIdx(node))
                .or_default();
            if js.arrivals.len() < n_in {
                js.arrivals.resize_with(n_in, Default::default);
            }
            js.arrivals[k as usize].push_back((seq, t));
            js.arrivals[k as usize].make_contiguous().sort_unstable();
            if !touched.contains(&(s, node)) {
                touched.push((s, node));
            }
        }
        // A join with tokens but no WAITING record gets one again.
        for si in 0..self.scopes.len() as u32 {
            let pending: Vec<(crate::model::NodeIdx, u32)> = self.scopes[si as usize]
                .joins
                .iter()
                .filter(|(_, js)| js.task.is_none())
                .filter_map(|(n, js)| {
                    js.arrivals
                        .iter()
                        .filter_map(|q| q.front())
                        .min()
                        .map(|&(_, t)| (*n, t))
                })
                .collect();
            for (node, from) in pending {
                let inclusive = matches!(
                    self.specs
                        .model
                        .graph(self.scopes[si as usize].graph)
                        .node(node)
                        .kind,
                    NodeKind::InclusiveGateway
                );
                self.new_waiting_join(si, node, from, inclusive);
            }
            self.scopes[si as usize]
                .joins
                .retain(|_, js| js.task.is_some());
        }
    }

    /// Marks a scope (and scopes below it) as gone after its tasks were removed.
    fn kill_scope(&mut self, s: u32) {
        self.disarm_scope(s);
        let scope = &mut self.scopes[s as usize];
        scope.finished = true;
        scope.live.clear();
        scope.joins.clear();
        scope.waiting_or_joins.clear();
        scope.ended.clear();
        scope.parent_task = None;
    }

    /// After a reset: which top-level scopes run again, and completion.
    fn reopen_top_scopes(&mut self) {
        let running: Vec<u32> = (0..self.scopes.len() as u32)
            .filter(|&s| {
                let sc = &self.scopes[s as usize];
                sc.parent_task.is_none() && sc.depth == 0 && !sc.finished
            })
            .collect();
        self.top_finished.retain(|s| !running.contains(s));
        self.top_running = running.len();
        if self.top_running > 0 {
            self.completed = false;
            self.data = Data::new();
        }
    }
}

/// `root`'s descendants through `children`, not entering children for
/// which `follow` is false (and not including `root`).
pub(super) fn descendants(
    children: &[Vec<u32>],
    root: u32,
    follow: impl Fn(u32) -> bool,
) -> Vec<u32> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut queue: VecDeque<u32> = children[root as usize]
        .iter()
        .copied()
        .filter(|&c| follow(c))
        .collect();
    while let Some(t) = queue.pop_front() {
        if !seen.insert(t) {
            continue;
        }
        out.push(t);
        queue.extend(children[t as usize].iter().copied());
    }
    out
}

impl Workflow {
    /// Puts every task in ERROR back to READY with the data it started
    /// with, so the next [`Workflow::run`] tries it again (after the cause —
    /// data, a service — was fixed).
    pub fn retry_failed(&mut self) {
        let mut failed: Vec<u32> = self.errors.keys().copied().collect();
        failed.sort_unstable();
        for t in failed {
            if self.tasks[t as usize].state == TaskState::Error {
                let _ = self.reset(TaskId(t), Data::new());
            }
        }
    }
}
