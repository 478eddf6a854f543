//! End-to-end tests of state files through the built binary: run --save,
//! resume, tasks, data, reset; corrupt, newer and interrupted files.

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};
use support::fixture;

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

/// Starts sequence.bpmn (copied into `dir`) and saves at the user task.
fn saved_sequence(dir: &Path, name: &str) -> PathBuf {
    let model = dir.join("order.bpmn");
    std::fs::copy(fixture("sequence.bpmn"), &model).unwrap();
    let state = dir.join(name);
    bpmn()
        .args(["run", "-b"])
        .arg(&model)
        .args([
            "-p",
            "Process_Sequence",
            "--data",
            r#"{"price": 4, "qty": 5}"#,
            "--save",
        ])
        .arg(&state)
        .assert()
        .code(4);
    state
}

fn answers(dir: &Path, v: Value) -> PathBuf {
    let p = dir.join("answers.json");
    std::fs::write(&p, v.to_string()).unwrap();
    p
}

fn json_out(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn run_save_then_resume_in_json_and_ron_without_the_bpmn_files() {
    for name in ["s.json", "s.ron"] {
        let dir = tempfile::tempdir().unwrap();
        let state = saved_sequence(dir.path(), name);
        // Self-contained: the diagram is gone.
        std::fs::remove_file(dir.path().join("order.bpmn")).unwrap();
        let a = answers(
            dir.path(),
            json!([{"task": "Task_Confirm", "data": {"tip": 2, "reviewer": "ann"}}]),
        );
        let (code, v) = json_out(
            bpmn()
                .arg("resume")
                .arg(&state)
                .arg("--answers")
                .arg(&a)
                .arg("--json"),
        );
        assert_eq!(code, 0, "{name}");
        assert_eq!(v["data"]["grand_total"], json!(22), "{name}");
        // Saved back to the same file, now completed.
        let (code, v) = json_out(bpmn().arg("resume").arg(&state).arg("--json"));
        assert_eq!((code, v["completed"].clone()), (0, json!(true)), "{name}");
    }
}

#[test]
fn resume_waits_with_exit_4_and_save_elsewhere_leaves_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let other = dir.path().join("other.ron");
    let (code, v) = json_out(
        bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--json")
            .arg("--save")
            .arg(&other),
    );
    assert_eq!(code, 4);
    assert_eq!(v["ready"], json!(["Task_Confirm"]));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert!(other.exists());
}

#[test]
fn tasks_and_data_inspect_a_saved_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let out = bpmn().arg("tasks").arg(&state).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    for col in [
        "id",
        "BPMN id",
        "name",
        "type",
        "lane",
        "state",
        "Task_Confirm",
        "READY",
        "FUTURE",
        "COMPLETED",
    ] {
        assert!(table.contains(col), "{col} missing in\n{table}");
    }
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "ready", "--json"]),
    );
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["bpmn_id"], json!("Task_Confirm"));
    assert_eq!(rows[0]["type"], json!("userTask"));
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "future", "--json"]),
    );
    let future: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["bpmn_id"].as_str().unwrap())
        .collect();
    assert_eq!(future, ["Task_Final", "EndEvent_1"]);
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "completed", "--json"]),
    );
    assert_eq!(v.as_array().unwrap().len(), 2);

    // An id prefix taken from the listing works for --task.
    let id = rows[0]["id"].as_str().unwrap();
    let (code, v) = json_out(
        bpmn()
            .arg("data")
            .arg(&state)
            .args(["--task", &id[..5], "--json"]),
    );
    assert_eq!(code, 0);
    assert_eq!(v, json!({"price": 4, "qty": 5, "total": 20}));
    let (code, v) =
        json_out(
            bpmn()
                .arg("data")
                .arg(&state)
                .args(["--task", "Task_Total", "--json"]),
        );
    assert_eq!((code, v["total"].clone()), (0, json!(20)));
}

#[test]
fn reset_from_the_shell_then_resume() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(0);
    bpmn()
        .arg("reset")
        .arg(&state)
        .args(["--task", "Task_Total", "--data", r#"{"qty": 10}"#])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Reset to Task_Total"));
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "ready", "--json"]),
    );
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "bob"}}]),
    );
    let (code, v) = json_out(
        bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--answers")
            .arg(&a)
            .arg("--json"),
    );
    assert_eq!(code, 0);
    assert_eq!(
        v["data"]["total"],
        json!(40),
        "the script re-ran with the override"
    );
    assert_eq!(v["data"]["grand_total"], json!(41));
}

#[test]
fn bad_task_references_exit_2_and_leave_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    bpmn()
        .arg("reset")
        .arg(&state)
        .args(["--task", "Task_Nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no task matches `Task_Nope`"))
        .stderr(predicates::str::contains("Task_Confirm"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
}

#[test]
fn corrupt_foreign_and_newer_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let good = saved_sequence(dir.path(), "good.json");
    let text = std::fs::read_to_string(&good).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    let mut newer = doc.clone();
    newer["version"] = json!(99);
    doc["instance"]["tasks"][1][1] = json!(999);
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated.json",
            text[..text.len() / 2].to_string(),
            "JSON error at line",
        ),
        (
            "garbage.json",
            "\u{0}\u{1}not json".to_string(),
            "not a valid state file",
        ),
        ("mangled.json", doc.to_string(), "refers to node 999"),
        ("newer.json", newer.to_string(), "newer bpmn-runner"),
        (
            "foreign.json",
            r#"{"hello": 1}"#.to_string(),
            "not a bpmn-runner state file",
        ),
        (
            "bad.ron",
            "(format: \"bpmn-runner-state\", version: ".to_string(),
            "RON error",
        ),
        ("state.txt", text.clone(), "must end in .json or .ron"),
    ];
    for (name, content, message) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, &content).unwrap();
        for sub in [
            &["resume"][..],
            &["tasks"],
            &["data"],
            &["reset", "--task", "Task_Total"],
        ] {
            let out = bpmn()
                .args(&sub[..1])
                .arg(&p)
                .args(&sub[1..])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{name} {sub:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains(name) && stderr.contains(message),
                "{name} {sub:?}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert_eq!(
                std::fs::read_to_string(&p).unwrap(),
                content,
                "{name} was modified"
            );
        }
    }
}

#[test]
fn an_interrupted_save_keeps_the_previous_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    let out = bpmn()
        .env(bpmn_engine::storage::FAULT_ENV, "abort-before-rename")
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the process was killed mid-save");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the old state is intact"
    );
    // ...and still loads.
    let (code, v) = json_out(
        bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--json")
            .arg("--answers")
            .arg(&a),
    );
    assert_eq!((code, v["completed"].clone()), (0, json!(true)));
}

#[test]
fn a_failed_save_says_so_and_keeps_the_previous_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    bpmn()
        .env(bpmn_engine::storage::FAULT_ENV, "fail-write")
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("could not save the state"))
        .stderr(predicates::str::contains(
            "previous file, if any, is unchanged",
        ));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_first_format_version_still_loads() {
    // tests/fixtures/state/v1.json was written by the first version of the
    // format; every later version must migrate it.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("v1.json");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/state/v1.json"),
        &copy,
    )
    .unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 3, "reviewer": "ann"}}]),
    );
    let (code, v) = json_out(
        bpmn()
            .arg("resume")
            .arg(&copy)
            .arg("--answers")
            .arg(&a)
            .arg("--json"),
    );
    assert_eq!(code, 0);
    assert_eq!(
        v["data"],
        json!({"price": 4, "qty": 5, "total": 20, "tip": 3, "reviewer": "ann", "grand_total": 23, "status": "confirmed by ann"})
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    assert_eq!(
        saved["version"],
        json!(bpmn_engine::storage::CURRENT_VERSION)
    );
}

/// Runs the standard-loop user task of `data/loop_user.bpmn` once (not
/// done), so its first iteration is COMPLETED and the second READY.
fn saved_loop(dir: &Path) -> PathBuf {
    let state = dir.join("loop.json");
    let a = answers(dir, json!([{"task": "Task_Ask", "data": {"done": false}}]));
    bpmn()
        .args(["run", "-b"])
        .arg(fixture("data/loop_user.bpmn"))
        .args(["-p", "Process_LoopUser", "--answers"])
        .arg(&a)
        .arg("--save")
        .arg(&state)
        .assert()
        .code(4);
    state
}

#[test]
fn reset_by_bpmn_id_takes_the_most_recent_completed_task_and_keeps_the_previous_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_loop(dir.path());
    let before = std::fs::read(&state).unwrap();
    let completed = |state: &Path| -> Vec<String> {
        let (_, v) =
            json_out(
                bpmn()
                    .arg("tasks")
                    .arg(state)
                    .args(["--state", "completed", "--json"]),
            );
        v.as_array()
            .unwrap()
            .iter()
            .map(|t| t["bpmn_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(completed(&state), ["StartEvent_1", "Task_Ask"]);
    let out = bpmn()
        .arg("reset")
        .arg(&state)
        .args(["--task", "Task_Ask"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let backup = dir.path().join("loop.before-reset.json");
    assert!(stdout.contains("Reset to Task_Ask"), "{stdout}");
    assert!(
        stdout.contains(&backup.display().to_string()),
        "the output names the previous state: {stdout}"
    );
    // The completed iteration is ready again; the later one is gone.
    assert_eq!(completed(&state), ["StartEvent_1"]);
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "ready", "--json"]),
    );
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    // One generation of undo, byte for byte.
    assert_eq!(std::fs::read(&backup).unwrap(), before);
    std::fs::rename(&backup, &state).unwrap();
    assert_eq!(completed(&state), ["StartEvent_1", "Task_Ask"]);
}

#[test]
fn reset_refuses_ready_tasks_and_short_prefixes_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let (_, v) = json_out(
        bpmn()
            .arg("tasks")
            .arg(&state)
            .args(["--state", "ready", "--json"]),
    );
    let ready_id = v[0]["id"].as_str().unwrap().to_string();
    for reference in ["Task_Confirm", ready_id.as_str()] {
        bpmn()
            .arg("reset")
            .arg(&state)
            .args(["--task", reference])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("already READY"));
    }
    bpmn()
        .arg("reset")
        .arg(&state)
        .args(["--task", &ready_id[..3]])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at least 4 characters"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    assert!(
        !dir.path().join("s.before-reset.json").exists(),
        "a refused reset keeps no backup"
    );
}

#[test]
fn an_ambiguous_id_prefix_is_refused_with_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("loop.json");
    bpmn()
        .args(["run", "-b"])
        .arg(fixture("loop.bpmn"))
        .args(["-p", "Process_Loop", "--data", r#"{"n": 22000}"#, "--save"])
        .arg(&state)
        .assert()
        .code(0);
    let (wf, _) = bpmn_engine::storage::load(&state).unwrap();
    let mut ids: Vec<String> = wf.tasks().map(|t| t.id.to_string()).collect();
    ids.sort();
    let shared = ids
        .windows(2)
        .find(|w| w[0][..4] == w[1][..4])
        .map(|w| w[0][..4].to_string())
        .expect("66,000 ids share some 4-character prefix");
    bpmn()
        .arg("reset")
        .arg(&state)
        .args(["--task", &shared])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ambiguous"));
}

#[test]
fn tasks_are_listed_in_the_same_order_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    bpmn()
        .args(["run", "-b"])
        .arg(fixture("parallel_nested.bpmn"))
        .args(["-p", "Process_ParallelNested", "--save"])
        .arg(&state)
        .assert()
        .code(4);
    let listing = || {
        bpmn()
            .arg("tasks")
            .arg(&state)
            .arg("--json")
            .output()
            .unwrap()
            .stdout
    };
    let first = listing();
    assert!(!first.is_empty());
    for _ in 0..5 {
        assert_eq!(
            listing(),
            first,
            "`bpmn tasks` lists rows in a stable order"
        );
    }
}

#[test]
fn a_state_that_fails_the_invariant_checks_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    // Claim the READY user task completed.
    let ready = v["instance"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r[4] == "R")
        .unwrap();
    v["instance"]["completion_runs"]
        .as_array_mut()
        .unwrap()
        .push(json!([ready, 1]));
    let text = serde_json::to_vec(&v).unwrap();
    std::fs::write(&state, &text).unwrap();
    bpmn()
        .arg("resume")
        .arg(&state)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("inconsistent"))
        .stderr(predicates::str::contains("not COMPLETED"));
    assert_eq!(std::fs::read(&state).unwrap(), text);
}

/// The names in `dir` that look like temporaries of a save.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn a_save_keeps_the_state_file_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = std::fs::read(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(0);
    assert_ne!(std::fs::read(&state).unwrap(), before, "saved");
    let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
}

#[cfg(unix)]
#[test]
fn a_state_file_reached_through_a_link_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let keep = dir.path().join("keep");
    std::fs::create_dir(&keep).unwrap();
    let target = saved_sequence(&keep, "s.json");
    let link = dir.path().join("current.json");
    std::os::unix::fs::symlink("keep/s.json", &link).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    bpmn()
        .arg("resume")
        .arg(&link)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(0);
    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("keep/s.json"));
    // The target has the completed instance.
    let (code, v) = json_out(bpmn().arg("resume").arg(&target).arg("--json"));
    assert_eq!((code, v["completed"].clone()), (0, json!(true)));
    assert!(temporaries(dir.path()).is_empty());
    assert!(temporaries(&keep).is_empty());
}

#[test]
fn the_next_save_removes_the_temporary_a_killed_save_left() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    let out = bpmn()
        .env(bpmn_engine::storage::FAULT_ENV, "abort-before-rename")
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the process was killed mid-save");
    let left = temporaries(dir.path());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].starts_with(".s.json.tmp-"), "{left:?}");
    // The process is gone; the next save of the file tidies up.
    bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(0);
    let left = temporaries(dir.path());
    if Path::new("/proc/self").exists() {
        assert!(left.is_empty(), "{left:?}");
    }
}

/// A `bpmn resume` session on a pipe that holds `state` until `release`
/// ends it: its first input line is left unfinished, so it waits at its
/// menu with the file locked.
struct Holder {
    child: std::process::Child,
}

impl Holder {
    fn start(state: &Path) -> Holder {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_bpmn"))
            .arg("resume")
            .arg(state)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // A first byte makes it a line-based session; the line ends later.
        let stdin = child.stdin.as_mut().unwrap();
        stdin.write_all(b"Qu").unwrap();
        stdin.flush().unwrap();
        // Holding the lock: its pid is in the sidecar.
        let sidecar = state.with_file_name(format!(
            ".{}.lock",
            state.file_name().unwrap().to_string_lossy()
        ));
        let pid = child.id().to_string();
        support::wait_until("the holding session locks the state file", || {
            assert!(child.try_wait().unwrap().is_none(), "the session ended");
            std::fs::read_to_string(&sidecar).unwrap_or_default() == pid
        });
        Holder { child }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Answers "Quit" and waits for the session to end (nothing changed, so
    /// it saves nothing: exit 4).
    fn release(mut self) {
        use std::io::Write;
        let mut stdin = self.child.stdin.take().unwrap();
        stdin.write_all(b"it\n").unwrap();
        drop(stdin);
        assert_eq!(self.child.wait().unwrap().code(), Some(4));
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_second_resume_is_refused_while_a_session_holds_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    let holder = Holder::start(&state);
    let busy = format!(
        "s.json is in use by another bpmn (pid {}); try again when it finishes, or pass --wait",
        holder.pid()
    );
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&busy), "{err}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the file is untouched"
    );
    // Every command that writes the state back is refused the same way;
    // the read-only ones still work.
    for args in [
        vec!["reset", "--task", "Task_Confirm"],
        vec!["advance", "--by", "PT1H"],
        vec!["send", "--signal", "go"],
    ] {
        let out = bpmn()
            .arg(args[0])
            .arg(&state)
            .args(&args[1..])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&busy), "{args:?}: {err}");
    }
    let model = dir.path().join("order.bpmn");
    bpmn()
        .args(["run", "-p", "Process_Sequence", "-b"])
        .arg(&model)
        .arg("--save")
        .arg(&state)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(busy.as_str()));
    for cmd in ["tasks", "data", "events"] {
        bpmn().arg(cmd).arg(&state).assert().code(0);
    }
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "the file is untouched"
    );
    holder.release();
    // Free again.
    let (code, v) = json_out(
        bpmn()
            .arg("resume")
            .arg(&state)
            .arg("--json")
            .arg("--answers")
            .arg(&a),
    );
    assert_eq!((code, v["completed"].clone()), (0, json!(true)));
}

#[test]
fn with_wait_a_second_resume_proceeds_once_the_first_is_done() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    let holder = Holder::start(&state);
    // Its messages go to a file, so the test can see it say it waits.
    let err_file = dir.path().join("waiter.err");
    let waiter = Command::new(env!("CARGO_BIN_EXE_bpmn"))
        .arg("resume")
        .arg(&state)
        .args(["--json", "--wait", "--answers"])
        .arg(&a)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    support::wait_until("the second resume says it waits for the lock", || {
        std::fs::read_to_string(&err_file)
            .unwrap_or_default()
            .contains("waiting for it to finish")
    });
    assert_eq!(std::fs::read(&state).unwrap(), before, "it waits");
    let holder_pid = holder.pid();
    holder.release();
    let out = waiter.wait_with_output().unwrap();
    let err = std::fs::read_to_string(&err_file).unwrap();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "s.json is in use by another bpmn (pid {holder_pid}); waiting for it to finish"
        )),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(true));
    let (code, v) = json_out(bpmn().arg("resume").arg(&state).arg("--json"));
    assert_eq!((code, v["completed"].clone()), (0, json!(true)), "saved");
}

#[test]
fn a_lock_held_by_another_program_is_respected_too() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_sequence(dir.path(), "s.json");
    let before = std::fs::read(&state).unwrap();
    let lock = bpmn_engine::storage::StateLock::try_acquire(&state).unwrap();
    let a = answers(
        dir.path(),
        json!([{"task": "Task_Confirm", "data": {"tip": 1, "reviewer": "ann"}}]),
    );
    bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "is in use by another bpmn (pid {})",
            std::process::id()
        )));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    drop(lock);
    bpmn()
        .arg("resume")
        .arg(&state)
        .arg("--answers")
        .arg(&a)
        .assert()
        .code(0);
}
