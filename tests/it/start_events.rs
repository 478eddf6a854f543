//! Start events that start stored instances, through the built binary:
//! `bpmn send --message NAME` without an instance starts every library
//! spec whose process starts on the message (its payload in the new
//! instance's data); `bpmn tick --now` starts timer start events due,
//! counted from when the spec was added, and never the same occurrence
//! twice. The old `bpmn send FILE --message` still delivers to a file.
//! The library's starts run on SQLite and on PostgreSQL.

use crate::pg::{bpmn_on_test_store as bpmn, on_postgres, on_sqlite};
use crate::support::fixture;

use std::path::Path;

use assert_cmd::Command;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// Runs `cmd`; returns its exit code, stdout and stderr.
fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Adds fixture `start_events/NAME.bpmn` (process NAME) to the library;
/// returns when it was added.
fn add(dir: &Path, name: &str) -> Timestamp {
    let file = fixture(&format!("start_events/{name}.bpmn"));
    let (code, _, err) = output(bpmn(dir).args(["add", "-p", name, "-b"]).arg(file));
    assert_eq!(code, 0, "add {name}: {err}");
    let (_, specs, _) = output(bpmn(dir).args(["specs", "--json"]));
    let specs: Value = serde_json::from_str(&specs).unwrap();
    let spec = specs
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|s| s["process"] == name)
        .expect("the spec is listed");
    spec["added"].as_str().unwrap().parse().unwrap()
}

/// The ids `cmd` printed as a JSON array (it must succeed).
fn ids(cmd: &mut Command) -> Vec<i64> {
    let (code, out, err) = output(cmd);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    serde_json::from_str(&out).unwrap_or_else(|_| panic!("not JSON: {out}"))
}

fn data(dir: &Path, id: i64) -> Value {
    let (code, out, err) = output(bpmn(dir).args(["data", &id.to_string()]));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// (id, spec name, status) of every stored instance.
fn instances(dir: &Path) -> Vec<(i64, String, String)> {
    let (_, out, _) = output(bpmn(dir).args(["instances", "--json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_i64().unwrap(),
                i["name"].as_str().unwrap().to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_message_starts_every_library_spec_that_catches_it_with_its_payload() {
    on_sqlite(a_message_starts_every_library_spec_that_catches_it_with_its_payload_on);
}

#[test]
fn a_message_starts_every_library_spec_that_catches_it_with_its_payload_on_postgres() {
    on_postgres(a_message_starts_every_library_spec_that_catches_it_with_its_payload_on);
}

fn a_message_starts_every_library_spec_that_catches_it_with_its_payload_on(d: &Path) {
    add(d, "order_intake");
    add(d, "order_audit");
    add(d, "refund");
    let started = ids(bpmn(d).args([
        "send",
        "--message",
        "order_placed",
        "--payload",
        r#"{"order": 42, "customer": "ada"}"#,
        "--json",
    ]));
    assert_eq!(started.len(), 2, "both specs catching order_placed start");
    let listed = instances(d);
    let names: Vec<&str> = listed.iter().map(|(_, n, _)| n.as_str()).collect();
    assert_eq!(names, ["order_intake", "order_audit"]);
    for (id, _, status) in &listed {
        assert!(started.contains(id));
        assert_eq!(status, "ready", "it ran on to its user task");
        assert_eq!(data(d, *id), json!({"order": 42, "customer": "ada"}));
    }
    // Without --json: one id per line; only the spec catching it starts.
    let (code, out, _) = output(bpmn(d).args([
        "send",
        "--message",
        "refund_requested",
        "--payload",
        r#"{"amount": 5}"#,
    ]));
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);
    let id: i64 = out.trim().parse().unwrap();
    assert_eq!(instances(d).last().unwrap().1, "refund");
    assert_eq!(data(d, id), json!({"amount": 5}));
}

#[test]
fn a_message_no_spec_starts_on_is_a_usage_error_naming_it() {
    on_sqlite(a_message_no_spec_starts_on_is_a_usage_error_naming_it_on);
}

#[test]
fn a_message_no_spec_starts_on_is_a_usage_error_naming_it_on_postgres() {
    on_postgres(a_message_no_spec_starts_on_is_a_usage_error_naming_it_on);
}

fn a_message_no_spec_starts_on_is_a_usage_error_naming_it_on(d: &Path) {
    add(d, "order_intake");
    let (code, out, err) = output(bpmn(d).args(["send", "--message", "order_cancelled"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("`order_cancelled`"), "{err}");
    assert!(instances(d).is_empty(), "nothing was started");
    // A signal needs an instance.
    let (code, _, err) = output(bpmn(d).args(["send", "--signal", "go"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn send_with_a_state_file_still_delivers_to_that_instance() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = d.join("intake.json");
    let file = fixture("start_events/order_intake.bpmn");
    let (code, _, err) = output(
        bpmn(d)
            .args(["run", "-b"])
            .arg(&file)
            .args(["-p", "order_intake", "--save"])
            .arg(&state),
    );
    assert_eq!(code, 4, "it waits for its message: {err}");
    let (code, out, err) = output(bpmn(d).arg("send").arg(&state).args([
        "--message",
        "order_placed",
        "--payload",
        r#"{"order": 7}"#,
    ]));
    assert_eq!(code, 4, "waits at its user task: {out} {err}");
    let (_, out, _) = output(bpmn(d).arg("data").arg(&state));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["order"], 7);
}

fn at(t: Timestamp, minutes: i64) -> String {
    (t + SignedDuration::from_mins(minutes)).to_string()
}

#[test]
fn a_duration_timer_start_starts_once_when_due() {
    on_sqlite(a_duration_timer_start_starts_once_when_due_on);
}

#[test]
fn a_duration_timer_start_starts_once_when_due_on_postgres() {
    on_postgres(a_duration_timer_start_starts_once_when_due_on);
}

fn a_duration_timer_start_starts_once_when_due_on(d: &Path) {
    let added = add(d, "report_in_an_hour");
    let tick = |minutes| ids(bpmn(d).args(["tick", "--json", "--now", &at(added, minutes)]));
    assert_eq!(tick(30), Vec::<i64>::new(), "not due half an hour in");
    let started = tick(120);
    assert_eq!(started.len(), 1, "due an hour after the add");
    assert_eq!(
        tick(120),
        Vec::<i64>::new(),
        "the second tick starts it no more"
    );
    assert_eq!(tick(24 * 60), Vec::<i64>::new());
    let listed = instances(d);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].0, started[0]);
    assert_eq!(listed[0].2, "ready", "it ran to its user task");
}

#[test]
fn a_cycle_timer_start_starts_each_occurrence_at_most_its_repetitions() {
    on_sqlite(a_cycle_timer_start_starts_each_occurrence_at_most_its_repetitions_on);
}

#[test]
fn a_cycle_timer_start_starts_each_occurrence_at_most_its_repetitions_on_postgres() {
    on_postgres(a_cycle_timer_start_starts_each_occurrence_at_most_its_repetitions_on);
}

fn a_cycle_timer_start_starts_each_occurrence_at_most_its_repetitions_on(d: &Path) {
    let added = add(d, "hourly_three_times");
    let tick = |minutes| ids(bpmn(d).args(["tick", "--json", "--now", &at(added, minutes)]));
    assert!(tick(59).is_empty());
    assert_eq!(tick(61).len(), 1, "the first hour");
    assert_eq!(tick(61).len(), 0);
    assert_eq!(tick(150).len(), 1, "the second hour");
    // Ten hours in: only the third (and last) occurrence is left.
    assert_eq!(tick(600).len(), 1);
    assert_eq!(tick(6000).len(), 0);
    assert_eq!(instances(d).len(), 3);
    // Plain output with nothing due: nothing on stdout.
    let (code, out, _) = output(bpmn(d).args(["tick", "--now", &at(added, 7000)]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn a_store_of_schema_version_1_gains_the_timer_table_on_the_next_tick() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let added = add(d, "report_in_an_hour");
    {
        // As a store written before timer starts were remembered (and
        // before workers: schema 3).
        let c = rusqlite::Connection::open(d.join("bpmn.db")).unwrap();
        c.execute_batch(
            "DROP TABLE timer_starts; DROP TABLE queue; DROP INDEX instances_due;
             ALTER TABLE instances DROP COLUMN due_at; ALTER TABLE instances DROP COLUMN holder;
             ALTER TABLE instances DROP COLUMN claim_until; PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let tick = || ids(bpmn(d).args(["tick", "--json", "--now", &at(added, 90)]));
    assert_eq!(tick().len(), 1);
    assert!(tick().is_empty(), "remembered in the migrated store");
    let c = rusqlite::Connection::open(d.join("bpmn.db")).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, bpmn_engine::storage::STORE_SCHEMA_VERSION);
    assert_eq!(v, 3);
}

#[test]
fn a_date_timer_start_starts_once_on_its_date() {
    on_sqlite(a_date_timer_start_starts_once_on_its_date_on);
}

#[test]
fn a_date_timer_start_starts_once_on_its_date_on_postgres() {
    on_postgres(a_date_timer_start_starts_once_on_its_date_on);
}

fn a_date_timer_start_starts_once_on_its_date_on(d: &Path) {
    add(d, "new_year_report");
    let tick = |now: &str| ids(bpmn(d).args(["tick", "--json", "--now", now]));
    assert!(tick("2029-12-31T23:59:00Z").is_empty());
    assert_eq!(tick("2030-01-01T00:00:00Z").len(), 1, "due on the dot");
    assert!(tick("2031-01-01T00:00:00Z").is_empty(), "a date comes once");
    assert_eq!(instances(d).len(), 1);
}
