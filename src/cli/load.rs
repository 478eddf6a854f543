//! Loading the files named on the command line.

use std::sync::Arc;

use bpmn_engine::Specs;
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::runtime::EngineLimits;

use super::CliError;
use super::args::FileArgs;

/// Loads the BPMN files and the DMN files their business rule tasks use,
/// with the dialect given by `--dialect` (if any); every problem, an
/// unreadable file too, is left in the specs' diagnostics (`validate`
/// lists them all).
pub fn load(files: &FileArgs) -> Result<Arc<Specs>, CliError> {
    Ok(load_with(files, &EngineLimits::default()))
}

/// [`load`], for instances that will run under `limits`. A file that
/// cannot be read stops here, with only that said (`order.bpmn: no such
/// file (check the path)`), rather than as one of the diagram's problems.
pub fn load_limited(files: &FileArgs, limits: &EngineLimits) -> Result<Arc<Specs>, CliError> {
    let specs = load_with(files, limits);
    let unreadable = specs.unreadable_files();
    if !unreadable.is_empty() {
        return Err(CliError::usage(unreadable.join("\n")));
    }
    Ok(specs)
}

fn load_with(files: &FileArgs, limits: &EngineLimits) -> Arc<Specs> {
    let options = LoadOptions {
        dialect: files.dialect,
    };
    Specs::load_all_limited(&files.bpmn, &files.dmn, &options, limits)
}
