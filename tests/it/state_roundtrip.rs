//! Save, restore, continue: for every fixture case and every point in its
//! run (after each engine step or answer), in JSON and in RON, the restored
//! instance ends exactly like the uninterrupted run — same final data, same
//! task order, same ready tasks, same error.

use crate::support;

use bpmn_engine::Workflow;
use bpmn_engine::storage::{self, Format};
use support::{Case, cases, drive, start};

#[derive(Debug, PartialEq)]
struct Outcome {
    completed: bool,
    data: serde_json::Value,
    order: Vec<String>,
    ready: Vec<String>,
    error: Option<String>,
}

fn outcome(wf: &Workflow, error: Option<String>) -> Outcome {
    Outcome {
        completed: wf.is_completed(),
        data: if wf.is_completed() {
            wf.data().to_json()
        } else {
            wf.last_task_data().to_json()
        },
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

/// Number of steps (engine steps and answers) of the uninterrupted run.
fn steps_of(case: &Case) -> usize {
    let mut n = 0;
    loop {
        let (mut wf, _) = start(case).unwrap();
        let (_, _, paused) = drive(&mut wf, &case.answers, 0, Some(n + 1));
        if !paused {
            return n;
        }
        n += 1;
    }
}

#[test]
fn every_case_continues_identically_from_every_saved_point() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases() {
        let (mut base, origin) = start(&case).unwrap();
        let (_, e, _) = drive(&mut base, &case.answers, 0, None);
        let expected = outcome(&base, e);
        let steps = steps_of(&case);
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
                let (mut wf, _) = start(&case).unwrap();
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
