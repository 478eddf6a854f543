//! Limits: how much work an instance and its scripts may do before they
//! are stopped with an error that names the element and the limit.
//!
//! [`RuntimeLimits`] bound the engine (steps, live tasks, instances, timer
//! firings, nesting); [`crate::scripting::Limits`] bound each script run
//! (operations, time, output, sizes). [`EngineLimits`] carries both to
//! [`crate::Specs`]; every instance started or restored from those specs
//! gets them. Limits are not saved: they belong to whoever runs the
//! instance, and a resume starts with a fresh budget.

use crate::scripting::Limits;

/// Limits on the work an instance does, so a diagram that would run
/// forever or grow without end stops with a workflow error naming the
/// element and the limit, its state still consistent and resumable (a
/// resume starts a fresh budget). Set per instance with
/// [`crate::Workflow::set_limits`] or for every instance of some specs
/// with [`EngineLimits`]; the CLI's `--max-…` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeLimits {
    /// How deep subprocesses and call activities may nest (stops runaway
    /// recursion of a process calling itself).
    pub max_nesting: u32,
    /// Engine steps (tasks run) in one call of `Workflow::run`.
    pub max_steps: u64,
    /// Tasks live at once (ready, waiting, started or in error).
    pub max_live_tasks: usize,
    /// Instances of one multi-instance activity.
    pub max_instances: u64,
    /// Timer firings in one call of `Workflow::run` (a cycle timer and a
    /// clock moved far ahead).
    pub max_timer_firings: u64,
}

impl Default for RuntimeLimits {
    fn default() -> Self {
        RuntimeLimits {
            max_nesting: 64,
            // A 1,000,000-iteration loop of three tasks takes 3,000,003
            // steps; an endless standard loop stops here holding ~3 GB
            // (each iteration keeps a record and its data).
            max_steps: 5_000_000,
            max_live_tasks: 1_000_000,
            max_instances: 1_000_000,
            max_timer_firings: 100_000,
        }
    }
}

/// Every limit, for [`crate::Specs::load_all_limited`] and
/// [`crate::storage::load_limited`].
#[derive(Debug, Clone, Copy, Default)]
pub struct EngineLimits {
    /// What one script run may do.
    pub script: Limits,
    /// What the engine may do in one run of an instance.
    pub run: RuntimeLimits,
}
