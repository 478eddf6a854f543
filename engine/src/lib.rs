//! bpmn-engine: BPMN 2.0 processes and DMN decisions, parsed, run, saved
//! and resumed. The `bpmn` command-line tool is a thin client of this
//! crate; nothing here reads a terminal.
//!
//! # Principal types, and how they connect
//!
//! - [`Specs`] — the loaded diagrams: BPMN files parsed and validated into
//!   the [`model`] (processes, collaborations, their nodes and flows, each
//!   with its source position), compiled scripts and conditions
//!   ([`scripting`]), and DMN decisions ([`dmn::Decisions`]). Load with
//!   [`Specs::load_with`] or [`Specs::from_sources`]; errors are
//!   [`Diagnostic`]s naming the file, line and column.
//! - [`Workflow`] — one running instance, started from `Specs`
//!   ([`Specs::start_at`]). [`Workflow::run`] runs engine work (scripts,
//!   gateways, events) until only human tasks or waits are left;
//!   [`Workflow::complete_task`], [`Workflow::advance`],
//!   [`Workflow::send_message`] and [`Workflow::send_signal`] — or one
//!   [`Answer`] through [`Workflow::apply`] — move it on from outside;
//!   [`Workflow::tasks`] and [`Workflow::data`] read it ([`TaskView`],
//!   [`TaskState`], [`Data`]); [`Workflow::reset`] rewinds it to an
//!   earlier task.
//! - **State owners** — inside a `Workflow` each piece of state belongs to
//!   one owner in [`runtime`] (task records with their data versions,
//!   scopes, joins, waits and timers, loops, compensation, data objects,
//!   the clock) that alone changes it and knows how to cancel, remove,
//!   snapshot and restore it.
//! - **State file** — [`Workflow::snapshot`] gathers the owners into a
//!   [`runtime::InstanceSnapshot`]; [`storage`] writes it as versioned JSON
//!   or RON (atomically, under a lock) and reads it back, migrating older
//!   versions, into a `Workflow` again ([`storage::save`],
//!   [`storage::load`]).
//! - **Pictures** — [`picture::InstancePicture`] draws an instance: the
//!   diagrams of its files (BPMN DI, [`model::Diagram`]; a layered layout
//!   for a process without one) with a [`picture::Overlay`] of its states,
//!   counts and taken flows, as SVG or an HTML page ([`picture::Page`]).
//! - **Process tests** — [`scenario`] reads scenario files (diagrams,
//!   answers, expectations), runs them ([`scenario::Runner`]), reports the
//!   first difference, sums coverage per process ([`scenario::Coverage`],
//!   drawn as a heat map) and writes JUnit XML.
//!
//! Layers, dependencies pointing one way: [`model`] (what a diagram means)
//! ← [`parser`] (XML → model, with validation) and [`scripting`] (Rhai,
//! and the Python and JUEL dialects translated to it) and [`dmn`] ←
//! [`runtime`] ← [`storage`], [`picture`] ← [`scenario`].

#![warn(missing_docs)]

mod atomic;
pub mod diagnostic;
pub mod dmn;
pub mod model;
pub mod parser;
pub mod picture;
pub mod runtime;
pub mod scenario;
pub mod scripting;
pub mod storage;

pub use diagnostic::{Diagnostic, Severity};
pub use model::Data;
pub use runtime::Specs;
pub use runtime::{
    Answer, ApplyError, CompleteError, DataStore, DataStoreError, FutureTask, JsonFileStore,
    ServiceHandler, ServiceOutcome, StartError, TaskError, TaskId, TaskState, TaskView, Workflow,
    WorkflowError,
};
