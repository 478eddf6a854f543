//! Conformance: the DMN TCK decision-table cases of compliance level 2 must
//! all pass through `bpmn dmn-test`. The TCK is read from
//! `../shared/corpora/dmn-tck` (next to the crate, in CI too); it is not
//! copied into the project. Without it the tests skip with a message; with
//! `CI=true` they fail, so a broken checkout cannot pass silently.

use crate::support;

use std::path::PathBuf;

use assert_cmd::Command;

/// The compliance-level-2 decision-table cases named by issue 7 (51 cases).
const LEVEL_2_TABLES: &[&str] = &[
    "0004-simpletable-U",
    "0005-simpletable-A",
    "0006-simpletable-P1",
    "0007-simpletable-P2",
    "0010-multi-output-U",
    "0108-first-hitpolicy",
    "0109-ruleOrder-hitpolicy",
    "0110-outputOrder-hitpolicy",
    "0111-first-hitpolicy-singleoutputcol",
    "0112-ruleOrder-hitpolicy-singleinoutcol",
    "0113-outputOrder-hitpolicy-singleinoutcol",
    "0114-min-collect-hitpolicy",
    "0115-sum-collect-hitpolicy",
    "0116-count-collect-hitpolicy",
    "0117-multi-any-hitpolicy",
    "0118-multi-priority-hitpolicy",
    "0119-multi-collect-hitpolicy",
];

fn corpus() -> PathBuf {
    support::corpus("dmn-tck", "TestCases")
        .expect("checked by the test")
        .join("TestCases")
}

/// Runs one TCK case folder; returns (passed, failed) from the summary line.
fn run_case(dir: &std::path::Path) -> (usize, usize, String) {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let out = Command::cargo_bin("bpmn")
        .expect("the bpmn binary is built")
        .arg("dmn-test")
        .arg(dir.join(format!("{name}.dmn")))
        .arg(dir.join(format!("{name}-test-01.xml")))
        .output()
        .expect("bpmn runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let summary = stdout.lines().last().unwrap_or_default().to_string();
    let nums: Vec<usize> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums.as_slice() {
        [p, f] => (*p, *f, stdout),
        _ => (
            0,
            0,
            format!(
                "no summary line; stdout: {stdout} stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
        ),
    }
}

#[test]
fn all_51_level_2_decision_table_cases_pass() {
    if support::corpus("dmn-tck", "TestCases").is_none() {
        return;
    }
    let level2 = corpus().join("compliance-level-2");
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in LEVEL_2_TABLES {
        let (p, f, out) = run_case(&level2.join(case));
        passed += p;
        if f > 0 || p == 0 {
            failures.push(format!("{case}:\n{out}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(passed, 51);
}

/// Reports the pass count over every copied TCK case (levels 2 and 3).
/// Only the level-2 decision tables above are required by issue 7; the
/// floor guards what else passes today (all but 0088, which needs decision
/// services).
#[test]
fn report_every_copied_case() {
    if support::corpus("dmn-tck", "TestCases").is_none() {
        return;
    }
    let mut passed = 0;
    let mut failed = 0;
    for level in ["compliance-level-2", "compliance-level-3"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus().join(level))
            .expect("TCK level folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for d in dirs {
            let (p, f, _) = run_case(&d);
            passed += p;
            failed += f;
        }
    }
    println!("DMN TCK, every copied case: {passed} passed, {failed} failed");
    assert!(passed >= 164, "{passed} passed, {failed} failed");
}
