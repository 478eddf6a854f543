//! Scope instances: one per running process, subprocess or call activity
//! body. A scope knows its live tasks (for OR-joins, terminate and
//! completion) and the tokens waiting at its joins.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use serde_json::Value;

use crate::model::{GraphIdx, NodeIdx};

/// Tokens that reached a join and wait for it to fire.
#[derive(Debug, Clone, Default)]
pub(crate) struct JoinState {
    /// The WAITING join task that the next firing will complete.
    pub task: Option<u32>,
    /// Per incoming flow (by position in the node's `incoming`), the
    /// arrivals not yet consumed: (arrival sequence number, task).
    pub arrivals: Vec<VecDeque<(u64, u32)>>,
}

/// A running (or finished) body of a process or subprocess.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    pub graph: GraphIdx,
    /// The subprocess / call activity task that runs this body; `None` for a
    /// top-level process.
    pub parent_task: Option<u32>,
    /// Nesting depth: 0 for top-level processes.
    pub depth: u32,
    /// Tasks of this scope that are not finished.
    pub live: HashSet<u32>,
    pub joins: HashMap<NodeIdx, JoinState>,
    /// Inclusive joins that have a WAITING task and must be re-checked when
    /// tokens move.
    pub waiting_or_joins: Vec<NodeIdx>,
    /// Tasks that ended a path (no outgoing flow), in the order they
    /// completed; the scope's final data is the merge of their data. Kept as
    /// ids, not merged data, so a reset can drop the paths it removes.
    pub ended: Vec<u32>,
    /// The terminate end event that ended this scope, if one did: its data
    /// alone is the scope's final data.
    pub terminated_by: Option<u32>,
    pub finished: bool,
    /// The last task that completed in this scope (its data is the scope's
    /// current data, e.g. for an event subprocess that starts).
    pub last_done: Option<u32>,
    /// Completed activities that have a compensation handler, in completion order.
    pub compensable: Vec<u32>,
    /// Message correlation values of this conversation (top-level scopes).
    pub correlations: BTreeMap<String, Value>,
    /// Values of the data objects this body declares (`null` until written).
    pub data_objects: BTreeMap<String, Value>,
}

impl Scope {
    pub fn new(graph: GraphIdx, parent_task: Option<u32>, depth: u32) -> Self {
        Scope {
            graph,
            parent_task,
            depth,
            live: HashSet::new(),
            joins: HashMap::new(),
            waiting_or_joins: Vec::new(),
            ended: Vec::new(),
            terminated_by: None,
            finished: false,
            last_done: None,
            compensable: Vec::new(),
            correlations: BTreeMap::new(),
            data_objects: BTreeMap::new(),
        }
    }
}
