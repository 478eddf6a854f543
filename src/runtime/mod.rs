//! The runtime: workflow instances, task records and their states, how
//! tokens move, joins, subprocesses and call activities.
//!
//! See `docs/ARCHITECTURE.md` for the execution model in prose.

mod clock;
mod compensation;
mod data_spec;
mod data_store;
mod error;
mod events;
mod join;
mod looping;
mod merge;
mod reset;
mod scope;
mod service;
mod snapshot;
mod specs;
mod step;
mod task;
mod task_id;
mod task_node;
mod task_state;
mod timer;
mod wait;
mod workflow;

pub use clock::Clock;
pub use data_store::{DataStore, JsonFileStore};
pub use error::{StartError, TaskError, WorkflowError};
pub use events::{EventError, OutEvent, WaitingEvent};
pub use looping::LoopRow;
pub use merge::deep_merge;
pub use service::ServiceHandler;
pub use snapshot::{InstanceSnapshot, JoinRow, RestoreError, ScopeRow, TaskRow};
pub use specs::{RuntimeLimits, Specs};
pub use task::{FutureTask, TaskView};
pub use task_id::TaskId;
pub use task_state::TaskState;
pub use timer::{parse_cycle, parse_date, parse_duration};
pub use wait::{Starter, Wait};
pub use workflow::{CompleteError, Workflow};
