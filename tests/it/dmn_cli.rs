//! `bpmn decide` and `bpmn dmn-test` run as a user would: output, messages
//! and exit codes of the built binary.

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/dmn").join(name)
}

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

#[test]
fn decide_prints_the_result_as_json() {
    bpmn()
        .args(["decide", "-d"])
        .arg(root().join("dmn/product_prices.dmn"))
        .args([
            "--decision",
            "product_prices",
            "--data",
            r#"{"product_name": "mug"}"#,
        ])
        .assert()
        .success()
        .stdout("12.5\n");
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("hit_policies.dmn"))
        .args(["--decision", "multi_output", "--data", r#"{"n": 95}"#])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"grade\": \"A\"")
                .and(predicate::str::contains("\"points\": 4")),
        );
}

#[test]
fn decide_loads_several_files_and_accepts_a_name() {
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("requirements.dmn"))
        .arg(fixture("requirements_base.dmn"))
        .args([
            "--decision",
            "Total",
            "--data",
            r#"{"product": "pen", "quantity": 3}"#,
        ])
        .assert()
        .success()
        .stdout("10\n");
}

#[test]
fn decide_exit_codes() {
    // Unknown decision: usage error with a suggestion.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("hit_policies.dmn"))
        .args(["--decision", "uniqe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `unique`"));
    // Evaluation failure: 3, naming decision and rules.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("hit_policies.dmn"))
        .args(["--decision", "unique", "--data", r#"{"n": 7}"#])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("decision `unique`").and(predicate::str::contains(
                "rules 1 (unique_r1) and 2 (unique_r2)",
            )),
        );
    // Load errors in the decision: 2, with file:line:col.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("invalid/bad_feel.dmn"))
        .args(["--decision", "broken", "--data", "{}"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad_feel.dmn:14:44: error: bad_rule:",
        ));
    // Malformed XML and unreadable files: 2.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("invalid/malformed.dmn"))
        .args(["--decision", "d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "malformed.dmn:7:5: error: malformed XML",
        ));
    bpmn()
        .args(["decide", "-d", "no/such/file.dmn", "--decision", "d"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/file.dmn: error: no such file (check the path)",
        ));
    // Bad --data: 2.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("hit_policies.dmn"))
        .args(["--decision", "first", "--data", "[1]"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--data must be a JSON object"));
}

#[test]
fn decide_reads_spiffworkflow_tables_with_dialect_python() {
    let order =
        r#"{"order": {"kind": "book", "items": [1, 2, 3], "flags": ["rush"], "coupon": null}}"#;
    // A plain table is FEEL: the Python cells are errors that say how to
    // read them.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("spiff/python_cells.dmn"))
        .args(["--decision", "python_cells", "--data", order])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("python_cells.dmn:10:66: error: pc_in1")
                .and(predicate::str::contains("--dialect python")),
        );
    bpmn()
        .args(["decide", "--dialect", "python", "-d"])
        .arg(fixture("spiff/python_cells.dmn"))
        .args(["--decision", "python_cells", "--data", order])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\"label\": \"BOOK rush\"")
                .and(predicate::str::contains("\"score\": 7.5")),
        );
    // Only python means something here.
    bpmn()
        .args(["decide", "--dialect", "rhai", "-d"])
        .arg(fixture("spiff/python_cells.dmn"))
        .args(["--decision", "python_cells"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--dialect python reads them"));
    // A file that names Python needs no flag.
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("spiff/python_explicit.dmn"))
        .args([
            "--decision",
            "python_explicit",
            "--data",
            r#"{"applicant": {"age": 40, "country": "US"}}"#,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"category\": \"adult us\""));
}

#[test]
fn decide_prints_collect_as_dmn_gives_it() {
    // A business rule task stores one list per output; `decide` prints
    // DMN's list of rows.
    let out = bpmn()
        .args(["decide", "-d"])
        .arg(fixture("spiff/collect_many.dmn"))
        .args(["--decision", "collect_many", "--data", r#"{"n": 12}"#])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{"sign": "positive", "weight": 1}, {"sign": "large", "weight": 10}])
    );
}

#[test]
fn dmn_test_passes_and_summarises() {
    bpmn()
        .arg("dmn-test")
        .arg(fixture("hit_policies.dmn"))
        .arg(fixture("hit_policies-tests.xml"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ok    unique-overlap  Unique")
                .and(predicate::str::ends_with("13 passed, 0 failed\n")),
        );
}

#[test]
fn dmn_test_reports_failures_with_exit_1() {
    bpmn()
        .arg("dmn-test")
        .arg(fixture("hit_policies.dmn"))
        .arg(fixture("failing-tests.xml"))
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("FAIL  wrong-value  First: expected \"a\", got \"b\"")
                .and(predicate::str::contains(
                    "FAIL  wrong-name  No such decision: no decision has this name or id",
                ))
                .and(predicate::str::ends_with("1 passed, 2 failed\n")),
        );
}

#[test]
fn dmn_test_loads_imported_models() {
    // The test file's modelName picks the model under test, whatever the
    // order of the files.
    bpmn()
        .arg("dmn-test")
        .arg(fixture("imports/greetings.dmn"))
        .arg(fixture("imports/main.dmn"))
        .arg(fixture("imports/main-tests.xml"))
        .assert()
        .success()
        .stdout(
            predicate::str::contains("ok    letter  Letter")
                .and(predicate::str::ends_with("2 passed, 0 failed\n")),
        );
    // Without the imported model, the import is named.
    bpmn()
        .arg("dmn-test")
        .arg(fixture("imports/main.dmn"))
        .arg(fixture("imports/main-tests.xml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("import `lib`"))
        .stdout(predicate::str::ends_with("0 passed, 2 failed\n"));
}

#[test]
fn dmn_test_runs_decision_services_and_counts_load_failures_apart() {
    bpmn()
        .arg("dmn-test")
        .arg(fixture("services.dmn"))
        .arg(fixture("services-tests.xml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "kind=\"Java\" functions (external Java) are not supported",
        ))
        .stdout(
            predicate::str::contains("ok    service  Total")
                .and(predicate::str::contains("ok    from-feel  Quote"))
                .and(predicate::str::contains(
                    "FAIL  not-loaded  the expected error came only from a decision that did not load",
                ))
                .and(predicate::str::ends_with(
                    "2 passed, 1 failed (1 of the failed expected an error and got one only because something did not load)\n",
                )),
        );
}

#[test]
fn decide_loads_several_files() {
    bpmn()
        .args(["decide", "-d"])
        .arg(fixture("imports/main.dmn"))
        .arg(fixture("imports/greetings.dmn"))
        .args([
            "--decision",
            "Letter",
            "--data",
            r#"{"Person": "Ann", "Title": "Dr Smith"}"#,
        ])
        .assert()
        .success()
        .stdout("\"Dear Dr Smith. Hello Ann!\"\n");
}

#[test]
fn dmn_test_bad_files_exit_2() {
    bpmn()
        .arg("dmn-test")
        .arg(fixture("invalid/not_dmn.dmn"))
        .arg(fixture("hit_policies-tests.xml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a DMN file"));
    bpmn()
        .arg("dmn-test")
        .arg(fixture("hit_policies.dmn"))
        .arg(fixture("hit_policies.dmn"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a decision test file"));
    bpmn()
        .arg("dmn-test")
        .arg(fixture("hit_policies.dmn"))
        .assert()
        .code(2);
}

#[test]
fn help_documents_exit_codes() {
    bpmn()
        .args(["dmn-test", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1  some case failed"));
    bpmn()
        .args(["decide", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3  the evaluation failed"));
}

#[test]
fn every_example_table_passes_its_tests() {
    let dir = root().join("dmn");
    let mut models: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dmn/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "dmn"))
        .collect();
    models.sort();
    assert!(models.len() >= 13, "{models:?}");
    for model in models {
        let stem = model.file_stem().unwrap().to_string_lossy().to_string();
        let cases = dir.join(format!("{stem}-tests.xml"));
        assert!(cases.exists(), "{} has no test file", model.display());
        bpmn()
            .arg("dmn-test")
            .arg(&model)
            .arg(&cases)
            .assert()
            .success()
            .stdout(predicate::str::contains(" 0 failed"));
    }
}
