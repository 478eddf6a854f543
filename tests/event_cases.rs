//! Runs every case of `tests/fixtures/bpmn/event_cases.json` (events,
//! timers on a virtual clock, messages and signals from outside) through the
//! library and through the built binary, and each one through save/restore
//! at every step.

mod support;

use std::collections::BTreeMap;

use assert_cmd::Command;
use bpmn_runner::storage::{self, Format, Origin};
use bpmn_runner::{CompleteError, Specs, Workflow};
use serde::Deserialize;
use serde_json::{Map, Value};
use support::fixture;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    files: Vec<String>,
    process: Option<String>,
    collaboration: Option<String>,
    #[serde(default)]
    data: Map<String, Value>,
    now: Option<String>,
    #[serde(default)]
    answers: Vec<Value>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
struct Expect {
    status: String,
    data: Option<Map<String, Value>>,
    ready: Option<Vec<String>>,
    waiting: Option<Vec<String>>,
    order: Option<Vec<String>>,
    #[serde(default)]
    before: Vec<(String, String)>,
    #[serde(default)]
    counts: BTreeMap<String, usize>,
    #[serde(default)]
    states: BTreeMap<String, String>,
    #[serde(default)]
    error_contains: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixture("event_cases.json")).expect("event_cases.json");
    serde_json::from_str(&text).expect("event_cases.json parses")
}

fn start(case: &Case) -> Result<(Workflow, Origin), String> {
    let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
    let specs = Specs::load(&files);
    let (wf, origin) = match (&case.process, &case.collaboration) {
        (Some(p), _) => (
            specs.start(p, case.data.clone()),
            Origin::Process(p.clone()),
        ),
        (None, Some(c)) => (
            specs.start_collaboration(c, case.data.clone()),
            Origin::Collaboration(c.clone()),
        ),
        _ => return Err("no process or collaboration".into()),
    };
    let mut wf = wf.map_err(|e| format!("start: {e}"))?;
    if let Some(now) = &case.now {
        wf.set_now(now.parse().map_err(|e| format!("now: {e}"))?);
    }
    Ok((wf, origin))
}

/// Applies answer `a`; Err is a workflow error (or a bad answer).
fn apply(wf: &mut Workflow, a: &Value) -> Result<(), String> {
    let o = a.as_object().ok_or("answer is not an object")?;
    if let Some(by) = o.get("advance").and_then(Value::as_str) {
        return wf.advance(by).map_err(|e| e.to_string());
    }
    let payload = o.get("payload").cloned().unwrap_or(Value::Null);
    if let Some(m) = o.get("message").and_then(Value::as_str) {
        return wf.send_message(m, payload).map_err(|e| e.to_string());
    }
    if let Some(s) = o.get("signal").and_then(Value::as_str) {
        return wf.send_signal(s, payload).map_err(|e| e.to_string());
    }
    let task = o
        .get("task")
        .and_then(Value::as_str)
        .ok_or("answer without task")?;
    let data = o
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let id = wf
        .ready_human_task(task)
        .ok_or_else(|| format!("answer for {task}, which is not ready"))?;
    match wf.complete_task(id, data) {
        Ok(()) => Ok(()),
        Err(CompleteError::Workflow(e)) => Err(e.to_string()),
        Err(CompleteError::Task(e)) => Err(e.to_string()),
    }
}

/// Drives from answer `next`, one engine step or answer at a time; pauses
/// after `stop_at` steps.
fn drive(
    wf: &mut Workflow,
    answers: &[Value],
    mut next: usize,
    stop_at: Option<usize>,
) -> (usize, Option<String>, bool) {
    let mut steps = 0;
    loop {
        if Some(steps) == stop_at {
            return (next, None, true);
        }
        match wf.run_one() {
            Ok(true) => steps += 1,
            Ok(false) => {
                let Some(a) = answers.get(next) else {
                    return (next, None, false);
                };
                next += 1;
                steps += 1;
                if let Err(e) = apply(wf, a) {
                    return (next, Some(e), false);
                }
            }
            Err(e) => return (next, Some(e.to_string()), false),
        }
    }
}

fn check(case: &Case, wf: &Workflow, error: Option<String>) -> Vec<String> {
    let e = &case.expect;
    let mut problems = Vec::new();
    let status = match (&error, wf.is_completed()) {
        (Some(_), _) => "workflow_error",
        (None, true) => "completed",
        (None, false) => "waiting",
    };
    if status != e.status {
        problems.push(format!(
            "status {status} (error {error:?}), expected {}",
            e.status
        ));
    }
    if let Some(d) = &e.data {
        let actual = if wf.is_completed() {
            wf.data()
        } else {
            wf.last_task_data()
        };
        if actual != d {
            problems.push(format!(
                "data {} expected {}",
                Value::Object(actual.clone()),
                Value::Object(d.clone())
            ));
        }
    }
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    if let Some(r) = &e.ready {
        let got = sorted(
            wf.ready_human_tasks()
                .iter()
                .map(|t| t.bpmn_id.to_string())
                .collect(),
        );
        if got != sorted(r.clone()) {
            problems.push(format!("ready {got:?} expected {r:?}"));
        }
    }
    if let Some(w) = &e.waiting {
        let got = sorted(
            wf.waiting_tasks()
                .iter()
                .map(|t| t.bpmn_id.to_string())
                .collect(),
        );
        if got != sorted(w.clone()) {
            problems.push(format!("waiting {got:?} expected {w:?}"));
        }
    }
    let completed: Vec<(String, String)> = wf
        .completed_tasks()
        .map(|t| (t.bpmn_id.to_string(), t.kind.to_string()))
        .collect();
    if let Some(order) = &e.order {
        let got: Vec<&str> = completed
            .iter()
            .filter(|(_, k)| !k.ends_with("Event") && !k.ends_with("Gateway"))
            .map(|(id, _)| id.as_str())
            .collect();
        if got != order.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!("order {got:?} expected {order:?}"));
        }
    }
    for (a, b) in &e.before {
        let pa = completed.iter().position(|(id, _)| id == a);
        let pb = completed.iter().position(|(id, _)| id == b);
        if !matches!((pa, pb), (Some(x), Some(y)) if x < y) {
            problems.push(format!("{a} should complete before {b}"));
        }
    }
    for (id, n) in &e.counts {
        let got = completed.iter().filter(|(x, _)| x == id).count();
        if got != *n {
            problems.push(format!("{id} completed {got} times, expected {n}"));
        }
    }
    for (id, state) in &e.states {
        let got = wf
            .tasks()
            .filter(|t| t.bpmn_id == id)
            .last()
            .map(|t| t.state.to_string());
        if got.as_deref() != Some(state.as_str()) {
            problems.push(format!("{id} state {got:?} expected {state}"));
        }
    }
    for s in &e.error_contains {
        if !error.as_deref().unwrap_or("").contains(s.as_str()) {
            problems.push(format!("error {error:?} lacks {s:?}"));
        }
    }
    problems
}

#[test]
fn every_event_case_runs_as_expected_and_survives_save_restore() {
    let cases = cases();
    assert!(cases.len() >= 20, "only {} event cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (mut wf, origin) = match start(case) {
            Ok(x) => x,
            Err(e) => {
                failures.push(format!("{}: {e}", case.name));
                continue;
            }
        };
        let (_, err, _) = drive(&mut wf, &case.answers, 0, None);
        let problems = check(case, &wf, err.clone());
        if !problems.is_empty() {
            failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
            continue;
        }
        // Save and restore at every step, in both formats: same outcome.
        let total = wf.completed_tasks().count() + case.answers.len() + 4;
        for p in 0..total {
            for format in [Format::Json, Format::Ron] {
                let (mut a, _) = start(case).unwrap();
                let (next, e, paused) = drive(&mut a, &case.answers, 0, Some(p));
                if !paused {
                    let _ = e;
                    continue;
                }
                let bytes = storage::save_bytes(&a, &origin, format).unwrap();
                let (mut b, _) = match storage::load_bytes(&bytes, format) {
                    Ok(x) => x,
                    Err(e) => {
                        failures.push(format!(
                            "{} step {p} {format:?}: restore failed: {e}",
                            case.name
                        ));
                        continue;
                    }
                };
                let (_, e2, _) = drive(&mut b, &case.answers, next, None);
                let problems = check(case, &b, e2);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} after restore at step {p} ({format:?}):\n    {}",
                        case.name,
                        problems.join("\n    ")
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_event_case_honours_the_cli_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let answers = dir.path().join(format!("a{i}.json"));
        std::fs::write(&answers, Value::Array(case.answers.clone()).to_string()).unwrap();
        let mut cmd = Command::cargo_bin("bpmn").unwrap();
        cmd.arg("run").arg("-b");
        for f in &case.files {
            cmd.arg(fixture(f));
        }
        match (&case.process, &case.collaboration) {
            (Some(p), _) => cmd.args(["-p", p]),
            (None, Some(c)) => cmd.args(["-c", c]),
            _ => unreachable!(),
        };
        if let Some(now) = &case.now {
            cmd.args(["--now", now]);
        }
        cmd.arg("--data")
            .arg(Value::Object(case.data.clone()).to_string());
        cmd.arg("--answers").arg(&answers).arg("--json");
        let out = cmd.output().unwrap();
        let want = match case.expect.status.as_str() {
            "completed" => 0,
            "waiting" => 4,
            _ => 3,
        };
        if out.status.code() != Some(want) {
            failures.push(format!(
                "{}: exit {:?} expected {want}: {}",
                case.name,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        if let Some(d) = &case.expect.data {
            if v["data"] != Value::Object(d.clone()) {
                failures.push(format!(
                    "{}: data {} expected {}",
                    case.name,
                    v["data"],
                    Value::Object(d.clone())
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
