//! `bpmn complete`: a service task whose `--service` connector answered
//! `{"accepted": true}` is saved STARTED, and a later command from another
//! shell finishes it with data or a BPMN error; a task that is not STARTED
//! is refused without touching the file.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::support::fixture;

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").unwrap()
}

fn diagram() -> PathBuf {
    fixture("data/svc_started.bpmn")
}

/// Runs the fixture with a `pay` connector that records its parameters
/// and accepts the work; returns the saved state's path.
fn run_accepted(dir: &Path) -> PathBuf {
    let script = dir.join("pay.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat > {}\necho '{{\"accepted\": true}}'\n",
            dir.join("params.json").display()
        ),
    )
    .unwrap();
    let state = dir.join("state.json");
    let out = bpmn()
        .args(["run", "-p", "Process_SvcStarted", "-b"])
        .arg(diagram())
        .args(["--json", "--service"])
        .arg(format!("pay=sh {}", script.display()))
        .arg("--save")
        .arg(&state)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "waits: {stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(false));
    assert_eq!(v["started"], json!(["Task_Pay"]));
    let params: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("params.json")).unwrap()).unwrap();
    assert_eq!(params, json!({"amount": 42}));
    state
}

/// `bpmn complete STATE ARGS…`.
fn complete(state: &Path, args: &[&str]) -> Output {
    bpmn()
        .arg("complete")
        .arg(state)
        .args(args)
        .output()
        .unwrap()
}

/// Asserts the exit code, showing stderr when it differs.
fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn task_state(state: &Path, bpmn_id: &str) -> String {
    let out = bpmn()
        .arg("tasks")
        .arg(state)
        .arg("--json")
        .output()
        .unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .rfind(|r| r["bpmn_id"] == json!(bpmn_id))
        .map(|r| r["state"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

#[test]
fn accepted_task_is_saved_started_and_completed_from_another_command() {
    let dir = tempfile::tempdir().unwrap();
    let state = run_accepted(dir.path());
    assert_eq!(task_state(&state, "Task_Pay"), "STARTED");
    let out = bpmn()
        .args(["tasks", "--state", "started"])
        .arg(&state)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Task_Pay"));
    // A resume does not call the connector again: it still waits for outside.
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .args(["--service", "pay=false"])
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Started, waiting for outside"), "{text}");
    let out = complete(
        &state,
        &["Task_Pay", "--json", "--data", r#"{"paid": true}"#],
    );
    assert_exit(&out, 0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(true));
    assert_eq!(v["data"]["payment"], json!({"paid": true}));
    assert_eq!(v["data"]["status"], json!("shipped"));
    assert_eq!(task_state(&state, "Task_Pay"), "COMPLETED");
}

#[test]
fn error_code_takes_the_boundary_event_or_leaves_the_task_in_error() {
    let dir = tempfile::tempdir().unwrap();
    let state = run_accepted(dir.path());
    let out = complete(&state, &["Task_Pay", "--json", "--error", "declined"]);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["status"], json!("refused"));
    assert_eq!(task_state(&state, "Task_Pay"), "CANCELLED");

    let dir = tempfile::tempdir().unwrap();
    let state = run_accepted(dir.path());
    let out = complete(&state, &["Task_Pay", "--error", "gateway_down"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gateway_down") && err.contains("nothing caught it"),
        "{err}"
    );
    assert_eq!(task_state(&state, "Task_Pay"), "ERROR");
}

#[test]
fn a_task_that_is_not_started_is_refused_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let state = run_accepted(dir.path());
    let before = std::fs::read(&state).unwrap();
    let out = complete(&state, &["Task_Prepare", "--data", "{}"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Task_Prepare") && err.contains("COMPLETED") && err.contains("Task_Pay"),
        "{err}"
    );
    assert_eq!(std::fs::read(&state).unwrap(), before);
    // Neither --data nor --error: a usage error.
    let out = complete(&state, &["Task_Pay"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&state).unwrap(), before);
}

#[test]
fn the_session_shows_started_tasks_and_completes_one_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let state = run_accepted(dir.path());
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .args(["--service", "pay=false"])
        // Complete a started task (first action), the first task, its
        // result; then quit at the completed workflow's menu.
        .write_stdin("1\n1\n{\"paid\": true}\n\n")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string()
        + String::from_utf8_lossy(&out.stderr).as_ref();
    assert!(
        text.contains("Started, waiting for outside: Charge card"),
        "{text}"
    );
    assert!(text.contains("1) Complete a started task"), "{text}");
    assert!(text.contains("Workflow completed."), "{text}");
    assert_eq!(task_state(&state, "Task_Pay"), "COMPLETED");
    assert_eq!(task_state(&state, "Task_Ship"), "COMPLETED");
}

/// A script task marked long-running (`long_running` property) runs its
/// script, stays STARTED in the saved state, and `bpmn complete` finishes
/// it with the outside's result from another shell.
#[test]
fn a_long_running_script_task_is_finished_by_complete() {
    let dir = tempfile::tempdir().unwrap();
    let model = fixture("data/script_long_running.bpmn");
    let state = dir.path().join("s.json");
    let out = bpmn()
        .args(["run", "-p", "p", "-b"])
        .arg(&model)
        .arg("--json")
        .arg("--save")
        .arg(&state)
        .output()
        .unwrap();
    assert_exit(&out, 4);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["started"], json!(["Task_Render"]), "{v}");
    let out = complete(
        &state,
        &["Task_Render", "--data", r#"{"frames": 240}"#, "--json"],
    );
    assert_exit(&out, 0);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(true), "{v}");
    assert_eq!(v["data"]["done"], json!("render-7:240"), "{v}");
}
