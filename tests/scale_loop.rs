//! No depth limit and no quadratic cost: a loop of 1,000,000 iterations
//! (merge gateway, script task, exclusive gateway) completes with the right
//! result. SpiffWorkflow silently stops such a loop after ~333 iterations.
//! 20,000 parallel conversations each get their reply by correlation, one
//! message lookup each (not a scan of every waiting task). The fixture of
//! the "1,000 iterations beside a 10,000-element list" memory figure runs
//! as intended.

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

/// The fixture the "1,000 iterations beside a 10,000-element list" figure
/// is measured with (release binary, peak memory): it runs as intended.
#[test]
fn a_loop_beside_an_untouched_list_leaves_the_list_as_it_was() {
    let specs = Specs::load(&[support::fixture("loop_beside_list.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let mut wf = specs
        .start("Process_LoopBesideList", serde_json::Map::new())
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["i"], json!(1_000));
    let items = wf.data()["items"].as_array().unwrap();
    assert_eq!(items.len(), 10_000);
    assert_eq!(items[9_999], json!(9_999));
    // start, fill, 3 tasks per iteration, end
    assert_eq!(wf.task_count(), 3 + 3 * 1_000);
}

#[test]
fn twenty_thousand_conversations_each_get_their_reply() {
    let n = 20_000;
    let specs = Specs::load(&[support::fixture("events/correlation_mi.bpmn")]);
    let ids: Vec<u32> = (1..=n).collect();
    let data = json!({ "order_ids": ids }).as_object().unwrap().clone();
    let mut wf = specs.start("Process_CorrMI", data).unwrap();
    wf.run().unwrap();
    assert_eq!(wf.outbox().len(), n as usize);
    let started = std::time::Instant::now();
    for id in (1..=n).rev() {
        wf.send_message("quote", json!({"order_id": id, "price": id * 10}))
            .unwrap();
        wf.run().unwrap();
    }
    let took = started.elapsed();
    assert!(wf.is_completed());
    let quotes = wf.data()["quotes"].as_array().unwrap().clone();
    assert_eq!(quotes.len(), n as usize);
    for (i, q) in quotes.iter().enumerate() {
        let id = i + 1;
        assert_eq!(q, &json!(format!("order {id}: {}", id * 10)));
    }
    eprintln!("{n} replies delivered by correlation in {took:.2?}");
}
