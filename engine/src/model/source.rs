//! Where a model element came from: file, line and column.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use super::FileDialect;

/// One loaded file with its full text (kept so a saved state can be
/// self-contained and diagnostics can quote positions).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path the file was loaded from, as given (diagnostics print it).
    pub path: PathBuf,
    /// The whole file as UTF-8 (a leading BOM removed), shared with the
    /// states saved from it.
    pub text: Arc<str>,
    /// For a BPMN file: the dialect of its code whose element names no
    /// language, and why. `None` while loading, before it is inferred, and
    /// for DMN files.
    pub dialect: Option<FileDialect>,
    /// The file uses an element or attribute in the SpiffWorkflow
    /// extension namespace (one of the clues for its dialect).
    pub spiff_extensions: bool,
}

/// A position in a loaded file: the file's index in [`crate::model::Model::files`]
/// plus 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourcePos {
    /// Index of the file in [`crate::model::Model::files`].
    pub file: u32,
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters (not bytes) from the line start.
    pub col: u32,
}

impl SourcePos {
    /// Formats as `path:line:col` using the file table of `files`.
    pub fn display<'a>(&'a self, files: &'a [SourceFile]) -> impl fmt::Display + 'a {
        struct D<'a>(&'a SourcePos, &'a [SourceFile]);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let path = self
                    .1
                    .get(self.0.file as usize)
                    .map(|s| s.path.display().to_string())
                    .unwrap_or_else(|| "<unknown>".into());
                write!(f, "{}:{}:{}", path, self.0.line, self.0.col)
            }
        }
        D(self, files)
    }
}
