//! State storage: an instance saved to a self-contained file (JSON or RON,
//! by extension) and restored from it.
//!
//! The file embeds the BPMN sources once, so it restores on a machine
//! without them; it carries a format version, older versions are migrated
//! and newer ones refused; it is written atomically (temporary file, fsync,
//! rename), so a failed or interrupted save never loses the previous state,
//! and keeps its nature: a link stays a link, permission bits stay, and
//! temporaries of killed saves are tidied by the next save. [`StateLock`]
//! keeps a second process from reading and writing back the same file at
//! the same time.
//!
//! The instance store ([`Store`], embedded as [`SqliteStore`]) keeps a
//! library of specs and the instances started from them, each saved as the
//! bytes of a JSON state file, with a log of every task state change.

mod claimed;
mod json_layout;
mod lock;
mod migrate;
mod nesting;
#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;
mod state_file;
mod store;
mod store_rows;

// The atomic write lives below both storage and the runtime (whose
// `JsonFileStore` writes with it); storage is where users look for it.
pub use crate::atomic::{FAULT_ENV, resolve_links, write_atomic};
pub use claimed::{ClaimedOutcome, ClaimedRun, run_claimed};
pub use lock::{LockError, StateLock, lock_path};
pub use migrate::{CURRENT_VERSION, MigrateError};
#[cfg(feature = "postgres")]
pub use postgres::{POSTGRES_SCHEMA_VERSION, PostgresStore};
pub use sqlite::{STORE_SCHEMA_VERSION, SqliteStore};
pub use state_file::{
    Format, Origin, SpecsCache, StateError, StateFileError, load, load_bytes, load_bytes_cached,
    load_bytes_limited, load_limited, save, save_bytes,
};
pub use store::{
    Added, Claim, DeliveryKind, InstanceId, InstanceInfo, InstanceSave, InstanceStatus, LogEntry,
    NewSpec, QueueId, Queued, Spec, SpecFile, SpecId, SpecInfo, SpecTarget, Store, StoreError,
    StoredInstance, is_database_url, open_store, redact_url,
};
