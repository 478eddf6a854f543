//! Service tasks: the engine evaluates the parameters and hands the
//! operation to a [`ServiceHandler`] the application registered; the JSON
//! result goes into the task's result variable. The engine itself never
//! spawns processes or opens connections: what an operation does is up to
//! the handler (the `bpmn` command line registers http, shell, file and
//! external connector programs).
//!
//! A handler may also answer "accepted, not done"
//! ([`ServiceOutcome::Accepted`]): the task then stays STARTED — live, saved
//! and restored as such — until [`Workflow::complete_started`] or
//! [`Workflow::fail_started`] finishes it, perhaps from another process
//! after a save and load. Which tasks wait so needs no table of its own: a
//! STARTED service task that is not a loop task is one (the records owner
//! saves, resets and checks its state like any other).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::error::WorkflowError;
use super::{Specs, TaskState, Workflow};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Data, Node, NodeKind};

/// Runs the operations of service tasks.
pub trait ServiceHandler: Send + Sync {
    /// The operation names this handler knows (checked when loading).
    fn operations(&self) -> Vec<String>;
    /// Runs `operation` with the evaluated `parameters`; the JSON result is
    /// stored in the task's result variable. An `Err` leaves the task in
    /// ERROR with that message (retry with [`Workflow::retry_failed`]).
    fn call(&self, operation: &str, parameters: &Data) -> Result<Value, String>;
    /// Starts `operation`: either done at once (the default: [`call`]'s
    /// answer) or accepted, to be finished later from outside with
    /// [`Workflow::complete_started`] / [`Workflow::fail_started`].
    /// Override it for handlers that can answer "accepted, not done".
    ///
    /// [`call`]: ServiceHandler::call
    fn start(&self, operation: &str, parameters: &Data) -> Result<ServiceOutcome, String> {
        self.call(operation, parameters).map(ServiceOutcome::Done)
    }
}

/// What starting a service operation gave.
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceOutcome {
    /// Done: the JSON result, stored in the task's result variable.
    Done(Value),
    /// Accepted but not done: the task stays STARTED until it is finished
    /// from outside.
    Accepted,
}

/// A registered handler (kept by the workflow; not part of its state).
#[derive(Clone)]
pub(crate) struct Services(pub Arc<dyn ServiceHandler>);

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Services({:?})", self.0.operations())
    }
}

impl Specs {
    /// One error per service task whose operation is not in `known`, listing
    /// the known ones. Call it after loading, with the handler you will use.
    pub fn check_services(&self, handler: &dyn ServiceHandler) -> Vec<Diagnostic> {
        let mut known = handler.operations();
        known.sort();
        let mut out = Vec::new();
        for p in &self.model.processes {
            let mut graphs = vec![p.graph];
            while let Some(g) = graphs.pop() {
                for n in &self.model.graph(g).nodes {
                    match &n.kind {
                        NodeKind::SubProcess { graph, .. }
                        | NodeKind::EventSubProcess { graph } => graphs.push(*graph),
                        NodeKind::ServiceTask {
                            operation: Some(operation),
                            ..
                        } if !known.iter().any(|k| k == operation) => {
                            out.push(Diagnostic {
                                severity: if p.executable {
                                    Severity::Error
                                } else {
                                    Severity::Warning
                                },
                                file: self.model.files[n.pos.file as usize].path.clone(),
                                line: n.pos.line,
                                col: n.pos.col,
                                element: Some(n.id.clone()),
                                process: Some(p.id.clone()),
                                message: format!(
                                    "unknown service operation `{operation}`; known operations: {}",
                                    if known.is_empty() {
                                        "none".to_string()
                                    } else {
                                        known.join(", ")
                                    }
                                ),
                                help: Some(
                                    "map it to a program with --service NAME=COMMAND, serve it from a connector proxy (--connector-proxy URL), or fix the operation name"
                                        .into(),
                                ),
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }
}

/// The variable service task `node`'s result goes to: its declared result
/// variable, else `spiff__<id>_result` (`-` becomes `_`), as SpiffWorkflow
/// names it.
pub(super) fn result_variable_name(node: &Node, declared: Option<&str>) -> String {
    declared.map_or_else(
        || format!("spiff__{}_result", node.id.replace('-', "_")),
        str::to_string,
    )
}

impl Workflow {
    /// Registers the handler that runs this instance's service tasks.
    pub fn set_service_handler(&mut self, handler: Arc<dyn ServiceHandler>) {
        self.services = Some(Services(handler));
    }

    /// Runs service task `t`.
    pub(crate) fn run_service(&mut self, t: u32) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let node = specs.model.node(self.records.get(t).node);
        // Without an operation it is a task that does nothing.
        let NodeKind::ServiceTask {
            operation: Some(operation),
            parameters,
            result_variable,
        } = &node.kind
        else {
            return self.complete(t);
        };
        let mut params = Data::new();
        for (name, expr) in parameters {
            let Some(code) = specs.code(*expr) else {
                return Err(self.fail(t, format!("parameter `{name}` did not compile")));
            };
            match specs.engine.eval(code, &self.records.data(t)) {
                Ok(v) => {
                    params.insert(name.clone(), v);
                }
                Err(e) => {
                    return Err(self.fail(t, format!("parameter `{name}` failed: {e}")));
                }
            }
        }
        let Some(Services(handler)) = self.services.clone() else {
            return Err(self.fail(
                t,
                format!("no service handler is registered to run operation `{operation}`"),
            ));
        };
        match handler.start(operation, &params) {
            Ok(ServiceOutcome::Done(v)) => {
                let var = result_variable_name(node, result_variable.as_deref());
                if let Err(e) = crate::model::check_value_depth(&var, &v) {
                    return Err(self.fail(t, format!("service `{operation}` answered, but {e}")));
                }
                self.records.update_data(t, |d| d.insert(var, v));
                self.complete(t)
            }
            Ok(ServiceOutcome::Accepted) => {
                // Live, so its scope (and the instance) stays open.
                self.records.set_state(t, TaskState::Started);
                Ok(())
            }
            Err(e) => Err(self.fail(t, format!("service `{operation}` failed: {e}"))),
        }
    }
}
