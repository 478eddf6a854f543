//! Diff and migrate: what changed between two versions of a diagram
//! (`SpecDiff`), how a running instance maps onto the new version
//! (`InstanceDiff`), and moving it there (`Workflow::migrate`) — it runs
//! on along the new diagram with its data, history and task ids, its waits
//! keep working, and a refused migration changes nothing. Fixtures are in
//! `tests/fixtures/bpmn/migrate/`.

use crate::support;

use std::sync::Arc;

use bpmn_engine::model::{Field, MatchedBy, SpecDiff};
use bpmn_engine::runtime::{MigrationError, Unmapped};
use bpmn_engine::storage::{self, Format, Origin};
use bpmn_engine::{Data, Specs, TaskId, TaskState, Workflow};
use serde_json::{Value, json};
use support::{Case, drive, fixture, start};

fn specs(name: &str) -> Arc<Specs> {
    let s = Specs::load(&[fixture(&format!("migrate/{name}.bpmn"))]);
    assert!(s.diagnostics().is_empty(), "{name}: {:?}", s.diagnostics());
    s
}

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone().into()
}

fn ready(wf: &Workflow) -> Vec<String> {
    wf.ready_human_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect()
}

fn waiting(wf: &Workflow) -> Vec<String> {
    wf.waiting_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect()
}

fn answer(wf: &mut Workflow, task: &str, data: Value) {
    let id = wf
        .ready_human_task(task)
        .unwrap_or_else(|| panic!("{task} not ready; ready: {:?}", ready(wf)));
    wf.complete_task(id, obj(data)).unwrap();
    wf.run().unwrap();
}

fn order(wf: &Workflow) -> Vec<String> {
    wf.completed_tasks()
        .map(|t| t.bpmn_id.to_string())
        .collect()
}

/// An `order` instance of version 1 with A answered: B is ready.
fn order_at_b() -> Workflow {
    let mut wf = specs("order_v1")
        .start("order", obj(json!({"qty": 2})))
        .unwrap();
    wf.run().unwrap();
    answer(&mut wf, "A", json!({"who": "ann"}));
    assert_eq!(ready(&wf), ["B"]);
    wf
}

fn ids<'a>(v: impl IntoIterator<Item = &'a bpmn_engine::model::ElementRef>) -> Vec<&'a str> {
    v.into_iter().map(|e| e.id.as_str()).collect()
}

fn fields(c: &bpmn_engine::model::ElementChange) -> Vec<Field> {
    c.changes.iter().map(|c| c.field).collect()
}

/// Save and load again (JSON): the state must read back to the same snapshot.
fn round_trip(wf: &Workflow) -> Workflow {
    let origin = Origin::Process(wf.tasks().next().unwrap().process.to_string());
    let bytes = storage::save_bytes(wf, &origin, Format::Json).unwrap();
    let (back, _) = storage::load_bytes(&bytes, Format::Json).unwrap();
    assert_eq!(
        back.snapshot(),
        wf.snapshot(),
        "save/load changed the state"
    );
    assert_eq!(
        storage::save_bytes(&back, &origin, Format::Json).unwrap(),
        bytes,
        "saving again gives other bytes"
    );
    back
}

// ----- SpecDiff -----------------------------------------------------------

#[test]
fn spec_diff_lists_added_and_changed_elements_and_flows_in_file_order() {
    let (v1, v2) = (specs("order_v1"), specs("order_v2"));
    let d = SpecDiff::new(v1.model(), v2.model(), "order", false).unwrap();
    assert_eq!(ids(&d.added), ["D"]);
    assert_eq!(d.added[0].path, ["order"]);
    assert!(d.removed.is_empty());
    let changed: Vec<(&str, Vec<Field>)> = d
        .changed
        .iter()
        .map(|c| (c.old.id.as_str(), fields(c)))
        .collect();
    assert_eq!(
        changed,
        [
            ("A", vec![Field::Type]),
            ("B", vec![Field::Name, Field::Outgoing]),
            ("C", vec![Field::Incoming]),
            ("total", vec![Field::Script]),
        ]
    );
    assert!(d.changed.iter().all(|c| c.aligned));
    let b = &d.changed[1];
    assert_eq!(b.changes[0].old, "Review");
    assert_eq!(b.changes[0].new, "Review order");
    assert_eq!(b.changes[1].old, "f_b_c to C");
    assert_eq!(b.changes[1].new, "f_b_c to D");
    assert_eq!(
        d.changed[0].changes[0].to_string(),
        "type: userTask → manualTask"
    );
    let added_flows: Vec<&str> = d.added_flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(added_flows, ["f_d_c"]);
    assert!(d.removed_flows.is_empty());
    assert_eq!(d.changed_flows.len(), 1);
    let f = &d.changed_flows[0];
    assert_eq!((f.old.id.as_str(), f.old.target.as_str()), ("f_b_c", "C"));
    assert_eq!(f.new.target, "D");
    assert_eq!(f.changes[0].field, Field::Target);
    // The same version: nothing differs.
    let same = SpecDiff::new(v1.model(), specs("order_v1").model(), "order", true).unwrap();
    assert!(same.is_empty(), "{same:?}");
}

#[test]
fn spec_diff_lists_removed_elements_and_flows() {
    let d = SpecDiff::new(
        specs("order_v1").model(),
        specs("order_no_b").model(),
        "order",
        false,
    )
    .unwrap();
    assert_eq!(ids(&d.removed), ["B"]);
    assert!(d.added.is_empty());
    let removed: Vec<&str> = d.removed_flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(removed, ["f_a_b", "f_b_c"]);
    let added: Vec<&str> = d.added_flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(added, ["f_a_c"]);
    let changed: Vec<&str> = d.changed.iter().map(|c| c.old.id.as_str()).collect();
    assert_eq!(changed, ["A", "C"]);
}

#[test]
fn spec_diff_aligns_a_renamed_id_by_structure_and_not_an_incompatible_type() {
    let (v1, renamed) = (specs("order_v1"), specs("order_renamed"));
    let d = SpecDiff::new(v1.model(), renamed.model(), "order", false).unwrap();
    assert!(d.removed.is_empty() && d.added.is_empty(), "{d:?}");
    let b = d.changed.iter().find(|c| c.old.id == "B").unwrap();
    assert_eq!(b.new.id, "B2");
    assert_eq!(b.matched_by, MatchedBy::Structure);
    assert!(b.aligned);
    assert_eq!(fields(b), [Field::Id]);

    let retyped = specs("order_retyped");
    let d = SpecDiff::new(v1.model(), retyped.model(), "order", false).unwrap();
    let b = d.changed.iter().find(|c| c.old.id == "B").unwrap();
    assert!(
        !b.aligned,
        "a user task does not carry over to a script task"
    );
    assert_eq!(fields(b), [Field::Type, Field::Script]);
    assert!(d.node(b.old.node).is_none());
    assert!(d.removed.is_empty() && d.added.is_empty());
}

#[test]
fn spec_diff_inside_a_subprocess_names_the_path() {
    let d = SpecDiff::new(
        specs("sub_v1").model(),
        specs("sub_v2").model(),
        "claim",
        false,
    )
    .unwrap();
    assert_eq!(ids(&d.added), ["Estimate"]);
    assert_eq!(d.added[0].path, ["claim", "Check"]);
    let changed: Vec<(&str, Vec<Field>)> = d
        .changed
        .iter()
        .map(|c| (c.old.id.as_str(), fields(c)))
        .collect();
    assert_eq!(
        changed,
        [
            ("Inspect", vec![Field::Name, Field::Outgoing]),
            ("check_end", vec![Field::Incoming]),
        ]
    );
    assert_eq!(d.changed_flows[0].old.id, "s2");
    assert_eq!(d.changed_flows[0].old.path, ["claim", "Check"]);
    let added_flows: Vec<&str> = d.added_flows.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(added_flows, ["s3"]);
}

#[test]
fn spec_diff_with_dependencies_compares_called_processes() {
    let load = || Specs::load(&[fixture("call_caller.bpmn"), fixture("call_callee.bpmn")]);
    let (a, b) = (load(), load());
    let d = SpecDiff::new(a.model(), b.model(), "Process_Caller", true).unwrap();
    assert_eq!(d.processes, ["Process_Caller", "Process_Callee"]);
    assert!(d.is_empty());
    let d = SpecDiff::new(a.model(), b.model(), "Process_Caller", false).unwrap();
    assert_eq!(d.processes, ["Process_Caller"]);
    // Without the callee in the new version, it is a removed process.
    let caller_only = Specs::load(&[fixture("call_caller.bpmn")]);
    let d = SpecDiff::new(a.model(), caller_only.model(), "Process_Caller", true).unwrap();
    assert_eq!(d.removed_processes, ["Process_Callee"]);
    let e = SpecDiff::new(
        a.model(),
        specs("order_v1").model(),
        "Process_Caller",
        false,
    )
    .unwrap_err();
    assert!(e.to_string().contains("not in the new version"), "{e}");
}

// ----- InstanceDiff -------------------------------------------------------

#[test]
fn instance_diff_maps_live_and_completed_tasks() {
    let wf = order_at_b();
    let d = wf.diff_instance(&specs("order_no_b"));
    let rows: Vec<(&str, TaskState, Option<&str>)> = d
        .tasks
        .iter()
        .map(|t| (t.bpmn_id.as_str(), t.state, t.counterpart.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("start", TaskState::Completed, Some("start")),
            ("A", TaskState::Completed, Some("A")),
            ("B", TaskState::Ready, None),
        ]
    );
    let blocking: Vec<&str> = d.blocking().iter().map(|t| t.bpmn_id.as_str()).collect();
    assert_eq!(blocking, ["B"]);
    assert_eq!(d.blocking()[0].problem, Some(Unmapped::Removed));
    assert!(!d.can_migrate());

    let d = wf.diff_instance(&specs("order_v2"));
    assert!(d.can_migrate());
    let b = d.tasks.iter().find(|t| t.bpmn_id == "B").unwrap();
    assert_eq!(b.counterpart.as_deref(), Some("B"));
    assert!(b.changes.iter().any(|c| c.field == Field::Name));

    let d = wf.diff_instance(&specs("order_retyped"));
    assert_eq!(
        d.blocking()[0].problem,
        Some(Unmapped::Retyped {
            from: "userTask".into(),
            to: "scriptTask".into()
        })
    );
    // JSON for clients: ids as shown, states by name.
    let j = serde_json::to_value(&d).unwrap();
    assert_eq!(j["tasks"][2]["state"], "READY");
    assert_eq!(j["tasks"][2]["problem"]["reason"], "retyped");
}

// ----- migrate ------------------------------------------------------------

#[test]
fn migrated_instance_runs_on_along_the_new_diagram_with_its_data_and_history() {
    let wf = order_at_b();
    let a_id = wf.resolve_task("A").unwrap();
    let b_id = wf.ready_human_task("B").unwrap();
    let (wf, report) = wf.migrate(specs("order_v2"), false).unwrap();
    assert!(report.dropped.is_empty() && report.retired.is_empty());
    assert_eq!(ready(&wf), ["B"]);
    assert_eq!(wf.ready_human_task("B"), Some(b_id), "task ids stay");
    assert_eq!(wf.resolve_task("A").unwrap(), a_id);
    assert_eq!(wf.task(b_id).unwrap().name, Some("Review order"));
    assert_eq!(wf.task(b_id).unwrap().data.to_json()["who"], "ann");
    let mut wf = round_trip(&wf);

    answer(&mut wf, "B", json!({}));
    assert_eq!(ready(&wf), ["D"], "B goes on to the new task D");
    answer(&mut wf, "D", json!({"approved": true}));
    answer(&mut wf, "C", json!({}));
    assert!(wf.is_completed());
    assert_eq!(order(&wf), ["start", "A", "B", "D", "C", "total", "end"]);
    // The new script ran; data from before the migration is kept.
    assert_eq!(wf.data()["total"], 24);
    assert_eq!(wf.data()["who"], "ann");
    assert_eq!(wf.data()["approved"], true);
}

#[test]
fn migration_with_a_removed_live_task_is_refused_and_changes_nothing() {
    let wf = order_at_b();
    let before = wf.snapshot();
    let e = wf.migrate(specs("order_no_b"), false).unwrap_err();
    let MigrationError::Blocked { tasks, starts } = &e else {
        panic!("{e}");
    };
    assert!(starts.is_empty());
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].bpmn_id, "B");
    let text = e.to_string();
    assert!(
        text.contains("`B` (userTask, READY): its element is not in the new version"),
        "{text}"
    );
    assert_eq!(wf.snapshot(), before);
    // Retyped beyond alignment: refused too.
    let e = wf.migrate(specs("order_retyped"), false).unwrap_err();
    assert!(
        e.to_string()
            .contains("changed from userTask to scriptTask"),
        "{e}"
    );
}

#[test]
fn forced_migration_drops_the_live_task_and_says_so() {
    let wf = order_at_b();
    let b = wf.ready_human_task("B").unwrap();
    let (wf, report) = wf.migrate(specs("order_no_b"), true).unwrap();
    let dropped: Vec<&str> = report.dropped.iter().map(|t| t.bpmn_id.as_str()).collect();
    assert_eq!(dropped, ["B"]);
    assert!(report.stuck, "nothing is left to do");
    assert!(wf.task(b).is_none());
    let retired: Vec<(TaskId, &str, &str)> = wf
        .retired_tasks()
        .iter()
        .map(|r| (r.id(), r.bpmn_id.as_str(), r.state.as_str()))
        .collect();
    assert_eq!(retired, [(b, "B", "CANCELLED")]);
    assert!(ready(&wf).is_empty());
    let back = round_trip(&wf);
    assert_eq!(back.retired_tasks(), wf.retired_tasks());
}

#[test]
fn completed_task_without_counterpart_is_kept_as_retired_history() {
    let mut wf = order_at_b();
    answer(&mut wf, "B", json!({"note": "from B"}));
    assert_eq!(ready(&wf), ["C"]);
    let (wf, report) = wf.migrate(specs("order_no_b"), false).unwrap();
    let retired: Vec<&str> = report.retired.iter().map(|r| r.bpmn_id.as_str()).collect();
    assert_eq!(retired, ["B"]);
    assert_eq!(report.retired[0].state, "COMPLETED");
    assert_eq!(report.retired[0].task_state(), Some(TaskState::Completed));
    assert_eq!(order(&wf), ["start", "A"]);
    let c = wf.ready_human_task("C").unwrap();
    let a = wf.resolve_task("A").unwrap();
    assert_eq!(wf.task(c).unwrap().parent, Some(a), "C now follows A");
    assert_eq!(
        wf.task(c).unwrap().data.to_json()["note"],
        "from B",
        "what B produced stays in the data"
    );
    let mut wf = round_trip(&wf);
    answer(&mut wf, "C", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["note"], "from B");
    assert_eq!(wf.retired_tasks().len(), 1);
}

#[test]
fn renamed_live_task_carries_over() {
    let wf = order_at_b();
    let b = wf.ready_human_task("B").unwrap();
    let (mut wf, _) = wf.migrate(specs("order_renamed"), false).unwrap();
    assert_eq!(ready(&wf), ["B2"]);
    assert_eq!(wf.ready_human_task("B2"), Some(b));
    answer(&mut wf, "B2", json!({}));
    assert_eq!(ready(&wf), ["C"]);
}

#[test]
fn migration_inside_a_running_subprocess() {
    let mut wf = specs("sub_v1").start("claim", Data::new()).unwrap();
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Inspect"]);
    let (wf, _) = wf.migrate(specs("sub_v2"), false).unwrap();
    let mut wf = round_trip(&wf);
    answer(&mut wf, "Inspect", json!({"damage": 3}));
    assert_eq!(ready(&wf), ["Estimate"]);
    answer(&mut wf, "Estimate", json!({}));
    answer(&mut wf, "Pay", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["damage"], 3);

    // A removed subprocess that runs blocks, with its inner task.
    let mut wf = specs("sub_v1").start("claim", Data::new()).unwrap();
    wf.run().unwrap();
    let d = wf.diff_instance(&specs("order_v1"));
    assert!(!d.can_migrate());
    let e = wf.migrate(specs("order_v1"), false).unwrap_err();
    assert!(
        matches!(e, MigrationError::MissingProcess(ref p) if p == "claim"),
        "{e}"
    );
}

fn timer_instance() -> Workflow {
    let mut wf = specs("timer_v1")
        .start_at(
            "reminder",
            Data::new(),
            Some("2024-01-01T00:00:00Z".parse().unwrap()),
        )
        .unwrap();
    wf.run().unwrap();
    assert_eq!(waiting(&wf), ["wait"]);
    wf
}

fn due(wf: &Workflow) -> Vec<String> {
    wf.waiting_events()
        .iter()
        .filter_map(|e| e.due.map(|d| format!("{} {d}", e.bpmn_id)))
        .collect()
}

#[test]
fn a_waiting_timer_keeps_its_due_time_and_fires_after_migration() {
    let mut wf = timer_instance();
    wf.advance("PT30M").unwrap();
    wf.run().unwrap();
    let before = due(&wf);
    let (wf, report) = wf.migrate(specs("timer_v2"), false).unwrap();
    assert!(report.rearmed.is_empty());
    assert_eq!(due(&wf), before, "an unchanged timer stays due when it was");
    let mut wf = round_trip(&wf);
    wf.advance("PT29M").unwrap();
    wf.run().unwrap();
    assert_eq!(waiting(&wf), ["wait"]);
    wf.advance("PT1M").unwrap();
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Check"], "the timer leads to the new task");
    answer(&mut wf, "Check", json!({}));
    answer(&mut wf, "Remind", json!({}));
    assert!(wf.is_completed());
}

#[test]
fn a_changed_timer_is_armed_again_and_a_new_boundary_event_is_armed() {
    let mut wf = timer_instance();
    wf.advance("PT30M").unwrap();
    wf.run().unwrap();
    let (mut wf, report) = wf.migrate(specs("timer_v3"), false).unwrap();
    assert_eq!(report.rearmed, ["wait"]);
    assert_eq!(
        due(&wf),
        ["wait 2024-01-01T02:30:00Z"],
        "two hours from the migration"
    );
    wf.advance("PT1H59M").unwrap();
    wf.run().unwrap();
    assert_eq!(waiting(&wf), ["wait"]);
    wf.advance("PT1M").unwrap();
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Remind"]);

    // An instance already at Remind gets the new boundary event armed.
    let mut wf = timer_instance();
    wf.advance("PT1H").unwrap();
    wf.run().unwrap();
    assert_eq!(ready(&wf), ["Remind"]);
    let (mut wf, report) = wf.migrate(specs("timer_v3"), false).unwrap();
    assert_eq!(report.armed, ["cancelled"]);
    assert_eq!(waiting(&wf), ["cancelled"]);
    let mut wf2 = round_trip(&wf);
    wf.send_message("cancel", json!({})).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(order(&wf).last().map(String::as_str), Some("end_cancelled"));
    // Or Remind completes and the boundary event goes away.
    answer(&mut wf2, "Remind", json!({}));
    assert!(wf2.is_completed());
}

/// Every fixture case, paused after every step of its run: migrating to a
/// freshly loaded copy of the same diagrams changes nothing.
#[test]
fn migrating_to_the_same_version_changes_nothing() {
    let all: Vec<Case> = support::cases()
        .into_iter()
        .chain(support::event_cases())
        .chain(support::reset_cases())
        .chain(support::data_cases())
        .collect();
    let mut checks = 0;
    let mut failures = Vec::new();
    for case in &all {
        let Ok((mut wf, _)) = start(case) else {
            continue;
        };
        let same = start(case).unwrap().0.specs().clone();
        let mut next = 0;
        for _ in 0..200 {
            match wf.migrate(same.clone(), false) {
                Ok((moved, report)) => {
                    checks += 1;
                    let (a, b) = (
                        serde_json::to_value(wf.snapshot()).unwrap(),
                        serde_json::to_value(moved.snapshot()).unwrap(),
                    );
                    if a != b {
                        let keys: Vec<String> = a
                            .as_object()
                            .unwrap()
                            .iter()
                            .filter(|(k, v)| b.get(k.as_str()) != Some(v))
                            .map(|(k, v)| format!("{k}: {v} → {}", b[k.as_str()]))
                            .collect();
                        failures.push(format!(
                            "{}: the snapshot changed: {}",
                            case.name,
                            keys.join("; ")
                        ));
                    }
                    if !report.diff.spec.is_empty()
                        || !report.retired.is_empty()
                        || !report.rearmed.is_empty()
                        || !report.armed.is_empty()
                    {
                        failures.push(format!("{}: the report is not empty", case.name));
                    }
                }
                Err(e) => failures.push(format!("{}: {e}", case.name)),
            }
            let (n, error, paused) = drive(&mut wf, &case.answers, next, Some(1));
            next = n;
            if !paused || error.is_some() {
                break;
            }
        }
    }
    eprintln!("{checks} identity migrations checked");
    assert!(checks > 200, "only {checks} checks");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn pair_with_x_done() -> Workflow {
    let mut wf = specs("join_v1").start("pair", Data::new()).unwrap();
    wf.run().unwrap();
    answer(&mut wf, "X", json!({"x": 1}));
    assert_eq!(ready(&wf), ["Y"]);
    assert_eq!(waiting(&wf), ["join"]);
    wf
}

#[test]
fn join_tokens_follow_their_flow_when_the_join_changes() {
    let (wf, _) = pair_with_x_done().migrate(specs("join_v2"), false).unwrap();
    let mut wf = round_trip(&wf);
    answer(&mut wf, "Y", json!({"y": 2}));
    assert!(wf.is_completed(), "the token from X still counts");
    assert_eq!(wf.data()["joined"], true);
    assert_eq!(
        (wf.data()["x"].clone(), wf.data()["y"].clone()),
        (json!(1), json!(2))
    );

    // A token on a flow that no longer enters the join blocks.
    let wf = pair_with_x_done();
    let e = wf.migrate(specs("join_v3"), false).unwrap_err();
    assert!(
        e.to_string().contains("holds a token from flow `fx_join`"),
        "{e}"
    );
    let (wf, report) = wf.migrate(specs("join_v3"), true).unwrap();
    let dropped: Vec<&str> = report.dropped.iter().map(|t| t.bpmn_id.as_str()).collect();
    assert_eq!(dropped, ["join"]);
    assert_eq!(ready(&wf), ["Y"]);
}

fn load(names: &[&str]) -> Arc<Specs> {
    let files: Vec<_> = names
        .iter()
        .map(|n| fixture(&format!("migrate/{n}.bpmn")))
        .collect();
    let s = Specs::load(&files);
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    s
}

#[test]
fn migration_inside_a_called_process() {
    let mut wf = load(&["shop", "order_v1", "sub_v1"])
        .start("shop", obj(json!({"qty": 1})))
        .unwrap();
    wf.run().unwrap();
    answer(&mut wf, "A", json!({}));
    assert_eq!(ready(&wf), ["B"]);
    let d = wf.diff_instance(&load(&["shop", "order_v2"]));
    assert_eq!(
        d.spec.processes,
        ["shop", "order"],
        "the called process is compared"
    );
    let (wf, _) = wf.migrate(load(&["shop", "order_v2"]), false).unwrap();
    let mut wf = round_trip(&wf);
    answer(&mut wf, "B", json!({}));
    assert_eq!(ready(&wf), ["D"]);
    answer(&mut wf, "D", json!({}));
    answer(&mut wf, "C", json!({}));
    answer(&mut wf, "Done", json!({}));
    assert!(wf.is_completed());
    assert_eq!(wf.data()["total"], 12);

    // A running call activity that now calls another process blocks.
    let mut wf = load(&["shop", "order_v1", "sub_v1"])
        .start("shop", obj(json!({"qty": 1})))
        .unwrap();
    wf.run().unwrap();
    let e = wf
        .migrate(load(&["shop_claim", "order_v1", "sub_v1"]), false)
        .unwrap_err();
    let MigrationError::Blocked { tasks, .. } = &e else {
        panic!("{e}")
    };
    let buy = tasks.iter().find(|t| t.bpmn_id == "buy").unwrap();
    assert_eq!(
        buy.problem,
        Some(Unmapped::CallsAnother {
            running: "order".into(),
            calls: "claim".into()
        })
    );
    assert!(
        tasks
            .iter()
            .any(|t| t.bpmn_id == "A" && t.problem == Some(Unmapped::BodyGone))
    );
}

#[test]
fn an_event_subprocess_added_to_a_running_body_is_armed() {
    let wf = order_at_b();
    let (mut wf, report) = wf.migrate(specs("order_esp"), false).unwrap();
    assert_eq!(report.armed, ["cancel_start"]);
    let mut wf2 = round_trip(&wf);
    wf.send_message("cancel_order", json!({})).unwrap();
    wf.run().unwrap();
    assert!(
        wf.is_completed(),
        "the new event subprocess ended the order"
    );
    assert_eq!(
        wf.tasks().find(|t| t.bpmn_id == "B").unwrap().state,
        TaskState::Cancelled
    );
    // Migrating back removes the armed start event: refused unless forced.
    let e = wf2.migrate(specs("order_v1"), false).unwrap_err();
    assert!(
        e.to_string().contains("start event `cancel_start` (armed)"),
        "{e}"
    );
    let (back, report) = wf2.migrate(specs("order_v1"), true).unwrap();
    assert_eq!(report.dropped_starts.len(), 1);
    assert!(back.waiting_events().is_empty());
    answer(&mut wf2, "B", json!({}));
    assert_eq!(ready(&wf2), ["C"]);
}

// ----- the `bpmn` commands ------------------------------------------------

mod cli {
    use super::fixture;

    use std::path::{Path, PathBuf};

    use assert_cmd::Command;
    use serde_json::Value;

    fn bpmn() -> Command {
        Command::cargo_bin("bpmn").expect("the bpmn binary is built")
    }

    /// `bpmn migrate STATE -b <model name>`.
    fn migrate(state: &Path, new: &str) -> Command {
        let mut cmd = bpmn();
        cmd.arg("migrate").arg(state).arg("-b").arg(model(new));
        cmd
    }

    fn model(name: &str) -> PathBuf {
        fixture(&format!("migrate/{name}.bpmn"))
    }

    /// An `order` v1 instance saved at B (A answered).
    fn saved_at_b(dir: &Path) -> PathBuf {
        let state = dir.join("order.json");
        let answers = dir.join("answers.json");
        std::fs::write(&answers, r#"[{"task": "A", "data": {"who": "ann"}}]"#).unwrap();
        bpmn()
            .args(["run", "-p", "order", "--data", r#"{"qty": 2}"#, "-b"])
            .arg(model("order_v1"))
            .arg("--answers")
            .arg(&answers)
            .arg("--save")
            .arg(&state)
            .assert()
            .code(4);
        state
    }

    fn stdout(cmd: &mut Command) -> (i32, String, String) {
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    #[test]
    fn diff_spec_prints_text_and_json() {
        let (code, out, err) = stdout(
            bpmn()
                .args(["diff-spec", "-p", "order", "-b"])
                .arg(model("order_v1"))
                .arg("--new")
                .arg(model("order_v2")),
        );
        assert_eq!(code, 0, "{err}");
        for line in [
            "  + D userTask \"Approve\"  (order, line 12)",
            "  ~ B userTask \"Review\"  (order, line 9)",
            "      name: Review → Review order",
            "      outgoing: f_b_c to C → f_b_c to D",
            "  + f_d_c D → C  (order, line 13)",
            "1 added, 0 removed, 4 changed; flows: 1 added, 0 removed, 1 changed.",
        ] {
            assert!(
                out.lines().any(|l| l == line),
                "no line {line:?} in:\n{out}"
            );
        }
        // -p may be left out when the files have one process.
        let (code, out, _) = stdout(
            bpmn()
                .args(["diff-spec", "--json", "-b"])
                .arg(model("order_v1"))
                .arg("--new")
                .arg(model("order_no_b")),
        );
        assert_eq!(code, 0);
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["removed"][0]["id"], "B");
        assert_eq!(v["removed"][0]["type"], "userTask");
        assert_eq!(v["removed_flows"][0]["id"], "f_a_b");
        assert_eq!(v["changed"][0]["changes"][0]["field"], "outgoing");
        // The same files: no differences.
        let (code, out, _) = stdout(
            bpmn()
                .args(["diff-spec", "-b"])
                .arg(model("order_v1"))
                .arg("--new")
                .arg(model("order_v1")),
        );
        assert_eq!(code, 0);
        assert!(out.contains("No differences."), "{out}");
        // An unknown process is a usage error.
        let (code, _, err) = stdout(
            bpmn()
                .args(["diff-spec", "-p", "nope", "-b"])
                .arg(model("order_v1"))
                .arg("--new")
                .arg(model("order_v2")),
        );
        assert_eq!(code, 2);
        assert!(
            err.contains("process `nope` is not in the old version"),
            "{err}"
        );
    }

    #[test]
    fn a_refused_migration_leaves_the_state_file_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let state = saved_at_b(dir.path());
        let before = std::fs::read(&state).unwrap();
        let (code, _, err) = stdout(&mut migrate(&state, "order_no_b"));
        assert_eq!(code, 2);
        assert!(
            err.contains("migration refused, nothing was changed"),
            "{err}"
        );
        assert!(
            err.contains("`B` (userTask, READY): its element is not in the new version"),
            "{err}"
        );
        assert!(err.contains("--force"), "{err}");
        assert_eq!(std::fs::read(&state).unwrap(), before, "byte for byte");
        assert!(!dir.path().join("order.before-migrate.json").exists());
        // A new version that does not load: refused too, file unchanged.
        let broken = dir.path().join("broken.bpmn");
        std::fs::write(&broken, "<definitions").unwrap();
        let (code, _, err) = stdout(bpmn().arg("migrate").arg(&state).arg("-b").arg(&broken));
        assert_eq!(code, 2, "{err}");
        assert_eq!(std::fs::read(&state).unwrap(), before);
        // A dry run writes nothing either, and says what would happen.
        let (code, out, _) = stdout(migrate(&state, "order_v2").arg("--dry-run"));
        assert_eq!(code, 0);
        assert!(
            out.contains("B \"Review\" (userTask, READY) (changed: name, outgoing)"),
            "{out}"
        );
        assert!(out.contains("nothing was written"), "{out}");
        assert_eq!(std::fs::read(&state).unwrap(), before);
    }

    #[test]
    fn migrate_then_resume_follows_the_new_diagram() {
        let dir = tempfile::tempdir().unwrap();
        let state = saved_at_b(dir.path());
        let before = std::fs::read(&state).unwrap();
        let (code, out, err) = stdout(&mut migrate(&state, "order_v2"));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("Migrated to the new version."), "{out}");
        let backup = dir.path().join("order.before-migrate.json");
        assert_eq!(
            std::fs::read(&backup).unwrap(),
            before,
            "the previous state is kept"
        );
        let answers = dir.path().join("rest.json");
        std::fs::write(
            &answers,
            r#"[{"task": "B", "data": {}}, {"task": "D", "data": {}}, {"task": "C", "data": {}}]"#,
        )
        .unwrap();
        let (code, out, err) = stdout(
            bpmn()
                .arg("resume")
                .arg(&state)
                .arg("--json")
                .arg("--answers")
                .arg(&answers),
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["completed"], true);
        assert_eq!(v["data"]["total"], 24);
        assert_eq!(v["data"]["who"], "ann");
    }

    #[test]
    fn forced_migration_says_what_it_dropped_and_json_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = saved_at_b(dir.path());
        let (code, out, err) = stdout(
            bpmn()
                .arg("migrate")
                .arg(&state)
                .args(["--force", "--json", "-b"])
                .arg(model("order_no_b")),
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["migrated"], true);
        assert_eq!(v["report"]["dropped"][0]["bpmn_id"], "B");
        assert_eq!(v["report"]["dropped"][0]["problem"]["reason"], "removed");
        assert_eq!(v["report"]["retired"][0]["bpmn_id"], "B");
        assert_eq!(v["report"]["stuck"], true);
        let (code, out, _) = stdout(bpmn().arg("tasks").arg(&state).arg("--json"));
        assert_eq!(code, 0);
        let tasks: Value = serde_json::from_str(&out).unwrap();
        assert!(
            tasks
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["bpmn_id"] != "B"),
            "{tasks}"
        );
    }

    #[test]
    fn migrate_keeps_the_embedded_decisions_without_dmn_files() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("rules.json");
        let dmn = fixture("../dmn/v11.dmn");
        bpmn()
            .args(["run", "-p", "rules", "-b"])
            .arg(model("rules"))
            .arg("-d")
            .arg(&dmn)
            .arg("--save")
            .arg(&state)
            .arg("--json")
            .assert()
            .code(4);
        let (code, _, err) = stdout(&mut migrate(&state, "rules"));
        assert_eq!(code, 0, "{err}");
        let answers = dir.path().join("a.json");
        std::fs::write(&answers, r#"[{"task": "Ask", "data": {"colour": "red"}}]"#).unwrap();
        let (code, out, err) = stdout(
            bpmn()
                .arg("resume")
                .arg(&state)
                .arg("--json")
                .arg("--answers")
                .arg(&answers),
        );
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["data"]["version"], "1.1");
    }

    #[test]
    fn diff_instance_lists_live_tasks_and_history() {
        let dir = tempfile::tempdir().unwrap();
        let state = saved_at_b(dir.path());
        let (code, out, err) = stdout(
            bpmn()
                .arg("diff-instance")
                .arg(&state)
                .arg("-b")
                .arg(model("order_no_b")),
        );
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("B \"Review\" (userTask, READY): no counterpart — its element is not in the new version"), "{out}");
        assert!(
            out.contains("History: 2 task(s), 2 map onto the new version"),
            "{out}"
        );
        assert!(out.contains("A migration is refused"), "{out}");
        let (_, out, _) = stdout(
            bpmn()
                .arg("diff-instance")
                .arg(&state)
                .args(["--json", "-b"])
                .arg(model("order_v2")),
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["tasks"][2]["bpmn_id"], "B");
        assert_eq!(v["tasks"][2]["state"], "READY");
        assert_eq!(v["spec"]["added"][0]["id"], "D");
    }
}

/// `xml` with, at the start of every process, an event subprocess that
/// starts on a signal nothing sends: every element index of the process
/// (and every body index after it) shifts, and running processes gain an
/// event subprocess to arm. `n` keeps the ids apart between files.
fn with_unused_event_subprocess(xml: &str, n: usize) -> Option<String> {
    let mut out = String::new();
    let mut rest = xml;
    let mut prefix = None;
    let mut k = 0;
    while let Some(i) = rest.find('<') {
        let tag = &rest[i + 1..];
        let end = tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
        let name = &tag[..end];
        let (p, local) = match name.rfind(':') {
            Some(c) => (&name[..=c], &name[c + 1..]),
            None => ("", name),
        };
        let close = tag.find('>')?;
        out.push_str(&rest[..i + 1 + close + 1]);
        rest = &tag[close + 1..];
        if local == "process" && !tag[..close].ends_with('/') {
            prefix = Some(p.to_string());
            k += 1;
            out.push_str(&format!(
                "<{p}subProcess id=\"zz_esp_{n}_{k}\" triggeredByEvent=\"true\">\
                 <{p}startEvent id=\"zz_start_{n}_{k}\">\
                 <{p}signalEventDefinition signalRef=\"zz_signal_{n}\"/></{p}startEvent>\
                 <{p}sequenceFlow id=\"zz_flow_{n}_{k}\" sourceRef=\"zz_start_{n}_{k}\" targetRef=\"zz_end_{n}_{k}\"/>\
                 <{p}endEvent id=\"zz_end_{n}_{k}\"/></{p}subProcess>"
            ));
        }
    }
    out.push_str(rest);
    let p = prefix?;
    let closing = format!("</{p}definitions>");
    let at = out.rfind(&closing)?;
    out.insert_str(
        at,
        &format!("<{p}signal id=\"zz_signal_{n}\" name=\"zz never sent\"/>"),
    );
    Some(out)
}

/// Every fixture case, paused after every step: migrating to a copy of its
/// diagrams where every index moved (an unused event subprocess first in
/// each process) and going on with the rest of its answers ends exactly
/// like the uninterrupted run.
#[test]
fn migrating_to_shifted_indices_ends_like_the_uninterrupted_run() {
    #[derive(Debug, PartialEq)]
    struct Outcome {
        completed: bool,
        data: Value,
        order: Vec<String>,
        ready: Vec<String>,
        error: Option<String>,
    }
    let outcome = |wf: &Workflow, error: Option<String>| Outcome {
        completed: wf.is_completed(),
        data: if wf.is_completed() {
            wf.data().to_json()
        } else {
            wf.last_task_data().to_json()
        },
        order: order(wf),
        ready: ready(wf),
        // Errors list what the instance waits for: the event subprocess
        // the shifted copy adds is one of them.
        error: error
            .map(|e| match e.split_once("it waits for: ") {
                Some((head, list)) => {
                    let kept: Vec<&str> = list
                        .split(", ")
                        .filter(|w| !w.contains("zz never sent"))
                        .collect();
                    format!("{head}it waits for: {}", kept.join(", "))
                }
                None => e,
            })
            // And where an error is: the shifted copy is another file.
            .map(|e| {
                e.split(' ')
                    .map(|w| if w.contains(".bpmn:") { "<file>:" } else { w })
                    .collect::<Vec<_>>()
                    .join(" ")
            }),
    };
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<Case> = support::cases()
        .into_iter()
        .chain(support::event_cases())
        .chain(support::data_cases())
        .collect();
    let (mut checks, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for case in &all {
        let Ok((first, _)) = start(case) else {
            continue;
        };
        // The shifted copy of its files.
        let mut files = Vec::new();
        let mut ok = true;
        for (n, f) in case.files.iter().enumerate() {
            let text = std::fs::read_to_string(fixture(f)).unwrap();
            let Some(shifted) = with_unused_event_subprocess(&text, n) else {
                ok = false;
                break;
            };
            let path = dir.path().join(format!("{}_{n}.bpmn", case.name));
            std::fs::write(&path, shifted).unwrap();
            files.push(path);
        }
        let dmn: Vec<_> = case.dmn.iter().map(|f| fixture(f)).collect();
        let shifted = Specs::load_all(&files, &dmn, first.specs().options());
        if !ok || shifted.diagnostics().len() != first.specs().diagnostics().len() {
            skipped += 1;
            continue;
        }
        let mut base = first;
        let (_, error, _) = drive(&mut base, &case.answers, 0, None);
        let expected = outcome(&base, error);
        for stop in 0..60 {
            let (mut wf, _) = start(case).unwrap();
            let (next, error, paused) = drive(&mut wf, &case.answers, 0, Some(stop));
            if !paused || error.is_some() {
                break;
            }
            let (mut moved, report) = match wf.migrate(shifted.clone(), false) {
                Ok(m) => m,
                Err(e) => {
                    failures.push(format!("{} after {stop} steps: {e}", case.name));
                    break;
                }
            };
            checks += 1;
            if !report.retired.is_empty() || !report.dropped.is_empty() {
                failures.push(format!("{} after {stop} steps: {report:?}", case.name));
            }
            let (_, error, _) = drive(&mut moved, &case.answers, next, None);
            let got = outcome(&moved, error);
            if got != expected {
                failures.push(format!(
                    "{} after {stop} steps:\n  expected {expected:?}\n  got      {got:?}",
                    case.name
                ));
            }
        }
    }
    eprintln!("{checks} shifted migrations checked, {skipped} cases skipped");
    assert!(checks > 200, "only {checks} checks");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
