//! Shared helpers for the integration tests: fixture paths, and the
//! data-driven case format of `tests/fixtures/bpmn/cases.json`,
//! `event_cases.json` and `reset_cases.json` (and the spiff-example-cli
//! tutorial runs, when that corpus is next to the crate) with one way to
//! run and check a case.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use bpmn_engine::storage::Origin;
use bpmn_engine::{Answer, Specs, Workflow};
use serde::Deserialize;
use serde_json::{Map, Value};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bpmn")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

/// A diagram, how to start it, the answers to give and what must come out.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub about: String,
    pub files: Vec<String>,
    /// DMN files its business rule tasks use.
    #[serde(default)]
    pub dmn: Vec<String>,
    /// `python`, `juel` or `rhai`, as `--dialect`.
    pub dialect: Option<String>,
    pub process: Option<String>,
    pub collaboration: Option<String>,
    #[serde(default)]
    pub data: Map<String, Value>,
    /// A virtual clock to start with.
    pub now: Option<String>,
    /// Answers items as in `bpmn run --answers`: task, advance, message, signal.
    #[serde(default)]
    pub answers: Vec<Value>,
    pub expect: Expect,
}

#[derive(Debug, Deserialize)]
pub struct Expect {
    pub status: String,
    pub data: Option<Map<String, Value>>,
    pub ready: Option<Vec<String>>,
    pub waiting: Option<Vec<String>>,
    pub order: Option<Vec<String>>,
    #[serde(default)]
    pub before: Vec<(String, String)>,
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
    #[serde(default)]
    pub states: BTreeMap<String, String>,
    #[serde(default)]
    pub error_contains: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct InvalidCase {
    pub name: String,
    pub files: Vec<String>,
    /// DMN files its business rule tasks use.
    #[serde(default)]
    pub dmn: Vec<String>,
    /// `python`, `juel` or `rhai`, as `--dialect`.
    pub dialect: Option<String>,
    pub process: Option<String>,
    pub expect_contains: Vec<String>,
}

fn read_cases(file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} parses: {e}"))
}

/// The cases of `cases.json`.
pub fn cases() -> Vec<Case> {
    read_cases("cases.json")
}

/// The cases of `event_cases.json`.
pub fn event_cases() -> Vec<Case> {
    read_cases("event_cases.json")
}

/// The cases of `data_cases.json` (multi-instance activities and standard
/// loops).
pub fn data_cases() -> Vec<Case> {
    read_cases("data_cases.json")
}

/// The cases of `reset_cases.json` (one fixture per situation a reset must
/// handle).
pub fn reset_cases() -> Vec<Case> {
    read_cases("reset_cases.json")
}

/// The corpus `name` under `../shared/corpora/` next to the crate (holding
/// `probe`), if it is there. Tests that need a corpus skip with a message
/// without it, except on CI (`CI=true`), where it must be present.
pub fn corpus(name: &str, probe: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora")
        .join(name);
    if dir.join(probe).exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "the {name} corpus is missing at {} and CI=true requires it",
            dir.display()
        );
    }
    eprintln!(
        "note: skipped: the {name} corpus is not at {} (CI requires it)",
        dir.display()
    );
    None
}

/// The spiff-example-cli corpus next to the crate, if it is there.
pub fn spiff_corpus() -> Option<PathBuf> {
    corpus("spiff-example-cli", "top_level.bpmn")
}

/// The tutorial runs of `tests/fixtures/spiff_tutorial` (answers only; the
/// expected data there is SpiffWorkflow's), as cases; empty without the
/// corpus.
pub fn tutorial_cases() -> Vec<Case> {
    let Some(dir) = spiff_corpus() else {
        return Vec::new();
    };
    let answers_dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spiff_tutorial");
    // (answers file, BPMN files, process, initial data, virtual clock)
    type Run = (
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static str,
        Option<&'static str>,
    );
    let runs: &[Run] = &[
        (
            "task_types",
            &["task_types.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        (
            "gateway_types_custom",
            &["gateway_types.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        ("lanes", &["lanes.bpmn"], "order_product", "{}", None),
        (
            "top_level_product_f",
            &["top_level.bpmn", "call_activity.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        (
            "top_level_multi",
            &["top_level_multi.bpmn", "call_activity_multi.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        (
            "transaction_placed",
            &["transaction.bpmn", "call_activity.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        (
            "signal_event_charged",
            &["signal_event.bpmn", "call_activity.bpmn"],
            "order_product",
            "{}",
            None,
        ),
        (
            "events_happy",
            &["events.bpmn", "call_activity.bpmn"],
            "order_product",
            "{}",
            Some("2025-01-01T00:00:00Z"),
        ),
        (
            "events_not_placed",
            &["events.bpmn", "call_activity.bpmn"],
            "order_product",
            "{}",
            Some("2025-01-01T00:00:00Z"),
        ),
        (
            "timer_start",
            &["timer_start.bpmn"],
            "timer_start",
            "{}",
            Some("2025-01-01T00:00:00Z"),
        ),
    ];
    runs.iter()
        .map(|(name, bpmn, process, data, now)| {
            let text = std::fs::read_to_string(answers_dir.join(format!("{name}.answers.json")))
                .unwrap_or_else(|e| panic!("{name}.answers.json: {e}"));
            Case {
                name: format!("tutorial_{name}"),
                about: "spiff-example-cli tutorial".into(),
                files: bpmn
                    .iter()
                    .map(|f| dir.join(f).display().to_string())
                    .collect(),
                dmn: ["product_prices.dmn", "shipping_costs.dmn"]
                    .iter()
                    .map(|f| dir.join(f).display().to_string())
                    .collect(),
                dialect: None,
                process: Some(process.to_string()),
                collaboration: None,
                data: serde_json::from_str(data).unwrap(),
                now: now.map(str::to_string),
                answers: serde_json::from_str(&text).unwrap(),
                expect: Expect {
                    status: "completed".into(),
                    data: None,
                    ready: None,
                    waiting: None,
                    order: None,
                    before: Vec::new(),
                    counts: BTreeMap::new(),
                    states: BTreeMap::new(),
                    error_contains: Vec::new(),
                },
            }
        })
        .collect()
}

pub fn invalid_cases() -> Vec<InvalidCase> {
    let text = std::fs::read_to_string(fixture("invalid_cases.json")).expect("invalid_cases.json");
    serde_json::from_str(&text).expect("invalid_cases.json parses")
}

/// Loads the case's files and starts it (with its virtual clock, if any).
pub fn start(case: &Case) -> Result<(Workflow, Origin), String> {
    let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
    let dmn: Vec<_> = case.dmn.iter().map(|f| fixture(f)).collect();
    let options = bpmn_engine::parser::LoadOptions {
        dialect: case
            .dialect
            .as_ref()
            .map(|d| d.parse().expect("a known dialect")),
    };
    let specs = Specs::load_all(&files, &dmn, &options);
    let now = match &case.now {
        Some(t) => Some(t.parse().map_err(|e| format!("now: {e}"))?),
        None => None,
    };
    let (wf, origin) = match (&case.process, &case.collaboration) {
        (Some(p), _) => (
            specs.start_at(p, case.data.clone(), now),
            Origin::Process(p.clone()),
        ),
        (None, Some(c)) => (
            specs.start_collaboration_at(c, case.data.clone(), now),
            Origin::Collaboration(c.clone()),
        ),
        _ => return Err("the case names neither a process nor a collaboration".into()),
    };
    let wf = wf.map_err(|e| format!("start: {e}"))?;
    Ok((wf, origin))
}

/// Applies one answers item (the library's answers format); Err is a
/// workflow error or a bad answer.
pub fn apply(wf: &mut Workflow, a: &Value) -> Result<(), String> {
    let answer = Answer::from_value(1, a.clone()).map_err(|e| e.to_string())?;
    wf.apply(&answer).map_err(|e| e.to_string())
}

/// Drives `wf` from answer `next` on, one engine step (or answer) at a
/// time, pausing after `stop_at` steps when given. Returns the next answer
/// index, the error that stopped it, and whether it paused.
pub fn drive(
    wf: &mut Workflow,
    answers: &[Value],
    mut next: usize,
    stop_at: Option<usize>,
) -> (usize, Option<String>, bool) {
    let mut steps = 0;
    loop {
        if Some(steps) == stop_at {
            return (next, None, true);
        }
        match wf.run_one() {
            Ok(true) => steps += 1,
            Ok(false) => {
                let Some(a) = answers.get(next) else {
                    return (next, None, false);
                };
                next += 1;
                steps += 1;
                if let Err(e) = apply(wf, a) {
                    return (next, Some(e), false);
                }
            }
            Err(e) => return (next, Some(e.to_string()), false),
        }
    }
}

/// Runs a case from start to end; returns the instance and the error.
pub fn run(case: &Case) -> Result<(Workflow, Option<String>), String> {
    let (mut wf, _) = start(case)?;
    let (_, error, _) = drive(&mut wf, &case.answers, 0, None);
    Ok((wf, error))
}

/// Every way `wf` (stopped with `error`) differs from the case's expectations.
pub fn check(case: &Case, wf: &Workflow, error: Option<String>) -> Vec<String> {
    let e = &case.expect;
    let mut problems = Vec::new();
    let status = match (&error, wf.is_completed()) {
        (Some(_), _) => "workflow_error",
        (None, true) => "completed",
        (None, false) => "waiting",
    };
    if status != e.status {
        problems.push(format!(
            "status {status} (error {error:?}), expected {}",
            e.status
        ));
    }
    if let Some(d) = &e.data {
        let actual = if wf.is_completed() {
            std::sync::Arc::new(wf.data().clone())
        } else {
            wf.last_task_data()
        };
        if *actual != *d {
            problems.push(format!(
                "data {}\n      expected {}",
                actual.to_json(),
                Value::Object(d.clone())
            ));
        }
    }
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    if let Some(r) = &e.ready {
        let got = sorted(
            wf.ready_human_tasks()
                .iter()
                .map(|t| t.bpmn_id.to_string())
                .collect(),
        );
        if got != sorted(r.clone()) {
            problems.push(format!("ready {got:?}, expected {r:?}"));
        }
    }
    if let Some(w) = &e.waiting {
        let got = sorted(
            wf.waiting_tasks()
                .iter()
                .map(|t| t.bpmn_id.to_string())
                .collect(),
        );
        if got != sorted(w.clone()) {
            problems.push(format!("waiting {got:?}, expected {w:?}"));
        }
    }
    // Completed activities exclude events and gateways.
    let completed: Vec<(String, bool)> = wf
        .completed_tasks()
        .map(|t| {
            (
                t.bpmn_id.to_string(),
                !t.kind.ends_with("Event") && !t.kind.ends_with("Gateway"),
            )
        })
        .collect();
    if let Some(order) = &e.order {
        let got: Vec<&str> = completed
            .iter()
            .filter(|(_, a)| *a)
            .map(|(id, _)| id.as_str())
            .collect();
        if got != order.iter().map(String::as_str).collect::<Vec<_>>() {
            problems.push(format!("order {got:?}, expected {order:?}"));
        }
    }
    for (a, b) in &e.before {
        let pa = completed.iter().position(|(id, _)| id == a);
        let pb = completed.iter().position(|(id, _)| id == b);
        if !matches!((pa, pb), (Some(x), Some(y)) if x < y) {
            problems.push(format!("{a} should complete before {b} ({pa:?} vs {pb:?})"));
        }
    }
    for (id, n) in &e.counts {
        let got = completed.iter().filter(|(x, _)| x == id).count();
        if got != *n {
            problems.push(format!("{id} completed {got} times, expected {n}"));
        }
    }
    for (id, state) in &e.states {
        let got = wf
            .tasks()
            .filter(|t| t.bpmn_id == id)
            .last()
            .map(|t| t.state.to_string());
        if got.as_deref() != Some(state.as_str()) {
            problems.push(format!("{id} state {got:?}, expected {state}"));
        }
    }
    for s in &e.error_contains {
        if !error.as_deref().unwrap_or("").contains(s.as_str()) {
            problems.push(format!("error {error:?} should contain {s:?}"));
        }
    }
    problems
}
