//! The runtime: workflow instances, task records and their states, how
//! tokens move, joins, subprocesses and call activities.
//!
//! See `docs/ARCHITECTURE.md` for the execution model in prose.

mod error;
mod join;
mod merge;
mod reset;
mod scope;
mod snapshot;
mod specs;
mod step;
mod task;
mod task_id;
mod task_node;
mod task_state;
mod workflow;

pub use error::{StartError, TaskError, WorkflowError};
pub use merge::deep_merge;
pub use snapshot::{InstanceSnapshot, JoinRow, RestoreError, ScopeRow, TaskRow};
pub use specs::{RuntimeLimits, Specs};
pub use task::{FutureTask, TaskView};
pub use task_id::TaskId;
pub use task_state::TaskState;
pub use workflow::{CompleteError, Workflow};
