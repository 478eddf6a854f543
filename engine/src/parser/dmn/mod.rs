//! DMN XML → [`crate::model::dmn::DmnModel`], with validation, for DMN 1.1
//! to 1.5 (the same element names in five namespaces), plus the reader of
//! TCK-format decision test files.
//!
//! Like the BPMN parser, loading never panics and never stops at the first
//! problem: each problem becomes a [`Diagnostic`] with file, line, column and
//! element id. A problem inside a decision (or business knowledge model)
//! carries its id in [`Diagnostic::process`], so one broken decision does
//! not stop the others.

mod decision;
mod decision_table;
mod document;
mod file_cx;
mod item_definition;
mod logic;
mod requirements;
mod test_cases;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::dmn::DmnModel;

pub use test_cases::{load_test_suite, parse_test_suite};

pub(crate) use decision::NO_LOGIC;
pub(crate) use requirements::{decision_index, lookup, namespace_of};

/// DMN model namespaces, 1.1 to 1.5. Exporters disagree on `http`/`https`,
/// so both spellings of each are accepted.
pub const DMN_NS: &[&str] = &[
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20180521/MODEL/",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20191111/MODEL/",
    "https://www.omg.org/spec/DMN/20211108/MODEL/",
    "http://www.omg.org/spec/DMN/20211108/MODEL/",
    "https://www.omg.org/spec/DMN/20230324/MODEL/",
    "http://www.omg.org/spec/DMN/20230324/MODEL/",
];

/// The result of loading a set of DMN files.
#[derive(Debug, Clone, Default)]
pub struct LoadedDmn {
    /// The decisions, tables and inputs that could be read.
    pub model: DmnModel,
    /// Every problem found, with file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// For each decision: the decisions to evaluate first (its required
    /// decisions, transitively, dependencies before dependents), or `None`
    /// when a requirement is missing or part of a cycle.
    pub requirements: Vec<Option<Vec<usize>>>,
}

impl LoadedDmn {
    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reads `path`, or returns the diagnostic that says why it cannot be read.
pub(crate) fn read_source(path: &Path) -> Result<Vec<u8>, Box<Diagnostic>> {
    std::fs::read(path).map_err(|e| Box::new(Diagnostic::unreadable(path, &e)))
}

/// Reads and parses the DMN files at `paths`.
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> LoadedDmn {
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        match read_source(p.as_ref()) {
            Ok(bytes) => sources.push((p.as_ref().to_path_buf(), bytes)),
            Err(d) => unreadable.push(*d),
        }
    }
    let mut loaded = load_bytes(sources);
    unreadable.append(&mut loaded.diagnostics);
    loaded.diagnostics = unreadable;
    loaded
}

/// Parses DMN documents given as (path, bytes) pairs; the path is used in
/// diagnostics only. Decisions may require decisions of other documents.
pub fn load_bytes(sources: Vec<(PathBuf, Vec<u8>)>) -> LoadedDmn {
    let mut loaded = LoadedDmn::default();
    for (path, bytes) in sources {
        decision::parse_file(&mut loaded, path, &bytes);
    }
    check_imports(&mut loaded);
    loaded.requirements = requirements::resolve(&loaded.model, &mut loaded.diagnostics);
    loaded
}

/// Warns about imports of a namespace no loaded file has: the names they
/// prefix are unknown, which stops only the expressions using them.
fn check_imports(loaded: &mut LoadedDmn) {
    let model = &loaded.model;
    for (file, defs) in model.definitions.iter().enumerate() {
        for import in &defs.imports {
            if model
                .definitions
                .iter()
                .any(|d| d.namespace == import.namespace)
            {
                continue;
            }
            let location = import
                .location
                .as_deref()
                .map(|l| format!(" (locationURI `{l}`)"))
                .unwrap_or_default();
            loaded.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: model.files[file].path.clone(),
                line: import.pos.line,
                col: import.pos.col,
                element: Some(import.name.clone()),
                process: None,
                message: format!(
                    "import `{}`: no loaded DMN file has namespace `{}`{location}",
                    import.name, import.namespace
                ),
                help: Some(
                    "load the imported model too (bpmn dmn-test MODEL.dmn IMPORTED.dmn… TESTS.xml, bpmn decide -d FILE…)"
                        .into(),
                ),
            });
        }
    }
}
