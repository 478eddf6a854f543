//! Runs every case of `tests/fixtures/bpmn/cases.json` (and of
//! `data_cases.json`, the multi-instance and loop fixtures) through the
//! library API and checks final status, data, ready tasks, task order,
//! counts and states.

mod support;

use support::{cases, check, data_cases, run};

#[test]
fn every_fixture_case_runs_as_expected() {
    let cases: Vec<_> = cases().into_iter().chain(data_cases()).collect();
    assert!(
        cases.len() >= 55,
        "the case files hold {} cases",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        match run(case) {
            Ok((wf, error)) => {
                let problems = check(case, &wf, error);
                if !problems.is_empty() {
                    failures.push(format!("{}:\n    {}", case.name, problems.join("\n    ")));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}
