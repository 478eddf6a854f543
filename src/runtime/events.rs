//! Events at run time: catching (waits, boundary events, event-based
//! gateways, event subprocess and process start events), throwing
//! (messages, signals, errors and escalations bubbling up through
//! subprocesses and call activities), timers on a controllable clock, and
//! events from outside.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::WorkflowError;
use super::merge::deep_merge;
use super::scope::Scope;
use super::task::{NO_TASK, TaskRecord};
use super::timer::parse_duration;
use super::wait::{Delivery, Starter, Wait, arm, next_cycle, triggers_of};
use super::{TaskId, TaskState, Workflow};
use crate::model::{
    Data, EventNode, EventPosition, GraphIdx, NodeIdx, NodeKind, NodeRef, Timer, Trigger,
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

fn payload_into(data: &mut Data, payload: &Value, variable: Option<&str>, fallback_key: &str) {
    match (variable, payload) {
        (Some(v), p) => {
            data.insert(v.to_string(), p.clone());
        }
        (None, Value::Object(m)) => deep_merge(data, m),
        (None, Value::Null) => {}
        (None, other) => {
            data.insert(fallback_key.to_string(), other.clone());
        }
    }
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
        self.clock.set(t);
    }

    /// Moves the clock forward by an ISO 8601 duration (`PT2H`); a real clock
    /// becomes virtual, starting from the real time.
    pub fn advance(&mut self, duration: &str) -> Result<(), EventError> {
        let d = parse_duration(duration).map_err(EventError)?;
        let now = self.clock.now();
        let t = d
            .after(now)
            .ok_or_else(|| EventError(format!("`{duration}` moves the clock out of range")))?;
        self.clock.set(t);
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
                    Trigger::Message { name, .. } | Trigger::Signal { name } => Some(name.clone()),
                    Trigger::Error { code, name } | Trigger::Escalation { code, name } => {
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
        for (&t, w) in &self.waits {
            describe(
                self.tasks[t as usize].node,
                w,
                Some(TaskId(t)),
                false,
                &mut out,
            );
        }
        for st in &self.starters {
            describe(st.node(), &st.wait, None, st.scope.is_none(), &mut out);
        }
        out
    }

    /// Messages, signals and escalations nothing inside caught, oldest first.
    pub fn outbox(&self) -> &[OutEvent] {
        &self.outbox
    }

    // ----- events from outside -------------------------------------------

    /// Delivers a message from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_message(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        let correlations = self.correlations_for(name, &payload);
        let d = Delivery::Message {
            name: name.to_string(),
            payload,
            correlations,
        };
        if self.deliver(&d) == 0 {
            return Err(EventError(format!(
                "nothing waits for message `{name}`{}",
                self.waiting_summary()
            )));
        }
        Ok(())
    }

    /// Broadcasts a signal from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_signal(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        let d = Delivery::Signal {
            name: name.to_string(),
            payload,
        };
        if self.deliver(&d) == 0 {
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
        for g in &self.specs.model.graphs {
            for n in &g.nodes {
                let triggers: &[Trigger] = match &n.kind {
                    NodeKind::Event(e) => &e.triggers,
                    NodeKind::ReceiveTask { message } | NodeKind::SendTask { message } => {
                        std::slice::from_ref(message)
                    }
                    _ => &[],
                };
                for t in triggers {
                    if let Trigger::Message {
                        name: n2,
                        from_payload,
                        ..
                    } = t
                    {
                        if n2 != name {
                            continue;
                        }
                        for c in from_payload {
                            if out.contains_key(&c.property) {
                                continue;
                            }
                            if let Some(code) = self.specs.code(c.expr) {
                                if let Ok(v) = self.specs.engine.eval(code, data) {
                                    out.insert(c.property.clone(), v);
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }

    // ----- delivering -----------------------------------------------------

    /// The top-level scope above scope `s`.
    fn top_scope(&self, mut s: u32) -> u32 {
        while let Some(p) = self.scopes[s as usize].parent_task {
            s = self.tasks[p as usize].scope;
        }
        s
    }

    fn correlation_ok(&self, top: Option<u32>, w: &Wait, d: &Delivery) -> bool {
        let Delivery::Message { correlations, .. } = d else {
            return true;
        };
        correlations.iter().all(|(k, v)| {
            let known = w
                .expect
                .get(k)
                .or_else(|| top.and_then(|s| self.scopes[s as usize].correlations.get(k)));
            known.is_none_or(|x| x == v)
        })
    }

    /// Delivers a message or signal to the waits and start events that catch
    /// it: a message to the first (in task order), a signal to all. Returns
    /// how many caught it.
    pub(crate) fn deliver(&mut self, d: &Delivery) -> usize {
        let broadcast = matches!(d, Delivery::Signal { .. });
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for (&t, w) in &self.waits {
            let r = self.tasks[t as usize].node;
            let (triggers, _) = triggers_of(&self.specs, r);
            let Some(i) = triggers.iter().position(|tr| d.caught_by(tr)) else {
                continue;
            };
            // Error and escalation boundaries are reached by bubbling, not here.
            let top = self.top_scope(self.tasks[t as usize].scope);
            if !self.correlation_ok(Some(top), w, d) {
                continue;
            }
            hits.push((t, i));
            if !broadcast {
                break;
            }
        }
        let mut start_hits: Vec<(usize, usize)> = Vec::new();
        if broadcast || hits.is_empty() {
            for (k, st) in self.starters.iter().enumerate() {
                let (triggers, _) = triggers_of(&self.specs, st.node());
                let Some(i) = triggers.iter().position(|tr| d.caught_by(tr)) else {
                    continue;
                };
                let top = st.scope.map(|s| self.top_scope(s));
                if !self.correlation_ok(top, &st.wait, d) {
                    continue;
                }
                start_hits.push((k, i));
                if !broadcast {
                    break;
                }
            }
        }
        let n = hits.len() + start_hits.len();
        for (t, i) in hits {
            if self.waits.contains_key(&t) {
                self.catch_at(t, i, d);
            }
        }
        // Fire starters last to first so indices stay valid when one is removed.
        for (k, i) in start_hits.into_iter().rev() {
            self.fire_starter(k, i, Some(d));
        }
        n
    }

    /// Records that definition `i` of waiting task `t` caught `d`; fires the
    /// task when its event is complete (all definitions for parallel multiple).
    fn catch_at(&mut self, t: u32, i: usize, d: &Delivery) {
        let r = self.tasks[t as usize].node;
        let (triggers, parallel) = triggers_of(&self.specs, r);
        let variable = match &triggers[i] {
            Trigger::Message { variable, .. } => variable.clone(),
            _ => None,
        };
        let key = match &triggers[i] {
            Trigger::Message { name, .. } | Trigger::Signal { name } => name.clone(),
            _ => "payload".into(),
        };
        {
            let data = Arc::make_mut(&mut self.tasks[t as usize].data);
            payload_into(data, d.payload(), variable.as_deref(), &key);
        }
        if let Delivery::Message { correlations, .. } = d {
            let top = self.top_scope(self.tasks[t as usize].scope);
            self.scopes[top as usize]
                .correlations
                .extend(correlations.clone());
        }
        if parallel {
            let w = self.waits.get_mut(&t).expect("caught by a waiting task");
            if let Some(s) = w.seen.get_mut(i) {
                *s = true;
            }
            if !w.seen.iter().all(|s| *s) {
                return;
            }
        }
        self.fire_wait(t, None);
    }

    /// The waiting task `t` fires: boundary and gateway effects, then READY.
    /// `timer_fired_at` is set when a timer fired it.
    pub(crate) fn fire_wait(&mut self, t: u32, timer_fired_at: Option<Timestamp>) {
        let Some(w) = self.waits.remove(&t) else {
            return;
        };
        let specs = self.specs.clone();
        let r = self.tasks[t as usize].node;
        let node = specs.model.node(r);
        let parent = self.tasks[t as usize].parent;
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
                self.cancel_activity(a);
            } else {
                // Non-interrupting: the event can happen again while the
                // activity runs (a cycle timer once per cycle).
                let timer_one_shot = triggers
                    .iter()
                    .all(|tr| matches!(tr, Trigger::Timer(Timer::Date(_) | Timer::Duration(_))));
                let next = match timer_fired_at {
                    Some(at) => next_cycle(&specs, r, &w, at, &self.tasks[t as usize].data),
                    None if timer_one_shot => None,
                    None => arm(&specs, r, &self.tasks[a as usize].data, self.clock.now()).ok(),
                };
                if let Some(next) = next {
                    let s = self.tasks[t as usize].scope;
                    let data = self.tasks[a as usize].data.clone();
                    let b = self.push_task(s, r.node, a, data, TaskState::Waiting);
                    self.waits.insert(b, next);
                }
            }
        } else if parent != NO_TASK
            && matches!(
                specs.model.node(self.tasks[parent as usize].node).kind,
                NodeKind::EventBasedGateway
            )
        {
            // The first event after an event-based gateway wins.
            let siblings: Vec<u32> = self
                .waits
                .keys()
                .copied()
                .filter(|&x| self.tasks[x as usize].parent == parent)
                .collect();
            for x in siblings {
                self.cancel_task(x);
            }
        }
        self.tasks[t as usize].state = TaskState::Ready;
        self.fired.insert(t);
        self.ready.push_back(t);
    }

    /// Cancels one live task (and what runs below it).
    pub(crate) fn cancel_task(&mut self, t: u32) {
        let s = self.tasks[t as usize].scope;
        self.tasks[t as usize].state = TaskState::Cancelled;
        self.scopes[s as usize].live.remove(&t);
        self.human_ready.remove(&t);
        self.waits.remove(&t);
        self.fired.remove(&t);
        if let Some(child) = self.child_scope.get(&t).copied() {
            self.cancel_scope(child);
        }
        self.cancel_loop_instances(t);
    }

    /// Cancels activity `a` and its boundary events (an interrupting event fired).
    fn cancel_activity(&mut self, a: u32) {
        if self.tasks[a as usize].state.is_finished() {
            return;
        }
        self.cancel_task(a);
        self.cancel_boundaries(a);
        let s = self.tasks[a as usize].scope;
        // A join may have been waiting for this branch.
        self.recheck_or_joins(s);
    }

    /// Cancels the waiting boundary events of activity `a`.
    pub(crate) fn cancel_boundaries(&mut self, a: u32) {
        if self
            .specs
            .model
            .node(self.tasks[a as usize].node)
            .boundary
            .is_empty()
        {
            return;
        }
        let mine: Vec<u32> = self
            .waits
            .keys()
            .copied()
            .filter(|&b| {
                self.tasks[b as usize].parent == a
                    && matches!(
                        self.specs.model.node(self.tasks[b as usize].node).kind,
                        NodeKind::Event(EventNode {
                            position: EventPosition::Boundary { .. },
                            ..
                        })
                    )
            })
            .collect();
        for b in mine {
            self.cancel_task(b);
        }
    }

    /// Creates a task record in scope `s` with state `state` (READY ones are
    /// queued).
    pub(crate) fn push_task(
        &mut self,
        s: u32,
        node: NodeIdx,
        parent: u32,
        data: Arc<Data>,
        state: TaskState,
    ) -> u32 {
        let graph = self.scopes[s as usize].graph;
        let t = self.tasks.len() as u32;
        self.tasks.push(TaskRecord {
            node: NodeRef { graph, node },
            parent,
            scope: s,
            state,
            data,
        });
        self.scopes[s as usize].live.insert(t);
        if state == TaskState::Ready {
            self.ready.push_back(t);
        }
        t
    }

    /// Arms the boundary events of activity `a` (just reached).
    pub(crate) fn arm_boundaries(&mut self, a: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.tasks[a as usize].node;
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
            let data = self.tasks[a as usize].data.clone();
            let w = match arm(&specs, br, &data, self.clock.now()) {
                Ok(w) => w,
                Err(e) => {
                    return Err(self.fail(
                        a,
                        format!("boundary event `{}`: {e}", specs.model.node(br).id),
                    ));
                }
            };
            let s = self.tasks[a as usize].scope;
            let t = self.push_task(s, b, a, data, TaskState::Waiting);
            self.waits.insert(t, w);
            self.check_conditional(t);
        }
        Ok(())
    }

    /// A catching event or receive task was reached: wait (or pass through a
    /// link catch, or a conditional that already holds).
    pub(crate) fn start_waiting(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.tasks[t as usize].node;
        let (triggers, _) = triggers_of(&specs, r);
        if triggers.iter().all(|tr| matches!(tr, Trigger::Link { .. })) {
            return self.complete(t);
        }
        let w = match arm(&specs, r, &self.tasks[t as usize].data, self.clock.now()) {
            Ok(w) => w,
            Err(e) => return Err(self.fail(t, e)),
        };
        self.tasks[t as usize].state = TaskState::Waiting;
        self.waits.insert(t, w);
        self.check_conditional(t);
        Ok(())
    }

    /// Fires waiting task `t` now if it has a conditional definition that holds
    /// against its own data.
    fn check_conditional(&mut self, t: u32) {
        let r = self.tasks[t as usize].node;
        let data = self.tasks[t as usize].data.clone();
        if self.conditional_holds(r, &data) {
            self.fire_wait(t, None);
        }
    }

    fn conditional_holds(&self, r: NodeRef, data: &Data) -> bool {
        let (triggers, _) = triggers_of(&self.specs, r);
        triggers.iter().any(|tr| match tr {
            Trigger::Conditional { condition } => self
                .specs
                .code(*condition)
                .is_some_and(|c| self.specs.engine.eval_bool(c, data).unwrap_or(false)),
            _ => false,
        })
    }

    /// After a task of scope `s` completed with `data`: conditional events
    /// waiting in that scope are evaluated again.
    pub(crate) fn recheck_conditionals(&mut self, s: u32, data: &Arc<Data>) {
        if !self.specs.has_conditionals {
            return;
        }
        let waiting: Vec<u32> = self
            .waits
            .keys()
            .copied()
            .filter(|&t| self.tasks[t as usize].scope == s)
            .collect();
        for t in waiting {
            let r = self.tasks[t as usize].node;
            if self.conditional_holds(r, data) {
                let d = Arc::make_mut(&mut self.tasks[t as usize].data);
                deep_merge(d, data);
                self.fire_wait(t, None);
            }
        }
        let starters: Vec<usize> = (0..self.starters.len())
            .filter(|&k| self.starters[k].scope == Some(s))
            .filter(|&k| self.conditional_holds(self.starters[k].node(), data))
            .collect();
        for k in starters.into_iter().rev() {
            self.fire_starter(k, 0, None);
        }
    }

    // ----- throwing -------------------------------------------------------

    /// Throws the definitions of the throwing event (or send task) `t`.
    /// Returns whether the token should continue (false when an error or
    /// escalation was caught by something that interrupted this path).
    pub(crate) fn throw(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.tasks[t as usize].node;
        let node = specs.model.node(r);
        let triggers: Vec<Trigger> = match &node.kind {
            NodeKind::Event(e) => e.triggers.clone(),
            NodeKind::SendTask { message } => vec![message.clone()],
            _ => Vec::new(),
        };
        for tr in &triggers {
            let data = self.tasks[t as usize].data.clone();
            match tr {
                Trigger::Message {
                    name,
                    payload,
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
                        None => Value::Object((*data).clone()),
                    };
                    let mut correlations = BTreeMap::new();
                    if let Value::Object(p) = &value {
                        for c in from_payload {
                            if let Some(Ok(v)) =
                                specs.code(c.expr).map(|code| specs.engine.eval(code, p))
                            {
                                correlations.insert(c.property.clone(), v);
                            }
                        }
                    }
                    let top = self.top_scope(self.tasks[t as usize].scope);
                    self.scopes[top as usize]
                        .correlations
                        .extend(correlations.clone());
                    let d = Delivery::Message {
                        name: name.clone(),
                        payload: value,
                        correlations,
                    };
                    if self.deliver(&d) == 0 {
                        self.outbox_push(&d, &node.id);
                    }
                }
                Trigger::Signal { name } => {
                    let d = Delivery::Signal {
                        name: name.clone(),
                        payload: Value::Object((*data).clone()),
                    };
                    if self.deliver(&d) == 0 {
                        self.outbox_push(&d, &node.id);
                    }
                }
                Trigger::Error { code, name } => {
                    let d = Delivery::Error {
                        code: code.clone(),
                        name: name.clone(),
                        payload: Value::Object((*data).clone()),
                    };
                    if !self.raise(t, &d) {
                        let what = d.describe();
                        return Err(self.fail(t, format!("{what} was thrown and nothing caught it (add an error boundary event or event subprocess that catches it)")));
                    }
                }
                Trigger::Escalation { code, name } => {
                    let d = Delivery::Escalation {
                        code: code.clone(),
                        name: name.clone(),
                        payload: Value::Object((*data).clone()),
                    };
                    if !self.raise(t, &d) {
                        self.outbox_push(&d, &node.id);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn outbox_push(&mut self, d: &Delivery, by: &str) {
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
        self.outbox.push(OutEvent {
            kind: kind.into(),
            name,
            payload: d.payload().clone(),
            correlations,
            thrown_by: by.to_string(),
        });
    }

    /// An error or escalation thrown by task `t` looks for a catcher: event
    /// subprocesses of its scope, then boundary events of the enclosing
    /// subprocess or call activity, then that one's scope, and so on up.
    fn raise(&mut self, t: u32, d: &Delivery) -> bool {
        let mut s = self.tasks[t as usize].scope;
        loop {
            let starter = (0..self.starters.len()).find_map(|k| {
                let st = &self.starters[k];
                if st.scope != Some(s) {
                    return None;
                }
                let (triggers, _) = triggers_of(&self.specs, st.node());
                triggers
                    .iter()
                    .position(|tr| d.caught_by(tr))
                    .map(|i| (k, i))
            });
            if let Some((k, i)) = starter {
                self.fire_starter(k, i, Some(d));
                return true;
            }
            let Some(p) = self.scopes[s as usize].parent_task else {
                return false;
            };
            let boundary = self.waits.keys().copied().find_map(|b| {
                if self.tasks[b as usize].parent != p {
                    return None;
                }
                let r = self.tasks[b as usize].node;
                let NodeKind::Event(EventNode {
                    position: EventPosition::Boundary { .. },
                    triggers,
                    ..
                }) = &self.specs.model.node(r).kind
                else {
                    return None;
                };
                triggers
                    .iter()
                    .position(|tr| d.caught_by(tr))
                    .map(|i| (b, i))
            });
            if let Some((b, i)) = boundary {
                self.catch_at(b, i, d);
                return true;
            }
            s = self.tasks[p as usize].scope;
        }
    }

    // ----- start events ---------------------------------------------------

    /// Arms the start events of the event subprocesses of scope `s`.
    pub(crate) fn arm_event_subprocesses(&mut self, s: u32) {
        let specs = self.specs.clone();
        let graph = specs.model.graph(self.scopes[s as usize].graph);
        for &e in &graph.event_subprocesses {
            let NodeKind::EventSubProcess { graph: body } = specs
                .model
                .graph(self.scopes[s as usize].graph)
                .node(e)
                .kind
            else {
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
            self.starters.push(Starter {
                scope: Some(s),
                graph: body.0,
                start: start.0,
                esp: Some(e.0),
                repeat: !interrupting,
                fired: false,
                wait,
            });
        }
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
            let Ok(wait) = arm(&specs, r, &self.initial, self.clock.now()) else {
                continue;
            };
            self.starters.push(Starter {
                scope: None,
                graph: g.0,
                start: start.0,
                esp: None,
                repeat,
                fired: false,
                wait,
            });
        }
    }

    /// The data of scope `s` now: the last task that completed in it, or what
    /// it started with.
    pub(crate) fn scope_data(&self, s: u32) -> Arc<Data> {
        let scope = &self.scopes[s as usize];
        match (scope.last_done, scope.parent_task) {
            (Some(t), _) => self.tasks[t as usize].data.clone(),
            (None, Some(p)) => self.tasks[p as usize].data.clone(),
            (None, None) => self.initial.clone(),
        }
    }

    /// Starter `k` fires (definition `i`, delivery `d`; a timer or condition when None).
    pub(crate) fn fire_starter(&mut self, k: usize, i: usize, d: Option<&Delivery>) {
        let specs = self.specs.clone();
        let st = self.starters[k].clone();
        let r = st.node();
        let (triggers, parallel) = triggers_of(&specs, r);
        if parallel {
            let w = &mut self.starters[k].wait;
            if let Some(s) = w.seen.get_mut(i) {
                *s = true;
            }
            if !w.seen.iter().all(|s| *s) {
                return;
            }
        }
        let variable = match triggers.get(i) {
            Some(Trigger::Message { variable, .. }) => variable.clone(),
            _ => None,
        };
        let key = match triggers.get(i) {
            Some(Trigger::Message { name, .. } | Trigger::Signal { name }) => name.clone(),
            _ => "payload".into(),
        };
        // What happens to the starter itself.
        if st.scope.is_none() {
            // An instance exists now; the workflow can complete when it ends.
            self.pending_starts = 0;
        }
        let timer = triggers.iter().any(|t| matches!(t, Trigger::Timer(_))) && d.is_none();
        let keep = if timer {
            let at = st
                .wait
                .due
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or_else(|| self.clock.now());
            next_cycle(&specs, r, &st.wait, at, &self.initial)
                .inspect(|w| self.starters[k].wait = w.clone())
                .is_some()
        } else {
            st.repeat
        };
        if keep {
            self.starters[k].fired = true;
            if !st.wait.seen.is_empty() {
                let n = st.wait.seen.len();
                self.starters[k].wait.seen = vec![false; n];
            }
        } else {
            self.starters.remove(k);
        }
        match st.scope {
            None => {
                let mut data = (*self.initial).clone();
                if let Some(d) = d {
                    payload_into(&mut data, d.payload(), variable.as_deref(), &key);
                }
                let s = self.scopes.len() as u32;
                self.scopes.push(Scope::new(GraphIdx(st.graph), None, 0));
                if let Some(Delivery::Message { correlations, .. }) = d {
                    self.scopes[s as usize].correlations = correlations.clone();
                }
                self.top_running += 1;
                self.push_task(
                    s,
                    NodeIdx(st.start),
                    NO_TASK,
                    Arc::new(data),
                    TaskState::Ready,
                );
                self.arm_event_subprocesses(s);
            }
            Some(s) => {
                let interrupting = matches!(
                    specs.model.node(r).kind.event().map(|e| e.position),
                    Some(EventPosition::Start { interrupting: true })
                );
                let mut data = (*self.scope_data(s)).clone();
                if let Some(d) = d {
                    payload_into(&mut data, d.payload(), variable.as_deref(), &key);
                }
                if interrupting {
                    self.interrupt_scope(s);
                }
                let esp = NodeIdx(st.esp.unwrap_or(0));
                let parent = self.scopes[s as usize]
                    .last_done
                    .or(self.scopes[s as usize].parent_task)
                    .unwrap_or(NO_TASK);
                let data = Arc::new(data);
                let e = self.push_task(s, esp, parent, data.clone(), TaskState::Started);
                if interrupting {
                    self.scopes[s as usize].terminated_by = Some(e);
                }
                let depth = self.scopes[s as usize].depth + 1;
                let c = self.scopes.len() as u32;
                self.scopes
                    .push(Scope::new(GraphIdx(st.graph), Some(e), depth));
                self.child_scope.insert(e, c);
                self.push_task(c, NodeIdx(st.start), e, data, TaskState::Ready);
                self.arm_event_subprocesses(c);
            }
        }
    }

    /// An interrupting event subprocess starts: every live task of scope `s`
    /// is cancelled and its other start events are disarmed.
    fn interrupt_scope(&mut self, s: u32) {
        let live: Vec<u32> = self.scopes[s as usize].live.iter().copied().collect();
        for t in live {
            self.cancel_task(t);
        }
        let scope = &mut self.scopes[s as usize];
        scope.joins.clear();
        scope.waiting_or_joins.clear();
        self.starters.retain(|st| st.scope != Some(s));
    }

    /// Disarms the event subprocess start events of scope `s` (it ended).
    pub(crate) fn disarm_scope(&mut self, s: u32) {
        if !self.starters.is_empty() {
            self.starters.retain(|st| st.scope != Some(s));
        }
    }

    // ----- timers ---------------------------------------------------------

    /// Fires every timer due at the current time, earliest first. Returns
    /// whether any fired.
    pub(crate) fn fire_due_timers(&mut self) -> bool {
        let now = self.clock.now();
        let mut due: Vec<(Timestamp, u32, Option<u32>)> = Vec::new(); // (due, task or u32::MAX, starter idx)
        for (&t, w) in &self.waits {
            if let Some(d) = w.due.iter().flatten().min() {
                if *d <= now {
                    due.push((*d, t, None));
                }
            }
        }
        for (k, st) in self.starters.iter().enumerate() {
            if let Some(d) = st.wait.due.iter().flatten().min() {
                if *d <= now {
                    due.push((*d, u32::MAX, Some(k as u32)));
                }
            }
        }
        if due.is_empty() {
            return false;
        }
        due.sort();
        // Fire only the earliest; the caller loops, so later timers (and
        // re-armed cycles) fire in due order after what this one started.
        let (at, t, starter) = due[0];
        match starter {
            Some(k) => self.fire_starter(k as usize, 0, None),
            None => {
                let r = self.tasks[t as usize].node;
                let (_, parallel) = triggers_of(&self.specs, r);
                let i = self.waits[&t]
                    .due
                    .iter()
                    .position(|d| *d == Some(at))
                    .unwrap_or(0);
                if parallel {
                    let w = self.waits.get_mut(&t).expect("timer wait");
                    w.due[i] = None;
                    w.seen[i] = true;
                    if !w.seen.iter().all(|s| *s) {
                        return true;
                    }
                }
                self.fire_wait(t, Some(at));
            }
        }
        true
    }
}
