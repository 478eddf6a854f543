//! Locking the state file a command reads and writes back (see
//! [`bpmn_engine::storage::StateLock`]): `resume`, `reset`, `advance`,
//! `send`, `run --save` and interactive sessions hold it from before they
//! read until after they save. Read-only commands (`tasks`, `data`,
//! `events`) take no lock.

use std::path::Path;

use bpmn_engine::storage::StateLock;

use super::CliError;

/// Locks `state`; without `wait`, another bpmn holding it is a usage error
/// (exit 2) naming the file and its pid; with `wait`, says so and waits.
pub fn lock_state(state: &Path, wait: bool) -> Result<StateLock, CliError> {
    let locked = if wait {
        StateLock::acquire(state, |pid| {
            let by = pid.map(|p| format!(" (pid {p})")).unwrap_or_default();
            errln!(
                "{} is in use by another bpmn{by}; waiting for it to finish…",
                state.display()
            );
        })
    } else {
        StateLock::try_acquire(state)
    };
    locked.map_err(|e| CliError::usage(e.to_string()))
}
