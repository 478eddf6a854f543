//! Events at run time: catching (waits, boundary events, event-based
//! gateways, event subprocess and process start events), throwing
//! (messages, signals, errors and escalations bubbling up through
//! subprocesses and call activities), timers on a controllable clock, and
//! events from outside. What the instance waits for and what fired belongs
//! to the events owner (`event_state.rs`); every firing is logged there
//! with the task that caused it, so a reset can undo it.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::correlation;
use super::error::WorkflowError;
use super::event_state::{Fire, Fired};
use super::owner::View;
use super::owner::view_of;
use super::starters::{StarterId, armed};
use super::task::NO_TASK;
use super::timer::parse_duration;
use super::wait::{
    Delivery, Starter, StarterKey, Store, Target, Wait, arm, next_cycle, target_of, triggers_of,
};
use super::{TaskId, TaskState, Workflow};
use crate::model::{
    Data, EventNode, EventPosition, GraphIdx, MessageStyle, NodeIdx, NodeKind, NodeRef,
    SpiffPayload, Timer, Trigger,
};

/// An event that left the instance because nothing inside caught it (for
/// another program to deliver).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutEvent {
    /// `message`, `signal` or `escalation`.
    pub kind: String,
    pub name: String,
    pub payload: Value,
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
    pub bpmn_id: String,
    /// `message`, `signal`, `timer`, `error`…
    pub kind: String,
    /// Message or signal name, error or escalation code.
    pub name: Option<String>,
    /// For timers: when it fires.
    pub due: Option<Timestamp>,
    /// A start event that creates a new process instance (of a process or
    /// collaboration participant) when its event arrives.
    pub starts_instance: bool,
}

/// An event from outside that nothing waits for (the state is unchanged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError(pub String);

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EventError {}

/// The payloads a parallel-multiple wait `w` collected, with where each
/// goes; `w` forgets them.
fn partial_payloads(
    w: &mut Wait,
    triggers: &[Trigger],
    catch_id: &str,
) -> Vec<(u32, Value, Target)> {
    let into = std::mem::take(&mut w.partial_into);
    std::mem::take(&mut w.partial)
        .into_iter()
        .map(|(i, p)| {
            let target = match into.iter().find(|(j, _)| *j == i) {
                Some((_, v)) => Target::Variable(v.clone()),
                None => target_of(triggers.get(i as usize), catch_id, false),
            };
            (i, p, target)
        })
        .collect()
}

impl Workflow {
    // ----- the clock ------------------------------------------------------

    /// The time timers compare against.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Whether the clock is virtual (set with [`Workflow::set_now`] or
    /// moved with [`Workflow::advance`]).
    pub fn clock_is_virtual(&self) -> bool {
        self.clock.is_virtual()
    }

    /// Sets a virtual clock (timers then fire only when it passes their due time).
    pub fn set_now(&mut self, t: Timestamp) {
        let at = self.records.tick();
        self.clock.set(t, at);
    }

    /// Moves the clock forward by an ISO 8601 duration (`PT2H`); a real clock
    /// becomes virtual, starting from the real time.
    pub fn advance(&mut self, duration: &str) -> Result<(), EventError> {
        let d = parse_duration(duration).map_err(EventError)?;
        let now = self.clock.now();
        let t = d
            .after(now)
            .ok_or_else(|| EventError(format!("`{duration}` moves the clock out of range")))?;
        self.set_now(t);
        Ok(())
    }

    // ----- listings -------------------------------------------------------

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
                    kind: t.kind_name().to_string(),
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

    /// Messages, signals and escalations nothing inside caught, oldest first.
    pub fn outbox(&self) -> &[OutEvent] {
        &self.events.outbox
    }

    // ----- events from outside -------------------------------------------

    /// Delivers a message from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_message(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        crate::model::check_value_depth("the payload", &payload).map_err(EventError)?;
        let correlations = self.correlations_for(name, &payload);
        let carried = if correlations.is_empty() {
            String::new()
        } else {
            let pairs: Vec<String> = correlations
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            format!(" with correlation {}", pairs.join(", "))
        };
        let d = Delivery::Message {
            name: name.to_string(),
            payload,
            correlations,
            store: Store::Catcher,
        };
        if self.deliver(&d, NO_TASK) == 0 {
            return Err(EventError(format!(
                "nothing waits for message `{name}`{carried}{}",
                self.waiting_summary()
            )));
        }
        Ok(())
    }

    /// Broadcasts a signal from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_signal(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        crate::model::check_value_depth("the payload", &payload).map_err(EventError)?;
        let d = Delivery::Signal {
            name: name.to_string(),
            payload,
        };
        if self.deliver(&d, NO_TASK) == 0 {
            return Err(EventError(format!(
                "nothing waits for signal `{name}`{}",
                self.waiting_summary()
            )));
        }
        Ok(())
    }

    fn waiting_summary(&self) -> String {
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

    /// Correlation values of message `name` computed from `payload` with the
    /// retrieval expressions of the diagrams' message definitions.
    fn correlations_for(&self, name: &str, payload: &Value) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        let Value::Object(data) = payload else {
            return out;
        };
        let data = &Data::from(data.clone());
        for c in self.specs.message_properties(name) {
            if let Some(code) = self.specs.code(c.expr) {
                if let Ok(v) = self.specs.engine.eval(code, data) {
                    out.insert(c.property.clone(), v);
                }
            }
        }
        out
    }

    // ----- delivering -----------------------------------------------------

    /// Whether message delivery `d` correlates with a wait `w` that reads
    /// the correlation values of scopes `chain` (innermost first).
    fn correlation_ok(&self, chain: &[u32], w: &Wait, d: &Delivery) -> bool {
        let Delivery::Message {
            name, correlations, ..
        } = d
        else {
            return true;
        };
        let props = self.specs.message_properties(name);
        correlation::correlates(
            props.iter().map(|c| c.property.as_str()),
            |p| w.expect.get(p).or_else(|| self.events.lookup(chain, p)),
            correlations,
        )
    }

    /// A view of the hub owners, for the events owner.
    fn hub_view(&self) -> View<'_> {
        view_of!(self)
    }

    /// The waiting tasks that catch `d`, with the definition that does, in
    /// task order: for a message the first that correlates (looked up in
    /// the message index), for a signal every one.
    fn catching_waits(&self, d: &Delivery) -> Vec<(u32, usize)> {
        let candidates: Vec<u32> = match d {
            Delivery::Message {
                name, correlations, ..
            } => match self.specs.message_id(name) {
                Some(id) => self.events.messages.candidates(id, correlations),
                // No diagram mentions it: nothing waits for it.
                None => Vec::new(),
            },
            Delivery::Signal { name, .. } => self.events.signal_waits(name),
            // Errors and escalations are raised (`raise`), not delivered.
            _ => Vec::new(),
        };
        let broadcast = matches!(d, Delivery::Signal { .. });
        let mut hits = Vec::new();
        for t in candidates {
            if self.records.state(t) != TaskState::Waiting {
                continue;
            }
            let Some(w) = self.events.waits.get(&t) else {
                continue;
            };
            let r = self.records.get(t).node;
            let (triggers, _) = triggers_of(&self.specs, r);
            let Some(i) = triggers.iter().position(|tr| d.caught_by(tr)) else {
                continue;
            };
            // Error and escalation boundaries are reached by bubbling, not here.
            if matches!(d, Delivery::Message { .. }) {
                let chain = correlation::chain(&self.hub_view(), t);
                if !self.correlation_ok(&chain, w, d) {
                    continue;
                }
            }
            hits.push((t, i));
            if !broadcast {
                break;
            }
        }
        hits
    }

    /// Whether start event `k` is armed: not spent, and its scope (for an
    /// event subprocess) runs and was not interrupted.
    pub(crate) fn starter_armed(&self, k: StarterId) -> bool {
        armed(&self.events.starters[k], &self.scopes)
    }

    /// Delivers a message or signal (thrown by task `by`, or from outside)
    /// to the waits and start events that catch it: a message to the first
    /// (in task order), a signal to all. Returns how many caught it.
    pub(crate) fn deliver(&mut self, d: &Delivery, by: u32) -> usize {
        let broadcast = matches!(d, Delivery::Signal { .. });
        let hits = self.catching_waits(d);
        let mut start_hits: Vec<(StarterKey, usize)> = Vec::new();
        if broadcast || hits.is_empty() {
            // The armed start events filed under the name, in order.
            let candidates = match d {
                Delivery::Message { name, .. } => self.events.starters.catching_message(name),
                Delivery::Signal { name, .. } => self.events.starters.catching_signal(name),
                _ => Vec::new(),
            };
            for k in candidates {
                let st = &self.events.starters[k];
                if !self.starter_armed(k) {
                    continue;
                }
                let (triggers, _) = triggers_of(&self.specs, st.node());
                let Some(i) = triggers.iter().position(|tr| d.caught_by(tr)) else {
                    continue;
                };
                let chain = st
                    .scope
                    .map(|s| correlation::chain_from(&self.hub_view(), s))
                    .unwrap_or_default();
                if !self.correlation_ok(&chain, &st.wait, d) {
                    continue;
                }
                start_hits.push((st.key(), i));
                if !broadcast {
                    break;
                }
            }
        }
        let n = hits.len() + start_hits.len();
        for (t, i) in hits {
            if self.records.state(t) == TaskState::Waiting {
                self.catch_at(t, i, d, by);
            }
        }
        // Firing one may put others away (an interrupted scope): find each
        // by its key when its turn comes.
        for (key, i) in start_hits {
            if let Some(k) = self.events.starters.id_of(key) {
                if self.starter_armed(k) {
                    self.fire_starter(k, i, Some(d), by);
                }
            }
        }
        n
    }

    /// Records that definition `i` of waiting task `t` caught `d` (thrown by
    /// `by`); fires the task when its event is complete (all definitions for
    /// parallel multiple).
    fn catch_at(&mut self, t: u32, i: usize, d: &Delivery, by: u32) {
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let catch_id = &specs.model.node(r).id;
        let (triggers, parallel) = triggers_of(&specs, r);
        if let Delivery::Message { correlations, .. } = d {
            let view = view_of!(self);
            if let Some(s) = correlation::owner(&view, t) {
                self.events.correlate(s, correlations, t, &view);
            }
        }
        let target = d.target(triggers.get(i), catch_id);
        let payloads: Vec<(u32, Value, Target)> = if parallel {
            let w = self
                .events
                .waits
                .get_mut(&t)
                .expect("caught by a waiting task");
            if let Some(s) = w.seen.get_mut(i) {
                *s = true;
            }
            w.partial.push((i as u32, d.payload().clone()));
            if let Target::Variable(v) = &target {
                w.partial_into.push((i as u32, v.clone()));
            }
            if !w.seen.iter().all(|s| *s) {
                self.events.refile_timer(t);
                return;
            }
            partial_payloads(w, triggers, catch_id)
        } else {
            vec![(i as u32, d.payload().clone(), target)]
        };
        let mut data = (*self.records.data(t)).clone();
        for (_, p, target) in &payloads {
            target.apply(&mut data, p);
        }
        self.fire_wait(t, None, Arc::new(data), by);
    }

    /// The waiting task `t` fires with `data` (its data plus what its event
    /// brought), because task `by` threw the event (`NO_TASK`: from outside
    /// or a timer, which `timer_fired_at` tells): boundary and gateway
    /// effects, then READY. The firing is logged for resets.
    pub(crate) fn fire_wait(
        &mut self,
        t: u32,
        timer_fired_at: Option<Timestamp>,
        data: Arc<Data>,
        by: u32,
    ) {
        if !self.events.waits.contains_key(&t) {
            return;
        }
        self.unindex_wait(t);
        let view = view_of!(self);
        let Some(mut w) = self.events.take_wait(t, &view) else {
            return;
        };
        w.partial.clear();
        w.partial_into.clear();
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let node = specs.model.node(r);
        let parent = self.records.get(t).parent;
        let before = self.records.data(t).clone();
        let mut rearmed = None;
        if let NodeKind::Event(EventNode {
            position: EventPosition::Boundary {
                cancel_activity, ..
            },
            triggers,
            ..
        }) = &node.kind
        {
            let a = parent;
            if *cancel_activity {
                self.cancel_activity(a, t);
            } else {
                // Non-interrupting: the event can happen again while the
                // activity runs (a cycle timer once per cycle).
                let timer_one_shot = triggers
                    .iter()
                    .all(|tr| matches!(tr, Trigger::Timer(Timer::Date(_) | Timer::Duration(_))));
                let next = match timer_fired_at {
                    Some(at) => next_cycle(&specs, r, &w, at, &before),
                    None if timer_one_shot => None,
                    None => arm(&specs, r, &self.records.data(a), self.clock.now()).ok(),
                };
                if let Some(next) = next {
                    let s = self.records.get(t).scope;
                    let adata = self.records.data(a).clone();
                    let b = self.push_task(s, r.node, a, adata, TaskState::Waiting);
                    let view = view_of!(self);
                    self.events.insert_wait(b, next, &view);
                    self.index_wait(b);
                    rearmed = Some(b);
                }
            }
        } else if parent != NO_TASK
            && matches!(
                specs.model.node(self.records.get(parent).node).kind,
                NodeKind::EventBasedGateway
            )
        {
            // The first event after an event-based gateway wins.
            let siblings: Vec<u32> = self
                .events
                .waits_under(parent)
                .into_iter()
                .filter(|&x| self.records.state(x) == TaskState::Waiting)
                .collect();
            for x in siblings {
                self.cancel_task(x, t);
            }
        }
        // Kept as it was armed, for a reset that makes the task wait again.
        if !w.seen.is_empty() {
            w.seen.iter_mut().for_each(|x| *x = false);
        }
        let at = self.records.tick();
        self.events.fires.push(Fire {
            what: Fired::Catch {
                task: t,
                before,
                wait: *w,
                rearmed,
            },
            by,
            cond: false,
            at,
        });
        self.records.set_data(t, data);
        self.records.set_state(t, TaskState::Ready);
        self.events.fired.insert(t);
        self.records.enqueue(t, false);
    }

    /// Cancels activity `a` and its boundary events (an interrupting event,
    /// task `cause`, fired).
    fn cancel_activity(&mut self, a: u32, cause: u32) {
        if !self.records.state(a).is_live() {
            return;
        }
        self.cancel_task(a, cause);
        self.cancel_boundaries(a, cause);
    }

    /// The WAITING boundary events of activity `a`, in task order (found
    /// by the events owner's index of waits by parent).
    pub(crate) fn waiting_boundaries(&self, a: u32) -> Vec<u32> {
        self.events
            .waits_under(a)
            .into_iter()
            .filter(|&b| {
                self.records.state(b) == TaskState::Waiting
                    && matches!(
                        self.specs.model.node(self.records.get(b).node).kind,
                        NodeKind::Event(EventNode {
                            position: EventPosition::Boundary { .. },
                            ..
                        })
                    )
            })
            .collect()
    }

    /// Cancels the waiting boundary events of activity `a` (because task
    /// `cause` ran: `a` itself when it completed).
    pub(crate) fn cancel_boundaries(&mut self, a: u32, cause: u32) {
        if self
            .specs
            .model
            .node(self.records.get(a).node)
            .boundary
            .is_empty()
        {
            return;
        }
        for b in self.waiting_boundaries(a) {
            self.cancel_task(b, cause);
        }
    }

    /// Arms the boundary events of activity `a` (just reached).
    pub(crate) fn arm_boundaries(&mut self, a: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.records.get(a).node;
        let node = specs.model.node(r);
        for &b in &node.boundary {
            let br = NodeRef {
                graph: r.graph,
                node: b,
            };
            let Some(ev) = specs.model.node(br).kind.event() else {
                continue;
            };
            // Compensation boundaries are not waits: they name a handler.
            if ev
                .triggers
                .iter()
                .all(|t| matches!(t, Trigger::Compensate { .. }))
            {
                continue;
            }
            let data = self.records.data(a).clone();
            let w = match arm(&specs, br, &data, self.clock.now()) {
                Ok(w) => w,
                Err(e) => {
                    return Err(self.fail(
                        a,
                        format!("boundary event `{}`: {e}", specs.model.node(br).id),
                    ));
                }
            };
            let s = self.records.get(a).scope;
            let t = self.push_task(s, b, a, data, TaskState::Waiting);
            let view = view_of!(self);
            self.events.insert_wait(t, w, &view);
            self.index_wait(t);
            self.check_conditional(t);
        }
        Ok(())
    }

    /// A catching event or receive task was reached: wait (or pass through a
    /// link catch, or a conditional that already holds).
    pub(crate) fn start_waiting(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let (triggers, _) = triggers_of(&specs, r);
        if triggers.iter().all(|tr| matches!(tr, Trigger::Link { .. })) {
            return self.complete(t);
        }
        let w = match arm(&specs, r, &self.records.data(t), self.clock.now()) {
            Ok(w) => w,
            Err(e) => return Err(self.fail(t, e)),
        };
        self.records.set_state(t, TaskState::Waiting);
        let view = view_of!(self);
        self.events.insert_wait(t, w, &view);
        self.index_wait(t);
        self.check_conditional(t);
        Ok(())
    }

    // ----- throwing -------------------------------------------------------

    /// Throws the definitions of the throwing event (or send task) `t`.
    pub(crate) fn throw(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let node = specs.model.node(r);
        let triggers: Vec<Trigger> = match &node.kind {
            NodeKind::Event(e) => e.triggers.clone(),
            NodeKind::SendTask { message } => vec![message.clone()],
            _ => Vec::new(),
        };
        for tr in &triggers {
            let data = self.records.data(t).clone();
            match tr {
                Trigger::Message {
                    name,
                    payload,
                    variable,
                    style,
                    from_payload,
                    ..
                } => {
                    let value = match payload {
                        Some(e) => match specs.code(*e).map(|c| specs.engine.eval(c, &data)) {
                            Some(Ok(v)) => v,
                            Some(Err(err)) => {
                                return Err(self.fail(t, format!("message payload failed: {err}")));
                            }
                            None => {
                                return Err(
                                    self.fail(t, "the message payload did not compile".into())
                                );
                            }
                        },
                        // SpiffWorkflow's spiff parser sends nothing without
                        // a messagePayload; the others a copy of the data.
                        None if *style == MessageStyle::Spiff => Value::Object(Default::default()),
                        None => data.to_json(),
                    };
                    let mut correlations = BTreeMap::new();
                    if let Value::Object(p) = &value {
                        let p = &Data::from(p.clone());
                        for c in from_payload {
                            if let Some(Ok(v)) =
                                specs.code(c.expr).map(|code| specs.engine.eval(code, p))
                            {
                                correlations.insert(c.property.clone(), v);
                            }
                        }
                    }
                    let view = view_of!(self);
                    if let Some(s) = correlation::owner(&view, t) {
                        self.events.correlate(s, &correlations, t, &view);
                    }
                    let store = match (style, variable) {
                        (MessageStyle::Camunda, Some(v)) => Store::Variable(v.clone()),
                        (MessageStyle::Camunda, None) => Store::Response,
                        _ => Store::Catcher,
                    };
                    let d = Delivery::Message {
                        name: name.clone(),
                        payload: value,
                        correlations,
                        store,
                    };
                    if self.deliver(&d, t) == 0 {
                        self.outbox_push(&d, &node.id, t);
                    }
                }
                Trigger::Signal { name, spiff } => {
                    let d = Delivery::Signal {
                        name: name.clone(),
                        payload: self.item_payload(t, spiff.as_ref(), &data)?,
                    };
                    if self.deliver(&d, t) == 0 {
                        self.outbox_push(&d, &node.id, t);
                    }
                }
                Trigger::Error { code, name, spiff } => {
                    let d = Delivery::Error {
                        code: code.clone(),
                        name: name.clone(),
                        payload: self.item_payload(t, spiff.as_ref(), &data)?,
                    };
                    if !self.raise(t, &d) {
                        let what = d.describe();
                        return Err(self.fail(t, format!("{what} was thrown and nothing caught it (add an error boundary event or event subprocess that catches it)")));
                    }
                }
                Trigger::Escalation { code, name, spiff } => {
                    let d = Delivery::Escalation {
                        code: code.clone(),
                        name: name.clone(),
                        payload: self.item_payload(t, spiff.as_ref(), &data)?,
                    };
                    if !self.raise(t, &d) {
                        self.outbox_push(&d, &node.id, t);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// What a signal, error or escalation thrown by task `t` (with `data`)
    /// carries: a copy of the data, or in a file for SpiffWorkflow's spiff
    /// parser the value of its `payloadExpression` (null without one).
    fn item_payload(
        &mut self,
        t: u32,
        spiff: Option<&SpiffPayload>,
        data: &Data,
    ) -> Result<Value, WorkflowError> {
        let Some(p) = spiff else {
            return Ok(data.to_json());
        };
        let Some(e) = p.payload else {
            return Ok(Value::Null);
        };
        let specs = self.specs.clone();
        let value = match specs.code(e).map(|c| specs.engine.eval(c, data)) {
            Some(Ok(v)) => v,
            Some(Err(err)) => {
                return Err(self.fail(t, format!("payloadExpression failed: {err}")));
            }
            None => return Err(self.fail(t, "the payloadExpression did not compile".into())),
        };
        if let Err(e) = crate::model::check_value_depth("the payload", &value) {
            return Err(self.fail(t, e));
        }
        Ok(value)
    }

    fn outbox_push(&mut self, d: &Delivery, bpmn_id: &str, by: u32) {
        let (kind, name, correlations) = match d {
            Delivery::Message {
                name, correlations, ..
            } => ("message", name.clone(), correlations.clone()),
            Delivery::Signal { name, .. } => ("signal", name.clone(), BTreeMap::new()),
            Delivery::Error { code, name, .. } => (
                "error",
                code.clone().or(name.clone()).unwrap_or_default(),
                BTreeMap::new(),
            ),
            Delivery::Escalation { code, name, .. } => (
                "escalation",
                code.clone().or(name.clone()).unwrap_or_default(),
                BTreeMap::new(),
            ),
        };
        self.events.outbox.push(OutEvent {
            kind: kind.into(),
            name,
            payload: d.payload().clone(),
            correlations,
            thrown_by: bpmn_id.to_string(),
        });
        self.events.outbox_by.push(by);
    }

    /// An error or escalation thrown by task `t` looks for a catcher: event
    /// subprocesses of its scope, then boundary events of the enclosing
    /// subprocess or call activity, then that one's scope, and so on up.
    fn raise(&mut self, t: u32, d: &Delivery) -> bool {
        let mut s = self.records.get(t).scope;
        loop {
            let starter = self.events.starters.of_scope(s).into_iter().find_map(|k| {
                let st = &self.events.starters[k];
                if !self.starter_armed(k) {
                    return None;
                }
                let (triggers, _) = triggers_of(&self.specs, st.node());
                triggers
                    .iter()
                    .position(|tr| d.caught_by(tr))
                    .map(|i| (k, i))
            });
            if let Some((k, i)) = starter {
                self.fire_starter(k, i, Some(d), t);
                return true;
            }
            let Some(p) = self.scopes.get(s).container else {
                return false;
            };
            let boundary = self.waiting_boundaries(p).into_iter().find_map(|b| {
                let r = self.records.get(b).node;
                let NodeKind::Event(EventNode { triggers, .. }) = &self.specs.model.node(r).kind
                else {
                    return None;
                };
                triggers
                    .iter()
                    .position(|tr| d.caught_by(tr))
                    .map(|i| (b, i))
            });
            if let Some((b, i)) = boundary {
                self.catch_at(b, i, d, t);
                return true;
            }
            s = self.records.get(p).scope;
        }
    }

    // ----- start events ---------------------------------------------------

    /// Arms the start events of the event subprocesses of scope `s`.
    pub(crate) fn arm_event_subprocesses(&mut self, s: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes.get(s).graph);
        for &e in &graph.event_subprocesses {
            let NodeKind::EventSubProcess { graph: body } = graph.node(e).kind else {
                continue;
            };
            let Some(&start) = specs.model.graph(body).trigger_starts.first() else {
                continue;
            };
            let r = NodeRef {
                graph: body,
                node: start,
            };
            let interrupting = matches!(
                specs.model.node(r).kind.event().map(|e| e.position),
                Some(EventPosition::Start { interrupting: true })
            );
            let data = self.scope_data(s);
            let Ok(wait) = arm(&specs, r, &data, self.clock.now()) else {
                continue;
            };
            let st = Starter {
                scope: Some(s),
                graph: body.0,
                start: start.0,
                esp: Some(e.0),
                repeat: !interrupting,
                fired: false,
                spent: false,
                wait,
            };
            self.events.starters.push(st, &specs, &self.scopes);
        }
        self.index_starts(s);
    }

    /// Arms the start events with definitions of top-level graph `g`
    /// (a process that starts on a message, signal, timer or condition).
    pub(crate) fn arm_process_starts(&mut self, g: GraphIdx, repeat: bool) {
        let specs = self.specs.clone();
        for &start in &specs.model.graph(g).trigger_starts {
            let r = NodeRef {
                graph: g,
                node: start,
            };
            let Ok(wait) = arm(&specs, r, &self.scopes.initial, self.clock.now()) else {
                continue;
            };
            let st = Starter {
                scope: None,
                graph: g.0,
                start: start.0,
                esp: None,
                repeat,
                fired: false,
                spent: false,
                wait,
            };
            self.events.starters.push(st, &specs, &self.scopes);
        }
    }

    /// The data of scope `s` now: the last task that completed in it, or what
    /// it started with.
    pub(crate) fn scope_data(&self, s: u32) -> Arc<Data> {
        let scope = self.scopes.get(s);
        match (scope.last_done, scope.container) {
            (Some(t), _) => self.records.data(t).clone(),
            (None, Some(p)) => self.records.data(p).clone(),
            (None, None) => self.scopes.initial.clone(),
        }
    }

    /// Starter `k` fires (definition `i`, delivery `d`; a timer or condition
    /// when None), because task `by` threw (or `NO_TASK`).
    pub(crate) fn fire_starter(&mut self, k: StarterId, i: usize, d: Option<&Delivery>, by: u32) {
        let specs = self.specs.clone();
        let before = self.events.starters[k].clone();
        let r = before.node();
        let (triggers, parallel) = triggers_of(&specs, r);
        if parallel {
            let complete = self.events.starters.update(k, &specs, &self.scopes, |st| {
                if let Some(s) = st.wait.seen.get_mut(i) {
                    *s = true;
                }
                st.wait.seen.iter().all(|s| *s)
            });
            if !complete {
                return;
            }
        }
        let start_id = &specs.model.node(r).id;
        let target = d.map(|d| d.target(triggers.get(i), start_id));
        let pending_before = self.scopes.pending_starts as u32;
        if before.scope.is_none() {
            // An instance exists now; the workflow can complete when it ends.
            self.scopes.pending_starts = 0;
        }
        let timer = triggers.iter().any(|t| matches!(t, Trigger::Timer(_))) && d.is_none();
        let keep = if timer {
            let at = before
                .wait
                .due
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or_else(|| self.clock.now());
            match next_cycle(&specs, r, &before.wait, at, &self.scopes.initial) {
                Some(w) => {
                    self.events
                        .starters
                        .update(k, &specs, &self.scopes, |st| st.wait = w);
                    true
                }
                None => false,
            }
        } else {
            before.repeat
        };
        self.events.starters.update(k, &specs, &self.scopes, |st| {
            st.fired = true;
            if keep {
                if !st.wait.seen.is_empty() {
                    let n = st.wait.seen.len();
                    st.wait.seen = vec![false; n];
                }
            } else {
                st.spent = true;
            }
        });
        let (created, data) = match before.scope {
            None => {
                let mut data = (*self.scopes.initial).clone();
                if let (Some(d), Some(target)) = (d, &target) {
                    target.apply(&mut data, d.payload());
                }
                let data = Arc::new(data);
                let g = GraphIdx(before.graph);
                let s = self
                    .scopes
                    .open(g, None, 0, specs.model.graph(g).has_or_joins());
                self.objects.open(s, GraphIdx(before.graph), &specs);
                let created = self.push_task(
                    s,
                    NodeIdx(before.start),
                    NO_TASK,
                    data.clone(),
                    TaskState::Ready,
                );
                if let Some(Delivery::Message { correlations, .. }) = d {
                    // The conversation's correlations go with its start.
                    let view = view_of!(self);
                    self.events.correlate(s, correlations, created, &view);
                }
                self.arm_event_subprocesses(s);
                (created, data)
            }
            Some(s) => {
                let interrupting = matches!(
                    specs.model.node(r).kind.event().map(|e| e.position),
                    Some(EventPosition::Start { interrupting: true })
                );
                let mut data = (*self.scope_data(s)).clone();
                if let (Some(d), Some(target)) = (d, &target) {
                    target.apply(&mut data, d.payload());
                }
                let esp = NodeIdx(before.esp.unwrap_or(0));
                let parent = self
                    .scopes
                    .get(s)
                    .last_done
                    .or(self.scopes.get(s).container)
                    .unwrap_or(NO_TASK);
                let data = Arc::new(data);
                let e = self.push_task(s, esp, parent, data.clone(), TaskState::Started);
                if interrupting {
                    // Everything else the scope runs stops; its other start
                    // events are disarmed (the scope is interrupted).
                    let mut live: Vec<u32> = self
                        .scopes
                        .get(s)
                        .live
                        .iter()
                        .copied()
                        .filter(|&x| x != e)
                        .collect();
                    live.sort_unstable();
                    for x in live {
                        self.cancel_task(x, e);
                    }
                    self.scopes.get_mut(s).terminated_by = Some(e);
                    // Its start events are no longer armed.
                    self.events.starters.refile_scope(s, &specs, &self.scopes);
                }
                let key = (before.graph, before.start);
                self.scopes.get_mut(s).awaiting.retain(|a| *a != key);
                let depth = self.scopes.get(s).depth + 1;
                let g = GraphIdx(before.graph);
                let or_joins = specs.model.graph(g).has_or_joins();
                let c = self.scopes.open(g, Some(e), depth, or_joins);
                self.scopes.get_mut(c).entry = Some(data.clone());
                self.objects.open(c, GraphIdx(before.graph), &specs);
                self.push_task(c, NodeIdx(before.start), e, data.clone(), TaskState::Ready);
                if let Some(Delivery::Message { correlations, .. }) = d {
                    // The event subprocess instance that caught the message
                    // keeps its correlation values.
                    let view = view_of!(self);
                    self.events.correlate(c, correlations, e, &view);
                }
                self.arm_event_subprocesses(c);
                (e, data)
            }
        };
        let at = self.records.tick();
        self.events.fires.push(Fire {
            what: Fired::Start {
                before,
                created,
                data,
                pending_before,
            },
            by,
            cond: false,
            at,
        });
    }

    // ----- timers ---------------------------------------------------------

    /// The earliest timer due at the current time: when, and the waiting
    /// task or the start event (by index) it belongs to.
    pub(crate) fn next_due_timer(&self) -> Option<(Timestamp, Result<u32, StarterId>)> {
        // Both indexes are ordered by due time: their first entries are the
        // earliest (a wait's before a start event's due at the same time).
        // Without an armed timer this reads neither the clock nor anything
        // else.
        let wait = self
            .events
            .timers
            .iter()
            .find(|(_, t)| self.records.state(*t) == TaskState::Waiting)
            .map(|&(d, t)| (d, Ok(t)));
        let start = self.events.starters.next_timer().map(|(d, k)| (d, Err(k)));
        let best = match (wait, start) {
            (Some(w), Some(s)) => Some(if s.0 < w.0 { s } else { w }),
            (w, s) => w.or(s),
        }?;
        (best.0 <= self.clock.now()).then_some(best)
    }

    /// Fires the earliest timer due at the current time. Returns whether
    /// one fired.
    pub(crate) fn fire_due_timers(&mut self) -> bool {
        let Some((at, who)) = self.next_due_timer() else {
            return false;
        };
        // Fire only the earliest; the caller loops, so later timers (and
        // re-armed cycles) fire in due order after what this one started.
        match who {
            Err(k) => self.fire_starter(k, 0, None, NO_TASK),
            Ok(t) => {
                let r = self.records.get(t).node;
                let (_, parallel) = triggers_of(&self.specs, r);
                let w = &self.events.waits[&t];
                let i = (0..w.due.len())
                    .find(|&i| w.due[i] == Some(at) && !w.seen.get(i).copied().unwrap_or(false))
                    .unwrap_or(0);
                if parallel {
                    let w = self.events.waits.get_mut(&t).expect("timer wait");
                    w.seen[i] = true;
                    if !w.seen.iter().all(|s| *s) {
                        self.events.refile_timer(t);
                        return true;
                    }
                    let specs = self.specs.clone();
                    let (triggers, _) = triggers_of(&specs, r);
                    let catch_id = &specs.model.node(r).id;
                    let mut data = (*self.records.data(t)).clone();
                    for (_, p, target) in partial_payloads(w, triggers, catch_id) {
                        target.apply(&mut data, &p);
                    }
                    self.fire_wait(t, Some(at), Arc::new(data), NO_TASK);
                    return true;
                }
                let data = self.records.data(t).clone();
                self.fire_wait(t, Some(at), data, NO_TASK);
            }
        }
        true
    }
}
