//! Coverage across scenario runs: per process, which flow nodes were
//! reached and which sequence flows were taken, summed over the
//! [`Overlay`]s of the runs (counts add), against the totals of the model
//! (subprocess bodies included).
//!
//! Scenarios may load different sets of files, and an [`ElementKey`]'s
//! file is an index into its own model's files; so the sums are kept per
//! file path (canonical where the file exists) and process id, and
//! [`Coverage::overlay_for`] maps them back onto one model for a heat map.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{GraphIdx, Model};
use crate::picture::{ElementKey, NodeMark, Overlay, OverlayStyle};
use crate::runtime::TaskState;

/// One process's coverage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcessCoverage {
    /// The file that defines it.
    pub file: PathBuf,
    /// The process id.
    pub process: String,
    /// Every flow node of the process and its subprocesses, by BPMN id,
    /// with the number of times it was reached (0: never).
    pub nodes: BTreeMap<String, u32>,
    /// Every sequence flow, by BPMN id, with the number of times it was
    /// taken (0: never).
    pub flows: BTreeMap<String, u32>,
}

impl ProcessCoverage {
    /// Flow nodes reached at least once.
    pub fn nodes_reached(&self) -> usize {
        self.nodes.values().filter(|&&c| c > 0).count()
    }

    /// Sequence flows taken at least once.
    pub fn flows_taken(&self) -> usize {
        self.flows.values().filter(|&&c| c > 0).count()
    }

    /// Flow nodes reached, in percent of all of them (100 for none).
    pub fn node_percent(&self) -> f64 {
        percent(self.nodes_reached(), self.nodes.len())
    }

    /// Sequence flows taken, in percent of all of them (100 for none).
    pub fn flow_percent(&self) -> f64 {
        percent(self.flows_taken(), self.flows.len())
    }

    /// The ids of the flow nodes never reached, sorted.
    pub fn unreached_nodes(&self) -> Vec<&str> {
        zero(&self.nodes)
    }

    /// The ids of the sequence flows never taken, sorted.
    pub fn untaken_flows(&self) -> Vec<&str> {
        zero(&self.flows)
    }
}

fn zero(m: &BTreeMap<String, u32>) -> Vec<&str> {
    m.iter()
        .filter(|(_, c)| **c == 0)
        .map(|(id, _)| id.as_str())
        .collect()
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Coverage summed over runs.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// By (file, process id).
    processes: BTreeMap<(PathBuf, String), ProcessCoverage>,
    /// How many overlays were added.
    runs: usize,
}

/// Where each element of a model belongs: (process index, is a flow).
type Owners<'m> = HashMap<(u32, &'m str), (usize, bool)>;

impl Coverage {
    /// No runs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many runs were added.
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// Adds one run: `overlay` is what happened in an instance of `model`
    /// (its keys index `model.files`). Every process of the model gets
    /// its totals, reached or not; counts add.
    pub fn add(&mut self, model: &Model, overlay: &Overlay) {
        self.runs += 1;
        let keys: Vec<(PathBuf, String)> = model
            .processes
            .iter()
            .map(|p| (file_key(model, p.file), p.id.clone()))
            .collect();
        let owners = owners(model);
        // Processes seen for the first time get every element at 0, in one
        // pass over the elements.
        let fresh: Vec<bool> = keys
            .iter()
            .map(|k| !self.processes.contains_key(k))
            .collect();
        for (key, _) in keys.iter().zip(&fresh).filter(|(_, f)| **f) {
            self.processes.insert(
                key.clone(),
                ProcessCoverage {
                    file: key.0.clone(),
                    process: key.1.clone(),
                    ..ProcessCoverage::default()
                },
            );
        }
        for (&(_, id), &(p, flow)) in &owners {
            if !fresh[p] {
                continue;
            }
            if let Some(pc) = self.processes.get_mut(&keys[p]) {
                let m = if flow { &mut pc.flows } else { &mut pc.nodes };
                m.insert(id.to_string(), 0);
            }
        }
        let mut bump = |key: &ElementKey, count: u32, flow: bool| {
            let Some(&(p, is_flow)) = owners.get(&(key.file, key.id.as_str())) else {
                return;
            };
            if is_flow != flow {
                return;
            }
            if let Some(pc) = self.processes.get_mut(&keys[p]) {
                let m = if flow { &mut pc.flows } else { &mut pc.nodes };
                if let Some(c) = m.get_mut(&key.id) {
                    *c = c.saturating_add(count);
                }
            }
        };
        for (key, mark) in &overlay.nodes {
            bump(key, mark.count, false);
        }
        for (key, &count) in &overlay.flows {
            bump(key, count, true);
        }
    }

    /// The processes at least one run reached, by file then id.
    pub fn processes(&self) -> impl Iterator<Item = &ProcessCoverage> {
        self.processes.values().filter(|p| p.nodes_reached() > 0)
    }

    /// The summed counts as one overlay on `model`, for a heat map:
    /// every reached node and taken flow of a process of `model` that the
    /// runs covered, style [`OverlayStyle::Heat`].
    pub fn overlay_for(&self, model: &Model) -> Overlay {
        let mut out = Overlay {
            style: OverlayStyle::Heat,
            ..Overlay::default()
        };
        for p in &model.processes {
            let Some(pc) = self.processes.get(&(file_key(model, p.file), p.id.clone())) else {
                continue;
            };
            for (id, &count) in pc.nodes.iter().filter(|(_, c)| **c > 0) {
                out.nodes.insert(
                    ElementKey::new(p.file, id.clone()),
                    NodeMark {
                        state: TaskState::Completed,
                        count,
                    },
                );
            }
            for (id, &count) in pc.flows.iter().filter(|(_, c)| **c > 0) {
                out.flows.insert(ElementKey::new(p.file, id.clone()), count);
            }
        }
        out
    }
}

/// A file's key: its canonical path when it exists, so `../a.bpmn` and
/// `a.bpmn` from two scenario folders are one file.
fn file_key(model: &Model, file: u32) -> PathBuf {
    let p: &Path = model
        .files
        .get(file as usize)
        .map(|f| f.path.as_path())
        .unwrap_or(Path::new(""));
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Every flow node and sequence flow of the model, keyed as overlays key
/// them, with the index of the process whose body (or subprocess body)
/// holds it.
fn owners(model: &Model) -> Owners<'_> {
    let process_of: HashMap<GraphIdx, usize> = model
        .processes
        .iter()
        .enumerate()
        .map(|(i, p)| (p.graph, i))
        .collect();
    let mut out = HashMap::new();
    for g in 0..model.graphs.len() {
        let graph = model.graph(GraphIdx(g as u32));
        let Some(&p) = process_of.get(&top_graph(model, GraphIdx(g as u32))) else {
            continue;
        };
        let file = model.processes[p].file;
        for n in &graph.nodes {
            out.insert((file, n.id.as_str()), (p, false));
        }
        for f in &graph.flows {
            out.insert((file, f.id.as_str()), (p, true));
        }
    }
    out
}

/// The body at the top of `g`'s subprocess nesting: a process's graph.
fn top_graph(model: &Model, mut g: GraphIdx) -> GraphIdx {
    while let Some(parent) = model.graph(g).parent {
        g = parent.graph;
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::LoadOptions;
    use crate::runtime::Specs;

    /// Process `p`: start → a → sub (s_start → s_task → s_end) → gw →
    /// end | b → end2; 8 + 3 nodes, 6 + 2 flows. Process `q`: one node.
    const TWO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
    <task id="a"/>
    <sequenceFlow id="f2" sourceRef="a" targetRef="sub"/>
    <subProcess id="sub">
      <startEvent id="s_start"/>
      <sequenceFlow id="sf1" sourceRef="s_start" targetRef="s_task"/>
      <task id="s_task"/>
      <sequenceFlow id="sf2" sourceRef="s_task" targetRef="s_end"/>
      <endEvent id="s_end"/>
    </subProcess>
    <sequenceFlow id="f3" sourceRef="sub" targetRef="gw"/>
    <exclusiveGateway id="gw" default="f4"/>
    <sequenceFlow id="f4" sourceRef="gw" targetRef="end"/>
    <sequenceFlow id="f5" sourceRef="gw" targetRef="b"><conditionExpression>x == 1</conditionExpression></sequenceFlow>
    <endEvent id="end"/>
    <task id="b"/>
    <sequenceFlow id="f6" sourceRef="b" targetRef="end2"/>
    <endEvent id="end2"/>
  </process>
  <process id="q" isExecutable="true">
    <task id="only"/>
  </process>
</definitions>"#;

    fn model() -> std::sync::Arc<Specs> {
        Specs::from_all_sources(
            vec![("two.bpmn".into(), TWO.as_bytes().to_vec())],
            vec![],
            &LoadOptions::default(),
        )
    }

    fn overlay(nodes: &[(&str, u32)], flows: &[(&str, u32)]) -> Overlay {
        Overlay {
            nodes: nodes
                .iter()
                .map(|&(id, count)| {
                    (
                        ElementKey::new(0, id),
                        NodeMark {
                            state: TaskState::Completed,
                            count,
                        },
                    )
                })
                .collect(),
            flows: flows
                .iter()
                .map(|&(id, c)| (ElementKey::new(0, id), c))
                .collect(),
            style: OverlayStyle::States,
        }
    }

    #[test]
    fn totals_include_subprocess_bodies_and_counts_add() {
        let specs = model();
        let model = specs.model();
        let mut c = Coverage::new();
        // Run 1: the default branch.
        c.add(
            model,
            &overlay(
                &[
                    ("start", 1),
                    ("a", 1),
                    ("sub", 1),
                    ("s_start", 1),
                    ("s_task", 1),
                    ("s_end", 1),
                    ("gw", 1),
                    ("end", 1),
                ],
                &[
                    ("f1", 1),
                    ("f2", 1),
                    ("sf1", 1),
                    ("sf2", 1),
                    ("f3", 1),
                    ("f4", 1),
                ],
            ),
        );
        let ps: Vec<_> = c.processes().collect();
        assert_eq!(ps.len(), 1, "q was never reached");
        let p = ps[0];
        assert_eq!(p.process, "p");
        assert_eq!(p.nodes.len(), 10);
        assert_eq!(p.flows.len(), 8);
        assert_eq!((p.nodes_reached(), p.flows_taken()), (8, 6));
        assert_eq!(p.node_percent(), 80.0);
        assert_eq!(p.flow_percent(), 75.0);
        assert_eq!(p.unreached_nodes(), ["b", "end2"]);
        assert_eq!(p.untaken_flows(), ["f5", "f6"]);
        // Run 2: the other branch; an unknown id and a node key in the
        // flows are ignored rather than counted.
        c.add(
            model,
            &overlay(
                &[
                    ("start", 1),
                    ("a", 2),
                    ("gw", 1),
                    ("b", 1),
                    ("end2", 1),
                    ("ghost", 1),
                ],
                &[("f5", 1), ("f6", 1), ("a", 4)],
            ),
        );
        let p = c.processes().next().unwrap();
        assert_eq!((p.nodes_reached(), p.flows_taken()), (10, 8));
        assert_eq!(p.node_percent(), 100.0);
        assert_eq!(p.nodes["a"], 3);
        assert!(!p.nodes.contains_key("ghost"));
        assert_eq!(c.runs(), 2);
    }

    #[test]
    fn the_summed_overlay_is_a_heat_map_on_a_model() {
        let specs = model();
        let model = specs.model();
        let mut c = Coverage::new();
        c.add(model, &overlay(&[("a", 2), ("only", 1)], &[("f2", 1)]));
        c.add(model, &overlay(&[("a", 3)], &[("f2", 2)]));
        let o = c.overlay_for(model);
        assert_eq!(o.style, OverlayStyle::Heat);
        assert_eq!(o.nodes[&ElementKey::new(0, "a")].count, 5);
        assert_eq!(o.nodes[&ElementKey::new(0, "only")].count, 1);
        assert_eq!(o.nodes.len(), 2, "unreached nodes have no entry");
        assert_eq!(o.flows[&ElementKey::new(0, "f2")], 3);
        assert_eq!(c.processes().count(), 2);
    }

    #[test]
    fn an_empty_process_is_fully_covered() {
        let p = ProcessCoverage::default();
        assert_eq!(p.node_percent(), 100.0);
        assert_eq!(percent(1, 3), 100.0 / 3.0);
    }
}
