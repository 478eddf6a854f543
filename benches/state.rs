//! State file benchmarks (divan): save and restore an instance holding
//! 100,000 completed tasks, in JSON and RON.

use bpmn_engine::storage::{self, Origin};
use bpmn_engine::{Specs, Workflow};
use serde_json::json;

fn main() {
    divan::main();
}

const LOOP: &str = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true">
<startEvent id="s"/><exclusiveGateway id="merge"/>
<scriptTask id="inc"><script>i += 1;</script></scriptTask>
<exclusiveGateway id="check" default="out"/><endEvent id="end"/>
<sequenceFlow id="a" sourceRef="s" targetRef="merge"/>
<sequenceFlow id="b" sourceRef="merge" targetRef="inc"/>
<sequenceFlow id="c" sourceRef="inc" targetRef="check"/>
<sequenceFlow id="back" sourceRef="check" targetRef="merge"><conditionExpression>i &lt; n</conditionExpression></sequenceFlow>
<sequenceFlow id="out" sourceRef="check" targetRef="end"/>
</process></definitions>"#;

/// A completed instance with 100,001 task records (33,333 iterations).
fn instance() -> Workflow {
    let specs = Specs::from_sources(vec![("loop.bpmn".into(), LOOP.as_bytes().to_vec())]);
    let mut wf = specs
        .start(
            "p",
            json!({"i": 0, "n": 33_333}).as_object().unwrap().clone(),
        )
        .unwrap();
    wf.run().unwrap();
    assert_eq!(wf.task_count(), 100_001);
    wf
}

fn origin() -> Origin {
    Origin::Process("p".into())
}

#[divan::bench(args = ["json", "ron"], sample_count = 10)]
fn save_100k_tasks(b: divan::Bencher, fmt: &str) {
    let wf = instance();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("state.{fmt}"));
    b.bench(|| storage::save(&path, &wf, &origin()).unwrap());
}

#[divan::bench(args = ["json", "ron"], sample_count = 10)]
fn restore_100k_tasks(b: divan::Bencher, fmt: &str) {
    let wf = instance();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("state.{fmt}"));
    storage::save(&path, &wf, &origin()).unwrap();
    b.bench(|| {
        let (wf, _) = storage::load(&path).unwrap();
        assert!(wf.is_completed());
        wf
    });
}
