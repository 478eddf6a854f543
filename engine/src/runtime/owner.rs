//! State owners: every table of a running instance belongs to exactly one
//! owner type, which alone changes it and knows how to cancel, remove,
//! snapshot, restore and check what it holds.
//!
//! | owner | file | holds |
//! |---|---|---|
//! | [`Records`](super::records::Records) | `records.rs` | task records, ready queue, human set, removed slots, completion log, errors, cancellations |
//! | [`Scopes`](super::scopes::Scopes) | `scopes.rs` | process / subprocess bodies, live sets, ended paths, top-level completion |
//! | [`Joins`](super::joins::Joins) | `joins.rs` | tokens waiting at joins, the inputs of fired joins |
//! | [`EventState`](super::event_state::EventState) | `event_state.rs` | waits, fired events (and how to un-fire them), start events, outbox, correlations, and the indexes that find waits and start events |
//! | [`Loops`](super::loops::Loops) | `loops.rs` | multi-instance and standard loop bookkeeping |
//! | [`Compensations`](super::compensation::Compensations) | `compensation.rs` | compensable activities, compensations in progress |
//! | [`DataObjects`](super::data_objects::DataObjects) | `data_objects.rs` | data object values and who wrote them |
//! | [`Clock`](super::clock::Clock) | `clock.rs` | the (virtual) time and its changes |
//!
//! A reset is computed once as a [`ResetPlan`] (`reset.rs`) and then given
//! to every owner; cancelling, snapshotting, restoring and checking are
//! likewise loops over the owners (`Workflow::cancel_task`,
//! `Workflow::snapshot`, `Workflow::restore`, `Workflow::check_invariants`).
//! A feature that needs new state adds an owner or extends one, so a reset
//! can never forget a table.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::records::Records;
use super::scopes::Scopes;
use super::snapshot::{InstanceSnapshot, RestoreError};
use super::specs::Specs;
use crate::model::Data;

/// A point in an instance's history: how many task records existed and the
/// value of the instance's event counter. Events that are not record
/// creations (clock changes, fired events, fired joins) are stamped with a
/// moment, so they can be ordered against records and against each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Moment {
    /// Number of task records when it happened (record `len` did not exist yet).
    pub len: u32,
    /// The instance's event counter.
    pub seq: u64,
}

/// When a reset target became ready (or started waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadyAt {
    /// When record `t` was created.
    Created(u32),
    /// At a stamped event (a join firing).
    Event(Moment),
}

impl ReadyAt {
    /// Whether the event stamped `m` happened after this point.
    pub fn before(self, m: Moment) -> bool {
        match self {
            ReadyAt::Created(t) => m.len > t,
            ReadyAt::Event(at) => m.seq > at.seq,
        }
    }
}

/// What a reset removes and undoes, computed once (`reset.rs`) and applied
/// by every owner.
#[derive(Debug, Default)]
pub(crate) struct ResetPlan {
    /// Records removed: what the target's completion (or an undone event)
    /// caused, directly or not.
    pub doomed: HashSet<u32>,
    /// Records that stay but whose completion (or firing) is undone: the
    /// target, the activities that enclose it (they go back to STARTED), and
    /// catching events that wait again.
    pub undone: HashSet<u32>,
    /// Records cancelled by something the reset undoes: they get back the
    /// state they had before (with their owners' dormant state).
    pub restored: Vec<u32>,
    /// Fired events (indexes into the event owner's fire log) that the
    /// reset undoes.
    pub unfired: HashSet<usize>,
    /// Scopes (bodies) that disappear with their container.
    pub removed_scopes: HashSet<u32>,
    /// Enclosing activities that go back to STARTED, outermost first.
    pub reopened: Vec<u32>,
    /// Catching events that wait again (their fire-log entry).
    pub rewait: HashMap<u32, usize>,
    /// The moment the target became ready.
    pub ready_at: Option<ReadyAt>,
}

impl ResetPlan {
    /// Whether record `t`'s completion no longer holds after the reset
    /// (removed, or undone).
    pub fn gone(&self, t: u32) -> bool {
        self.doomed.contains(&t) || self.undone.contains(&t)
    }
}

/// What owners can read while restoring or checking: the specs and the two
/// hub owners every other owner refers to.
pub(crate) struct View<'a> {
    pub specs: &'a Specs,
    pub records: &'a Records,
    pub scopes: &'a Scopes,
}

/// The [`View`] of a `Workflow`'s specs, records and scopes, borrowing
/// only those three fields, so another owner of the same workflow can be
/// changed while it is read (a method borrowing all of `self` could not).
macro_rules! view_of {
    ($wf:expr) => {
        $crate::runtime::owner::View {
            specs: &$wf.specs,
            records: &$wf.records,
            scopes: &$wf.scopes,
        }
    };
}
pub(crate) use view_of;

impl View<'_> {
    /// A restore check: `what` refers to task `t`, which must exist.
    pub fn check_task(&self, t: u32, what: &str) -> Result<(), RestoreError> {
        if self.records.exists(t) {
            Ok(())
        } else {
            Err(RestoreError(format!(
                "{what} refers to task {t}, which does not exist"
            )))
        }
    }

    /// The data of task `t`'s parent (empty for a start), what a task's
    /// stored data is a delta against.
    pub fn parent_data(&self, t: u32) -> Data {
        let p = self.records.get(t).parent;
        if p == super::task::NO_TASK {
            Data::new()
        } else {
            (*self.records.data(p)).clone()
        }
    }
}

/// The operations every owner of runtime state provides. `Records` and
/// `Scopes` are the hub the others refer to: they offer the same
/// operations with the other owners' needs in mind (see their files).
pub(crate) trait StateOwner {
    /// Task `t` was just cancelled (its record is CANCELLED already): drop it
    /// from active indexes, keep what restoring it would need.
    fn cancel(&mut self, t: u32, view: &View);
    /// A reset: forget what `plan` removes, undo what it undoes. Runs after
    /// `Records` and `Scopes` applied the plan.
    fn remove(&mut self, plan: &ResetPlan, view: &View);
    /// Writes this owner's tables into `snap`.
    fn snapshot(&self, snap: &mut InstanceSnapshot, view: &View);
    /// Reads them back from `snap`, checking every index against `view`.
    fn restore(&mut self, snap: &InstanceSnapshot, view: &View) -> Result<(), RestoreError>;
    /// Checks this owner's invariants against the task records and scopes.
    fn check(&self, view: &View) -> Result<(), String>;
}
