//! The task rows of a snapshot, without a second copy of the instance.
//!
//! Saving shares the records owner's arena of task records and its data
//! versions (reference counts, no copy) and writes each row as it goes,
//! with the data as a delta against the parent task's. Loading reads the
//! rows one at a time straight into that arena and the versions, deltas
//! kept as deltas, so a restore holds little more than the instance it
//! rebuilds. The row format is [`TaskRow`]'s.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::data_versions::DataVersions;
use super::records::TaskRecord;
use super::snapshot::{TaskRow, char_state, state_char};
use super::task::NO_TASK;
use crate::model::{Data, GraphIdx, NodeIdx, NodeRef};

/// Every task record of an instance (one row per id; removed ids are
/// `null`), with its data.
#[derive(Clone, Default)]
pub struct TaskRows {
    pub(crate) tasks: Arc<Vec<TaskRecord>>,
    pub(crate) removed: Arc<HashSet<u32>>,
    pub(crate) versions: Arc<DataVersions>,
}

impl TaskRows {
    /// Number of rows (task ids, removed ones included).
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Row `i` as it is written (`None` for a removed id).
    pub fn row(&self, i: u32) -> Option<TaskRow> {
        if self.removed.contains(&i) {
            return None;
        }
        let r = &self.tasks[i as usize];
        let (set, del) = if r.parent == NO_TASK {
            diff(&Data::new(), &self.versions.get(r.data))
        } else {
            let p = self.tasks[r.parent as usize].data;
            if p == r.data {
                (None, Vec::new())
            } else if let Some(delta) = self.versions.stored_delta(r.data, p) {
                delta
            } else {
                diff(&self.versions.get(p), &self.versions.get(r.data))
            }
        };
        Some(TaskRow {
            graph: r.node.graph.0,
            node: r.node.node.0,
            parent: if r.parent == NO_TASK {
                -1
            } else {
                r.parent as i64
            },
            scope: r.scope,
            state: state_char(r.state),
            set,
            del,
        })
    }
}

/// [`super::data_versions::diff`] in the row format.
pub(crate) fn diff(parent: &Data, child: &Data) -> (Option<Data>, Vec<String>) {
    match super::data_versions::diff(parent, child) {
        None => (None, Vec::new()),
        Some((set, del)) => {
            let mut s = Data::with_capacity(set.len());
            for (k, v) in set {
                s.insert_shared(k, v);
            }
            (
                (!s.is_empty()).then_some(s),
                del.iter().map(|k| k.to_string()).collect(),
            )
        }
    }
}

impl PartialEq for TaskRows {
    fn eq(&self, other: &TaskRows) -> bool {
        self.len() == other.len() && (0..self.len() as u32).all(|i| self.row(i) == other.row(i))
    }
}

impl fmt::Debug for TaskRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.len() as u32).map(|i| self.row(i)))
            .finish()
    }
}

impl Serialize for TaskRows {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for i in 0..self.len() as u32 {
            seq.serialize_element(&self.row(i))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for TaskRows {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TaskRows;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of task rows")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<TaskRows, A::Error> {
                let mut tasks = Vec::with_capacity(a.size_hint().unwrap_or(0).min(1 << 20));
                let mut removed = HashSet::new();
                let mut versions = DataVersions::default();
                let mut empty = None;
                while let Some(row) = a.next_element::<Option<TaskRow>>()? {
                    let i = tasks.len() as u32;
                    let Some(row) = row else {
                        removed.insert(i);
                        let data = *empty.get_or_insert_with(|| versions.root(Arc::default()));
                        tasks.push(TaskRecord {
                            node: NodeRef {
                                graph: GraphIdx(0),
                                node: NodeIdx(0),
                            },
                            parent: NO_TASK,
                            scope: 0,
                            data,
                            state: super::TaskState::Cancelled,
                            prev: super::TaskState::Cancelled,
                        });
                        continue;
                    };
                    let Some(state) = char_state(row.state) else {
                        return Err(de::Error::custom(format!(
                            "task {i} has unknown state {:?}",
                            row.state
                        )));
                    };
                    let parent = if row.parent < 0 {
                        NO_TASK
                    } else if (row.parent as u64) < u64::from(i)
                        && !removed.contains(&(row.parent as u32))
                    {
                        row.parent as u32
                    } else {
                        return Err(de::Error::custom(format!(
                            "task {i} has parent {} which is not an earlier task",
                            row.parent
                        )));
                    };
                    let base: Option<u32> =
                        (parent != NO_TASK).then(|| tasks[parent as usize].data);
                    let data = versions.derive_delta(base, row.set.as_ref(), &row.del);
                    tasks.push(TaskRecord {
                        node: NodeRef {
                            graph: GraphIdx(row.graph),
                            node: NodeIdx(row.node),
                        },
                        parent,
                        scope: row.scope,
                        data,
                        state,
                        prev: state,
                    });
                }
                Ok(TaskRows {
                    tasks: Arc::new(tasks),
                    removed: Arc::new(removed),
                    versions: Arc::new(versions),
                })
            }
        }
        d.deserialize_seq(V)
    }
}
