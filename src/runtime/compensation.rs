//! Compensation and transaction cancel.
//!
//! An activity with a compensation boundary event (associated with a
//! handler activity, `isForCompensation="true"`) is remembered by its scope
//! when it completes. A compensation throw (intermediate or end event, with
//! or without `activityRef`) runs the handlers of the completed activities
//! of its scope in reverse order of completion, one after another, each
//! starting from the data the previous one left (the first from the data at
//! the throw), then continues with the result. A cancel end event
//! inside a transaction compensates the transaction's completed activities,
//! cancels what still runs in it and leaves through the transaction's cancel
//! boundary event.

use super::error::WorkflowError;
use super::{TaskState, Workflow};
use crate::model::{EventNode, EventPosition, NodeKind, Trigger};
use std::collections::VecDeque;

impl Workflow {
    /// Starts the compensation thrown by task `t`. Returns false when there
    /// is nothing to compensate (the throw just continues).
    pub(crate) fn start_compensation(
        &mut self,
        t: u32,
        activity: Option<&str>,
    ) -> Result<bool, WorkflowError> {
        let s = self.tasks[t as usize].scope;
        let specs = self.specs.clone();
        let queue: VecDeque<u32> = self.scopes[s as usize]
            .compensable
            .iter()
            .rev()
            .copied()
            .filter(|a| !self.compensated.contains(a))
            .filter(|&a| {
                activity.is_none_or(|id| specs.model.node(self.tasks[a as usize].node).id == id)
            })
            .collect();
        if queue.is_empty() {
            return Ok(false);
        }
        self.tasks[t as usize].state = TaskState::Started;
        self.compensating.insert(t, queue);
        self.next_handler(t)?;
        Ok(true)
    }

    /// Runs the next handler for owner `o`, or finishes the owner.
    fn next_handler(&mut self, o: u32) -> Result<(), WorkflowError> {
        let next = self.compensating.get_mut(&o).and_then(VecDeque::pop_front);
        match next {
            Some(a) => {
                self.compensated.insert(a);
                let r = self.tasks[a as usize].node;
                let Some(h) = self.specs.model.node(r).compensation_handler else {
                    return self.next_handler(o);
                };
                let s = self.tasks[o as usize].scope;
                let data = self.tasks[o as usize].data.clone();
                let ht = self.push_task(s, h, a, data, TaskState::Ready);
                self.handler_owner.insert(ht, o);
                Ok(())
            }
            None => {
                self.compensating.remove(&o);
                self.finish_compensation(o)
            }
        }
    }

    /// Compensation handler `h` completed: its data becomes the owner's,
    /// then the next handler runs.
    pub(crate) fn handler_done(&mut self, h: u32) -> Result<(), WorkflowError> {
        let Some(o) = self.handler_owner.remove(&h) else {
            return Ok(());
        };
        self.tasks[o as usize].data = self.tasks[h as usize].data.clone();
        self.next_handler(o)
    }

    /// All handlers for owner `o` ran: a compensation throw continues, a
    /// cancel end event cancels its transaction.
    fn finish_compensation(&mut self, o: u32) -> Result<(), WorkflowError> {
        let r = self.tasks[o as usize].node;
        let cancels = matches!(&self.specs.model.node(r).kind, NodeKind::Event(e) if e.triggers.contains(&Trigger::Cancel));
        self.tasks[o as usize].state = TaskState::Ready;
        if cancels {
            self.cancel_transaction(o)
        } else {
            self.complete(o)
        }
    }

    /// The cancel end event `t` ends its transaction: compensate first.
    pub(crate) fn start_cancel(&mut self, t: u32) -> Result<(), WorkflowError> {
        if !self.start_compensation(t, None)? {
            self.cancel_transaction(t)?;
        }
        Ok(())
    }

    fn cancel_transaction(&mut self, t: u32) -> Result<(), WorkflowError> {
        let s = self.tasks[t as usize].scope;
        self.mark_completed(t);
        let Some(p) = self.scopes[s as usize].parent_task else {
            return Err(self.fail(t, "a cancel end event must be inside a transaction".into()));
        };
        let boundary = self.waits.keys().copied().find(|&b| {
            self.tasks[b as usize].parent == p
                && matches!(
                    &self.specs.model.node(self.tasks[b as usize].node).kind,
                    NodeKind::Event(EventNode { position: EventPosition::Boundary { .. }, triggers, .. })
                        if triggers.contains(&Trigger::Cancel)
                )
        });
        self.cancel_scope(s);
        match boundary {
            Some(b) => {
                // Like any boundary event, the cancel path goes on with the
                // data the transaction started with, not what ran inside it.
                self.fire_wait(b, None);
                Ok(())
            }
            None => {
                let id = self
                    .specs
                    .model
                    .node(self.tasks[p as usize].node)
                    .id
                    .clone();
                Err(self.fail(
                    t,
                    format!("transaction `{id}` was cancelled but has no cancel boundary event"),
                ))
            }
        }
    }
}
