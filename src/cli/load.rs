//! Loading the files named on the command line.

use std::sync::Arc;

use bpmn_engine::Specs;
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::runtime::EngineLimits;

use super::CliError;
use super::args::FileArgs;

/// Loads the BPMN files and the DMN files their business rule tasks use,
/// with the dialect given by `--dialect` (if any).
pub fn load(files: &FileArgs) -> Result<Arc<Specs>, CliError> {
    load_limited(files, &EngineLimits::default())
}

/// [`load`], for instances that will run under `limits`.
pub fn load_limited(files: &FileArgs, limits: &EngineLimits) -> Result<Arc<Specs>, CliError> {
    let options = LoadOptions {
        dialect: files.dialect,
    };
    Ok(Specs::load_all_limited(
        &files.bpmn,
        &files.dmn,
        &options,
        limits,
    ))
}
