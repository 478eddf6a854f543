//! Loading the files named on the command line.

use std::sync::Arc;

use bpmn_runner::Specs;

use super::CliError;
use super::args::FileArgs;

/// Loads the BPMN files, and checks that the DMN files are readable XML
/// (decision tables are used by business rule tasks).
pub fn load(files: &FileArgs) -> Result<Arc<Specs>, CliError> {
    for d in &files.dmn {
        let text = std::fs::read(d).map_err(|e| {
            CliError::usage(format!("{}: cannot read the DMN file: {e}", d.display()))
        })?;
        if !String::from_utf8_lossy(&text).contains("definitions") {
            return Err(CliError::usage(format!(
                "{}: not a DMN file (no <definitions> element)",
                d.display()
            )));
        }
    }
    Ok(Specs::load(&files.bpmn))
}
