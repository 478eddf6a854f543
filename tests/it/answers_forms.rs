//! Answers files checked against the task's form (the built binary): an
//! answer the interactive form would have refused is refused with the
//! form's messages, naming the answer and the task, and is not applied.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::support::fixture;

const BIN: &str = env!("CARGO_BIN_EXE_bpmn");

fn forms_dir() -> String {
    format!("{}/tests/fixtures/forms", env!("CARGO_MANIFEST_DIR"))
}

/// `bpmn run` of the interactive fixture (a JSON-Schema form under the
/// variable `profile`, then a camunda form) with `answers`, saved to
/// `state.json` in `dir`; `forms` adds `--forms` with the schema's folder.
fn run(dir: &Path, answers: Value, forms: bool) -> Output {
    std::fs::write(dir.join("answers.json"), answers.to_string()).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .arg("run")
        .arg("-b")
        .arg(fixture("interactive.bpmn"))
        .args(["-p", "Process_Interactive", "--answers", "answers.json"])
        .args(["--save", "state.json"]);
    if forms {
        cmd.args(["--forms", &forms_dir()]);
    }
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn good_profile() -> Value {
    json!({"task": "Task_Profile", "data": {"profile": {
        "name": "Ada", "age": 36, "plan": "pro",
        "address": {"city": "Köln", "zip": "51147"}
    }}})
}

/// The ready tasks of the saved state.
fn ready(dir: &Path) -> Vec<String> {
    let out = Command::new(BIN)
        .current_dir(dir)
        .args(["tasks", "state.json", "--state", "ready", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["bpmn_id"].as_str().unwrap().to_string())
        .collect()
}

/// The warnings (`  ! …`) an interactive session on piped input shows for
/// the same mistakes the answers below make.
fn interactive_messages(dir: &Path) -> Vec<String> {
    let typed = [
        "1", // Run a task: the profile
        "A",
        "Ada", // name: too short
        "",    // nickname
        "12",
        "", // age: below the minimum, then the default
        "",
        "",
        "",
        "1", // height, newsletter, colour, plan
        "Köln",
        "1",
        "51147", // city, zip: no match
        "",      // no tags
        "1",     // Run a task: the order
        "X",
        "Pen", // item: too short
        "many",
        "500",
        "", // amount: not a number, above the maximum
        "", // express
        "2019-12-31",
        "2021-01-01", // due: too early
        "",           // currency
    ];
    let mut child = Command::new(BIN)
        .current_dir(dir)
        .arg("run")
        .arg("-b")
        .arg(fixture("interactive.bpmn"))
        .args(["-p", "Process_Interactive", "--forms", &forms_dir()])
        .args(["--save", "typed.json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(format!("{}\n", typed.join("\n")).as_bytes())
        .unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("! "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_json_schema_form_refuses_what_the_interactive_form_refuses() {
    let d = tempfile::tempdir().unwrap();
    let typed = interactive_messages(d.path());
    let schema_said: Vec<&String> = typed
        .iter()
        .filter(|m| m.contains('"') || m.contains("minimum"))
        .collect();
    assert_eq!(schema_said.len(), 3, "{typed:?}");

    let out = run(
        d.path(),
        json!([{"task": "Task_Profile", "data": {"profile": {
            "name": "A", "age": 12, "plan": "pro",
            "address": {"city": "Köln", "zip": "1"}
        }}}]),
        true,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: answer #1 for task `Task_Profile` does not fit its form: "),
        "{err}"
    );
    // The form's own messages, with where in the answer they are.
    for (path, said) in ["/name", "/age", "/address/zip"].iter().zip(&schema_said) {
        assert!(
            err.contains(&format!("{path}: {said}")),
            "{path}: {said}\n{err}"
        );
    }
    // Not applied: the task is still ready, and nothing of the answer is in
    // the state.
    assert_eq!(ready(d.path()), ["Task_Profile"]);

    // A required field missing, a value of the wrong type, one that is not
    // among the choices.
    let out = run(
        d.path(),
        json!([{"task": "Task_Profile", "data": {"profile": {
            "name": "Ada", "age": "old", "plan": "gold"
        }}}]),
        true,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for want in [
        "\"address\" is a required property",
        "/age: \"old\" is not of type \"integer\"",
        "/plan: ",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert_eq!(ready(d.path()), ["Task_Profile"]);

    // The form's values go under `profile`: anything else there is refused.
    let out = run(
        d.path(),
        json!([{"task": "Task_Profile", "data": {"profile": "Ada"}}]),
        true,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`profile` holds the form's values"),
        "{}",
        stderr(&out)
    );

    // Where the form cannot be found, answers are taken as before.
    let out = run(
        d.path(),
        json!([{"task": "Task_Profile", "data": {"profile": {"name": "A"}}}]),
        false,
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(ready(d.path()), ["Task_Order"]);
}

#[test]
fn a_camunda_form_refuses_what_the_interactive_form_refuses() {
    let d = tempfile::tempdir().unwrap();
    let typed = interactive_messages(d.path());
    let camunda_said: Vec<&String> = typed
        .iter()
        .filter(|m| !m.contains('"') && !m.contains("minimum"))
        .collect();
    assert_eq!(camunda_said.len(), 4, "{typed:?}");

    let out = run(
        d.path(),
        json!([good_profile(), {"task": "Task_Order", "data": {
            "item": "X", "amount": "many", "due": "2019-12-31"
        }}]),
        true,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: answer #2 for task `Task_Order` does not fit its form: "),
        "{err}"
    );
    // "Item needs at least 2 characters", "`many` is not a whole number",
    // "Due date must be on or after 2020-01-01": as typed, and the field
    // named where the form's prompt named it.
    for said in [camunda_said[0], camunda_said[1], camunda_said[3]] {
        assert!(err.contains(said.as_str()), "{said}\n{err}");
    }
    assert!(
        err.contains("Amount: `many` is not a whole number"),
        "{err}"
    );
    // The first answer was applied, the second was not.
    assert_eq!(ready(d.path()), ["Task_Order"]);

    let out = run(
        d.path(),
        json!([good_profile(), {"task": "Task_Order", "data": {
            "amount": 500, "express": "yes", "currency": "GBP"
        }}]),
        true,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    for want in [
        "Item is required",
        camunda_said[2].as_str(), // Amount must be at most 100
        "Express delivery: `yes` is not true or false",
        "Currency: `GBP` is not one of EUR, USD, CHF",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }

    // Answers that fit go through (the form's default for a field not
    // given is not needed: optional fields may be left out).
    let out = run(
        d.path(),
        json!([good_profile(), {"task": "Task_Order", "data": {
            "item": "Pen", "amount": 3, "express": true, "due": "2026-03-01", "currency": "CHF"
        }}]),
        true,
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(ready(d.path()), ["Task_Notes"]);
}

#[test]
fn resume_checks_its_answers_and_leaves_the_state_as_it_was() {
    let d = tempfile::tempdir().unwrap();
    let out = run(d.path(), json!([good_profile()]), true);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let before = std::fs::read(d.path().join("state.json")).unwrap();
    std::fs::write(
        d.path().join("bad.json"),
        json!([{"task": "Task_Order", "data": {"item": "Pen", "amount": 0}}]).to_string(),
    )
    .unwrap();
    let out = Command::new(BIN)
        .current_dir(d.path())
        .args(["resume", "state.json", "--answers", "bad.json"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "answer #1 for task `Task_Order` does not fit its form: Amount must be at least 1"
        ),
        "{err}"
    );
    assert_eq!(ready(d.path()), ["Task_Order"]);
    let after: Value =
        serde_json::from_slice(&std::fs::read(d.path().join("state.json")).unwrap()).unwrap();
    let before: Value = serde_json::from_slice(&before).unwrap();
    assert_eq!(after["instance"], before["instance"]);
}
