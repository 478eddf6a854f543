//! Exit codes of the `bpmn` command, and the error type that carries one.

use std::fmt;

/// The workflow completed.
pub const COMPLETED: u8 = 0;
/// Some test failed (`bpmn test`, `bpmn dmn-test`).
pub const FAILED: u8 = 1;
/// Bad usage, unreadable or invalid files, unknown process id.
pub const USAGE: u8 = 2;
/// A workflow error: a script failed, no gateway condition was true…
pub const WORKFLOW: u8 = 3;
/// The workflow did not complete: it waits for input.
pub const WAITING: u8 = 4;

/// An error to print (first line on stderr) with the exit code to return.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: USAGE,
            message: message.into(),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
