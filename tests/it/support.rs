//! Shared helpers for the integration tests: fixture paths, and the
//! data-driven case format of `tests/fixtures/bpmn/cases.json`,
//! `event_cases.json` and `reset_cases.json` (and the spiff-example-cli
//! tutorial runs, when that corpus is next to the crate) with one way to
//! run and check a case; the refusals of `invalid_cases.json`; and
//! `json_cases!`, which makes each case of such a file its own test.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Mutex;

use bpmn_engine::storage::Origin;
use bpmn_engine::{Answer, Specs, Workflow};
use serde::Deserialize;
use serde::de::DeserializeOwned;
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
    /// What the case shows, for the person reading the JSON.
    #[serde(default)]
    #[allow(dead_code)]
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

/// A case of `invalid_cases.json`: files that must be refused, and what
/// the refusal must say.
#[derive(Debug, Deserialize)]
pub struct InvalidCase {
    pub name: String,
    pub files: Vec<String>,
    pub process: Option<String>,
    pub expect_contains: Vec<String>,
}

/// One entry of a JSON case file, found by its name.
pub trait NamedCase: DeserializeOwned + Send + Sync + 'static {
    fn name(&self) -> &str;
}

impl NamedCase for Case {
    fn name(&self) -> &str {
        &self.name
    }
}

impl NamedCase for InvalidCase {
    fn name(&self) -> &str {
        &self.name
    }
}

fn read_cases<C: DeserializeOwned>(file: &str) -> Vec<C> {
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

/// The cases of the fixture case file `file`, read once per test run (every
/// case's own test looks its case up here). The files hold different kinds
/// of case, so the cache keeps each as `Any` and gives it back as `C`.
pub fn case_file<C: NamedCase>(file: &'static str) -> &'static [C] {
    type Read = BTreeMap<&'static str, &'static (dyn Any + Send + Sync)>;
    static READ: Mutex<Read> = Mutex::new(BTreeMap::new());
    let mut read = READ.lock().unwrap_or_else(|e| e.into_inner());
    let cases: &'static (dyn Any + Send + Sync) = *read
        .entry(file)
        .or_insert_with(|| Box::leak(Box::new(read_cases::<C>(file))));
    cases
        .downcast_ref::<Vec<C>>()
        .unwrap_or_else(|| panic!("{file} is read as two different kinds of case"))
}

/// The case called `name` in the fixture case file `file`.
pub fn case_named<C: NamedCase>(file: &'static str, name: &str) -> &'static C {
    case_file::<C>(file)
        .iter()
        .find(|c| c.name() == name)
        .unwrap_or_else(|| panic!("{file} has no case {name}"))
}

/// Fails unless `listed` names exactly the cases of `file`, so a case
/// added to the JSON without its test (or the reverse) is caught.
pub fn assert_cases_listed<C: NamedCase>(file: &'static str, listed: &[&str]) {
    let in_file: BTreeSet<&str> = case_file::<C>(file).iter().map(|c| c.name()).collect();
    let in_list: BTreeSet<&str> = listed.iter().copied().collect();
    let missing: Vec<_> = in_file.difference(&in_list).collect();
    let stale: Vec<_> = in_list.difference(&in_file).collect();
    assert!(
        missing.is_empty() && stale.is_empty() && listed.len() == in_list.len(),
        "{file}: cases without a test: {missing:?}; listed but not in the file: {stale:?}{}",
        if listed.len() == in_list.len() {
            ""
        } else {
            "; a name is listed twice"
        }
    );
}

/// One `#[test]` per case of a JSON case file, so `cargo test <case name>`
/// runs one case and a failure names it. The names are listed here rather
/// than generated by a build script: the list is plain to read, needs no
/// build step on the CLI package, and `every_case_has_a_test` fails when
/// it and the file drift apart.
///
/// `json_cases!(mod NAME = "file.json" => check_fn; case_a case_b ...)`
/// makes module NAME with one test per case calling `check_fn(&Case)`
/// (a path as seen from inside NAME, e.g. `super::run_case`). A file of
/// another kind of case names its type:
/// `json_cases!(mod NAME = "file.json" as CaseType => check_fn; ...)`.
macro_rules! json_cases {
    (mod $module:ident = $file:literal => $check:path; $($name:ident)*) => {
        $crate::support::json_cases! { mod $module = $file as $crate::support::Case => $check;
            $($name)*
        }
    };
    (mod $module:ident = $file:literal as $case:ty => $check:path; $($name:ident)*) => {
        mod $module {
            $(
                #[test]
                fn $name() {
                    $check($crate::support::case_named::<$case>($file, stringify!($name)));
                }
            )*

            #[test]
            fn every_case_has_a_test() {
                $crate::support::assert_cases_listed::<$case>($file, &[$(stringify!($name)),*]);
            }
        }
    };
}
pub(crate) use json_cases;

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
    // Written to stderr directly, not with eprintln!, which the test harness
    // captures and hides for a passing test: a skip must show in every run.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "skipped: ../shared/corpora/{name} not found (CI=true requires it)"
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
                !t.kind.is_event() && !t.kind.is_gateway(),
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

/// Waits until `cond` holds, checking every millisecond for at most 20 s
/// (a loaded CI machine is slow, never that slow); on timeout it panics
/// naming `what` it waited for. For conditions outside a screen (a file
/// written, a lock taken); a pseudo-terminal test waits for the text.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after 20 s waiting until {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The `<g>` groups of an SVG that show an element (`data-element`):
/// element id → (its classes, its `data-count`). Panics when the SVG is
/// not well-formed XML.
pub fn svg_groups(svg: &str) -> std::collections::HashMap<String, (String, Option<u32>)> {
    use quick_xml::events::Event;
    let mut out = std::collections::HashMap::new();
    let mut r = quick_xml::Reader::from_str(svg);
    loop {
        match r.read_event().expect("the SVG is well-formed XML") {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "g" => {
                let (mut id, mut class, mut count) = (None, String::new(), None);
                for a in e.attributes() {
                    let a = a.unwrap();
                    let v = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .to_string();
                    match a.key.into_inner() {
                        "data-element" => id = Some(v),
                        "class" => class = v,
                        "data-count" => count = v.parse().ok(),
                        _ => {}
                    }
                }
                if let Some(id) = id {
                    out.insert(id, (class, count));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Asserts that the committed picture `docs/pictures/NAME` is `drawn`, what
/// `command` draws now; `BPMN_UPDATE_PICTURES=1` rewrites it first (after
/// a change to the drawing: then look at the picture).
pub fn assert_committed_picture(name: &str, drawn: &[u8], command: &str) {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/pictures")
        .join(name);
    if std::env::var("BPMN_UPDATE_PICTURES").is_ok_and(|v| v == "1") {
        std::fs::write(&committed, drawn).unwrap();
    }
    assert!(
        std::fs::read(&committed).unwrap_or_default() == drawn,
        "docs/pictures/{name} is not what `{command}` draws now; \
         rerun with BPMN_UPDATE_PICTURES=1 and look at the picture"
    );
}
