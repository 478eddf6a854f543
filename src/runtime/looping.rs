//! Multi-instance activities and standard loops.
//!
//! A looping activity's task record (the *loop task*) becomes STARTED and
//! its instances (or iterations) are child task records of the same node,
//! in the same scope. The bookkeeping of each loop task — its instances by
//! index, how many completed, how many run — is a [`LoopRow`] in
//! `Workflow::loops`; `Workflow::loop_child` maps an instance to its loop
//! task and index (rebuilt on restore). Completing an instance is O(1)
//! (plus evaluating the completion condition); the outputs are gathered
//! once, in index order, when the last instance completes.

use std::collections::HashSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::WorkflowError;
use super::task::{NO_TASK, TaskRecord};
use super::{TaskState, Workflow};
use crate::model::{Data, LOOP_COUNTER, Looping, MiSource, MultiInstance, NodeRef};

/// The state of one loop task, as stored in a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoopRow {
    /// The loop task (STARTED while its instances run).
    pub task: u32,
    /// Instance (or iteration) task ids by index.
    pub instances: Vec<u32>,
    /// Multi-instance: how many instances there are in all.
    #[serde(default)]
    pub count: u32,
    #[serde(default)]
    pub completed: u32,
    /// Instances created and not finished.
    #[serde(default)]
    pub active: u32,
    /// The loop task completed (or its completion condition held).
    #[serde(default)]
    pub done: bool,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

impl Workflow {
    fn looping_of(&self, t: u32) -> Option<&Looping> {
        self.specs
            .model
            .node(self.tasks[t as usize].node)
            .looping
            .as_deref()
    }

    /// True for the loop task of a looping activity (not one of its instances).
    pub(crate) fn is_loop_task(&self, t: u32) -> bool {
        self.looping_of(t).is_some() && !self.loop_child.contains_key(&t)
    }

    /// Whether task `t`, when READY, waits for a person (rather than in the
    /// engine queue).
    pub(crate) fn waits_for_person(&self, t: u32) -> bool {
        let node = self.specs.model.node(self.tasks[t as usize].node);
        node.kind.is_human() && node.pre_script.is_none() && !self.is_loop_task(t)
    }

    /// The loop task `t` runs: create its first instance(s).
    pub(crate) fn start_loop(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.tasks[t as usize].node);
        let Some(looping) = node.looping.as_deref() else {
            return Ok(());
        };
        self.tasks[t as usize].state = TaskState::Started;
        self.loops.insert(
            t,
            LoopRow {
                task: t,
                ..LoopRow::default()
            },
        );
        let data = self.tasks[t as usize].data.clone();
        match looping {
            Looping::Multi(mi) => {
                let count = match &mi.source {
                    MiSource::Cardinality(e) => {
                        let Some(code) = specs.code(*e) else {
                            return Err(self.fail(t, "its loopCardinality did not compile".into()));
                        };
                        match specs.engine.eval(code, &data) {
                            Ok(v) => match v.as_u64().or_else(|| {
                                v.as_f64()
                                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                                    .map(|f| f as u64)
                            }) {
                                Some(n) if n <= u32::MAX as u64 => n as u32,
                                _ => {
                                    return Err(self.fail(
                                        t,
                                        format!(
                                            "multi-instance `{}`: loopCardinality gave {v}, not a whole number of instances",
                                            node.id
                                        ),
                                    ));
                                }
                            },
                            Err(e) => {
                                return Err(self.fail(
                                    t,
                                    format!(
                                        "multi-instance `{}`: loopCardinality failed: {e}",
                                        node.id
                                    ),
                                ));
                            }
                        }
                    }
                    MiSource::Collection(var) => match data.get(var) {
                        None => {
                            return Err(self.fail(
                                t,
                                format!(
                                    "multi-instance `{}`: the input collection `{var}` is not in the data",
                                    node.id
                                ),
                            ));
                        }
                        Some(Value::Array(a)) => a.len() as u32,
                        Some(Value::Object(m)) => m.len() as u32,
                        Some(other) => {
                            return Err(self.fail(
                                t,
                                format!(
                                    "multi-instance `{}`: the input collection `{var}` is {}, not a list or a map",
                                    node.id,
                                    type_name(other)
                                ),
                            ));
                        }
                    },
                };
                for item in [&mi.input_item, &mi.output_item].into_iter().flatten() {
                    if data.contains_key(item) && mi.output.as_deref() != Some(item.as_str()) {
                        return Err(self.fail(
                            t,
                            format!(
                                "multi-instance `{}`: the item variable `{item}` would overwrite the existing `{item}` in the data",
                                node.id
                            ),
                        ));
                    }
                }
                if let Some(st) = self.loops.get_mut(&t) {
                    st.count = count;
                }
                if count == 0 {
                    return self.finish_loop(t);
                }
                let first = if mi.sequential { 1 } else { count };
                for i in 0..first {
                    self.spawn_instance(t, i);
                }
                Ok(())
            }
            Looping::Standard(sl) => {
                if sl.maximum == Some(0) {
                    return self.finish_loop(t);
                }
                if sl.test_before {
                    if let Some(c) = sl.condition {
                        if !self.loop_condition(t, c, &data)? {
                            return self.finish_loop(t);
                        }
                    }
                }
                self.spawn_instance(t, 0);
                Ok(())
            }
        }
    }

    fn loop_condition(
        &mut self,
        t: u32,
        c: crate::model::ExprId,
        data: &Data,
    ) -> Result<bool, WorkflowError> {
        let specs = self.specs.clone();
        let Some(code) = specs.code(c) else {
            return Err(self.fail(t, "its loop condition did not compile".into()));
        };
        specs.engine.eval_bool(code, data).map_err(|e| {
            let id = specs.model.node(self.tasks[t as usize].node).id.clone();
            self.fail(t, format!("loop condition of `{id}` failed: {e}"))
        })
    }

    /// The data instance `index` of loop task `p` starts with.
    pub(crate) fn instance_entry_data(&self, p: u32, index: u32) -> Arc<Data> {
        let base = &self.tasks[p as usize].data;
        match self.looping_of(p) {
            Some(Looping::Multi(mi)) => {
                let (skip, item) = match &mi.source {
                    MiSource::Cardinality(_) => (None, Value::from(index)),
                    MiSource::Collection(var) => (
                        Some(var.as_str()),
                        match base.get(var) {
                            Some(Value::Array(a)) => {
                                a.get(index as usize).cloned().unwrap_or_default()
                            }
                            // serde_json maps have no O(1) positional
                            // access; maps as inputs are rarely large.
                            Some(Value::Object(m)) => {
                                m.values().nth(index as usize).cloned().unwrap_or_default()
                            }
                            _ => Value::Null,
                        },
                    ),
                };
                // An instance sees the activity's data without the input
                // collection (so each instance does not copy it), plus its
                // item and loop counter.
                let mut d: Data = base
                    .iter()
                    .filter(|(k, _)| Some(k.as_str()) != skip)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if let Some(name) = &mi.input_item {
                    d.insert(name.clone(), item);
                }
                d.insert(LOOP_COUNTER.into(), Value::from(index));
                Arc::new(d)
            }
            _ => {
                let prev = index
                    .checked_sub(1)
                    .and_then(|i| self.loops.get(&p)?.instances.get(i as usize).copied());
                let mut d = match prev {
                    Some(c) => (*self.tasks[c as usize].data).clone(),
                    None => (**base).clone(),
                };
                d.insert(LOOP_COUNTER.into(), Value::from(index));
                Arc::new(d)
            }
        }
    }

    /// Creates instance `index` of loop task `p`.
    fn spawn_instance(&mut self, p: u32, index: u32) {
        let data = self.instance_entry_data(p, index);
        let rec = &self.tasks[p as usize];
        let (node, s): (NodeRef, u32) = (rec.node, rec.scope);
        let c = self.tasks.len() as u32;
        self.tasks.push(TaskRecord {
            node,
            parent: p,
            scope: s,
            state: TaskState::Ready,
            data,
        });
        self.scopes[s as usize].live.insert(c);
        self.loop_child.insert(c, (p, index));
        if let Some(st) = self.loops.get_mut(&p) {
            st.instances.push(c);
            st.active += 1;
        }
        if self.waits_for_person(c) {
            self.human_ready.insert(c);
        } else {
            self.ready.push_back(c);
        }
    }

    /// Instance `c` of loop task `p` completes (its post-script ran).
    pub(crate) fn loop_instance_done(&mut self, p: u32, c: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.tasks[p as usize].node);
        let index = self.loop_child.get(&c).map(|x| x.1).unwrap_or(0);
        if let Some(Looping::Multi(MultiInstance {
            output: Some(_),
            output_item: Some(oi),
            ..
        })) = node.looping.as_deref()
        {
            if !self.tasks[c as usize].data.contains_key(oi) {
                return Err(self.fail(
                    c,
                    format!(
                        "instance {index} of multi-instance `{}` did not set its outputDataItem `{oi}`",
                        node.id
                    ),
                ));
            }
        }
        self.mark_completed(c);
        let Some(st) = self.loops.get_mut(&p) else {
            return Ok(());
        };
        st.completed += 1;
        st.active = st.active.saturating_sub(1);
        let (completed, active, count, spawned) =
            (st.completed, st.active, st.count, st.instances.len() as u32);
        if st.done {
            return Ok(());
        }
        match node.looping.as_deref() {
            Some(Looping::Multi(mi)) => {
                if let Some(cond) = mi.completion {
                    let mut d = (*self.tasks[c as usize].data).clone();
                    d.insert("nrOfInstances".into(), count.into());
                    d.insert("nrOfCompletedInstances".into(), completed.into());
                    d.insert("nrOfActiveInstances".into(), active.into());
                    if self.loop_condition(p, cond, &d)? {
                        self.cancel_loop_instances(p);
                        return self.finish_loop(p);
                    }
                }
                if completed >= count && active == 0 {
                    self.finish_loop(p)
                } else {
                    if mi.sequential && active == 0 && spawned < count {
                        self.spawn_instance(p, spawned);
                    }
                    Ok(())
                }
            }
            Some(Looping::Standard(sl)) => {
                let data = self.tasks[c as usize].data.clone();
                let more = sl.maximum.is_none_or(|m| (completed as u64) < m)
                    && match sl.condition {
                        Some(cond) => self.loop_condition(p, cond, &data)?,
                        None => true,
                    };
                if more {
                    self.spawn_instance(p, spawned);
                    Ok(())
                } else {
                    self.finish_loop(p)
                }
            }
            None => Ok(()),
        }
    }

    /// Cancels the instances of loop task `p` that still run.
    pub(crate) fn cancel_loop_instances(&mut self, p: u32) {
        let Some(st) = self.loops.get_mut(&p) else {
            return;
        };
        st.active = 0;
        let instances = st.instances.clone();
        for c in instances {
            if !self.tasks[c as usize].state.is_finished() {
                self.cancel_task(c);
            }
        }
    }

    /// Every instance of loop task `p` is done: gather the outputs, then
    /// complete `p`.
    fn finish_loop(&mut self, p: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.tasks[p as usize].node);
        let base = self.tasks[p as usize].data.clone();
        let instances: Vec<(usize, u32)> = self
            .loops
            .get_mut(&p)
            .map(|st| {
                st.done = true;
                st.instances.iter().copied().enumerate().collect()
            })
            .unwrap_or_default();
        let done: Vec<(usize, u32)> = instances
            .into_iter()
            .filter(|&(_, c)| self.tasks[c as usize].state == TaskState::Completed)
            .collect();
        let mut out: Data = (*base).clone();
        match node.looping.as_deref() {
            Some(Looping::Multi(mi)) => match (&mi.output, &mi.output_item) {
                (Some(ov), Some(oi)) => {
                    let item = |c: u32| {
                        self.tasks[c as usize]
                            .data
                            .get(oi)
                            .cloned()
                            .unwrap_or_default()
                    };
                    let input = match &mi.source {
                        MiSource::Collection(v) => base.get(v),
                        MiSource::Cardinality(_) => None,
                    };
                    let in_place = matches!(&mi.source, MiSource::Collection(v) if v == ov);
                    let value = match input {
                        Some(Value::Array(a)) if in_place => {
                            let mut a = a.clone();
                            for &(i, c) in &done {
                                if let Some(slot) = a.get_mut(i) {
                                    *slot = item(c);
                                }
                            }
                            Value::Array(a)
                        }
                        Some(Value::Object(m)) => {
                            let mut res = if in_place { m.clone() } else { Data::new() };
                            let mut by_index = vec![None; m.len()];
                            for &(i, c) in &done {
                                if let Some(slot) = by_index.get_mut(i) {
                                    *slot = Some(c);
                                }
                            }
                            for (k, c) in m.keys().zip(by_index) {
                                if let Some(c) = c {
                                    res.insert(k.clone(), item(c));
                                }
                            }
                            Value::Object(res)
                        }
                        _ => Value::Array(done.iter().map(|&(_, c)| item(c)).collect()),
                    };
                    out.insert(ov.clone(), value);
                }
                _ => {
                    for &(_, c) in &done {
                        super::merge::deep_merge(&mut out, &self.tasks[c as usize].data);
                    }
                    for k in mi
                        .input_item
                        .iter()
                        .map(String::as_str)
                        .chain([LOOP_COUNTER])
                    {
                        match base.get(k) {
                            Some(v) => {
                                out.insert(k.to_string(), v.clone());
                            }
                            None => {
                                out.shift_remove(k);
                            }
                        }
                    }
                }
            },
            _ => {
                if let Some(&(_, last)) = done.last() {
                    out = (*self.tasks[last as usize].data).clone();
                    match base.get(LOOP_COUNTER) {
                        Some(v) => {
                            out.insert(LOOP_COUNTER.into(), v.clone());
                        }
                        None => {
                            out.shift_remove(LOOP_COUNTER);
                        }
                    }
                }
            }
        }
        self.tasks[p as usize].data = Arc::new(out);
        self.complete(p)
    }

    /// Reset support: for each task of `chain` (the reset target and the
    /// tasks that enclose it) that is a loop instance, what else a reset
    /// removes — what followed its loop task and, for a standard loop, the
    /// later iterations. Returns (loop task, instance, its state before).
    pub(crate) fn loop_reset_plan(
        &self,
        chain: &[u32],
        children: &[Vec<u32>],
        doomed: &mut HashSet<u32>,
    ) -> Vec<(u32, u32, TaskState)> {
        let mut plan = Vec::new();
        for &x in chain {
            let Some(&(p, index)) = self.loop_child.get(&x) else {
                continue;
            };
            let is_instance = |c: u32| self.loop_child.get(&c).is_some_and(|&(q, _)| q == p);
            let after = super::reset::descendants(children, p, |c| !is_instance(c));
            doomed.extend(after);
            if let (Some(Looping::Standard(_)), Some(st)) = (self.looping_of(p), self.loops.get(&p))
            {
                for &later in st.instances.iter().skip(index as usize + 1) {
                    doomed.insert(later);
                    doomed.extend(super::reset::descendants(children, later, |_| true));
                }
            }
            plan.push((p, x, self.tasks[x as usize].state));
        }
        plan
    }

    /// Reset support: reopens the loop tasks of `plan` and gives its
    /// instances their entry data again (`overrides` go to `target`).
    pub(crate) fn loop_reset_apply(
        &mut self,
        plan: &[(u32, u32, TaskState)],
        target: u32,
        overrides: &Data,
    ) {
        // Forget removed instances and restarted loop tasks.
        let removed = &self.removed;
        self.loop_child.retain(|c, _| !removed.contains(c));
        self.loops.retain(|p, _| !removed.contains(p));
        if self.tasks[target as usize].state == TaskState::Ready && self.is_loop_task(target) {
            self.loops.remove(&target);
        }
        for &(p, x, before) in plan {
            let pi = p as usize;
            if self.tasks[pi].state != TaskState::Started {
                let pp = self.tasks[pi].parent;
                if pp != NO_TASK {
                    self.tasks[pi].data = self.tasks[pp as usize].data.clone();
                }
                self.tasks[pi].state = TaskState::Started;
                self.completion_log.retain(|&t| t != p);
                if self.last_task == Some(p) {
                    self.last_task = self.completion_log.last().copied();
                }
                self.errors.remove(&p);
                let s = self.tasks[pi].scope as usize;
                self.scopes[s].live.insert(p);
                self.scopes[s].finished = false;
                self.scopes[s].terminated_by = None;
            }
            let index = self.loop_child.get(&x).map(|c| c.1).unwrap_or(0);
            let standard = matches!(self.looping_of(p), Some(Looping::Standard(_)));
            if let Some(st) = self.loops.get_mut(&p) {
                st.done = false;
                if standard {
                    st.instances.truncate(index as usize + 1);
                    st.completed = index;
                    st.active = 1;
                } else if before == TaskState::Completed {
                    st.completed = st.completed.saturating_sub(1);
                    st.active += 1;
                } else if before == TaskState::Cancelled {
                    st.active += 1;
                }
            }
            let mut d = (*self.instance_entry_data(p, index)).clone();
            if x == target {
                for (k, v) in overrides {
                    d.insert(k.clone(), v.clone());
                }
            }
            self.tasks[x as usize].data = Arc::new(d);
        }
    }

    /// Restore support: checks the loop rows of a snapshot and rebuilds the
    /// instance index.
    pub(crate) fn restore_loops(&mut self, rows: &[LoopRow]) -> Result<(), String> {
        for row in rows {
            let p = row.task;
            let ok = |t: u32| (t as usize) < self.tasks.len() && !self.removed.contains(&t);
            if !ok(p) || self.looping_of(p).is_none() {
                return Err(format!(
                    "loop row refers to task {p}, which is not a looping activity"
                ));
            }
            for (i, &c) in row.instances.iter().enumerate() {
                if !ok(c)
                    || self.tasks[c as usize].parent != p
                    || self.tasks[c as usize].node != self.tasks[p as usize].node
                {
                    return Err(format!("task {c} is not an instance of loop task {p}"));
                }
                self.loop_child.insert(c, (p, i as u32));
            }
            self.loops.insert(p, row.clone());
        }
        Ok(())
    }

    /// Snapshot support: the loop rows, by loop task.
    pub(crate) fn loop_rows(&self) -> Vec<LoopRow> {
        let mut rows: Vec<LoopRow> = self.loops.values().cloned().collect();
        rows.sort_by_key(|r| r.task);
        rows
    }
}
