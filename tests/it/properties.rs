//! Properties of saving, resuming and resetting, checked on every fixture
//! case: `cases.json`, `event_cases.json`, `reset_cases.json`,
//! `data_cases.json` and, when the corpus is next to the crate, the
//! spiff-example-cli tutorial runs (the interrupt and read-only properties
//! on those with answers).
//!
//! - Interrupt anywhere: stopping after any number of answers, saving
//!   (JSON, RON, and JSON re-saved as RON), loading and going on with the
//!   rest ends exactly like the uninterrupted run.
//! - Read-only commands (`tasks`, `data`, `events`; with `--json` where
//!   they have it) never change a state file, and a resume with no answers
//!   changes nothing.
//! - Reset and replay: on the finished instance and after every answer,
//!   resetting to any completed task and redoing the work — answering what
//!   becomes ready with its original answer, sending again the events whose
//!   effect the reset undid, moving the clock to where it was — ends like
//!   the uninterrupted run and is never stuck; every reset leaves an
//!   instance that passes the invariant checks and saves and loads
//!   unchanged.
//!
//! Each property prints how many checks it ran. Checks through the `bpmn`
//! binary cover a sample (they start processes).

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use assert_cmd::Command;
use bpmn_engine::storage::{self, Format, Origin};
use bpmn_engine::{Data, TaskState, Workflow};
use jiff::Timestamp;
use serde_json::{Value, json};
use support::{Case, apply, cases, data_cases, event_cases, reset_cases, start, tutorial_cases};

/// Every case.
fn all_cases() -> Vec<Case> {
    cases()
        .into_iter()
        .chain(event_cases())
        .chain(reset_cases())
        .chain(data_cases())
        .chain(tutorial_cases())
        .collect()
}

/// Every case with answers.
fn subjects() -> Vec<Case> {
    all_cases()
        .into_iter()
        .filter(|c| !c.answers.is_empty())
        .collect()
}

/// Keys whose final value depends on which of two parallel branches (or
/// conversations) finishes last: as in SpiffWorkflow the last one wins, and
/// a branch redone after a reset finishes after the branches that were
/// kept. These keys are not compared after a reset.
const RACES: &[(&str, &[&str])] = &[
    ("parallel_nested_merge", &["winner"]),
    ("multiple_ends_completed", &["last"]),
    (
        "correlation_matching_instance",
        &["order_id", "item", "amount"],
    ),
    // The seller conversations end in reverse order; a redone one ends last.
    (
        "correlation_mi_collab",
        &["order_id", "loopCounter", "price"],
    ),
    // Both branches end; the one redone after a reset ends last.
    ("correlation_boundary_own", &["order_id"]),
    ("correlation_boundary_confirm", &["order_id"]),
    // Each pass through the loop answers `again`; the path that ends last
    // brings its answer.
    ("or_join_back_edge_each_token_activates_it", &["again"]),
];

fn races(case: &Case) -> &'static [&'static str] {
    RACES
        .iter()
        .find(|(n, _)| *n == case.name)
        .map_or(&[], |(_, k)| k)
}

// ----- outcomes ---------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    status: &'static str,
    /// The workflow data, when completed.
    data: Option<Value>,
    ready: Vec<String>,
    waiting: Vec<String>,
    /// How often each element completed.
    completed: BTreeMap<String, usize>,
    /// The error, up to what the instance waits for (which lists waits in
    /// task id order).
    error: Option<String>,
}

fn outcome(wf: &Workflow, error: Option<String>, skip: &[&str]) -> Outcome {
    let mut ready: Vec<String> = wf
        .ready_human_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect();
    ready.sort();
    let mut waiting: Vec<String> = wf
        .tasks_in_state(TaskState::Waiting)
        .map(|t| t.bpmn_id.to_string())
        .collect();
    waiting.sort();
    let mut completed = BTreeMap::new();
    for t in wf.tasks_in_state(TaskState::Completed) {
        *completed.entry(t.bpmn_id.to_string()).or_insert(0) += 1;
    }
    let data = wf.is_completed().then(|| {
        let mut d = wf.data().clone();
        for k in skip {
            d.shift_remove(k);
        }
        Value::from(d)
    });
    Outcome {
        status: match (&error, wf.is_completed()) {
            (Some(_), _) => "error",
            (None, true) => "completed",
            (None, false) => "waiting",
        },
        data,
        ready,
        waiting,
        completed,
        error: error.map(|e| e.split("; it waits for").next().unwrap_or("").to_string()),
    }
}

/// Not completed, no error, nothing ready and nothing awaited.
fn stuck(wf: &Workflow, error: &Option<String>) -> bool {
    error.is_none()
        && !wf.is_completed()
        && wf.ready_human_tasks().is_empty()
        && wf.waiting_events().is_empty()
}

// ----- running with answers ------------------------------------------

/// What one answer did in the uninterrupted run.
#[derive(Debug, Clone)]
struct Trace {
    /// Tasks the answer completed, fired or created.
    consumed: Vec<u32>,
    /// The clock after it.
    clock_after: Timestamp,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Task,
    Event,
    Advance,
}

/// Runs `case` from the start through answers `0..upto` (all when None),
/// recording what each answer did.
fn run_traced(case: &Case, upto: Option<usize>) -> (Workflow, Option<String>, Vec<Trace>) {
    let (mut wf, _) = start(case).unwrap();
    let mut traces = Vec::new();
    if let Err(e) = wf.run() {
        return (wf, Some(e.to_string()), traces);
    }
    for a in case.answers.iter().take(upto.unwrap_or(usize::MAX)) {
        let o = a.as_object().unwrap();
        let kind = if o.contains_key("task") {
            Kind::Task
        } else if o.contains_key("advance") {
            Kind::Advance
        } else {
            Kind::Event
        };
        let len_before = wf.tasks().map(|t| t.id.index() + 1).max().unwrap_or(0);
        let waiting_before: Vec<usize> = wf
            .tasks_in_state(TaskState::Waiting)
            .map(|t| t.id.index())
            .collect();
        let task_id = o
            .get("task")
            .and_then(Value::as_str)
            .and_then(|t| wf.ready_human_task(t));
        let r = apply(&mut wf, a);
        let mut consumed = Vec::new();
        match kind {
            Kind::Task => consumed.extend(task_id.map(|id| id.index() as u32)),
            Kind::Event => {
                for w in waiting_before {
                    if wf
                        .tasks()
                        .find(|t| t.id.index() == w)
                        .is_some_and(|t| t.state != TaskState::Waiting)
                    {
                        consumed.push(w as u32);
                    }
                }
                for t in wf.tasks() {
                    if t.id.index() >= len_before && t.state != TaskState::Waiting {
                        consumed.push(t.id.index() as u32);
                    }
                }
            }
            Kind::Advance => {}
        }
        let r = r.and_then(|()| wf.run().map_err(|e| e.to_string()));
        traces.push(Trace {
            consumed,
            clock_after: wf.now(),
            kind,
        });
        if let Err(e) = r {
            return (wf, Some(e), traces);
        }
    }
    // An event that only completed part of a parallel-multiple catch
    // belongs with the one that completed it.
    for i in 0..traces.len() {
        if traces[i].kind == Kind::Event
            && traces[i].consumed.is_empty()
            && let Some(next) = traces[i + 1..]
                .iter()
                .find(|t| t.kind == Kind::Event && !t.consumed.is_empty())
        {
            traces[i].consumed = next.consumed.clone();
        }
    }
    (wf, None, traces)
}

/// The answers that redo the work after a reset of an instance that had
/// been given the first `given` answers: each answer whose effect the reset
/// undid (its task is ready again or gone, its event's catch waits again or
/// is gone), then every answer not given yet; clock moves become moves to
/// where the clock was.
fn redo_answers(wf: &Workflow, case: &Case, traces: &[Trace], given: usize) -> Vec<Value> {
    let state = |id: u32| {
        wf.tasks()
            .find(|t| t.id.index() as u32 == id)
            .map(|t| t.state)
    };
    let mut clock = wf.now();
    let mut out = Vec::new();
    for (i, (a, tr)) in case.answers.iter().zip(traces).enumerate() {
        let needed = i >= given
            || match tr.kind {
                Kind::Task => tr
                    .consumed
                    .iter()
                    .any(|&c| matches!(state(c), None | Some(TaskState::Ready))),
                Kind::Event => {
                    tr.consumed.is_empty()
                        || tr
                            .consumed
                            .iter()
                            .any(|&c| matches!(state(c), None | Some(TaskState::Waiting)))
                }
                Kind::Advance => true,
            };
        if !needed {
            continue;
        }
        if tr.kind == Kind::Advance {
            if clock < tr.clock_after {
                let secs = tr.clock_after.as_second() - clock.as_second();
                out.push(json!({"advance": format!("PT{secs}S")}));
                clock = tr.clock_after;
            }
            continue;
        }
        out.push(a.clone());
    }
    out
}

/// Applies `answers` (running engine tasks before and after each).
fn drive(wf: &mut Workflow, answers: &[Value]) -> Option<String> {
    if let Err(e) = wf.run() {
        return Some(e.to_string());
    }
    for a in answers {
        if let Err(e) = apply(wf, a).and_then(|()| wf.run().map_err(|e| e.to_string())) {
            return Some(e);
        }
    }
    None
}

/// Every `step`-th of `v` when it is long (first and last included).
fn sample<T: Clone + PartialEq>(v: &[T], max: usize) -> Vec<T> {
    if v.len() <= max {
        return v.to_vec();
    }
    let step = v.len().div_ceil(max);
    let mut out: Vec<T> = v.iter().cloned().step_by(step).collect();
    if let Some(last) = v.last()
        && out.last() != Some(last)
    {
        out.push(last.clone());
    }
    out
}

fn failures_report(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ----- interrupt anywhere ------------------------------------------------

#[test]
fn interrupt_after_any_answer_save_load_and_resume_ends_the_same() {
    let t0 = Instant::now();
    let mut failures = Vec::new();
    let mut checks = 0;
    for case in subjects() {
        let (base, err, traces) = run_traced(&case, None);
        let expected = outcome(&base, err, &[]);
        for k in 0..=traces.len() {
            for how in ["json", "ron", "json-then-ron"] {
                let (mut wf, origin) = start(&case).unwrap();
                let stopped = drive(&mut wf, &case.answers[..k]);
                if stopped.is_some() {
                    continue;
                }
                let format = if how == "json" {
                    Format::Json
                } else {
                    Format::Ron
                };
                let bytes = if how == "json-then-ron" {
                    let json = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
                    let (again, o) = storage::load_bytes(&json, Format::Json).unwrap();
                    storage::save_bytes(&again, &o, Format::Ron).unwrap()
                } else {
                    storage::save_bytes(&wf, &origin, format).unwrap()
                };
                let (mut back, _) = match storage::load_bytes(&bytes, format) {
                    Ok(x) => x,
                    Err(e) => {
                        failures.push(format!("{} after {k} answers ({how}): {e}", case.name));
                        continue;
                    }
                };
                let err = drive(&mut back, &case.answers[k..]);
                let got = outcome(&back, err, &[]);
                checks += 1;
                if got != expected {
                    failures.push(format!(
                        "{} after {k} answers ({how}):\n   got      {got:?}\n   expected {expected:?}",
                        case.name
                    ));
                }
            }
        }
    }
    eprintln!(
        "interrupt anywhere: {checks} save/load/resume checks in {:.1?}",
        t0.elapsed()
    );
    failures_report("interrupt anywhere", &failures);
    assert!(checks > 400, "only {checks} checks");
}

// ----- reset and replay -----------------------------------------------

#[test]
fn reset_to_every_completed_task_and_redo_ends_like_the_uninterrupted_run() {
    let t0 = Instant::now();
    let mut failures = Vec::new();
    let mut checks = 0;
    for case in all_cases() {
        let (base, err, traces) = run_traced(&case, None);
        let skip = races(&case);
        let expected = outcome(&base, err, skip);
        // The finished (or stopped) instance, and the instance after each
        // answer.
        for given in (0..=traces.len()).rev() {
            let (at, _, _) = run_traced(&case, Some(given));
            let targets: Vec<u32> = at
                .tasks_in_state(TaskState::Completed)
                .map(|t| t.id.index() as u32)
                .collect();
            let per_point = if given == traces.len() { 200 } else { 40 };
            for t in sample(&targets, per_point) {
                let mut wf = at.clone();
                let id = wf.tasks().find(|x| x.id.index() as u32 == t).unwrap().id;
                let bpmn = wf.task(id).unwrap().bpmn_id.to_string();
                let what = format!(
                    "{} after {given} answers, reset to {bpmn} ({id})",
                    case.name
                );
                if let Err(e) = wf.reset(id, Data::new()) {
                    failures.push(format!("{what}: {e}"));
                    continue;
                }
                if let Err(e) = wf.check_invariants() {
                    failures.push(format!("{what}: inconsistent: {e}"));
                    continue;
                }
                let snap = wf.snapshot();
                let text = serde_json::to_string(&snap).unwrap();
                let back: bpmn_engine::runtime::InstanceSnapshot =
                    serde_json::from_str(&text).unwrap();
                match Workflow::restore(wf.specs().clone(), &back) {
                    Ok(r) if r.snapshot() == snap => {}
                    Ok(_) => failures.push(format!("{what}: does not save and load unchanged")),
                    Err(e) => failures.push(format!("{what}: does not load: {e}")),
                }
                let redo = redo_answers(&wf, &case, &traces, given);
                let err = drive(&mut wf, &redo);
                checks += 1;
                if stuck(&wf, &err) {
                    failures.push(format!("{what}: stuck"));
                    continue;
                }
                let got = outcome(&wf, err, skip);
                if got != expected {
                    failures.push(format!(
                        "{what}:\n   got      {got:?}\n   expected {expected:?}"
                    ));
                }
            }
        }
    }
    eprintln!(
        "reset and replay: {checks} resets redone in {:.1?}",
        t0.elapsed()
    );
    failures_report("reset and replay", &failures);
    assert!(checks > 1000, "only {checks} checks");
}

// ----- through the binary ----------------------------------------------

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").unwrap()
}

/// `bpmn run` for `case` with `answers`, saving to `save` when given;
/// returns the exit code and the `--json` output.
fn cli_run(case: &Case, dir: &Path, answers: &[Value], save: Option<&Path>) -> (i32, Value) {
    let a = dir.join("answers.json");
    std::fs::write(&a, serde_json::to_string(answers).unwrap()).unwrap();
    let mut cmd = bpmn();
    cmd.arg("run").arg("-b");
    for f in &case.files {
        cmd.arg(support::fixture(f));
    }
    if !case.dmn.is_empty() {
        cmd.arg("-d");
        for f in &case.dmn {
            cmd.arg(support::fixture(f));
        }
    }
    if let Some(d) = &case.dialect {
        cmd.args(["--dialect", d]);
    }
    match (&case.process, &case.collaboration) {
        (Some(p), _) => cmd.args(["-p", p]),
        (None, Some(c)) => cmd.args(["-c", c]),
        _ => unreachable!(),
    };
    if !case.data.is_empty() {
        cmd.args(["--data", &Value::Object(case.data.clone()).to_string()]);
    }
    if let Some(now) = &case.now {
        cmd.args(["--now", now]);
    }
    cmd.arg("--answers").arg(&a).arg("--json");
    if let Some(s) = save {
        cmd.arg("--save").arg(s);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), json_of(&out.stdout))
}

fn json_of(stdout: &[u8]) -> Value {
    serde_json::from_slice(stdout).unwrap_or(Value::Null)
}

/// What a `--json` run printed, for comparison: data only when completed,
/// race keys left out.
fn cli_outcome(code: i32, v: &Value, skip: &[&str]) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        if o.get("completed") != Some(&Value::Bool(true)) {
            o.remove("data");
        } else if let Some(Value::Object(d)) = o.get_mut("data") {
            for k in skip {
                d.shift_remove(*k);
            }
        }
        for key in ["ready", "waiting"] {
            if let Some(Value::Array(a)) = o.get_mut(key) {
                a.sort_by_key(|x| x.to_string());
            }
        }
        // Which answer failed depends on how many were given.
        if let Some(Value::String(e)) = o.get_mut("error") {
            let e2 = e.split("; it waits for").next().unwrap_or("");
            let e2 = match e2.split_once(": ") {
                Some((a, rest)) if a.starts_with("answer #") => rest,
                _ => e2,
            };
            *e = e2.to_string();
        }
    }
    json!({"code": code, "out": v})
}

#[test]
fn read_only_commands_and_a_resume_without_answers_change_nothing() {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut checks = 0;
    for (i, case) in subjects().into_iter().enumerate() {
        // Each case in one format (alternating).
        let ext = if i % 2 == 0 { "json" } else { "ron" };
        let state = dir.path().join(format!("s{i}.{ext}"));
        let half = case.answers.len() / 2;
        cli_run(&case, dir.path(), &case.answers[..half], Some(&state));
        let Ok(before) = std::fs::read(&state) else {
            failures.push(format!("{}: no state saved", case.name));
            continue;
        };
        let commands: &[&[&str]] = &[
            &["tasks"],
            &["tasks", "--json"],
            &["tasks", "--state", "future"],
            &["data"],
            &["data", "--json"],
            &["events"],
        ];
        for c in commands {
            let mut cmd = bpmn();
            cmd.arg(c[0]).arg(&state).args(&c[1..]);
            cmd.output().unwrap();
            checks += 1;
            if std::fs::read(&state).unwrap() != before {
                failures.push(format!(
                    "{}: `bpmn {}` changed the file",
                    case.name,
                    c.join(" ")
                ));
            }
        }
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, "[]").unwrap();
        bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--answers")
            .arg(&empty)
            .output()
            .unwrap();
        checks += 1;
        if std::fs::read(&state).unwrap() != before {
            failures.push(format!(
                "{}: a resume without answers changed the file",
                case.name
            ));
        }
    }
    eprintln!(
        "read-only commands: {checks} commands on saved states in {:.1?}",
        t0.elapsed()
    );
    failures_report("read-only commands", &failures);
    assert!(checks > 500, "only {checks} checks");
}

#[test]
fn interrupt_and_reset_from_the_shell_end_like_the_uninterrupted_run() {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let (mut resumes, mut resets) = (0, 0);
    for (i, case) in subjects().into_iter().enumerate() {
        let skip = races(&case);
        let (code, out) = cli_run(&case, dir.path(), &case.answers, None);
        let expected = cli_outcome(code, &out, &[]);
        let expected_after_reset = cli_outcome(code, &out, skip);
        let (_, _, traces) = run_traced(&case, None);
        let given = traces.len();
        // Interrupted halfway, resumed with the rest.
        let ext = if i % 2 == 0 { "json" } else { "ron" };
        let state = dir.path().join(format!("s{i}.{ext}"));
        let half = given / 2;
        cli_run(&case, dir.path(), &case.answers[..half], Some(&state));
        let rest = dir.path().join("rest.json");
        std::fs::write(
            &rest,
            serde_json::to_string(&case.answers[half..given]).unwrap(),
        )
        .unwrap();
        let o = bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--answers")
            .arg(&rest)
            .arg("--json")
            .output()
            .unwrap();
        resumes += 1;
        let got = cli_outcome(o.status.code().unwrap_or(-1), &json_of(&o.stdout), &[]);
        if got != expected {
            failures.push(format!(
                "{} resumed after {half} answers:\n   got      {got}\n   expected {expected}",
                case.name
            ));
        }
        // Reset a finished run to a few completed tasks, redo from the shell.
        let full = dir.path().join(format!("f{i}.{ext}"));
        cli_run(&case, dir.path(), &case.answers[..given], Some(&full));
        let Ok((saved, _)) = storage::load(&full) else {
            continue;
        };
        let targets: Vec<String> = saved
            .tasks_in_state(TaskState::Completed)
            .map(|t| t.id.to_string())
            .collect();
        for id in sample(&targets, 3) {
            let s = dir.path().join(format!("r{i}.{ext}"));
            std::fs::copy(&full, &s).unwrap();
            let o = bpmn()
                .arg("reset")
                .arg(&s)
                .args(["--task", &id])
                .output()
                .unwrap();
            if !o.status.success() {
                failures.push(format!(
                    "{}: bpmn reset --task {id}: {}",
                    case.name,
                    String::from_utf8_lossy(&o.stderr)
                ));
                continue;
            }
            let (after, _): (Workflow, Origin) = storage::load(&s).unwrap();
            let redo = redo_answers(&after, &case, &traces, given);
            let r = dir.path().join("redo.json");
            std::fs::write(&r, serde_json::to_string(&redo).unwrap()).unwrap();
            let o = bpmn()
                .arg("resume")
                .arg(&s)
                .arg("--answers")
                .arg(&r)
                .arg("--json")
                .output()
                .unwrap();
            resets += 1;
            let got = cli_outcome(o.status.code().unwrap_or(-1), &json_of(&o.stdout), skip);
            if got != expected_after_reset {
                failures.push(format!(
                    "{} reset to {id} and redone:\n   got      {got}\n   expected {expected_after_reset}",
                    case.name
                ));
            }
        }
    }
    eprintln!(
        "from the shell: {resumes} interrupted runs resumed, {resets} resets redone, in {:.1?}",
        t0.elapsed()
    );
    failures_report("from the shell", &failures);
    assert!(resets > 100, "only {resets} resets");
}

/// What a store keeps per save without reading the history — whether a
/// task failed (`Workflow::has_error`, O(live tasks)), when the next timer
/// is due (`Workflow::next_timer`, from the timer index) and whether engine
/// work is pending — agrees with a scan of every task and wait, at the end
/// of every case.
#[test]
fn the_due_time_and_status_a_store_keeps_agree_with_a_full_scan() {
    let mut checked = 0;
    for case in all_cases() {
        let Ok((wf, error)) = support::run(&case) else {
            continue;
        };
        let scanned_error = wf.tasks().any(|t| t.state == TaskState::Error);
        assert_eq!(wf.has_error(), scanned_error, "{}: has_error", case.name);
        let scanned_due = wf.waiting_events().iter().filter_map(|w| w.due).min();
        assert_eq!(wf.next_timer(), scanned_due, "{}: next_timer", case.name);
        if error.is_none() {
            assert!(
                !wf.has_engine_work(),
                "{}: a finished run leaves no work",
                case.name
            );
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} cases ran");
}
