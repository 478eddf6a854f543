//! Tasks finished from outside: a service task whose handler answered
//! [`ServiceOutcome::Accepted`](super::service::ServiceOutcome) stays
//! STARTED until the application (another shell, a callback, a person)
//! completes it with data ([`Workflow::complete_started`]) or fails it with
//! a BPMN error code ([`Workflow::fail_started`]).
//!
//! A script task marked long-running (the `long_running` property, see
//! [`crate::model::Node::is_long_running`]) runs its script — which starts
//! the work elsewhere — and stays STARTED the same way; the data it is
//! completed with is merged into its task data.
//!
//! Such a task is recognised by its record alone — STARTED, a service task
//! or a long-running script task, and not the loop task of a multi-instance or standard loop (which is
//! STARTED while its instances run) — so no owner keeps a list that a
//! reset or a restore would have to keep in step.

use serde_json::Value;

use super::error::TaskError;
use super::merge::merge_maps;
use super::service::result_variable_name;
use super::task::TaskView;
use super::wait::Delivery;
use super::{CompleteError, TaskId, TaskState, Workflow};
use crate::model::{Data, NodeKind};

impl Workflow {
    /// Whether record `t` is a service task, or a script task marked
    /// long-running, waiting to be finished from outside.
    pub(crate) fn is_started_outside(&self, t: u32) -> bool {
        if !self.records.exists(t)
            || self.records.state(t) != TaskState::Started
            || self.loops.rows.contains_key(&t)
        {
            return false;
        }
        let node = self.specs.model.node(self.records.get(t).node);
        matches!(node.kind, NodeKind::ServiceTask { .. }) || node.is_long_running()
    }

    /// Service tasks that were accepted, and script tasks marked
    /// long-running, that wait to be finished from outside, in the order
    /// they were reached. O(live tasks).
    pub fn started_tasks(&self) -> Vec<TaskView<'_>> {
        self.live_tasks_where(|t| self.is_started_outside(t))
    }

    /// Checks that `id` is a task waiting to be finished from outside.
    fn started_check(&self, id: TaskId) -> Result<u32, CompleteError> {
        let t = id.0;
        if !self.records.exists(t) {
            return Err(TaskError(format!("no task with id {id}")).into());
        }
        if !self.is_started_outside(t) {
            let node = self.specs.model.node(self.records.get(t).node);
            let list: Vec<String> = self
                .started_tasks()
                .iter()
                .map(|v| format!("{} ({})", v.bpmn_id, v.id))
                .collect();
            return Err(TaskError(format!(
                "task {id} (`{}`) is {} and not a service task waiting to be finished from outside; started tasks: {}",
                node.id,
                self.records.state(t),
                if list.is_empty() {
                    "none".to_string()
                } else {
                    list.join(", ")
                }
            ))
            .into());
        }
        Ok(t)
    }

    /// Finishes the STARTED service task `id` with `data`, as if its handler
    /// had answered it: merged into the task's result variable (the
    /// `spiff__<id>_result` variable without one) — for a long-running
    /// script task, into its data — then the task completes. Call
    /// [`Workflow::run`] afterwards to continue.
    pub fn complete_started(
        &mut self,
        id: TaskId,
        data: impl Into<Data>,
    ) -> Result<(), CompleteError> {
        let t = self.started_check(id)?;
        let data = data.into();
        if let Err(e) = crate::model::check_depth(&data) {
            return Err(TaskError(format!("data {e}")).into());
        }
        let incoming = serde_json::Map::from(data);
        let specs = self.specs.clone();
        let node = specs.model.node(self.records.get(t).node);
        match &node.kind {
            NodeKind::ServiceTask {
                result_variable, ..
            } => {
                let var = result_variable_name(node, result_variable.as_deref());
                self.records.update_data(t, |d| match d.get_mut(&var) {
                    Some(Value::Object(old)) => merge_maps(old, &incoming),
                    _ => d.insert(var, Value::Object(incoming)),
                });
            }
            // A long-running script task: the data is its result, merged
            // into the task's data as a script's assignments would be.
            _ => self.records.update_data(t, |d| d.extend(incoming)),
        }
        let done = self.complete(t);
        self.settle_joins();
        Ok(done?)
    }

    /// Fails the STARTED service task `id` with a BPMN error of code `code`
    /// (carrying the task's data), thrown from the task: its own error
    /// boundary events catch it first, then event subprocesses and boundary
    /// events further out, as a thrown error is. Nothing catching it leaves
    /// the task in ERROR and returns that failure. Call [`Workflow::run`]
    /// afterwards to continue.
    pub fn fail_started(&mut self, id: TaskId, code: &str) -> Result<(), CompleteError> {
        let t = self.started_check(id)?;
        let d = Delivery::Error {
            code: Some(code.to_string()),
            name: None,
            payload: self.records.data(t).to_json(),
        };
        let own = self.waiting_boundaries(t).into_iter().find_map(|b| {
            let r = self.records.get(b).node;
            let ev = self.specs.model.node(r).kind.event()?;
            ev.triggers
                .iter()
                .position(|tr| d.caught_by(tr))
                .map(|i| (b, i))
        });
        if let Some((b, i)) = own {
            self.catch_at(b, i, &d, t);
        } else if !self.raise(t, &d) {
            let what = d.describe();
            return Err(self
                .fail(
                    t,
                    format!("{what} was raised from outside and nothing caught it (add an error boundary event or event subprocess that catches it)"),
                )
                .into());
        }
        self.settle_joins();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value, json};

    use super::super::service::{ServiceHandler, ServiceOutcome};
    use super::super::{InstanceSnapshot, Specs, TaskState, Workflow};
    use crate::model::Data;

    const XML: &str = include_str!("../../../tests/fixtures/bpmn/data/svc_started.bpmn");

    /// Accepts every call: the work is done elsewhere.
    struct Accepting;

    impl ServiceHandler for Accepting {
        fn operations(&self) -> Vec<String> {
            vec!["pay".into()]
        }
        fn call(&self, _: &str, _: &Data) -> Result<Value, String> {
            Err("only started, never called".into())
        }
        fn start(&self, _: &str, p: &Data) -> Result<ServiceOutcome, String> {
            assert_eq!(p.get("amount"), Some(&json!(42)));
            Ok(ServiceOutcome::Accepted)
        }
    }

    fn obj(v: Value) -> Data {
        v.as_object().unwrap().clone().into()
    }

    fn started() -> Workflow {
        let specs = Specs::from_sources(vec![("started.bpmn".into(), XML.as_bytes().to_vec())]);
        assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
        let mut wf = specs.start("Process_SvcStarted", Data::new()).unwrap();
        wf.set_service_handler(Arc::new(Accepting));
        wf.run().unwrap();
        wf
    }

    fn pay(wf: &Workflow) -> super::super::TaskId {
        let v = wf.started_tasks();
        assert_eq!(v.len(), 1, "one started task");
        assert_eq!(v[0].bpmn_id, "Task_Pay");
        v[0].id
    }

    /// The task before the service task, completed.
    fn prepare(wf: &Workflow) -> super::super::TaskId {
        wf.completed_tasks()
            .find(|t| t.bpmn_id == "Task_Prepare")
            .unwrap()
            .id
    }

    #[test]
    fn accepted_service_task_stays_started_and_keeps_the_instance_open() {
        let wf = started();
        let id = pay(&wf);
        assert_eq!(wf.task(id).unwrap().state, TaskState::Started);
        assert!(!wf.is_completed());
        assert!(wf.ready_human_tasks().is_empty());
        wf.check_invariants().unwrap();
    }

    #[test]
    fn save_and_load_keeps_it_started_then_complete_continues_with_the_data() {
        let wf = started();
        let text = serde_json::to_string(&wf.snapshot()).unwrap();
        let snap: InstanceSnapshot = serde_json::from_str(&text).unwrap();
        let mut wf = Workflow::restore(wf.specs().clone(), &snap).unwrap();
        let id = pay(&wf);
        assert_eq!(wf.task(id).unwrap().state, TaskState::Started);
        // No handler is registered here: finishing it does not need one.
        wf.complete_started(id, obj(json!({"paid": true, "ref": "c-1"})))
            .unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        assert_eq!(wf.data()["payment"], json!({"paid": true, "ref": "c-1"}));
        assert_eq!(wf.data()["status"], json!("shipped"));
        assert!(wf.started_tasks().is_empty());
    }

    #[test]
    fn fail_with_a_caught_code_takes_the_error_boundary() {
        let mut wf = started();
        let id = pay(&wf);
        wf.fail_started(id, "declined").unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        assert_eq!(wf.data()["status"], json!("refused"));
        assert_eq!(wf.task(id).unwrap().state, TaskState::Cancelled);
        wf.check_invariants().unwrap();
    }

    #[test]
    fn fail_with_an_uncaught_code_leaves_the_task_in_error() {
        let mut wf = started();
        let id = pay(&wf);
        let e = wf.fail_started(id, "gateway_down").unwrap_err().to_string();
        assert!(e.contains("gateway_down") && e.contains("Task_Pay"), "{e}");
        assert_eq!(wf.task(id).unwrap().state, TaskState::Error);
        assert!(!wf.is_completed());
        wf.check_invariants().unwrap();
    }

    #[test]
    fn only_started_service_tasks_can_be_finished_from_outside() {
        let mut wf = started();
        let prepare = prepare(&wf);
        let e = wf.complete_started(prepare, Data::new()).unwrap_err();
        assert!(
            e.to_string().contains("COMPLETED") && e.to_string().contains("Task_Pay"),
            "{e}"
        );
        let id = pay(&wf);
        wf.complete_started(id, Data::new()).unwrap();
        let again = wf.complete_started(id, Data::new()).unwrap_err();
        assert!(again.to_string().contains("none"), "{again}");
    }

    #[test]
    fn reset_to_before_it_runs_the_service_again() {
        let mut wf = started();
        let prepare = prepare(&wf);
        wf.reset(prepare, Data::new()).unwrap();
        assert!(wf.started_tasks().is_empty());
        wf.check_invariants().unwrap();
        wf.run().unwrap();
        let id = pay(&wf);
        wf.complete_started(id, obj(json!({"paid": true}))).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        assert_eq!(wf.data()["payment"], json!({"paid": true}));
    }

    #[test]
    fn reset_to_the_started_task_itself_makes_it_ready() {
        let mut wf = started();
        let id = pay(&wf);
        wf.reset(id, Data::new()).unwrap();
        assert_eq!(wf.task(id).unwrap().state, TaskState::Ready);
        assert!(wf.started_tasks().is_empty());
        wf.check_invariants().unwrap();
        wf.run().unwrap();
        assert_eq!(wf.task(pay(&wf)).unwrap().state, TaskState::Started);
    }

    #[test]
    fn a_script_task_marked_long_running_stays_started_until_finished_from_outside() {
        let xml = include_str!("../../../tests/fixtures/bpmn/data/script_long_running.bpmn");
        let specs = Specs::from_sources(vec![("long.bpmn".into(), xml.as_bytes().to_vec())]);
        assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
        let mut wf = specs.start("p", Data::new()).unwrap();
        wf.run().unwrap();
        // The script ran (it started the work) and the task waits.
        let v = wf.started_tasks();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].bpmn_id, "Task_Render");
        assert_eq!(v[0].state, TaskState::Started);
        let id = v[0].id;
        assert!(!wf.is_completed());
        // It survives a save and load.
        let text = serde_json::to_string(&wf.snapshot()).unwrap();
        let snap: InstanceSnapshot = serde_json::from_str(&text).unwrap();
        let mut wf = Workflow::restore(wf.specs().clone(), &snap).unwrap();
        // The outside reports its result: merged into the task's data.
        wf.complete_started(id, obj(json!({"frames": 240})))
            .unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        assert_eq!(wf.data()["done"], json!("render-7:240"));
        assert!(wf.started_tasks().is_empty());
        wf.check_invariants().unwrap();
    }
}
