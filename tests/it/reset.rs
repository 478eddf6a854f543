//! Reset to an earlier task: every rule of the state issue, on real
//! diagrams, checking states, data and what runs next.

use crate::support;

use bpmn_engine::model::ElementType;
use bpmn_engine::{Data, Specs, TaskState, Workflow};
use serde_json::{Value, json};
use support::fixture;

use crate::case::Case;

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone().into()
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
    let mut wf = Case::new("sequence.bpmn")
        .process("Process_Sequence")
        .data(json!({"price": 5, "qty": 3}))
        .answer("Task_Confirm", json!({"tip": 5, "reviewer": "ann"}))
        .expect_value("grand_total", json!(20))
        .run();

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
        t.data.to_json(),
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
    let mut wf = Case::new("subprocess.bpmn")
        .process("Process_Subprocess")
        .answer("Task_Confirm", json!({"note": "ok"}))
        .run();
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
        .filter(|t| t.kind != ElementType::StartEvent && t.kind != ElementType::EndEvent)
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
    let mut wf = Case::new("call_caller.bpmn")
        .file("call_callee.bpmn")
        .process("Process_Caller")
        .answer("Task_Pack", json!({"weight": 3}))
        .run();
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
    let mut wf = Case::new("subprocess.bpmn")
        .process("Process_Subprocess")
        .expect_ready(["Task_Confirm"])
        .run();
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
    let mut wf = Case::new("reset/parallel_review.bpmn")
        .process("Process_ParallelReview")
        .answer("Review_Legal", json!({"legal": "ok"}))
        .answer("Review_Finance", json!({"finance": "ok"}))
        .answer("Decide", json!({"decision": "go"}))
        .run();

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
        wf.data().to_json(),
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
    let mut wf = Case::new("reset/parallel_review.bpmn")
        .process("Process_ParallelReview")
        .answer("Review_Legal", json!({"legal": "ok"}))
        .answer("Review_Finance", json!({"finance": "ok"}))
        .expect_ready(["Decide"])
        .run();
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
    let mut wf = Case::new("script_error.bpmn")
        .process("Process_ScriptError")
        .expect_error("Task_Broken")
        .expect_state("Task_Broken", "ERROR")
        .run();
    let broken = wf.resolve_task("Task_Broken").unwrap();
    assert!(wf.error_of(broken).is_some());
    wf.reset(broken, obj(json!({"missing_var": 41}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.error_of(broken), None);
}

#[test]
fn task_references_are_checked() {
    let wf = Case::new("loop.bpmn")
        .process("Process_Loop")
        .data(json!({"n": 40}))
        .run();
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

/// `events/timer_boundary.bpmn` whose deadline passed: the approval was
/// cancelled by the timer and the escalation path ran.
fn timed_out_approval() -> Workflow {
    Case::new("events/timer_boundary.bpmn")
        .process("Process_TimerBoundary")
        .now("2025-01-01T00:00:00Z")
        .advance("PT2H")
        .run()
}

#[test]
fn reset_to_a_task_with_a_boundary_event_re_arms_it() {
    let mut wf = timed_out_approval();
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
    let mut wf = Case::new("events/event_subprocess.bpmn")
        .process("Process_EventSubprocess")
        .answer("Task_Handle", json!({"handled": true}))
        .run();
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

// ----- one test per situation a reset must handle (reset_cases.json) -----

/// The case of `reset_cases.json` called `name`.
fn reset_case(name: &str) -> &'static support::Case {
    support::case_named("reset_cases.json", name)
}

/// Runs case `name` through its first `k` answers (all when None).
fn run_case(name: &str, k: Option<usize>) -> Workflow {
    let case = reset_case(name);
    let (mut wf, _) = support::start(case).unwrap();
    wf.run().unwrap();
    for a in case.answers.iter().take(k.unwrap_or(usize::MAX)) {
        support::apply(&mut wf, a).unwrap();
        wf.run().unwrap();
    }
    wf
}

/// The most recent COMPLETED task of BPMN id `bpmn_id`.
fn completed(wf: &Workflow, bpmn_id: &str) -> bpmn_engine::TaskId {
    wf.resolve_reset_target(bpmn_id).unwrap()
}

fn states(wf: &Workflow, bpmn_id: &str) -> Vec<TaskState> {
    wf.tasks()
        .filter(|t| t.bpmn_id == bpmn_id)
        .map(|t| t.state)
        .collect()
}

fn completions(wf: &Workflow, bpmn_id: &str) -> usize {
    wf.completed_tasks()
        .filter(|t| t.bpmn_id == bpmn_id)
        .count()
}

/// Runs a case of `reset_cases.json` to its end and fails with every
/// difference (each case is its own test, in `reset::cases`).
fn runs_as_expected(case: &support::Case) {
    let (wf, err) = support::run(case).unwrap();
    let problems = support::check(case, &wf, err);
    assert!(problems.is_empty(), "{}: {problems:#?}", case.name);
}

support::json_cases! { mod cases = "reset_cases.json" => super::runs_as_expected;
    join_through_subprocess join_through_call join_through_loop inclusive_join_two_of_three
    inclusive_join_all_three enclosing_boundaries_timer enclosing_boundaries_error
    enclosing_boundaries_escalation enclosing_boundaries_call_timer
    enclosing_boundaries_call_error enclosing_boundaries_call_escalation interrupting_esp
    non_interrupting_esp mi_inner mi_completion_parallel mi_completion_sequential io_required
    join_data data_object_counter
}

#[test]
fn a_join_fed_through_a_subprocess_call_activity_or_loop_fires_once_after_a_redo() {
    // (case, task to reset to, its answer, answers that follow it)
    type Run<'a> = (&'a str, &'a str, Value, &'a [(&'a str, Value)]);
    let runs: &[Run] = &[
        (
            "join_through_subprocess",
            "Sub_Step2",
            json!({"s2": "again"}),
            &[("Task_Final", json!({"final": true}))],
        ),
        (
            "join_through_subprocess",
            "Sub_Step1",
            json!({"s1": "again"}),
            &[
                ("Sub_Step2", json!({"s2": "two"})),
                ("Task_Final", json!({"final": true})),
            ],
        ),
        (
            "join_through_call",
            "Callee_Step",
            json!({"c": "again"}),
            &[("Task_Final", json!({"final": true}))],
        ),
        ("join_through_loop", "Loop_Step", json!({"step3": 30}), &[]),
    ];
    for (name, target, first, rest) in runs {
        let mut wf = run_case(name, None);
        assert!(wf.is_completed(), "{name}");
        let t = completed(&wf, target);
        wf.reset(t, Data::new()).unwrap();
        assert!(!wf.is_completed(), "{name}: the reset reopens the instance");
        // One WAITING record at the join (holding the kept branch's token),
        // nothing after it.
        assert_eq!(
            states(&wf, "Join"),
            [TaskState::Waiting],
            "{name}: {target}"
        );
        assert_eq!(completions(&wf, "Task_After"), 0, "{name}");
        answer(&mut wf, target, first.clone());
        for (task, data) in *rest {
            answer(&mut wf, task, data.clone());
        }
        assert!(wf.is_completed(), "{name}: ready {:?}", ready(&wf));
        assert_eq!(completions(&wf, "Join"), 1, "{name}: the join fires once");
        assert_eq!(completions(&wf, "Task_After"), 1, "{name}");
        assert_eq!(wf.data()["after_runs"], json!(1), "{name}");
    }
}

#[test]
fn a_reset_into_an_inclusive_branch_runs_what_follows_the_join_once() {
    let mut wf = run_case("inclusive_join_two_of_three", None);
    let t = completed(&wf, "Task_B");
    wf.reset(t, Data::new()).unwrap();
    assert_eq!(ready(&wf), ["Task_B"]);
    answer(&mut wf, "Task_B", json!({"rb": "B2"}));
    answer(&mut wf, "Task_Final", json!({"final": true}));
    assert!(wf.is_completed());
    assert_eq!(completions(&wf, "Task_After"), 1);
    assert_eq!(wf.data()["after_runs"], json!(1));
    assert_eq!(wf.data()["rb"], json!("B2"));
    assert_eq!(wf.data()["ra"], json!("A"), "the other branch is kept");
}

#[test]
fn a_reset_inside_a_subprocess_arms_its_boundary_events_again() {
    for (name, container) in [
        ("enclosing_boundaries_timer", "Sub"),
        ("enclosing_boundaries_call_timer", "Call_Sub"),
    ] {
        // The reminder timer fired after Step2 became ready: a reset to
        // Step2 removes the reminder path, the timer waits again.
        let mut wf = run_case(name, None);
        assert_eq!(completions(&wf, "Task_Remind"), 1);
        let t = completed(&wf, "Step2");
        wf.reset(t, Data::new()).unwrap();
        assert_eq!(
            states(&wf, container).last(),
            Some(&TaskState::Started),
            "{name}"
        );
        assert_eq!(completions(&wf, "Task_Remind"), 0, "{name}");
        let mut waiting: Vec<String> = wf
            .waiting_events()
            .iter()
            .map(|e| e.bpmn_id.clone())
            .collect();
        waiting.sort();
        assert_eq!(
            waiting,
            ["Boundary_Error", "Boundary_Esc", "Boundary_Timer"],
            "{name}"
        );
        // The error thrown on the redo is caught by the boundary event.
        answer(&mut wf, "Step2", json!({"outcome": "fail"}));
        assert!(wf.is_completed(), "{name}");
        assert_eq!(wf.data()["handled"], json!("error"), "{name}");

        // Timers fire again: redo, then let an hour pass inside.
        let mut wf = run_case(name, None);
        wf.reset(completed(&wf, "Step2"), Data::new()).unwrap();
        wf.advance("PT1H").unwrap();
        wf.run().unwrap();
        assert_eq!(
            completions(&wf, "Task_Remind"),
            1,
            "{name}: the timer fired"
        );
        // Escalations are handled.
        answer(&mut wf, "Step2", json!({"outcome": "escalate"}));
        answer(&mut wf, "Task_Done", json!({}));
        assert!(wf.is_completed(), "{name}");
        assert_eq!(wf.data()["escalated"], json!(true), "{name}");
    }
}

#[test]
fn a_boundary_path_triggered_before_the_reset_point_stays() {
    // The reminder fires while Step1 is ready; Step2 comes later.
    let case = reset_case("enclosing_boundaries_timer");
    let (mut wf, _) = support::start(case).unwrap();
    wf.run().unwrap();
    wf.advance("PT1H").unwrap();
    wf.run().unwrap();
    assert_eq!(completions(&wf, "Task_Remind"), 1);
    answer(&mut wf, "Step1", json!({"s1": 1}));
    answer(&mut wf, "Step2", json!({"outcome": "ok"}));
    answer(&mut wf, "Task_Done", json!({}));
    assert!(wf.is_completed());
    wf.reset(completed(&wf, "Step2"), Data::new()).unwrap();
    assert_eq!(
        completions(&wf, "Task_Remind"),
        1,
        "triggered before Step2 became ready: kept"
    );
    // Reset to Step1: the reminder (triggered after Step1 became ready) goes.
    wf.reset(completed(&wf, "Step1"), Data::new()).unwrap();
    assert_eq!(completions(&wf, "Task_Remind"), 0);
}

#[test]
fn resetting_to_a_fired_boundary_event_makes_it_wait_and_restores_the_activity() {
    // An interrupting timer: the approval task comes back, the timer waits.
    let mut wf = timed_out_approval();
    assert!(wf.is_completed());
    let timer = completed(&wf, "Timer_Deadline");
    let outcome = wf.reset(timer, Data::new()).unwrap();
    assert_eq!(outcome.state, Some(TaskState::Waiting));
    assert_eq!(wf.task(timer).unwrap().state, TaskState::Waiting);
    assert_eq!(ready(&wf), ["Task_Approve"], "the interrupted task is back");
    assert_eq!(
        count(&wf, "Task_Escalate"),
        0,
        "nothing runs without its event"
    );
    assert_eq!(
        wf.now(),
        "2025-01-01T00:00:00Z".parse::<jiff::Timestamp>().unwrap(),
        "the virtual clock is back at the time the timer started waiting"
    );
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Task_Approve"], "still waiting");
    wf.advance("PT2H").unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["outcome"], json!("escalated"));

    // A message boundary on a subprocess keeps the payload of the new
    // message, not the old one.
    let specs = Specs::load(&[fixture("events/subprocess_boundary_message.bpmn")]);
    let mut wf = specs
        .start("Process_SubBoundaryMessage", Data::new())
        .unwrap();
    wf.run().unwrap();
    wf.send_message("document_added", json!({"doc": "x.pdf"}))
        .unwrap();
    wf.run().unwrap();
    let b = completed(&wf, "Boundary_Document");
    wf.reset(b, Data::new()).unwrap();
    assert_eq!(wf.task(b).unwrap().state, TaskState::Waiting);
    assert!(
        !wf.task(b).unwrap().data.contains_key("doc"),
        "its old payload is gone"
    );
    wf.send_message("document_added", json!({"doc": "y.pdf"}))
        .unwrap();
    wf.run().unwrap();
    assert_eq!(wf.task(b).unwrap().data["doc"], json!("y.pdf"));
}

#[test]
fn resetting_to_an_event_subprocess_start_makes_it_wait_again() {
    let mut wf = run_case("interrupting_esp", None);
    assert!(wf.is_completed());
    let start = completed(&wf, "Esp_Start");
    let outcome = wf.reset(start, Data::new()).unwrap();
    assert_eq!(outcome.task, None);
    assert!(outcome.note.unwrap().contains("waits for its event again"));
    assert_eq!(count(&wf, "Esp_Confirm"), 0, "what it started is gone");
    assert_eq!(
        ready(&wf),
        ["Main_Inner"],
        "the interrupted subprocess is back"
    );
    let waits: Vec<String> = wf
        .waiting_events()
        .iter()
        .map(|e| e.bpmn_id.clone())
        .collect();
    assert!(waits.contains(&"Esp_Start".to_string()), "{waits:?}");
    wf.send_message("cancel_order", json!({"reason": "again"}))
        .unwrap();
    wf.run().unwrap();
    answer(&mut wf, "Esp_Confirm", json!({"confirmed": true}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["cancelled"], json!("cancelled: again"));
}

#[test]
fn a_reset_inside_an_event_subprocess_leaves_an_instance_that_saves_and_loads() {
    for (name, target, then) in [
        (
            "interrupting_esp",
            "Esp_Confirm",
            vec![("Esp_Confirm", json!({"confirmed": false}))],
        ),
        (
            "non_interrupting_esp",
            "Esp_Ack",
            vec![("Esp_Ack", json!({"ack": false}))],
        ),
    ] {
        let mut wf = run_case(name, None);
        wf.reset(completed(&wf, target), Data::new()).unwrap();
        wf.check_invariants().unwrap();
        let (origin_wf, origin) = support::start(reset_case(name)).unwrap();
        drop(origin_wf);
        let bytes =
            bpmn_engine::storage::save_bytes(&wf, &origin, bpmn_engine::storage::Format::Json)
                .unwrap();
        let (mut back, _) =
            bpmn_engine::storage::load_bytes(&bytes, bpmn_engine::storage::Format::Json).unwrap();
        for (task, data) in then {
            answer(&mut back, task, data);
        }
        assert!(back.is_completed(), "{name}: ready {:?}", ready(&back));
    }
}

#[test]
fn a_reset_inside_a_multi_instance_keeps_the_item_and_counter() {
    let mut wf = run_case("mi_inner", None);
    // The second instance's check.
    let second = wf
        .tasks()
        .filter(|t| t.bpmn_id == "Mi_Check")
        .nth(1)
        .unwrap()
        .id;
    wf.reset(second, Data::new()).unwrap();
    let t = wf.task(second).unwrap();
    assert_eq!(t.state, TaskState::Ready);
    assert_eq!(t.data["item"], json!("b"));
    assert_eq!(t.data["loopCounter"], json!(1));
    answer(&mut wf, "Mi_Check", json!({"checked": true}));
    answer(&mut wf, "Task_Done", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["labels"], json!(["a#0", "b#1", "c#2"]));
}

#[test]
fn a_parallel_multi_instance_with_a_completion_condition_completes_after_a_redo() {
    let mut wf = run_case("mi_completion_parallel", None);
    assert_eq!(
        states(&wf, "Mi_Vote")
            .iter()
            .filter(|s| **s == TaskState::Cancelled)
            .count(),
        1,
        "the third vote was cut off"
    );
    let first = wf
        .tasks()
        .find(|t| {
            t.bpmn_id == "Mi_Vote"
                && t.state == TaskState::Completed
                && t.parent
                    .is_some_and(|p| wf.task(p).unwrap().bpmn_id == "Mi_Vote")
        })
        .unwrap()
        .id;
    wf.reset(first, Data::new()).unwrap();
    // The condition counted the first vote: the third voter may vote again.
    assert_eq!(ready(&wf).len(), 2, "{:?}", ready(&wf));
    answer(&mut wf, "Mi_Vote", json!({"vote": "maybe"}));
    answer(&mut wf, "Task_Done", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["votes"], json!(["maybe", "no"]));
}

#[test]
fn a_sequential_multi_instance_checks_its_condition_again_after_the_redone_instance() {
    let mut wf = run_case("mi_completion_sequential", None);
    let first = wf
        .tasks()
        .find(|t| {
            t.bpmn_id == "Mi_Try"
                && t.parent
                    .is_some_and(|p| wf.task(p).unwrap().bpmn_id == "Mi_Try")
        })
        .unwrap()
        .id;
    wf.reset(first, Data::new()).unwrap();
    answer(&mut wf, "Mi_Try", json!({"ok": true}));
    answer(&mut wf, "Task_Done", json!({}));
    assert!(wf.is_completed());
    assert_eq!(
        wf.data()["results"],
        json!([true]),
        "the condition held after the redone first try: no second try"
    );
}

#[test]
fn retry_and_reset_apply_the_data_inputs_again() {
    let case = reset_case("io_required");
    let (mut wf, _) = support::start(case).unwrap();
    wf.run().unwrap();
    let enter = wf.ready_human_task("Task_Enter").unwrap();
    wf.complete_task(enter, obj(json!({"note": "no amount"})))
        .unwrap_err();
    let total = wf.resolve_task("Task_Total").unwrap();
    assert_eq!(wf.task(total).unwrap().state, TaskState::Error);
    // Retrying checks the required input again: still missing.
    wf.retry_failed();
    assert_eq!(wf.task(total).unwrap().state, TaskState::Error);
    assert!(wf.error_of(total).unwrap().contains("`amount` is missing"));
    // A reset with the input supplies it; the task sees only its inputs.
    let outcome = wf
        .reset(total, obj(json!({"amount": 50, "extra": 1})))
        .unwrap();
    assert_eq!(outcome.state, Some(TaskState::Ready));
    let data = &wf.task(total).unwrap().data;
    assert_eq!(data.get("amount"), Some(&json!(50)));
    assert!(
        !data.contains_key("extra") && !data.contains_key("note"),
        "{data:?}"
    );
    wf.run().unwrap();
    answer(&mut wf, "Task_Confirm", json!({"confirmed": true}));
    assert!(wf.is_completed());
}

#[test]
fn reset_data_applies_to_a_join_after_it_merges() {
    let mut wf = run_case("join_data", None);
    assert_eq!(wf.data()["sum"], json!(8));
    let join = completed(&wf, "Join");
    wf.reset(join, obj(json!({"x": 100}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["sum"], json!(105));
    // A join still waiting has nothing to reset.
    let mut wf = run_case("join_data", Some(1));
    let waiting = wf.waiting_tasks()[0].id;
    let e = wf.reset(waiting, Data::new()).unwrap_err();
    assert!(e.to_string().contains("already WAITING"), "{e}");
}

#[test]
fn data_objects_are_rewound_by_a_reset() {
    let mut wf = run_case("data_object_counter", None);
    let counter = |wf: &Workflow| {
        wf.data_objects()
            .into_iter()
            .find(|(_, id, _)| id == "counter_obj")
            .unwrap()
            .2
    };
    assert_eq!(counter(&wf), json!(2));
    wf.reset(completed(&wf, "Task_Step2"), Data::new()).unwrap();
    assert_eq!(counter(&wf), json!(1), "Bump2's write is undone");
    wf.reset(completed(&wf, "Task_Step"), Data::new()).unwrap();
    assert_eq!(counter(&wf), json!(0), "Bump's write is undone too");
    answer(&mut wf, "Task_Step", json!({"step": 1}));
    answer(&mut wf, "Task_Step2", json!({"step2": 2}));
    assert!(wf.is_completed());
    assert_eq!(counter(&wf), json!(2));
    assert_eq!(wf.data()["seen2"], json!(2));
}
