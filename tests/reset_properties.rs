//! Exploratory: reset to every completed record of every case, redo.

mod support;

use std::collections::BTreeMap;

use bpmn_runner::{Data, TaskState, Workflow};
use serde_json::Value;
use support::{Case, apply, cases, event_cases, start};

#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    status: String,
    data: Option<Value>,
    ready: Vec<String>,
    waiting: Vec<String>,
    completed: BTreeMap<String, usize>,
    error: Option<String>,
}

fn outcome(wf: &Workflow, error: Option<String>) -> Outcome {
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
    Outcome {
        status: match (&error, wf.is_completed()) {
            (Some(_), _) => "error".into(),
            (None, true) => "completed".into(),
            (None, false) => "waiting".into(),
        },
        data: wf.is_completed().then(|| Value::Object(wf.data().clone())),
        ready,
        waiting,
        completed,
        error,
    }
}

/// What one answer did in the original run.
#[derive(Debug, Clone)]
struct Trace {
    /// Records the answer completed or made fire (or created).
    consumed: Vec<u32>,
    clock_after: jiff::Timestamp,
    is_task: bool,
    is_advance: bool,
}

fn run_traced(case: &Case) -> (Workflow, Option<String>, Vec<Trace>) {
    let (mut wf, _) = start(case).unwrap();
    let mut traces = Vec::new();
    if let Err(e) = wf.run() {
        return (wf, Some(e.to_string()), traces);
    }
    for a in &case.answers {
        let o = a.as_object().unwrap();
        let len_before = wf.tasks().map(|t| t.id.index()).max().map_or(0, |m| m + 1);
        let waiting_before: Vec<u32> = wf
            .tasks_in_state(TaskState::Waiting)
            .map(|t| t.id.index() as u32)
            .collect();
        let task_id = o
            .get("task")
            .and_then(Value::as_str)
            .and_then(|t| wf.ready_human_task(t));
        let r = apply(&mut wf, a);
        let mut consumed = Vec::new();
        if let Some(id) = task_id {
            consumed.push(id.index() as u32);
        } else if !o.contains_key("advance") {
            for w in waiting_before {
                if wf
                    .tasks()
                    .find(|t| t.id.index() as u32 == w)
                    .is_some_and(|t| t.state != TaskState::Waiting)
                {
                    consumed.push(w);
                }
            }
            for t in wf.tasks() {
                if t.id.index() >= len_before && t.state != TaskState::Waiting {
                    consumed.push(t.id.index() as u32);
                }
            }
        }
        let r = r.and_then(|()| wf.run().map_err(|e| e.to_string()));
        traces.push(Trace {
            consumed,
            clock_after: wf.now(),
            is_task: task_id.is_some(),
            is_advance: o.contains_key("advance"),
        });
        if let Err(e) = r {
            return (wf, Some(e), traces);
        }
    }
    // An event that only completed part of a parallel-multiple catch
    // belongs with the one that completed it.
    for i in 0..traces.len() {
        if !traces[i].is_task && !traces[i].is_advance && traces[i].consumed.is_empty() {
            if let Some(next) = traces[i + 1..]
                .iter()
                .find(|t| !t.is_task && !t.is_advance && !t.consumed.is_empty())
            {
                traces[i].consumed = next.consumed.clone();
            }
        }
    }
    (wf, None, traces)
}

fn present(wf: &Workflow, id: u32) -> Option<TaskState> {
    wf.tasks()
        .find(|t| t.id.index() as u32 == id)
        .map(|t| t.state)
}

/// Redo after a reset: every answer whose effect the reset undid is given again.
fn redo(wf: &mut Workflow, case: &Case, traces: &[Trace]) -> Option<String> {
    if let Err(e) = wf.run() {
        return Some(e.to_string());
    }
    for (a, tr) in case.answers.iter().zip(traces) {
        let needed = if tr.is_advance {
            wf.now() < tr.clock_after
        } else if tr.is_task {
            tr.consumed
                .iter()
                .any(|&c| matches!(present(wf, c), None | Some(TaskState::Ready)))
        } else {
            tr.consumed.is_empty()
                || tr
                    .consumed
                    .iter()
                    .any(|&c| matches!(present(wf, c), None | Some(TaskState::Waiting)))
        };
        if !needed {
            continue;
        }
        let r = if tr.is_advance {
            let now = wf.now();
            wf.set_now(tr.clock_after.max(now));
            Ok(())
        } else {
            apply(wf, a)
        };
        if let Err(e) = r.and_then(|()| wf.run().map_err(|e| e.to_string())) {
            return Some(e);
        }
    }
    None
}

#[test]
fn reset_to_every_completed_record_and_redo() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases().into_iter().chain(event_cases()) {
        let (base, err, traces) = run_traced(&case);
        let expected = outcome(&base, err.clone());
        let targets: Vec<u32> = base
            .tasks_in_state(TaskState::Completed)
            .map(|t| t.id.index() as u32)
            .collect();
        let targets: Vec<u32> = if targets.len() > 60 {
            targets
                .iter()
                .copied()
                .enumerate()
                .filter(|(i, _)| i % (targets.len() / 30) == 0)
                .map(|(_, t)| t)
                .collect()
        } else {
            targets
        };
        for t in targets {
            let mut wf = base.clone();
            let id = wf.tasks().find(|x| x.id.index() as u32 == t).unwrap().id;
            let bpmn = wf.task(id).unwrap().bpmn_id.to_string();
            if let Err(e) = wf.reset(id, Data::new()) {
                failures.push(format!("{} reset to {bpmn} ({t}): {e}", case.name));
                continue;
            }
            let snap = wf.snapshot();
            if let Err(e) = Workflow::restore(wf.specs().clone(), &snap) {
                failures.push(format!(
                    "{} reset to {bpmn} ({t}): state does not restore: {e}",
                    case.name
                ));
                continue;
            }
            let e = redo(&mut wf, &case, &traces);
            let got = outcome(&wf, e);
            checked += 1;
            if got != expected {
                failures.push(format!(
                    "{} reset to {bpmn} ({t}):\n   got      {got:?}\n   expected {expected:?}",
                    case.name
                ));
            }
        }
    }
    eprintln!("{checked} resets checked, {} failures", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
