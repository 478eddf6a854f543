//! The `--answers` file: read from disk; its format and how each item is
//! applied live in the library ([`bpmn_engine::Answer`],
//! [`bpmn_engine::Workflow::apply`]), shared with the test suite.

use std::path::Path;

use bpmn_engine::Answer;

use super::CliError;

/// Reads and checks an answers file.
pub fn read(path: &Path) -> Result<Vec<Answer>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot read the answers file: {}",
            path.display(),
            bpmn_engine::diagnostic::io_reason(&e)
        ))
    })?;
    Answer::parse_list(&text).map_err(|m| CliError::usage(format!("{}: {m}", path.display())))
}
