//! The tutorial in `bpmn/` runs to completion with its answers files and
//! gives exactly the data in `bpmn/answers/*.expected.json`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The decision tables the tutorial's business rule tasks use.
const DMN: [&str; 3] = [
    "-d",
    "../dmn/product_prices.dmn",
    "../dmn/shipping_costs.dmn",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_example(files: &[&str], process: &str, data: Option<&str>, name: &str) {
    let dir = root().join("bpmn");
    let mut cmd = Command::cargo_bin("bpmn").unwrap();
    cmd.current_dir(&dir)
        .arg("run")
        .arg("-b")
        .args(files)
        .args(DMN)
        .args(["-p", process]);
    if let Some(d) = data {
        cmd.args(["--data", d]);
    }
    cmd.arg("--answers")
        .arg(Path::new("answers").join(format!("{name}.json")))
        .arg("--json");
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(format!("answers/{name}.expected.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(v["completed"], Value::Bool(true), "{name}");
    assert_eq!(v["data"], expected, "{name}");
}

#[test]
fn task_types_example() {
    run_example(
        &["task_types.bpmn"],
        "order_product_task_types",
        None,
        "task_types",
    );
}

#[test]
fn gateway_types_example() {
    run_example(
        &["gateway_types.bpmn"],
        "order_product_gateways",
        None,
        "gateway_types",
    );
}

#[test]
fn call_activity_example_on_its_own() {
    run_example(
        &["call_activity.bpmn"],
        "customize_product",
        Some(r#"{"product_name": "t_shirt", "product_quantity": 2}"#),
        "call_activity",
    );
}

#[test]
fn top_level_example_across_files() {
    run_example(
        &["top_level.bpmn", "call_activity.bpmn"],
        "order_product",
        None,
        "top_level",
    );
}

#[test]
fn examples_validate_cleanly() {
    let dir = root().join("bpmn");
    Command::cargo_bin("bpmn")
        .unwrap()
        .current_dir(&dir)
        .args([
            "validate",
            "-b",
            "task_types.bpmn",
            "gateway_types.bpmn",
            "top_level.bpmn",
            "call_activity.bpmn",
        ])
        .args(DMN)
        .assert()
        .code(0)
        .stdout("");
}
