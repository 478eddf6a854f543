//! No depth limit and no quadratic cost: a loop of 1,000,000 iterations
//! (merge gateway, script task, exclusive gateway) completes with the right
//! result. SpiffWorkflow silently stops such a loop after ~333 iterations.
//! 20,000 parallel conversations each get their reply by correlation, one
//! message lookup each (not a scan of every waiting task).

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
