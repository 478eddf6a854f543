//! Problems found in loaded files, each pointing at a file, line, column and
//! element, with a hint on how to fix it. Shared by every layer. Shown as
//! `file:line:col: error: element: message (help)`; a problem with a whole
//! file (it could not be read) has no line and shows as `file: error: …`.

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
            Err(e) => unreadable.push(Diagnostic::unreadable(p, &e)),
        }
    }
    (sources, unreadable)
}

/// Why a file could not be read, in words: `no such file (check the path)`
/// for a missing one (the operating system's "No such file or directory
/// (os error 2)" says less), else what the system said.
pub fn io_reason(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "no such file (check the path)".into()
    } else {
        e.to_string()
    }
}

impl Diagnostic {
    /// The error for a file that could not be read: it concerns the whole
    /// file, so it has no line (0).
    pub(crate) fn unreadable(path: &std::path::Path, e: &std::io::Error) -> Diagnostic {
        let (message, help) = if e.kind() == std::io::ErrorKind::NotFound {
            ("no such file".to_string(), "check the path")
        } else {
            (
                format!("cannot read the file: {e}"),
                "check the path and its permissions",
            )
        };
        Diagnostic {
            severity: Severity::Error,
            file: path.to_path_buf(),
            line: 0,
            col: 0,
            element: None,
            process: None,
            message,
            help: Some(help.into()),
        }
    }

    /// Where the problem is: `file:line:col`, or only `file` when it
    /// concerns the whole file (line 0).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.col)
        }
    }

    /// The problem without its severity, `location: element: message
    /// (help)`, for a caller that puts its own `error:` before it (the
    /// [`Display`](fmt::Display) form has `error:` after the location).
    pub fn unprefixed(&self) -> String {
        let mut s = format!("{}: ", self.location());
        self.write_what(&mut s).unwrap_or_default();
        s
    }

    /// `element: message (help)`.
    fn write_what(&self, f: &mut impl fmt::Write) -> fmt::Result {
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}: {sev}: ", self.location())?;
        self.write_what(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_has_no_position_and_says_so() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        let d = Diagnostic::unreadable(std::path::Path::new("order.bpmn"), &e);
        assert_eq!(
            d.to_string(),
            "order.bpmn: error: no such file (check the path)"
        );
        assert_eq!(d.unprefixed(), "order.bpmn: no such file (check the path)");
        let d = Diagnostic {
            line: 3,
            col: 7,
            element: Some("Task_1".into()),
            ..d
        };
        assert_eq!(
            d.to_string(),
            "order.bpmn:3:7: error: Task_1: no such file (check the path)"
        );
        assert_eq!(
            d.unprefixed(),
            "order.bpmn:3:7: Task_1: no such file (check the path)"
        );
    }
}
