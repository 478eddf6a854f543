//! Problems found in loaded files, each pointing at a file, line, column and
//! element, with a hint on how to fix it. Shared by every layer.

use std::fmt;
use std::path::PathBuf;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; does not stop anything from running (e.g. a problem in
    /// a process marked `isExecutable="false"`).
    Warning,
    /// The affected process (or file) cannot run.
    Error,
}

/// One problem in a loaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether the problem stops the process (or file) from running.
    pub severity: Severity,
    /// The file's path, as it was given.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file (it could
    /// not be read).
    pub line: u32,
    /// 1-based column in characters; 0 with line 0.
    pub col: u32,
    /// BPMN/DMN id of the element at fault, when there is one.
    pub element: Option<String>,
    /// The process this problem belongs to (None: the whole file).
    pub process: Option<String>,
    /// What is wrong, in one sentence without the position.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

/// Reads every file of `paths`: the contents of those that could be read,
/// and an error diagnostic for each that could not.
pub(crate) fn read_files<P: AsRef<std::path::Path>>(
    paths: &[P],
) -> (Vec<(PathBuf, Vec<u8>)>, Vec<Diagnostic>) {
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        let p = p.as_ref();
        match std::fs::read(p) {
            Ok(bytes) => sources.push((p.to_path_buf(), bytes)),
            Err(e) => unreadable.push(Diagnostic {
                severity: Severity::Error,
                file: p.to_path_buf(),
                line: 0,
                col: 0,
                element: None,
                process: None,
                message: format!("cannot read the file: {e}"),
                help: Some("check the path and its permissions".into()),
            }),
        }
    }
    (sources, unreadable)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(
            f,
            "{}:{}:{}: {sev}: ",
            self.file.display(),
            self.line,
            self.col
        )?;
        if let Some(el) = &self.element {
            write!(f, "{el}: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}
