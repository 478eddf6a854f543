//! Differences between two versions of the same diagrams: which flow
//! elements and sequence flows of a process were added, removed or changed
//! (and, with dependencies, of the processes it calls), and how the
//! elements of the old version *align* with those of the new one — what a
//! running instance needs in order to move to the new version.
//!
//! Alignment works from the outside in. A process aligns with the process
//! of the same id; the body of a subprocess (or event subprocess) aligns
//! with the body of the subprocess it aligned with. Inside two aligned
//! bodies, an element aligns with the element of the same BPMN id when
//! their kinds are *compatible* — a task can carry over without changing
//! what its runtime state means: the three human task types (`task`,
//! `userTask`, `manualTask`) are interchangeable, as are the four automated
//! ones (`scriptTask`, `serviceTask`, `businessRuleTask`, `sendTask`), and
//! `subProcess` with `transaction`; every other type aligns only with
//! itself, and a boundary event only when it stays attached to the
//! activity its old activity aligned with. An element whose id stayed but
//! whose type changed beyond that is listed as changed but not aligned:
//! nothing running at it carries over. An old element whose id is gone
//! still aligns *by structure* with a new element whose id is new when
//! both have the same type, the same (aligned) predecessors and successors,
//! and exactly one such partner each — a renamed id. Sequence flows align
//! by id within aligned bodies.
//!
//! Lists come in a stable order: by process (the root first, then the
//! processes it calls, in the order they are first called), then by
//! position in the file (the old file for removed and changed elements,
//! the new one for added elements).

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt;

use serde::Serialize;

use super::{
    EventNode, EventPosition, FlowIdx, Graph, GraphIdx, Looping, MiSource, Model, Node, NodeIdx,
    NodeKind, NodeRef, Timer, Trigger,
};

/// How an element of the old version was matched with one of the new.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// Both have the same BPMN id.
    Id,
    /// The ids differ; the element sits at the same place between the same
    /// aligned neighbours (a renamed id).
    Structure,
}

/// Which property of an element or flow changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The BPMN id (an element matched by structure).
    Id,
    /// The element type (`userTask` → `manualTask`).
    Type,
    /// The `name` attribute.
    Name,
    /// The incoming sequence flows (by flow id and source).
    Incoming,
    /// The outgoing sequence flows (by flow id and target).
    Outgoing,
    /// The `default` flow of a gateway or activity.
    DefaultFlow,
    /// A script task's script.
    Script,
    /// The spiffworkflow `preScript`.
    PreScript,
    /// The spiffworkflow `postScript`.
    PostScript,
    /// Event definitions, or where the event sits (interrupting, attached
    /// to); a send or receive task's message.
    Event,
    /// Multi-instance or standard loop characteristics.
    Loop,
    /// The lane that holds the element.
    Lane,
    /// A call activity's `calledElement`.
    CalledElement,
    /// What a business rule or service task calls (decision, operation,
    /// parameters, result variable).
    Implementation,
    /// `ioSpecification` and data associations.
    Data,
    /// Being a compensation handler, or the handler an activity names.
    Compensation,
    /// The `documentation` text.
    Documentation,
    /// Vendor extensions (forms, properties, instructions…).
    Extensions,
    /// A flow's `sourceRef`.
    Source,
    /// A flow's `targetRef`.
    Target,
    /// A flow's `conditionExpression`.
    Condition,
    /// Whether a flow is its source's default flow.
    Default,
}

impl Field {
    /// The name shown to users and written in JSON (`name`, `called_element`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Type => "type",
            Field::Name => "name",
            Field::Incoming => "incoming",
            Field::Outgoing => "outgoing",
            Field::DefaultFlow => "default_flow",
            Field::Script => "script",
            Field::PreScript => "pre_script",
            Field::PostScript => "post_script",
            Field::Event => "event",
            Field::Loop => "loop",
            Field::Lane => "lane",
            Field::CalledElement => "called_element",
            Field::Implementation => "implementation",
            Field::Data => "data",
            Field::Compensation => "compensation",
            Field::Documentation => "documentation",
            Field::Extensions => "extensions",
            Field::Source => "source",
            Field::Target => "target",
            Field::Condition => "condition",
            Field::Default => "default",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One property that differs, as text (empty: absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Which property.
    pub field: Field,
    /// Its value in the old version.
    pub old: String,
    /// Its value in the new version.
    pub new: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| {
            if s.is_empty() {
                "(none)".to_string()
            } else if s.contains('\n') || s.len() > 60 {
                // Long scripts: the first line is enough to recognise them.
                let first = s.lines().next().unwrap_or_default();
                let cut: String = first.chars().take(57).collect();
                format!("{cut}…")
            } else {
                s.to_string()
            }
        };
        write!(
            f,
            "{}: {} → {}",
            self.field,
            show(&self.old),
            show(&self.new)
        )
    }
}

/// A flow element of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementRef {
    /// The process id, then the ids of the subprocesses that enclose it.
    pub path: Vec<String>,
    /// Its BPMN id.
    pub id: String,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// Its BPMN type (`userTask`…).
    #[serde(rename = "type")]
    pub element: String,
    /// The line of its file where it starts.
    pub line: u32,
    /// Where it is in its version's model.
    #[serde(skip)]
    pub node: NodeRef,
}

/// An element whose id (or place) stayed and whose properties changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementChange {
    /// The element in the old version.
    pub old: ElementRef,
    /// The element in the new version.
    pub new: ElementRef,
    /// How the two were matched.
    pub matched_by: MatchedBy,
    /// Whether a task at the old element carries over to the new one
    /// (false when the type changed into an incompatible one).
    pub aligned: bool,
    /// What differs, in a fixed order of fields.
    pub changes: Vec<Change>,
}

/// A sequence flow of one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRef {
    /// The process id, then the ids of the subprocesses that enclose it.
    pub path: Vec<String>,
    /// The flow's BPMN id.
    pub id: String,
    /// Its `name`, if any.
    pub name: Option<String>,
    /// BPMN id of its source.
    pub source: String,
    /// BPMN id of its target.
    pub target: String,
    /// The line of its file where it starts.
    pub line: u32,
    /// Its graph in its version's model.
    #[serde(skip)]
    pub graph: GraphIdx,
    /// Its index in that graph.
    #[serde(skip)]
    pub flow: FlowIdx,
}

/// A flow whose id stayed and whose properties changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowChange {
    /// The flow in the old version.
    pub old: FlowRef,
    /// The flow in the new version.
    pub new: FlowRef,
    /// What differs.
    pub changes: Vec<Change>,
}

/// Why two versions cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// The process is not in one of the versions.
    #[error("process `{id}` is not in the {version} version (it has: {known})")]
    UnknownProcess {
        /// The process id asked for.
        id: String,
        /// `old` or `new`.
        version: &'static str,
        /// The processes that version has, comma-separated.
        known: String,
    },
}

/// The differences between two versions of a process (and of the processes
/// it calls), with the alignment of old elements to new ones.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SpecDiff {
    /// The processes compared from (the one asked for, or every top-level
    /// process of an instance).
    pub roots: Vec<String>,
    /// Whether the processes they call were compared too.
    pub deps: bool,
    /// Processes present in both versions and compared, roots first.
    pub processes: Vec<String>,
    /// Processes reached only in the new version (called by it).
    pub added_processes: Vec<String>,
    /// Processes reached only in the old version.
    pub removed_processes: Vec<String>,
    /// Elements only in the new version.
    pub added: Vec<ElementRef>,
    /// Elements of the old version with no counterpart.
    pub removed: Vec<ElementRef>,
    /// Elements in both whose properties differ (and elements whose type
    /// changed beyond alignment).
    pub changed: Vec<ElementChange>,
    /// Flows only in the new version.
    pub added_flows: Vec<FlowRef>,
    /// Flows only in the old version.
    pub removed_flows: Vec<FlowRef>,
    /// Flows in both whose properties differ.
    pub changed_flows: Vec<FlowChange>,
    #[serde(skip)]
    nodes: HashMap<NodeRef, NodeRef>,
    #[serde(skip)]
    graphs: HashMap<GraphIdx, GraphIdx>,
    #[serde(skip)]
    flows: HashMap<(GraphIdx, FlowIdx), FlowIdx>,
    #[serde(skip)]
    changed_at: HashMap<NodeRef, usize>,
}

impl SpecDiff {
    /// Compares process `process` of `old` with the process of the same id
    /// in `new` — with `deps`, the processes their call activities call as
    /// well. Fails when either version lacks the process.
    pub fn new(old: &Model, new: &Model, process: &str, deps: bool) -> Result<SpecDiff, DiffError> {
        for (model, version) in [(old, "old"), (new, "new")] {
            if model.process(process).is_none() {
                return Err(DiffError::UnknownProcess {
                    id: process.to_string(),
                    version,
                    known: model.process_ids().collect::<Vec<_>>().join(", "),
                });
            }
        }
        Ok(Self::of_processes(old, new, &[process.to_string()], deps))
    }

    /// Compares several processes at once (every top-level process of an
    /// instance). A root missing from `new` is listed as a removed process.
    pub fn of_processes(old: &Model, new: &Model, roots: &[String], deps: bool) -> SpecDiff {
        let old_set = closure(old, roots, deps);
        let new_set = closure(new, roots, deps);
        let mut d = SpecDiff {
            roots: roots.to_vec(),
            deps,
            ..SpecDiff::default()
        };
        d.processes = old_set
            .iter()
            .filter(|p| new_set.contains(p))
            .cloned()
            .collect();
        d.removed_processes = old_set
            .iter()
            .filter(|p| !new_set.contains(p))
            .cloned()
            .collect();
        d.added_processes = new_set
            .iter()
            .filter(|p| !old_set.contains(p))
            .cloned()
            .collect();
        let mut a = Aligner {
            old,
            new,
            d,
            retyped: HashMap::new(),
            structural: HashSet::new(),
        };
        let compared = a.d.processes.clone();
        for p in &compared {
            let (Some(op), Some(np)) = (old.process(p), new.process(p)) else {
                continue;
            };
            a.align_graph(op.graph, np.graph);
        }
        a.finish(&compared);
        a.d
    }

    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added_processes.is_empty()
            && self.removed_processes.is_empty()
            && self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.added_flows.is_empty()
            && self.removed_flows.is_empty()
            && self.changed_flows.is_empty()
    }

    /// The new element the old element at `old` aligns with.
    pub fn node(&self, old: NodeRef) -> Option<NodeRef> {
        self.nodes.get(&old).copied()
    }

    /// The new graph (process or subprocess body) old graph `old` aligns with.
    pub fn graph(&self, old: GraphIdx) -> Option<GraphIdx> {
        self.graphs.get(&old).copied()
    }

    /// The new flow (in the aligned graph) old flow `flow` of graph `graph`
    /// aligns with.
    pub fn flow(&self, graph: GraphIdx, flow: FlowIdx) -> Option<FlowIdx> {
        self.flows.get(&(graph, flow)).copied()
    }

    /// How the old element at `old` changed, if it did.
    pub fn change(&self, old: NodeRef) -> Option<&ElementChange> {
        self.changed_at.get(&old).map(|&i| &self.changed[i])
    }

    /// Every aligned pair (old element, new element), in no particular order.
    pub fn alignment(&self) -> impl Iterator<Item = (NodeRef, NodeRef)> + '_ {
        self.nodes.iter().map(|(&o, &n)| (o, n))
    }
}

/// `roots` and, with `deps`, every process their call activities reach,
/// in the order first reached.
fn closure(model: &Model, roots: &[String], deps: bool) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    for r in roots {
        if !seen.contains(r) && model.process(r).is_some() {
            seen.push(r.clone());
            queue.push_back(r.clone());
        }
    }
    if !deps {
        return seen;
    }
    while let Some(pid) = queue.pop_front() {
        let Some(p) = model.process(&pid) else {
            continue;
        };
        let mut graphs = vec![p.graph];
        while let Some(g) = graphs.pop() {
            for n in &model.graph(g).nodes {
                match &n.kind {
                    NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => {
                        graphs.push(*graph)
                    }
                    NodeKind::CallActivity { called_element }
                        if !seen.contains(called_element)
                            && model.process(called_element).is_some() =>
                    {
                        seen.push(called_element.clone());
                        queue.push_back(called_element.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    seen
}

/// The process id, then the ids of the subprocesses around graph `g`.
pub fn graph_path(model: &Model, g: GraphIdx) -> Vec<String> {
    let mut path = vec![model.graph(g).id.clone()];
    let mut at = g;
    while let Some(parent) = model.graph(at).parent {
        at = parent.graph;
        path.push(model.graph(at).id.clone());
    }
    path.reverse();
    path
}

/// The kinds a task can move between (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class<'a> {
    Human,
    Automated,
    Receive,
    Embedded,
    Call,
    EventSub,
    Exclusive,
    Parallel,
    Inclusive,
    EventBased,
    Start,
    End,
    Catch,
    Throw,
    Boundary,
    Unsupported(&'a str),
}

fn class(kind: &NodeKind) -> Class<'_> {
    match kind {
        NodeKind::Human(_) => Class::Human,
        NodeKind::ScriptTask { .. }
        | NodeKind::ServiceTask { .. }
        | NodeKind::BusinessRuleTask { .. }
        | NodeKind::SendTask { .. } => Class::Automated,
        NodeKind::ReceiveTask { .. } => Class::Receive,
        NodeKind::SubProcess { .. } => Class::Embedded,
        NodeKind::CallActivity { .. } => Class::Call,
        NodeKind::EventSubProcess { .. } => Class::EventSub,
        NodeKind::ExclusiveGateway => Class::Exclusive,
        NodeKind::ParallelGateway => Class::Parallel,
        NodeKind::InclusiveGateway => Class::Inclusive,
        NodeKind::EventBasedGateway => Class::EventBased,
        NodeKind::Event(e) => match e.position {
            EventPosition::Start { .. } => Class::Start,
            EventPosition::End => Class::End,
            EventPosition::Catch => Class::Catch,
            EventPosition::Throw => Class::Throw,
            EventPosition::Boundary { .. } => Class::Boundary,
        },
        NodeKind::Unsupported { element } => Class::Unsupported(element),
    }
}

fn attached_to(n: &Node) -> Option<NodeIdx> {
    match n.kind.event().map(|e| e.position) {
        Some(EventPosition::Boundary { attached_to, .. }) => Some(attached_to),
        _ => None,
    }
}

fn body(n: &Node) -> Option<GraphIdx> {
    match n.kind {
        NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => Some(graph),
        _ => None,
    }
}

struct Aligner<'a> {
    old: &'a Model,
    new: &'a Model,
    d: SpecDiff,
    /// Same id, incompatible kind: old → new.
    retyped: HashMap<NodeRef, NodeRef>,
    /// Pairs matched by structure.
    structural: HashSet<(NodeRef, NodeRef)>,
}

impl Aligner<'_> {
    /// Aligns two process or subprocess bodies, then their nested bodies.
    fn align_graph(&mut self, og: GraphIdx, ng: GraphIdx) {
        self.d.graphs.insert(og, ng);
        let (o, n) = (self.old.graph(og), self.new.graph(ng));
        let new_ids: HashMap<&str, NodeIdx> = n
            .nodes
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), NodeIdx(i as u32)))
            .collect();
        let old_ids: HashSet<&str> = o.nodes.iter().map(|x| x.id.as_str()).collect();
        let mut local: HashMap<NodeIdx, NodeIdx> = HashMap::new();
        let mut taken: HashSet<NodeIdx> = HashSet::new();
        // By id; boundary events after the activities they are attached to.
        for boundaries in [false, true] {
            for (i, on) in o.nodes.iter().enumerate() {
                if attached_to(on).is_some() != boundaries {
                    continue;
                }
                let Some(&j) = new_ids.get(on.id.as_str()) else {
                    continue;
                };
                let nn = n.node(j);
                let oi = NodeIdx(i as u32);
                let same_attachment = match (attached_to(on), attached_to(nn)) {
                    (Some(a), Some(b)) => local.get(&a) == Some(&b),
                    _ => true,
                };
                if class(&on.kind) == class(&nn.kind) && same_attachment {
                    local.insert(oi, j);
                    taken.insert(j);
                } else {
                    self.retyped.insert(
                        NodeRef {
                            graph: og,
                            node: oi,
                        },
                        NodeRef { graph: ng, node: j },
                    );
                }
            }
        }
        let mut by_structure: HashSet<NodeIdx> = HashSet::new();
        // By structure, to a fixpoint (one renamed element can make its
        // neighbour's place known).
        loop {
            let free_old: Vec<NodeIdx> = (0..o.nodes.len() as u32)
                .map(NodeIdx)
                .filter(|i| !local.contains_key(i) && !new_ids.contains_key(o.node(*i).id.as_str()))
                .collect();
            let free_new: Vec<NodeIdx> = (0..n.nodes.len() as u32)
                .map(NodeIdx)
                .filter(|j| !taken.contains(j) && !old_ids.contains(n.node(*j).id.as_str()))
                .collect();
            let mut found = Vec::new();
            for &oi in &free_old {
                let Some(key) = mapped_neighbours(o, oi, &local) else {
                    continue;
                };
                let fits = |j: NodeIdx| {
                    let (on, nn) = (o.node(oi), n.node(j));
                    on.kind.element_type().as_str() == nn.kind.element_type().as_str()
                        && attached_to(on).is_none()
                        && neighbours(n, j) == key
                };
                let cands: Vec<NodeIdx> = free_new.iter().copied().filter(|&j| fits(j)).collect();
                if let [j] = cands[..] {
                    // Unique the other way too.
                    let back = free_old
                        .iter()
                        .filter(|&&x| {
                            mapped_neighbours(o, x, &local).as_ref() == Some(&key)
                                && o.node(x).kind.element_type().as_str()
                                    == n.node(j).kind.element_type().as_str()
                        })
                        .count();
                    if back == 1 {
                        found.push((oi, j));
                    }
                }
            }
            if found.is_empty() {
                break;
            }
            for (oi, j) in found {
                if taken.insert(j) {
                    local.insert(oi, j);
                    by_structure.insert(oi);
                }
            }
        }
        for (&oi, &j) in &local {
            self.d.nodes.insert(
                NodeRef {
                    graph: og,
                    node: oi,
                },
                NodeRef { graph: ng, node: j },
            );
        }
        let mut structural: Vec<(NodeIdx, NodeIdx)> =
            by_structure.iter().map(|oi| (*oi, local[oi])).collect();
        structural.sort();
        self.structural.extend(structural.into_iter().map(|(a, b)| {
            (
                NodeRef { graph: og, node: a },
                NodeRef { graph: ng, node: b },
            )
        }));
        // Flows by id.
        let new_flows: HashMap<&str, usize> = n
            .flows
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), i))
            .collect();
        for (i, f) in o.flows.iter().enumerate() {
            if let Some(&j) = new_flows.get(f.id.as_str()) {
                self.d
                    .flows
                    .insert((og, FlowIdx(i as u32)), FlowIdx(j as u32));
            }
        }
        // Nested bodies of aligned pairs.
        let mut pairs: Vec<(NodeIdx, NodeIdx)> = local.into_iter().collect();
        pairs.sort();
        for (oi, j) in pairs {
            if let (Some(ob), Some(nb)) = (body(o.node(oi)), body(n.node(j))) {
                self.align_graph(ob, nb);
            }
        }
    }

    /// Lists what was added, removed and changed in the compared processes.
    fn finish(&mut self, compared: &[String]) {
        let (old, new) = (self.old, self.new);
        let order: HashMap<&str, usize> = compared
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_str(), i))
            .collect();
        let old_graphs = graphs_of(old, compared);
        let new_graphs = graphs_of(new, compared);
        let key = |model: &Model, g: GraphIdx, pos: super::SourcePos| {
            let top = graph_path(model, g)[0].clone();
            (
                order.get(top.as_str()).copied().unwrap_or(usize::MAX),
                pos.file,
                pos.line,
                pos.col,
            )
        };
        let aligned_new: HashSet<NodeRef> = self.d.nodes.values().copied().collect();
        let retyped_new: HashSet<NodeRef> = self.retyped.values().copied().collect();
        let mut removed = Vec::new();
        let mut changed = Vec::new();
        for &g in &old_graphs {
            for (i, node) in old.graph(g).nodes.iter().enumerate() {
                let r = NodeRef {
                    graph: g,
                    node: NodeIdx(i as u32),
                };
                let k = key(old, g, node.pos);
                if let Some(nr) = self.d.nodes.get(&r) {
                    let by = if self.structural.contains(&(r, *nr)) {
                        MatchedBy::Structure
                    } else {
                        MatchedBy::Id
                    };
                    let changes = node_changes(old, r, new, *nr);
                    if !changes.is_empty() {
                        changed.push((k, self.change_of(r, *nr, by, true, changes)));
                    }
                } else if let Some(nr) = self.retyped.get(&r) {
                    let changes = node_changes(old, r, new, *nr);
                    changed.push((k, self.change_of(r, *nr, MatchedBy::Id, false, changes)));
                } else {
                    removed.push((k, element_ref(old, r)));
                }
            }
        }
        let mut added = Vec::new();
        for &g in &new_graphs {
            for (i, node) in new.graph(g).nodes.iter().enumerate() {
                let r = NodeRef {
                    graph: g,
                    node: NodeIdx(i as u32),
                };
                if !aligned_new.contains(&r) && !retyped_new.contains(&r) {
                    added.push((key(new, g, node.pos), element_ref(new, r)));
                }
            }
        }
        removed.sort_by_key(|x| x.0);
        added.sort_by_key(|x| x.0);
        changed.sort_by_key(|x| x.0);
        self.d.removed = removed.into_iter().map(|x| x.1).collect();
        self.d.added = added.into_iter().map(|x| x.1).collect();
        self.d.changed = changed.into_iter().map(|x| x.1).collect();
        for (i, c) in self.d.changed.iter().enumerate() {
            self.d.changed_at.insert(c.old.node, i);
        }
        // Flows.
        let mut removed_flows = Vec::new();
        let mut changed_flows = Vec::new();
        let mut aligned_flows: HashSet<(GraphIdx, FlowIdx)> = HashSet::new();
        for &g in &old_graphs {
            for (i, f) in old.graph(g).flows.iter().enumerate() {
                let fi = FlowIdx(i as u32);
                let k = key(old, g, f.pos);
                match (self.d.graphs.get(&g), self.d.flows.get(&(g, fi))) {
                    (Some(&ng), Some(&nf)) => {
                        aligned_flows.insert((ng, nf));
                        let changes = flow_changes(old, g, fi, new, ng, nf);
                        if !changes.is_empty() {
                            changed_flows.push((
                                k,
                                FlowChange {
                                    old: flow_ref(old, g, fi),
                                    new: flow_ref(new, ng, nf),
                                    changes,
                                },
                            ));
                        }
                    }
                    _ => removed_flows.push((k, flow_ref(old, g, fi))),
                }
            }
        }
        let mut added_flows = Vec::new();
        for &g in &new_graphs {
            for (i, f) in new.graph(g).flows.iter().enumerate() {
                let fi = FlowIdx(i as u32);
                if !aligned_flows.contains(&(g, fi)) {
                    added_flows.push((key(new, g, f.pos), flow_ref(new, g, fi)));
                }
            }
        }
        removed_flows.sort_by_key(|x| x.0);
        added_flows.sort_by_key(|x| x.0);
        changed_flows.sort_by_key(|x| x.0);
        self.d.removed_flows = removed_flows.into_iter().map(|x| x.1).collect();
        self.d.added_flows = added_flows.into_iter().map(|x| x.1).collect();
        self.d.changed_flows = changed_flows.into_iter().map(|x| x.1).collect();
    }

    fn change_of(
        &self,
        o: NodeRef,
        n: NodeRef,
        matched_by: MatchedBy,
        aligned: bool,
        changes: Vec<Change>,
    ) -> ElementChange {
        ElementChange {
            old: element_ref(self.old, o),
            new: element_ref(self.new, n),
            matched_by,
            aligned,
            changes,
        }
    }
}

/// A node's predecessors and successors (by the sources of its incoming
/// flows and the targets of its outgoing ones).
type Neighbours = (BTreeSet<NodeIdx>, BTreeSet<NodeIdx>);

fn neighbours(g: &Graph, i: NodeIdx) -> Neighbours {
    let node = g.node(i);
    (
        node.incoming.iter().map(|f| g.flow(*f).source).collect(),
        node.outgoing.iter().map(|f| g.flow(*f).target).collect(),
    )
}

/// The neighbours of old node `i`, each through the alignment so far, in
/// the new graph's indices; `None` when one is not aligned or there are
/// none (an element with no flows has no place to be recognised by).
fn mapped_neighbours(
    g: &Graph,
    i: NodeIdx,
    local: &HashMap<NodeIdx, NodeIdx>,
) -> Option<Neighbours> {
    let (pre, post) = neighbours(g, i);
    if pre.is_empty() && post.is_empty() {
        return None;
    }
    let map = |s: BTreeSet<NodeIdx>| -> Option<BTreeSet<NodeIdx>> {
        s.into_iter().map(|x| local.get(&x).copied()).collect()
    };
    Some((map(pre)?, map(post)?))
}

/// Every graph of `processes` and of the bodies inside them, processes in
/// order, each body after its parent.
fn graphs_of(model: &Model, processes: &[String]) -> Vec<GraphIdx> {
    let mut out = Vec::new();
    for p in processes {
        let Some(p) = model.process(p) else { continue };
        let mut stack = vec![p.graph];
        while let Some(g) = stack.pop() {
            out.push(g);
            let mut inner: Vec<GraphIdx> = model.graph(g).nodes.iter().filter_map(body).collect();
            inner.reverse();
            stack.extend(inner);
        }
    }
    out
}

fn element_ref(model: &Model, r: NodeRef) -> ElementRef {
    let n = model.node(r);
    ElementRef {
        path: graph_path(model, r.graph),
        id: n.id.clone(),
        name: n.name.clone(),
        element: n.kind.element_type().as_str().to_string(),
        line: n.pos.line,
        node: r,
    }
}

fn flow_ref(model: &Model, g: GraphIdx, f: FlowIdx) -> FlowRef {
    let graph = model.graph(g);
    let flow = graph.flow(f);
    FlowRef {
        path: graph_path(model, g),
        id: flow.id.clone(),
        name: flow.name.clone(),
        source: graph.node(flow.source).id.clone(),
        target: graph.node(flow.target).id.clone(),
        line: flow.pos.line,
        graph: g,
        flow: f,
    }
}

fn text(model: &Model, e: Option<super::ExprId>) -> String {
    e.map(|e| model.expression(e).text.trim().to_string())
        .unwrap_or_default()
}

/// What differs between old element `o` and new element `n`.
fn node_changes(old: &Model, o: NodeRef, new: &Model, n: NodeRef) -> Vec<Change> {
    let (on, nn) = (old.node(o), new.node(n));
    let (og, ng) = (old.graph(o.graph), new.graph(n.graph));
    let mut out = Vec::new();
    let mut cmp = |field: Field, a: String, b: String| {
        if a != b {
            out.push(Change {
                field,
                old: a,
                new: b,
            });
        }
    };
    cmp(Field::Id, on.id.clone(), nn.id.clone());
    cmp(
        Field::Type,
        on.kind.element_type().as_str().to_string(),
        nn.kind.element_type().as_str().to_string(),
    );
    cmp(
        Field::Name,
        on.name.clone().unwrap_or_default(),
        nn.name.clone().unwrap_or_default(),
    );
    cmp(
        Field::Incoming,
        flow_list(og, on, true),
        flow_list(ng, nn, true),
    );
    cmp(
        Field::Outgoing,
        flow_list(og, on, false),
        flow_list(ng, nn, false),
    );
    let default = |g: &Graph, x: &Node| {
        x.default_flow
            .map(|f| g.flow(f).id.clone())
            .unwrap_or_default()
    };
    cmp(Field::DefaultFlow, default(og, on), default(ng, nn));
    let script = |m: &Model, x: &Node| match x.kind {
        NodeKind::ScriptTask { script } => text(m, Some(script)),
        _ => String::new(),
    };
    cmp(Field::Script, script(old, on), script(new, nn));
    cmp(
        Field::PreScript,
        text(old, on.pre_script),
        text(new, nn.pre_script),
    );
    cmp(
        Field::PostScript,
        text(old, on.post_script),
        text(new, nn.post_script),
    );
    cmp(Field::Event, event_of(old, og, on), event_of(new, ng, nn));
    cmp(
        Field::Loop,
        loop_of(old, on.looping.as_deref()),
        loop_of(new, nn.looping.as_deref()),
    );
    cmp(
        Field::Lane,
        on.lane.clone().unwrap_or_default(),
        nn.lane.clone().unwrap_or_default(),
    );
    let called = |x: &Node| match &x.kind {
        NodeKind::CallActivity { called_element } => called_element.clone(),
        _ => String::new(),
    };
    cmp(Field::CalledElement, called(on), called(nn));
    cmp(
        Field::Implementation,
        implementation(old, on),
        implementation(new, nn),
    );
    cmp(Field::Data, data_of(on), data_of(nn));
    cmp(
        Field::Compensation,
        compensation_of(og, on),
        compensation_of(ng, nn),
    );
    cmp(
        Field::Documentation,
        on.documentation.clone().unwrap_or_default(),
        nn.documentation.clone().unwrap_or_default(),
    );
    if on.extensions != nn.extensions {
        out.push(Change {
            field: Field::Extensions,
            old: extensions_of(&on.extensions),
            new: extensions_of(&nn.extensions),
        });
    }
    out
}

/// A node's incoming (`from`) or outgoing flows as `flow from source` /
/// `flow to target`, sorted, comma-separated.
fn flow_list(g: &Graph, n: &Node, incoming: bool) -> String {
    let mut v: Vec<String> = if incoming {
        n.incoming
            .iter()
            .map(|f| {
                let f = g.flow(*f);
                format!("{} from {}", f.id, g.node(f.source).id)
            })
            .collect()
    } else {
        n.outgoing
            .iter()
            .map(|f| {
                let f = g.flow(*f);
                format!("{} to {}", f.id, g.node(f.target).id)
            })
            .collect()
    };
    v.sort();
    v.join(", ")
}

/// An event's place and definitions (a send or receive task's message),
/// as text; empty for other elements.
fn event_of(m: &Model, g: &Graph, n: &Node) -> String {
    match &n.kind {
        NodeKind::Event(e) => event_text(m, g, e),
        NodeKind::SendTask { message } | NodeKind::ReceiveTask { message } => {
            trigger_text(m, message)
        }
        _ => String::new(),
    }
}

fn event_text(m: &Model, g: &Graph, e: &EventNode) -> String {
    let mut parts: Vec<String> = Vec::new();
    match e.position {
        EventPosition::Start {
            interrupting: false,
        } => parts.push("non-interrupting".into()),
        EventPosition::Boundary {
            attached_to,
            cancel_activity,
        } => {
            parts.push(format!("attached to {}", g.node(attached_to).id));
            if !cancel_activity {
                parts.push("non-interrupting".into());
            }
        }
        _ => {}
    }
    if e.parallel {
        parts.push("parallel".into());
    }
    parts.extend(e.triggers.iter().map(|t| trigger_text(m, t)));
    if e.triggers.is_empty() {
        parts.push("none".into());
    }
    parts.join("; ")
}

fn trigger_text(m: &Model, t: &Trigger) -> String {
    let opt = |label: &str, v: &Option<String>| match v {
        Some(v) => format!(" {label} `{v}`"),
        None => String::new(),
    };
    let spiff = |s: &Option<super::SpiffPayload>| match s {
        Some(p) => format!(
            "{}{}",
            match p.payload {
                Some(e) => format!(" payload `{}`", text(m, Some(e))),
                None => String::new(),
            },
            opt("into", &p.variable)
        ),
        None => String::new(),
    };
    match t {
        Trigger::Message {
            name,
            payload,
            variable,
            style: _,
            from_payload,
            from_data,
        } => {
            let mut s = format!("message `{name}`");
            if payload.is_some() {
                s += &format!(" payload `{}`", text(m, *payload));
            }
            s += &opt("into", variable);
            for c in from_payload.iter().chain(from_data) {
                s += &format!(
                    " correlated by {} = `{}`",
                    c.property,
                    text(m, Some(c.expr))
                );
            }
            s
        }
        Trigger::Signal { name, spiff: sp } => format!("signal `{name}`{}", spiff(sp)),
        Trigger::Timer(timer) => match timer {
            Timer::Date(v) => format!("timer date `{}`", v.text),
            Timer::Duration(v) => format!("timer duration `{}`", v.text),
            Timer::Cycle(v) => format!("timer cycle `{}`", v.text),
        },
        Trigger::Error {
            code,
            name,
            spiff: sp,
        } => format!(
            "error{}{}{}",
            opt("code", code),
            opt("named", name),
            spiff(sp)
        ),
        Trigger::Escalation {
            code,
            name,
            spiff: sp,
        } => format!(
            "escalation{}{}{}",
            opt("code", code),
            opt("named", name),
            spiff(sp)
        ),
        Trigger::Cancel => "cancel".into(),
        Trigger::Terminate => "terminate".into(),
        Trigger::Conditional { condition } => {
            format!("condition `{}`", text(m, Some(*condition)))
        }
        Trigger::Link { name } => format!("link `{name}`"),
        Trigger::Compensate { activity } => format!("compensate{}", opt("activity", activity)),
    }
}

fn loop_of(m: &Model, l: Option<&Looping>) -> String {
    match l {
        None => String::new(),
        Some(Looping::Multi(mi)) => {
            let mut s = if mi.sequential {
                "sequential multi-instance".to_string()
            } else {
                "parallel multi-instance".to_string()
            };
            s += &match &mi.source {
                MiSource::Cardinality(e) => format!(" cardinality `{}`", text(m, Some(*e))),
                MiSource::Collection(v) => format!(" over `{v}`"),
                MiSource::CardinalityOrCollection {
                    cardinality,
                    variable,
                } => format!(
                    " over `{variable}` or cardinality `{}`",
                    text(m, Some(*cardinality))
                ),
            };
            for (label, v) in [
                ("item", &mi.input_item),
                ("output", &mi.output),
                ("output item", &mi.output_item),
            ] {
                if let Some(v) = v {
                    s += &format!(" {label} `{v}`");
                }
            }
            if mi.completion.is_some() {
                s += &format!(" until `{}`", text(m, mi.completion));
            }
            if mi.scripts_on_instances {
                s += " scripts on instances";
            }
            s
        }
        Some(Looping::Standard(st)) => {
            let mut s = "loop".to_string();
            if st.condition.is_some() {
                s += &format!(" while `{}`", text(m, st.condition));
            }
            if let Some(max) = st.maximum {
                s += &format!(" at most {max}");
            }
            if st.test_before {
                s += " test before";
            }
            if st.scripts_on_instances {
                s += " scripts on instances";
            }
            s
        }
    }
}

fn implementation(m: &Model, n: &Node) -> String {
    match &n.kind {
        NodeKind::BusinessRuleTask {
            decision,
            result_variable,
            map_result,
        } => {
            let mut s = format!("decision `{decision}`");
            if let Some(v) = result_variable {
                s += &format!(" into `{v}`");
            }
            if let Some(v) = map_result {
                s += &format!(" as {v}");
            }
            s
        }
        NodeKind::ServiceTask {
            operation,
            parameters,
            result_variable,
        } => {
            let params: Vec<String> = parameters
                .iter()
                .map(|(k, e)| format!("{k} = `{}`", text(m, Some(*e))))
                .collect();
            let mut s = format!(
                "operation `{}`({})",
                operation.as_deref().unwrap_or(""),
                params.join(", ")
            );
            if let Some(v) = result_variable {
                s += &format!(" into `{v}`");
            }
            s
        }
        _ => String::new(),
    }
}

fn data_of(n: &Node) -> String {
    let Some(d) = &n.data else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(io) = &d.io {
        parts.push(format!(
            "inputs [{}] outputs [{}]",
            io.inputs.join(", "),
            io.outputs.join(", ")
        ));
    }
    if !d.reads.is_empty() {
        let v: Vec<&str> = d.reads.iter().map(|r| r.var()).collect();
        parts.push(format!("reads [{}]", v.join(", ")));
    }
    if !d.writes.is_empty() {
        let v: Vec<&str> = d.writes.iter().map(|r| r.var()).collect();
        parts.push(format!("writes [{}]", v.join(", ")));
    }
    parts.join("; ")
}

fn compensation_of(g: &Graph, n: &Node) -> String {
    let mut parts = Vec::new();
    if n.for_compensation {
        parts.push("compensation handler".to_string());
    }
    if let Some(h) = n.compensation_handler {
        parts.push(format!("compensated by {}", g.node(h).id));
    }
    parts.join("; ")
}

fn extensions_of(e: &super::Extensions) -> String {
    fn element(x: &super::ExtElement, out: &mut String) {
        out.push('<');
        out.push_str(&x.name);
        for (k, v) in &x.attrs {
            out.push_str(&format!(" {k}=\"{v}\""));
        }
        out.push('>');
        out.push_str(x.text.trim());
        for c in &x.children {
            element(c, out);
        }
        out.push_str("</");
        out.push_str(&x.name);
        out.push('>');
    }
    let mut parts = Vec::new();
    if let Some(f) = &e.form_schema {
        parts.push(format!("form `{f}`"));
    }
    for (k, v) in e.properties.iter().chain(&e.attributes) {
        parts.push(format!("{k} = `{v}`"));
    }
    let mut elements = String::new();
    for x in &e.elements {
        element(x, &mut elements);
    }
    if !elements.is_empty() {
        parts.push(elements);
    }
    parts.join("; ")
}

/// What differs between old flow `of` of graph `og` and new flow `nf` of
/// graph `ng`.
fn flow_changes(
    old: &Model,
    og: GraphIdx,
    of: FlowIdx,
    new: &Model,
    ng: GraphIdx,
    nf: FlowIdx,
) -> Vec<Change> {
    let (o, n) = (old.graph(og), new.graph(ng));
    let (a, b) = (o.flow(of), n.flow(nf));
    let mut out = Vec::new();
    let mut cmp = |field: Field, x: String, y: String| {
        if x != y {
            out.push(Change {
                field,
                old: x,
                new: y,
            });
        }
    };
    cmp(
        Field::Source,
        o.node(a.source).id.clone(),
        n.node(b.source).id.clone(),
    );
    cmp(
        Field::Target,
        o.node(a.target).id.clone(),
        n.node(b.target).id.clone(),
    );
    cmp(
        Field::Name,
        a.name.clone().unwrap_or_default(),
        b.name.clone().unwrap_or_default(),
    );
    cmp(
        Field::Condition,
        text(old, a.condition),
        text(new, b.condition),
    );
    let is_default = |g: &Graph, f: FlowIdx| {
        if g.node(g.flow(f).source).default_flow == Some(f) {
            "yes".to_string()
        } else {
            String::new()
        }
    };
    cmp(Field::Default, is_default(o, of), is_default(n, nf));
    out
}
