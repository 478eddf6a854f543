//! How both instance stores (SQLite and PostgreSQL) represent what they
//! keep — times, task states, spec targets, queue rows — and the rules they
//! share: when a saved instance is next due and how long a claim lasts. One
//! copy, so the two backends cannot drift apart.

use std::time::Duration;

use jiff::Timestamp;

use super::store::{
    Claim, DeliveryKind, InstanceSave, InstanceStatus, NewSpec, QueueId, Queued, SpecFile,
    SpecTarget, StoreError,
};
use crate::runtime::TaskState;

/// A time as stored in the text columns (RFC 3339, as shown).
pub(super) fn time_text(t: Timestamp) -> String {
    t.to_string()
}

/// Reads [`time_text`]'s times.
pub(super) fn parse_time(s: &str) -> Result<Timestamp, StoreError> {
    s.parse()
        .map_err(|e| StoreError::BadRow(format!("time `{s}`: {e}")))
}

/// A task state as stored in the log.
pub(super) fn state_text(s: Option<TaskState>) -> Option<&'static str> {
    s.map(TaskState::name)
}

/// Reads [`state_text`]'s states (`None`: created or removed).
pub(super) fn parse_state(s: Option<String>) -> Result<Option<TaskState>, StoreError> {
    match s {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| StoreError::BadRow(format!("task state `{s}`"))),
    }
}

/// A time as stored in the due and claim columns: microseconds since 1970.
pub(super) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

/// The claim of `holder` until `until` (microseconds), if it lasts at `now`.
pub(super) fn live_claim(
    holder: Option<String>,
    until: Option<i64>,
    now: Timestamp,
) -> Option<Claim> {
    let (worker, until) = (holder?, until?);
    let until = Timestamp::from_microsecond(until).ok()?;
    (until > now).then_some(Claim { worker, until })
}

/// When an instance saved with `save` at revision `revision` is next due
/// (microseconds), given whether its queue holds items not tried at that
/// revision: now when engine work or such an item waits, else its earliest
/// timer; never once it has completed.
pub(super) fn due_at(save: &InstanceSave<'_>, untried: bool, now: Timestamp) -> Option<i64> {
    if save.status == InstanceStatus::Completed {
        None
    } else if save.pending || untried {
        Some(micros(now))
    } else {
        save.next_timer.map(micros)
    }
}

/// Whether `occurrence` of a timer start event is the one to start when
/// `done` were started: each once, in order.
pub(super) fn is_next_occurrence(done: u32, occurrence: u32) -> bool {
    done.checked_add(1) == Some(occurrence)
}

/// A spec target as stored: its kind word and its id.
pub(super) fn target_parts(t: &SpecTarget) -> (&'static str, &str) {
    match t {
        SpecTarget::Process(p) => ("process", p),
        SpecTarget::Collaboration(c) => ("collaboration", c),
    }
}

/// The end of a claim taken at `now` for `lease` (microseconds).
pub(super) fn lease_end(now: Timestamp, lease: Duration) -> i64 {
    micros(now).saturating_add(i64::try_from(lease.as_micros()).unwrap_or(i64::MAX))
}

/// A queue row read back.
pub(super) fn queued_row(
    id: QueueId,
    kind: &str,
    name: String,
    payload: &str,
    queued: &str,
) -> Result<Queued, StoreError> {
    Ok(Queued {
        id,
        kind: DeliveryKind::parse(kind)
            .ok_or_else(|| StoreError::BadRow(format!("queue kind `{kind}`")))?,
        name,
        payload: serde_json::from_str(payload)
            .map_err(|e| StoreError::BadRow(format!("queued payload: {e}")))?,
        queued: parse_time(queued)?,
    })
}

/// The files of `spec` with their kind, BPMN first.
pub(super) fn files_of(spec: &NewSpec) -> impl Iterator<Item = (&'static str, &SpecFile)> {
    spec.bpmn
        .iter()
        .map(|f| ("bpmn", f))
        .chain(spec.dmn.iter().map(|f| ("dmn", f)))
}
