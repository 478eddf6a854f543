//! A case builder for engine tests, so a test reads as the diagram, its
//! inputs and what must come out:
//!
//! ```ignore
//! Case::new("loop.bpmn")
//!     .process("Process_Loop")
//!     .data(json!({"n": 3}))
//!     .expect_data(json!({"n": 3, "i": 3}))
//!     .run();
//! ```
//!
//! Fixture paths are relative to `tests/fixtures/bpmn` (several files, DMN
//! too). Answers are the library's [`Answer`]s, applied with
//! [`Workflow::apply`] as `bpmn run --answers` does. It runs through the same
//! `support::start` and `support::check` as the JSON case corpus, so a
//! builder case and a JSON case mean the same thing; a failure lists every
//! difference at once, under the test's name.

use bpmn_engine::{Answer, Data, Workflow};
use serde_json::{Map, Value};

use crate::support;

/// A diagram, how to start it, what happens to it, and what must come out.
#[must_use = "a case does nothing until `.run()`"]
pub struct Case {
    /// The JSON-corpus form the support helpers start and check.
    spec: support::Case,
    answers: Vec<Answer>,
    /// The expected status when set explicitly (else inferred in `run`).
    status: Option<&'static str>,
    /// Single values the data at the end must hold (other keys may be there).
    values: Vec<(String, Value)>,
    /// Whether load-time diagnostics (warnings) are expected.
    diagnostics_allowed: bool,
}

fn object(v: Value, what: &str) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("{what} must be a JSON object, got {other}"),
    }
}

// The builder's whole vocabulary is kept even where no test uses a word
// yet, so the next test need not extend it.
#[allow(dead_code)]
impl Case {
    /// A case over the BPMN fixture `file` (relative to `tests/fixtures/bpmn`).
    pub fn new(file: &str) -> Case {
        // The test harness names each test's thread after the test, which
        // is the name a failure should carry.
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed case")
            .to_string();
        Case {
            spec: support::Case {
                name,
                about: String::new(),
                files: vec![file.to_string()],
                dmn: Vec::new(),
                dialect: None,
                process: None,
                collaboration: None,
                data: Map::new(),
                now: None,
                answers: Vec::new(),
                expect: support::Expect {
                    status: String::new(),
                    data: None,
                    ready: None,
                    waiting: None,
                    order: None,
                    before: Vec::new(),
                    counts: Default::default(),
                    states: Default::default(),
                    error_contains: Vec::new(),
                },
            },
            answers: Vec::new(),
            values: Vec::new(),
            status: None,
            diagnostics_allowed: false,
        }
    }

    /// Another BPMN fixture loaded with the first (a called process, say).
    pub fn file(mut self, file: &str) -> Case {
        self.spec.files.push(file.to_string());
        self
    }

    /// A DMN fixture (relative to `tests/fixtures/bpmn`) for business rule tasks.
    pub fn dmn(mut self, file: &str) -> Case {
        self.spec.dmn.push(file.to_string());
        self
    }

    /// The script dialect, as `--dialect` (`python`, `juel`, `rhai`).
    pub fn dialect(mut self, dialect: &str) -> Case {
        self.spec.dialect = Some(dialect.to_string());
        self
    }

    /// Starts process `id`.
    pub fn process(mut self, id: &str) -> Case {
        self.spec.process = Some(id.to_string());
        self
    }

    /// Starts collaboration `id` (every participant's process).
    pub fn collaboration(mut self, id: &str) -> Case {
        self.spec.collaboration = Some(id.to_string());
        self
    }

    /// The initial data (a JSON object).
    pub fn data(mut self, data: Value) -> Case {
        self.spec.data = object(data, "data");
        self
    }

    /// Starts on a virtual clock at `instant` (RFC 3339).
    pub fn now(mut self, instant: &str) -> Case {
        self.spec.now = Some(instant.to_string());
        self
    }

    /// Completes the ready human task `task` with `data` (a JSON object).
    pub fn answer(mut self, task: &str, data: Value) -> Case {
        self.answers.push(Answer::Task {
            task: task.to_string(),
            data: Data::from(object(data, "an answer")),
        });
        self
    }

    /// Moves the clock forward by an ISO 8601 duration (`PT1H`).
    pub fn advance(mut self, by: &str) -> Case {
        self.answers.push(Answer::Advance(by.to_string()));
        self
    }

    /// Delivers message `name` carrying `payload` from outside.
    pub fn message(mut self, name: &str, payload: Value) -> Case {
        self.answers.push(Answer::Message {
            name: name.to_string(),
            payload,
        });
        self
    }

    /// Broadcasts signal `name` carrying `payload` from outside.
    pub fn signal(mut self, name: &str, payload: Value) -> Case {
        self.answers.push(Answer::Signal {
            name: name.to_string(),
            payload,
        });
        self
    }

    /// The final status: `completed`, `waiting` or `workflow_error`. Without
    /// it, `run` expects an error when one is named, waiting when ready or
    /// waiting tasks are named (not none), and completion otherwise.
    pub fn expect_status(mut self, status: &'static str) -> Case {
        self.status = Some(status);
        self
    }

    /// The data at the end (the instance's when it completed, else the last
    /// task's).
    pub fn expect_data(mut self, data: Value) -> Case {
        self.spec.expect.data = Some(object(data, "expected data"));
        self
    }

    /// The data at the end holds `value` at `key` (other keys may be there,
    /// as opposed to `expect_data`).
    pub fn expect_value(mut self, key: &str, value: Value) -> Case {
        self.values.push((key.to_string(), value));
        self
    }

    /// The activities completed, in order (events and gateways left out).
    pub fn expect_order<const N: usize>(mut self, ids: [&str; N]) -> Case {
        self.spec.expect.order = Some(ids.iter().map(|s| s.to_string()).collect());
        self
    }

    /// The ready human tasks at the end, in any order.
    pub fn expect_ready<const N: usize>(mut self, ids: [&str; N]) -> Case {
        self.spec.expect.ready = Some(ids.iter().map(|s| s.to_string()).collect());
        self
    }

    /// The waiting tasks (events, joins) at the end, in any order.
    pub fn expect_waiting<const N: usize>(mut self, ids: [&str; N]) -> Case {
        self.spec.expect.waiting = Some(ids.iter().map(|s| s.to_string()).collect());
        self
    }

    /// `id` completed exactly `n` times.
    pub fn expect_count(mut self, id: &str, n: usize) -> Case {
        self.spec.expect.counts.insert(id.to_string(), n);
        self
    }

    /// The latest record of `id` is in `state` (`COMPLETED`, `ERROR`, ...).
    pub fn expect_state(mut self, id: &str, state: &str) -> Case {
        self.spec
            .expect
            .states
            .insert(id.to_string(), state.to_string());
        self
    }

    /// `first` completed before `then`.
    pub fn expect_before(mut self, first: &str, then: &str) -> Case {
        self.spec
            .expect
            .before
            .push((first.to_string(), then.to_string()));
        self
    }

    /// The files may load with warnings (without this, any diagnostic is a
    /// difference).
    pub fn allow_diagnostics(mut self) -> Case {
        self.diagnostics_allowed = true;
        self
    }

    /// The run stops with a workflow error containing `text`.
    pub fn expect_error(mut self, text: &str) -> Case {
        self.spec.expect.error_contains.push(text.to_string());
        self
    }

    /// Starts the case, runs it with its answers and checks every
    /// expectation; panics listing all differences. Returns the instance
    /// for further checks.
    pub fn run(mut self) -> Workflow {
        let e = &self.spec.expect;
        let named_tasks = e.ready.as_ref().is_some_and(|r| !r.is_empty())
            || e.waiting.as_ref().is_some_and(|w| !w.is_empty());
        let status = self.status.unwrap_or(if !e.error_contains.is_empty() {
            "workflow_error"
        } else if named_tasks {
            "waiting"
        } else {
            "completed"
        });
        self.spec.expect.status = status.to_string();
        let name = &self.spec.name;
        let (mut wf, _) = support::start(&self.spec)
            .unwrap_or_else(|e| panic!("case {name} does not start: {e}"));
        let mut error = None;
        for answer in &self.answers {
            if let Err(e) = wf.run() {
                error = Some(e.to_string());
                break;
            }
            if let Err(e) = wf.apply(answer) {
                error = Some(e.to_string());
                break;
            }
        }
        if error.is_none() {
            error = wf.run().err().map(|e| e.to_string());
        }
        let mut problems = support::check(&self.spec, &wf, error);
        let data = if wf.is_completed() {
            wf.data().to_json()
        } else {
            wf.last_task_data().to_json()
        };
        for (key, want) in &self.values {
            let got = data.get(key);
            if got != Some(want) {
                problems.push(format!("{key} is {got:?}, expected {want}"));
            }
        }
        if !self.diagnostics_allowed {
            problems.extend(
                wf.specs()
                    .diagnostics()
                    .iter()
                    .map(|d| format!("diagnostic at load: {d}")),
            );
        }
        assert!(
            problems.is_empty(),
            "case {name}: {} difference(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
        wf
    }
}
