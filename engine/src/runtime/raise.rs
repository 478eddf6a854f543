//! Throwing: a throwing event or send task throws its definitions
//! (`throw`): messages and signals are delivered (`messages.rs`), errors
//! and escalations are raised up through event subprocesses, boundary
//! events of enclosing subprocesses and call activities (`raise`), and
//! what nothing inside caught goes to the outbox (`outbox`) with its
//! payload (`item_payload` for signals, errors and escalations).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Workflow;
use super::correlation;
use super::error::WorkflowError;
use super::events::OutEvent;
use super::owner::view_of;
use super::wait::{Delivery, Store, triggers_of};
use crate::model::{Data, EventKind, EventNode, MessageStyle, NodeKind, SpiffPayload, Trigger};

impl Workflow {
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
    pub(super) fn item_payload(
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

    pub(super) fn outbox_push(&mut self, d: &Delivery, bpmn_id: &str, by: u32) {
        let (kind, name, correlations) = match d {
            Delivery::Message {
                name, correlations, ..
            } => (EventKind::Message, name.clone(), correlations.clone()),
            Delivery::Signal { name, .. } => (EventKind::Signal, name.clone(), BTreeMap::new()),
            Delivery::Error { code, name, .. } => (
                EventKind::Error,
                code.clone().or(name.clone()).unwrap_or_default(),
                BTreeMap::new(),
            ),
            Delivery::Escalation { code, name, .. } => (
                EventKind::Escalation,
                code.clone().or(name.clone()).unwrap_or_default(),
                BTreeMap::new(),
            ),
        };
        self.events.outbox.push(OutEvent {
            kind,
            name,
            payload: d.payload().clone(),
            correlations,
            thrown_by: bpmn_id.to_string(),
        });
        self.events.outbox_by.push(by);
    }

    /// Messages, signals and escalations nothing inside caught, oldest first.
    pub fn outbox(&self) -> &[OutEvent] {
        &self.events.outbox
    }

    /// An error or escalation thrown by task `t` looks for a catcher: event
    /// subprocesses of its scope, then boundary events of the enclosing
    /// subprocess or call activity, then that one's scope, and so on up.
    pub(super) fn raise(&mut self, t: u32, d: &Delivery) -> bool {
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
}
