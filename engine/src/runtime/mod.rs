//! The runtime: workflow instances, task records and their states, how
//! tokens move, joins, subprocesses and call activities, events, loops,
//! compensation, reset, and migration to a new version of the diagrams.
//!
//! An instance's state is split between *owners* (see `owner.rs`): task
//! records, scopes, joins, events, loops, compensations, data objects and
//! the clock. Each alone changes its tables and knows how to cancel, remove
//! (for a reset), snapshot, restore and check them. The behaviour of each
//! kind of element is in the file named after it (`step.rs` dispatches).
//!
//! See `docs/ARCHITECTURE.md` for the execution model in prose.

/// Maps and sets keyed by task or scope ids, looked up on every step:
/// foldhash instead of SipHash (no untrusted keys reach them).
pub(crate) type IdMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// See [`IdMap`].
pub(crate) type IdSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

mod answer;
mod boundary;
mod catching;
mod clock;
mod compensation;
mod conditional;
mod correlation;
mod data_objects;
mod data_spec;
mod data_store;
mod data_versions;
mod error;
mod event_state;
mod events;
mod instance_diff;
mod iso8601;
mod joins;
mod library_starts;
mod limits;
mod looping;
mod loops;
mod merge;
mod message_index;
mod messages;
mod migrate;
mod owner;
mod raise;
mod records;
mod reset;
mod scopes;
mod service;
mod snapshot;
mod specs;
mod start_events;
mod started;
mod starters;
mod step;
mod task;
mod task_id;
mod task_node;
mod task_rows;
mod task_state;
mod task_vars;
mod timers;
mod transitions;
mod wait;
mod workflow;

pub use answer::{Answer, AnswersError, ApplyError};
pub use clock::{Clock, ClockChange};
pub use data_store::{DataStore, DataStoreError, JsonFileStore};
pub use error::{StartError, TaskError, WorkflowError};
pub use events::{EventError, OutEvent, WaitingEvent};
pub use instance_diff::{InstanceDiff, StartMapping, TaskMapping, Unmapped};
pub use iso8601::{Iso8601Error, parse_cycle, parse_date, parse_duration};
pub use library_starts::TimerStart;
pub use limits::{EngineLimits, RuntimeLimits};
pub use merge::{deep_merge, merge_json};
pub use migrate::{MigrationError, MigrationReport, RetiredTask};
pub use owner::Moment;
pub use reset::{ResetError, ResetOutcome};
pub use service::{ServiceHandler, ServiceOutcome};
pub use snapshot::{
    CompRunRow, FireRow, InstanceSnapshot, JoinRow, LoopRow, RestoreError, ScopeRow, TaskDelta,
    TaskRow,
};
pub use specs::Specs;
pub use task::{FutureTask, TaskView};
pub use task_id::TaskId;
pub use task_state::TaskState;
pub use task_vars::{TASK, TASK_LANE};
pub use transitions::Transition;
pub use wait::{Starter, Wait};
pub use workflow::{CompleteError, Workflow};
