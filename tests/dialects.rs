//! Diagrams written for other engines run unmodified: a SpiffArena export
//! with Python scripts and conditions, and a Camunda Modeler diagram with
//! JUEL `${…}` conditions, each run to completion with the library API.

mod support;

use bpmn_runner::model::{Dialect, ExprKind};
use bpmn_runner::parser::LoadOptions;
use bpmn_runner::{Data, Specs, Workflow};
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
    assert_eq!(failed.state, bpmn_runner::TaskState::Error);
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
    let path = corpus.join("dangerous.bpmn");
    let specs = Specs::load_with(
        &[&path],
        &LoadOptions {
            dialect: Some(Dialect::Python),
        },
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
