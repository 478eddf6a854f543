//! `bpmn resume`: continue a saved instance (a state file or a stored
//! instance).

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use super::CliError;
use super::answers;
use super::args::{InteractiveArgs, LimitArgs, ResumeArgs, ServiceArgs};
use super::interactive;
use super::roles::Roles;
use super::run::{drive, finish_as};
use super::target::{self, Target};

pub fn resume(args: ResumeArgs) -> Result<u8, CliError> {
    if let Some(save) = &args.save {
        bpmn_engine::storage::Format::of(save).map_err(|e| CliError::usage(e.to_string()))?;
    } else if let Target::File(f) = Target::of(&args.file) {
        bpmn_engine::storage::Format::of(&f).map_err(|e| CliError::usage(e.to_string()))?;
    }
    let roles = Roles::from_args(&args.interactive)?;
    let answers = match &args.answers {
        Some(p) => answers::read(p)?,
        None => Vec::new(),
    };
    let input = interactive::choose_input(args.answers.is_some() || args.json);
    if input != interactive::Input::Scripted {
        return session(
            &args.file,
            args.save.as_deref(),
            args.services,
            args.interactive,
            args.limits,
            args.now.as_deref(),
            args.wait,
        );
    }
    // A different --save target is locked too, from before the read.
    let save_lock = match &args.save {
        Some(s) => Some(super::lock::lock_state(s, args.wait)?),
        None => None,
    };
    let mut opened = target::open(
        &args.file,
        save_lock.is_none(),
        args.wait,
        &args.limits.engine_limits(),
    )?;
    prepare(
        &mut opened,
        &args.services,
        args.save.as_deref(),
        args.now.as_deref(),
    )?;
    let outcome = drive(
        &mut opened.wf,
        &answers,
        &args.interactive.forms,
        roles.as_ref(),
    );
    let stored = match (&opened.target, &args.save) {
        (Target::Stored(id), None) => Some(*id),
        _ => None,
    };
    let code = finish_as(&opened.wf, outcome, args.json, stored, roles.as_ref())?;
    opened.save(args.save.as_deref())?;
    drop(save_lock);
    Ok(code)
}

/// Installs services and the data store, sets the clock, and retries
/// failed tasks: what every resume does before it runs.
fn prepare(
    opened: &mut target::Opened,
    services: &ServiceArgs,
    save: Option<&Path>,
    now: Option<&str>,
) -> Result<(), CliError> {
    let specs = opened.wf.specs().clone();
    super::services::CliServices::from_args(services)?.install(&specs, &mut opened.wf)?;
    let data_dir = save.or(opened.file()).map(Path::to_path_buf);
    super::services::install_data_store(services, data_dir.as_deref(), &mut opened.wf);
    if let Some(now) = now {
        opened.wf.set_now(super::run::parse_now(now)?);
    }
    // A task that failed is tried again, from the data it started with.
    opened.wf.retry_failed();
    Ok(())
}

/// An interactive session on a stored instance just started (`bpmn start`).
pub fn resume_session(
    id: &Path,
    services: ServiceArgs,
    interactive: InteractiveArgs,
    limits: LimitArgs,
) -> Result<u8, CliError> {
    session(id, None, services, interactive, limits, None, false)
}

/// An interactive session: on a state file, it saves to the file (or
/// `save`); on a stored instance, the session works on a private state file
/// that goes back into the store when the session ends.
fn session(
    arg: &Path,
    save: Option<&Path>,
    services: ServiceArgs,
    i: InteractiveArgs,
    limits: LimitArgs,
    now: Option<&str>,
    wait: bool,
) -> Result<u8, CliError> {
    let input = interactive::choose_input(false);
    let roles = Roles::from_args(&i)?;
    match Target::of(arg) {
        Target::File(file) => {
            let target = save.map(Path::to_path_buf).unwrap_or(file);
            let lock = super::lock::lock_state(&target, wait)?;
            let mut opened = target::open(arg, false, wait, &limits.engine_limits())?;
            prepare(&mut opened, &services, Some(&target), now)?;
            let mut opts = interactive::options(i.step, i.forms, Some(target), false);
            opts.lock = Some(lock);
            opts.roles = roles;
            interactive::run_session(opened.wf, opened.origin, opts, input)
        }
        Target::Stored(id) => {
            let mut opened = target::open(arg, false, wait, &limits.engine_limits())?;
            prepare(&mut opened, &services, None, now)?;
            let dir = tempfile::tempdir()
                .map_err(|e| CliError::usage(format!("cannot make a working directory: {e}")))?;
            let work = dir.path().join(format!("instance-{id}.json"));
            opened.save(Some(&work))?;
            let (wf, origin) = (opened.wf.clone(), opened.origin.clone());
            // Each save of the session goes into the store at once (with
            // the revision check), so "Saved" means saved.
            let opened = Rc::new(RefCell::new(opened));
            let sync = {
                let opened = opened.clone();
                move |path: &Path| -> Result<(), String> {
                    let (wf, _) = bpmn_engine::storage::load(path).map_err(|e| e.to_string())?;
                    let mut o = opened.borrow_mut();
                    o.absorb(wf);
                    o.save(None).map_err(|e| e.message)
                }
            };
            let mut opts = interactive::options(i.step, i.forms, Some(work.clone()), false);
            opts.lock = Some(super::lock::lock_state(&work, false)?);
            opts.shown_as = Some((format!("instance {id} in the store"), id.to_string()));
            opts.instance = Some(id);
            opts.after_save = Some(Box::new(sync));
            opts.roles = roles;
            interactive::run_session(wf, origin, opts, input)
        }
    }
}
