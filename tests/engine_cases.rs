//! Runs every case of `tests/fixtures/bpmn/cases.json` through the library
//! API and checks final status, data, ready tasks, task order, counts and
//! states.

mod support;

use std::collections::BTreeMap;

use bpmn_runner::{CompleteError, Specs, Workflow};
use support::{Case, cases, fixture};

fn run_case(case: &Case) -> Result<(), String> {
    let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
    let specs = Specs::load(&files);
    let started = match (&case.process, &case.collaboration) {
        (Some(p), _) => specs.start(p, case.data.clone()),
        (None, Some(c)) => specs.start_collaboration(c, case.data.clone()),
        _ => return Err("case names neither process nor collaboration".into()),
    };
    let mut wf = started.map_err(|e| format!("start failed: {e}"))?;
    let mut error: Option<String> = None;
    if let Err(e) = wf.run() {
        error = Some(e.to_string());
    }
    if error.is_none() {
        for a in &case.answers {
            let Some(id) = wf.ready_human_task(&a.task) else {
                let ready: Vec<_> = wf
                    .ready_human_tasks()
                    .iter()
                    .map(|t| t.bpmn_id.to_string())
                    .collect();
                return Err(format!("answer for {} but ready = {ready:?}", a.task));
            };
            match wf.complete_task(id, a.data.clone()) {
                Ok(()) => {}
                Err(CompleteError::Workflow(e)) => {
                    error = Some(e.to_string());
                    break;
                }
                Err(CompleteError::Task(e)) => return Err(e.to_string()),
            }
            if let Err(e) = wf.run() {
                error = Some(e.to_string());
                break;
            }
        }
    }
    check(case, &wf, error)
}

fn check(case: &Case, wf: &Workflow, error: Option<String>) -> Result<(), String> {
    let e = &case.expect;
    let status = match (&error, wf.is_completed()) {
        (Some(_), _) => "workflow_error",
        (None, true) => "completed",
        (None, false) => "waiting",
    };
    let mut problems = Vec::new();
    if status != e.status {
        problems.push(format!(
            "status {status} (error: {error:?}), expected {}",
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
                "data {}\n      expected {}",
                serde_json::Value::Object(actual.clone()),
                serde_json::Value::Object(d.clone())
            ));
        }
    }
    if let Some(r) = &e.ready {
        let mut actual: Vec<String> = wf
            .ready_human_tasks()
            .iter()
            .map(|t| t.bpmn_id.to_string())
            .collect();
        actual.sort();
        let mut want = r.clone();
        want.sort();
        if actual != want {
            problems.push(format!("ready {actual:?}, expected {want:?}"));
        }
    }
    let completed: Vec<(String, bool)> = wf
        .completed_tasks()
        .map(|t| {
            let activity = !t.kind.ends_with("Event") && !t.kind.ends_with("Gateway");
            (t.bpmn_id.to_string(), activity)
        })
        .collect();
    if let Some(order) = &e.order {
        let actual: Vec<&str> = completed
            .iter()
            .filter(|(_, a)| *a)
            .map(|(id, _)| id.as_str())
            .collect();
        if actual != order.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!("order {actual:?}, expected {order:?}"));
        }
    }
    for (a, b) in &e.before {
        let pa = completed.iter().position(|(id, _)| id == a);
        let pb = completed.iter().position(|(id, _)| id == b);
        match (pa, pb) {
            (Some(x), Some(y)) if x < y => {}
            _ => problems.push(format!("{a} should complete before {b} ({pa:?} vs {pb:?})")),
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, _) in &completed {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    for (id, n) in &e.counts {
        let actual = counts.get(id.as_str()).copied().unwrap_or(0);
        if actual != *n {
            problems.push(format!("{id} completed {actual} times, expected {n}"));
        }
    }
    for (id, state) in &e.states {
        let latest = wf
            .tasks()
            .filter(|t| t.bpmn_id == id)
            .last()
            .map(|t| t.state.to_string());
        if latest.as_deref() != Some(state.as_str()) {
            problems.push(format!("{id} state {latest:?}, expected {state}"));
        }
    }
    for s in &e.error_contains {
        if !error.as_deref().unwrap_or("").contains(s.as_str()) {
            problems.push(format!("error {error:?} should contain {s:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

#[test]
fn every_fixture_case_runs_as_expected() {
    let cases = cases();
    assert!(cases.len() >= 40, "cases.json holds {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(e) = run_case(case) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}
