//! The data objects owner: the value of every data object of every scope
//! instance, as the list of writes that made it (a data object is `null`
//! until written). A reset drops the writes of the tasks it removes or
//! redoes, so data objects are rewound with the tasks (SpiffWorkflow leaves
//! them as they were).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::owner::{ResetPlan, StateOwner, View};
use super::snapshot::{InstanceSnapshot, RestoreError};
use super::task::NO_TASK;
use crate::model::GraphIdx;

/// The writes of one data object, oldest first: (writing task, value).
pub(crate) type Writes = Vec<(u32, Value)>;

/// The data objects owner.
#[derive(Debug, Clone, Default)]
pub(crate) struct DataObjects {
    /// Per scope, the objects its body declares.
    pub scopes: HashMap<u32, BTreeMap<String, Writes>>,
}

impl DataObjects {
    /// Declares the data objects of a new scope `s` running `graph`.
    pub fn open(&mut self, s: u32, graph: GraphIdx, specs: &super::Specs) {
        let decls = &specs.model.graph(graph).data_objects;
        if decls.is_empty() {
            return;
        }
        let map = self.scopes.entry(s).or_default();
        for o in decls {
            map.entry(o.id.clone()).or_default();
        }
    }

    /// Whether scope `s` declares object `id`.
    pub fn declares(&self, s: u32, id: &str) -> bool {
        self.scopes.get(&s).is_some_and(|m| m.contains_key(id))
    }

    /// The current value of object `id` of scope `s` (`null` when unwritten).
    pub fn value(&self, s: u32, id: &str) -> Value {
        self.scopes
            .get(&s)
            .and_then(|m| m.get(id))
            .and_then(|w| w.last())
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::Null)
    }

    /// The objects of scope `s` with their current values.
    pub fn values(&self, s: u32) -> Vec<(String, Value)> {
        self.scopes.get(&s).map_or_else(Vec::new, |m| {
            m.iter()
                .map(|(k, w)| {
                    (
                        k.clone(),
                        w.last().map(|(_, v)| v.clone()).unwrap_or(Value::Null),
                    )
                })
                .collect()
        })
    }

    /// Task `by` writes `value` into object `id` of scope `s`.
    pub fn write(&mut self, s: u32, id: &str, by: u32, value: Value) {
        if let Some(w) = self.scopes.get_mut(&s).and_then(|m| m.get_mut(id)) {
            w.push((by, value));
        }
    }
}

impl StateOwner for DataObjects {
    fn cancel(&mut self, _t: u32, _view: &View) {}

    fn remove(&mut self, plan: &ResetPlan, _view: &View) {
        self.scopes.retain(|s, _| !plan.removed_scopes.contains(s));
        for objects in self.scopes.values_mut() {
            for writes in objects.values_mut() {
                writes.retain(|(by, _)| !plan.gone(*by));
            }
        }
    }

    fn snapshot(&self, snap: &mut InstanceSnapshot, _view: &View) {
        let mut scopes: Vec<&u32> = self.scopes.keys().collect();
        scopes.sort();
        for s in scopes {
            if let Some(Some(row)) = snap.scopes.get_mut(*s as usize) {
                for (k, writes) in &self.scopes[s] {
                    if let Some((_, v)) = writes.last() {
                        row.data_objects.insert(k.clone(), v.clone());
                    }
                    for (by, v) in writes {
                        row.object_writes.push((k.clone(), *by, v.clone()));
                    }
                }
            }
        }
    }

    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError> {
        for (si, row) in snap.scopes.iter().enumerate() {
            let Some(row) = row else { continue };
            let graph = view.specs.model.graph(GraphIdx(row.graph));
            let mut map: BTreeMap<String, Writes> = graph
                .data_objects
                .iter()
                .map(|o| (o.id.clone(), Vec::new()))
                .collect();
            let undeclared = |k: &str| {
                Err(RestoreError(format!(
                    "scope {si} has a value for data object `{k}`, which `{}` does not declare",
                    graph.id
                )))
            };
            for k in row.data_objects.keys() {
                if !map.contains_key(k) {
                    return undeclared(k);
                }
            }
            if row.object_writes.is_empty() {
                // Files written before writes were kept: one write, by nobody.
                for (k, v) in &row.data_objects {
                    let Some(w) = map.get_mut(k) else {
                        return undeclared(k);
                    };
                    w.push((NO_TASK, v.clone()));
                }
            } else {
                for (k, by, v) in &row.object_writes {
                    let Some(w) = map.get_mut(k) else {
                        return undeclared(k);
                    };
                    if *by != NO_TASK && !view.records.exists(*by) {
                        return Err(RestoreError(format!(
                            "data object `{k}` was written by task {by}, which does not exist"
                        )));
                    }
                    w.push((*by, v.clone()));
                }
            }
            for (k, w) in &map {
                let now = w.last().map(|(_, v)| v);
                if row.data_objects.get(k) != now {
                    return Err(RestoreError(format!(
                        "scope {si}: the value of data object `{k}` does not match its writes"
                    )));
                }
            }
            if !map.is_empty() {
                self.scopes.insert(si as u32, map);
            }
        }
        Ok(())
    }

    fn check(&self, view: &View) -> Result<(), String> {
        for (&s, objects) in &self.scopes {
            if s >= view.scopes.len() || view.scopes.get(s).removed {
                return Err(format!("data objects of scope {s}, which does not exist"));
            }
            for (k, writes) in objects {
                for (by, _) in writes {
                    if *by != NO_TASK && !view.records.exists(*by) {
                        return Err(format!(
                            "data object `{k}` was written by task {by}, which does not exist"
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
