//! What a command that reads (and writes back) an instance works on: a
//! state file, or an instance in the store named by its id. A file that
//! exists wins; otherwise an argument made of digits is an instance id.
//!
//! A state file is locked from before it is read until it is saved; a
//! stored instance is saved with the revision it was read at, so a save
//! over a newer one is refused instead of losing it. Either way the
//! instance records its task state changes while it runs, and a save to
//! the store appends them to the instance's task log.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use bpmn_engine::runtime::EngineLimits;
use bpmn_engine::runtime::Transition;
use bpmn_engine::storage::{
    self, DeliveryKind, Format, InstanceId, InstanceInfo, InstanceSave, Origin, StateLock, Store,
};
use bpmn_engine::{TaskId, TaskState, Workflow};

use super::CliError;

/// The store from `--store` / `BPMN_STORE` (set once by `main`).
static STORE: OnceLock<String> = OnceLock::new();

/// Records the store chosen on the command line.
pub fn set_store(location: String) {
    let _ = STORE.set(location);
}

/// The store chosen on the command line (`bpmn.db` by default): a file
/// path or a database URL.
pub fn store_location() -> String {
    STORE
        .get()
        .cloned()
        .unwrap_or_else(|| "bpmn.db".to_string())
}

/// The store, when there is one to show in a session: a database URL, or
/// an SQLite file that exists.
pub fn existing_store() -> Option<String> {
    let loc = store_location();
    (storage::is_database_url(&loc) || Path::new(&loc).exists()).then_some(loc)
}

/// Opens the store; `create` makes it when missing (commands that add).
pub fn open_store(create: bool) -> Result<Box<dyn Store>, CliError> {
    storage::open_store(&store_location(), create).map_err(|e| CliError::usage(e.to_string()))
}

/// A state file or a stored instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A state file.
    File(PathBuf),
    /// An instance in the store.
    Stored(InstanceId),
}

impl Target {
    /// What `arg` names: an existing file, else an instance id when it is
    /// a number, else a (missing) file, which loading then reports.
    pub fn of(arg: &Path) -> Target {
        if !arg.exists()
            && let Some(id) = arg.to_str().and_then(|s| s.parse::<InstanceId>().ok())
            && id > 0
        {
            return Target::Stored(id);
        }
        Target::File(arg.to_path_buf())
    }
}

/// An instance read from its target, with what saving it back needs.
pub struct Opened {
    /// The instance.
    pub wf: Workflow,
    /// What it was started from.
    pub origin: Origin,
    /// Where it came from.
    pub target: Target,
    /// Held until the instance is dropped (after its save).
    _lock: Option<StateLock>,
    /// A stored instance's store, with its row as last read or saved
    /// (the revision the next save names, the holder, the queue length).
    store: Option<(Box<dyn Store>, InstanceInfo)>,
    /// Changes made outside this process's journal (an interactive session
    /// on a working file), for the task log.
    absorbed: Vec<Transition>,
}

/// Reads the instance `arg` names; `lock` takes the state file's lock
/// first (`wait`: wait for another bpmn holding it). Read-only commands
/// pass `lock = false`.
pub fn open(arg: &Path, lock: bool, wait: bool, limits: &EngineLimits) -> Result<Opened, CliError> {
    match Target::of(arg) {
        Target::File(path) => {
            let lock = if lock {
                Some(super::lock::lock_state(&path, wait)?)
            } else {
                None
            };
            let (mut wf, origin) =
                storage::load_limited(&path, limits).map_err(|e| CliError::usage(e.to_string()))?;
            wf.record_transitions(false);
            Ok(Opened {
                wf,
                origin,
                target: Target::File(path),
                _lock: lock,
                store: None,
                absorbed: Vec::new(),
            })
        }
        Target::Stored(id) => {
            let store = open_store(false)?;
            let stored = store
                .instance(id)
                .map_err(|e| CliError::usage(e.to_string()))?;
            let (mut wf, origin) = storage::load_bytes_limited(&stored.state, Format::Json, limits)
                .map_err(|e| {
                    CliError::usage(format!("{}: instance {id}: {e}", store.location()))
                })?;
            wf.record_transitions(false);
            Ok(Opened {
                wf,
                origin,
                target: Target::Stored(id),
                _lock: None,
                store: Some((store, stored.info)),
                absorbed: Vec::new(),
            })
        }
    }
}

impl Opened {
    /// A stored instance's row as last read or saved: who holds it, how
    /// many messages wait in its queue.
    pub fn stored_info(&self) -> Option<&InstanceInfo> {
        self.store.as_ref().map(|(_, info)| info)
    }

    /// Queues a message or signal for the stored instance (a worker
    /// delivers it); returns its queue id.
    pub fn enqueue(
        &mut self,
        kind: DeliveryKind,
        name: &str,
        payload: &serde_json::Value,
    ) -> Result<i64, CliError> {
        let Some((store, info)) = self.store.as_mut() else {
            return Err(CliError::usage(
                "--queue is for an instance in the store; a state file gets the message at once",
            ));
        };
        store
            .enqueue(info.id, kind, name, payload)
            .map_err(|e| CliError::usage(e.to_string()))
    }

    /// The state file, for a file target.
    pub fn file(&self) -> Option<&Path> {
        match &self.target {
            Target::File(p) => Some(p),
            Target::Stored(_) => None,
        }
    }

    /// Replaces the instance with `new`, what an interactive session made
    /// of it, logging each task whose state differs (a session's steps in
    /// between are not seen, only where each task ended).
    pub fn absorb(&mut self, new: Workflow) {
        let at = new.now();
        let old: HashMap<TaskId, TaskState> = self.wf.tasks().map(|t| (t.id, t.state)).collect();
        let mut seen = HashSet::new();
        for t in new.tasks() {
            seen.insert(t.id);
            let from = old.get(&t.id).copied();
            if from != Some(t.state) {
                self.absorbed.push(Transition {
                    task: t.id,
                    bpmn_id: t.bpmn_id.to_string(),
                    name: t.name.map(str::to_string),
                    from,
                    to: Some(t.state),
                    at,
                });
            }
        }
        for t in self.wf.tasks().filter(|t| !seen.contains(&t.id)) {
            self.absorbed.push(Transition {
                task: t.id,
                bpmn_id: t.bpmn_id.to_string(),
                name: t.name.map(str::to_string),
                from: Some(t.state),
                to: None,
                at,
            });
        }
        self.wf = new;
    }

    /// Saves a stored instance back, moved to spec version `spec` (a
    /// migration).
    pub fn save_to_spec(&mut self, spec: i64) -> Result<(), CliError> {
        self.save_inner(None, Some(spec))
    }

    /// Saves the instance back where it came from (or to `to`, a state
    /// file, when given); nothing is written when saving fails.
    pub fn save(&mut self, to: Option<&Path>) -> Result<(), CliError> {
        self.save_inner(to, None)
    }

    fn save_inner(&mut self, to: Option<&Path>, spec: Option<i64>) -> Result<(), CliError> {
        if let Some(path) = to.or(self.file()) {
            let path = path.to_path_buf();
            return super::run::save_state(&path, &self.wf, &self.origin);
        }
        let Target::Stored(id) = self.target else {
            unreachable!("a target is a file or a stored instance");
        };
        let (store, read) = self.store.as_mut().expect("a stored target has its store");
        let mut log = std::mem::take(&mut self.absorbed);
        log.extend(self.wf.take_transitions());
        let state = storage::save_bytes(&self.wf, &self.origin, Format::Json)
            .map_err(|e| CliError::usage(format!("instance {id}: {e}")))?;
        let info = store
            .update_instance(
                id,
                read.revision,
                spec,
                InstanceSave::of(&self.wf, &state, &log, false),
            )
            .map_err(|e| CliError::usage(e.to_string()))?;
        *read = info;
        Ok(())
    }
}

/// Where `bpmn reset` or `bpmn migrate` (`what`) keeps the state file it
/// replaces: `order.json` → `order.before-reset.json` (the extension
/// stays, so it loads as is).
pub fn backup_path(file: &Path, what: &str) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match file.extension() {
        Some(ext) => format!("{stem}.before-{what}.{}", ext.to_string_lossy()),
        None => format!("{stem}.before-{what}"),
    };
    file.with_file_name(name)
}

/// One generation of undo before `what` (`reset`, `migrate`) rewrites
/// `file`: the file as it was, byte for byte, at [`backup_path`]. A
/// failure stops the command before anything changed ("nothing was
/// `done`").
pub fn keep_previous(file: &Path, what: &str, done: &str) -> Result<PathBuf, CliError> {
    let backup = backup_path(file, what);
    let before = std::fs::read(file).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot read the state file: {e}",
            file.display()
        ))
    })?;
    storage::write_atomic(&backup, &before).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot keep the previous state ({e}); nothing was {done}",
            backup.display()
        ))
    })?;
    Ok(backup)
}
