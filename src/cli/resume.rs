//! `bpmn resume`: continue a saved instance.

use super::CliError;
use super::answers;
use super::args::ResumeArgs;
use super::inspect::load_state_limited;
use super::interactive;
use super::run::{drive, finish, save_state};

pub fn resume(args: ResumeArgs) -> Result<u8, CliError> {
    let target = args.save.clone().unwrap_or_else(|| args.file.clone());
    bpmn_engine::storage::Format::of(&target).map_err(|e| CliError::usage(e.to_string()))?;
    let answers = match &args.answers {
        Some(p) => answers::read(p)?,
        None => Vec::new(),
    };
    // Held until the state is saved back (or the session ends).
    let lock = super::lock::lock_state(&target, args.wait)?;
    let (mut wf, origin) = load_state_limited(&args.file, &args.limits.engine_limits())?;
    let specs = wf.specs().clone();
    super::services::CliServices::from_args(&args.services)?.install(&specs, &mut wf)?;
    super::services::install_data_store(&args.services, Some(&target), &mut wf);
    if let Some(now) = &args.now {
        wf.set_now(super::run::parse_now(now)?);
    }
    // A task that failed is tried again, from the data it started with.
    wf.retry_failed();
    let input = interactive::choose_input(args.answers.is_some() || args.json);
    if input != interactive::Input::Scripted {
        let i = args.interactive;
        let mut opts = interactive::options(i.step, i.forms, Some(target), false);
        opts.lock = Some(lock);
        return interactive::run_session(wf, origin, opts, input);
    }
    let outcome = drive(&mut wf, &answers, &args.interactive.forms);
    let code = finish(&wf, outcome, args.json)?;
    save_state(&target, &wf, &origin)?;
    drop(lock);
    Ok(code)
}
