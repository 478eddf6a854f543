//! `bpmn reset`: go back to an earlier task of a saved instance.

use super::CliError;
use super::args::ResetArgs;
use super::exit::COMPLETED;
use super::inspect::load_state;
use super::run::{parse_data, save_state};

pub fn reset(args: ResetArgs) -> Result<u8, CliError> {
    let overrides = parse_data(args.data.as_deref())?;
    let (mut wf, origin) = load_state(&args.file)?;
    let id = wf
        .resolve_task(&args.task)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let bpmn_id = wf
        .task(id)
        .map(|t| t.bpmn_id.to_string())
        .unwrap_or_default();
    wf.reset(id, overrides)
        .map_err(|e| CliError::usage(e.to_string()))?;
    save_state(&args.file, &wf, &origin)?;
    println!(
        "Reset to {bpmn_id} (task {id}); continue with: bpmn resume {}",
        args.file.display()
    );
    Ok(COMPLETED)
}
