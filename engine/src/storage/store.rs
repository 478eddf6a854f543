//! The instance store: a library of workflow specs (their BPMN and DMN
//! sources, a version per change) and the instances started from them
//! (state, status, times) with a log of every task state change — what
//! spiff-example-cli keeps in its JSON or SQLite files.
//!
//! [`Store`] is the interface the command line works against; the embedded
//! backend is SQLite (`sqlite.rs`). Every write is a transaction, and a
//! write of an instance names the revision it was based on: a write based
//! on a stale revision (another process saved the instance in between) is
//! refused with [`StoreError::Stale`] instead of losing that update.

use std::path::PathBuf;

use jiff::Timestamp;

use crate::runtime::{TaskState, Transition};

/// A spec's id in the store (one per version).
pub type SpecId = i64;
/// An instance's id in the store.
pub type InstanceId = i64;

/// One source file of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecFile {
    /// The path it was added from (kept for messages: errors name it).
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// What a spec starts: a process or a collaboration, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SpecTarget {
    /// A process id (`-p`).
    Process(String),
    /// A collaboration id (`-c`).
    Collaboration(String),
}

impl SpecTarget {
    /// The process or collaboration id.
    pub fn id(&self) -> &str {
        match self {
            SpecTarget::Process(p) | SpecTarget::Collaboration(p) => p,
        }
    }
}

impl std::fmt::Display for SpecTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpecTarget::Process(p) => write!(f, "process {p}"),
            SpecTarget::Collaboration(c) => write!(f, "collaboration {c}"),
        }
    }
}

/// A spec to add to the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSpec {
    /// A name for listings (the process id when none is given).
    pub name: String,
    /// What it starts.
    pub target: SpecTarget,
    /// The BPMN files.
    pub bpmn: Vec<SpecFile>,
    /// The DMN files its business rule tasks use.
    pub dmn: Vec<SpecFile>,
    /// The expression dialect chosen when it was added, if any.
    pub dialect: Option<String>,
}

/// A spec version in the library, without its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecInfo {
    /// Its id (one per version).
    pub id: SpecId,
    /// Its name.
    pub name: String,
    /// What it starts.
    pub target: SpecTarget,
    /// 1 for the first add of this target, then one more per changed add.
    pub version: u32,
    /// The paths of its BPMN files, then its DMN files.
    pub files: Vec<PathBuf>,
    /// When it was added.
    pub added: Timestamp,
}

/// A spec version with its sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// Id, name, target, version.
    pub info: SpecInfo,
    /// The BPMN files.
    pub bpmn: Vec<SpecFile>,
    /// The DMN files.
    pub dmn: Vec<SpecFile>,
    /// The expression dialect chosen when it was added, if any.
    pub dialect: Option<String>,
}

/// The result of adding a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// The spec version that holds the files.
    pub spec: SpecInfo,
    /// False when the files were identical to the latest version of the
    /// same target, which is then returned instead of a new version.
    pub new_version: bool,
}

/// Where an instance is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstanceStatus {
    /// It has tasks ready for a person.
    Ready,
    /// It waits for events, timers or outside work only.
    Waiting,
    /// A task is in ERROR.
    Error,
    /// It has finished.
    Completed,
}

impl InstanceStatus {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceStatus::Ready => "ready",
            InstanceStatus::Waiting => "waiting",
            InstanceStatus::Error => "error",
            InstanceStatus::Completed => "completed",
        }
    }

    /// Reads [`InstanceStatus::as_str`]'s words.
    pub fn parse(s: &str) -> Option<InstanceStatus> {
        Some(match s {
            "ready" => InstanceStatus::Ready,
            "waiting" => InstanceStatus::Waiting,
            "error" => InstanceStatus::Error,
            "completed" => InstanceStatus::Completed,
            _ => return None,
        })
    }

    /// The status of `wf` as it stands.
    pub fn of(wf: &crate::Workflow) -> InstanceStatus {
        if wf.is_completed() {
            InstanceStatus::Completed
        } else if wf.tasks().any(|t| t.state == TaskState::Error) {
            InstanceStatus::Error
        } else if !wf.ready_human_tasks().is_empty() {
            InstanceStatus::Ready
        } else {
            InstanceStatus::Waiting
        }
    }
}

impl std::fmt::Display for InstanceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An instance in the store, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceInfo {
    /// Its id.
    pub id: InstanceId,
    /// The spec version it runs.
    pub spec: SpecId,
    /// That spec's name.
    pub spec_name: String,
    /// That spec's version.
    pub version: u32,
    /// Its status at the last save.
    pub status: InstanceStatus,
    /// When it was started.
    pub started: Timestamp,
    /// When it was last saved.
    pub updated: Timestamp,
    /// How many times it was saved; a save names the revision it read.
    pub revision: i64,
}

/// An instance with its saved state (the bytes of a JSON state file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredInstance {
    /// Id, spec, status, times, revision.
    pub info: InstanceInfo,
    /// The state, as [`crate::storage::save_bytes`] wrote it in JSON.
    pub state: Vec<u8>,
}

/// A save of an instance.
#[derive(Debug, Clone, Copy)]
pub struct InstanceSave<'a> {
    /// The state bytes (JSON state file).
    pub state: &'a [u8],
    /// Its status.
    pub status: InstanceStatus,
    /// The task state changes since the last save, for the log.
    pub log: &'a [Transition],
}

/// One line of an instance's task log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// When (on the instance's clock).
    pub at: Timestamp,
    /// The task id (8 hex digits).
    pub task: String,
    /// The BPMN element id.
    pub bpmn_id: String,
    /// The element's name.
    pub name: Option<String>,
    /// The state before (`None`: created).
    pub from: Option<TaskState>,
    /// The state after (`None`: removed by a reset).
    pub to: Option<TaskState>,
}

/// Why the store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not a store this build can use (not SQLite, damaged, or
    /// another program's database); it was not modified.
    #[error("{}: not a usable bpmn store ({detail}); it was not modified", path.display())]
    Corrupt {
        /// The store file.
        path: PathBuf,
        /// What SQLite or the check said.
        detail: String,
    },
    /// A newer bpmn-runner wrote the store.
    #[error(
        "{}: the store has schema version {version}, written by a newer bpmn-runner; this one reads versions up to {supported} (upgrade bpmn-runner); it was not modified",
        path.display()
    )]
    Newer {
        /// The store file.
        path: PathBuf,
        /// Its schema version.
        version: i64,
        /// The newest this build reads.
        supported: i64,
    },
    /// There is no store file yet.
    #[error("{}: no store here yet (add a spec with `bpmn add`, or choose a store with --store or BPMN_STORE)", path.display())]
    Missing {
        /// The store file.
        path: PathBuf,
    },
    /// No spec matches.
    #[error("no spec `{0}` in the store (`bpmn specs` lists them)")]
    NoSpec(String),
    /// No instance has this id.
    #[error("no instance {0} in the store (`bpmn instances` lists them)")]
    NoInstance(InstanceId),
    /// Another process saved the instance after this one read it.
    #[error(
        "instance {id} was changed by another bpmn since it was read (revision {read}, now {now}); nothing was saved — run the command again"
    )]
    Stale {
        /// The instance.
        id: InstanceId,
        /// The revision this process read.
        read: i64,
        /// The revision in the store.
        now: i64,
    },
    /// A row holds what this build cannot read.
    #[error("the store holds an unreadable row: {0}")]
    BadRow(String),
    /// SQLite failed (disk full, locked for too long…).
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
}

/// A library of specs and a list of instances with their task logs.
pub trait Store {
    /// Adds a spec; when its files equal those of the latest version of the
    /// same target, returns that version instead of adding one.
    fn add_spec(&mut self, spec: &NewSpec) -> Result<Added, StoreError>;
    /// Every spec version, oldest first.
    fn specs(&self) -> Result<Vec<SpecInfo>, StoreError>;
    /// A spec with its sources: `key` is a spec id, or a name or process
    /// (or collaboration) id, which means its latest version.
    fn spec(&self, key: &str) -> Result<Spec, StoreError>;
    /// Stores a new instance of `spec`; returns it.
    fn create_instance(
        &mut self,
        spec: SpecId,
        save: InstanceSave<'_>,
    ) -> Result<InstanceInfo, StoreError>;
    /// Instances, oldest first; only those not completed with `active_only`.
    fn instances(&self, active_only: bool) -> Result<Vec<InstanceInfo>, StoreError>;
    /// An instance with its state.
    fn instance(&self, id: InstanceId) -> Result<StoredInstance, StoreError>;
    /// Saves an instance read at revision `read`; refused with
    /// [`StoreError::Stale`] when it was saved since. `spec` moves it to
    /// another spec version (a migration). Returns the new info.
    fn update_instance(
        &mut self,
        id: InstanceId,
        read: i64,
        spec: Option<SpecId>,
        save: InstanceSave<'_>,
    ) -> Result<InstanceInfo, StoreError>;
    /// How many occurrences of timer start event `start_event` of spec
    /// version `spec` were started (0 when none).
    fn timer_starts_done(&self, spec: SpecId, start_event: &str) -> Result<u32, StoreError>;
    /// Records that `started` occurrences of timer start event
    /// `start_event` of spec version `spec` were started.
    fn set_timer_starts_done(
        &mut self,
        spec: SpecId,
        start_event: &str,
        started: u32,
    ) -> Result<(), StoreError>;
    /// The task log of an instance, oldest first.
    fn log(&self, id: InstanceId) -> Result<Vec<LogEntry>, StoreError>;
}
