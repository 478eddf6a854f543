//! `bpmn dmn-test`: run TCK-format decision tests against a DMN model and
//! print one line per case and a `N passed, N failed` summary.

use bpmn_engine::dmn::{Decisions, run_suite};
use bpmn_engine::parser::dmn::load_test_suite;

use super::CliError;
use super::args::DmnTestArgs;

/// Some case failed.
const FAILED: u8 = 1;

pub fn dmn_test(args: DmnTestArgs) -> Result<u8, CliError> {
    // The top level says `error:`; the diagnostic's own would double it.
    let suite = load_test_suite(&args.cases).map_err(|d| CliError::usage(d.unprefixed()))?;
    let decisions = Decisions::load(std::slice::from_ref(&args.model));
    // A file that is not DMN at all stops here; a decision with errors only
    // fails the cases that use it.
    if decisions.model().files.is_empty() {
        for d in decisions.diagnostics() {
            errln!("{d}");
        }
        return Err(CliError::usage(format!(
            "{}: cannot load the DMN model (see above)",
            args.model.display()
        )));
    }
    for d in decisions.diagnostics() {
        errln!("{d}");
    }
    if let Some(expected) = &suite.model_name {
        let actual = args.model.file_name().and_then(|n| n.to_str());
        if actual.is_some_and(|a| a != expected) {
            errln!(
                "warning: {} was written for model `{expected}`, not `{}`",
                args.cases.display(),
                args.model.display()
            );
        }
    }
    let outcomes = run_suite(&decisions, &suite);
    let passed = outcomes.iter().filter(|o| o.passed).count();
    for o in &outcomes {
        let what = o.decisions.join(", ");
        if o.passed {
            outln!("ok    {}  {what}", o.id);
        } else {
            outln!("FAIL  {}  {}", o.id, o.failures.join("; "));
        }
    }
    let failed = outcomes.len() - passed;
    outln!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { 0 } else { FAILED })
}
