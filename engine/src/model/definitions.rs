//! The set of loaded diagrams: processes, collaborations, graphs and
//! expressions from one or many files.

use super::{Diagram, ExprId, Expression, Graph, GraphIdx, Node, NodeRef, SourceFile, SourcePos};

/// A top-level `process`.
#[derive(Debug, Clone)]
pub struct ProcessSpec {
    /// The process's BPMN `id` (what `callActivity calledElement` and
    /// `bpmn run --process` name).
    pub id: String,
    /// The `name` attribute, when the diagram gives one.
    pub name: Option<String>,
    /// `isExecutable`: false only when the diagram says `"false"` (then its
    /// problems are warnings, not errors).
    pub executable: bool,
    /// The process body.
    pub graph: GraphIdx,
    /// Index in [`Model::files`] of the file that declares it.
    pub file: u32,
    /// Where the `process` element starts.
    pub pos: SourcePos,
}

/// A participant of a collaboration (a pool), with its process if it has one.
#[derive(Debug, Clone)]
pub struct Participant {
    /// The participant's BPMN `id`.
    pub id: String,
    /// The pool's `name` attribute.
    pub name: Option<String>,
    /// `processRef` (local part of the QName): the process the pool runs;
    /// `None` for a black-box pool.
    pub process_ref: Option<String>,
}

/// A `collaboration`: the pools that run together.
#[derive(Debug, Clone)]
pub struct Collaboration {
    /// The collaboration's BPMN `id` (what `bpmn run --collaboration` names).
    pub id: String,
    /// The `name` attribute, when the diagram gives one.
    pub name: Option<String>,
    /// Its pools, in document order.
    pub participants: Vec<Participant>,
    /// Index in [`Model::files`] of the file that declares it.
    pub file: u32,
}

/// Everything loaded from a set of BPMN files.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Every loaded file (BPMN and DMN) in load order; [`SourcePos::file`]
    /// indexes it.
    pub files: Vec<SourceFile>,
    /// Bodies of all processes and embedded subprocesses; [`GraphIdx`]
    /// indexes it.
    pub graphs: Vec<Graph>,
    /// Top-level processes of all files, in load order.
    pub processes: Vec<ProcessSpec>,
    /// Collaborations of all files, in load order.
    pub collaborations: Vec<Collaboration>,
    /// Every script and condition of all files; [`ExprId`] indexes it.
    pub expressions: Vec<Expression>,
    /// The BPMN DI planes of all files (`bpmndi:BPMNDiagram`), in load
    /// order; processes without one are laid out when drawn
    /// (`crate::picture`).
    pub diagrams: Vec<Diagram>,
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

    /// The processes collaboration `id` runs (its pools' `processRef`s, in
    /// document order); empty when there is no such collaboration.
    pub fn collaboration_processes(&self, id: &str) -> Vec<String> {
        self.collaboration(id)
            .map(|c| {
                c.participants
                    .iter()
                    .filter_map(|p| p.process_ref.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ids of all processes, in load order.
    pub fn process_ids(&self) -> impl Iterator<Item = &str> {
        self.processes.iter().map(|p| p.id.as_str())
    }
}
