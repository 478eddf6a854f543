//! Messages and signals: sent from outside (`send_message`,
//! `send_signal`) or thrown inside (`raise.rs` hands them here), and
//! delivered to the waits and start events that catch them — a message to
//! the first that correlates (found in the message index,
//! `message_index.rs`; correlation rules in `correlation.rs`), a signal to
//! every one.

use std::collections::BTreeMap;

use serde_json::Value;

use super::correlation;
use super::events::EventError;
use super::owner::View;
use super::owner::view_of;
use super::task::NO_TASK;
use super::wait::{Delivery, StarterKey, Store, Wait, triggers_of};
use super::{TaskState, Workflow};
use crate::model::Data;

impl Workflow {
    /// Delivers a message from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_message(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        crate::model::check_value_depth("the payload", &payload).map_err(EventError::Payload)?;
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
            return Err(EventError::NoMessageCatcher {
                name: name.to_string(),
                correlation: carried,
                waiting: self.waiting_summary(),
            });
        }
        Ok(())
    }

    /// Broadcasts a signal from outside. Fails (changing nothing) when no
    /// task or start event waits for it.
    pub fn send_signal(&mut self, name: &str, payload: Value) -> Result<(), EventError> {
        crate::model::check_value_depth("the payload", &payload).map_err(EventError::Payload)?;
        let d = Delivery::Signal {
            name: name.to_string(),
            payload,
        };
        if self.deliver(&d, NO_TASK) == 0 {
            return Err(EventError::NoSignalCatcher {
                name: name.to_string(),
                waiting: self.waiting_summary(),
            });
        }
        Ok(())
    }

    /// Correlation values of message `name` computed from `payload` with the
    /// retrieval expressions of the diagrams' message definitions.
    pub(super) fn correlations_for(&self, name: &str, payload: &Value) -> BTreeMap<String, Value> {
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

    /// Whether message delivery `d` correlates with a wait `w` that reads
    /// the correlation values of scopes `chain` (innermost first).
    pub(super) fn correlation_ok(&self, chain: &[u32], w: &Wait, d: &Delivery) -> bool {
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
    pub(super) fn hub_view(&self) -> View<'_> {
        view_of!(self)
    }

    /// The waiting tasks that catch `d`, with the definition that does, in
    /// task order: for a message the first that correlates (looked up in
    /// the message index), for a signal every one.
    pub(super) fn catching_waits(&self, d: &Delivery) -> Vec<(u32, usize)> {
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
}
