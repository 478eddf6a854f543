//! `bpmn decide`: evaluate one decision and print its result as JSON.

use bpmn_engine::Severity;
use bpmn_engine::dmn::{Decisions, DmnError, PythonHint};
use bpmn_engine::model::Dialect;

use super::CliError;
use super::args::DecideArgs;
use super::exit::{COMPLETED, WORKFLOW};
use super::run::parse_data;

pub fn decide(args: DecideArgs) -> Result<u8, CliError> {
    let data = parse_data(args.data.as_deref())?;
    let hint = match args.dialect {
        None => PythonHint::None,
        Some(Dialect::Python) => PythonHint::All,
        Some(other) => {
            return Err(CliError::usage(format!(
                "--dialect {other}: decision tables are FEEL by default; --dialect python reads them as SpiffWorkflow does"
            )));
        }
    };
    let decisions = Decisions::load_with(&args.dmn, &hint);
    // A file that cannot be read or parsed is bad input even when the
    // decision asked for is in another file.
    let unreadable = decisions
        .diagnostics()
        .iter()
        .any(|d| d.severity == Severity::Error && d.process.is_none());
    // An id is expected; a decision's name is accepted too.
    let id = decisions
        .find(&args.decision)
        .unwrap_or(&args.decision)
        .to_string();
    if unreadable || decisions.find(&id).is_none() {
        print_problems(&decisions, None);
    }
    if unreadable {
        return Err(CliError::usage("cannot load the DMN files (see above)"));
    }
    let blocking = decisions.problems_for(&id);
    if !blocking.is_empty() {
        print_problems(&decisions, Some(&id));
        return Err(CliError::usage(format!(
            "decision `{id}` has {} error(s) in its files (see above); fix them and run again",
            blocking.len()
        )));
    }
    // Warnings (e.g. an unsupported expression language read as FEEL).
    for d in decisions
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        errln!("{d}");
    }
    match decisions.evaluate(&id, &data) {
        Ok(r) => {
            let v = r.value();
            outln!(
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_else(|_| v.to_string())
            );
            Ok(COMPLETED)
        }
        Err(e @ (DmnError::UnknownDecision { .. } | DmnError::Invalid { .. })) => {
            Err(CliError::usage(e.to_string()))
        }
        Err(e) => Err(CliError {
            code: WORKFLOW,
            message: e.to_string(),
        }),
    }
}

/// Prints the diagnostics that concern `decision` (all, when `None`).
fn print_problems(decisions: &Decisions, decision: Option<&str>) {
    match decision {
        Some(id) => decisions
            .problems_for(id)
            .into_iter()
            .for_each(|d| errln!("{d}")),
        None => decisions.diagnostics().iter().for_each(|d| errln!("{d}")),
    }
}
