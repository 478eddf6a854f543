//! `bpmn validate`: report every problem in every file (stdout, one per
//! line), then what was found: the processes and collaborations with their
//! names and files, the dialect of each file, and a summary (stderr, for
//! the person reading; stdout stays the list of problems).

use bpmn_engine::Severity;
use bpmn_engine::model::{DialectReason, Model};

use super::CliError;
use super::args::ValidateArgs;
use super::exit::{COMPLETED, USAGE};
use super::load::load;

pub fn validate(args: ValidateArgs) -> Result<u8, CliError> {
    let specs = load(&args.files)?;
    let services = super::services::CliServices::from_args(&args.services)?;
    let service_problems = specs.check_services(&services);
    let mut errors = 0;
    let mut warnings = 0;
    for d in specs.diagnostics().iter().chain(&service_problems) {
        outln!("{d}");
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
    }
    let model = specs.model();
    for line in found(model) {
        errln!("{line}");
    }
    for f in &model.files {
        match &f.dialect {
            Some(d) if d.reason == DialectReason::NoCode => errln!(
                "{}: every script and condition names its language",
                f.path.display()
            ),
            Some(d) => errln!("{}: scripts and conditions are {d}", f.path.display()),
            None => {}
        }
    }
    let executable = model.processes.iter().filter(|p| p.executable).count();
    errln!(
        "{} file(s), {} process(es) ({} executable): {errors} error(s), {warnings} warning(s)",
        args.files.bpmn.len(),
        model.processes.len(),
        executable
    );
    Ok(if errors > 0 { USAGE } else { COMPLETED })
}

/// One line per process and collaboration: kind, id, name, file (and why
/// it would not run, for a process marked not executable), in columns.
fn found(model: &Model) -> Vec<String> {
    let file = |i: u32| {
        model
            .files
            .get(i as usize)
            .map(|f| f.path.display().to_string())
            .unwrap_or_default()
    };
    let name = |n: &Option<String>| match n {
        Some(n) if !n.trim().is_empty() => n.clone(),
        _ => "-".to_string(),
    };
    let mut rows: Vec<[String; 5]> = Vec::new();
    for p in &model.processes {
        let note = if p.executable {
            String::new()
        } else {
            "(isExecutable=\"false\")".to_string()
        };
        rows.push([
            "process".into(),
            p.id.clone(),
            name(&p.name),
            file(p.file),
            note,
        ]);
    }
    for c in &model.collaborations {
        let pools: Vec<String> = c
            .participants
            .iter()
            .map(|p| match &p.process_ref {
                Some(r) => format!("{} → {r}", name(&p.name)),
                None => name(&p.name),
            })
            .collect();
        rows.push([
            "collaboration".into(),
            c.id.clone(),
            name(&c.name),
            file(c.file),
            format!("(pools: {})", pools.join(", ")),
        ]);
    }
    let mut widths = [0usize; 4];
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    rows.iter()
        .map(|r| {
            let mut line = String::new();
            for (w, cell) in widths.iter().zip(r) {
                line.push_str(cell);
                line.push_str(&" ".repeat(w - cell.chars().count() + 2));
            }
            line.push_str(&r[4]);
            line.trim_end().to_string()
        })
        .collect()
}
