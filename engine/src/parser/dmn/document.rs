//! Bytes → decoded text and XML tree, with a diagnostic naming line and
//! column when the file is not UTF-8 or not well-formed.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::parser::xml::{self, Element, LineIndex};

/// A parsed XML document with what is needed to locate its elements.
pub(crate) struct Document<'a> {
    pub text: &'a str,
    pub lines: LineIndex,
    pub root: Element,
}

/// Decodes (BOM stripped) and parses `bytes`; `what` names the expected
/// format in the help text.
pub(crate) fn parse<'a>(
    path: &Path,
    bytes: &'a [u8],
    what: &str,
) -> Result<Document<'a>, Box<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, col) = LineIndex::new(good).line_col(good, good.len());
            return Err(Box::new(file_error(
                path,
                line,
                col,
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
                what,
            )));
        }
    };
    let lines = LineIndex::new(text);
    match xml::parse(text) {
        Ok(root) => Ok(Document { text, lines, root }),
        Err(e) => {
            let (line, col) = lines.line_col(text, e.offset);
            Err(Box::new(file_error(
                path,
                line,
                col,
                format!("malformed XML: {}", e.message),
                what,
            )))
        }
    }
}

/// An error about a whole file.
pub(crate) fn file_error(
    path: &Path,
    line: u32,
    col: u32,
    message: String,
    what: &str,
) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line,
        col,
        element: None,
        process: None,
        message,
        help: Some(format!("fix the file so it is well-formed {what} (UTF-8)")),
    }
}
