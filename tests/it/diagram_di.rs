//! BPMN DI over real diagrams: every `.bpmn` of `bpmn/` and of the
//! spiff-example-cli corpus (`../shared/corpora/spiff-example-cli`, skipped
//! with a message when absent unless `CI=true`) loads with one shape per
//! flow node and one drawable edge per sequence flow, so a picture of any
//! of them needs no generated layout.

use crate::support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use bpmn_engine::parser::load_files;

fn bpmn_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            bpmn_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "bpmn") {
            out.push(p);
        }
    }
}

/// Loads each file on its own (so every graph and diagram is the file's)
/// and returns what is missing or doubled, one line per problem.
fn check_files(files: &[PathBuf]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in files {
        let loaded = load_files(std::slice::from_ref(f));
        let model = &loaded.model;
        let name = f.display();
        for d in &loaded.diagnostics {
            if d.message.contains("BPMNShape") || d.message.contains("BPMNEdge") {
                problems.push(format!("{name}: {}", d.message));
            }
        }
        if model.graphs.iter().all(|g| g.nodes.is_empty()) || model.diagrams.is_empty() {
            problems.push(format!("{name}: no flow nodes or no diagram loaded"));
        }
        let mut shapes: HashMap<&str, usize> = HashMap::new();
        let mut edges: HashMap<&str, Vec<usize>> = HashMap::new();
        for d in &model.diagrams {
            assert_eq!(d.file, 0, "{name}");
            for s in &d.shapes {
                *shapes.entry(&s.element).or_default() += 1;
            }
            for e in &d.edges {
                edges.entry(&e.element).or_default().push(e.waypoints.len());
            }
        }
        // Every graph of a file loaded alone is one of its processes or a
        // subprocess inside one.
        for g in &model.graphs {
            for n in &g.nodes {
                let count = shapes.get(n.id.as_str()).copied().unwrap_or(0);
                if count != 1 {
                    problems.push(format!("{name}: flow node {} has {count} shapes", n.id));
                }
            }
            for fl in &g.flows {
                match edges.get(fl.id.as_str()).map(Vec::as_slice) {
                    Some([points]) if *points >= 2 => {}
                    other => problems.push(format!(
                        "{name}: sequence flow {} has edges with waypoints {other:?}",
                        fl.id
                    )),
                }
            }
        }
    }
    problems
}

#[test]
fn example_diagrams_draw_every_node_and_flow() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bpmn");
    let mut files = Vec::new();
    bpmn_files(&dir, &mut files);
    assert!(files.len() >= 4, "{files:?}");
    let problems = check_files(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn spiff_example_diagrams_draw_every_node_and_flow() {
    let Some(dir) = support::spiff_corpus() else {
        return;
    };
    let mut files = Vec::new();
    bpmn_files(&dir, &mut files);
    assert!(files.len() >= 19, "{files:?}");
    let problems = check_files(&files);
    assert!(problems.is_empty(), "{problems:#?}");
}
