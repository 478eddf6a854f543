//! Data stores (`dataStoreReference`): values that outlive an instance and
//! are shared between instances. The engine reads and writes them through
//! the [`DataStore`] registered on the workflow; [`JsonFileStore`] keeps one
//! JSON file per data store in a directory, written atomically.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::Workflow;
use super::error::WorkflowError;

/// Where data store values live.
pub trait DataStore: Send + Sync {
    /// The value of data store `name`, `None` when it has none yet.
    fn get(&self, name: &str) -> Result<Option<Value>, String>;
    /// Replaces the value of data store `name`.
    fn set(&self, name: &str, value: &Value) -> Result<(), String>;
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

    fn path(&self, name: &str) -> Result<PathBuf, String> {
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(format!("`{name}` cannot be used as a data store file name"));
        }
        Ok(self.dir.join(format!("{name}.json")))
    }
}

impl DataStore for JsonFileStore {
    fn get(&self, name: &str) -> Result<Option<Value>, String> {
        let path = self.path(name)?;
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    fn set(&self, name: &str, value: &Value) -> Result<(), String> {
        let path = self.path(name)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let bytes = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
        crate::atomic::write_atomic(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
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
