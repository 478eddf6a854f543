//! Save, restore, continue: for every fixture case and every point in its
//! run (after each engine step or answer), in JSON and in RON, the restored
//! instance ends exactly like the uninterrupted run — same final data, same
//! task order, same ready tasks, same error.

mod support;

use std::sync::Arc;

use bpmn_runner::storage::{self, Format, Origin};
use bpmn_runner::{CompleteError, Specs, Workflow};
use support::{AnswerItem, Case, cases, fixture};

#[derive(Debug, PartialEq)]
struct Outcome {
    completed: bool,
    data: serde_json::Value,
    order: Vec<String>,
    ready: Vec<String>,
    error: Option<String>,
}

/// Drives `wf` from answer `next` on, one engine step (or answer) at a
/// time; stops after `stop_at` steps if given. Returns the next answer index
/// and the error, if any.
fn drive(
    wf: &mut Workflow,
    answers: &[AnswerItem],
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
                let Some(id) = wf.ready_human_task(&a.task) else {
                    return (
                        next,
                        Some(format!("answer for {} not ready", a.task)),
                        false,
                    );
                };
                next += 1;
                steps += 1;
                match wf.complete_task(id, a.data.clone()) {
                    Ok(()) => {}
                    Err(CompleteError::Workflow(e)) => return (next, Some(e.to_string()), false),
                    Err(CompleteError::Task(e)) => return (next, Some(e.to_string()), false),
                }
            }
            Err(e) => return (next, Some(e.to_string()), false),
        }
    }
}

fn outcome(wf: &Workflow, error: Option<String>) -> Outcome {
    Outcome {
        completed: wf.is_completed(),
        data: serde_json::Value::Object(if wf.is_completed() {
            wf.data().clone()
        } else {
            wf.last_task_data().clone()
        }),
        order: wf
            .completed_tasks()
            .map(|t| t.bpmn_id.to_string())
            .collect(),
        ready: wf
            .ready_human_tasks()
            .iter()
            .map(|t| t.bpmn_id.to_string())
            .collect(),
        error,
    }
}

fn start(specs: &Arc<Specs>, case: &Case) -> (Workflow, Origin) {
    match (&case.process, &case.collaboration) {
        (Some(p), _) => (
            specs.start(p, case.data.clone()).unwrap(),
            Origin::Process(p.clone()),
        ),
        (None, Some(c)) => (
            specs.start_collaboration(c, case.data.clone()).unwrap(),
            Origin::Collaboration(c.clone()),
        ),
        _ => unreachable!(),
    }
}

#[test]
fn every_case_continues_identically_from_every_saved_point() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
        let specs = Specs::load(&files);
        let (mut base, origin) = start(&specs, &case);
        let mut steps = 0;
        let (_, base_err, _) = {
            // Count the steps of the uninterrupted run.
            let (mut probe, _) = start(&specs, &case);
            loop {
                let (_, e, paused) = drive(&mut probe, &case.answers, 0, Some(steps + 1));
                if !paused {
                    break (0, e, false);
                }
                steps += 1;
                let (p2, _) = start(&specs, &case);
                probe = p2;
            }
        };
        let (_, e, _) = drive(&mut base, &case.answers, 0, None);
        assert_eq!(e, base_err, "{}", case.name);
        let expected = outcome(&base, e);
        // Every point for short runs; a sample for long loops.
        let points: Vec<usize> = if steps <= 120 {
            (0..=steps).collect()
        } else {
            (0..=steps)
                .filter(|p| *p < 40 || p % 97 == 0 || *p + 5 > steps)
                .collect()
        };
        for &p in &points {
            for format in [Format::Json, Format::Ron] {
                let (mut wf, _) = start(&specs, &case);
                let (next, err, paused) = drive(&mut wf, &case.answers, 0, Some(p));
                if !paused {
                    assert_eq!(err, expected.error, "{}", case.name);
                    continue;
                }
                let bytes = storage::save_bytes(&wf, &origin, format).unwrap();
                let (mut restored, o) = match storage::load_bytes(&bytes, format) {
                    Ok(x) => x,
                    Err(e) => {
                        failures.push(format!(
                            "{} at step {p} ({format:?}): load failed: {e}",
                            case.name
                        ));
                        continue;
                    }
                };
                assert_eq!(o, origin);
                let (_, err, _) = drive(&mut restored, &case.answers, next, None);
                let got = outcome(&restored, err);
                if got != expected {
                    failures.push(format!(
                        "{} at step {p} ({format:?}):\n  got      {got:?}\n  expected {expected:?}",
                        case.name
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 500, "only {checked} save points checked");
}
