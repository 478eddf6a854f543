//! End-to-end tests of lanes as roles on the built binary: `--as NAME
//! --roles FILE` offers only the tasks of NAME's lanes (and of no lane),
//! lists the others as waiting for someone else, refuses answers for them,
//! and stops as a run that waits (exit 4), saving for the next person.

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};

use crate::support::fixture;

fn bpmn(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("bpmn").expect("the bpmn binary is built");
    c.current_dir(dir).timeout(Duration::from_secs(60));
    c
}

/// A directory with the shop diagram, a roles file and an answers file.
fn shop(answers: Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("lanes_roles.bpmn"), dir.path().join("shop.bpmn")).unwrap();
    std::fs::write(
        dir.path().join("roles.json"),
        r#"{"Customer": ["ann", "bob"], "Staff": ["carl"]}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("answers.json"), answers.to_string()).unwrap();
    dir
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const RUN: [&str; 5] = ["run", "-b", "shop.bpmn", "-p", "Process_Shop"];

fn run_as(dir: &Path, user: &str, extra: &[&str]) -> std::process::Output {
    bpmn(dir)
        .args(RUN)
        .args([
            "--as",
            user,
            "--roles",
            "roles.json",
            "--answers",
            "answers.json",
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// `bpmn resume shop.json` as `user`.
fn resume_as(dir: &Path, user: &str, extra: &[&str]) -> std::process::Output {
    bpmn(dir)
        .args(["resume", "shop.json", "--as", user, "--roles", "roles.json"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn ann_does_her_tasks_and_stops_at_carls_which_waits_for_staff() {
    let dir = shop(json!([{"task": "terms"}, {"task": "order", "data": {"item": "mug"}}]));
    let out = run_as(dir.path(), "ann", &["--save", "shop.json"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("Workflow not completed; no task is ready for ann."),
        "{stdout}"
    );
    assert!(
        stdout.contains("  Waiting for Staff: Ship order (ship)"),
        "{stdout}"
    );
    assert!(!stdout.contains("Waiting for input:"), "{stdout}");
    // The script saw its lane through task.task_spec.lane.
    assert!(stdout.contains("\"routed_to\": \"Staff\""), "{stdout}");

    // The same as JSON: nothing ready for ann, ship waits for Staff.
    let dir2 = shop(json!([{"task": "terms"}, {"task": "order"}]));
    let out = run_as(dir2.path(), "ann", &["--json"]);
    assert_eq!(out.status.code(), Some(4));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"], json!([]));
    assert_eq!(v["others"], json!([{"task": "ship", "lane": "Staff"}]));

    // Carl continues the saved state: ship is his; confirm is ann's again.
    std::fs::write(dir.path().join("carl.json"), r#"[{"task": "ship"}]"#).unwrap();
    let out = resume_as(dir.path(), "carl", &["--answers", "carl.json", "--json"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"], json!([]));
    assert_eq!(
        v["others"],
        json!([{"task": "confirm", "lane": "Customer"}])
    );
    assert_eq!(v["data"]["item"], json!("mug"));

    // Bob is a customer too: he finishes it.
    std::fs::write(dir.path().join("bob.json"), r#"[{"task": "confirm"}]"#).unwrap();
    let out = resume_as(dir.path(), "bob", &["--answers", "bob.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Workflow completed."));
}

#[test]
fn an_answer_for_another_lanes_task_is_refused_naming_the_lane() {
    let dir = shop(json!([
        {"task": "terms"},
        {"task": "order"},
        {"task": "ship"},
        {"task": "confirm"}
    ]));
    let out = run_as(dir.path(), "ann", &["--save", "shop.json"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("error: answer #3 refused: task `ship` is in lane Staff, and ann is not one of its members in roles.json"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Waiting for Staff: Ship order (ship)"),
        "{stdout}"
    );
    // Saved where it stopped: ship still waits.
    let out = bpmn(dir.path())
        .args(["resume", "shop.json", "--json", "--save", "copy.json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"], json!(["ship"]));
}

#[test]
fn without_roles_every_task_is_offered_as_before() {
    let dir = shop(json!([
        {"task": "terms"},
        {"task": "order"},
        {"task": "ship"},
        {"task": "confirm"}
    ]));
    let out = bpmn(dir.path())
        .args(RUN)
        .args(["--answers", "answers.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn as_and_roles_go_together_and_a_bad_roles_file_is_named() {
    let dir = shop(json!([]));
    for (args, missing) in [
        (&["--as", "ann"][..], "--roles <FILE>"),
        (&["--roles", "roles.json"][..], "--as <NAME>"),
    ] {
        let out = bpmn(dir.path()).args(RUN).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        // The error names the flag that is missing, not just any flag.
        let stderr = text(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "required arguments were not provided:\n  {missing}"
            )),
            "{stderr}"
        );
    }
    std::fs::write(dir.path().join("bad.json"), "{\n  \"Staff\": \"carl\"\n}").unwrap();
    let out = bpmn(dir.path())
        .args(RUN)
        .args([
            "--as",
            "ann",
            "--roles",
            "bad.json",
            "--answers",
            "answers.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "bad.json:2:17: not a roles file (invalid type: string \"carl\", expected a sequence)"
        ),
        "{stderr}"
    );
}

#[test]
fn a_piped_session_offers_only_the_users_tasks() {
    let dir = shop(json!([]));
    // Ann: terms, then order; then nothing is hers, so she quits (saving).
    let input = "run\n\nrun\n\nquit\n";
    let out = bpmn(dir.path())
        .args(RUN)
        .args([
            "--as",
            "ann",
            "--roles",
            "roles.json",
            "--save",
            "shop.json",
        ])
        .env("TERM", "dumb")
        .write_stdin(input)
        .output()
        .unwrap();
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(stdout.contains("Completed Read the terms."), "{stdout}");
    assert!(stdout.contains("Completed Place order."), "{stdout}");
    assert!(
        stdout.contains("No task is ready for ann."),
        "{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("Waiting for Staff: Ship order (ship)"),
        "{stdout}"
    );
    let state = dir.path().join("shop.json");
    let out = bpmn(dir.path())
        .args(["resume", "shop.json", "--json", "--save", "copy.json"])
        .output()
        .unwrap();
    assert!(state.exists());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ready"], json!(["ship"]));
}
