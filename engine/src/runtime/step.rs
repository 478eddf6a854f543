//! What each kind of node does when its task runs, and how a completed task
//! sends tokens along its outgoing flows.

use std::sync::Arc;

use super::error::WorkflowError;
use super::{TaskId, TaskState, Workflow};
use crate::model::{EventPosition, ExprId, FlowIdx, NodeKind, NodeRef, Trigger};
use crate::scripting::ScriptError;
use crate::scripting::python::ScriptNow;

impl Workflow {
    /// Runs the READY engine task `t`.
    pub(crate) fn execute(&mut self, t: u32) -> Result<(), WorkflowError> {
        // Python's `datetime.now()` reads the instance's (maybe virtual) clock.
        let _now = ScriptNow::set(self.clock.virtual_time());
        let specs = self.specs.clone();
        let r = self.records.get(t).node;
        let node = specs.model.node(r);
        if let Some(pre) = node.pre_script {
            if self.scripts_run_on(t) {
                self.run_script_on(t, pre)?;
            }
        }
        if node.looping.is_some() && !self.loops.child.contains_key(&t) {
            return self.start_loop(t);
        }
        match &node.kind {
            NodeKind::ScriptTask { script } => {
                self.run_script_on(t, *script)?;
                if node.is_long_running() {
                    // Live until finished from outside (`started.rs`).
                    self.records.set_state(t, TaskState::Started);
                    return Ok(());
                }
                self.complete(t)
            }
            NodeKind::SubProcess { graph, .. } => {
                let graph = *graph;
                self.open_body(t, graph)
            }
            NodeKind::CallActivity { called_element } => {
                let Some(p) = specs.model.process(called_element) else {
                    return Err(self.fail(
                        t,
                        format!("the called process `{called_element}` is not loaded"),
                    ));
                };
                let data = self.call_inputs(t, specs.model.graph(p.graph).io.as_ref())?;
                self.open_body_with(t, p.graph, data)
            }
            NodeKind::Unsupported { element } => {
                Err(self.fail(t, format!("bpmn-runner does not run `{element}`")))
            }
            NodeKind::Human(_) => {
                // Reached here only to run its pre-script; now it waits for a person.
                self.records.human_ready.insert(t);
                Ok(())
            }
            NodeKind::ReceiveTask { .. } if !self.events.fired.remove(&t) => self.start_waiting(t),
            NodeKind::ReceiveTask { .. } => self.complete(t),
            NodeKind::BusinessRuleTask {
                decision,
                result_variable,
                map_result,
            } => {
                let data = self.records.data(t).clone();
                let result = match specs.decisions.evaluate(decision, &data) {
                    Ok(r) => r,
                    Err(e) => {
                        return Err(self.fail(t, format!("decision `{decision}` failed: {e}")));
                    }
                };
                // With a result variable, DMN's value (shaped as camunda's
                // mapDecisionResult says); without, the outputs by name as
                // SpiffWorkflow stores them: one list per output for
                // COLLECT, nothing when no rule matched.
                let stored = match result_variable {
                    Some(var) => {
                        let value = map_decision_result(result.value(), map_result.as_deref());
                        serde_json::Map::from_iter([(var.clone(), value)])
                    }
                    None => result.as_task_data(),
                };
                for (name, v) in &stored {
                    if let Err(e) = crate::model::check_value_depth(name, v) {
                        return Err(
                            self.fail(t, format!("decision `{decision}` answered, but {e}"))
                        );
                    }
                }
                self.records.update_data(t, |d| {
                    if result_variable.is_some() {
                        for (name, v) in stored {
                            d.insert(name, v);
                        }
                    } else {
                        // Nested maps (dotted output names) merge into what is there.
                        super::merge_json(d, &stored);
                    }
                });
                self.complete(t)
            }
            NodeKind::ServiceTask { .. } => self.run_service(t),
            NodeKind::SendTask { .. } => {
                self.throw(t)?;
                self.complete(t)
            }
            NodeKind::Event(e) => match e.position {
                EventPosition::Catch if !e.triggers.is_empty() && !self.events.fired.remove(&t) => {
                    self.start_waiting(t)
                }
                // A start or boundary event that fired, or a none event.
                EventPosition::Start { .. }
                | EventPosition::Catch
                | EventPosition::Boundary { .. } => self.complete(t),
                EventPosition::Throw | EventPosition::End => {
                    if e.triggers.contains(&Trigger::Cancel) {
                        return self.start_cancel(t);
                    }
                    if let Some(Trigger::Compensate { activity }) = e
                        .triggers
                        .iter()
                        .find(|tr| matches!(tr, Trigger::Compensate { .. }))
                    {
                        self.throw(t)?;
                        if self.start_compensation(t, activity.as_deref())? {
                            // It continues when the last handler completes.
                            return Ok(());
                        }
                        return self.complete(t);
                    }
                    let stays = !e
                        .triggers
                        .iter()
                        .any(|tr| matches!(tr, Trigger::Error { .. }));
                    if stays {
                        self.throw(t)?;
                        self.complete(t)
                    } else {
                        // An error ends this path whether or not it is caught;
                        // the catcher interrupts what encloses it.
                        self.mark_completed(t);
                        let s = self.records.get(t).scope;
                        self.scopes.get_mut(s).ended.push(t);
                        self.throw(t)?;
                        if self.scope_done(s) {
                            self.finish_scope(s)?;
                        }
                        Ok(())
                    }
                }
            },
            NodeKind::EventSubProcess { .. } => Ok(()),
            NodeKind::ExclusiveGateway
            | NodeKind::ParallelGateway
            | NodeKind::InclusiveGateway
            | NodeKind::EventBasedGateway => self.complete(t),
        }
    }

    /// A subprocess or call activity opens its body.
    fn open_body(&mut self, t: u32, graph: crate::model::GraphIdx) -> Result<(), WorkflowError> {
        let data = self.records.data(t).clone();
        self.open_body_with(t, graph, data)
    }

    /// A subprocess or call activity opens its body with `data`.
    fn open_body_with(
        &mut self,
        t: u32,
        graph: crate::model::GraphIdx,
        data: Arc<crate::model::Data>,
    ) -> Result<(), WorkflowError> {
        let s = self.records.get(t).scope;
        let depth = self.scopes.get(s).depth + 1;
        self.check_depth(t, depth)?;
        self.records.set_state(t, TaskState::Started);
        let body = self.start_scope(graph, Some(t), depth, data, t)?;
        // What the task had when its body started, for a reset that puts it
        // back to STARTED after its body replaced its data.
        self.scopes.get_mut(body).entry = Some(self.records.data(t).clone());
        self.after_scope_start(t)
    }

    /// A body whose start event list was empty finishes at once.
    fn after_scope_start(&mut self, t: u32) -> Result<(), WorkflowError> {
        let s = self.scopes.child[&t];
        if self.scope_done(s) {
            self.finish_scope(s)?;
        }
        Ok(())
    }

    fn check_depth(&mut self, t: u32, depth: u32) -> Result<(), WorkflowError> {
        let max = self.limits.max_nesting;
        if depth > max {
            let process = self.process_of(self.records.get(t).node.graph).to_string();
            return Err(self.fail(
                t,
                format!(
                    "subprocesses and call activities nest deeper than the depth limit of {max} (--max-depth; does process `{process}` call itself?)"
                ),
            ));
        }
        Ok(())
    }

    /// Runs script `code` on task `t`'s data.
    fn run_script_on(&mut self, t: u32, code: ExprId) -> Result<(), WorkflowError> {
        let specs = self.specs.clone();
        let Some(compiled) = specs.code(code) else {
            return Err(self.fail(t, "its script did not compile".into()));
        };
        let s = self.records.get(t).scope;
        let before = self.records.data(t);
        let mut objects = self.visible_objects(s, &before);
        // The task's lane is read like a data object and dropped the same way.
        objects.extend(self.task_variables(t, compiled, &before));
        let mut data = Arc::unwrap_or_clone(before);
        // Data objects in scope and the task's own variables are readable;
        // unchanged copies are dropped.
        data.extend(objects.iter().cloned());
        let result = specs.engine.run(compiled, &mut data);
        for (k, v) in &objects {
            if data.get(k) == Some(v) {
                data.shift_remove(k);
            }
        }
        self.records.set_data(t, Arc::new(data));
        match result {
            Ok(()) => Ok(()),
            Err(e) => Err(self.script_failure(t, code, e)),
        }
    }

    fn script_failure(&mut self, t: u32, code: ExprId, e: ScriptError) -> WorkflowError {
        let specs = self.specs.clone();
        let expr = specs.model.expression(code);
        let mut pos = expr.pos;
        if let Some(l) = e.line {
            pos.line += l - 1;
            if l > 1 {
                pos.col = e.col.unwrap_or(1);
            }
        }
        let what = if expr.owner == specs.model.node(self.records.get(t).node).id {
            "script"
        } else {
            "condition"
        };
        let location = pos.display(&specs.model.files).to_string();
        let mut err = self.fail(t, format!("{what} failed: {e}"));
        err.location = location;
        if what == "condition" {
            err.message = format!("condition of sequence flow `{}` failed: {e}", expr.owner);
        }
        err
    }

    /// The tasks in ERROR, described as when they failed (the location is
    /// the element's).
    pub fn failures(&self) -> Vec<WorkflowError> {
        self.records
            .ids()
            .filter(|&t| self.records.state(t) == TaskState::Error)
            .map(|t| self.error_at(t, self.records.error(t).unwrap_or("it failed").into()))
            .collect()
    }

    /// A workflow error at task `t` (located at its element).
    fn error_at(&self, t: u32, message: String) -> WorkflowError {
        let r = self.records.get(t).node;
        let node = self.specs.model.node(r);
        WorkflowError {
            task: Some(TaskId(t)),
            element: node.id.clone(),
            process: self.process_of(r.graph).to_string(),
            location: node.pos.display(&self.specs.model.files).to_string(),
            message,
        }
    }

    /// Puts task `t` in ERROR and describes the failure.
    pub(crate) fn fail(&mut self, t: u32, message: String) -> WorkflowError {
        self.records.fail(t, message.clone());
        self.error_at(t, message)
    }

    /// Completes task `t`: post-script, choose outgoing flows, move tokens.
    pub(crate) fn complete(&mut self, t: u32) -> Result<(), WorkflowError> {
        let _now = ScriptNow::set(self.clock.virtual_time());
        let r = self.records.get(t).node;
        // What this step needs of the node, read without holding the specs
        // (a clone of their `Arc` on every step is measurable).
        let (post_script, has_data, looping, compensation, boundary, event) = {
            let node = self.specs.model.node(r);
            (
                node.post_script,
                node.data.is_some(),
                node.looping.is_some(),
                node.compensation_handler.is_some(),
                !node.boundary.is_empty(),
                matches!(node.kind, NodeKind::Event(_)),
            )
        };
        let loop_task = self.loops.child.get(&t).map(|&(p, _)| p);
        if let Some(post) = post_script {
            if self.scripts_run_on(t) {
                self.run_script_on(t, post)?;
            }
        }
        if has_data && (!looping || loop_task.is_none()) {
            self.data_on_completion(t)?;
        }
        if let Some(p) = loop_task {
            return self.loop_instance_done(p, t);
        }
        if self.is_handler(t) {
            // A compensation handler has no flows: the compensation goes on.
            self.mark_completed(t);
            return self.handler_done(t);
        }
        let flows = self.choose_flows(t, r)?;
        self.mark_completed(t);
        if compensation {
            self.remember_compensable(t);
        }
        if boundary {
            self.cancel_boundaries(t, t);
        }
        let s = self.records.get(t).scope;
        let specs = event.then(|| self.specs.clone());
        if let Some(NodeKind::Event(e)) = specs.as_ref().map(|x| &x.model.node(r).kind) {
            if e.is_terminate() {
                // Terminate ends this scope only (a terminate inside a
                // subprocess ends the subprocess), with this path's data.
                self.scopes.get_mut(s).terminated_by = Some(t);
                self.cancel_scope(s, t);
                self.scopes.get_mut(s).awaiting.clear();
                return self.finish_scope(s);
            }
            if let (EventPosition::Throw, Some(Trigger::Link { name })) =
                (e.position, e.triggers.first())
            {
                // A link throw continues at the catch of the same name.
                let graph = self.specs.model.graph(r.graph);
                if let Some(&(_, target)) = graph.links.iter().find(|(n, _)| n == name) {
                    let data = self.records.data(t).clone();
                    self.push_task(s, target, t, data, TaskState::Ready);
                }
                self.tokens_placed(s, r, t);
                return Ok(());
            }
        }
        if flows.is_empty() {
            self.scopes.get_mut(s).ended.push(t);
        }
        for f in flows {
            self.arrive(s, r, f, t)?;
        }
        self.tokens_placed(s, r, t);
        if self.scope_done(s) {
            self.finish_scope(s)?;
        }
        Ok(())
    }

    /// Task `t` (at `r`, in scope `s`) completed and its tokens are placed:
    /// conditional events that can see what it changed are evaluated (those
    /// of other scopes seeing data objects it wrote, then those of its scope
    /// with its data), and the OR-joins the step made ready to check are
    /// checked.
    fn tokens_placed(&mut self, s: u32, r: NodeRef, t: u32) {
        self.recheck_written_objects(s, r, t);
        self.recheck_conditionals(s, t);
        self.settle_joins();
    }

    /// Whether scope `s` has nothing left to do and has not finished yet.
    pub(crate) fn scope_done(&self, s: u32) -> bool {
        let scope = self.scopes.get(s);
        scope.live.is_empty() && scope.awaiting.is_empty() && !scope.finished
    }

    /// Scope `s` has no live task left: hand its data to whoever runs it.
    pub(crate) fn finish_scope(&mut self, s: u32) -> Result<(), WorkflowError> {
        self.scopes.get_mut(s).finished = true;
        self.events.park(s, &self.specs);
        self.unindex_starts(s);
        match self.scopes.get(s).container {
            Some(p) => {
                // The body's final data replaces the caller's, as SpiffWorkflow
                // does without an ioSpecification (so deletions propagate);
                // a called process's data outputs are merged instead.
                let data = self.body_result(p, s)?;
                self.records.set_data(p, data);
                self.complete(p)
            }
            None => {
                self.top_scope_finished(s);
                Ok(())
            }
        }
    }

    /// Which outgoing flows of task `t` (at node `r`) receive a token.
    fn choose_flows(&mut self, t: u32, r: NodeRef) -> Result<Vec<FlowIdx>, WorkflowError> {
        let specs = self.specs.clone();
        let graph = specs.model.graph(r.graph);
        let node = graph.node(r.node);
        if node.outgoing.is_empty() {
            return Ok(Vec::new());
        }
        let mut chosen = Vec::new();
        match node.kind {
            NodeKind::ParallelGateway | NodeKind::EventBasedGateway => {
                return Ok(node.outgoing.clone());
            }
            NodeKind::ExclusiveGateway => {
                for &f in &node.outgoing {
                    if Some(f) == node.default_flow {
                        continue;
                    }
                    if self.flow_condition(t, f, r)? {
                        return Ok(vec![f]);
                    }
                }
            }
            _ => {
                let mut any_true_condition = false;
                for &f in &node.outgoing {
                    if Some(f) == node.default_flow {
                        continue;
                    }
                    let has_condition = graph.flow(f).condition.is_some();
                    if self.flow_condition(t, f, r)? {
                        any_true_condition |= has_condition;
                        chosen.push(f);
                    }
                }
                let inclusive = matches!(node.kind, NodeKind::InclusiveGateway);
                if !any_true_condition
                    && (inclusive || !chosen.is_empty() || node.default_flow.is_some())
                {
                    // For an activity, the default flow is taken when no
                    // conditional flow is true (unconditioned flows always are).
                    if let Some(d) = node.default_flow {
                        chosen.push(d);
                    }
                }
                if !chosen.is_empty() {
                    return Ok(chosen);
                }
            }
        }
        if let Some(d) = node.default_flow {
            return Ok(vec![d]);
        }
        Err(self.fail(
            t,
            "no outgoing sequence flow has a true condition and there is no default flow".into(),
        ))
    }

    fn flow_condition(&mut self, t: u32, f: FlowIdx, r: NodeRef) -> Result<bool, WorkflowError> {
        let Some(cond) = self.specs.model.graph(r.graph).flow(f).condition else {
            return Ok(true);
        };
        let specs = self.specs.clone();
        let flow = specs.model.graph(r.graph).flow(f);
        let Some(code) = specs.code(cond) else {
            return Err(self.fail(t, format!("the condition of `{}` did not compile", flow.id)));
        };
        let s = self.records.get(t).scope;
        let data = self.records.data(t);
        let objects = self.visible_objects(s, &data);
        let data = if objects.is_empty() {
            data
        } else {
            // Conditions see the data objects in scope too.
            let mut d = Arc::unwrap_or_clone(data);
            d.extend(objects);
            Arc::new(d)
        };
        match specs.engine.eval_bool(code, &data) {
            Ok(b) => Ok(b),
            Err(e) => Err(self.script_failure(t, cond, e)),
        }
    }

    /// A token leaves task `t` (at `from`) along flow `f` in scope `s`.
    fn arrive(&mut self, s: u32, from: NodeRef, f: FlowIdx, t: u32) -> Result<(), WorkflowError> {
        let (target, slot) = {
            let flow = self.specs.model.graph(from.graph).flow(f);
            (flow.target, flow.target_slot as usize)
        };
        if self.node_is_join(NodeRef {
            graph: from.graph,
            node: target,
        }) {
            self.join_arrive(s, target, slot, t);
        } else {
            self.new_task_sharing(s, target, t)?;
        }
        Ok(())
    }
}

/// camunda `mapDecisionResult` applied to a decision's value.
fn map_decision_result(value: serde_json::Value, map: Option<&str>) -> serde_json::Value {
    use serde_json::Value;
    let as_list = |v: Value| match v {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let entry = |v: Value| match v {
        Value::Object(m) if m.len() == 1 => {
            m.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
        }
        other => other,
    };
    match map {
        Some("singleEntry") => entry(match value {
            Value::Array(mut a) if a.len() == 1 => a.remove(0),
            other => other,
        }),
        Some("singleResult") => match value {
            Value::Array(mut a) if a.len() == 1 => a.remove(0),
            other => other,
        },
        Some("collectEntries") => Value::Array(as_list(value).into_iter().map(entry).collect()),
        Some("resultList") => Value::Array(as_list(value)),
        _ => value,
    }
}
