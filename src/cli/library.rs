//! The store's commands: `add` and `specs` (the library of specs), `start`
//! (a new stored instance), `instances`, `log`, `export` and `import`.
//! Commands that change an instance (`resume`, `advance`…) reach stored
//! instances through `target.rs`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bpmn_engine::parser::LoadOptions;
use bpmn_engine::storage::{
    self, Format, InstanceSave, NewSpec, Origin, Spec, SpecFile, SpecTarget, Store,
};
use bpmn_engine::{Specs, StartError, TaskState};
use serde_json::{Value, json};

use super::CliError;
use super::args::{AddArgs, ExportArgs, ImportArgs, InstancesArgs, LogArgs, SpecsArgs, StartArgs};
use super::exit::{COMPLETED, WORKFLOW};
use super::target::open_store;
use super::{answers, interactive, table};

fn usage(e: impl std::fmt::Display) -> CliError {
    CliError::usage(e.to_string())
}

/// Reads the files named on the command line as spec files.
pub fn read_files(paths: &[PathBuf]) -> Result<Vec<SpecFile>, CliError> {
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| SpecFile {
                    path: p.clone(),
                    text,
                })
                .map_err(|e| CliError::usage(format!("{}: cannot read it: {e}", p.display())))
        })
        .collect()
}

/// Spec files of sources an instance embeds.
pub fn spec_files(files: &[bpmn_engine::model::SourceFile]) -> Vec<SpecFile> {
    files
        .iter()
        .map(|f| SpecFile {
            path: f.path.clone(),
            text: f.text.to_string(),
        })
        .collect()
}

/// Loads a spec's sources as the engine's specs.
pub fn specs_of(
    spec: &Spec,
    limits: &bpmn_engine::runtime::EngineLimits,
) -> Result<Arc<Specs>, CliError> {
    let dialect = match &spec.dialect {
        Some(d) => Some(d.parse().map_err(CliError::usage)?),
        None => None,
    };
    let files = |fs: &[SpecFile]| -> Vec<(PathBuf, Vec<u8>)> {
        fs.iter()
            .map(|f| (f.path.clone(), f.text.clone().into_bytes()))
            .collect()
    };
    Ok(Specs::from_all_sources_limited(
        files(&spec.bpmn),
        files(&spec.dmn),
        &LoadOptions { dialect },
        limits,
    ))
}

/// Refuses a spec whose target is missing or does not load.
fn check_spec(specs: &Specs, target: &SpecTarget) -> Result<(), CliError> {
    let problems: Vec<String> = match target {
        SpecTarget::Process(p) => {
            if specs.model().process(p).is_none() {
                return Err(usage(StartError::UnknownProcess {
                    id: p.clone(),
                    known: specs
                        .model()
                        .processes
                        .iter()
                        .map(|p| p.id.clone())
                        .collect(),
                }));
            }
            specs
                .problems_for(p)
                .iter()
                .map(|d| d.to_string())
                .collect()
        }
        SpecTarget::Collaboration(c) => {
            let Some(collab) = specs.model().collaboration(c) else {
                return Err(usage(StartError::UnknownProcess {
                    id: c.clone(),
                    known: specs
                        .model()
                        .collaborations
                        .iter()
                        .map(|c| c.id.clone())
                        .collect(),
                }));
            };
            collab
                .participants
                .iter()
                .filter_map(|p| p.process_ref.as_deref())
                .flat_map(|p| specs.problems_for(p))
                .map(|d| d.to_string())
                .collect()
        }
    };
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CliError::usage(format!(
            "the diagram cannot run, so it is not added:\n  {}",
            problems.join("\n  ")
        )))
    }
}

pub fn add(args: AddArgs) -> Result<u8, CliError> {
    let target = match (&args.process, &args.collaboration) {
        (Some(p), _) => SpecTarget::Process(p.clone()),
        (None, Some(c)) => SpecTarget::Collaboration(c.clone()),
        (None, None) => return Err(usage("give a process with -p or a collaboration with -c")),
    };
    let spec = NewSpec {
        name: args.name.clone().unwrap_or_else(|| target.id().to_string()),
        target,
        bpmn: read_files(&args.files.bpmn)?,
        dmn: read_files(&args.files.dmn)?,
        dialect: args.files.dialect.map(|d| d.to_string()),
    };
    // What cannot start is refused before the store is touched.
    let loaded = super::load::load(&args.files)?;
    check_spec(&loaded, &spec.target)?;
    let mut store = open_store(true)?;
    let added = store.add_spec(&spec).map_err(usage)?;
    let s = &added.spec;
    if added.new_version {
        outln!("{}", s.id);
        errln!(
            "Added spec {} `{}` ({}), version {}.",
            s.id,
            s.name,
            s.target,
            s.version
        );
    } else {
        outln!("{}", s.id);
        errln!(
            "Unchanged: spec {} `{}` ({}) version {} has these files already.",
            s.id,
            s.name,
            s.target,
            s.version
        );
    }
    Ok(COMPLETED)
}

fn target_json(t: &SpecTarget) -> (&'static str, &str) {
    match t {
        SpecTarget::Process(p) => ("process", p),
        SpecTarget::Collaboration(c) => ("collaboration", c),
    }
}

pub fn specs(args: SpecsArgs) -> Result<u8, CliError> {
    let store = open_store(false)?;
    let specs = store.specs().map_err(usage)?;
    if args.json {
        let v: Vec<Value> = specs
            .iter()
            .map(|s| {
                let (kind, id) = target_json(&s.target);
                json!({
                    "id": s.id, "name": s.name, kind: id, "version": s.version,
                    "files": s.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
                    "added": s.added.to_string(),
                })
            })
            .collect();
        outln!("{}", Value::Array(v));
        return Ok(COMPLETED);
    }
    let rows: Vec<Vec<String>> = specs
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                s.target.to_string(),
                s.version.to_string(),
                // Names only: the table stays narrow; --json has the paths.
                s.files
                    .iter()
                    .map(|f| {
                        f.file_name()
                            .map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ]
        })
        .collect();
    outln!(
        "{}",
        table::render_plain(&["id", "name", "starts", "version", "files"], &rows)
    );
    Ok(COMPLETED)
}

pub fn start(args: StartArgs) -> Result<u8, CliError> {
    let data = super::run::parse_data(args.data.as_deref())?;
    let roles = super::roles::Roles::from_args(&args.interactive)?;
    let answers = match &args.answers {
        Some(p) => answers::read(p)?,
        None => Vec::new(),
    };
    let mut store = open_store(false)?;
    let spec = store.spec(&args.spec).map_err(usage)?;
    let specs = specs_of(&spec, &args.limits.engine_limits())?;
    let now = args.now.as_deref().map(super::run::parse_now).transpose()?;
    let (started, origin) = start_spec(&spec, &specs, data, now);
    let mut wf = started.map_err(|e| match e {
        StartError::Workflow(w) => CliError {
            code: WORKFLOW,
            message: w.to_string(),
        },
        other => usage(other),
    })?;
    wf.record_transitions(true);
    super::services::CliServices::from_args(&args.services)?.install(&specs, &mut wf)?;
    super::services::install_data_store(&args.services, None, &mut wf);
    let input = interactive::choose_input(args.answers.is_some() || args.json);
    let session = input != interactive::Input::Scripted;
    let outcome = if session {
        Ok(())
    } else {
        super::run::drive(&mut wf, &answers, &args.interactive.forms, roles.as_ref())
    };
    let info = store_new(store.as_mut(), &spec, &mut wf, &origin)?;
    if session {
        // The session works on the stored instance like `resume ID`.
        errln!(
            "Started instance {} of spec {} `{}`.",
            info.id,
            spec.info.id,
            spec.info.name
        );
        return super::resume::resume_session(
            Path::new(&info.id.to_string()),
            args.services,
            args.interactive,
            args.limits,
        );
    }
    super::run::finish_as(&wf, outcome, args.json, Some(info.id), roles.as_ref())
}

/// Starts an instance of library spec `spec` (nothing runs yet): its
/// process, or its collaboration's pools; with the origin its state
/// records. Shared by `start`, `send --message` and `tick`.
pub(super) fn start_spec(
    spec: &Spec,
    specs: &Arc<Specs>,
    data: bpmn_engine::Data,
    now: Option<jiff::Timestamp>,
) -> (Result<bpmn_engine::Workflow, StartError>, Origin) {
    match &spec.info.target {
        SpecTarget::Process(p) => (specs.start_at(p, data, now), Origin::Process(p.clone())),
        SpecTarget::Collaboration(c) => (
            specs.start_collaboration_at(c, data, now),
            Origin::Collaboration(c.clone()),
        ),
    }
}

/// Stores `wf` as a new instance of `spec`, with the task log recorded
/// since it started.
pub(super) fn store_new(
    store: &mut dyn Store,
    spec: &Spec,
    wf: &mut bpmn_engine::Workflow,
    origin: &Origin,
) -> Result<bpmn_engine::storage::InstanceInfo, CliError> {
    let log = wf.take_transitions();
    let state = storage::save_bytes(wf, origin, Format::Json).map_err(usage)?;
    store
        .create_instance(spec.info.id, InstanceSave::of(wf, &state, &log, false))
        .map_err(usage)
}

/// Starts an instance of `spec` chosen in a session ("Start from the
/// library") and runs a session on it.
pub fn start_chosen(spec: i64) -> Result<u8, CliError> {
    use clap::Parser;
    // The defaults of `bpmn start SPEC`, as if typed.
    let args = super::args::Cli::try_parse_from(["bpmn", "start", &spec.to_string()])
        .map_err(|e| CliError::usage(e.to_string()))?;
    match args.command {
        super::args::Command::Start(a) => start(a),
        _ => Err(CliError::usage("internal: not a start command")),
    }
}

pub fn instances(args: InstancesArgs) -> Result<u8, CliError> {
    let store = open_store(false)?;
    let list = store.instances(args.active).map_err(usage)?;
    if args.json {
        let v: Vec<Value> = list
            .iter()
            .map(|i| {
                json!({
                    "id": i.id, "spec": i.spec, "name": i.spec_name, "version": i.version,
                    "status": i.status.as_str(), "started": i.started.to_string(),
                    "updated": i.updated.to_string(),
                    "holder": i.holder.as_ref().map(|c| json!({
                        "worker": c.worker, "until": c.until.to_string(),
                    })),
                    "queued": i.queued,
                })
            })
            .collect();
        outln!("{}", Value::Array(v));
        return Ok(COMPLETED);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                format!("{} `{}`", i.spec, i.spec_name),
                i.version.to_string(),
                i.status.to_string(),
                short_time(i.started),
                short_time(i.updated),
                i.holder
                    .as_ref()
                    .map_or_else(String::new, |c| c.worker.clone()),
                if i.queued == 0 {
                    String::new()
                } else {
                    i.queued.to_string()
                },
            ]
        })
        .collect();
    outln!(
        "{}",
        table::render_plain(
            &[
                "id", "spec", "version", "status", "started", "updated", "held by", "queued"
            ],
            &rows
        )
    );
    Ok(COMPLETED)
}

/// A time to the second, in UTC.
fn short_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%SZ").to_string()
}

fn state_name(s: Option<TaskState>, none: &str) -> String {
    s.map(|s| s.name().to_string())
        .unwrap_or_else(|| none.to_string())
}

pub fn log(args: LogArgs) -> Result<u8, CliError> {
    let store = open_store(false)?;
    let entries = store.log(args.id).map_err(usage)?;
    if args.json {
        let v: Vec<Value> = entries
            .iter()
            .map(|e| {
                json!({
                    "at": e.at.to_string(), "task": e.task, "bpmn_id": e.bpmn_id,
                    "name": e.name, "from": e.from.map(|s| s.name()), "to": e.to.map(|s| s.name()),
                })
            })
            .collect();
        outln!("{}", Value::Array(v));
        return Ok(COMPLETED);
    }
    for e in &entries {
        let task = match &e.name {
            Some(n) => format!("{n} ({})", e.bpmn_id),
            None => e.bpmn_id.clone(),
        };
        outln!(
            "{}  {}  {task}  {} → {}",
            short_time(e.at),
            &e.task,
            state_name(e.from, "(new)"),
            state_name(e.to, "(removed)")
        );
    }
    Ok(COMPLETED)
}

pub fn export(args: ExportArgs) -> Result<u8, CliError> {
    let store = open_store(false)?;
    let stored = store.instance(args.id).map_err(usage)?;
    let (wf, origin) = storage::load_bytes(&stored.state, Format::Json)
        .map_err(|e| CliError::usage(format!("instance {}: {e}", args.id)))?;
    let _lock = super::lock::lock_state(&args.file, false)?;
    super::run::save_state(&args.file, &wf, &origin)?;
    errln!("Instance {} written to {}.", args.id, args.file.display());
    Ok(COMPLETED)
}

pub fn import(args: ImportArgs) -> Result<u8, CliError> {
    let (wf, origin) = storage::load(&args.file).map_err(usage)?;
    // The instance's spec: the library version with the same sources, or
    // a new one made from the sources the state file embeds.
    let target = match &origin {
        Origin::Process(p) => SpecTarget::Process(p.clone()),
        Origin::Collaboration(c) => SpecTarget::Collaboration(c.clone()),
    };
    let spec = NewSpec {
        name: target.id().to_string(),
        target,
        bpmn: spec_files(&wf.specs().model().files),
        dmn: spec_files(wf.specs().dmn_files()),
        dialect: wf.specs().options().dialect.map(|d| d.to_string()),
    };
    let mut store = open_store(true)?;
    let added = store.add_spec(&spec).map_err(usage)?;
    let state = storage::save_bytes(&wf, &origin, Format::Json).map_err(usage)?;
    let info = store
        .create_instance(added.spec.id, InstanceSave::of(&wf, &state, &[], false))
        .map_err(usage)?;
    outln!("{}", info.id);
    errln!(
        "Imported {} as instance {} of spec {} `{}` version {}.",
        args.file.display(),
        info.id,
        added.spec.id,
        added.spec.name,
        added.spec.version
    );
    Ok(COMPLETED)
}
