//! A graph is the body of a process or of an embedded subprocess: its flow
//! nodes and the sequence flows between them.

use super::{ExprId, Node, SourcePos};

/// Index of a [`Graph`] in [`crate::model::Model::graphs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GraphIdx(pub u32);

/// Index of a node inside its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeIdx(pub u32);

/// Index of a sequence flow inside its graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlowIdx(pub u32);

/// A node anywhere in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeRef {
    /// The graph that holds the node.
    pub graph: GraphIdx,
    /// The node's index inside that graph.
    pub node: NodeIdx,
}

/// A sequence flow.
#[derive(Debug, Clone)]
pub struct Flow {
    /// The `sequenceFlow`'s BPMN `id`.
    pub id: String,
    /// The `name` attribute (a gateway's choice is shown by it).
    pub name: Option<String>,
    /// `sourceRef`: the node the flow leaves.
    pub source: NodeIdx,
    /// `targetRef`: the node the flow enters.
    pub target: NodeIdx,
    /// `conditionExpression`; `None` for an unconditional flow.
    pub condition: Option<ExprId>,
    /// Position in the document among the graph's flows (conditions are tested in this order).
    pub order: u32,
    /// Position of this flow in its target's `incoming` list: which input
    /// of a join a token on it fills, found without a search (a join with
    /// n inputs would otherwise cost O(n) per token).
    pub target_slot: u32,
    /// Where the `sequenceFlow` element starts.
    pub pos: SourcePos,
}

/// The body of a process or subprocess.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The BPMN id of the process or subprocess this graph is the body of.
    pub id: String,
    /// Flow nodes declared directly in this body, in document order;
    /// [`NodeIdx`] indexes it.
    pub nodes: Vec<Node>,
    /// Sequence flows declared directly in this body, in document order;
    /// [`FlowIdx`] indexes it.
    pub flows: Vec<Flow>,
    /// None start events (what starts the graph), in document order; for a
    /// subprocess without start events, every node without incoming flow.
    pub starts: Vec<NodeIdx>,
    /// True when `starts` are the nodes without incoming flow (BPMN's
    /// implicit start: all of them receive a token).
    pub implicit_start: bool,
    /// Start events with event definitions (message, timer…): what starts
    /// the graph when it has no none start event, or an event subprocess.
    pub trigger_starts: Vec<NodeIdx>,
    /// Event subprocesses declared directly in this graph.
    pub event_subprocesses: Vec<NodeIdx>,
    /// Link catch events by link name.
    pub links: Vec<(String, NodeIdx)>,
    /// The process's `ioSpecification` (used when a call activity calls it).
    pub io: Option<super::IoSpec>,
    /// `dataObject`s declared directly in this body.
    pub data_objects: Vec<super::DataObjectDecl>,
    /// The node (in another graph) whose body this is, for subprocesses.
    pub parent: Option<NodeRef>,
    /// For each node, whether it is an inclusive join (more than one incoming
    /// flow); for those, `or_join_reach[node][k][n]` tells whether a token at
    /// node `n` can still reach the k-th incoming flow without passing the
    /// join (`parser/or_join_reach.rs`). Empty when the graph has no OR-join.
    pub or_join_reach: Vec<Option<Vec<Vec<bool>>>>,
    /// For each node, the OR-joins whose incoming flows a token there can
    /// reach: when the last token leaves the node, these joins are checked
    /// again. Empty when the graph has no OR-join.
    pub or_join_watch: Vec<Vec<NodeIdx>>,
}

impl Graph {
    /// The node at `idx`.
    pub fn node(&self, idx: NodeIdx) -> &Node {
        &self.nodes[idx.0 as usize]
    }

    /// The flow at `idx`.
    pub fn flow(&self, idx: FlowIdx) -> &Flow {
        &self.flows[idx.0 as usize]
    }

    /// Whether the graph has an inclusive gateway that joins.
    pub fn has_or_joins(&self) -> bool {
        !self.or_join_watch.is_empty()
    }

    /// The OR-joins a token at node `n` can still reach (see `or_join_watch`).
    pub fn or_joins_watching(&self, n: NodeIdx) -> &[NodeIdx] {
        self.or_join_watch
            .get(n.0 as usize)
            .map_or(&[], |w| w.as_slice())
    }

    /// Finds a node by its BPMN id.
    pub fn find(&self, id: &str) -> Option<NodeIdx> {
        self.nodes
            .iter()
            .position(|n| n.id == id)
            .map(|i| NodeIdx(i as u32))
    }
}
