//! No depth limit and no quadratic cost: a loop of 1,000,000 iterations
//! (merge gateway, script task, exclusive gateway) completes with the right
//! result. SpiffWorkflow silently stops such a loop after ~333 iterations.

mod support;

use bpmn_runner::Specs;
use serde_json::json;

#[test]
fn a_million_iteration_loop_completes_correctly() {
    let specs = Specs::load(&[support::fixture("loop.bpmn")]);
    let data = json!({"n": 1_000_000}).as_object().unwrap().clone();
    let mut wf = specs.start("Process_Loop", data).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["i"], json!(1_000_000));
    // start, init, 3 tasks per iteration, end
    assert_eq!(wf.task_count(), 3 + 3 * 1_000_000);
    let increments = wf
        .completed_tasks()
        .filter(|t| t.bpmn_id == "Task_Inc")
        .count();
    assert_eq!(increments, 1_000_000);
}
