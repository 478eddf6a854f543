//! Variables a script sees about its own task, not taken from the task data:
//! the task's lane, as SpiffWorkflow scripts read `task.task_spec.lane` to
//! route work by role.
//!
//! Two names, in every dialect:
//! - `task_lane`: the name of the innermost lane holding the task (an
//!   embedded subprocess's content without a lane of its own takes the
//!   subprocess's), or null (`None`) when it is in no lane;
//! - `task`: `{"task_spec": {"lane", "bpmn_id", "bpmn_name"}}`, so Python
//!   written for SpiffWorkflow (`task.task_spec.lane`) runs unchanged.
//!
//! They are given only to scripts (script tasks, pre- and post-scripts)
//! that mention them, and only when the data has no variable of that name
//! (the data wins, so existing diagrams keep their meaning). Like data
//! objects, they are read-only copies: a value the script leaves unchanged
//! is not written into the task data.

use serde_json::{Value, json};

use super::Workflow;
use crate::model::Data;
use crate::scripting::Compiled;

/// The variable holding the task's lane name.
pub const TASK_LANE: &str = "task_lane";
/// The SpiffWorkflow-like task object (`task.task_spec.lane`).
pub const TASK: &str = "task";

impl Workflow {
    /// The task variables `code` mentions and `data` lacks, with their
    /// values for task `t`.
    pub(crate) fn task_variables(
        &self,
        t: u32,
        code: &Compiled,
        data: &Data,
    ) -> Vec<(String, Value)> {
        let wants = |name: &str| code.mentions(name) && !data.contains_key(name);
        let (lane, task) = (wants(TASK_LANE), wants(TASK));
        if !lane && !task {
            return Vec::new();
        }
        let node = self.specs.model.node(self.records.get(t).node);
        let lane_value = node.lane.clone().map_or(Value::Null, Value::String);
        let mut out = Vec::new();
        if lane {
            out.push((TASK_LANE.to_string(), lane_value.clone()));
        }
        if task {
            let spec = json!({
                "lane": lane_value,
                "bpmn_id": node.id,
                "bpmn_name": node.name,
            });
            out.push((TASK.to_string(), json!({ "task_spec": spec })));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::Specs;
    use crate::model::{Data, Dialect};
    use crate::parser::LoadOptions;

    /// Lane Staff holds a script task with a pre-script and a subprocess
    /// whose inner script has no lane of its own; `Loose` is in no lane.
    const LANES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:laneSet id="LS">
      <bpmn:lane id="L1" name="Customer"><bpmn:flowNodeRef>Start</bpmn:flowNodeRef><bpmn:flowNodeRef>Mine</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="L2" name="Staff"><bpmn:flowNodeRef>Sub</bpmn:flowNodeRef><bpmn:flowNodeRef>End</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Mine"/>
    <bpmn:scriptTask id="Mine" name="Mine">
      <bpmn:extensionElements>
        <spiffworkflow:preScript>pre = task_lane</spiffworkflow:preScript>
        <spiffworkflow:postScript>post = task.task_spec.bpmn_name</spiffworkflow:postScript>
      </bpmn:extensionElements>
      <bpmn:script>spiff = task.task_spec.lane
mine = task_lane</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Mine" targetRef="Sub"/>
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="SubStart"/>
      <bpmn:sequenceFlow id="s1" sourceRef="SubStart" targetRef="Inner"/>
      <bpmn:scriptTask id="Inner"><bpmn:script>inner = task_lane</bpmn:script></bpmn:scriptTask>
      <bpmn:sequenceFlow id="s2" sourceRef="Inner" targetRef="SubEnd"/>
      <bpmn:endEvent id="SubEnd"/>
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f3" sourceRef="Sub" targetRef="End"/>
    <bpmn:endEvent id="End"/>
  </bpmn:process>
  <bpmn:process id="Q" isExecutable="true">
    <bpmn:startEvent id="QStart"/>
    <bpmn:sequenceFlow id="q1" sourceRef="QStart" targetRef="Loose"/>
    <bpmn:scriptTask id="Loose"><bpmn:script>none = task_lane is None
task_lane = "mine"</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="q2" sourceRef="Loose" targetRef="QEnd"/>
    <bpmn:endEvent id="QEnd"/>
  </bpmn:process>
</bpmn:definitions>"#;

    fn run(process: &str, data: serde_json::Value) -> Data {
        let opts = LoadOptions {
            dialect: Some(Dialect::Python),
        };
        let specs = Specs::from_sources_with(vec![("lanes.bpmn".into(), LANES.into())], &opts);
        let mut wf = specs
            .start(process, Data::from(data.as_object().unwrap().clone()))
            .unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        wf.data().clone()
    }

    #[test]
    fn scripts_pre_and_post_scripts_see_their_lane_without_it_entering_the_data() {
        let d = run("P", json!({}));
        assert_eq!(d.get("pre"), Some(&json!("Customer")));
        assert_eq!(d.get("mine"), Some(&json!("Customer")));
        assert_eq!(d.get("spiff"), Some(&json!("Customer")));
        assert_eq!(d.get("post"), Some(&json!("Mine")));
        // The subprocess's content, in no lane of its own, is in Staff.
        assert_eq!(d.get("inner"), Some(&json!("Staff")));
        assert!(!d.contains_key("task_lane"));
        assert!(!d.contains_key("task"));
    }

    #[test]
    fn no_lane_is_none_and_the_data_wins() {
        let d = run("Q", json!({}));
        assert_eq!(d.get("none"), Some(&json!(true)));
        // Assigned by the script: kept, like any variable it sets.
        assert_eq!(d.get("task_lane"), Some(&json!("mine")));
        // A `task_lane` in the data is what the script reads.
        let d = run("P", json!({"task_lane": "from data"}));
        assert_eq!(d.get("mine"), Some(&json!("from data")));
        assert_eq!(d.get("spiff"), Some(&json!("Customer")));
    }
}
