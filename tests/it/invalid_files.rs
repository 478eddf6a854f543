//! Every invalid fixture is refused with a message naming the file, the
//! line:column and the element id — through the library and through
//! `bpmn validate` / `bpmn run` (exit 2). Each case of
//! `tests/fixtures/bpmn/invalid_cases.json` is its own test (`cargo test
//! --test it no_start` runs one); the list below must name exactly the
//! file's cases.

use crate::support::{InvalidCase, fixture, json_cases};

use assert_cmd::Command;
use bpmn_engine::Specs;

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

/// A case of `invalid_cases.json` is refused both ways: the library names
/// every expected part of the problem, and `bpmn run` exits 2 naming the
/// file.
fn refused(case: &InvalidCase) {
    library_reports_the_problem_with_position_and_id(case);
    cli_refuses_with_exit_2(case);
}

fn library_reports_the_problem_with_position_and_id(case: &InvalidCase) {
    let mut failures = Vec::new();
    let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
    let specs = Specs::load(&files);
    let text: Vec<String> = specs.diagnostics().iter().map(|d| d.to_string()).collect();
    let mut text = text.join("\n");
    if let Some(p) = &case.process {
        if let Err(e) = specs.start(p, bpmn_engine::Data::new()) {
            text.push('\n');
            text.push_str(&e.to_string());
        } else {
            failures.push(format!(
                "{}: process {p} started although invalid",
                case.name
            ));
        }
    }
    for want in &case.expect_contains {
        if !text.contains(want.as_str()) {
            failures.push(format!("{}: {want:?} missing from:\n{text}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn cli_refuses_with_exit_2(case: &InvalidCase) {
    let files: Vec<_> = case.files.iter().map(|f| fixture(f)).collect();
    let mut cmd = bpmn();
    cmd.arg("run").arg("-b").args(&files);
    let process = case.process.clone().unwrap_or_else(|| "Process_1".into());
    cmd.args(["-p", &process]);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}: {:?}", case.name, out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: "), "{}: {stderr}", case.name);
    let first = case.files[0].rsplit('/').next().unwrap();
    assert!(stderr.contains(first), "{}: {stderr}", case.name);
}

json_cases! { mod cases = "invalid_cases.json" as crate::support::InvalidCase => super::refused;
    no_start bad_source_ref bad_target_ref unknown_called_element unsupported_element
    not_executable gateway_missing_condition malformed script_syntax
    data_association_to_nothing data_object_reference_to_nothing
    data_store_reference_to_nothing data_object_of_another_process
}

#[test]
fn validate_prints_one_line_per_problem_and_exits_2() {
    let out = bpmn()
        .args(["validate", "-b"])
        .arg(fixture("invalid/bad_source_ref.bpmn"))
        .arg(fixture("sequence.bpmn"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].contains("bad_source_ref.bpmn:18:5: error: Flow_bad:"),
        "{stdout}"
    );
}

#[test]
fn validate_refuses_data_references_to_missing_elements() {
    for (file, line) in [
        (
            "invalid/data_assoc_missing.bpmn",
            "data_assoc_missing.bpmn:13:25: error: Task_Record: dataOutputAssociation targetRef `DataObjectReference_ordr` names no element of this file",
        ),
        (
            "invalid/data_object_ref_missing.bpmn",
            "data_object_ref_missing.bpmn:5:5: error: DataObjectReference_order: dataObjectRef `orders` names no element of this file",
        ),
        (
            "invalid/data_store_ref_missing.bpmn",
            "data_store_ref_missing.bpmn:5:5: error: DataStoreReference_stock: dataStoreRef `Stock` names no element of this file",
        ),
        (
            "invalid/data_object_other_process.bpmn",
            "data_object_other_process.bpmn:12:25: error: Task_Record: dataOutputAssociation targetRef `DataObjectReference_order`: the data object `order` is not declared in this process or subprocess, or one enclosing it",
        ),
    ] {
        let out = bpmn()
            .args(["validate", "-b"])
            .arg(fixture(file))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 1, "{stdout}");
        assert!(lines[0].contains(line), "{stdout}");
    }
}

#[test]
fn validate_accepts_good_files_with_exit_0() {
    bpmn()
        .args(["validate", "-b"])
        .arg(fixture("call_caller.bpmn"))
        .arg(fixture("call_callee.bpmn"))
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn unreadable_and_non_bpmn_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let not_bpmn = dir.path().join("note.xml");
    std::fs::write(&not_bpmn, "<html><body/></html>").unwrap();
    let latin1 = dir.path().join("latin1.bpmn");
    std::fs::write(
        &latin1,
        b"<?xml version=\"1.0\"?>\n<definitions>caf\xe9</definitions>",
    )
    .unwrap();
    let out = bpmn()
        .args(["validate", "-b"])
        .arg(&not_bpmn)
        .arg(&latin1)
        .arg(dir.path().join("missing.bpmn"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("note.xml:1:1: error: not a BPMN 2.0 file"),
        "{s}"
    );
    assert!(
        s.contains("latin1.bpmn:2:17: error: the file is not valid UTF-8"),
        "{s}"
    );
    assert!(
        s.contains("missing.bpmn: error: no such file (check the path)"),
        "{s}"
    );
}
