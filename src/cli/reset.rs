//! `bpmn reset`: go back to an earlier task of a saved instance. The
//! previous state is kept beside the file (one generation), so a mistaken
//! reset can be undone.

use std::path::Path;

use super::CliError;
use super::args::ResetArgs;
use super::exit::COMPLETED;
use super::invocation::{program, resume_command};
use super::run::parse_data;
use super::target::keep_previous;

pub fn reset(args: ResetArgs) -> Result<u8, CliError> {
    let overrides = parse_data(args.data.as_deref())?;
    let mut opened = super::target::open(&args.file, true, args.wait, &Default::default())?;
    let wf = &mut opened.wf;
    let id = wf
        .resolve_reset_target(&args.task)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let outcome = wf
        .reset(id, overrides)
        .map_err(|e| CliError::usage(e.to_string()))?;
    // One generation of undo for a state file: the file as it was, byte
    // for byte. (A stored instance keeps its history in the task log.)
    let undo = match opened.file().map(Path::to_path_buf) {
        Some(file) => Some((keep_previous(&file, "reset", "reset")?, file)),
        None => None,
    };
    opened.save(None)?;
    let wf = &opened.wf;
    let what = match (&outcome.task, &outcome.note) {
        (Some(t), None) => format!("Reset to {} (task {t})", outcome.bpmn_id),
        (Some(t), Some(note)) => format!("Reset to task {t}: {note}"),
        (None, Some(note)) => format!("Reset: {note}"),
        (None, None) => "Reset".to_string(),
    };
    let removed = format!(
        "{what}; {} task{} removed.",
        outcome.removed,
        if outcome.removed == 1 { "" } else { "s" }
    );
    match &undo {
        Some((backup, file)) => outln!(
            "{removed}\nThe previous state is in {} (to undo: mv {} {}).\nContinue with: {}",
            backup.display(),
            backup.display(),
            file.display(),
            resume_command(&program(), file)
        ),
        None => outln!(
            "{removed}\nContinue with: {}",
            resume_command(&program(), &args.file)
        ),
    }
    // The task could not even start again (its data inputs are missing):
    // the state is saved, the reset says so like a failed run.
    if outcome.state == Some(bpmn_engine::TaskState::Error)
        && let Some(e) = wf.failures().into_iter().next()
    {
        errln!("error: {e}");
        return Ok(super::exit::WORKFLOW);
    }
    Ok(COMPLETED)
}
