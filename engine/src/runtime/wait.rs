//! What a waiting task (or an armed start event) waits for: per event
//! definition, a timer's due time, the correlation values it expects, and
//! which definitions of a parallel-multiple event were already seen.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Specs;
use super::iso8601::{parse_cycle, parse_date, parse_duration};
use crate::model::{Data, GraphIdx, MessageStyle, NodeIdx, NodeKind, NodeRef, Timer, Trigger};

/// The runtime side of an event wait.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Wait {
    /// Per definition of the node: when its timer is due (timers only).
    /// Always written, so a wait is never an empty struct (which RON would
    /// write as `()`).
    #[serde(default)]
    pub due: Vec<Option<Timestamp>>,
    /// Cycle timers: firings left after the next one (`None`: forever).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycles_left: Option<u32>,
    /// Parallel multiple: definitions already seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<bool>,
    /// Correlation values a message must carry to be caught here.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expect: BTreeMap<String, Value>,
    /// Parallel multiple: the payloads of the definitions seen so far
    /// (merged into the task's data when the last one arrives).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial: Vec<(u32, Value)>,
    /// Parallel multiple: the variable a payload in `partial` goes to when
    /// its thrower named one (camunda `resultVariable`), by definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partial_into: Vec<(u32, String)>,
    /// Conditional events: the condition held when it was last evaluated.
    /// A conditional event fires when its condition becomes true, so a
    /// non-interrupting boundary event re-armed by its firing (or a
    /// non-interrupting event subprocess start that fired) fires again only
    /// after the condition was seen false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held: bool,
}

/// Where the catcher of a message stores its payload, as the thrower says.
#[derive(Debug, Clone, PartialEq)]
pub enum Store {
    /// As the catching definition says.
    Catcher,
    /// In this variable (the thrower's camunda `resultVariable`).
    Variable(String),
    /// In `<catching element id>_Response` (a camunda throw without
    /// `resultVariable`, as SpiffWorkflow's camunda parser does), unless
    /// the catching definition names a variable.
    Response,
}

/// Something delivered to waiting tasks.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Message {
        name: String,
        payload: Value,
        correlations: BTreeMap<String, Value>,
        store: Store,
    },
    Signal {
        name: String,
        payload: Value,
    },
    Error {
        code: Option<String>,
        name: Option<String>,
        payload: Value,
    },
    Escalation {
        code: Option<String>,
        name: Option<String>,
        payload: Value,
    },
}

impl Delivery {
    /// The payload carried.
    pub fn payload(&self) -> &Value {
        match self {
            Delivery::Message { payload, .. }
            | Delivery::Signal { payload, .. }
            | Delivery::Error { payload, .. }
            | Delivery::Escalation { payload, .. } => payload,
        }
    }

    /// Whether trigger `t` catches this delivery (correlation aside).
    pub fn caught_by(&self, t: &Trigger) -> bool {
        match (self, t) {
            (Delivery::Message { name, .. }, Trigger::Message { name: n, .. }) => name == n,
            (Delivery::Signal { name, .. }, Trigger::Signal { name: n, .. }) => name == n,
            (Delivery::Error { code, .. }, Trigger::Error { code: c, .. }) => {
                c.is_none() || c == code
            }
            (Delivery::Escalation { code, .. }, Trigger::Escalation { code: c, .. }) => {
                c.is_none() || c == code
            }
            _ => false,
        }
    }

    /// Where the catching definition `t` (of element `catch_id`) puts
    /// this delivery's payload.
    pub fn target(&self, t: Option<&Trigger>, catch_id: &str) -> Target {
        let store = match self {
            Delivery::Message { store, .. } => store,
            _ => &Store::Catcher,
        };
        if let Store::Variable(v) = store {
            return Target::Variable(v.clone());
        }
        target_of(t, catch_id, store == &Store::Response)
    }

    /// For listings: "message order_paid".
    pub fn describe(&self) -> String {
        match self {
            Delivery::Message { name, .. } => format!("message `{name}`"),
            Delivery::Signal { name, .. } => format!("signal `{name}`"),
            Delivery::Error { code, name, .. } => {
                format!(
                    "error `{}`",
                    code.as_deref().or(name.as_deref()).unwrap_or("(no code)")
                )
            }
            Delivery::Escalation { code, name, .. } => {
                format!(
                    "escalation `{}`",
                    code.as_deref().or(name.as_deref()).unwrap_or("(no code)")
                )
            }
        }
    }
}

/// Where a caught payload goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Stored whole in this variable.
    Variable(String),
    /// A map is merged into the data; another value is stored under the
    /// key (the message or signal name); null is dropped.
    Merge(String),
    /// Dropped (a spiffworkflow catch without `messageVariable` or
    /// `variableName`).
    Drop,
}

/// Where catching definition `t` (of element `catch_id`) puts a payload
/// whose thrower named no variable; `response`: the thrower asked for
/// `<catch_id>_Response`.
pub fn target_of(t: Option<&Trigger>, catch_id: &str, response: bool) -> Target {
    match t {
        Some(Trigger::Message {
            variable: Some(v), ..
        }) => Target::Variable(v.clone()),
        _ if response => Target::Variable(format!("{catch_id}_Response")),
        Some(Trigger::Message {
            style: MessageStyle::Spiff,
            ..
        }) => Target::Drop,
        Some(
            Trigger::Signal { spiff: Some(p), .. }
            | Trigger::Error { spiff: Some(p), .. }
            | Trigger::Escalation { spiff: Some(p), .. },
        ) => match &p.variable {
            Some(v) => Target::Variable(v.clone()),
            None => Target::Drop,
        },
        Some(Trigger::Message { name, .. } | Trigger::Signal { name, .. }) => {
            Target::Merge(name.clone())
        }
        _ => Target::Merge("payload".into()),
    }
}

impl Target {
    /// Puts `payload` into `data`.
    pub fn apply(&self, data: &mut Data, payload: &Value) {
        match (self, payload) {
            (Target::Variable(v), p) => {
                data.insert(v.clone(), p.clone());
            }
            (Target::Drop, _) | (Target::Merge(_), Value::Null) => {}
            (Target::Merge(_), Value::Object(m)) => super::merge::merge_json(data, m),
            (Target::Merge(key), other) => {
                data.insert(key.clone(), other.clone());
            }
        }
    }
}

/// The event definitions of the waiting node at `r` (a catching event,
/// boundary event, receive task or start event).
pub fn triggers_of(specs: &Specs, r: NodeRef) -> (&[Trigger], bool) {
    match &specs.model.node(r).kind {
        NodeKind::Event(e) => (&e.triggers, e.parallel),
        NodeKind::ReceiveTask { message } => (std::slice::from_ref(message), false),
        _ => (&[], false),
    }
}

/// The text of a timer after evaluating its expression, if it has one.
pub fn timer_text(specs: &Specs, t: &Timer, data: &Data) -> Result<String, String> {
    let v = match t {
        Timer::Date(v) | Timer::Duration(v) | Timer::Cycle(v) => v,
    };
    match v.expr {
        None => Ok(v.text.clone()),
        Some(e) => {
            let Some(code) = specs.code(e) else {
                return Err(format!("the timer expression `{}` did not compile", v.text));
            };
            match specs.engine.eval(code, data) {
                Ok(Value::String(s)) => Ok(s),
                Ok(other) => Err(format!(
                    "the timer expression `{}` gave {other}, not an ISO 8601 text",
                    v.text
                )),
                Err(e) => Err(format!("the timer expression `{}` failed: {e}", v.text)),
            }
        }
    }
}

/// Arms a wait for node `r` reached at `now` with `data`: computes timer due
/// times and expected correlations.
pub fn arm(specs: &Specs, r: NodeRef, data: &Data, now: Timestamp) -> Result<Wait, String> {
    let (triggers, parallel) = triggers_of(specs, r);
    let mut w = Wait::default();
    if triggers.iter().any(|t| matches!(t, Trigger::Timer(_))) {
        w.due = vec![None; triggers.len()];
    }
    for (i, t) in triggers.iter().enumerate() {
        match t {
            Trigger::Timer(timer) => {
                let text = timer_text(specs, timer, data)?;
                let due = match timer {
                    Timer::Date(_) => parse_date(&text).map_err(|e| e.to_string())?,
                    Timer::Duration(_) => parse_duration(&text)
                        .map_err(|e| e.to_string())?
                        .after(now)
                        .ok_or_else(|| format!("`{text}` overflows the calendar"))?,
                    Timer::Cycle(_) => {
                        let c = parse_cycle(&text).map_err(|e| e.to_string())?;
                        if c.repetitions == Some(0) {
                            continue;
                        }
                        w.cycles_left = c.repetitions.map(|n| n - 1);
                        c.first_due(now)
                            .ok_or_else(|| format!("`{text}` overflows the calendar"))?
                    }
                };
                w.due[i] = Some(due);
            }
            Trigger::Message { from_data, .. } => {
                for c in from_data {
                    if let Some(code) = specs.code(c.expr) {
                        if let Ok(v) = specs.engine.eval(code, data) {
                            w.expect.insert(c.property.clone(), v);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if parallel {
        w.seen = vec![false; triggers.len()];
    }
    Ok(w)
}

/// For a cycle timer that just fired: the next due time, if any firing is left.
pub fn next_cycle(
    specs: &Specs,
    r: NodeRef,
    w: &Wait,
    fired_at: Timestamp,
    data: &Data,
) -> Option<Wait> {
    let (triggers, _) = triggers_of(specs, r);
    let (i, timer) = triggers.iter().enumerate().find_map(|(i, t)| match t {
        Trigger::Timer(tm @ Timer::Cycle(_)) => Some((i, tm)),
        _ => None,
    })?;
    if w.cycles_left == Some(0) {
        return None;
    }
    let text = timer_text(specs, timer, data).ok()?;
    let c = parse_cycle(&text).ok()?;
    let mut next = w.clone();
    next.due[i] = Some(c.period.after(fired_at)?);
    next.cycles_left = w.cycles_left.map(|n| n - 1);
    Some(next)
}

/// An armed start event: of a top-level process or collaboration
/// participant (`scope` None), or of an event subprocess in `scope`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Starter {
    /// Index of the scope whose event subprocess the start event belongs
    /// to; `None` for a process's own start event.
    pub scope: Option<u32>,
    /// The graph holding the start event.
    pub graph: u32,
    /// The start event's node index in `graph`.
    pub start: u32,
    /// The event subprocess node in the scope's graph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esp: Option<u32>,
    /// Keeps starting new instances (collaboration participants, non-
    /// interrupting event subprocesses).
    pub repeat: bool,
    /// Fired at least once.
    pub fired: bool,
    /// Fired and does not repeat: no longer armed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub spent: bool,
    /// What the start event waits for (its timers' due times, expected
    /// correlation values…).
    pub wait: Wait,
}

/// Which start event of which scope a starter is: (scope, graph, node).
pub type StarterKey = (Option<u32>, u32, u32);

impl Starter {
    /// Which start event of which scope it is.
    pub fn key(&self) -> StarterKey {
        (self.scope, self.graph, self.start)
    }

    /// The start event in the model.
    pub fn node(&self) -> NodeRef {
        NodeRef {
            graph: GraphIdx(self.graph),
            node: NodeIdx(self.start),
        }
    }
}
