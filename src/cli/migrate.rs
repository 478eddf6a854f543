//! `bpmn diff-spec`, `bpmn diff-instance` and `bpmn migrate`: what changed
//! between two versions of a diagram, how a saved instance maps onto the
//! new version, and moving it there.
//!
//! The work on a loaded instance is [`migrate_loaded`] and [`instance_text`],
//! which take a `Workflow` and the new `Specs` and return what to print and
//! save, so a command that finds its instance elsewhere than in a state
//! file (a store) shows the same. A refused or failed migration writes
//! nothing: the state file stays byte for byte as it was; a successful one
//! keeps the state it replaces beside the file, as reset does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bpmn_engine::model::{ElementChange, ElementRef, FlowRef, MatchedBy, SpecDiff};
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::runtime::{InstanceDiff, MigrationError, MigrationReport, TaskMapping};
use bpmn_engine::storage::{NewSpec, Origin, SpecTarget};
use bpmn_engine::{Severity, Specs, Workflow};
use serde_json::{Value, json};

use super::CliError;
use super::args::{DiffInstanceArgs, DiffSpecArgs, FileArgs, MigrateArgs, NewVersionArgs};
use super::exit::COMPLETED;
use super::inspect::load_state;
use super::invocation::{program, resume_command};
use super::library::{read_files, spec_files, specs_of};
use super::load::load;
use super::run::save_state;
use super::target;

/// What migrating a loaded instance gives: the instance to save (none for
/// a dry run or a refusal), the report as text and as JSON, and the error
/// to print when the migration was refused.
pub struct Migration {
    /// The migrated instance, to be saved in place of the old one.
    pub workflow: Option<Workflow>,
    /// The report for people.
    pub text: String,
    /// The report for programs (`--json`).
    pub json: Value,
    /// Why the migration was refused (exit code and message).
    pub error: Option<CliError>,
}

/// Migrates `wf` (started from `origin`) to the diagrams of `new`, or with
/// `dry_run` says what a migration would do. Files that do not load, or an
/// origin the new files lack, are errors; a refusal (live tasks without a
/// counterpart, and no `force`) is a [`Migration`] with an error, so its
/// report can still be shown.
pub fn migrate_loaded(
    wf: &Workflow,
    origin: &Origin,
    new: Arc<Specs>,
    force: bool,
    dry_run: bool,
) -> Result<Migration, CliError> {
    if let Origin::Collaboration(c) = origin
        && new.model().collaboration(c).is_none()
    {
        return Err(CliError::usage(format!(
            "collaboration `{c}`, which the instance was started from, is not in the new files"
        )));
    }
    match wf.migrate(new, force) {
        Ok((migrated, report)) => {
            let text = report_text(&report, dry_run);
            let json = json!({
                "migrated": !dry_run,
                "dry_run": dry_run,
                "report": report,
            });
            Ok(Migration {
                workflow: (!dry_run).then_some(migrated),
                text,
                json,
                error: None,
            })
        }
        Err(MigrationError::Invalid(problems)) => {
            let lines: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
            Err(CliError::usage(format!(
                "the new files cannot run this instance:\n{}",
                lines.join("\n")
            )))
        }
        Err(e @ MigrationError::Blocked { .. }) => {
            let diff = match &e {
                MigrationError::Blocked { tasks, starts } => json!({
                    "tasks": tasks, "starts": starts,
                }),
                _ => Value::Null,
            };
            let message = format!(
                "{}{e}\nrun with --force to cancel and drop them{}",
                if dry_run {
                    "the migration would be refused: "
                } else {
                    "migration refused, nothing was changed: "
                },
                if dry_run {
                    ""
                } else {
                    ", or with --dry-run to see how every task maps"
                }
            );
            Ok(Migration {
                workflow: None,
                text: String::new(),
                json: json!({
                    "migrated": false,
                    "dry_run": dry_run,
                    "error": message,
                    "blocking": diff,
                }),
                error: Some(CliError::usage(message)),
            })
        }
        Err(e) => Err(CliError::usage(format!(
            "migration failed, nothing was changed: {e}"
        ))),
    }
}

/// `bpmn migrate (STATE | ID) (--bpmn NEW... | --spec SPEC)`.
pub fn migrate(args: MigrateArgs) -> Result<u8, CliError> {
    // A dry run only reads, like `tasks`; a migration holds the state
    // file's lock from before it reads until after it saves (a stored
    // instance is guarded by its revision instead).
    let mut opened = target::open(&args.file, !args.dry_run, args.wait, &Default::default())?;
    let (new, spec) = new_version(&args.new, &opened.wf, &opened.origin)?;
    let m = migrate_loaded(&opened.wf, &opened.origin, new, args.force, args.dry_run)?;
    let mut text = m.text;
    if let Some(migrated) = m.workflow {
        match opened.file().map(Path::to_path_buf) {
            Some(file) => {
                let backup = target::keep_previous(&file, "migrate", "migrated")?;
                save_state(&file, &migrated, &opened.origin)?;
                text += &format!(
                    "The previous state is in {} (to undo: mv {} {}).\nContinue with: {}\n",
                    backup.display(),
                    backup.display(),
                    file.display(),
                    resume_command(&program(), &file)
                );
            }
            None => {
                // The store: the instance now runs the new spec version
                // (added to the library first when given as files).
                let spec = match spec {
                    Some(id) => id,
                    None => add_version(&args.new, &opened)?,
                };
                opened.absorb(migrated);
                opened.save_to_spec(spec)?;
                text += &format!(
                    "Instance {} now runs spec {spec}.\nContinue with: {}\n",
                    args.file.display(),
                    resume_command(&program(), &args.file)
                );
            }
        }
    }
    drop(opened);
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&m.json).unwrap_or_default()
        );
    } else {
        out!("{text}");
    }
    match m.error {
        Some(e) => Err(e),
        None => Ok(COMPLETED),
    }
}

/// Adds the files of `--bpmn` as a new version of a stored instance's spec.
fn add_version(args: &NewVersionArgs, opened: &target::Opened) -> Result<i64, CliError> {
    let target = match &opened.origin {
        Origin::Process(p) => SpecTarget::Process(p.clone()),
        Origin::Collaboration(c) => SpecTarget::Collaboration(c.clone()),
    };
    let dmn = if args.dmn.is_empty() {
        spec_files(opened.wf.specs().dmn_files())
    } else {
        read_files(&args.dmn)?
    };
    let dialect = args
        .dialect
        .or(opened.wf.specs().options().dialect)
        .map(|d| d.to_string());
    let mut store = target::open_store(false)?;
    let added = store
        .add_spec(&NewSpec {
            name: target.id().to_string(),
            target,
            bpmn: read_files(&args.bpmn)?,
            dmn,
            dialect,
        })
        .map_err(|e| CliError::usage(e.to_string()))?;
    Ok(added.spec.id)
}

/// `bpmn diff-instance (STATE | ID) (--bpmn NEW... | --spec SPEC)`.
pub fn diff_instance(args: DiffInstanceArgs) -> Result<u8, CliError> {
    let (wf, origin) = load_state(&args.file)?;
    let (new, _) = new_version(&args.new, &wf, &origin)?;
    let diff = wf.diff_instance(&new);
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&diff).unwrap_or_default()
        );
    } else {
        out!("{}", instance_text(&diff));
    }
    Ok(COMPLETED)
}

/// `bpmn diff-spec OLD NEW` (spec versions in the store) or
/// `bpmn diff-spec -b OLD... --new NEW...`, `[-p ID] [--deps]`.
pub fn diff_spec(args: DiffSpecArgs) -> Result<u8, CliError> {
    let (old, new, target) = if let [a, b] = args.versions.as_slice() {
        let store = target::open_store(false)?;
        let spec = |key: &str| -> Result<(Arc<Specs>, SpecTarget), CliError> {
            let s = store
                .spec(key)
                .map_err(|e| CliError::usage(e.to_string()))?;
            Ok((specs_of(&s, &Default::default())?, s.info.target))
        };
        let (old, target) = spec(a)?;
        let (new, _) = spec(b)?;
        (old, new, Some(target))
    } else {
        let files = |bpmn: &[PathBuf]| FileArgs {
            bpmn: bpmn.to_vec(),
            dmn: Vec::new(),
            dialect: args.dialect,
        };
        (
            load_files(&files(&args.old))?,
            load_files(&files(&args.new))?,
            None,
        )
    };
    let diff = match (&args.process, target) {
        (Some(p), _) => SpecDiff::new(old.model(), new.model(), p, args.deps),
        (None, Some(SpecTarget::Process(p))) => {
            SpecDiff::new(old.model(), new.model(), &p, args.deps)
        }
        (None, Some(SpecTarget::Collaboration(c))) => {
            let roots: Vec<String> = old.model().collaboration_processes(&c);
            Ok(SpecDiff::of_processes(
                old.model(),
                new.model(),
                &roots,
                args.deps,
            ))
        }
        (None, None) => SpecDiff::new(old.model(), new.model(), &only_process(&old)?, args.deps),
    }
    .map_err(|e| CliError::usage(e.to_string()))?;
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&diff).unwrap_or_default()
        );
    } else {
        out!("{}", spec_text(&diff));
    }
    Ok(COMPLETED)
}

/// Loads diagrams; a file that cannot be read or parsed is an error (its
/// diagnostics are printed), problems inside processes are left to the
/// command (a diff does not run anything).
fn load_files(files: &FileArgs) -> Result<Arc<Specs>, CliError> {
    file_errors(load(files)?)
}

/// `specs`, unless a file did not load: then its diagnostics, as an error.
fn file_errors(specs: Arc<Specs>) -> Result<Arc<Specs>, CliError> {
    let broken: Vec<String> = specs
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error && d.process.is_none())
        .map(|d| d.to_string())
        .collect();
    if broken.is_empty() {
        Ok(specs)
    } else {
        Err(CliError::usage(broken.join("\n")))
    }
}

/// The new version of `wf`'s diagrams, and its spec id when it comes from
/// the store: `--spec`, or the files, with the instance's dialect when
/// `--dialect` is not given and the DMN files embedded in its state when no
/// `-d` is (a new version of the diagrams rarely comes with new decisions,
/// and the state may have travelled without them).
fn new_version(
    args: &NewVersionArgs,
    wf: &Workflow,
    origin: &Origin,
) -> Result<(Arc<Specs>, Option<i64>), CliError> {
    if let Some(key) = &args.spec {
        let store = target::open_store(false)?;
        let spec = store
            .spec(key)
            .map_err(|e| CliError::usage(e.to_string()))?;
        let same = match (&spec.info.target, origin) {
            (SpecTarget::Process(a), Origin::Process(b)) => a == b,
            (SpecTarget::Collaboration(a), Origin::Collaboration(b)) => a == b,
            _ => false,
        };
        if !same {
            return Err(CliError::usage(format!(
                "spec {} starts {}, but the instance runs {origin}: migrate only between versions of the same process",
                spec.info.id, spec.info.target
            )));
        }
        return Ok((
            file_errors(specs_of(&spec, &Default::default())?)?,
            Some(spec.info.id),
        ));
    }
    let files = args.files();
    let dialect = files.dialect.or(wf.specs().options().dialect);
    let embedded = wf.specs().dmn_files();
    if !files.dmn.is_empty() || embedded.is_empty() {
        let specs = load_files(&FileArgs {
            bpmn: files.bpmn.clone(),
            dmn: files.dmn.clone(),
            dialect,
        })?;
        return Ok((specs, None));
    }
    let mut bpmn = Vec::new();
    for p in &files.bpmn {
        let bytes = std::fs::read(p)
            .map_err(|e| CliError::usage(format!("{}: cannot read the file: {e}", p.display())))?;
        bpmn.push((p.clone(), bytes));
    }
    let dmn = embedded
        .iter()
        .map(|f| (f.path.clone(), f.text.as_bytes().to_vec()))
        .collect();
    let specs = Specs::from_all_sources(bpmn, dmn, &LoadOptions { dialect });
    Ok((file_errors(specs)?, None))
}

/// The process of files that hold exactly one executable process.
fn only_process(specs: &Specs) -> Result<String, CliError> {
    let ids: Vec<&str> = specs
        .model()
        .processes
        .iter()
        .filter(|p| p.executable)
        .map(|p| p.id.as_str())
        .collect();
    match ids[..] {
        [one] => Ok(one.to_string()),
        _ => Err(CliError::usage(format!(
            "give the process to compare with -p (the old files have: {})",
            ids.join(", ")
        ))),
    }
}

fn where_(path: &[String], line: u32) -> String {
    format!("{}, line {line}", path.join("/"))
}

fn element(e: &ElementRef) -> String {
    match &e.name {
        Some(n) => format!("{} {} \"{n}\"", e.id, e.element),
        None => format!("{} {}", e.id, e.element),
    }
}

fn flow(f: &FlowRef) -> String {
    format!("{} {} → {}", f.id, f.source, f.target)
}

fn changed_line(c: &ElementChange) -> String {
    let mut s = format!("  ~ {}", element(&c.old));
    if c.matched_by == MatchedBy::Structure {
        s += &format!(" → {} (same place, new id)", c.new.id);
    }
    if !c.aligned {
        s += " (a task here does not carry over)";
    }
    s += &format!("  ({})\n", where_(&c.old.path, c.old.line));
    for ch in &c.changes {
        s += &format!("      {ch}\n");
    }
    s
}

/// `bpmn diff-spec` as text: one line per element or flow, `+` added,
/// `-` removed, `~` changed (with one line per change), then counts.
pub fn spec_text(d: &SpecDiff) -> String {
    let mut s = format!(
        "Process {}{}\n",
        d.roots.join(", "),
        if d.deps && d.processes.len() > 1 {
            format!(
                " and the processes it calls ({})",
                d.processes[1..].join(", ")
            )
        } else {
            String::new()
        }
    );
    if d.is_empty() {
        s += "No differences.\n";
        return s;
    }
    for p in &d.added_processes {
        s += &format!("  + process {p} (called only by the new version)\n");
    }
    for p in &d.removed_processes {
        s += &format!("  - process {p} (called only by the old version)\n");
    }
    if !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty()) {
        s += "Elements:\n";
        for e in &d.added {
            s += &format!("  + {}  ({})\n", element(e), where_(&e.path, e.line));
        }
        for e in &d.removed {
            s += &format!("  - {}  ({})\n", element(e), where_(&e.path, e.line));
        }
        for c in &d.changed {
            s += &changed_line(c);
        }
    }
    if !(d.added_flows.is_empty() && d.removed_flows.is_empty() && d.changed_flows.is_empty()) {
        s += "Flows:\n";
        for f in &d.added_flows {
            s += &format!("  + {}  ({})\n", flow(f), where_(&f.path, f.line));
        }
        for f in &d.removed_flows {
            s += &format!("  - {}  ({})\n", flow(f), where_(&f.path, f.line));
        }
        for c in &d.changed_flows {
            s += &format!(
                "  ~ {}  ({})\n",
                flow(&c.old),
                where_(&c.old.path, c.old.line)
            );
            for ch in &c.changes {
                s += &format!("      {ch}\n");
            }
        }
    }
    s += &format!(
        "{} added, {} removed, {} changed; flows: {} added, {} removed, {} changed.\n",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.added_flows.len(),
        d.removed_flows.len(),
        d.changed_flows.len()
    );
    s
}

fn task_line(t: &TaskMapping) -> String {
    let name = t
        .name
        .as_deref()
        .map(|n| format!(" \"{n}\""))
        .unwrap_or_default();
    let mut s = format!(
        "  {}  {}{name} ({}, {})",
        t.id, t.bpmn_id, t.element, t.state
    );
    match (&t.problem, &t.counterpart) {
        (Some(p), _) => s += &format!(": no counterpart — {p}"),
        (None, Some(c)) => {
            if c != &t.bpmn_id {
                s += &format!(" → {c}");
            }
            if !t.changes.is_empty() {
                let fields: Vec<&str> = t.changes.iter().map(|c| c.field.as_str()).collect();
                s += &format!(" (changed: {})", fields.join(", "));
            }
            if t.rearm {
                s += " — its wait is armed again";
            }
        }
        (None, None) => {}
    }
    s + "\n"
}

/// `bpmn diff-instance` as text: the live tasks, then the history, each
/// with its counterpart in the new version or why it has none, then
/// whether a migration goes through.
pub fn instance_text(d: &InstanceDiff) -> String {
    let blocking = d.blocking().len() + d.blocking_starts().len();
    let verdict = if blocking == 0 {
        "A migration goes through.\n".to_string()
    } else {
        format!(
            "A migration is refused: {blocking} live task(s) have no counterpart (--force drops them).\n"
        )
    };
    instance_body(d) + verdict.as_str()
}

fn instance_body(d: &InstanceDiff) -> String {
    let live: Vec<&TaskMapping> = d.tasks.iter().filter(|t| t.is_live()).collect();
    let done: Vec<&TaskMapping> = d.tasks.iter().filter(|t| !t.is_live()).collect();
    let mut s = String::new();
    s += "Live tasks:\n";
    if live.is_empty() {
        s += "  (none)\n";
    }
    for t in &live {
        s += &task_line(t);
    }
    if !d.starts.is_empty() {
        s += "Armed start events:\n";
        for st in &d.starts {
            s += &format!("  {}", st.bpmn_id);
            match (&st.problem, &st.counterpart) {
                (Some(p), _) => s += &format!(": no counterpart — {p}"),
                (None, Some(c)) if c != &st.bpmn_id => s += &format!(" → {c}"),
                _ => {}
            }
            s += "\n";
        }
    }
    let unmapped = done.iter().filter(|t| !t.carries_over()).count();
    s += &format!(
        "History: {} task(s), {} map onto the new version, {unmapped} have no counterpart",
        done.len(),
        done.len() - unmapped
    );
    if unmapped > 0 {
        s += " (a migration keeps them as retired history):\n";
        for t in done.iter().filter(|t| !t.carries_over()) {
            s += &task_line(t);
        }
    } else {
        s += ".\n";
    }
    s
}

/// `bpmn migrate` as text.
fn report_text(r: &MigrationReport, dry_run: bool) -> String {
    let mut s = instance_body(&r.diff);
    let verb = if dry_run { "would be" } else { "was" };
    for t in &r.dropped {
        s += &format!(
            "Dropped: {} `{}` ({}) {verb} cancelled.\n",
            t.id, t.bpmn_id, t.state
        );
    }
    for st in &r.dropped_starts {
        s += &format!("Dropped: start event `{}` {verb} disarmed.\n", st.bpmn_id);
    }
    if !r.rearmed.is_empty() {
        s += &format!(
            "Armed again (definitions changed): {}.\n",
            r.rearmed.join(", ")
        );
    }
    if !r.armed.is_empty() {
        s += &format!("Armed (new in this version): {}.\n", r.armed.join(", "));
    }
    if !r.dropped_data_objects.is_empty() {
        s += &format!(
            "Data objects no longer declared, dropped: {}.\n",
            r.dropped_data_objects.join(", ")
        );
    }
    if r.stuck {
        s += "Warning: no task is left to run; the instance cannot go on.\n";
    }
    s += if dry_run {
        "Dry run: the migration would go through; nothing was written.\n"
    } else {
        "Migrated to the new version.\n"
    };
    s
}
