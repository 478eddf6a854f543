//! Loading the files named on the command line.

use std::sync::Arc;

use bpmn_runner::Specs;
use bpmn_runner::parser::LoadOptions;

use super::CliError;
use super::args::FileArgs;

/// Loads the BPMN files and the DMN files their business rule tasks use,
/// with the dialect given by `--dialect` (if any).
pub fn load(files: &FileArgs) -> Result<Arc<Specs>, CliError> {
    let options = LoadOptions {
        dialect: files.dialect,
    };
    Ok(Specs::load_all(&files.bpmn, &files.dmn, &options))
}
