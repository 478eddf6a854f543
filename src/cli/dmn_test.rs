//! `bpmn dmn-test`: run TCK-format decision tests against DMN models (the
//! model under test and the models it imports) and print one line per case
//! and a `N passed, N failed` summary. A case that expected an error and
//! got one only because something did not load counts as failed, and the
//! summary says how many of those there are.

use std::path::Path;

use bpmn_engine::dmn::{Decisions, run_suite};
use bpmn_engine::parser::dmn::load_test_suite;

use super::CliError;
use super::args::DmnTestArgs;
use super::exit::FAILED;

pub fn dmn_test(args: DmnTestArgs) -> Result<u8, CliError> {
    let mut models = args.files;
    let Some(cases) = models.pop().filter(|_| !models.is_empty()) else {
        return Err(CliError::usage(
            "give the DMN model(s), then the test file: bpmn dmn-test MODEL.dmn [IMPORTED.dmn…] TESTS.xml",
        ));
    };
    // The top level says `error:`; the diagnostic's own would double it.
    let suite = load_test_suite(&cases).map_err(|d| CliError::usage(d.unprefixed()))?;
    // The model the test file names is loaded first: its decisions win
    // when an imported model reuses a name.
    let named = suite
        .model_name
        .as_deref()
        .and_then(|expected| models.iter().position(|m| file_name(m) == Some(expected)));
    match named {
        Some(i) => {
            let m = models.remove(i);
            models.insert(0, m);
        }
        None => {
            if let Some(expected) = &suite.model_name {
                errln!(
                    "warning: {} was written for model `{expected}`, not `{}`",
                    cases.display(),
                    models[0].display()
                );
            }
        }
    }
    let decisions = Decisions::load(&models);
    // A file that is not DMN at all stops here; a decision with errors only
    // fails the cases that use it.
    if decisions.model().files.is_empty() {
        for d in decisions.diagnostics() {
            errln!("{d}");
        }
        return Err(CliError::usage(format!(
            "{}: cannot load the DMN model (see above)",
            models[0].display()
        )));
    }
    for d in decisions.diagnostics() {
        errln!("{d}");
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
    let by_load = outcomes.iter().filter(|o| o.met_by_load_failure).count();
    if by_load > 0 {
        outln!(
            "{passed} passed, {failed} failed ({by_load} of the failed expected an error and got one only because something did not load)"
        );
    } else {
        outln!("{passed} passed, {failed} failed");
    }
    Ok(if failed == 0 { 0 } else { FAILED })
}

fn file_name(p: &Path) -> Option<&str> {
    p.file_name().and_then(|n| n.to_str())
}
