//! Reset to an earlier task: every rule of the state issue, on real
//! diagrams, checking states, data and what runs next.

mod support;

use std::sync::Arc;

use bpmn_runner::{Data, Specs, TaskState, Workflow};
use serde_json::{Value, json};
use support::fixture;

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone()
}

fn start(files: &[&str], process: &str, data: Value) -> Workflow {
    let files: Vec<_> = files.iter().map(|f| fixture(f)).collect();
    let specs: Arc<Specs> = Specs::load(&files);
    let mut wf = specs.start(process, obj(data)).unwrap();
    wf.run().unwrap();
    wf
}

fn answer(wf: &mut Workflow, task: &str, data: Value) {
    let id = wf
        .ready_human_task(task)
        .unwrap_or_else(|| panic!("{task} not ready; ready: {:?}", ready(wf)));
    wf.complete_task(id, obj(data)).unwrap();
    wf.run().unwrap();
}

fn ready(wf: &Workflow) -> Vec<String> {
    wf.ready_human_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect()
}

fn count(wf: &Workflow, bpmn_id: &str) -> usize {
    wf.tasks().filter(|t| t.bpmn_id == bpmn_id).count()
}

fn state_of(wf: &Workflow, bpmn_id: &str) -> TaskState {
    wf.tasks()
        .filter(|t| t.bpmn_id == bpmn_id)
        .last()
        .unwrap()
        .state
}

#[test]
fn completed_workflow_runs_again_with_entry_data_and_overrides() {
    let mut wf = start(
        &["sequence.bpmn"],
        "Process_Sequence",
        json!({"price": 5, "qty": 3}),
    );
    answer(
        &mut wf,
        "Task_Confirm",
        json!({"tip": 5, "reviewer": "ann"}),
    );
    assert!(wf.is_completed());
    assert_eq!(wf.data()["grand_total"], json!(20));

    let target = wf.resolve_task("Task_Confirm").unwrap();
    wf.reset(target, obj(json!({"tip": 100, "total": 1})))
        .unwrap();
    assert!(!wf.is_completed(), "a reset reopens a completed workflow");
    assert!(
        wf.data().is_empty(),
        "workflow data is recomputed on completion"
    );
    let t = wf.task(target).unwrap();
    assert_eq!(t.state, TaskState::Ready);
    // The data it had when reached, with the overrides winning (SpiffWorkflow
    // lets the parent's keys win instead).
    assert_eq!(
        Value::Object(t.data.clone()),
        json!({"price": 5, "qty": 3, "total": 1, "tip": 100})
    );
    assert_eq!(count(&wf, "Task_Final"), 0, "descendants are removed");
    assert_eq!(count(&wf, "EndEvent_1"), 0);
    let order: Vec<&str> = wf.completed_tasks().map(|t| t.bpmn_id).collect();
    assert_eq!(order, ["StartEvent_1", "Task_Total"]);

    answer(&mut wf, "Task_Confirm", json!({"reviewer": "bob"}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["grand_total"], json!(101));
    assert_eq!(wf.data()["status"], json!("confirmed by bob"));
}

#[test]
fn reset_into_a_subprocess_reopens_the_enclosing_task() {
    let mut wf = start(&["subprocess.bpmn"], "Process_Subprocess", json!({}));
    answer(&mut wf, "Task_Confirm", json!({"note": "ok"}));
    assert!(wf.is_completed());
    let result = wf.data()["result"].clone();

    let target = wf.resolve_task("Task_Confirm").unwrap();
    wf.reset(target, obj(json!({"note": "again"}))).unwrap();
    assert_eq!(state_of(&wf, "Sub_Outer"), TaskState::Started);
    assert_eq!(
        count(&wf, "Task_After"),
        0,
        "what followed the subprocess is removed"
    );
    assert_eq!(
        count(&wf, "Sub_Inner"),
        0,
        "the nested subprocess after the target is removed"
    );
    assert_eq!(
        count(&wf, "Task_InSub"),
        1,
        "what came before the target stays"
    );
    assert_eq!(ready(&wf), ["Task_Confirm"]);

    answer(&mut wf, "Task_Confirm", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["note"], json!("again"));
    assert_eq!(wf.data()["result"], result);
    let order: Vec<&str> = wf
        .completed_tasks()
        .filter(|t| t.kind != "startEvent" && t.kind != "endEvent")
        .map(|t| t.bpmn_id)
        .collect();
    assert_eq!(
        order,
        [
            "Task_Prepare",
            "Task_InSub",
            "Task_Confirm",
            "Task_Deep",
            "Sub_Inner",
            "Sub_Outer",
            "Task_After"
        ]
    );
}

#[test]
fn reset_into_a_call_activity_reopens_the_caller() {
    let mut wf = start(
        &["call_caller.bpmn", "call_callee.bpmn"],
        "Process_Caller",
        json!({}),
    );
    answer(&mut wf, "Task_Pack", json!({"weight": 3}));
    assert!(wf.is_completed());
    let target = wf.resolve_task("Task_Pack").unwrap();
    wf.reset(target, Data::new()).unwrap();
    assert_eq!(state_of(&wf, "Call_Shipping"), TaskState::Started);
    assert_eq!(count(&wf, "Task_Wrap"), 0);
    answer(&mut wf, "Task_Pack", json!({"weight": 5}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["cost"], json!(10));
    assert_eq!(wf.data()["summary"], json!("ship ann!"));
}

#[test]
fn resetting_to_the_subprocess_task_removes_its_whole_body() {
    let mut wf = start(&["subprocess.bpmn"], "Process_Subprocess", json!({}));
    assert_eq!(ready(&wf), ["Task_Confirm"]);
    let sub = wf.resolve_task("Sub_Outer").unwrap();
    wf.reset(sub, Data::new()).unwrap();
    assert_eq!(count(&wf, "Task_InSub"), 0);
    assert_eq!(
        count(&wf, "Task_Confirm"),
        0,
        "the ready task inside is gone"
    );
    assert!(ready(&wf).is_empty());
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Task_Confirm"], "a fresh body starts");
    assert_eq!(count(&wf, "Task_InSub"), 1);
}

#[test]
fn reset_in_one_parallel_branch_keeps_the_other_and_the_join_counts_it() {
    let mut wf = start(
        &["reset/parallel_review.bpmn"],
        "Process_ParallelReview",
        json!({}),
    );
    answer(&mut wf, "Review_Legal", json!({"legal": "ok"}));
    answer(&mut wf, "Review_Finance", json!({"finance": "ok"}));
    answer(&mut wf, "Decide", json!({"decision": "go"}));
    assert!(wf.is_completed());

    let legal = wf.resolve_task("Review_Legal").unwrap();
    wf.reset(legal, Data::new()).unwrap();
    assert_eq!(
        state_of(&wf, "Review_Finance"),
        TaskState::Completed,
        "the other branch keeps its state"
    );
    assert_eq!(count(&wf, "Note_Legal"), 0);
    assert_eq!(count(&wf, "Decide"), 0, "what followed the join is removed");
    // The join waits again, holding the finance branch's token.
    let waiting: Vec<String> = wf
        .waiting_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect();
    assert_eq!(waiting, ["Join"]);
    assert_eq!(ready(&wf), ["Review_Legal"]);

    answer(&mut wf, "Review_Legal", json!({"legal": "changes needed"}));
    assert_eq!(
        ready(&wf),
        ["Decide"],
        "the join fired with the kept finance token"
    );
    answer(&mut wf, "Decide", json!({"decision": "wait"}));
    assert!(wf.is_completed());
    assert_eq!(
        Value::Object(wf.data().clone()),
        json!({"legal": "changes needed", "legal_note": "legal: changes needed", "finance": "ok", "decision": "wait"})
    );
    assert_eq!(
        count(&wf, "Review_Finance"),
        1,
        "the finance branch did not run again"
    );
}

#[test]
fn resetting_a_fired_join_fires_it_again_with_the_same_inputs() {
    let mut wf = start(
        &["reset/parallel_review.bpmn"],
        "Process_ParallelReview",
        json!({}),
    );
    answer(&mut wf, "Review_Legal", json!({"legal": "ok"}));
    answer(&mut wf, "Review_Finance", json!({"finance": "ok"}));
    assert_eq!(ready(&wf), ["Decide"]);
    let join = wf.resolve_task("Join").unwrap();
    wf.reset(join, Data::new()).unwrap();
    assert_eq!(count(&wf, "Decide"), 0);
    assert_eq!(
        wf.task(join).unwrap().state,
        TaskState::Ready,
        "all its inputs are still there"
    );
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Decide"]);
}

#[test]
fn a_failed_task_is_retried_after_its_data_is_fixed() {
    let specs = Specs::load(&[fixture("script_error.bpmn")]);
    let mut wf = specs.start("Process_ScriptError", Data::new()).unwrap();
    assert!(wf.run().is_err());
    let broken = wf.resolve_task("Task_Broken").unwrap();
    assert_eq!(wf.task(broken).unwrap().state, TaskState::Error);
    assert!(wf.error_of(broken).is_some());
    wf.reset(broken, obj(json!({"missing_var": 41}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.error_of(broken), None);
}

#[test]
fn task_references_are_checked() {
    let wf = start(&["loop.bpmn"], "Process_Loop", json!({"n": 40}));
    assert!(wf.is_completed());
    let e = wf.resolve_task("Nope").unwrap_err().to_string();
    assert!(
        e.contains("no task matches `Nope`") && e.contains("Task_Inc"),
        "{e}"
    );
    // An id prefix needs at least 4 characters.
    let e = wf.resolve_task("a").unwrap_err().to_string();
    assert!(e.contains("at least 4 characters"), "{e}");
    // A BPMN id means the most recent task with that id.
    let last = wf.resolve_task("Task_Inc").unwrap();
    assert_eq!(
        wf.tasks()
            .filter(|t| t.bpmn_id == "Task_Inc")
            .last()
            .unwrap()
            .id,
        last
    );
    // A full id and a unique prefix both work.
    let full = last.to_string();
    assert_eq!(wf.resolve_task(&full).unwrap(), last);
    let unique = (4..=8)
        .map(|n| &full[..n])
        .find(|p| {
            wf.tasks()
                .filter(|t| t.id.to_string().starts_with(p))
                .count()
                == 1
        })
        .unwrap();
    assert_eq!(wf.resolve_task(unique).unwrap(), last);
}

#[test]
fn reset_to_a_task_with_a_boundary_event_re_arms_it() {
    let specs = Specs::load(&[fixture("events/timer_boundary.bpmn")]);
    let mut wf = specs.start("Process_TimerBoundary", Data::new()).unwrap();
    wf.set_now("2025-01-01T00:00:00Z".parse().unwrap());
    wf.run().unwrap();
    wf.advance("PT2H").unwrap();
    wf.run().unwrap();
    assert!(
        wf.is_completed(),
        "the deadline passed and the escalation path ran"
    );
    assert_eq!(state_of(&wf, "Task_Approve"), TaskState::Cancelled);

    let task = wf.resolve_task("Task_Approve").unwrap();
    wf.reset(task, Data::new()).unwrap();
    assert_eq!(wf.task(task).unwrap().state, TaskState::Ready);
    assert_eq!(
        state_of(&wf, "Timer_Deadline"),
        TaskState::Waiting,
        "the boundary timer is armed again"
    );
    assert_eq!(
        count(&wf, "Task_Escalate"),
        0,
        "the old escalation path is gone"
    );
    let due = wf
        .waiting_events()
        .iter()
        .find(|e| e.bpmn_id == "Timer_Deadline")
        .and_then(|e| e.due);
    assert!(
        due.is_some_and(|d| d > wf.now()),
        "due again after the reset: {due:?}"
    );
    answer(&mut wf, "Task_Approve", json!({"ok": true}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["outcome"], json!("approved"));
}

#[test]
fn reset_into_a_scope_re_arms_its_event_subprocess_starts() {
    let specs = Specs::load(&[fixture("events/event_subprocess.bpmn")]);
    let mut wf = specs.start("Process_EventSubprocess", Data::new()).unwrap();
    wf.run().unwrap();
    answer(&mut wf, "Task_Handle", json!({"handled": true}));
    assert!(wf.is_completed());
    assert!(
        wf.send_signal("status_request", json!({})).is_err(),
        "nothing waits once completed"
    );
    let task = wf.resolve_task("Task_Handle").unwrap();
    wf.reset(task, Data::new()).unwrap();
    wf.send_signal("status_request", json!({"asker": "bob"}))
        .expect("the event subprocess start is armed again");
    wf.run().unwrap();
    let mut r = ready(&wf);
    r.sort();
    assert_eq!(r, ["Task_Handle", "Task_Report"]);
}
