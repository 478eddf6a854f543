//! Diagrams written for other engines run unmodified: a SpiffArena export
//! with Python scripts and conditions, and a Camunda Modeler diagram with
//! JUEL `${…}` conditions, each run to completion with the library API.

use crate::support;

use bpmn_engine::model::{Dialect, ExprKind};
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::{Data, Specs, Workflow};
use serde_json::{Value, json};
use support::fixture;

fn data(v: Value) -> Data {
    v.as_object().cloned().unwrap_or_default().into()
}

fn answer(wf: &mut Workflow, task: &str, v: Value) {
    let id = wf
        .ready_human_task(task)
        .unwrap_or_else(|| panic!("{task} is not ready"));
    wf.complete_task(id, data(v)).unwrap();
    wf.run().unwrap();
}

#[test]
fn spiffarena_python_diagram_runs_to_completion() {
    let specs = Specs::load(&[fixture("dialects/spiffarena_order.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    // exporter="SpiffArena": every script and condition is Python.
    assert!(
        specs
            .model()
            .expressions
            .iter()
            .all(|e| e.dialect == Dialect::Python)
    );
    let input = json!({"price_list": {"widget": 40.0, "gadget": 15.5}, "customer": {"new": false}});

    // A big order needs approval.
    let mut wf = specs
        .start("Process_order_py", data(input.clone()))
        .unwrap();
    wf.run().unwrap();
    answer(
        &mut wf,
        "Activity_select",
        json!({"product_name": "widget", "product_quantity": "3"}),
    );
    answer(
        &mut wf,
        "Activity_approve",
        json!({"approved": true, "approver": "ann"}),
    );
    assert!(wf.is_completed());
    let d = wf.data().to_json();
    assert_eq!(
        d["products"],
        json!([{"name": "widget", "quantity": 3, "price": 40.0}])
    );
    assert_eq!(d.get("product_name"), None, "del removes the variable");
    assert_eq!(d.get("p"), None);
    assert_eq!(d["subtotal"], json!(120.0));
    assert_eq!(d["shipping"], json!(0));
    assert_eq!(d["order_total"], json!(120.0));
    assert_eq!(d["item_count"], json!(3));
    assert_eq!(d["average"], json!(40.0));
    assert_eq!(d["summary"], json!("3 item(s), total 120.00"));
    assert_eq!(d["names"], json!("widget"));
    assert_eq!(d["status"], json!("approved"));
    assert_eq!(d["by"], json!("ann"));

    // A small order from a known customer is approved automatically.
    let mut wf = specs.start("Process_order_py", data(input)).unwrap();
    wf.run().unwrap();
    answer(
        &mut wf,
        "Activity_select",
        json!({"product_name": "gadget", "product_quantity": 1}),
    );
    assert!(wf.is_completed());
    let d = wf.data().to_json();
    assert_eq!(d["order_total"], json!(25.5));
    assert_eq!(d["shipping"], json!(10));
    assert_eq!(d["approver"], json!(null));
    assert_eq!(d["by"], json!("system"));
    assert_eq!(d["status"], json!("approved"));
}

#[test]
fn camunda_juel_diagram_runs_to_completion() {
    let specs = Specs::load(&[fixture("dialects/camunda_claim.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    for e in &specs.model().expressions {
        let want = match e.kind {
            ExprKind::Condition => Dialect::Juel,
            // scriptFormat="python" on the script task.
            ExprKind::Script => Dialect::Python,
        };
        assert_eq!(e.dialect, want, "{}", e.owner);
    }

    // Large claim → expert → approved → payout.
    let claim =
        json!({"claim": {"amount": 8000, "deductible": 500, "policy": {"status": "active"}}});
    let mut wf = specs.start("Process_claim", data(claim)).unwrap();
    wf.run().unwrap();
    answer(
        &mut wf,
        "Activity_expert",
        json!({"approved": true, "payout": 7000}),
    );
    assert!(wf.is_completed());
    assert_eq!(wf.data()["net_payout"], json!(6500));
    assert_eq!(wf.data()["paid"], json!(true));

    // Flagged small claim also goes to the expert; declined.
    let claim = json!({"claim": {"amount": 100, "deductible": 0, "flags": ["fraud-check"], "policy": {"status": "active"}}});
    let mut wf = specs.start("Process_claim", data(claim)).unwrap();
    wf.run().unwrap();
    answer(
        &mut wf,
        "Activity_expert",
        json!({"approved": false, "payout": 0}),
    );
    assert!(wf.is_completed());
    assert_eq!(wf.data().get("paid"), None);

    // No policy → rejection; a null property path is null, not an error.
    let mut wf = specs
        .start("Process_claim", data(json!({"claim": {"amount": 10}})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.ready_human_task("Activity_reject").is_some());

    // Otherwise the standard review (default flow).
    let claim = json!({"claim": {"amount": 10, "deductible": 1, "policy": {"status": "active"}}});
    let mut wf = specs.start("Process_claim", data(claim)).unwrap();
    wf.run().unwrap();
    answer(
        &mut wf,
        "Activity_review",
        json!({"approved": true, "payout": 10}),
    );
    assert_eq!(wf.data()["net_payout"], json!(9));
}

#[test]
fn out_of_subset_python_is_a_load_error_naming_element_line_and_construct() {
    let path = fixture("dialects/python_errors.bpmn");
    let specs = Specs::load(&[&path]);
    let d = specs.diagnostics();
    assert_eq!(d.len(), 2, "{d:?}");
    // `from os import getpid` is line 2 of the script, which starts on line 11.
    assert_eq!(d[0].element.as_deref(), Some("Activity_import"));
    assert_eq!((d[0].line, d[0].col), (12, 1), "{}", d[0]);
    assert!(d[0].message.contains("`from`"), "{}", d[0]);
    assert_eq!(d[1].element.as_deref(), Some("Flow_2"));
    assert_eq!(d[1].line, 16, "{}", d[1]);
    assert!(d[1].message.contains("`lambda`"), "{}", d[1]);
    assert!(specs.start("Process_py_errors", Data::new()).is_err());
}

#[test]
fn load_option_overrides_what_the_file_suggests() {
    // The Camunda diagram's `${…}` conditions are not Python: forcing Python
    // makes them load errors rather than silently different behaviour.
    let specs = Specs::load_with(
        &[fixture("dialects/camunda_claim.bpmn")],
        &LoadOptions {
            dialect: Some(Dialect::Python),
        },
    );
    assert_eq!(specs.diagnostics().len(), 4, "{:?}", specs.diagnostics());
    // Rhai diagrams are unaffected by the Spiff namespace alone.
    let specs = Specs::load(&[fixture("pre_post_scripts.bpmn")]);
    assert!(
        specs
            .model()
            .expressions
            .iter()
            .all(|e| e.dialect == Dialect::Rhai)
    );
}

/// A process with one script task `Task_Half` running `script`, after an
/// exclusive gateway whose one flow has `condition`; `extension` goes into
/// the script task's `extensionElements`, `format` is its `scriptFormat`.
fn inferred_diagram(script: &str, condition: &str, extension: &str, format: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="Defs" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="4.11.1">
  <bpmn:process id="Process_Infer" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="Gateway" default="F3"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing><bpmn:outgoing>F3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:scriptTask id="Task_Half" {format}>
      <bpmn:extensionElements>{extension}</bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Gateway"/>
    <bpmn:sequenceFlow id="F2" sourceRef="Gateway" targetRef="Task_Half">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" sourceRef="Gateway" targetRef="Task_Half"/>
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Half" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>"#
    )
    .into_bytes()
}

const SPIFF_EXTENSION: &str =
    r#"<spiffworkflow:instructionsForEndUser>Halve it</spiffworkflow:instructionsForEndUser>"#;

/// Runs the diagram with `{"total": 7}`; the dialect its file got and `half`.
fn run_inferred(xml: Vec<u8>, dialect: Option<Dialect>) -> (Dialect, Value) {
    let specs = Specs::from_all_sources(
        vec![("infer.bpmn".into(), xml)],
        Vec::new(),
        &LoadOptions { dialect },
    );
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let file_dialect = specs.model().files[0].dialect.clone().unwrap();
    let mut wf = specs
        .start("Process_Infer", data(json!({"total": 7})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    (file_dialect.dialect, wf.data().to_json()["half"].clone())
}

#[test]
fn file_dialect_is_inferred_from_its_code() {
    use Dialect::*;
    // `half = total / 2` is valid in both: Python divides to 3.5, Rhai's
    // integer division gives 3, so the result shows which dialect ran.
    let ambiguous = |ext: &str, format: &str| {
        inferred_diagram("half = total / 2", "total &gt; 100", ext, format)
    };
    // SpiffWorkflow extensions make code valid in both Python.
    assert_eq!(
        run_inferred(ambiguous(SPIFF_EXTENSION, ""), None),
        (Python, json!(3.5))
    );
    // Without them, the engine's own language.
    assert_eq!(run_inferred(ambiguous("", ""), None), (Rhai, json!(3)));
    // `--dialect` overrides the inference.
    assert_eq!(
        run_inferred(ambiguous(SPIFF_EXTENSION, ""), Some(Rhai)),
        (Rhai, json!(3))
    );
    assert_eq!(
        run_inferred(ambiguous("", ""), Some(Python)),
        (Python, json!(3.5))
    );
    // An element naming Rhai makes the file's ambiguous code Rhai: the
    // bare condition follows the script task's scriptFormat.
    let named = ambiguous(SPIFF_EXTENSION, r#"scriptFormat="rhai""#);
    let specs = Specs::from_sources(vec![("named.bpmn".into(), named)]);
    let cond = specs
        .model()
        .expressions
        .iter()
        .find(|e| e.owner == "F2")
        .unwrap();
    assert_eq!(cond.dialect, Rhai);
    // Code only Python accepts makes the file Python, extensions or not.
    let comprehension = |ext: &str| {
        inferred_diagram(
            "half = total / 2\ndigits = [d for d in str(total)]",
            "len(str(total)) &gt; 5",
            ext,
            "",
        )
    };
    assert_eq!(run_inferred(comprehension(""), None), (Python, json!(3.5)));
    // Rhai-only syntax keeps it Rhai, SpiffWorkflow extensions or not.
    for rhai in [
        "half = total / 2;",
        "let h = total / 2; half = h",
        "half = #{v: total / 2}.v",
    ] {
        let xml = inferred_diagram(rhai, "total &gt; 100", SPIFF_EXTENSION, "");
        assert_eq!(run_inferred(xml, None), (Rhai, json!(3)), "{rhai}");
    }
}

#[test]
fn python_beyond_the_subset_is_reported_as_python() {
    // A SpiffWorkflow diagram calling a function its host injects: Rhai
    // would accept the call's syntax, but the file is Python, so the error
    // names the function and the subset.
    let xml = inferred_diagram(
        "info = lookup_product_info(name)",
        "total &gt; 100",
        SPIFF_EXTENSION,
        "",
    );
    let specs = Specs::from_sources(vec![("host.bpmn".into(), xml)]);
    assert_eq!(
        specs.model().files[0].dialect.as_ref().unwrap().dialect,
        Dialect::Python
    );
    let d = specs.diagnostics();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].element.as_deref(), Some("Task_Half"));
    assert!(d[0].message.contains("lookup_product_info"), "{}", d[0]);
    assert!(d[0].message.contains("Python"), "{}", d[0]);
}

#[test]
fn validate_says_which_dialect_each_file_got_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let spiff = dir.path().join("spiff.bpmn");
    std::fs::write(
        &spiff,
        inferred_diagram("half = total / 2", "total &gt; 1", SPIFF_EXTENSION, ""),
    )
    .unwrap();
    let rhai = dir.path().join("rhai.bpmn");
    let other = String::from_utf8(inferred_diagram(
        "half = total / 2;",
        "total &gt; 1",
        "",
        "",
    ))
    .unwrap()
    .replace("Process_Infer", "Process_Other");
    std::fs::write(&rhai, other).unwrap();
    let out = assert_cmd::Command::cargo_bin("bpmn")
        .unwrap()
        .args(["validate", "-b"])
        .arg(&spiff)
        .arg(&rhai)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("spiff.bpmn: scripts and conditions are Python (all its code parses in the Python subset and it uses SpiffWorkflow extensions)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rhai.bpmn: scripts and conditions are Rhai (`Task_Half` uses `;` ending a statement, which only Rhai has)"),
        "{stderr}"
    );
}
#[test]
fn python_functions_imports_and_vars_run_as_in_spiffworkflow() {
    let path = fixture("dialects/python_functions.bpmn");
    let specs = Specs::load(&[&path]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let input =
        json!({"items": [{"price": 19.99, "qty": 3}, {"price": 5.5, "qty": 10}], "rebate": 10});
    let mut wf = specs.start("Process_py_functions", data(input)).unwrap();
    // The last script deletes `rebate` a second time: Python's NameError,
    // naming the element and the script's line in the file.
    let err = wf.run().unwrap_err();
    assert_eq!(err.element, "Activity_again");
    assert!(
        err.message
            .contains("NameError: name 'rebate' is not defined"),
        "{err}"
    );
    assert!(err.location.ends_with(":63:1"), "{}", err.location);
    // What the scripts before it left, as SpiffWorkflow 3.2 leaves it
    // (checked with it): functions and modules are not data; datetime and
    // Decimal values take the serializer's shapes and come back as values
    // in the condition and the next script.
    let failed = wf.task(err.task.unwrap()).unwrap();
    assert_eq!(failed.state, bpmn_engine::TaskState::Error);
    let d = failed.data.to_json();
    assert_eq!(d["totals"], json!(["53.973", "49.5"]));
    assert_eq!(
        d["grand"],
        json!({"value": "103.473", "typename": "Decimal"})
    );
    assert_eq!(d["rounded"], json!(104));
    assert_eq!(d["steps"], json!([3, 2, 1]));
    assert_eq!(d["has_note"], json!(false));
    assert_eq!(
        d["ship_by"],
        json!({"value": "2024-05-08T09:00:00", "typename": "datetime"})
    );
    assert_eq!(d["label"], json!("Wed 08 May"));
    assert_eq!(
        d["late"],
        json!({"value": "2024-05-09T09:00:00", "typename": "datetime"})
    );
    assert_eq!(d["weekday"], json!(3));
    assert_eq!(d["checked"], json!(true));
    for gone in [
        "line_total",
        "count_down",
        "math",
        "datetime",
        "timedelta",
        "Decimal",
        "rebate",
        "note",
    ] {
        assert!(d.get(gone).is_none(), "{gone} in {d}");
    }
}

#[test]
fn tutorial_import_of_os_is_refused_at_load() {
    let Some(corpus) = support::spiff_corpus() else {
        return;
    };
    // No flag: the file is inferred Python (it uses SpiffWorkflow
    // extensions), so the refusal names the Python construct.
    let path = corpus.join("dangerous.bpmn");
    let specs = Specs::load(&[&path]);
    assert_eq!(
        specs.model().files[0].dialect.as_ref().map(|d| d.dialect),
        Some(Dialect::Python)
    );
    let d = specs.diagnostics();
    assert!(
        d.iter().any(|d| d.element.as_deref() == Some("collect_info")
            && d.line == 11
            && d.message.contains(
                "import of module 'os' is not available in the sandbox; allowed: datetime, time, json, math, decimal"
            )),
        "{d:?}"
    );
}
