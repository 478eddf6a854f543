//! `bpmn show`: draw a saved instance — its diagrams coloured by task
//! state, as SVG or as one HTML page with its tasks and data. The drawing
//! is the library's ([`bpmn_engine::picture`]); this file reads the state
//! and writes the files.

use std::path::Path;

use bpmn_engine::picture::InstancePicture;

use super::CliError;
use super::args::ShowArgs;
use super::exit::COMPLETED;
use super::inspect::load_state;

pub fn show(args: ShowArgs) -> Result<u8, CliError> {
    let (wf, _) = load_state(&args.file)?;
    let picture = InstancePicture::of(&wf);
    if let Some(out) = &args.svg {
        write(out, &picture.svg())?;
    }
    if let Some(out) = &args.html {
        write(out, &picture.html(&wf, &args.file.display().to_string()))?;
    }
    Ok(COMPLETED)
}

/// Writes `text` to `path` whole or not at all (`-`: standard output):
/// pictures, heat maps, JUnit reports.
pub fn write(path: &Path, text: &str) -> Result<(), CliError> {
    if path == Path::new("-") {
        out!("{text}");
        return Ok(());
    }
    bpmn_engine::storage::write_atomic(path, text.as_bytes()).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot write it: {}",
            path.display(),
            bpmn_engine::diagnostic::io_reason(&e)
        ))
    })
}
