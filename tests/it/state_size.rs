//! How much a state file grows per loop iteration. Target: at most 150
//! bytes of JSON per iteration (SpiffWorkflow: about 1,150).

use crate::support;

use bpmn_engine::Specs;
use bpmn_engine::storage::{self, Format, Origin};
use serde_json::json;

fn state_size(n: u64, format: Format) -> usize {
    let specs = Specs::load(&[support::fixture("loop.bpmn")]);
    let mut wf = specs
        .start("Process_Loop", json!({"n": n}).as_object().unwrap().clone())
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    storage::save_bytes(&wf, &Origin::Process("Process_Loop".into()), format)
        .unwrap()
        .len()
}

#[test]
fn a_loop_iteration_adds_at_most_150_bytes() {
    for format in [Format::Json, Format::Ron] {
        let per_iteration =
            (state_size(3_000, format) - state_size(1_000, format)) as f64 / 2_000.0;
        eprintln!("{format:?}: {per_iteration:.1} bytes per loop iteration (3 task records)");
        assert!(
            per_iteration <= 150.0,
            "{format:?}: {per_iteration} bytes per iteration"
        );
    }
}
