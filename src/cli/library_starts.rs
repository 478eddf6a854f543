//! Start events that start stored instances of library specs:
//! `bpmn send --message NAME` without an instance (every spec whose
//! process starts on that message) and `bpmn tick` (every timer start
//! event due, counted from when its spec version was added). Only the
//! latest version of each spec starts; each instance runs until it waits
//! and is stored, and its id is printed.

use std::collections::BTreeMap;
use std::sync::Arc;

use bpmn_engine::runtime::EventError;
use bpmn_engine::storage::{
    self, Format, InstanceId, InstanceSave, Origin, Spec, SpecInfo, SpecTarget, Store,
};
use bpmn_engine::{Specs, StartError, Workflow};
use jiff::Timestamp;
use serde_json::Value;

use super::CliError;
use super::args::{SendArgs, TickArgs};
use super::exit::{COMPLETED, USAGE, WORKFLOW};
use super::library::specs_of;
use super::target::open_store;

/// How many occurrences of one timer start event a tick starts at most
/// (an endless cycle with a short period after a long pause).
const MAX_PER_TICK: u32 = 100;

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::usage(e.to_string())
}

/// The latest version of every spec in the store, loaded.
pub(super) fn latest_specs(
    store: &dyn Store,
    limits: &bpmn_engine::runtime::EngineLimits,
) -> Result<Vec<(Spec, Arc<Specs>)>, CliError> {
    let mut latest: BTreeMap<(bool, String), SpecInfo> = BTreeMap::new();
    for s in store.specs().map_err(usage)? {
        let key = (
            matches!(s.target, SpecTarget::Collaboration(_)),
            s.target.id().to_string(),
        );
        // Oldest first: a later version replaces an earlier one.
        latest.insert(key, s);
    }
    let mut out = Vec::new();
    let mut infos: Vec<SpecInfo> = latest.into_values().collect();
    infos.sort_by_key(|s| s.id);
    for info in infos {
        let spec = store.spec(&info.id.to_string()).map_err(usage)?;
        let specs = specs_of(&spec, limits)?;
        out.push((spec, specs));
    }
    Ok(out)
}

/// The processes `target` runs: the process, or the participants'.
fn processes(target: &SpecTarget, specs: &Specs) -> Vec<String> {
    match target {
        SpecTarget::Process(p) => vec![p.clone()],
        SpecTarget::Collaboration(c) => specs.model().collaboration_processes(c),
    }
}

/// Starts an instance of `spec`, lets `fire` start it (deliver the
/// message, fire the timer) and runs it. Returns it, its origin, and
/// whether its run failed (it is stored in ERROR then).
fn start_and_run(
    spec: &Spec,
    specs: &Arc<Specs>,
    now: Option<Timestamp>,
    fire: impl FnOnce(&mut Workflow) -> Result<(), EventError>,
) -> Result<(Workflow, Origin, bool), CliError> {
    let data = super::run::parse_data(None)?;
    let (started, origin) = super::library::start_spec(spec, specs, data, now);
    let name = format!("spec {} `{}`", spec.info.id, spec.info.name);
    let mut wf = started.map_err(|e| match e {
        StartError::Workflow(w) => CliError {
            code: WORKFLOW,
            message: format!("{name}: {w}"),
        },
        other => CliError::usage(format!("{name}: {other}")),
    })?;
    wf.record_transitions(true);
    super::services::install_data_store(&Default::default(), None, &mut wf);
    fire(&mut wf).map_err(|e| CliError {
        code: WORKFLOW,
        message: format!("{name}: {e}"),
    })?;
    let failed = match wf.run() {
        Ok(()) => false,
        Err(e) => {
            errln!("{name}: {e}");
            true
        }
    };
    Ok((wf, origin, failed))
}

/// Prints the new instance ids; exit 3 when one of them failed.
fn print_ids(ids: &[InstanceId], failed: bool, json: bool) -> u8 {
    if json {
        outln!("{}", Value::from(ids.to_vec()));
    } else {
        for id in ids {
            outln!("{id}");
        }
    }
    if failed { WORKFLOW } else { COMPLETED }
}

/// `bpmn send --message NAME` without an instance: a new instance of every
/// library spec whose process starts on the message.
pub fn send_to_library(args: &SendArgs, payload: Value) -> Result<u8, CliError> {
    let Some(name) = &args.message else {
        return Err(usage(
            "a signal goes to an instance: give the state file or instance id",
        ));
    };
    let limits = args.limits.engine_limits();
    let mut store = open_store(false)?;
    let mut ids = Vec::new();
    let mut failed = false;
    for (spec, specs) in latest_specs(store.as_ref(), &limits)? {
        let catches = processes(&spec.info.target, &specs)
            .iter()
            .any(|p| specs.starts_on_message(p, name));
        if !catches {
            continue;
        }
        let (mut wf, origin, f) = start_and_run(&spec, &specs, None, |wf| {
            wf.send_message(name, payload.clone())
        })?;
        let id = super::library::store_new(store.as_mut(), &spec, &mut wf, &origin)?.id;
        errln!(
            "Message `{name}` started instance {id} of spec {} `{}`.",
            spec.info.id,
            spec.info.name
        );
        ids.push(id);
        failed |= f;
    }
    if ids.is_empty() {
        return Err(CliError {
            code: USAGE,
            message: format!(
                "no library spec starts on message `{name}` (no message start event catches it; `bpmn specs` lists the specs); give a state file or instance id to send it to a running instance"
            ),
        });
    }
    Ok(print_ids(&ids, failed, args.json))
}

/// `bpmn tick`: starts an instance per timer start event occurrence due.
pub fn tick(args: TickArgs) -> Result<u8, CliError> {
    let now = args.now.as_deref().map(super::run::parse_now).transpose()?;
    let limits = args.limits.engine_limits();
    let mut store = open_store(false)?;
    let latest = latest_specs(store.as_ref(), &limits)?;
    let (ids, failed) =
        start_due_timers(store.as_mut(), &latest, now, &mut |line| errln!("{line}"))?;
    if ids.is_empty() {
        errln!("Nothing is due.");
    }
    Ok(print_ids(&ids, failed, args.json))
}

/// Starts an instance per occurrence of a timer start event of `latest`
/// due at `now` (the wall clock when `None`) and not started yet — by
/// this or any other process: each occurrence is stored at most once.
/// `say` gets a line per instance. Returns the new ids and whether a run
/// failed.
pub(super) fn start_due_timers(
    store: &mut dyn Store,
    latest: &[(Spec, Arc<Specs>)],
    now: Option<Timestamp>,
    say: &mut dyn FnMut(String),
) -> Result<(Vec<InstanceId>, bool), CliError> {
    let at = now.unwrap_or_else(Timestamp::now);
    let mut ids = Vec::new();
    let mut failed = false;
    for (spec, specs) in latest {
        for p in processes(&spec.info.target, specs) {
            let timers = specs
                .timer_starts(&p, spec.info.added)
                .map_err(|e| usage(format!("spec {} `{}`: {e}", spec.info.id, spec.info.name)))?;
            for t in timers {
                let done = store
                    .timer_starts_done(spec.info.id, &t.start_id)
                    .map_err(usage)?;
                let due = t.due_count(at, done.saturating_add(MAX_PER_TICK));
                for n in done..due {
                    // Stored with the count of started occurrences in one
                    // transaction: a failure later, or another worker
                    // ticking at the same time, starts nothing twice.
                    let (mut wf, origin, f) =
                        start_and_run(spec, specs, now, |wf| wf.fire_timer_start(&t.start_id))?;
                    let log = wf.take_transitions();
                    let state = storage::save_bytes(&wf, &origin, Format::Json).map_err(usage)?;
                    let save = InstanceSave::of(&wf, &state, &log, f);
                    let created = store
                        .create_timer_instance(spec.info.id, &t.start_id, n + 1, save)
                        .map_err(usage)?;
                    let Some(id) = created.map(|i| i.id) else {
                        // Another process started this occurrence.
                        break;
                    };
                    say(format!(
                        "Timer `{}` started instance {id} of spec {} `{}`.",
                        t.start_id, spec.info.id, spec.info.name
                    ));
                    ids.push(id);
                    failed |= f;
                }
            }
        }
    }
    Ok((ids, failed))
}
