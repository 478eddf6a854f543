//! `bpmn advance`, `bpmn send` and `bpmn events` on saved states, through
//! the built binary.

use crate::support;

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};
use support::fixture;

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

fn run_and_save(file: &str, process: &str, state: &Path, extra: &[&str]) -> i32 {
    bpmn()
        .args(["run", "-b"])
        .arg(fixture(file))
        .args(["-p", process, "--save"])
        .arg(state)
        .args(extra)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap()
}

fn json_of(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

#[test]
fn advance_fires_the_due_timers_of_a_saved_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let code = run_and_save(
        "events/timer_boundary.bpmn",
        "Process_TimerBoundary",
        &state,
        &["--now", "2025-01-01T00:00:00Z"],
    );
    assert_eq!(code, 4);
    let (_, ev) = json_of(bpmn().arg("events").arg(&state));
    assert_eq!(ev["now"], json!("2025-01-01T00:00:00Z"));
    let w = &ev["waiting"][0];
    assert_eq!(
        (w["bpmn_id"].clone(), w["kind"].clone()),
        (json!("Timer_Deadline"), json!("timer"))
    );
    assert!(
        w["due"].as_str().unwrap().starts_with("2025-01-01T01:00"),
        "{ev}"
    );
    let (code, v) = json_of(
        bpmn()
            .arg("advance")
            .arg(&state)
            .args(["--by", "PT30M", "--json"]),
    );
    assert_eq!(
        (code, v["ready"].clone()),
        (4, json!(["Task_Approve"])),
        "not due yet"
    );
    let (code, v) = json_of(
        bpmn()
            .arg("advance")
            .arg(&state)
            .args(["--by", "PT1H", "--json"]),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["data"]["outcome"], json!("escalated"));
    bpmn()
        .arg("advance")
        .arg(&state)
        .args(["--by", "soon"])
        .assert()
        .code(2);
}

#[test]
fn send_delivers_or_fails_without_touching_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.ron");
    assert_eq!(
        run_and_save(
            "events/message_catch.bpmn",
            "Process_MessageCatch",
            &state,
            &[]
        ),
        4
    );
    let before = std::fs::read(&state).unwrap();
    bpmn()
        .arg("send")
        .arg(&state)
        .args(["--message", "order_cancelled"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "nothing waits for message `order_cancelled`",
        ))
        .stderr(predicates::str::contains("order_paid"));
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the state is unchanged"
    );
    let (code, v) = json_of(bpmn().arg("send").arg(&state).args([
        "--message",
        "order_paid",
        "--payload",
        r#"{"paid_amount": 30}"#,
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["data"]["paid_amount"], json!(30));
    bpmn().arg("send").arg(&state).assert().code(2);
}

#[test]
fn events_lists_what_nothing_inside_caught() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let a = dir.path().join("a.json");
    std::fs::write(&a, r#"[{"task": "Task_Pack", "data": {"weight": 2}}]"#).unwrap();
    let code = run_and_save(
        "events/escalation.bpmn",
        "Process_Escalation",
        &state,
        &["--answers", a.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    let (_, ev) = json_of(bpmn().arg("events").arg(&state));
    let thrown = ev["thrown"].as_array().unwrap();
    assert!(thrown.iter().any(|e| e["kind"] == "escalation"), "{ev}");
    assert!(thrown.iter().all(|e| e["thrown_by"].is_string()));
}

#[test]
fn each_quote_reaches_the_multi_instance_conversation_that_asked() {
    // correlation_mi.bpmn: three instances of a multi-instance subprocess
    // each send a quote request with their own order_id and wait for the
    // quote with that order_id. The quotes are sent to the saved state one
    // command at a time, in another order.
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let code = run_and_save(
        "events/correlation_mi.bpmn",
        "Process_CorrMI",
        &state,
        &["--data", r#"{"order_ids": [1, 2, 3]}"#],
    );
    assert_eq!(code, 4);
    let (_, ev) = json_of(bpmn().arg("events").arg(&state));
    let thrown = ev["thrown"].as_array().unwrap();
    let asked: Vec<Value> = thrown
        .iter()
        .map(|e| e["correlations"]["Prop_QuoteOrder"].clone())
        .collect();
    assert_eq!(asked, vec![json!(1), json!(2), json!(3)], "{ev}");
    assert_eq!(ev["waiting"].as_array().unwrap().len(), 3, "{ev}");
    for (order, price) in [(3, 30), (1, 10)] {
        let (code, v) = json_of(bpmn().arg("send").arg(&state).args([
            "--message",
            "quote",
            "--payload",
            &json!({"order_id": order, "price": price}).to_string(),
            "--json",
        ]));
        assert_eq!(code, 4, "{v}");
    }
    // A quote for an order already answered is refused; the state stays.
    let before = std::fs::read(&state).unwrap();
    bpmn()
        .arg("send")
        .arg(&state)
        .args(["--message", "quote", "--payload", r#"{"order_id": 1}"#])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "nothing waits for message `quote` with correlation Prop_QuoteOrder = 1",
        ));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    let (code, v) = json_of(bpmn().arg("send").arg(&state).args([
        "--message",
        "quote",
        "--payload",
        r#"{"order_id": 2, "price": 20}"#,
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        v["data"]["quotes"],
        json!(["order 1: 10", "order 2: 20", "order 3: 30"])
    );
}

#[test]
fn validate_warns_about_a_message_without_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("unnamed.bpmn");
    std::fs::write(
        &file,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="c"/>
    <intermediateCatchEvent id="c">
      <messageEventDefinition/>
    </intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="c" targetRef="named"/>
    <intermediateCatchEvent id="named" name="ping">
      <messageEventDefinition/>
    </intermediateCatchEvent>
  </process>
</definitions>
"#,
    )
    .unwrap();
    let out = bpmn()
        .arg("validate")
        .arg("-b")
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("unnamed.bpmn:6:")
            && stdout.contains("warning")
            && stdout.contains("no messageRef and its element no name"),
        "{stdout}"
    );
    // The named one (its name is the message name) is fine.
    assert_eq!(stdout.matches("no messageRef").count(), 1, "{stdout}");
}

#[test]
fn a_timer_start_event_counts_from_the_now_the_run_starts_at() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    // The clock is virtual from the start: the start event is due at
    // 02:00 of that day, not two hours after the real time.
    let code = run_and_save(
        "events/timer_start.bpmn",
        "Process_TimerStart",
        &state,
        &["--now", "2025-01-01T00:00:00Z"],
    );
    assert_eq!(code, 4, "waits for its start timer");
    let (_, ev) = json_of(bpmn().arg("events").arg(&state));
    assert_eq!(
        ev["waiting"][0]["due"],
        json!("2025-01-01T02:00:00Z"),
        "{ev}"
    );
    // One hour on: still waiting.
    let (code, v) = json_of(
        bpmn()
            .args(["advance", "--by", "PT1H", "--json"])
            .arg(&state),
    );
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["ready"], json!([]), "{v}");
    // Two: the task is ready.
    let (_, v) = json_of(
        bpmn()
            .args(["advance", "--by", "PT1H", "--json"])
            .arg(&state),
    );
    assert_eq!(v["ready"], json!(["Task_Go"]), "{v}");
}
