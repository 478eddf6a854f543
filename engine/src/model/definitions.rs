//! The set of loaded diagrams: processes, collaborations, graphs and
//! expressions from one or many files.

use super::{ExprId, Expression, Graph, GraphIdx, Node, NodeRef, SourceFile, SourcePos};

/// A top-level `process`.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    pub id: String,
    pub name: Option<String>,
    pub executable: bool,
    pub graph: GraphIdx,
    pub file: u32,
    /// Where the `process` element starts.
    pub pos: SourcePos,
}

/// A participant of a collaboration (a pool), with its process if it has one.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: String,
    pub name: Option<String>,
    pub process_ref: Option<String>,
}

/// A `collaboration`: the pools that run together.
#[derive(Debug, Clone)]
pub struct Collaboration {
    pub id: String,
    pub participants: Vec<Participant>,
    pub file: u32,
}

/// Everything loaded from a set of BPMN files.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub files: Vec<SourceFile>,
    pub graphs: Vec<Graph>,
    pub processes: Vec<ProcessSpec>,
    pub collaborations: Vec<Collaboration>,
    pub expressions: Vec<Expression>,
}

impl Model {
    /// The graph at `idx`.
    pub fn graph(&self, idx: GraphIdx) -> &Graph {
        &self.graphs[idx.0 as usize]
    }

    /// The node at `r`.
    pub fn node(&self, r: NodeRef) -> &Node {
        self.graph(r.graph).node(r.node)
    }

    /// The expression in slot `id`.
    pub fn expression(&self, id: ExprId) -> &Expression {
        &self.expressions[id.0 as usize]
    }

    /// The process with BPMN id `id`.
    pub fn process(&self, id: &str) -> Option<&ProcessSpec> {
        self.processes.iter().find(|p| p.id == id)
    }

    /// The collaboration with BPMN id `id`.
    pub fn collaboration(&self, id: &str) -> Option<&Collaboration> {
        self.collaborations.iter().find(|c| c.id == id)
    }

    /// Ids of all processes, in load order.
    pub fn process_ids(&self) -> impl Iterator<Item = &str> {
        self.processes.iter().map(|p| p.id.as_str())
    }
}
