//! Flow nodes: events, activities and gateways, with what the engine needs
//! to run them.

use super::{
    EventNode, EventPosition, ExprId, Extensions, FlowIdx, GraphIdx, NodeIdx, SourcePos, Trigger,
};

/// Which kind of human task waits for input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HumanKind {
    /// `bpmn:task` (SpiffWorkflow treats an untyped task as manual).
    Task,
    /// `bpmn:userTask`: a person enters data (the form, if any, comes
    /// from its extensions).
    UserTask,
    /// `bpmn:manualTask`: a person does work outside and marks it done.
    ManualTask,
}

/// What a node is and the data its behaviour needs.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// Start, end, intermediate and boundary events.
    Event(EventNode),
    /// `task`, `userTask`, `manualTask`: wait for a person.
    Human(HumanKind),
    /// `scriptTask`: runs its script when it becomes ready.
    ScriptTask {
        /// The `script` element's text, compiled as a statement list.
        script: ExprId,
    },
    /// `businessRuleTask`: evaluates a DMN decision (spiffworkflow
    /// `calledDecisionId`, camunda `decisionRef`, zeebe `calledDecision`).
    BusinessRuleTask {
        /// Id of the DMN decision to evaluate (looked up in the loaded
        /// DMN files).
        decision: String,
        /// Where the result goes (camunda/zeebe `resultVariable`); without
        /// it the outputs are merged into the data by output name.
        result_variable: Option<String>,
        /// camunda `mapDecisionResult`: singleEntry, singleResult,
        /// collectEntries or resultList.
        map_result: Option<String>,
    },
    /// `serviceTask`: runs `operation` through the registered service
    /// handler (spiffworkflow `serviceTaskOperator`, camunda `class` /
    /// `expression` / `delegateExpression` / `topic`, zeebe `taskDefinition`).
    ServiceTask {
        /// `None` when the diagram names no operation: the task does
        /// nothing (as in SpiffWorkflow), and `validate` warns about it.
        operation: Option<String>,
        /// Parameter names and the expressions giving their values.
        parameters: Vec<(String, ExprId)>,
        /// Where the handler's result goes (spiffworkflow
        /// `resultVariable` on the operator, camunda `resultVariable`).
        result_variable: Option<String>,
    },
    /// `sendTask`: throws its message.
    SendTask {
        /// The message thrown: always a [`Trigger::Message`].
        message: Trigger,
    },
    /// `receiveTask`: waits for its message.
    ReceiveTask {
        /// The message caught: always a [`Trigger::Message`].
        message: Trigger,
    },
    /// `exclusiveGateway`: takes the first outgoing flow whose condition
    /// holds (document order), else the default flow; joins pass through.
    ExclusiveGateway,
    /// `parallelGateway`: forks onto every outgoing flow; as a join, waits
    /// for a token on every incoming flow.
    ParallelGateway,
    /// `inclusiveGateway`: forks onto every outgoing flow whose condition
    /// holds (else the default); as a join, waits for the tokens that can
    /// still arrive.
    InclusiveGateway,
    /// Waits for the first of the events that follow it.
    EventBasedGateway,
    /// Embedded `subProcess` (or `transaction`); its body is `graph`.
    SubProcess {
        /// The subprocess body.
        graph: GraphIdx,
        /// True for a `transaction` (it can be cancelled by a cancel end
        /// event, compensating what completed inside).
        transaction: bool,
    },
    /// A `subProcess` with `triggeredByEvent="true"`: started by its start
    /// event while the enclosing scope runs.
    EventSubProcess {
        /// The event subprocess body; its start event says what starts it.
        graph: GraphIdx,
    },
    /// `callActivity` with the called process id, resolved across all loaded files.
    CallActivity {
        /// `calledElement` (local part of the QName): the id of the
        /// process to call; empty when the attribute is missing.
        called_element: String,
    },
    /// An element this engine does not run (kept so validation can name it).
    Unsupported {
        /// The element name and, when the element itself is known, what
        /// makes it unsupported (`complexGateway`, `exclusiveGateway with
        /// multiInstanceLoopCharacteristics`).
        element: String,
    },
}

impl NodeKind {
    /// The BPMN element type of this kind.
    pub fn element_type(&self) -> ElementType<'_> {
        match self {
            NodeKind::Event(e) => match e.position {
                EventPosition::Start { .. } => ElementType::StartEvent,
                EventPosition::End => ElementType::EndEvent,
                EventPosition::Catch => ElementType::IntermediateCatchEvent,
                EventPosition::Throw => ElementType::IntermediateThrowEvent,
                EventPosition::Boundary { .. } => ElementType::BoundaryEvent,
            },
            NodeKind::Human(HumanKind::Task) => ElementType::Task,
            NodeKind::Human(HumanKind::UserTask) => ElementType::UserTask,
            NodeKind::Human(HumanKind::ManualTask) => ElementType::ManualTask,
            NodeKind::ScriptTask { .. } => ElementType::ScriptTask,
            NodeKind::SendTask { .. } => ElementType::SendTask,
            NodeKind::ServiceTask { .. } => ElementType::ServiceTask,
            NodeKind::BusinessRuleTask { .. } => ElementType::BusinessRuleTask,
            NodeKind::ReceiveTask { .. } => ElementType::ReceiveTask,
            NodeKind::ExclusiveGateway => ElementType::ExclusiveGateway,
            NodeKind::ParallelGateway => ElementType::ParallelGateway,
            NodeKind::InclusiveGateway => ElementType::InclusiveGateway,
            NodeKind::EventBasedGateway => ElementType::EventBasedGateway,
            NodeKind::SubProcess {
                transaction: true, ..
            } => ElementType::Transaction,
            NodeKind::SubProcess { .. } => ElementType::SubProcess,
            NodeKind::EventSubProcess { .. } => ElementType::EventSubProcess,
            NodeKind::CallActivity { .. } => ElementType::CallActivity,
            NodeKind::Unsupported { element } => ElementType::Unsupported(element),
        }
    }

    /// The event node, for events.
    pub fn event(&self) -> Option<&EventNode> {
        match self {
            NodeKind::Event(e) => Some(e),
            _ => None,
        }
    }

    /// True for tasks that wait for a person.
    pub fn is_human(&self) -> bool {
        matches!(self, NodeKind::Human(_))
    }

    /// True for activities (tasks, subprocesses, call activities), as opposed
    /// to events and gateways.
    pub fn is_activity(&self) -> bool {
        matches!(
            self,
            NodeKind::Human(_)
                | NodeKind::ScriptTask { .. }
                | NodeKind::SendTask { .. }
                | NodeKind::ServiceTask { .. }
                | NodeKind::ReceiveTask { .. }
                | NodeKind::BusinessRuleTask { .. }
                | NodeKind::SubProcess { .. }
                | NodeKind::CallActivity { .. }
        )
    }
}

/// A flow node of a graph.
#[derive(Debug, Clone)]
pub struct Node {
    /// The element's BPMN `id` (what answers, resets and listings name).
    pub id: String,
    /// The `name` attribute, when the diagram gives one.
    pub name: Option<String>,
    /// What the node is and the data its behaviour needs.
    pub kind: NodeKind,
    /// Incoming sequence flows, in document order.
    pub incoming: Vec<FlowIdx>,
    /// Outgoing sequence flows, in document order of the flows.
    pub outgoing: Vec<FlowIdx>,
    /// The gateway's (or activity's) `default` flow.
    pub default_flow: Option<FlowIdx>,
    /// Name of the innermost lane that holds this node (inherited from an
    /// enclosing subprocess when the node has none of its own).
    pub lane: Option<String>,
    /// The text of its `documentation` child, trimmed; `None` when absent
    /// or blank (a Jinja template over task data, shown to the user).
    pub documentation: Option<String>,
    /// Vendor extension data (spiffworkflow, camunda, zeebe).
    pub extensions: Extensions,
    /// spiffworkflow `preScript`: runs when the task becomes ready.
    pub pre_script: Option<ExprId>,
    /// spiffworkflow `postScript`: runs when the task completes.
    pub post_script: Option<ExprId>,
    /// Boundary events attached to this activity.
    pub boundary: Vec<NodeIdx>,
    /// The compensation handler of this activity (via a compensation
    /// boundary event and its association).
    pub compensation_handler: Option<NodeIdx>,
    /// `isForCompensation="true"`: runs only as a compensation handler.
    pub for_compensation: bool,
    /// Multi-instance or standard loop characteristics of an activity.
    pub looping: Option<Box<super::Looping>>,
    /// `ioSpecification` and data object / data store associations.
    pub data: Option<Box<super::NodeData>>,
    /// Where the element starts.
    pub pos: SourcePos,
}

impl Node {
    /// The name if present, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// A script task marked long-running (the `spiffworkflow:property` or
    /// `camunda:property` `long_running` set to `true`): its script starts
    /// work elsewhere, and the task stays STARTED until it is finished from
    /// outside (`runtime/started.rs`).
    pub fn is_long_running(&self) -> bool {
        matches!(self.kind, NodeKind::ScriptTask { .. })
            && self
                .extensions
                .properties
                .get("long_running")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }
}

/// The BPMN element type of a node, as task listings show it and callers
/// match on it; written as the BPMN element name (`userTask`,
/// `exclusiveGateway`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementType<'a> {
    /// `startEvent`.
    StartEvent,
    /// `endEvent`.
    EndEvent,
    /// `intermediateCatchEvent`.
    IntermediateCatchEvent,
    /// `intermediateThrowEvent`.
    IntermediateThrowEvent,
    /// `boundaryEvent`.
    BoundaryEvent,
    /// `task` (a plain task, which waits for a person).
    Task,
    /// `userTask`.
    UserTask,
    /// `manualTask`.
    ManualTask,
    /// `scriptTask`.
    ScriptTask,
    /// `sendTask`.
    SendTask,
    /// `serviceTask`.
    ServiceTask,
    /// `businessRuleTask`.
    BusinessRuleTask,
    /// `receiveTask`.
    ReceiveTask,
    /// `exclusiveGateway`.
    ExclusiveGateway,
    /// `parallelGateway`.
    ParallelGateway,
    /// `inclusiveGateway`.
    InclusiveGateway,
    /// `eventBasedGateway`.
    EventBasedGateway,
    /// `subProcess`.
    SubProcess,
    /// `transaction`.
    Transaction,
    /// `subProcess` with `triggeredByEvent="true"`.
    EventSubProcess,
    /// `callActivity`.
    CallActivity,
    /// An element this engine does not run, with what the diagram calls it.
    Unsupported(&'a str),
}

impl<'a> ElementType<'a> {
    /// True for the four gateway types.
    pub fn is_gateway(self) -> bool {
        matches!(
            self,
            ElementType::ExclusiveGateway
                | ElementType::ParallelGateway
                | ElementType::InclusiveGateway
                | ElementType::EventBasedGateway
        )
    }

    /// True for start, end, intermediate and boundary events.
    pub fn is_event(self) -> bool {
        matches!(
            self,
            ElementType::StartEvent
                | ElementType::EndEvent
                | ElementType::IntermediateCatchEvent
                | ElementType::IntermediateThrowEvent
                | ElementType::BoundaryEvent
        )
    }

    /// The BPMN element name (`userTask`…), as shown to users.
    pub fn as_str(self) -> &'a str {
        match self {
            ElementType::StartEvent => "startEvent",
            ElementType::EndEvent => "endEvent",
            ElementType::IntermediateCatchEvent => "intermediateCatchEvent",
            ElementType::IntermediateThrowEvent => "intermediateThrowEvent",
            ElementType::BoundaryEvent => "boundaryEvent",
            ElementType::Task => "task",
            ElementType::UserTask => "userTask",
            ElementType::ManualTask => "manualTask",
            ElementType::ScriptTask => "scriptTask",
            ElementType::SendTask => "sendTask",
            ElementType::ServiceTask => "serviceTask",
            ElementType::BusinessRuleTask => "businessRuleTask",
            ElementType::ReceiveTask => "receiveTask",
            ElementType::ExclusiveGateway => "exclusiveGateway",
            ElementType::ParallelGateway => "parallelGateway",
            ElementType::InclusiveGateway => "inclusiveGateway",
            ElementType::EventBasedGateway => "eventBasedGateway",
            ElementType::SubProcess => "subProcess",
            ElementType::Transaction => "transaction",
            ElementType::EventSubProcess => "eventSubProcess",
            ElementType::CallActivity => "callActivity",
            ElementType::Unsupported(element) => element,
        }
    }
}

impl std::fmt::Display for ElementType<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ElementType<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
