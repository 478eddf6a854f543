//! Multi-instance activities and standard loops: how they run.
//!
//! A looping activity's task record (the *loop task*) becomes STARTED and
//! its instances (or iterations) are child task records of the same node,
//! in the same scope. The bookkeeping of each loop task — its instances by
//! index, how many completed, how many run — belongs to the loops owner
//! (`loops.rs`). Completing an instance is O(1) (plus evaluating the
//! completion condition); the outputs are gathered once, in index order,
//! when the last instance completes.

use std::sync::Arc;

use serde_json::Value;

use super::error::WorkflowError;
use super::loops::LoopState;
use super::{TaskState, Workflow};
use crate::model::{Data, LOOP_COUNTER, Looping, MiSource, MultiInstance, NodeRef};

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

/// The variable holding `mi`'s input collection for a loop task with data
/// `data`, when its instances come from a collection (rather than a
/// number).
fn input_collection<'a>(mi: &'a MultiInstance, data: &Data) -> Option<&'a str> {
    match &mi.source {
        MiSource::Collection(v) => Some(v),
        MiSource::CardinalityOrCollection { variable, .. }
            if matches!(data.get(variable), Some(Value::Array(_) | Value::Object(_))) =>
        {
            Some(variable)
        }
        _ => None,
    }
}

impl Workflow {
    fn looping_of(&self, t: u32) -> Option<&Looping> {
        self.specs
            .model
            .node(self.records.get(t).node)
            .looping
            .as_deref()
    }

    /// True for the loop task of a looping activity (not one of its instances).
    pub(crate) fn is_loop_task(&self, t: u32) -> bool {
        self.looping_of(t).is_some() && !self.loops.child.contains_key(&t)
    }

    /// Whether the spiffworkflow pre- and post-script of `t`'s node run on
    /// task `t`: they do on every task of a node that does not loop; on a
    /// looping activity they run on the loop task (once around all the
    /// instances, as SpiffWorkflow does), or on each instance with
    /// `scriptsOnInstances`.
    pub(crate) fn scripts_run_on(&self, t: u32) -> bool {
        match self.looping_of(t) {
            None => true,
            Some(l) => l.scripts_on_instances() == self.loops.child.contains_key(&t),
        }
    }

    /// Whether task `t`, when READY, waits for a person (rather than in the
    /// engine queue, which it passes through first to run its pre-script).
    pub(crate) fn waits_for_person(&self, t: u32) -> bool {
        let node = self.specs.model.node(self.records.get(t).node);
        node.kind.is_human()
            && !self.is_loop_task(t)
            && (node.pre_script.is_none() || !self.scripts_run_on(t))
    }

    /// The loop task `t` runs: create its first instance(s).
    pub(crate) fn start_loop(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.records.get(t).node);
        let Some(looping) = node.looping.as_deref() else {
            return Ok(());
        };
        self.records.set_state(t, TaskState::Started);
        let data = self.records.data(t).clone();
        self.loops.rows.insert(
            t,
            LoopState {
                task: t,
                instances: Vec::new(),
                count: 0,
                completed: 0,
                active: 0,
                done: false,
                entry: data.clone(),
            },
        );
        match looping {
            Looping::Multi(mi) => {
                let count = match input_collection(mi, &data) {
                    Some(var) => match data.get(var) {
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
                    None => self.cardinality(t, mi, &data)?,
                };
                if let (Some(ov), Some(_)) = (&mi.output, &mi.output_item) {
                    // The output keeps the type it already has (SpiffWorkflow
                    // checks it before the first instance).
                    let in_place = input_collection(mi, &data) == Some(ov.as_str());
                    let problem = match data.get(ov) {
                        None | Some(Value::Object(_)) => None,
                        Some(Value::Array(a)) if a.is_empty() || in_place => None,
                        Some(Value::Array(_)) => Some(format!(
                            "the output collection `{ov}` already holds items; a list output must be empty unless it is the input collection (a map output may hold items)"
                        )),
                        Some(other) => Some(format!(
                            "the output collection `{ov}` is {}; it must be a list or a map",
                            type_name(other)
                        )),
                    };
                    if let Some(p) = problem {
                        return Err(self.fail(t, format!("multi-instance `{}`: {p}", node.id)));
                    }
                }
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
                if u64::from(count) > self.limits.max_instances {
                    return Err(self.fail(
                        t,
                        format!(
                            "multi-instance `{}` would create {count} instances, more than the limit of {} (--max-instances)",
                            node.id, self.limits.max_instances
                        ),
                    ));
                }
                // Parallel instances are all created now: check the live
                // limit before, not after, allocating them.
                let live = self.scopes.live_total.saturating_add(count as usize);
                if !mi.sequential && live > self.limits.max_live_tasks {
                    return Err(self.fail(
                        t,
                        format!(
                            "multi-instance `{}` would make {live} tasks live at once, more than the limit of {} (--max-live-tasks)",
                            node.id, self.limits.max_live_tasks
                        ),
                    ));
                }
                if let Some(st) = self.loops.rows.get_mut(&t) {
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

    /// The number of instances `mi`'s loopCardinality gives for loop task
    /// `t` with data `data`.
    fn cardinality(
        &mut self,
        t: u32,
        mi: &MultiInstance,
        data: &Data,
    ) -> Result<u32, WorkflowError> {
        let specs = self.specs.clone();
        let id = &specs.model.node(self.records.get(t).node).id;
        let e = match &mi.source {
            MiSource::Cardinality(e) | MiSource::CardinalityOrCollection { cardinality: e, .. } => {
                *e
            }
            // Not reached: a collection source always has its collection.
            MiSource::Collection(_) => return Ok(0),
        };
        let Some(code) = specs.code(e) else {
            return Err(self.fail(t, "its loopCardinality did not compile".into()));
        };
        match specs.engine.eval(code, data) {
            Ok(v) => match v.as_u64().or_else(|| {
                v.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
            }) {
                Some(n) if n <= u32::MAX as u64 => Ok(n as u32),
                _ => Err(self.fail(
                    t,
                    format!(
                        "multi-instance `{id}`: loopCardinality gave {v}, not a whole number of instances"
                    ),
                )),
            },
            Err(e) => Err(self.fail(
                t,
                format!("multi-instance `{id}`: loopCardinality failed: {e}"),
            )),
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
            let id = specs.model.node(self.records.get(t).node).id.clone();
            self.fail(t, format!("loop condition of `{id}` failed: {e}"))
        })
    }

    /// The data instance `index` of loop task `p` starts with.
    pub(crate) fn instance_entry_data(&self, p: u32, index: u32) -> Arc<Data> {
        let base = self.records.data(p);
        match self.looping_of(p) {
            Some(Looping::Multi(mi)) => {
                let (skip, item) = match input_collection(mi, &base) {
                    None => (None, Value::from(index)),
                    Some(var) => (
                        Some(var),
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
                let mut d = Data::with_capacity(base.len() + 1);
                for (k, v) in base.iter_shared() {
                    if Some(&**k) != skip {
                        d.insert_shared(k.clone(), v.clone());
                    }
                }
                if let Some(name) = &mi.input_item {
                    d.insert(name.as_str(), item);
                }
                d.insert(LOOP_COUNTER, Value::from(index));
                Arc::new(d)
            }
            _ => {
                let prev = index
                    .checked_sub(1)
                    .and_then(|i| self.loops.rows.get(&p)?.instances.get(i as usize).copied());
                let mut d = match prev {
                    Some(c) => (*self.records.data(c)).clone(),
                    None => Arc::unwrap_or_clone(base),
                };
                d.insert(LOOP_COUNTER, Value::from(index));
                Arc::new(d)
            }
        }
    }

    /// Creates instance `index` of loop task `p`.
    fn spawn_instance(&mut self, p: u32, index: u32) {
        let data = self.instance_entry_data(p, index);
        let rec = self.records.get(p);
        let (node, s): (NodeRef, u32) = (rec.node, rec.scope);
        let c = self.records.push(node, p, s, TaskState::Ready, data);
        self.scopes.add_live(s, c, node.node);
        self.loops.child.insert(c, (p, index));
        if let Some(st) = self.loops.rows.get_mut(&p) {
            st.instances.push(c);
            st.active += 1;
        }
        let human = self.waits_for_person(c);
        self.records.enqueue(c, human);
    }

    /// Instance `c` of loop task `p` completes (its post-script ran).
    pub(crate) fn loop_instance_done(&mut self, p: u32, c: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.records.get(p).node);
        let index = self.loops.child.get(&c).map(|x| x.1).unwrap_or(0);
        if let Some(Looping::Multi(MultiInstance {
            output: Some(_),
            output_item: Some(oi),
            ..
        })) = node.looping.as_deref()
        {
            if !self.records.data(c).contains_key(oi) {
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
        let Some(st) = self.loops.rows.get_mut(&p) else {
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
                    let mut d = (*self.records.data(c)).clone();
                    d.insert("nrOfInstances", count.into());
                    d.insert("nrOfCompletedInstances", completed.into());
                    d.insert("nrOfActiveInstances", active.into());
                    if self.loop_condition(p, cond, &d)? {
                        self.cancel_loop_instances(p, c);
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
                let data = self.records.data(c).clone();
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

    /// Cancels the instances of loop task `p` that still run, because
    /// instance `cause` completed.
    fn cancel_loop_instances(&mut self, p: u32, cause: u32) {
        for c in self.loops.live_instances(p, &self.records) {
            self.cancel_task(c, cause);
        }
        if let Some(st) = self.loops.rows.get_mut(&p) {
            st.active = 0;
        }
    }

    /// Every instance of loop task `p` is done: gather the outputs, then
    /// complete `p`.
    fn finish_loop(&mut self, p: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.records.get(p).node);
        let base = self.records.data(p).clone();
        let instances: Vec<(usize, u32)> = self
            .loops
            .rows
            .get_mut(&p)
            .map(|st| {
                st.done = true;
                st.instances.iter().copied().enumerate().collect()
            })
            .unwrap_or_default();
        let done: Vec<(usize, u32)> = instances
            .into_iter()
            .filter(|&(_, c)| self.records.state(c) == TaskState::Completed)
            .collect();
        let mut out: Data = (*base).clone();
        match node.looping.as_deref() {
            Some(Looping::Multi(mi)) => match (&mi.output, &mi.output_item) {
                (Some(ov), Some(oi)) => {
                    let item = |c: u32| self.records.data(c).get(oi).cloned().unwrap_or_default();
                    let input_var = input_collection(mi, &base);
                    let input = input_var.and_then(|v| base.get(v));
                    // Instance `i`'s key in a map output: the input map's
                    // key, else its index (SpiffWorkflow's integer key, as
                    // JSON writes it).
                    let keys: Option<Vec<&String>> = match input {
                        Some(Value::Object(m)) => Some(m.keys().collect()),
                        _ => None,
                    };
                    let key = |i: usize| match &keys {
                        Some(k) => k.get(i).map(|k| (*k).clone()),
                        None => Some(i.to_string()),
                    };
                    let keyed = |mut res: serde_json::Map<String, Value>| {
                        for &(i, c) in &done {
                            if let Some(k) = key(i) {
                                res.insert(k, item(c));
                            }
                        }
                        Value::Object(res)
                    };
                    let listed = || Value::Array(done.iter().map(|&(_, c)| item(c)).collect());
                    let value = if input_var == Some(ov.as_str()) {
                        // The input collection updated in place.
                        match input {
                            Some(Value::Array(a)) => {
                                let mut a = a.clone();
                                for &(i, c) in &done {
                                    if let Some(slot) = a.get_mut(i) {
                                        *slot = item(c);
                                    }
                                }
                                Value::Array(a)
                            }
                            Some(Value::Object(m)) => keyed(m.clone()),
                            _ => listed(),
                        }
                    } else {
                        // An existing output keeps its type: a map gets a
                        // key per instance, a list (empty) the outputs in
                        // order. A new one has the input's type.
                        match (base.get(ov), input) {
                            (Some(Value::Object(m)), _) => keyed(m.clone()),
                            (Some(_), _) => listed(),
                            (None, Some(Value::Object(_))) => keyed(serde_json::Map::new()),
                            (None, _) => listed(),
                        }
                    };
                    out.insert(ov.clone(), value);
                }
                _ => {
                    for &(_, c) in &done {
                        super::merge::deep_merge(&mut out, &self.records.data(c));
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
                    out = (*self.records.data(last)).clone();
                    match base.get(LOOP_COUNTER) {
                        Some(v) => {
                            out.insert(LOOP_COUNTER, v.clone());
                        }
                        None => {
                            out.shift_remove(LOOP_COUNTER);
                        }
                    }
                }
            }
        }
        self.records.set_data(p, Arc::new(out));
        self.complete(p)
    }
}
