//! The scopes owner: one scope per running body — the top-level process
//! (or each participant of a collaboration, or each conversation a start
//! event opened), each subprocess, call activity and event subprocess
//! instance. A scope knows its live tasks (for terminate and completion)
//! and, in a body with OR-joins, how many of them sit at each node (what an
//! OR-join asks), the tasks that ended a path in it, and whether it finished.
//! The instance-level state (initial data, completion, workflow data) lives
//! here too, since it is the top-level scopes' state.

use std::collections::HashMap;
use std::sync::Arc;

use super::TaskState;
use super::merge::deep_merge;
use super::owner::ResetPlan;
use super::records::Records;
use crate::model::{Data, GraphIdx, NodeIdx};

/// A running (or finished) body of a process or subprocess.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub graph: GraphIdx,
    /// The subprocess / call activity / event subprocess task that runs this
    /// body; `None` for a top-level process.
    pub container: Option<u32>,
    /// Nesting depth: 0 for top-level processes.
    pub depth: u32,
    /// Tasks of this scope that are not finished.
    pub live: super::IdSet<u32>,
    /// In a body with OR-joins: the number of live tasks at each node that
    /// has any (the nodes holding tokens), so an OR-join looks at nodes, not
    /// at every token. `None` in other bodies.
    pub tokens: Option<HashMap<NodeIdx, u32>>,
    /// Tasks that ended a path (no outgoing flow), in the order they
    /// completed; the scope's final data is the merge of their data. Kept as
    /// ids, not merged data, so a reset can drop the paths it removes.
    pub ended: Vec<u32>,
    /// The terminate end event (or interrupting event subprocess) that ended
    /// this scope, if one did: its data alone is the scope's final data.
    pub terminated_by: Option<u32>,
    pub finished: bool,
    /// A reset removed the task that ran this body.
    pub removed: bool,
    /// The last task that completed in this scope (its data is the scope's
    /// current data, e.g. for an event subprocess that starts).
    pub last_done: Option<u32>,
    /// Event subprocess start events a reset made wait again: the scope
    /// stays open until one of them fires (as it was when it fired first).
    pub awaiting: Vec<(u32, u32)>,
    /// The data the body's task had when the body started (for a reset
    /// that puts the task back to STARTED).
    pub entry: Option<Arc<Data>>,
}

impl Scope {
    /// A scope running `graph`; `or_joins` when the graph has OR-joins (its
    /// tokens are then counted per node).
    pub fn new(graph: GraphIdx, container: Option<u32>, depth: u32, or_joins: bool) -> Self {
        Scope {
            graph,
            container,
            depth,
            live: super::IdSet::default(),
            tokens: or_joins.then(HashMap::new),
            ended: Vec::new(),
            terminated_by: None,
            finished: false,
            removed: false,
            last_done: None,
            awaiting: Vec::new(),
            entry: None,
        }
    }

    /// Running: not finished and not removed.
    pub fn running(&self) -> bool {
        !self.finished && !self.removed
    }
}

/// Every scope of an instance, and the instance's completion.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scopes {
    pub list: Vec<Scope>,
    /// The scope run by a subprocess / call activity / event subprocess task.
    pub child: super::IdMap<u32, u32>,
    /// Top-level scopes in the order they finished.
    pub top_finished: Vec<u32>,
    /// The data the instance was started with.
    pub initial: Arc<Data>,
    /// 1 while the instance cannot complete before a start event fires (a
    /// process that starts on a message, signal or timer).
    pub pending_starts: usize,
    /// The workflow data, once completed.
    pub data: Data,
    pub completed: bool,
    /// Live tasks in all scopes (the sum of the live sets), for the limit
    /// on live tasks.
    pub live_total: usize,
}

impl Scopes {
    pub fn get(&self, s: u32) -> &Scope {
        &self.list[s as usize]
    }

    pub fn get_mut(&mut self, s: u32) -> &mut Scope {
        &mut self.list[s as usize]
    }

    pub fn len(&self) -> u32 {
        self.list.len() as u32
    }

    /// Adds a scope for `graph` (`or_joins`: it has OR-joins) run by task
    /// `container`; returns its index.
    pub fn open(
        &mut self,
        graph: GraphIdx,
        container: Option<u32>,
        depth: u32,
        or_joins: bool,
    ) -> u32 {
        let s = self.len();
        self.list
            .push(Scope::new(graph, container, depth, or_joins));
        if let Some(c) = container {
            self.child.insert(c, s);
        }
        s
    }

    /// Top-level scopes still running.
    pub fn top_running(&self) -> usize {
        self.list
            .iter()
            .filter(|s| s.container.is_none() && s.running())
            .count()
    }

    /// Task `t`, at node `node`, is live in scope `s` (created, or back in
    /// a reset).
    pub fn add_live(&mut self, s: u32, t: u32, node: NodeIdx) {
        let scope = &mut self.list[s as usize];
        if scope.live.insert(t) {
            self.live_total += 1;
            if let Some(tokens) = &mut scope.tokens {
                *tokens.entry(node).or_default() += 1;
            }
        }
    }

    /// Task `t` (at `node`) is no longer live in scope `s`; true when it was
    /// the last live task at that node of a body with OR-joins (which may
    /// let one of them fire).
    fn drop_live(&mut self, s: u32, t: u32, node: NodeIdx) -> bool {
        let scope = &mut self.list[s as usize];
        if !scope.live.remove(&t) {
            return false;
        }
        self.live_total -= 1;
        let Some(tokens) = &mut scope.tokens else {
            return false;
        };
        match tokens.get_mut(&node) {
            Some(n) if *n > 1 => {
                *n -= 1;
                false
            }
            Some(_) => {
                tokens.remove(&node);
                true
            }
            None => false,
        }
    }

    /// Task `t` (of scope `s`, at `node`) completed; true when the node
    /// lost its last token (see `drop_live`).
    pub fn completed(&mut self, s: u32, t: u32, node: NodeIdx) -> bool {
        let last = self.drop_live(s, t, node);
        self.list[s as usize].last_done = Some(t);
        last
    }

    /// Task `t` was cancelled: it is no longer live; a body it ran is
    /// finished (its tasks are cancelled by the caller). True when its node
    /// lost its last token (see `drop_live`).
    pub fn cancel(&mut self, t: u32, records: &Records) -> bool {
        let r = records.get(t);
        let last = self.drop_live(r.scope, t, r.node.node);
        if let Some(&c) = self.child.get(&t) {
            self.list[c as usize].finished = true;
        }
        last
    }

    /// The final data of scope `s`: its terminating task's data, or the
    /// merge of the data of every path that ended in it, in the order they
    /// ended.
    pub fn final_data(&self, s: u32, records: &Records) -> Arc<Data> {
        let scope = &self.list[s as usize];
        if let Some(t) = scope.terminated_by {
            return records.data(t).clone();
        }
        match scope.ended.as_slice() {
            [] => scope
                .container
                .map(|p| records.data(p).clone())
                .unwrap_or_default(),
            [one] => records.data(*one),
            [first, rest @ ..] => {
                let mut d = (*records.data(*first)).clone();
                for t in rest {
                    deep_merge(&mut d, &records.data(*t));
                }
                Arc::new(d)
            }
        }
    }

    /// Top-level scope `s` finished: the instance completes when it was the
    /// last one and no start event is still awaited.
    pub fn top_finished(&mut self, s: u32, records: &Records) {
        if !self.top_finished.contains(&s) {
            self.top_finished.push(s);
        }
        self.settle_completion(records);
    }

    /// Sets `completed` and the workflow data from the top-level scopes.
    pub fn settle_completion(&mut self, records: &Records) {
        if self.top_running() == 0 && self.pending_starts == 0 {
            // Recomputed from the scopes (not accumulated) so a reset and
            // re-run gives the data of the re-run.
            let mut data = Data::new();
            for &top in &self.top_finished {
                deep_merge(&mut data, &self.final_data(top, records));
            }
            if self.list.is_empty() {
                // Nothing ran (a collaboration without executable
                // participants): the data is what it was started with.
                data = (*self.initial).clone();
            }
            self.data = data;
            self.completed = true;
        } else {
            self.completed = false;
            self.data = Data::new();
        }
    }

    // ----- reset ---------------------------------------------------------

    /// Applies a reset (after `Records` did): removed bodies go, ended paths
    /// and terminations of removed or undone tasks are forgotten, live sets
    /// and finished flags are rebuilt from the record states.
    pub fn remove(&mut self, plan: &ResetPlan, records: &Records, specs: &super::Specs) {
        for &s in &plan.removed_scopes {
            let scope = &mut self.list[s as usize];
            scope.removed = true;
            scope.finished = true;
            self.live_total -= scope.live.len();
            scope.live.clear();
            if let Some(tokens) = &mut scope.tokens {
                tokens.clear();
            }
            scope.awaiting.clear();
            if let Some(c) = scope.container {
                if self.child.get(&c) == Some(&s) {
                    self.child.remove(&c);
                }
            }
        }
        self.child.retain(|c, _| !plan.doomed.contains(c));
        for scope in &mut self.list {
            scope.ended.retain(|t| !plan.gone(*t));
            // A terminate end event that runs again terminates again; an
            // interrupting event subprocess that runs again (a reset inside
            // it) still interrupts.
            if let Some(t) = scope.terminated_by {
                let esp = matches!(
                    specs.model.node(records.get(t).node).kind,
                    crate::model::NodeKind::EventSubProcess { .. }
                );
                if plan.doomed.contains(&t) || (!esp && plan.undone.contains(&t)) {
                    scope.terminated_by = None;
                }
            }
        }
        self.rebuild(records);
    }

    /// Live sets, finished flags and last completed tasks from the records;
    /// top-level completion from the scopes.
    pub fn rebuild(&mut self, records: &Records) {
        for scope in &mut self.list {
            scope.live.clear();
            if let Some(tokens) = &mut scope.tokens {
                tokens.clear();
            }
            scope.last_done = None;
        }
        self.live_total = 0;
        for t in records.ids() {
            let r = records.get(t);
            if r.state.is_live() && !self.list[r.scope as usize].removed {
                self.add_live(r.scope, t, r.node.node);
            }
        }
        for &t in records.completion_log() {
            let s = records.get(t).scope as usize;
            self.list[s].last_done = Some(t);
        }
        for scope in &mut self.list {
            if !scope.removed {
                scope.finished = scope.live.is_empty() && scope.awaiting.is_empty();
            }
        }
        let list = &self.list;
        self.top_finished
            .retain(|&s| list[s as usize].finished && !list[s as usize].removed);
        for (s, scope) in self.list.iter().enumerate() {
            if scope.container.is_none()
                && scope.finished
                && !scope.removed
                && !self.top_finished.contains(&(s as u32))
            {
                self.top_finished.push(s as u32);
            }
        }
        self.settle_completion(records);
    }

    /// The scopes owner's invariants: live sets are exactly the unfinished
    /// records of each scope, a running body's task is STARTED, a finished
    /// scope has nothing live, completion matches the top-level scopes.
    pub fn check(&self, records: &Records, specs: &super::Specs) -> Result<(), String> {
        let mut live: Vec<super::IdSet<u32>> = vec![super::IdSet::default(); self.list.len()];
        for t in records.ids() {
            let r = records.get(t);
            let Some(scope) = self.list.get(r.scope as usize) else {
                return Err(format!(
                    "task {t} is in scope {}, which does not exist",
                    r.scope
                ));
            };
            if scope.graph != r.node.graph {
                return Err(format!("task {t} is in scope {} of another graph", r.scope));
            }
            if scope.removed {
                return Err(format!(
                    "task {t} (`{}`) is in a removed scope",
                    specs.model.node(r.node).id
                ));
            }
            if r.state.is_live() {
                live[r.scope as usize].insert(t);
            }
        }
        for (s, scope) in self.list.iter().enumerate() {
            if scope.removed {
                continue;
            }
            if scope.live != live[s] {
                return Err(format!("scope {s}'s live tasks do not match the records"));
            }
            if let Some(tokens) = &scope.tokens {
                let mut counted: HashMap<NodeIdx, u32> = HashMap::new();
                for &t in &scope.live {
                    *counted.entry(records.get(t).node.node).or_default() += 1;
                }
                if *tokens != counted {
                    return Err(format!(
                        "scope {s}'s tokens per node do not match its live tasks"
                    ));
                }
            }
            if scope.finished && !scope.live.is_empty() {
                return Err(format!("scope {s} is finished but has live tasks"));
            }
            if let Some(c) = scope.container {
                if !records.exists(c) {
                    return Err(format!(
                        "scope {s} is run by task {c}, which does not exist"
                    ));
                }
                let st = records.state(c);
                if scope.running() && st != TaskState::Started {
                    return Err(format!(
                        "scope {s} runs but its task {c} (`{}`) is {st}",
                        specs.model.node(records.get(c).node).id
                    ));
                }
                if self.child.get(&c) != Some(&(s as u32)) {
                    return Err(format!("scope {s} is not the body of task {c}"));
                }
            }
            for &t in scope.ended.iter().chain(scope.terminated_by.iter()) {
                if !records.exists(t) {
                    return Err(format!(
                        "scope {s} ended with task {t}, which does not exist"
                    ));
                }
            }
        }
        let sum: usize = self.list.iter().map(|s| s.live.len()).sum();
        if sum != self.live_total {
            return Err(format!(
                "{sum} tasks are live but {} are counted",
                self.live_total
            ));
        }
        for (&c, &s) in &self.child {
            if !records.exists(c) || self.list.get(s as usize).is_none_or(|x| x.removed) {
                return Err(format!("task {c} runs scope {s}, which does not exist"));
            }
        }
        let done = self.top_running() == 0 && self.pending_starts == 0;
        if done != self.completed {
            return Err(format!(
                "the instance is {}completed but {} top-level scopes run",
                if self.completed { "" } else { "not " },
                self.top_running()
            ));
        }
        Ok(())
    }
}
