//! `bpmn run`: start a process (or collaboration), run it, apply answers.

use std::path::{Path, PathBuf};

use bpmn_engine::storage::{self, Origin};
use bpmn_engine::{Answer, Data, StartError, Workflow};
use serde_json::Value;

use super::CliError;
use super::answers;
use super::args::RunArgs;
use super::exit::{COMPLETED, USAGE, WAITING, WORKFLOW};
use super::interactive;
use super::load::load_limited;
use super::output;
use super::roles::Roles;

/// Parses `--data`: a JSON object.
pub fn parse_data(text: Option<&str>) -> Result<Data, CliError> {
    match text {
        None => Ok(Data::new()),
        Some(t) => match serde_json::from_str::<Value>(t) {
            Ok(Value::Object(m)) => Ok(Data::from(m)),
            Ok(_) => Err(CliError::usage(
                "--data must be a JSON object, e.g. '{\"amount\": 10}'",
            )),
            Err(e) => Err(CliError::usage(format!("--data is not valid JSON: {e}"))),
        },
    }
}

pub fn run(args: RunArgs) -> Result<u8, CliError> {
    let data = parse_data(args.data.as_deref())?;
    let roles = Roles::from_args(&args.interactive)?;
    let answers = match &args.answers {
        Some(p) => answers::read(p)?,
        None => Vec::new(),
    };
    if let Some(save) = &args.save {
        storage::Format::of(save).map_err(|e| CliError::usage(e.to_string()))?;
    }
    // Taken before anything runs, so a busy file refuses the run before
    // any service is called; held until the state is saved.
    let lock = match &args.save {
        Some(save) => Some(super::lock::lock_state(save, args.wait)?),
        None => None,
    };
    let specs = load_limited(&args.files, &args.limits.engine_limits())?;
    // Set before the start events are armed: a timer start event counts
    // from this time.
    let now = args.now.as_deref().map(parse_now).transpose()?;
    let (started, origin) = match (&args.process, &args.collaboration) {
        (Some(p), _) => (specs.start_at(p, data, now), Origin::Process(p.clone())),
        (None, Some(c)) => (
            specs.start_collaboration_at(c, data, now),
            Origin::Collaboration(c.clone()),
        ),
        (None, None) => {
            return Err(CliError::usage(
                "give a process with -p or a collaboration with -c",
            ));
        }
    };
    let mut wf = started.map_err(|e| match e {
        StartError::Workflow(w) => CliError {
            code: WORKFLOW,
            message: w.to_string(),
        },
        other => CliError::usage(other.to_string()),
    })?;
    super::services::CliServices::from_args(&args.services)?.install(&specs, &mut wf)?;
    super::services::install_data_store(&args.services, args.save.as_deref(), &mut wf);
    let input = interactive::choose_input(args.answers.is_some() || args.json);
    if input != interactive::Input::Scripted {
        let i = args.interactive;
        let mut opts = interactive::options(i.step, i.forms, args.save.clone(), true);
        opts.lock = lock;
        opts.roles = roles;
        return interactive::run_session(wf, origin, opts, input);
    }
    let outcome = drive(&mut wf, &answers, &args.interactive.forms, roles.as_ref());
    let code = finish_as(&wf, outcome, args.json, None, roles.as_ref())?;
    if let Some(save) = &args.save {
        save_state(save, &wf, &origin)?;
    }
    drop(lock);
    Ok(code)
}

/// Parses `--now`: an ISO 8601 date-time (UTC when it has no offset).
pub fn parse_now(text: &str) -> Result<jiff::Timestamp, CliError> {
    bpmn_engine::runtime::parse_date(text).map_err(|e| CliError::usage(format!("--now: {e}")))
}

/// Saves the state, turning a failure into a usage error (exit 2).
pub fn save_state(path: &Path, wf: &Workflow, origin: &Origin) -> Result<(), CliError> {
    storage::save(path, wf, origin).map_err(|e| CliError::usage(e.to_string()))
}

/// Why a drive stopped early.
pub enum Stop {
    Workflow(String),
    Answer(String),
    /// An answer for a task in a lane the user (`--as`) is not in: the run
    /// waits for someone who is.
    Refused(String),
}

/// Runs engine tasks, then each answer followed by engine tasks. An answer
/// for a task with a form (looked up in `forms`, then beside the diagram)
/// is checked against it first, as the interactive form checks what is
/// typed; one that does not fit stops the run before it is applied. With
/// `roles`, an answer for a task in a lane the user is not in is refused.
pub fn drive(
    wf: &mut Workflow,
    answers: &[Answer],
    forms: &[PathBuf],
    roles: Option<&Roles>,
) -> Result<(), Stop> {
    // A task still in ERROR (tried again on resume and failed again before
    // anything ran, e.g. a data input still missing) stops the run.
    if let Some(e) = wf.failures().first() {
        return Err(Stop::Workflow(e.to_string()));
    }
    wf.run().map_err(|e| Stop::Workflow(e.to_string()))?;
    for (i, a) in answers.iter().enumerate() {
        let n = i + 1;
        if let Answer::Task { task, data } = a
            && let Some(id) = wf.ready_human_task(task)
        {
            if let Some(r) = roles
                && let Some(lane) = wf.task(id).and_then(|t| t.lane)
                && !r.may_do(Some(lane))
            {
                return Err(Stop::Refused(format!(
                    "answer #{n} refused: {}",
                    r.refusal(task, lane)
                )));
            }
            interactive::check_answers(wf, id, data, forms).map_err(|problems| {
                Stop::Answer(format!(
                    "answer #{n} for task `{task}` does not fit its form: {}",
                    problems.join("; ")
                ))
            })?;
        }
        if let Err(e) = wf.apply(a) {
            let text = e.for_answer(n);
            return Err(if e.is_bad_answer() {
                Stop::Answer(text)
            } else {
                Stop::Workflow(text)
            });
        }
        wf.run().map_err(|e| Stop::Workflow(e.to_string()))?;
    }
    Ok(())
}

/// Prints the outcome and picks the exit code.
pub fn finish(wf: &Workflow, outcome: Result<(), Stop>, json: bool) -> Result<u8, CliError> {
    finish_as(wf, outcome, json, None, None)
}

/// [`finish`] for a stored instance: its id goes into the JSON object
/// (`"instance"`) and after the text. With `roles`, the ready tasks of
/// other lanes are listed as waiting for someone else.
pub fn finish_as(
    wf: &Workflow,
    outcome: Result<(), Stop>,
    json: bool,
    instance: Option<i64>,
    roles: Option<&Roles>,
) -> Result<u8, CliError> {
    let (code, error) = match outcome {
        Ok(()) if wf.is_completed() => (COMPLETED, None),
        Ok(()) => (WAITING, None),
        Err(Stop::Workflow(m)) => (WORKFLOW, Some(m)),
        Err(Stop::Answer(m)) => (USAGE, Some(m)),
        Err(Stop::Refused(m)) => (WAITING, Some(m)),
    };
    if let Some(m) = &error {
        errln!("error: {m}");
    }
    if json {
        let mut v = output::summary_json(wf, error.as_deref(), roles);
        if let (Some(id), Some(o)) = (instance, v.as_object_mut()) {
            o.insert("instance".into(), id.into());
        }
        outln!("{v}");
    } else {
        out!("{}", output::summary_text(wf, roles));
        if let Some(id) = instance {
            outln!("Instance {id} is in the store.");
        }
    }
    Ok(code)
}
