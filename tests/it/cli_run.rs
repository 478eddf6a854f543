//! End-to-end tests of the `bpmn run` contract, running the built binary:
//! answers files, `--json`, exit codes and error lines.

use crate::support;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::{cases, fixture};

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

#[test]
fn every_fixture_case_honours_the_run_contract() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let answers = dir.path().join(format!("answers{i}.json"));
        std::fs::write(&answers, serde_json::to_string(&case.answers).unwrap()).unwrap();
        let mut cmd = bpmn();
        cmd.arg("run").arg("-b");
        for f in &case.files {
            cmd.arg(fixture(f));
        }
        match (&case.process, &case.collaboration) {
            (Some(p), _) => cmd.args(["-p", p]),
            (None, Some(c)) => cmd.args(["-c", c]),
            _ => unreachable!(),
        };
        cmd.arg("--data")
            .arg(Value::Object(case.data.clone()).to_string());
        cmd.arg("--answers").arg(&answers).arg("--json");
        let out = cmd.output().unwrap();
        let code = out.status.code();
        let stdout: Value = match serde_json::from_slice(&out.stdout) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{}: stdout is not one JSON object ({e}): {:?}",
                    case.name, out
                ));
                continue;
            }
        };
        let e = &case.expect;
        let want_code = match e.status.as_str() {
            "completed" => 0,
            "waiting" => 4,
            _ => 3,
        };
        if code != Some(want_code) {
            failures.push(format!(
                "{}: exit {code:?}, expected {want_code}; stderr {}",
                case.name,
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        if stdout["completed"] != json!(e.status == "completed") {
            failures.push(format!(
                "{}: completed = {}",
                case.name, stdout["completed"]
            ));
        }
        if let Some(d) = &e.data
            && stdout["data"] != Value::Object(d.clone())
        {
            failures.push(format!(
                "{}: data {} expected {}",
                case.name,
                stdout["data"],
                Value::Object(d.clone())
            ));
        }
        if let Some(r) = &e.ready {
            let mut got: Vec<String> = serde_json::from_value(stdout["ready"].clone()).unwrap();
            got.sort();
            let mut want = r.clone();
            want.sort();
            if got != want {
                failures.push(format!("{}: ready {got:?} expected {want:?}", case.name));
            }
        }
        if want_code == 3 {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let first = stderr.lines().next().unwrap_or("");
            if !first.starts_with("error: ")
                || !e.error_contains.iter().all(|s| first.contains(s.as_str()))
            {
                failures.push(format!(
                    "{}: first stderr line {first:?} lacks {:?}",
                    case.name, e.error_contains
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_answer_for_a_task_that_is_not_ready_lists_the_ready_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.json");
    std::fs::write(&answers, r#"[{"task": "Task_Final"}]"#).unwrap();
    let out = bpmn()
        .args(["run", "-b"])
        .arg(fixture("sequence.bpmn"))
        .args([
            "-p",
            "Process_Sequence",
            "--data",
            r#"{"price": 1, "qty": 2}"#,
            "--answers",
        ])
        .arg(&answers)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .lines()
            .next()
            .unwrap()
            .contains("`Task_Final`, which is not a ready human task; ready: Task_Confirm"),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2_with_one_clear_line() {
    let seq = fixture("sequence.bpmn");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["-p", "Nope"], "no process or collaboration `Nope`"),
        (
            vec!["-p", "Process_Sequence", "--data", "[1]"],
            "--data must be a JSON object",
        ),
        (
            vec!["-p", "Process_Sequence", "--data", "{"],
            "--data is not valid JSON",
        ),
        (
            vec!["-c", "Collab_Missing"],
            "no process or collaboration `Collab_Missing`",
        ),
    ];
    for (args, msg) in cases {
        let out = bpmn()
            .args(["run", "-b"])
            .arg(&seq)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.contains(msg),
            "{args:?}: {stderr}"
        );
    }
    let out = bpmn().args(["run", "-b"]).arg(&seq).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "neither -p nor -c");
}

#[test]
fn answers_file_errors_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("a.json");
    std::fs::write(&answers, r#"[{"task": 5}]"#).unwrap();
    bpmn()
        .args(["run", "-b"])
        .arg(fixture("sequence.bpmn"))
        .args(["-p", "Process_Sequence", "--answers"])
        .arg(&answers)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "answer #1: \"task\" must be a string",
        ));
}

#[test]
fn text_output_shows_ready_tasks_and_data() {
    bpmn()
        .args(["run", "-b"])
        .arg(fixture("lanes.bpmn"))
        .args(["-p", "Process_Lanes"])
        .assert()
        .code(4)
        .stdout(predicates::str::contains("Waiting for input:"))
        .stdout(predicates::str::contains("[lane "));
}

#[test]
fn collaboration_runs_every_participant() {
    let out = bpmn()
        .args(["run", "-b"])
        .arg(fixture("collaboration.bpmn"))
        .args(["-c", "Collab_Orders", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"].as_array().unwrap().len(), 2, "{v}");
}
