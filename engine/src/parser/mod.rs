//! Parsers: BPMN XML → [`crate::model::Model`], with validation.
//!
//! Loading never panics and never stops at the first problem: every file is
//! read, every problem becomes a [`Diagnostic`] naming file, line, column and
//! element, and the caller decides what is fatal (see [`crate::Specs::problems_for`]).
//!
//! Each script and condition is tagged with its [`crate::model::Dialect`]
//! here; [`LoadOptions`] and the per-file rules (element `scriptFormat` /
//! `language`, `expressionLanguage`, exporter) decide which.

mod activities;
mod bpmn;
mod context;
mod data_spec;
mod diagram;
mod dialect;
pub mod dmn;
mod endless_cycles;
mod event_definitions;
mod events;
mod extensions;
mod flows;
mod gateways;
mod lanes;
mod looping;
mod or_join_reach;
mod pending;
mod service;
mod subprocesses;
mod validate;
pub(crate) mod xml;

pub use dialect::LoadOptions;
pub(crate) use validate::called_closure;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;

/// BPMN 2.0 model namespace URIs accepted for BPMN elements.
pub const BPMN_NS: &[&str] = &["http://www.omg.org/spec/BPMN/20100524/MODEL"];

/// The result of loading a set of files: the model of everything that could
/// be read, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Everything that could be read, across all the files.
    pub model: Model,
    /// Every problem found, errors and warnings, with file, line and column.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reads and parses the BPMN files at `paths`.
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Loaded {
    load_files_with(paths, &LoadOptions::default())
}

/// Reads and parses the BPMN files at `paths` with `options`.
pub fn load_files_with<P: AsRef<Path>>(paths: &[P], options: &LoadOptions) -> Loaded {
    let (sources, mut unreadable) = crate::diagnostic::read_files(paths);
    let mut loaded = load_bytes_with(sources, options);
    unreadable.append(&mut loaded.diagnostics);
    loaded.diagnostics = unreadable;
    loaded
}

/// Parses BPMN documents given as (path, bytes) pairs; the path is used in
/// diagnostics only.
pub fn load_bytes(sources: Vec<(PathBuf, Vec<u8>)>) -> Loaded {
    load_bytes_with(sources, &LoadOptions::default())
}

/// [`load_bytes`] with `options`.
pub fn load_bytes_with(sources: Vec<(PathBuf, Vec<u8>)>, options: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    for (path, bytes) in sources {
        bpmn::parse_file(&mut loaded, path, &bytes, options);
    }
    validate::validate(&mut loaded);
    or_join_reach::compute(&mut loaded.model);
    loaded
}
