//! Data specifications at run time: a task's `ioSpecification` (its data is
//! replaced by its inputs on entry and by its outputs on completion, as in
//! SpiffWorkflow), a called process's `ioSpecification` (only its inputs go
//! in, only its outputs come back, merged into the caller's data), data
//! objects (kept per scope instance by the data objects owner) and data
//! stores (through the registered [`super::DataStore`]).

use std::sync::Arc;

use serde_json::Value;

use super::Workflow;
use super::error::WorkflowError;
use crate::model::{Data, DataRef, IoSpec, NodeKind};

impl Workflow {
    /// Task `t` was just created: apply its inputs and read associations.
    pub(crate) fn data_on_entry(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let Some(nd) = specs.model.node(self.records.get(t).node).data.as_deref() else {
            return Ok(());
        };
        if let Some(io) = &nd.io {
            self.keep_only(t, &io.inputs, "input")?;
        }
        for r in &nd.reads {
            let value = self.read_ref(t, r)?;
            self.records
                .update_data(t, |d| d.insert(r.var().to_string(), value));
        }
        Ok(())
    }

    /// Task `t` completes: keep only its outputs, write its output
    /// associations, drop the copies its input associations made.
    pub(crate) fn data_on_completion(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let Some(nd) = specs.model.node(self.records.get(t).node).data.as_deref() else {
            return Ok(());
        };
        if let Some(io) = &nd.io {
            self.keep_only(t, &io.outputs, "output")?;
        }
        for r in &nd.writes {
            let Some(value) = self.records.data(t).get(r.var()).cloned() else {
                return Err(self.fail(
                    t,
                    format!(
                        "{} `{}` could not be written: the task data has no `{}`",
                        kind_name(r),
                        r.var(),
                        r.var()
                    ),
                ));
            };
            self.write_ref(t, r, value)?;
            self.records.update_data(t, |d| {
                d.shift_remove(r.var());
            });
        }
        for r in &nd.reads {
            if self.records.data(t).contains_key(r.var()) {
                self.records.update_data(t, |d| {
                    d.shift_remove(r.var());
                });
            }
        }
        Ok(())
    }

    /// Task `t`'s data becomes just the declared `vars` (when there are
    /// any); a missing one fails the task naming it as a data `what`.
    fn keep_only(&mut self, t: u32, vars: &[String], what: &str) -> Result<(), WorkflowError> {
        if vars.is_empty() {
            return Ok(());
        }
        match only(&self.records.data(t), vars) {
            Ok(d) => {
                self.records.set_data(t, Arc::new(d));
                Ok(())
            }
            Err(var) => Err(self.fail(t, format!("the data {what} `{var}` is missing"))),
        }
    }

    /// The data call activity `t` hands to the process it calls.
    pub(crate) fn call_inputs(
        &mut self,
        t: u32,
        io: Option<&IoSpec>,
    ) -> Result<Arc<Data>, WorkflowError> {
        let data = self.records.data(t).clone();
        match io.filter(|io| !io.inputs.is_empty()) {
            None => Ok(data),
            Some(io) => match only(&data, &io.inputs) {
                Ok(d) => Ok(Arc::new(d)),
                Err(var) => Err(self.fail(
                    t,
                    format!("the called process needs the data input `{var}`, which is missing"),
                )),
            },
        }
    }

    /// The data call activity (or subprocess) task `p` gets when its body
    /// (scope `s`) ends.
    pub(crate) fn body_result(&mut self, p: u32, s: u32) -> Result<Arc<Data>, WorkflowError> {
        let specs = self.specs.clone();
        let end = self.scopes.final_data(s, &self.records);
        let is_call = matches!(
            specs.model.node(self.records.get(p).node).kind,
            NodeKind::CallActivity { .. }
        );
        let io = specs.model.graph(self.scopes.get(s).graph).io.as_ref();
        match io.filter(|io| is_call && !io.outputs.is_empty()) {
            // Without outputs the body's data replaces the caller's (so
            // deletions propagate).
            None => Ok(end),
            Some(io) => match only(&end, &io.outputs) {
                Ok(outs) => {
                    let mut d = (*self.records.data(p)).clone();
                    d.extend(outs);
                    Ok(Arc::new(d))
                }
                Err(var) => Err(self.fail(
                    p,
                    format!("the called process ended without its data output `{var}`"),
                )),
            },
        }
    }

    /// The scope that holds data object `id` for a task of scope `s`: the
    /// nearest enclosing body that declares it.
    pub(crate) fn object_scope(&self, mut s: u32, id: &str) -> Option<u32> {
        loop {
            if self.objects.declares(s, id) {
                return Some(s);
            }
            s = self.records.get(self.scopes.get(s).container?).scope;
        }
    }

    fn read_ref(&mut self, t: u32, r: &DataRef) -> Result<Value, WorkflowError> {
        match r {
            DataRef::Object(id) => {
                let s = self.records.get(t).scope;
                match self.object_scope(s, id) {
                    Some(o) => Ok(self.objects.value(o, id)),
                    None => Err(self.fail(
                        t,
                        format!("the data object `{id}` is not declared in this process or an enclosing one"),
                    )),
                }
            }
            DataRef::Store(name) => self.store_get(t, name),
        }
    }

    fn write_ref(&mut self, t: u32, r: &DataRef, value: Value) -> Result<(), WorkflowError> {
        match r {
            DataRef::Object(id) => {
                let s = self.records.get(t).scope;
                match self.object_scope(s, id) {
                    Some(o) => {
                        self.objects.write(o, id, t, value);
                        Ok(())
                    }
                    None => Err(self.fail(
                        t,
                        format!("the data object `{id}` is not declared in this process or an enclosing one"),
                    )),
                }
            }
            DataRef::Store(name) => self.store_set(t, name, value),
        }
    }

    /// The data objects visible from scope `s` that task data `data` does
    /// not already hold (inner declarations hide outer ones).
    pub(crate) fn visible_objects(&self, mut s: u32, data: &Data) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = Vec::new();
        loop {
            for (k, v) in self.objects.values(s) {
                if !data.contains_key(&k) && !out.iter().any(|(o, _)| *o == k) {
                    out.push((k, v));
                }
            }
            match self.scopes.get(s).container {
                Some(p) => s = self.records.get(p).scope,
                None => return out,
            }
        }
    }

    /// The data objects of every scope, for `bpmn data`: (declaring body
    /// id, object id, value), in scope order.
    pub fn data_objects(&self) -> Vec<(String, String, Value)> {
        let mut out = Vec::new();
        for (s, scope) in self.scopes.list.iter().enumerate() {
            if scope.removed {
                continue;
            }
            let g = &self.specs.model.graph(scope.graph).id;
            for (k, v) in self.objects.values(s as u32) {
                out.push((g.clone(), k, v));
            }
        }
        out
    }
}

fn kind_name(r: &DataRef) -> &'static str {
    match r {
        DataRef::Object(_) => "the data object",
        DataRef::Store(_) => "the data store",
    }
}

/// The variables `names` of `data`, or the first missing name.
fn only(data: &Data, names: &[String]) -> Result<Data, String> {
    let mut d = Data::new();
    for n in names {
        match data.get(n) {
            Some(v) => {
                d.insert(n.clone(), v.clone());
            }
            None => return Err(n.clone()),
        }
    }
    Ok(d)
}
