//! Events at run time, what callers see of them: what the instance waits
//! for (`waiting_events`), what left it ([`OutEvent`]) and why an event
//! from outside was refused ([`EventError`]). How events behave is split
//! by what they do: `catching.rs` (waits catch and fire), `boundary.rs`,
//! `messages.rs` (messages and signals, delivery and correlation),
//! `timers.rs` (the clock and due timers), `starters.rs` (start events of
//! processes and event subprocesses) and `raise.rs` (throwing, errors and
//! escalations bubbling up, the outbox).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wait::{Wait, triggers_of};
use super::{TaskId, TaskState, Workflow};
use crate::model::{EventKind, NodeRef, Trigger};

/// An event that left the instance because nothing inside caught it (for
/// another program to deliver).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutEvent {
    /// [`EventKind::Message`], [`EventKind::Signal`] or
    /// [`EventKind::Escalation`] (or [`EventKind::Error`] for an error no
    /// one caught).
    pub kind: EventKind,
    /// The message or signal name, or the escalation code.
    pub name: String,
    /// What it carries (its payload expression's value; null without one).
    pub payload: Value,
    /// The message's correlation properties and their values (empty for
    /// signals, escalations and uncorrelated messages).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub correlations: BTreeMap<String, Value>,
    /// BPMN id of the element that threw it.
    pub thrown_by: String,
}

/// Something the instance waits for, for listings.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingEvent {
    /// The waiting task (None for a start event that will create an instance).
    pub task: Option<TaskId>,
    /// The BPMN id of the catching element.
    pub bpmn_id: String,
    /// What it waits for (message, signal, timer, error…).
    pub kind: EventKind,
    /// Message or signal name, error or escalation code.
    pub name: Option<String>,
    /// For timers: when it fires.
    pub due: Option<Timestamp>,
    /// A start event that creates a new process instance (of a process or
    /// collaboration participant) when its event arrives.
    pub starts_instance: bool,
}

/// An event or clock change from outside that was refused (the state is
/// unchanged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The duration to advance the clock by is not ISO 8601 (the parser's
    /// message).
    #[error("{0}")]
    Duration(String),
    /// The duration moves the clock past the last representable time.
    #[error("`{duration}` moves the clock out of range")]
    OutOfRange {
        /// The duration as given.
        duration: String,
    },
    /// The payload is nested too deeply (the depth check's message).
    #[error("{0}")]
    Payload(String),
    /// No task or start event waits for the message.
    #[error("nothing waits for message `{name}`{correlation}{waiting}")]
    NoMessageCatcher {
        /// The message name.
        name: String,
        /// The correlation values it carried, as ` with correlation k = v, …`
        /// (empty without any).
        correlation: String,
        /// What the instance waits for instead, as `; it waits for: …`.
        waiting: String,
    },
    /// The instance has no armed timer start event with this id.
    #[error("no armed timer start event `{id}`")]
    NoTimerStart {
        /// The start event's id.
        id: String,
    },
    /// No task or start event waits for the signal.
    #[error("nothing waits for signal `{name}`{waiting}")]
    NoSignalCatcher {
        /// The signal name.
        name: String,
        /// What the instance waits for instead, as `; it waits for: …`.
        waiting: String,
    },
}

impl Workflow {
    /// Events and timers the instance waits for.
    pub fn waiting_events(&self) -> Vec<WaitingEvent> {
        let mut out = Vec::new();
        let describe = |r: NodeRef,
                        w: &Wait,
                        task: Option<TaskId>,
                        starts_instance: bool,
                        out: &mut Vec<WaitingEvent>| {
            let (triggers, _) = triggers_of(&self.specs, r);
            let node = self.specs.model.node(r);
            for (i, t) in triggers.iter().enumerate() {
                let name = match t {
                    Trigger::Message { name, .. } | Trigger::Signal { name, .. } => {
                        Some(name.clone())
                    }
                    Trigger::Error { code, name, .. } | Trigger::Escalation { code, name, .. } => {
                        code.clone().or(name.clone())
                    }
                    _ => None,
                };
                out.push(WaitingEvent {
                    task,
                    bpmn_id: node.id.clone(),
                    kind: t.kind(),
                    name,
                    due: w.due.get(i).copied().flatten(),
                    starts_instance,
                });
            }
        };
        for (&t, w) in &self.events.waits {
            if self.records.state(t) == TaskState::Waiting {
                describe(
                    self.records.get(t).node,
                    w,
                    Some(TaskId(t)),
                    false,
                    &mut out,
                );
            }
        }
        for (k, st) in self.events.starters.iter() {
            if self.starter_armed(k) {
                describe(st.node(), &st.wait, None, st.scope.is_none(), &mut out);
            }
        }
        out
    }

    pub(super) fn waiting_summary(&self) -> String {
        let w: Vec<String> = self
            .waiting_events()
            .iter()
            .map(|e| match &e.name {
                Some(n) => format!("{} `{n}` ({})", e.kind, e.bpmn_id),
                None => format!("{} ({})", e.kind, e.bpmn_id),
            })
            .collect();
        if w.is_empty() {
            "; the instance waits for no event".into()
        } else {
            format!("; it waits for: {}", w.join(", "))
        }
    }
}
