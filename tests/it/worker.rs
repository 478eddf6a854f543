//! `bpmn worker` through the built binary, on every store backend: due
//! timers fired on the wall clock, queued messages delivered once (and
//! kept while nothing waits for them yet), pending engine work finished,
//! timer start events started once however many workers tick, `bpmn send`
//! queueing for a held instance, the holder shown by `bpmn instances`, a
//! graceful stop on SIGTERM — and four workers sharing 1,000 instances,
//! one of them killed midway: every instance completes exactly once.

use crate::support::fixture;

use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;
use bpmn_engine::storage::{
    self, DeliveryKind, Format, InstanceSave, InstanceStatus, NewSpec, Origin, SpecFile,
    SpecTarget, Store,
};
use bpmn_engine::{Data, Specs, TaskState};
use serde_json::{Value, json};

/// The stores to run each test on: an SQLite file in `dir`, and a fresh
/// PostgreSQL database when a server is available.
fn backends(dir: &Path) -> Vec<Backend> {
    let mut all = vec![Backend {
        location: dir.join("bpmn.db").display().to_string(),
        _database: None,
    }];
    if let Some(db) = crate::pg::fresh_database() {
        all.push(Backend {
            location: db.url.clone(),
            _database: Some(db),
        });
    }
    all
}

/// A store's location, with the PostgreSQL database it names kept until
/// the test is done with it.
struct Backend {
    location: String,
    _database: Option<crate::pg::TestDatabase>,
}

impl std::ops::Deref for Backend {
    type Target = String;
    fn deref(&self) -> &String {
        &self.location
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location)
    }
}

/// The binary on store `store`, working in `dir`.
fn bpmn(dir: &Path, store: &str) -> Command {
    let mut c = Command::cargo_bin("bpmn").expect("the bpmn binary is built");
    c.current_dir(dir).env("BPMN_STORE", store);
    c
}

/// Runs `cmd`; returns its exit code, stdout and stderr.
fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs `cmd`, which must succeed; returns its stdout.
fn ok(cmd: &mut Command) -> String {
    let (code, out, err) = output(cmd);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    out
}

fn worker_fixture(name: &str) -> PathBuf {
    fixture(&format!("worker/{name}.bpmn"))
}

/// `bpmn instances --json`.
fn instances(dir: &Path, store: &str) -> Vec<Value> {
    let out = ok(bpmn(dir, store).args(["instances", "--json"]));
    serde_json::from_str(&out).unwrap()
}

fn instance(dir: &Path, store: &str, id: i64) -> Value {
    instances(dir, store)
        .into_iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("instance {id} is listed"))
}

fn data(dir: &Path, store: &str, id: i64) -> Value {
    serde_json::from_str(&ok(bpmn(dir, store).args(["data", &id.to_string()]))).unwrap()
}

/// Adds the timer-then-message spec and starts one instance waiting
/// `wait`; returns its id.
fn start_timer_then_message(dir: &Path, store: &str, wait: &str) -> i64 {
    let file = worker_fixture("timer_then_message");
    ok(bpmn(dir, store)
        .args(["add", "-p", "Process_Worker", "-b"])
        .arg(file));
    let data = json!({"wait": wait, "runs": 0}).to_string();
    let (code, out, err) =
        output(bpmn(dir, store).args(["start", "Process_Worker", "--json", "--data", &data]));
    assert_eq!(code, 4, "it waits: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["instance"].as_i64().expect("the instance id")
}

#[test]
fn a_worker_fires_due_timers_and_delivers_queued_messages_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for store in backends(d) {
        let id = start_timer_then_message(d, &store, "PT1S");
        let (code, out, _) = output(bpmn(d, &store).args([
            "send",
            &id.to_string(),
            "--message",
            "go",
            "--queue",
            "--payload",
            r#"{"x": 7}"#,
        ]));
        assert_eq!(code, 0);
        assert!(out.contains("Queued message `go`"), "{out}");
        assert_eq!(instance(d, &store, id)["queued"], 1);
        // Before the timer: the message cannot be delivered yet and stays.
        let (code, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("kept (nothing waits for it yet)"), "{err}");
        let i = instance(d, &store, id);
        assert_eq!(
            (i["status"].as_str(), i["queued"].as_i64()),
            (Some("waiting"), Some(1))
        );
        // Tried at this revision: not due again until the timer.
        let (_, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert!(!err.contains(&format!("instance {id}:")), "{err}");
        std::thread::sleep(Duration::from_millis(1100));
        let (code, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("delivered message `go`; now completed"),
            "{err}"
        );
        let i = instance(d, &store, id);
        assert_eq!(i["status"], "completed", "{store}");
        assert_eq!(i["queued"], 0);
        assert_eq!(i["holder"], Value::Null, "the save ended the claim");
        let v = data(d, &store, id);
        assert_eq!((v["runs"].as_i64(), v["x"].as_i64()), (Some(1), Some(7)));
        // Nothing is left to do.
        let (_, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert!(err.contains("stopped after 0 instance runs"), "{err}");
    }
}

#[test]
fn send_queues_while_a_worker_holds_the_instance_and_instances_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for store in backends(d) {
        let id = start_timer_then_message(d, &store, "PT1S");
        std::thread::sleep(Duration::from_millis(1100));
        // Its timer is due; a worker elsewhere holds it (claimed through
        // the library).
        let mut s = storage::open_store(&store, false).unwrap();
        let now = jiff::Timestamp::now();
        let claimed = s
            .claim_due("far-away-7", now, Duration::from_secs(60), 10)
            .unwrap();
        assert_eq!(claimed, vec![id]);
        assert_eq!(
            instance(d, &store, id)["holder"]["worker"],
            "far-away-7",
            "instances --json names the holder"
        );
        let table = ok(bpmn(d, &store).arg("instances"));
        assert!(
            table.contains("held by") && table.contains("far-away-7"),
            "{table}"
        );
        let out = ok(bpmn(d, &store).args(["send", &id.to_string(), "--message", "go"]));
        assert!(
            out.contains("worker far-away-7 holds the instance"),
            "{out}"
        );
        assert_eq!(
            instance(d, &store, id)["status"],
            "waiting",
            "not run by send"
        );
        // Another worker leaves it alone while the claim lasts.
        let (_, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert!(err.contains("stopped after 0 instance runs"), "{err}");
        s.release(id, "far-away-7", None).unwrap();
        let (_, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert!(
            err.contains("delivered message `go`; now completed"),
            "{err}"
        );
        assert_eq!(data(d, &store, id)["runs"], 1);
        // A message for a completed instance is refused, naming it.
        let (code, _, err) =
            output(bpmn(d, &store).args(["send", &id.to_string(), "--message", "go", "--queue"]));
        assert_eq!(code, 2);
        assert!(
            err.contains(&format!("instance {id} has completed")),
            "{err}"
        );
    }
}

#[test]
fn a_worker_finishes_pending_engine_work_and_moves_a_virtual_clock_to_now() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for store in backends(d) {
        ok(bpmn(d, &store)
            .args(["add", "-p", "Process_Three", "-b"])
            .arg(worker_fixture("three_scripts")));
        let (code, out, _) =
            output(bpmn(d, &store).args(["start", "Process_Three", "--max-steps", "2", "--json"]));
        assert_eq!(code, 3, "the step limit stops the run: {out}");
        let pending: Value = serde_json::from_str(&out).unwrap();
        let pending = pending["instance"].as_i64().unwrap();
        assert_eq!(data(d, &store, pending)["steps"], 1);
        // A virtual clock far in the past: its timer is due on the wall clock.
        let id = start_timer_then_message(d, &store, "PT1H");
        let file = worker_fixture("timer_then_message");
        let old = ok(bpmn(d, &store)
            .args(["add", "-p", "Process_Worker", "-b"])
            .arg(&file));
        let (_, old_start, _) = output(bpmn(d, &store).args([
            "start",
            old.trim(),
            "--json",
            "--now",
            "2020-01-01T00:00:00Z",
            "--data",
            r#"{"wait": "PT1H", "runs": 0}"#,
        ]));
        let old_id = serde_json::from_str::<Value>(&old_start).unwrap()["instance"]
            .as_i64()
            .unwrap();
        let (code, _, err) = output(bpmn(d, &store).args(["worker", "--once", "-v"]));
        assert_eq!(code, 0, "{err}");
        assert_eq!(instance(d, &store, pending)["status"], "completed", "{err}");
        assert_eq!(data(d, &store, pending)["steps"], 3);
        let waits = |id: i64| {
            let out = ok(bpmn(d, &store).args(["events", &id.to_string()]));
            let v: Value = serde_json::from_str(&out).unwrap();
            v["waiting"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["kind"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(waits(old_id), ["message"], "its 2020 timer fired: {err}");
        assert_eq!(waits(id), ["timer"], "a timer an hour ahead waits");
    }
}

#[test]
fn timer_start_events_start_once_however_many_workers_tick() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for store in backends(d) {
        ok(bpmn(d, &store)
            .args(["add", "-p", "Process_Twice", "-b"])
            .arg(worker_fixture("every_second_twice")));
        let workers: Vec<Worker> = (0..3)
            .map(|i| Worker::spawn(d, &store, &format!("ticker-{i}"), &[]))
            .collect();
        std::thread::sleep(Duration::from_millis(3500));
        for w in workers {
            w.stop();
        }
        let list = instances(d, &store);
        assert_eq!(list.len(), 2, "two occurrences, two instances: {list:?}");
        assert!(list.iter().all(|i| i["status"] == "completed"));
    }
}

#[test]
fn sigterm_stops_a_worker_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for store in backends(d) {
        start_timer_then_message(d, &store, "PT1H");
        let w = Worker::spawn(d, &store, "polite", &[]);
        std::thread::sleep(Duration::from_millis(300));
        let log = w.stop();
        assert!(log.contains("Worker polite on"), "{log}");
        assert!(log.contains("Worker polite stopped after"), "{log}");
    }
}

#[test]
fn a_worker_on_a_store_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, _, err) = output(bpmn(d, "missing.db").arg("worker"));
    assert_eq!(code, 2);
    assert!(err.contains("missing.db: no store here yet"), "{err}");
    assert!(!d.join("missing.db").exists(), "nothing is created");
}

/// A `bpmn worker` process; its stderr goes to a file.
struct Worker {
    child: Child,
    log: PathBuf,
}

impl Worker {
    fn spawn(dir: &Path, store: &str, name: &str, extra: &[&str]) -> Worker {
        let log = dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = StdCommand::cargo_bin("bpmn")
            .unwrap()
            .current_dir(dir)
            .env("BPMN_STORE", store)
            .args(["worker", "-v", "--poll", "0.05", "--name", name])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap();
        Worker { child, log }
    }

    /// SIGTERM, then waits: it must stop within 10 s with exit 0. Returns
    /// what it logged.
    fn stop(mut self) -> String {
        // Its handlers are in place once it has said where it works; a
        // SIGTERM before that (a slow start on a loaded machine) would
        // kill it the default way.
        let log = self.log.clone();
        crate::support::wait_until("the worker has started", || {
            std::fs::read_to_string(&log).is_ok_and(|l| l.contains(" on "))
        });
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "the worker did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(10));
        };
        let log = std::fs::read_to_string(&self.log).unwrap();
        assert_eq!(status.code(), Some(0), "{log}");
        log
    }

    /// Panics with its log if it has exited (a worker runs until stopped):
    /// a worker that died early fails the test at once, saying why, rather
    /// than as a timeout.
    fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!(
                "worker {} exited early ({status}):\n{log}",
                self.log.display()
            );
        }
    }

    /// SIGKILL: no chance to release anything.
    fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        std::fs::read_to_string(&self.log).unwrap()
    }
}

/// How many instances 4 workers share in the concurrency test.
const SHARED: usize = 1_000;

/// Four workers, 1,000 instances each waiting for a timer and then a
/// message queued at once (so most messages wait in the queue until their
/// timer fires); one worker is killed midway. Every instance completes,
/// its script ran once (`runs` = 1), its end event completed once in the
/// task log, and its queue is empty.
fn four_workers_share_the_instances(dir: &Path, store: &str) {
    let file = worker_fixture("timer_then_message");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut s = storage::open_store(store, true).unwrap();
    let spec = s
        .add_spec(&NewSpec {
            name: "worker".into(),
            target: SpecTarget::Process("Process_Worker".into()),
            bpmn: vec![SpecFile {
                path: file.clone(),
                text: text.clone(),
            }],
            dmn: vec![],
            dialect: None,
        })
        .unwrap()
        .spec
        .id;
    let specs = Specs::from_sources(vec![(file, text.into_bytes())]);
    let origin = Origin::Process("Process_Worker".into());
    let mut workers: Vec<Option<Worker>> = (0..4)
        .map(|i| {
            Some(Worker::spawn(
                dir,
                store,
                &format!("w{i}"),
                &["--lease", "2", "--batch", "8"],
            ))
        })
        .collect();
    // Instances arrive while the workers run, as in production.
    let mut ids = Vec::with_capacity(SHARED);
    for n in 0..SHARED {
        let data: Data = json!({"wait": "PT1S", "runs": 0, "n": n})
            .as_object()
            .unwrap()
            .clone()
            .into();
        let mut wf = specs.start("Process_Worker", data).unwrap();
        wf.record_transitions(true);
        wf.run().unwrap();
        let log = wf.take_transitions();
        let state = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
        let id = s
            .create_instance(spec, InstanceSave::of(&wf, &state, &log, false))
            .unwrap()
            .id;
        s.enqueue(id, DeliveryKind::Message, "go", &json!({"x": n}))
            .unwrap();
        ids.push(id);
    }
    let completed = |s: &dyn Store| {
        s.instances(false)
            .unwrap()
            .iter()
            .filter(|i| i.status == InstanceStatus::Completed)
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(300);
    let said = |w: &Option<Worker>| {
        w.as_ref().is_some_and(|w| {
            std::fs::read_to_string(&w.log).is_ok_and(|log| log.contains("now completed"))
        })
    };
    // Midway — a quarter completed — one worker that has done some of
    // them dies without releasing its claims. Whichever: on a loaded
    // machine one worker may not get a turn before the others finish.
    let victim = loop {
        workers
            .iter_mut()
            .flatten()
            .for_each(Worker::assert_running);
        let done = completed(s.as_ref());
        if done >= SHARED / 4
            && let Some(i) = workers.iter().position(said)
        {
            break i;
        }
        assert!(
            Instant::now() < deadline,
            "{store}: a quarter completed, some by a worker that says so, within 300 s \
             ({done} completed)"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let killed_log = workers[victim].take().unwrap().kill();
    while completed(s.as_ref()) < SHARED {
        workers
            .iter_mut()
            .flatten()
            .for_each(Worker::assert_running);
        assert!(
            Instant::now() < deadline,
            "{store}: all {SHARED} completed within 300 s (only {})",
            completed(s.as_ref())
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let logs: Vec<String> = workers.into_iter().flatten().map(Worker::stop).collect();
    let ran = |log: &str| log.lines().filter(|l| l.contains("now completed")).count();
    assert!(ran(&killed_log) > 0, "the killed worker had done some work");
    let total: usize = ran(&killed_log) + logs.iter().map(|l| ran(l)).sum::<usize>();
    // A worker says a run after its save: the killed one may have saved
    // its last instance without saying so.
    assert!(
        total == SHARED || total == SHARED - 1,
        "each instance completed by exactly one run: {total} said"
    );
    for (n, &id) in ids.iter().enumerate() {
        let stored = s.instance(id).unwrap();
        assert_eq!(stored.info.status, InstanceStatus::Completed);
        assert_eq!((stored.info.queued, stored.info.holder.clone()), (0, None));
        let (wf, _) = storage::load_bytes(&stored.state, Format::Json).unwrap();
        let data = wf.data();
        assert_eq!(data.get("runs"), Some(&json!(1)), "instance {id}");
        assert_eq!(
            data.get("x"),
            Some(&json!(n)),
            "instance {id} got its own message"
        );
        let ends = s
            .log(id)
            .unwrap()
            .iter()
            .filter(|e| e.bpmn_id == "End" && e.to == Some(TaskState::Completed))
            .count();
        assert_eq!(ends, 1, "instance {id} ended once");
    }
}

#[test]
fn four_workers_share_1000_instances_exactly_once_even_when_one_is_killed() {
    let dir = tempfile::tempdir().unwrap();
    for store in backends(dir.path()) {
        four_workers_share_the_instances(dir.path(), &store);
    }
}
