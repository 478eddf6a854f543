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
    /// The BPMN element name of this kind, as shown to users.
    pub fn type_name(&self) -> &str {
        match self {
            NodeKind::Event(e) => match e.position {
                EventPosition::Start { .. } => "startEvent",
                EventPosition::End => "endEvent",
                EventPosition::Catch => "intermediateCatchEvent",
                EventPosition::Throw => "intermediateThrowEvent",
                EventPosition::Boundary { .. } => "boundaryEvent",
            },
            NodeKind::Human(HumanKind::Task) => "task",
            NodeKind::Human(HumanKind::UserTask) => "userTask",
            NodeKind::Human(HumanKind::ManualTask) => "manualTask",
            NodeKind::ScriptTask { .. } => "scriptTask",
            NodeKind::SendTask { .. } => "sendTask",
            NodeKind::ServiceTask { .. } => "serviceTask",
            NodeKind::BusinessRuleTask { .. } => "businessRuleTask",
            NodeKind::ReceiveTask { .. } => "receiveTask",
            NodeKind::ExclusiveGateway => "exclusiveGateway",
            NodeKind::ParallelGateway => "parallelGateway",
            NodeKind::InclusiveGateway => "inclusiveGateway",
            NodeKind::EventBasedGateway => "eventBasedGateway",
            NodeKind::SubProcess {
                transaction: true, ..
            } => "transaction",
            NodeKind::SubProcess { .. } => "subProcess",
            NodeKind::EventSubProcess { .. } => "eventSubProcess",
            NodeKind::CallActivity { .. } => "callActivity",
            NodeKind::Unsupported { element } => element,
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
}
