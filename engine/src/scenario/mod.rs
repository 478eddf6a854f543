//! Process tests: scenario files that start a process, feed it answers and
//! check what it did — the library behind `bpmn test`.
//!
//! A scenario file is JSON: one scenario object, or an array of them.
//! Paths inside are relative to the scenario file. Unknown keys are errors,
//! so a misspelt expectation never passes silently.
//!
//! ```json
//! {
//!   "name": "express shipping with a gift message",
//!   "diagrams": ["../gateway_types.bpmn"],
//!   "dmn": ["../../dmn/product_prices.dmn"],
//!   "process": "order_product_gateways",
//!   "data": {"customer": "Jane"},
//!   "dialect": "python",
//!   "start": "2026-01-01T00:00:00Z",
//!   "answers": "../answers/gateway_types.json",
//!   "expect": {
//!     "completed": true,
//!     "data": {"order_total": 55.5, "shipping_address": {"city": "London"}},
//!     "order": ["select_product_color", "review_order"],
//!     "ready": [],
//!     "error": "no gateway condition"
//!   }
//! }
//! ```
//!
//! - `diagrams` (required) and `dmn`: the files to load, as `bpmn run -b …
//!   -d …` loads them; `dialect` as `--dialect`.
//! - `process` or `collaboration` (exactly one): what to start.
//! - `data`: the start data. `start`: an ISO 8601 date-time; the instance
//!   runs on a virtual clock starting there (timers fire only when an
//!   `{"advance": "PT2H"}` answer passes them), as `bpmn run --now`.
//! - `answers`: the items of an answers file ([`crate::Answer`]: task with
//!   data, advance, message, signal), inline or as the path of an answers
//!   file.
//! - `name`: defaults to the file's stem (with `#N` for the N-th scenario
//!   of an array).
//! - `expect` — only what is given is checked:
//!   - `completed`: whether the instance ended.
//!   - `data`: a subset of the data (the workflow data once completed,
//!     else the data of the last completed task), inline or the path of a
//!     JSON file: every key given must be there with an equal value;
//!     nested objects are compared as subsets too, arrays element by
//!     element (same length), numbers by value (`4` equals `4.0`).
//!   - `order`: BPMN ids that must have completed in this order — a
//!     subsequence of all completed flow nodes, so start events, gateways
//!     and tasks you do not care about need not be listed, and an id may
//!     appear more than once for a loop.
//!   - `ready`: exactly the ids of the ready tasks at the end, in any order.
//!   - `error`: the run must stop with an error whose message contains
//!     this text. Without it, any run error (a script fails, an answer
//!     names a task that is not ready) fails the scenario with its message.
//!
//! `file.rs` reads the format, `run.rs` runs one scenario, `expect.rs`
//! compares and words the first difference, `coverage.rs` sums flow-node
//! and sequence-flow coverage per process over runs, `junit.rs` writes
//! JUnit XML.

mod coverage;
mod expect;
mod file;
mod junit;
mod run;

pub use coverage::{Coverage, ProcessCoverage};
pub use expect::{Difference, Observed, differences};
pub use file::{Expect, Scenario, ScenarioError, Start, parse_file, parse_str};
pub use junit::junit_xml;
pub use run::{Outcome, Runner};
