//! `bpmn complete STATE|ID TASK --data JSON | --error CODE`: finish a
//! service task that its connector accepted without doing, or a script task
//! marked long-running (either stays STARTED), from any shell, then continue the instance and save it. A task
//! that is not such a task is refused before anything is written.

use bpmn_engine::{TaskId, Workflow};

use super::CliError;
use super::args::CompleteArgs;
use super::run::{Stop, finish, parse_data};
use super::target::open;

pub fn complete(args: CompleteArgs) -> Result<u8, CliError> {
    let data = parse_data(args.data.as_deref())?;
    let mut opened = open(&args.file, true, args.wait, &args.limits.engine_limits())?;
    let id = started_task(&opened.wf, &args.task)?;
    // What runs after it may reach other service tasks: they need the
    // connectors of a resume. Without any service flag none is installed
    // (such a task fails and a later resume with them retries it).
    let s = &args.services;
    if super::services::given(s) {
        let specs = opened.wf.specs().clone();
        super::services::CliServices::from_args(s)?.install(&specs, &mut opened.wf)?;
    }
    let dir = opened.file().map(|p| p.to_path_buf());
    super::services::install_data_store(s, dir.as_deref(), &mut opened.wf);
    let wf = &mut opened.wf;
    let finished = match &args.error {
        Some(code) => wf.fail_started(id, code),
        None => wf.complete_started(id, data),
    };
    let outcome = match finished {
        Ok(()) => wf.run().map_err(|e| Stop::Workflow(e.to_string())),
        // Refused: nothing changed, so nothing is saved.
        Err(bpmn_engine::CompleteError::Task(e)) => {
            return Err(CliError::usage(format!("{}: {e}", args.file.display())));
        }
        // Thrown and not caught: the task is in ERROR, which is saved.
        Err(bpmn_engine::CompleteError::Workflow(e)) => Err(Stop::Workflow(e.to_string())),
    };
    let code = finish(wf, outcome, args.json)?;
    opened.save(None)?;
    Ok(code)
}

/// The task `reference` names: a BPMN id means its STARTED task (the
/// earliest), else as `bpmn data --task` resolves it (id or id prefix).
fn started_task(wf: &Workflow, reference: &str) -> Result<TaskId, CliError> {
    if let Some(t) = wf.started_tasks().iter().find(|t| t.bpmn_id == reference) {
        return Ok(t.id);
    }
    wf.resolve_task(reference)
        .map_err(|e| CliError::usage(e.to_string()))
}
