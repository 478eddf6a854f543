//! Flow nodes: events, activities and gateways, with what the engine needs
//! to run them.

use super::{ExprId, Extensions, FlowIdx, GraphIdx, SourcePos};

/// Which kind of human task waits for input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HumanKind {
    /// `bpmn:task` (SpiffWorkflow treats an untyped task as manual).
    Task,
    UserTask,
    ManualTask,
}

/// An event definition found on an event (only the kind matters to the core
/// engine; `terminate` is the one it runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventDefinition {
    Terminate,
    /// Any other definition, by element name (`messageEventDefinition`…).
    Other(String),
}

/// What a node is and the data its behaviour needs.
#[derive(Debug, Clone)]
pub enum NodeKind {
    StartEvent {
        definitions: Vec<EventDefinition>,
    },
    EndEvent {
        definitions: Vec<EventDefinition>,
    },
    /// An intermediate event without definition: passes the token on.
    IntermediateEvent {
        catch: bool,
    },
    /// `task`, `userTask`, `manualTask`: wait for a person.
    Human(HumanKind),
    ScriptTask {
        script: ExprId,
    },
    ExclusiveGateway,
    ParallelGateway,
    InclusiveGateway,
    /// Embedded `subProcess` (not triggered by an event); its body is `graph`.
    SubProcess {
        graph: GraphIdx,
    },
    /// `callActivity` with the called process id, resolved across all loaded files.
    CallActivity {
        called_element: String,
    },
    /// An element this engine does not run (kept so validation can name it).
    Unsupported {
        element: String,
    },
}

impl NodeKind {
    /// The BPMN element name of this kind, as shown to users.
    pub fn type_name(&self) -> &str {
        match self {
            NodeKind::StartEvent { .. } => "startEvent",
            NodeKind::EndEvent { .. } => "endEvent",
            NodeKind::IntermediateEvent { catch: true } => "intermediateCatchEvent",
            NodeKind::IntermediateEvent { catch: false } => "intermediateThrowEvent",
            NodeKind::Human(HumanKind::Task) => "task",
            NodeKind::Human(HumanKind::UserTask) => "userTask",
            NodeKind::Human(HumanKind::ManualTask) => "manualTask",
            NodeKind::ScriptTask { .. } => "scriptTask",
            NodeKind::ExclusiveGateway => "exclusiveGateway",
            NodeKind::ParallelGateway => "parallelGateway",
            NodeKind::InclusiveGateway => "inclusiveGateway",
            NodeKind::SubProcess { .. } => "subProcess",
            NodeKind::CallActivity { .. } => "callActivity",
            NodeKind::Unsupported { element } => element,
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
                | NodeKind::SubProcess { .. }
                | NodeKind::CallActivity { .. }
        )
    }
}

/// A flow node of a graph.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: Option<String>,
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
    pub documentation: Option<String>,
    pub extensions: Extensions,
    /// spiffworkflow `preScript`: runs when the task becomes ready.
    pub pre_script: Option<ExprId>,
    /// spiffworkflow `postScript`: runs when the task completes.
    pub post_script: Option<ExprId>,
    pub pos: SourcePos,
}

impl Node {
    /// The name if present, else the id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}
