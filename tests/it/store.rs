//! The instance store through the built binary: `add`, `specs`, `start`,
//! `instances`, `log`, `export`, `import`, and instance ids given to
//! `resume`, `tasks`, `data`, `reset`, `advance`, `send` and `events`;
//! a corrupt or newer store refused untouched; two processes on one store.

use crate::pg::{bpmn_on_test_store as bpmn, on_postgres, on_sqlite, same_store};
use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use bpmn_engine::storage::{
    InstanceSave, InstanceStatus, NewSpec, SpecFile, SpecTarget, SqliteStore, Store, StoreError,
};
use predicates::prelude::PredicateBooleanExt;
use serde_json::{Value, json};
use support::fixture;

fn json_of(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "not JSON: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Copies `name` from the fixtures into `dir`; returns its path.
fn copy(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(Path::new(name).file_name().unwrap());
    std::fs::copy(fixture(name), &to).unwrap();
    to
}

fn add(dir: &Path, file: &Path, process: &str) -> i64 {
    stdout_of(
        bpmn(dir)
            .arg("add")
            .arg("-p")
            .arg(process)
            .arg("-b")
            .arg(file),
    )
    .trim()
    .parse()
    .expect("add prints the spec id")
}

fn answers(dir: &Path, v: Value) -> PathBuf {
    let p = dir.join("answers.json");
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

#[test]
fn add_makes_a_version_per_change_and_specs_lists_them() {
    on_sqlite(add_makes_a_version_per_change_and_specs_lists_them_on);
}

#[test]
fn add_makes_a_version_per_change_and_specs_lists_them_on_postgres() {
    on_postgres(add_makes_a_version_per_change_and_specs_lists_them_on);
}

fn add_makes_a_version_per_change_and_specs_lists_them_on(d: &Path) {
    let model = copy(d, "sequence.bpmn");
    let first = add(d, &model, "Process_Sequence");
    assert_eq!(
        add(d, &model, "Process_Sequence"),
        first,
        "unchanged files: same spec"
    );
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(
        &model,
        text.replace("</bpmn:definitions>", "<!-- v2 --></bpmn:definitions>"),
    )
    .unwrap();
    let second = add(d, &model, "Process_Sequence");
    assert_ne!(second, first);
    let (code, v) = json_of(bpmn(d).args(["specs", "--json"]));
    assert_eq!(code, 0);
    let versions: Vec<(i64, i64, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_i64().unwrap(),
                s["version"].as_i64().unwrap(),
                s["process"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            (first, 1, "Process_Sequence".to_string()),
            (second, 2, "Process_Sequence".to_string())
        ]
    );
    // A diagram that cannot start is refused and the store is unchanged.
    bpmn(d)
        .args(["add", "-p", "No_Such_Process", "-b"])
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("No_Such_Process"));
    let (_, after) = json_of(bpmn(d).args(["specs", "--json"]));
    assert_eq!(after, v);
}

#[test]
fn start_resume_and_inspect_a_stored_instance_by_id() {
    on_sqlite(start_resume_and_inspect_a_stored_instance_by_id_on);
}

#[test]
fn start_resume_and_inspect_a_stored_instance_by_id_on_postgres() {
    on_postgres(start_resume_and_inspect_a_stored_instance_by_id_on);
}

fn start_resume_and_inspect_a_stored_instance_by_id_on(d: &Path) {
    let model = copy(d, "sequence.bpmn");
    add(d, &model, "Process_Sequence");
    // The diagram is in the store: the file is no longer needed.
    std::fs::remove_file(&model).unwrap();
    let (code, v) = json_of(bpmn(d).args([
        "start",
        "Process_Sequence",
        "--data",
        r#"{"price": 4, "qty": 5}"#,
        "--json",
    ]));
    assert_eq!(code, 4, "waits at the user task: {v}");
    let id = v["instance"].as_i64().expect("the instance id");
    assert_eq!(v["ready"], json!(["Task_Confirm"]));
    let (_, list) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(list[0]["id"], json!(id));
    assert_eq!(list[0]["status"], json!("ready"));
    let (_, tasks) = json_of(bpmn(d).args(["tasks", &id.to_string(), "--json"]));
    assert!(
        tasks
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["bpmn_id"] == "Task_Confirm" && t["state"] == "READY"),
        "{tasks}"
    );
    // `show` draws a stored instance by its id, as it draws a file.
    let svg = stdout_of(bpmn(d).args(["show", &id.to_string(), "--svg", "-"]));
    let groups = crate::support::svg_groups(&svg);
    assert!(
        groups["Task_Confirm"].0.contains("state-ready"),
        "{:?}",
        groups["Task_Confirm"]
    );
    let a = answers(
        d,
        json!([{"task": "Task_Confirm", "data": {"tip": 2, "reviewer": "ann"}}]),
    );
    let (code, v) = json_of(
        bpmn(d)
            .args(["resume", &id.to_string(), "--answers"])
            .arg(&a)
            .arg("--json"),
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["instance"], json!(id));
    let (_, data) = json_of(bpmn(d).args(["data", &id.to_string(), "--json"]));
    assert_eq!(data["reviewer"], json!("ann"));
    let (_, active) = json_of(bpmn(d).args(["instances", "--active", "--json"]));
    assert_eq!(active, json!([]));
    let (_, all) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(all[0]["status"], json!("completed"));

    // The log: every change, in order, across both commands.
    let (_, log) = json_of(bpmn(d).args(["log", &id.to_string(), "--json"]));
    let confirm: Vec<(Value, Value)> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["bpmn_id"] == "Task_Confirm")
        .map(|e| (e["from"].clone(), e["to"].clone()))
        .collect();
    assert_eq!(
        confirm,
        [
            (Value::Null, json!("READY")),
            (json!("READY"), json!("COMPLETED"))
        ]
    );
    assert_eq!(
        log[0]["from"],
        Value::Null,
        "the start event is created first"
    );
    let text = stdout_of(bpmn(d).args(["log", &id.to_string()]));
    assert!(text.contains("Task_Confirm"), "{text}");
    assert!(text.contains("READY → COMPLETED"), "{text}");
    assert_eq!(
        text.lines().count(),
        log.as_array().unwrap().len(),
        "one line per change"
    );
}

#[test]
fn advance_send_reset_and_events_work_on_stored_instances() {
    on_sqlite(advance_send_reset_and_events_work_on_stored_instances_on);
}

#[test]
fn advance_send_reset_and_events_work_on_stored_instances_on_postgres() {
    on_postgres(advance_send_reset_and_events_work_on_stored_instances_on);
}

fn advance_send_reset_and_events_work_on_stored_instances_on(d: &Path) {
    let timer = copy(d, "events/timer_boundary.bpmn");
    add(d, &timer, "Process_TimerBoundary");
    let (code, v) = json_of(bpmn(d).args([
        "start",
        "Process_TimerBoundary",
        "--now",
        "2025-01-01T00:00:00Z",
        "--json",
    ]));
    assert_eq!(code, 4, "{v}");
    let id = v["instance"].as_i64().unwrap().to_string();
    let (_, ev) = json_of(bpmn(d).args(["events", &id]));
    assert_eq!(ev["waiting"][0]["kind"], json!("timer"));
    let (code, v) = json_of(bpmn(d).args(["advance", &id, "--by", "PT2H", "--json"]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["data"]["outcome"], json!("escalated"));
    let (_, log) = json_of(bpmn(d).args(["log", &id, "--json"]));
    let timer_fired = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["bpmn_id"] == "Timer_Deadline" && e["to"] == "COMPLETED")
        .expect("the timer's completion is logged");
    assert!(
        timer_fired["at"]
            .as_str()
            .unwrap()
            .starts_with("2025-01-01T02:00"),
        "stamped with the instance's clock: {timer_fired}"
    );

    let msg = copy(d, "events/message_catch.bpmn");
    add(d, &msg, "Process_MessageCatch");
    let (code, v) = json_of(bpmn(d).args(["start", "Process_MessageCatch", "--json"]));
    assert_eq!(code, 4);
    let id = v["instance"].as_i64().unwrap().to_string();
    let (code, v) = json_of(bpmn(d).args([
        "send",
        &id,
        "--message",
        "order_paid",
        "--payload",
        r#"{"paid_amount": 30}"#,
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["data"]["paid_amount"], json!(30));

    // Reset the completed message instance back to its catch event.
    let (_, tasks) = json_of(bpmn(d).args(["tasks", &id, "--json"]));
    let catch = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["state"] == "COMPLETED" && t["type"] == "intermediateCatchEvent")
        .unwrap_or_else(|| panic!("a completed catch event in {tasks}"))["bpmn_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = stdout_of(bpmn(d).args(["reset", &id, "--task", &catch]));
    assert!(
        out.contains("Continue with: ") && out.contains(&format!(" resume {id}\n")),
        "{out}"
    );
    let (_, list) = json_of(bpmn(d).args(["instances", "--active", "--json"]));
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"].as_i64().map(|n| n.to_string()).as_deref() == Some(id.as_str())),
        "active again after the reset: {list}"
    );
    let (_, log) = json_of(bpmn(d).args(["log", &id, "--json"]));
    assert!(
        log.as_array().unwrap().iter().any(|e| e["to"].is_null()),
        "the reset's removals are logged: {log}"
    );
}

#[test]
fn export_and_import_move_instances_between_store_and_files() {
    on_sqlite(export_and_import_move_instances_between_store_and_files_on);
}

#[test]
fn export_and_import_move_instances_between_store_and_files_on_postgres() {
    on_postgres(export_and_import_move_instances_between_store_and_files_on);
}

fn export_and_import_move_instances_between_store_and_files_on(d: &Path) {
    let model = copy(d, "sequence.bpmn");
    add(d, &model, "Process_Sequence");
    let (_, v) = json_of(bpmn(d).args([
        "start",
        "Process_Sequence",
        "--data",
        r#"{"price": 4, "qty": 5}"#,
        "--json",
    ]));
    let id = v["instance"].as_i64().unwrap().to_string();
    bpmn(d).args(["export", &id, "out.json"]).assert().success();
    let (_, from_file) = json_of(bpmn(d).args(["tasks", "out.json", "--json"]));
    let (_, from_store) = json_of(bpmn(d).args(["tasks", &id, "--json"]));
    assert_eq!(from_file, from_store);
    let imported: i64 = stdout_of(bpmn(d).args(["import", "out.json"]))
        .trim()
        .parse()
        .unwrap();
    assert_ne!(imported.to_string(), id);
    let (_, again) = json_of(bpmn(d).args(["tasks", &imported.to_string(), "--json"]));
    assert_eq!(again, from_store);
    // Same sources: the import reuses the spec instead of adding one.
    let (_, specs) = json_of(bpmn(d).args(["specs", "--json"]));
    assert_eq!(specs.as_array().unwrap().len(), 1, "{specs}");
}

#[test]
fn a_postgres_store_is_chosen_by_flag_and_an_unreachable_one_explained() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Nothing listens on port 1: the message names the server (without
    // the password) and says what to check.
    bpmn(d)
        .args(["--store", "postgres://ann:s3cret@127.0.0.1:1/bpmn", "specs"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "postgres://ann@127.0.0.1:1/bpmn: cannot reach the PostgreSQL server (is the server running?",
        ))
        .stderr(predicates::str::contains("s3cret").not());
    let Some(test_db) = crate::pg::fresh_database() else {
        return;
    };
    let url = test_db.url.clone();
    // A new database has no store until something is added.
    bpmn(d)
        .args(["--store", &url, "instances"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no store here yet"));
    let model = copy(d, "sequence.bpmn");
    bpmn(d)
        .args(["--store", &url, "add", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .assert()
        .success();
    let (_, specs) = json_of(bpmn(d).args(["--store", &url, "specs", "--json"]));
    assert_eq!(specs[0]["process"], json!("Process_Sequence"));
    assert!(!d.join("bpmn.db").exists());
}

#[test]
fn store_chosen_by_flag_or_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = copy(d, "sequence.bpmn");
    bpmn(d)
        .args(["--store", "a.db", "add", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .assert()
        .success();
    bpmn(d)
        .env("BPMN_STORE", d.join("b.db"))
        .args(["add", "-p", "Process_Sequence", "--name", "other", "-b"])
        .arg(&model)
        .assert()
        .success();
    assert!(d.join("a.db").exists() && d.join("b.db").exists());
    assert!(!d.join("bpmn.db").exists());
    let (_, b) = json_of(bpmn(d).env("BPMN_STORE", "b.db").args(["specs", "--json"]));
    assert_eq!(b[0]["name"], json!("other"));
    // No store yet: a read says so and creates nothing.
    bpmn(d)
        .args(["instances"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no store here yet"));
    assert!(!d.join("bpmn.db").exists());
    // An instance id that is not in the store.
    bpmn(d)
        .args(["--store", "a.db", "tasks", "42"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no instance 42"));
}

#[test]
fn a_corrupt_or_newer_store_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = copy(d, "sequence.bpmn");
    // Not SQLite at all.
    std::fs::write(
        d.join("bpmn.db"),
        b"this is not a database, but it matters to me",
    )
    .unwrap();
    let before = std::fs::read(d.join("bpmn.db")).unwrap();
    for args in [vec!["specs"], vec!["instances"]] {
        bpmn(d)
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("not a usable bpmn store"));
    }
    bpmn(d)
        .args(["add", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(d.join("bpmn.db")).unwrap(), before);

    // Another program's SQLite database.
    let other = d.join("other.db");
    {
        let c = rusqlite::Connection::open(&other).unwrap();
        c.execute_batch("CREATE TABLE mine (x INTEGER); INSERT INTO mine VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    bpmn(d)
        .args(["--store", "other.db", "add", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("another program"));
    assert_eq!(std::fs::read(&other).unwrap(), before);

    // A store of a newer schema.
    let newer = d.join("newer.db");
    drop(SqliteStore::open(&newer, true).unwrap());
    {
        let c = rusqlite::Connection::open(&newer).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = std::fs::read(&newer).unwrap();
    bpmn(d)
        .args(["--store", "newer.db", "add", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("newer bpmn-runner"));
    assert_eq!(std::fs::read(&newer).unwrap(), before);
}

fn sample_spec(dir: &Path) -> NewSpec {
    let path = fixture("sequence.bpmn");
    NewSpec {
        name: "seq".into(),
        target: SpecTarget::Process("Process_Sequence".into()),
        bpmn: vec![SpecFile {
            text: std::fs::read_to_string(&path).unwrap(),
            path: dir.join("sequence.bpmn"),
        }],
        dmn: vec![],
        dialect: None,
    }
}

#[test]
fn a_save_based_on_a_stale_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bpmn.db");
    // Two connections are two processes as far as SQLite is concerned.
    let mut a = SqliteStore::open(&path, true).unwrap();
    let mut b = SqliteStore::open(&path, true).unwrap();
    let spec = a.add_spec(&sample_spec(dir.path())).unwrap().spec.id;
    let save = |state: &'static [u8]| InstanceSave::new(state, InstanceStatus::Waiting);
    let id = a.create_instance(spec, save(b"{}")).unwrap().id;
    let read_a = a.instance(id).unwrap().info.revision;
    let read_b = b.instance(id).unwrap().info.revision;
    a.update_instance(id, read_a, None, save(b"{\"a\":1}"))
        .unwrap();
    match b.update_instance(id, read_b, None, save(b"{\"b\":1}")) {
        Err(StoreError::Stale { read, now, .. }) => assert_eq!((read, now), (read_b, read_b + 1)),
        other => panic!("expected a stale refusal, got {other:?}"),
    }
    assert_eq!(
        b.instance(id).unwrap().state,
        b"{\"a\":1}",
        "a's update stands"
    );
}

#[test]
fn two_processes_on_one_store_lose_nothing() {
    on_sqlite(two_processes_on_one_store_lose_nothing_on);
}

#[test]
fn two_processes_on_one_store_lose_nothing_on_postgres() {
    on_postgres(two_processes_on_one_store_lose_nothing_on);
}

fn two_processes_on_one_store_lose_nothing_on(d: &Path) {
    let model = copy(d, "sequence.bpmn");
    add(d, &model, "Process_Sequence");
    const EACH: usize = 8;
    let spawn = || {
        let (dir, store) = (d.to_path_buf(), same_store());
        std::thread::spawn(move || {
            store();
            let mut ids = Vec::new();
            for _ in 0..EACH {
                let (code, v) = json_of(bpmn(&dir).args([
                    "start",
                    "Process_Sequence",
                    "--data",
                    r#"{"price": 1, "qty": 1}"#,
                    "--json",
                ]));
                assert_eq!(code, 4, "{v}");
                ids.push(v["instance"].as_i64().unwrap());
            }
            ids
        })
    };
    let (x, y) = (spawn(), spawn());
    let mut ids: Vec<i64> = x.join().unwrap();
    ids.extend(y.join().unwrap());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2 * EACH, "every start got its own instance");
    let (_, list) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(list.as_array().unwrap().len(), 2 * EACH);

    // Both complete the same instance at once: exactly one wins; the
    // other is refused (stale) or finds the task already done.
    let id = ids[0].to_string();
    let a = answers(
        d,
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "x"}}]),
    );
    let go = || {
        let (dir, id, a, store) = (d.to_path_buf(), id.clone(), a.clone(), same_store());
        std::thread::spawn(move || {
            store();
            bpmn(&dir)
                .args(["resume", &id, "--answers"])
                .arg(&a)
                .output()
                .unwrap()
        })
    };
    let (p, q) = (go(), go());
    let outs = [p.join().unwrap(), q.join().unwrap()];
    let ok = outs.iter().filter(|o| o.status.success()).count();
    assert!(ok >= 1, "one of them completes it");
    for o in outs.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("changed by another bpmn") || err.contains("Task_Confirm"),
            "{err}"
        );
    }
    let (_, log) = json_of(bpmn(d).args(["log", &id, "--json"]));
    let completions = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["bpmn_id"] == "Task_Confirm" && e["to"] == "COMPLETED")
        .count();
    assert_eq!(completions, 1, "completed once, logged once: {log}");
}

/// Stdout and stderr of a finished command, together.
fn both(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_session_on_a_stored_instance_saves_back_into_the_store() {
    on_sqlite(a_session_on_a_stored_instance_saves_back_into_the_store_on);
}

#[test]
fn a_session_on_a_stored_instance_saves_back_into_the_store_on_postgres() {
    on_postgres(a_session_on_a_stored_instance_saves_back_into_the_store_on);
}

fn a_session_on_a_stored_instance_saves_back_into_the_store_on(d: &Path) {
    let model = copy(d, "sequence.bpmn");
    add(d, &model, "Process_Sequence");
    // Lines on stdin make a session (as a person typing would).
    let out = bpmn(d)
        .args([
            "start",
            "Process_Sequence",
            "--data",
            r#"{"price": 4, "qty": 5}"#,
        ])
        .write_stdin("8\n")
        .output()
        .unwrap();
    let text = both(&out);
    assert!(text.contains("Started instance 1"), "{text}");
    assert!(
        text.contains("Continue with: ") && text.contains(" resume 1\n"),
        "the hint names the instance, not a working file: {text}"
    );
    let out = bpmn(d)
        .args(["resume", "1"])
        .write_stdin("1\ntip = 2\nreviewer = ann\n\n8\n")
        .output()
        .unwrap();
    let text = both(&out);
    // "Save state" (8th of the menu once completed) saves into the store
    // without asking a file name.
    assert!(text.contains("Saved to instance 1 in the store."), "{text}");
    assert!(!text.contains("Save to file"), "{text}");
    let (_, data) = json_of(bpmn(d).args(["data", "1", "--json"]));
    assert_eq!(
        (data["tip"].clone(), data["reviewer"].clone()),
        (json!(2), json!("ann"))
    );
    let (_, list) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(list[0]["status"], json!("completed"));
    let (_, log) = json_of(bpmn(d).args(["log", "1", "--json"]));
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["bpmn_id"] == "Task_Confirm"
                && e["from"] == "READY"
                && e["to"] == "COMPLETED"),
        "the session's work is logged: {log}"
    );
}

/// The README's walk through the library, on the tutorial in `bpmn/`.
#[test]
fn the_readme_tutorial_through_the_library() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("bpmn.db");
    let cli = || {
        let mut c = Command::cargo_bin("bpmn").unwrap();
        c.current_dir(&root).env("BPMN_STORE", &store);
        c
    };
    let spec = stdout_of(cli().args([
        "add",
        "-p",
        "order_product",
        "-b",
        "bpmn/top_level.bpmn",
        "bpmn/call_activity.bpmn",
        "-d",
        "dmn/product_prices.dmn",
        "dmn/shipping_costs.dmn",
    ]));
    assert_eq!(spec.trim(), "1");
    let (code, v) = json_of(cli().args([
        "start",
        "order_product",
        "--answers",
        "bpmn/answers/top_level.json",
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("bpmn/answers/top_level.expected.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["data"], expected);
    let id = v["instance"].to_string();
    let log = stdout_of(cli().args(["log", &id]));
    assert!(log.contains("select_product_and_quantity"), "{log}");
    let out = stdout_of(cli().args(["reset", &id, "--task", "select_product_and_quantity"]));
    assert!(
        out.contains("Continue with: ") && out.contains(" resume 1\n"),
        "{out}"
    );
    let (_, tasks) = json_of(cli().args(["tasks", &id, "--state", "ready", "--json"]));
    assert_eq!(tasks[0]["bpmn_id"], json!("select_product_and_quantity"));
    // Redo from there with the same answers: the same end.
    let (code, v) = json_of(cli().args([
        "resume",
        &id,
        "--answers",
        "bpmn/answers/top_level.json",
        "--json",
    ]));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["data"], expected);
}

#[test]
fn diff_and_migrate_between_library_versions() {
    on_sqlite(diff_and_migrate_between_library_versions_on);
}

#[test]
fn diff_and_migrate_between_library_versions_on_postgres() {
    on_postgres(diff_and_migrate_between_library_versions_on);
}

/// The README's "after editing a diagram": a new version in the library,
/// the difference, the instance's mapping, the migration and the run on
/// the new path — all by spec and instance ids.
fn diff_and_migrate_between_library_versions_on(d: &Path) {
    let model = d.join("order.bpmn");
    std::fs::copy(fixture("migrate/order_v1.bpmn"), &model).unwrap();
    let v1 = add(d, &model, "order");
    let (code, v) = json_of(bpmn(d).args(["start", "order", "--data", r#"{"qty": 2}"#, "--json"]));
    assert_eq!(code, 4, "{v}");
    let id = v["instance"].as_i64().unwrap().to_string();
    let a = answers(d, json!([{"task": "A", "data": {}}]));
    let (code, v) = json_of(
        bpmn(d)
            .args(["resume", &id, "--answers"])
            .arg(&a)
            .arg("--json"),
    );
    assert_eq!((code, v["ready"].clone()), (4, json!(["B"])), "{v}");

    // Edit the diagram and add it: version 2.
    std::fs::copy(fixture("migrate/order_v2.bpmn"), &model).unwrap();
    let v2 = add(d, &model, "order");
    assert_ne!(v1, v2);
    let diff = stdout_of(bpmn(d).args(["diff-spec", &v1.to_string(), &v2.to_string()]));
    assert!(diff.contains('D') && diff.contains("Approve"), "{diff}");
    let (_, dj) = json_of(bpmn(d).args(["diff-spec", &v1.to_string(), &v2.to_string(), "--json"]));
    assert!(
        dj["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "D"),
        "{dj}"
    );
    let mapping = stdout_of(bpmn(d).args(["diff-instance", &id, "--spec", &v2.to_string()]));
    assert!(mapping.contains('B'), "{mapping}");

    // A version without B is refused: B is live; nothing changes.
    std::fs::copy(fixture("migrate/order_no_b.bpmn"), &model).unwrap();
    let no_b = add(d, &model, "order");
    let (_, before) = json_of(bpmn(d).args(["instances", "--json"]));
    bpmn(d)
        .args(["migrate", &id, "--spec", &no_b.to_string()])
        .assert()
        .code(2);
    let (_, after) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(after, before, "a refused migration changes nothing");

    let out = stdout_of(bpmn(d).args(["migrate", &id, "--spec", &v2.to_string()]));
    assert!(out.contains(&format!("now runs spec {v2}")), "{out}");
    let (_, list) = json_of(bpmn(d).args(["instances", "--json"]));
    assert_eq!(list[0]["spec"], json!(v2));
    assert_eq!(list[0]["version"], json!(2));
    // It runs on the new path: B, then the new D, then C.
    let a = answers(
        d,
        json!([{"task": "B", "data": {}}, {"task": "D", "data": {}}, {"task": "C", "data": {}}]),
    );
    let (code, v) = json_of(
        bpmn(d)
            .args(["resume", &id, "--answers"])
            .arg(&a)
            .arg("--json"),
    );
    assert_eq!(code, 0, "{v}");
    let (_, log) = json_of(bpmn(d).args(["log", &id, "--json"]));
    let completed: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["to"] == "COMPLETED")
        .filter_map(|e| e["bpmn_id"].as_str())
        .filter(|b| ["A", "B", "C", "D"].contains(b))
        .collect();
    assert_eq!(completed, ["A", "B", "D", "C"]);
}

#[test]
fn collaborations_are_specs_too() {
    on_sqlite(collaborations_are_specs_too_on);
}

#[test]
fn collaborations_are_specs_too_on_postgres() {
    on_postgres(collaborations_are_specs_too_on);
}

fn collaborations_are_specs_too_on(d: &Path) {
    let model = copy(d, "collaboration.bpmn");
    let spec = stdout_of(
        bpmn(d)
            .args(["add", "-c", "Collab_Orders", "-b"])
            .arg(&model),
    );
    let (_, specs) = json_of(bpmn(d).args(["specs", "--json"]));
    assert_eq!(specs[0]["id"].to_string(), spec.trim());
    assert_eq!(specs[0]["collaboration"], json!("Collab_Orders"));
    let (code, v) = json_of(bpmn(d).args(["start", "Collab_Orders", "--json"]));
    assert_eq!(code, 4, "{v}");
    assert_eq!(v["ready"], json!(["Task_PlaceOrder", "Task_Pick"]));
    bpmn(d)
        .args(["add", "-c", "No_Such_Collab", "-b"])
        .arg(&model)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("No_Such_Collab"));
}

/// What a reader of the store sees of it: specs, instances (with their
/// update times) and every instance's log.
fn store_view(d: &Path) -> Value {
    let (_, specs) = json_of(bpmn(d).args(["specs", "--json"]));
    let (_, instances) = json_of(bpmn(d).args(["instances", "--json"]));
    let logs: Vec<Value> = instances
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json_of(bpmn(d).args(["log", &i["id"].to_string(), "--json"])).1)
        .collect();
    json!({"specs": specs, "instances": instances, "logs": logs})
}

#[test]
fn read_only_commands_change_nothing_in_the_store() {
    on_sqlite(read_only_commands_change_nothing_in_the_store_on);
}

#[test]
fn read_only_commands_change_nothing_in_the_store_on_postgres() {
    on_postgres(read_only_commands_change_nothing_in_the_store_on);
}

fn read_only_commands_change_nothing_in_the_store_on(d: &Path) {
    let timer = copy(d, "events/timer_boundary.bpmn");
    add(d, &timer, "Process_TimerBoundary");
    let (_, v) = json_of(bpmn(d).args([
        "start",
        "Process_TimerBoundary",
        "--now",
        "2025-01-01T00:00:00Z",
        "--json",
    ]));
    let id = v["instance"].to_string();
    let before = store_view(d);
    for args in [
        vec!["tasks", &id],
        vec!["tasks", &id, "--json", "--state", "all"],
        vec!["data", &id],
        vec!["events", &id],
        vec!["diff-instance", &id, "--spec", "1"],
        vec!["migrate", &id, "--spec", "1", "--dry-run"],
        vec!["export", &id, "copy.json"],
    ] {
        bpmn(d).args(&args).assert().success();
    }
    assert_eq!(store_view(d), before);
}
