//! No depth limit and no quadratic cost: a loop of 1,000,000 iterations
//! (merge gateway, script task, exclusive gateway) completes with the right
//! result. SpiffWorkflow silently stops such a loop after ~333 iterations.
//! 20,000 parallel conversations each get their reply by correlation, one
//! message lookup each (not a scan of every waiting task). The fixture of
//! the "1,000 iterations beside a 10,000-element list" memory figure runs
//! as intended. Hundreds of event subprocess timers each find their own
//! instance.

use crate::support;

use bpmn_engine::storage::{self, Format, Origin};
use bpmn_engine::{Specs, TaskId};
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

/// 600 instances, each with its own armed timer start event: the answered
/// ones put theirs away, a save and load in between rebuilds the start
/// event indexes, and one clock advance fires the others in due order,
/// each interrupting only its own instance.
#[test]
fn six_hundred_event_subprocess_timers_each_interrupt_their_own_instance() {
    let n: u64 = 600;
    let specs = Specs::load(&[support::fixture("events/esp_timers_mi.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    // Items in reverse, so due order is not arming order.
    let items: Vec<u64> = (1..=n).rev().collect();
    let data = json!({ "items": items }).as_object().unwrap().clone();
    let t0 = "2030-01-01T00:00:00Z".parse().unwrap();
    let mut wf = specs
        .start_at("Process_EspTimersMi", data, Some(t0))
        .unwrap();
    wf.run().unwrap();
    let ready: Vec<(TaskId, u64)> = wf
        .ready_human_tasks()
        .iter()
        .map(|t| (t.id, t.data["item"].as_u64().unwrap()))
        .collect();
    assert_eq!(ready.len(), n as usize);
    // Every third item is answered before any timer is due.
    for &(id, item) in &ready {
        if item % 3 == 0 {
            let answer = json!({ "outcome": format!("answered {item}") });
            wf.complete_task(id, answer.as_object().unwrap().clone())
                .unwrap();
        }
    }
    wf.run().unwrap();
    let origin = Origin::Process("Process_EspTimersMi".into());
    let bytes = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
    let (mut wf, _) = storage::load_bytes(&bytes, Format::Json).unwrap();
    // Half way: the timers of items up to n / 2 fire, the others wait.
    wf.advance(&format!("PT{}M", n / 2)).unwrap();
    wf.run().unwrap();
    assert!(!wf.is_completed());
    wf.advance(&format!("PT{}M", n)).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    let outcomes = wf.data()["outcomes"].as_array().unwrap().clone();
    assert_eq!(outcomes.len(), n as usize);
    for (i, o) in outcomes.iter().enumerate() {
        let item = n - i as u64;
        let expected = if item.is_multiple_of(3) {
            format!("answered {item}")
        } else {
            format!("timed out {item}")
        };
        assert_eq!(o, &json!(expected), "instance {i}");
    }
    // The time-outs ran in due order (item minutes), not arming order.
    let noted: Vec<u64> = wf
        .completed_tasks()
        .filter(|t| t.bpmn_id == "Task_Note")
        .map(|t| t.data["item"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=n).filter(|i| i % 3 != 0).collect();
    assert_eq!(noted, expected);
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
