//! What to lay over a diagram: per flow node the state to colour it with
//! and how many times it ran, per sequence flow how many times a token took
//! it — read off an instance ([`Overlay::of_instance`]) or summed over test
//! runs for a coverage heat map.

use std::collections::HashMap;

use crate::model::{FlowIdx, GraphIdx, NodeKind, NodeRef};
use crate::runtime::{TaskState, Workflow};

/// An element of a loaded file: ids are unique only within a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ElementKey {
    /// Index in [`crate::model::Model::files`].
    pub file: u32,
    /// The element's BPMN id.
    pub id: String,
}

impl ElementKey {
    /// The key of element `id` of file `file`.
    pub fn new(file: u32, id: impl Into<String>) -> Self {
        ElementKey {
            file,
            id: id.into(),
        }
    }
}

/// What happened at one flow node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeMark {
    /// The state the node is coloured with: of its tasks, the one that
    /// matters most now (ERROR, then READY, STARTED, WAITING, COMPLETED,
    /// CANCELLED).
    pub state: TaskState,
    /// How many times a token reached it (its task records); for a
    /// heat map, the runs summed over all scenarios.
    pub count: u32,
}

/// How the overlay colours what it marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OverlayStyle {
    /// One colour per task state (an instance).
    #[default]
    States,
    /// Shades by count relative to the largest count, unreached elements
    /// marked as gaps (test coverage).
    Heat,
}

/// What to lay over diagrams. Flow nodes and flows without an entry were
/// never reached or taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// Per flow node (boundary events and subprocesses included).
    pub nodes: HashMap<ElementKey, NodeMark>,
    /// Per sequence flow: how many times a token took it.
    pub flows: HashMap<ElementKey, u32>,
    /// How to colour.
    pub style: OverlayStyle,
}

impl Overlay {
    /// What happened in `wf` so far: every flow node a token reached, with
    /// the state that matters most among its tasks and how many tasks it
    /// had, and every sequence flow a token took, with how often.
    ///
    /// A flow counts as taken when a task of its target was created by the
    /// completion of a task of its source (the record's parent), or — for a
    /// parallel or inclusive join, whose one task stands for all its inputs
    /// — when a token arrived on it (fired joins remember their inputs,
    /// waiting joins their arrivals). A catch event behind an event-based
    /// gateway that lost the race was reached but its flow is not counted:
    /// the token did not go that way. Tasks a reset removed are gone, so
    /// a picture after a reset shows the rewound path.
    ///
    /// Cost: one pass over the task records plus the joins' inputs.
    pub fn of_instance(wf: &Workflow) -> Overlay {
        let model = &wf.specs.model;
        let records = &wf.records;
        let mut nodes: HashMap<NodeRef, NodeMark> = HashMap::new();
        let mut flows: HashMap<(GraphIdx, FlowIdx), u32> = HashMap::new();
        for t in records.ids() {
            let rec = records.get(t);
            let state = rec.state;
            nodes
                .entry(rec.node)
                .and_modify(|m| {
                    m.count += 1;
                    if rank(state) < rank(m.state) {
                        m.state = state;
                    }
                })
                .or_insert(NodeMark { state, count: 1 });
            if wf.node_is_join(rec.node) || !records.exists(rec.parent) {
                continue;
            }
            let parent = records.get(rec.parent);
            if parent.node.graph != rec.node.graph {
                continue;
            }
            let graph = model.graph(rec.node.graph);
            let source = graph.node(parent.node.node);
            if parent.node == rec.node && graph.node(rec.node.node).looping.is_some() {
                // A loop instance's parent is its loop task, not a flow.
                continue;
            }
            if matches!(source.kind, NodeKind::EventBasedGateway) && state == TaskState::Cancelled {
                continue;
            }
            if let Some(&f) = source
                .outgoing
                .iter()
                .find(|&&f| graph.flow(f).target == rec.node.node)
            {
                *flows.entry((rec.node.graph, f)).or_default() += 1;
            }
        }
        let mut join_input = |graph: GraphIdx, node: crate::model::NodeIdx, slot: usize| {
            if let Some(&f) = model.graph(graph).node(node).incoming.get(slot) {
                *flows.entry((graph, f)).or_default() += 1;
            }
        };
        for (&j, fired) in &wf.joins.fired {
            if !records.exists(j) {
                continue;
            }
            let at = records.get(j).node;
            for &(slot, _, _) in &fired.inputs {
                join_input(at.graph, at.node, slot as usize);
            }
        }
        for (&(scope, node), pending) in &wf.joins.pending {
            let graph = wf.scopes.get(scope).graph;
            for (slot, arrivals) in pending.arrivals.iter().enumerate() {
                for _ in arrivals {
                    join_input(graph, node, slot);
                }
            }
        }
        Overlay {
            nodes: nodes
                .into_iter()
                .map(|(r, m)| {
                    let n = model.node(r);
                    (ElementKey::new(n.pos.file, n.id.clone()), m)
                })
                .collect(),
            flows: flows
                .into_iter()
                .map(|((g, f), n)| {
                    let flow = model.graph(g).flow(f);
                    (ElementKey::new(flow.pos.file, flow.id.clone()), n)
                })
                .collect(),
            style: OverlayStyle::States,
        }
    }
}

/// Which state a node shows when its tasks differ: what needs attention
/// first.
fn rank(s: TaskState) -> u8 {
    match s {
        TaskState::Error => 0,
        TaskState::Ready => 1,
        TaskState::Started => 2,
        TaskState::Waiting => 3,
        TaskState::Completed => 4,
        TaskState::Cancelled => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Specs;
    use serde_json::Map;

    const SPLIT_JOIN: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f_start" sourceRef="start" targetRef="split"/>
    <parallelGateway id="split"/>
    <sequenceFlow id="f_a" sourceRef="split" targetRef="a"/>
    <sequenceFlow id="f_b" sourceRef="split" targetRef="b"/>
    <userTask id="a"/>
    <scriptTask id="b"><script>x = 2;</script></scriptTask>
    <sequenceFlow id="f_a_join" sourceRef="a" targetRef="join"/>
    <sequenceFlow id="f_b_join" sourceRef="b" targetRef="join"/>
    <parallelGateway id="join"/>
    <sequenceFlow id="f_join" sourceRef="join" targetRef="xor"/>
    <exclusiveGateway id="xor" default="f_d"/>
    <sequenceFlow id="f_c" sourceRef="xor" targetRef="c"><conditionExpression>x &gt; 1</conditionExpression></sequenceFlow>
    <sequenceFlow id="f_d" sourceRef="xor" targetRef="d"/>
    <userTask id="c"/>
    <userTask id="d"/>
    <sequenceFlow id="f_c_end" sourceRef="c" targetRef="end"/>
    <sequenceFlow id="f_d_end" sourceRef="d" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"#;

    fn start(xml: &str) -> Workflow {
        let specs = Specs::from_sources(vec![("t.bpmn".into(), xml.as_bytes().to_vec())]);
        let mut wf = specs.start("p", Map::new()).unwrap();
        wf.run().unwrap();
        wf
    }

    fn state(o: &Overlay, id: &str) -> Option<(TaskState, u32)> {
        o.nodes
            .get(&ElementKey::new(0, id))
            .map(|m| (m.state, m.count))
    }

    fn taken(o: &Overlay) -> Vec<(&str, u32)> {
        let mut v: Vec<_> = o.flows.iter().map(|(k, &n)| (k.id.as_str(), n)).collect();
        v.sort();
        v
    }

    fn complete(wf: &mut Workflow, bpmn_id: &str) {
        let id = wf
            .tasks_in_state(TaskState::Ready)
            .find(|t| t.bpmn_id == bpmn_id)
            .unwrap()
            .id;
        wf.complete_task(id, Map::new()).unwrap();
        wf.run().unwrap();
    }

    #[test]
    fn states_counts_and_taken_flows_through_a_join_and_a_choice() {
        let mut wf = start(SPLIT_JOIN);
        let o = Overlay::of_instance(&wf);
        assert_eq!(state(&o, "a"), Some((TaskState::Ready, 1)));
        assert_eq!(state(&o, "b"), Some((TaskState::Completed, 1)));
        assert_eq!(state(&o, "join"), Some((TaskState::Waiting, 1)));
        assert_eq!(state(&o, "c"), None);
        // The join waits with b's token: its flow is taken, a's is not.
        assert_eq!(
            taken(&o),
            [("f_a", 1), ("f_b", 1), ("f_b_join", 1), ("f_start", 1)]
        );

        complete(&mut wf, "a");
        let o = Overlay::of_instance(&wf);
        assert_eq!(state(&o, "join"), Some((TaskState::Completed, 1)));
        assert_eq!(state(&o, "c"), Some((TaskState::Ready, 1)));
        assert_eq!(state(&o, "d"), None, "the default flow was not taken");
        assert_eq!(
            taken(&o),
            [
                ("f_a", 1),
                ("f_a_join", 1),
                ("f_b", 1),
                ("f_b_join", 1),
                ("f_c", 1),
                ("f_join", 1),
                ("f_start", 1)
            ]
        );
        assert_eq!(o.style, OverlayStyle::States);
    }

    #[test]
    fn a_reset_takes_back_what_followed() {
        let mut wf = start(SPLIT_JOIN);
        let a = wf
            .tasks_in_state(TaskState::Ready)
            .find(|t| t.bpmn_id == "a")
            .unwrap()
            .id;
        let before = Overlay::of_instance(&wf);
        complete(&mut wf, "a");
        wf.reset(a, Map::new()).unwrap();
        assert_eq!(Overlay::of_instance(&wf), before);
    }

    #[test]
    fn a_loop_counts_each_pass() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="inc"/>
    <scriptTask id="inc"><script>i = i + 1;</script></scriptTask>
    <sequenceFlow id="f2" sourceRef="inc" targetRef="more"/>
    <exclusiveGateway id="more" default="f_out"/>
    <sequenceFlow id="f_back" sourceRef="more" targetRef="inc"><conditionExpression>i &lt; 3</conditionExpression></sequenceFlow>
    <sequenceFlow id="f_out" sourceRef="more" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"#;
        let specs = Specs::from_sources(vec![("t.bpmn".into(), xml.as_bytes().to_vec())]);
        let mut data = Map::new();
        data.insert("i".into(), serde_json::json!(0));
        let mut wf = specs.start("p", data).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        let o = Overlay::of_instance(&wf);
        assert_eq!(state(&o, "inc"), Some((TaskState::Completed, 3)));
        assert_eq!(state(&o, "end"), Some((TaskState::Completed, 1)));
        assert_eq!(
            taken(&o),
            [("f1", 1), ("f2", 3), ("f_back", 2), ("f_out", 1)]
        );
    }

    #[test]
    fn the_losing_branch_of_an_event_based_gateway_is_not_taken() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <message id="msg" name="paid"/>
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="ebg"/>
    <eventBasedGateway id="ebg"/>
    <sequenceFlow id="f_msg" sourceRef="ebg" targetRef="paid"/>
    <sequenceFlow id="f_timer" sourceRef="ebg" targetRef="late"/>
    <intermediateCatchEvent id="paid"><messageEventDefinition messageRef="msg"/></intermediateCatchEvent>
    <intermediateCatchEvent id="late"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f_paid" sourceRef="paid" targetRef="end"/>
    <sequenceFlow id="f_late" sourceRef="late" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>"#;
        let mut wf = start(xml);
        let o = Overlay::of_instance(&wf);
        // Both wait: the token may still go either way.
        assert_eq!(state(&o, "paid"), Some((TaskState::Waiting, 1)));
        assert_eq!(state(&o, "late"), Some((TaskState::Waiting, 1)));
        assert_eq!(taken(&o), [("f1", 1), ("f_msg", 1), ("f_timer", 1)]);

        wf.send_message("paid", serde_json::Value::Null).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        let o = Overlay::of_instance(&wf);
        assert_eq!(state(&o, "late"), Some((TaskState::Cancelled, 1)));
        assert_eq!(state(&o, "end"), Some((TaskState::Completed, 1)));
        assert_eq!(taken(&o), [("f1", 1), ("f_msg", 1), ("f_paid", 1)]);
    }
}
