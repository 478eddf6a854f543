//! Data stores (`dataStoreReference`): values that outlive an instance and
//! are shared between instances. The engine reads and writes them through
//! the [`DataStore`] registered on the workflow; [`JsonFileStore`] keeps one
//! JSON file per data store in a directory, written atomically.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::Workflow;
use super::error::WorkflowError;

/// Where data store values live.
pub trait DataStore: Send + Sync {
    /// The value of data store `name`, `None` when it has none yet.
    fn get(&self, name: &str) -> Result<Option<Value>, DataStoreError>;
    /// Replaces the value of data store `name`.
    fn set(&self, name: &str, value: &Value) -> Result<(), DataStoreError>;
}

/// Why a data store could not be read or written. The engine reports it as
/// the failure of the task that uses the store.
#[derive(Debug, thiserror::Error)]
pub enum DataStoreError {
    /// The name cannot be a file name (empty, a path, or hidden).
    #[error("`{0}` cannot be used as a data store file name")]
    InvalidName(String),
    /// Reading or writing a file (or creating the directory) failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A store's file does not hold JSON.
    #[error("{}: {source}", path.display())]
    NotJson {
        /// The file.
        path: PathBuf,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
    /// The value could not be written as JSON.
    #[error(transparent)]
    Encode(serde_json::Error),
    /// Any failure of a store kept elsewhere than in files (a database, a
    /// service…).
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// One `<name>.json` file per data store in `dir`, replaced atomically on
/// each write so several instances (and processes) can share the directory.
#[derive(Debug, Clone)]
pub struct JsonFileStore {
    /// The directory holding the stores' files.
    pub dir: PathBuf,
}

impl JsonFileStore {
    /// A store keeping its files in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        JsonFileStore { dir: dir.into() }
    }

    fn path(&self, name: &str) -> Result<PathBuf, DataStoreError> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(DataStoreError::InvalidName(name.to_string()));
        }
        Ok(self.dir.join(format!("{name}.json")))
    }
}

impl DataStore for JsonFileStore {
    fn get(&self, name: &str) -> Result<Option<Value>, DataStoreError> {
        let path = self.path(name)?;
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(v) => Ok(Some(v)),
                Err(source) => Err(DataStoreError::NotJson { path, source }),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(DataStoreError::Io { path, source }),
        }
    }

    fn set(&self, name: &str, value: &Value) -> Result<(), DataStoreError> {
        let path = self.path(name)?;
        std::fs::create_dir_all(&self.dir).map_err(|source| DataStoreError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let bytes = serde_json::to_vec_pretty(value).map_err(DataStoreError::Encode)?;
        crate::atomic::write_atomic(&path, &bytes)
            .map_err(|source| DataStoreError::Io { path, source })
    }
}

/// A registered store (kept by the workflow; not part of its state).
#[derive(Clone)]
pub(crate) struct Stores(pub Arc<dyn DataStore>);

impl fmt::Debug for Stores {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Stores(..)")
    }
}

impl Workflow {
    /// Registers where this instance's data stores live (not saved: register
    /// it again after restoring).
    pub fn set_data_store(&mut self, store: Arc<dyn DataStore>) {
        self.data_store = Some(Stores(store));
    }

    fn store(&mut self, t: u32, name: &str) -> Result<Arc<dyn DataStore>, WorkflowError> {
        match &self.data_store {
            Some(Stores(s)) => Ok(s.clone()),
            None => Err(self.fail(
                t,
                format!("it uses the data store `{name}` but no data store is registered"),
            )),
        }
    }

    pub(crate) fn store_get(&mut self, t: u32, name: &str) -> Result<Value, WorkflowError> {
        let store = self.store(t, name)?;
        match store.get(name) {
            Ok(Some(v)) => match crate::model::check_value_depth(name, &v) {
                Ok(()) => Ok(v),
                Err(e) => Err(self.fail(t, format!("reading the data store failed: {e}"))),
            },
            Ok(None) => Ok(Value::Null),
            Err(e) => Err(self.fail(t, format!("reading the data store `{name}` failed: {e}"))),
        }
    }

    pub(crate) fn store_set(
        &mut self,
        t: u32,
        name: &str,
        value: Value,
    ) -> Result<(), WorkflowError> {
        let store = self.store(t, name)?;
        store
            .set(name, &value)
            .map_err(|e| self.fail(t, format!("writing the data store `{name}` failed: {e}")))
    }
}
