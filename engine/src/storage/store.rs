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
//!
//! Workers (`bpmn worker`) share a store: each save says when the instance
//! is next due (its earliest timer, or now when engine work is pending),
//! messages and signals for an instance wait in its queue until a save
//! delivers them (removed in the same transaction, so exactly once), and a
//! worker claims due instances for a while ([`Store::claim_due`]) so no two
//! workers run the same instance. A claim that is not released (a killed
//! worker) expires; the last saved state stands.

use std::path::PathBuf;

use jiff::Timestamp;

use crate::runtime::{TaskState, Transition};

/// A spec's id in the store (one per version).
pub type SpecId = i64;
/// An instance's id in the store.
pub type InstanceId = i64;
/// A queued message's or signal's id in the store.
pub type QueueId = i64;

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
        } else if wf.has_error() {
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
    /// The worker that holds it, while its claim lasts.
    pub holder: Option<Claim>,
    /// How many messages and signals wait in its queue.
    pub queued: u32,
}

/// A worker's claim on an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The worker's name.
    pub worker: String,
    /// When the claim expires unless the worker saves or releases first.
    pub until: Timestamp,
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
    /// The earliest timer it waits for: a worker runs it then.
    pub next_timer: Option<Timestamp>,
    /// Engine work is ready to run (a run stopped before its end without
    /// an error): a worker runs it at once.
    pub pending: bool,
    /// Queued messages and signals this save delivered: removed with it.
    pub delivered: &'a [QueueId],
    /// Queued messages and signals tried and not delivered (nothing waits
    /// for them yet): kept, and tried again once the instance changes.
    pub undelivered: &'a [QueueId],
    /// The worker whose claim this save ends (`None`: not a worker).
    pub claim: Option<&'a str>,
}

impl<'a> InstanceSave<'a> {
    /// A save of `state` with status `status` and nothing else: no log,
    /// nothing due, nothing delivered, no claim.
    pub fn new(state: &'a [u8], status: InstanceStatus) -> InstanceSave<'a> {
        InstanceSave {
            state,
            status,
            log: &[],
            next_timer: None,
            pending: false,
            delivered: &[],
            undelivered: &[],
            claim: None,
        }
    }

    /// A save of `state` as `wf` stands: its status, when it is next due
    /// (earliest timer; pending engine work unless the last run `failed`),
    /// with the task log `log`. Nothing delivered, no claim.
    pub fn of(
        wf: &crate::Workflow,
        state: &'a [u8],
        log: &'a [Transition],
        failed: bool,
    ) -> InstanceSave<'a> {
        let status = InstanceStatus::of(wf);
        InstanceSave {
            log,
            next_timer: wf.next_timer(),
            pending: !failed && status != InstanceStatus::Error && wf.has_engine_work(),
            ..InstanceSave::new(state, status)
        }
    }
}

/// Whether a queued item is a message or a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryKind {
    /// A message (`bpmn send --message`).
    Message,
    /// A signal (`bpmn send --signal`).
    Signal,
}

impl DeliveryKind {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Message => "message",
            DeliveryKind::Signal => "signal",
        }
    }

    /// Delivers `name` with `payload` to `wf` as this kind
    /// ([`Workflow::send_message`] or [`Workflow::send_signal`]).
    ///
    /// [`Workflow::send_message`]: crate::Workflow::send_message
    /// [`Workflow::send_signal`]: crate::Workflow::send_signal
    pub fn send(
        self,
        wf: &mut crate::Workflow,
        name: &str,
        payload: serde_json::Value,
    ) -> Result<(), crate::runtime::EventError> {
        match self {
            DeliveryKind::Message => wf.send_message(name, payload),
            DeliveryKind::Signal => wf.send_signal(name, payload),
        }
    }

    /// Reads [`DeliveryKind::as_str`]'s words.
    pub fn parse(s: &str) -> Option<DeliveryKind> {
        match s {
            "message" => Some(DeliveryKind::Message),
            "signal" => Some(DeliveryKind::Signal),
            _ => None,
        }
    }
}

/// A message or signal for a stored instance, waiting in its queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    /// Its id (queue order).
    pub id: QueueId,
    /// Message or signal.
    pub kind: DeliveryKind,
    /// The message or signal name.
    pub name: String,
    /// Its payload (JSON).
    pub payload: serde_json::Value,
    /// When it was queued.
    pub queued: Timestamp,
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
    /// The instance has completed: nothing can receive a message any more.
    #[error("instance {0} has completed; nothing in it can receive a message or signal")]
    Finished(InstanceId),
    /// SQLite failed (disk full, locked for too long…).
    #[error("{}: {source}", path.display())]
    Sqlite {
        /// The store file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The PostgreSQL server failed or could not be reached.
    #[cfg(feature = "postgres")]
    #[error("{store}: {}", super::postgres::postgres_detail(.source))]
    Postgres {
        /// The database URL, without its password.
        store: String,
        /// What the client or the server said.
        source: ::postgres::Error,
    },
}

/// Whether `location` names a database server (`postgres://…`,
/// `postgresql://…`) rather than an SQLite file.
pub fn is_database_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// `url` without its password (in the user part or a `password=` option),
/// so messages can show it.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(start) = out.find("://").map(|i| i + 3) {
        let end = out[start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..end].rfind('@').map(|i| start + i) {
            if let Some(colon) = out[start..at].find(':').map(|i| start + i) {
                out.replace_range(colon..at, "");
            }
        }
    }
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let kept: Vec<&str> = query
            .split('&')
            .filter(|kv| !kv.starts_with("password="))
            .collect();
        out = format!("{base}{}", kept.join("&"));
        if out.ends_with('?') {
            out.pop();
        }
    }
    out
}

/// Opens the store at `location`: a PostgreSQL database URL
/// ([`is_database_url`]) or an SQLite file path; its schema is created
/// when there is none yet and `create` is set.
pub fn open_store(location: &str, create: bool) -> Result<Box<dyn Store>, StoreError> {
    if is_database_url(location) {
        return open_database(location, create);
    }
    Ok(Box::new(super::SqliteStore::open(
        std::path::Path::new(location),
        create,
    )?))
}

#[cfg(feature = "postgres")]
fn open_database(url: &str, create: bool) -> Result<Box<dyn Store>, StoreError> {
    Ok(Box::new(super::PostgresStore::open(url, create)?))
}

#[cfg(not(feature = "postgres"))]
fn open_database(url: &str, _create: bool) -> Result<Box<dyn Store>, StoreError> {
    Err(StoreError::Corrupt {
        path: PathBuf::from(redact_url(url)),
        detail: "this bpmn was built without PostgreSQL support (cargo feature `postgres`)".into(),
    })
}

/// A library of specs and a list of instances with their task logs.
///
/// `Send`, so each worker thread can own a connection.
pub trait Store: Send {
    /// Where the store is, for messages (a file path, or a database URL
    /// without its password).
    fn location(&self) -> String;
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
    /// another spec version (a migration). Delivered queue items are
    /// removed, undelivered ones kept for the next change; the save's
    /// claim (if any) is released; a completed instance's queue is
    /// emptied. Returns the new info.
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
    /// Stores a new instance of `spec` started by occurrence `occurrence`
    /// (1 for the first) of its timer start event `start_event`, and
    /// records that occurrence as started, in one transaction. Returns
    /// `None`, storing nothing, when that occurrence was started already
    /// (by another worker or tick) or an earlier one was not.
    fn create_timer_instance(
        &mut self,
        spec: SpecId,
        start_event: &str,
        occurrence: u32,
        save: InstanceSave<'_>,
    ) -> Result<Option<InstanceInfo>, StoreError>;
    /// Queues a message or signal for instance `id` (delivered by the next
    /// save that delivers it; the instance is due at once). Refused for a
    /// completed instance.
    fn enqueue(
        &mut self,
        id: InstanceId,
        kind: DeliveryKind,
        name: &str,
        payload: &serde_json::Value,
    ) -> Result<QueueId, StoreError>;
    /// The queue of instance `id`, oldest first.
    fn queued(&self, id: InstanceId) -> Result<Vec<Queued>, StoreError>;
    /// Claims up to `limit` instances due at `now` (a timer due, engine
    /// work pending, or a queued item not yet tried at this revision) and
    /// not held by a live claim, for `worker` until `now + lease`. Never
    /// gives two workers the same instance while a claim lasts. Earliest
    /// due first.
    fn claim_due(
        &mut self,
        worker: &str,
        now: Timestamp,
        lease: std::time::Duration,
        limit: u32,
    ) -> Result<Vec<InstanceId>, StoreError>;
    /// Ends `worker`'s claim on instance `id` without a save (nothing
    /// happens when it does not hold it). `retry_at` makes a due instance
    /// due again only then (a run that could not start: no hot loop).
    fn release(
        &mut self,
        id: InstanceId,
        worker: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// When the next instance not held by a live claim is due (`None`:
    /// none waits for a time), so a worker can sleep until then.
    fn next_due(&self, now: Timestamp) -> Result<Option<Timestamp>, StoreError>;
    /// The task log of an instance, oldest first.
    fn log(&self, id: InstanceId) -> Result<Vec<LogEntry>, StoreError>;
}
