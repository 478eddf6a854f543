//! Worker throughput (divan): how many stored instances per second 1 and 4
//! `bpmn worker --once` processes run to completion, on an SQLite file
//! and on PostgreSQL. Each instance is due when the workers start: its
//! timer is past due on the wall clock (it was started on a clock two
//! hours back) and its message `go` waits in its queue, so one run fires
//! the timer, delivers the message, runs the script and saves — loading
//! the state, one transaction for the save, and the claims around it.
//!
//! The store is filled before each sample (not timed); the time is from
//! starting the workers until the last has found nothing left and exited.
//! PostgreSQL is measured when a server is reachable: `BPMN_TEST_POSTGRES`,
//! or the private test server `.ci/postgres` starts.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use bpmn_engine::storage::{
    self, DeliveryKind, Format, InstanceSave, NewSpec, Origin, SpecFile, SpecTarget,
};
use bpmn_engine::{Data, Specs};

fn main() {
    divan::main();
}

/// Instances per sample.
const N: usize = 1_000;

fn diagram() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bpmn/worker/timer_then_message.bpmn")
}

/// Fills the store at `location` with `N` due instances.
fn fill(location: &str) {
    let path = diagram();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut store = storage::open_store(location, true).unwrap();
    let spec = store
        .add_spec(&NewSpec {
            name: "bench".into(),
            target: SpecTarget::Process("Process_Worker".into()),
            bpmn: vec![SpecFile {
                path: path.clone(),
                text: text.clone(),
            }],
            dmn: vec![],
            dialect: None,
        })
        .unwrap()
        .spec
        .id;
    let specs = Specs::from_sources(vec![(path, text.into_bytes())]);
    let origin = Origin::Process("Process_Worker".into());
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(2);
    for i in 0..N {
        let data: Data = serde_json::json!({"wait": "PT1M", "runs": 0})
            .as_object()
            .unwrap()
            .clone()
            .into();
        let mut wf = specs.start_at("Process_Worker", data, Some(past)).unwrap();
        wf.run().unwrap();
        let state = storage::save_bytes(&wf, &origin, Format::Json).unwrap();
        let id = store
            .create_instance(spec, InstanceSave::of(&wf, &state, &[], false))
            .unwrap()
            .id;
        store
            .enqueue(
                id,
                DeliveryKind::Message,
                "go",
                &serde_json::json!({"i": i}),
            )
            .unwrap();
    }
}

/// Runs `workers` worker processes on `location` until nothing is due.
fn drain(location: &str, workers: usize) {
    let children: Vec<_> = (0..workers)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_bpmn"))
                .env("BPMN_STORE", location)
                .args(["worker", "--once", "--name", &format!("bench-{i}")])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let left = storage::open_store(location, false)
        .unwrap()
        .instances(true)
        .unwrap()
        .len();
    assert_eq!(left, 0, "every instance completed");
}

#[divan::bench(args = [1, 4], sample_count = 3, sample_size = 1)]
fn sqlite(b: divan::Bencher, workers: usize) {
    b.counter(divan::counter::ItemsCount::new(N))
        .with_inputs(|| {
            let dir = tempfile::tempdir().unwrap();
            let location = dir.path().join("bpmn.db").display().to_string();
            fill(&location);
            (dir, location)
        })
        .bench_local_values(|(dir, location)| {
            drain(&location, workers);
            dir
        });
}

/// A database of its own on the test PostgreSQL server, dropped with it.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {}", self.name));
        }
    }
}

/// The test server's URL: `BPMN_TEST_POSTGRES`, or what `.ci/postgres`
/// (which starts it when needed) prints.
fn postgres_server() -> Option<String> {
    if let Some(url) = std::env::var("BPMN_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
    {
        return Some(url);
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres");
    let out = Command::new("bash")
        .arg(script)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !url.is_empty()).then_some(url)
}

/// A fresh database on the server at `admin` (number `n` of this run).
fn database(admin: &str, n: u32) -> Database {
    let name = format!("bpmn_bench_{}_{n}", std::process::id());
    let mut c = postgres::Client::connect(admin, postgres::NoTls).unwrap();
    // One statement each: DROP and CREATE DATABASE cannot share a
    // transaction, which a multi-statement batch is.
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let (server, _) = admin.rsplit_once('/').expect("a URL with a database");
    Database {
        admin: admin.to_string(),
        url: format!("{server}/{name}"),
        name,
    }
}

#[divan::bench(args = [1, 4], sample_count = 3, sample_size = 1)]
fn postgresql(b: divan::Bencher, workers: usize) {
    let Some(admin) = postgres_server() else {
        eprintln!("postgresql: skipped, no server (set BPMN_TEST_POSTGRES or install postgresql)");
        return;
    };
    let mut n = 0;
    b.counter(divan::counter::ItemsCount::new(N))
        .with_inputs(|| {
            n += 1;
            let db = database(&admin, n);
            fill(&db.url);
            db
        })
        .bench_local_values(|db| {
            drain(&db.url, workers);
            db
        });
}
