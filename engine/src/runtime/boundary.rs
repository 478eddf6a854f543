//! Boundary events at run time: armed when their activity is reached
//! (`arm_boundaries`), cancelled when it completes or is cancelled
//! (`cancel_boundaries`), and, when an interrupting one fires, the
//! activity cancelled with them (`cancel_activity`). What firing a
//! boundary wait does is in `catching.rs` (`fire_wait`).

use super::error::WorkflowError;
use super::owner::view_of;
use super::wait::arm;
use super::{TaskState, Workflow};
use crate::model::{EventNode, EventPosition, NodeIdx, NodeKind, NodeRef, Trigger};

impl Workflow {
    /// Arms the boundary events of activity `a` (just reached).
    pub(crate) fn arm_boundaries(&mut self, a: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let r = self.records.get(a).node;
        for &b in &specs.model.node(r).boundary {
            if let Err(e) = self.arm_boundary(a, b) {
                let id = &specs
                    .model
                    .node(NodeRef {
                        graph: r.graph,
                        node: b,
                    })
                    .id;
                return Err(self.fail(a, format!("boundary event `{id}`: {e}")));
            }
        }
        Ok(())
    }

    /// Arms boundary event `b` of activity `a`: a WAITING task under `a`.
    /// Returns whether it armed one (a compensation boundary is not a
    /// wait: it names a handler); an error says why its wait cannot be
    /// armed (a timer expression that fails…).
    pub(crate) fn arm_boundary(&mut self, a: u32, b: NodeIdx) -> Result<bool, String> {
        let specs = self.specs.clone();
        let r = self.records.get(a).node;
        let br = NodeRef {
            graph: r.graph,
            node: b,
        };
        let Some(ev) = specs.model.node(br).kind.event() else {
            return Ok(false);
        };
        if ev
            .triggers
            .iter()
            .all(|t| matches!(t, Trigger::Compensate { .. }))
        {
            return Ok(false);
        }
        let data = self.records.data(a).clone();
        let w = arm(&specs, br, &data, self.clock.now())?;
        let s = self.records.get(a).scope;
        let t = self.push_task(s, b, a, data, TaskState::Waiting);
        let view = view_of!(self);
        self.events.insert_wait(t, w, &view);
        self.index_wait(t);
        self.check_conditional(t);
        Ok(true)
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

    /// Cancels activity `a` and its boundary events (an interrupting event,
    /// task `cause`, fired).
    pub(super) fn cancel_activity(&mut self, a: u32, cause: u32) {
        if !self.records.state(a).is_live() {
            return;
        }
        self.cancel_task(a, cause);
        self.cancel_boundaries(a, cause);
    }
}
