//! The integration tests, in one binary (one link instead of one per file;
//! `cargo test NAME` still picks any test or case by name). One module per
//! area; `support` holds fixture paths and the JSON case format, `case` the
//! case builder engine tests are written with.
//!
//! `memory_per_task` installs a counting global allocator for the whole
//! binary; its counters are per thread, so other tests running beside it
//! neither disturb its figures nor pay more than a thread-local add.

mod case;
mod pg;
mod support;

// The engine through the library API.
mod complete_started;
mod diagram_di;
mod dialects;
mod dmn_decisions;
mod engine_cases;
mod event_cases;
mod io_specification;
mod migrate;
mod model_details;
mod multi_instance;
mod reset;
mod services;

// State files: round trips, sizes and the save/resume/reset properties.
mod properties;
mod state_roundtrip;
mod state_size;

// The `bpmn` binary as a user runs it.
mod answers_forms;
mod bpmn_test;
mod cli_citizen;
mod cli_events;
mod cli_run;
mod cli_show;
mod cli_state;
mod connector_proxy;
mod dmn_cli;
mod examples;
mod interactive;
mod invalid_files;
mod lanes_roles;
mod pictures;
mod start_events;
mod store;
mod store_contract;
mod worker;

// Limits: hostile inputs, scale, memory, fuzzing.
mod fuzz;
mod hostile;
mod memory_per_task;
mod scale_loop;

// The corpora under ../shared/corpora (skipped with a message when absent,
// required when CI=true).
mod dmn_tck;
mod miwg_corpus;
mod spiff_example_corpus;
mod spiff_tutorial;
