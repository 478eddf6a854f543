//! Runs every case of `tests/fixtures/bpmn/event_cases.json` (events,
//! timers on a virtual clock, messages and signals from outside) through the
//! library and through the built binary, and each one through save/restore
//! at every step.

use crate::support;

use assert_cmd::Command;
use bpmn_engine::storage::{self, Format};
use serde_json::Value;
use support::{check, drive, event_cases as cases, fixture, start};

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
