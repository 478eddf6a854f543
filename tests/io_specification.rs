//! Data specifications: `ioSpecification` on tasks (the task sees only its
//! inputs, only its outputs flow on) and on processes called by call
//! activities (only declared inputs go in, only declared outputs come back,
//! merged into the caller's data), with errors naming the task.

use std::path::PathBuf;
use std::sync::Arc;

use bpmn_runner::runtime::InstanceSnapshot;
use bpmn_runner::{Data, Specs, Workflow};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/bpmn/io/{name}"))
}

fn load(names: &[&str]) -> Arc<Specs> {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let specs = Specs::load(&paths);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    specs
}

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone()
}

fn roundtrip(wf: &Workflow) -> Workflow {
    let text = serde_json::to_string(&wf.snapshot()).unwrap();
    let snap: InstanceSnapshot = serde_json::from_str(&text).unwrap();
    let back = Workflow::restore(wf.specs().clone(), &snap).unwrap();
    assert_eq!(back.snapshot(), wf.snapshot());
    back
}

#[test]
fn task_sees_only_its_inputs_and_passes_only_its_outputs() {
    let specs = load(&["task_io.bpmn"]);
    let mut wf = specs.start("task_io", Data::new()).unwrap();
    wf.run().unwrap();
    let t = wf.ready_human_task("Review").unwrap();
    assert_eq!(
        *wf.task(t).unwrap().data,
        obj(json!({"in_1": 1, "in_2": "hello world"}))
    );
    let mut wf = roundtrip(&wf);
    wf.complete_task(t, obj(json!({"out_1": 1, "out_2": "bye", "extra": true})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(*wf.data(), obj(json!({"out_1": 1, "out_2": "bye"})));
}

#[test]
fn script_task_io() {
    let specs = load(&["task_io.bpmn"]);
    let mut wf = specs
        .start("script_io", obj(json!({"a": 2, "z": 1})))
        .unwrap();
    wf.run().unwrap();
    assert_eq!(*wf.data(), obj(json!({"b": 4})));
}

#[test]
fn missing_task_input_is_an_error_naming_the_task() {
    let specs = load(&["task_io.bpmn"]);
    let mut wf = specs.start("script_io", obj(json!({"z": 1}))).unwrap();
    let e = wf.run().unwrap_err();
    assert_eq!(e.element, "Double");
    assert!(e.message.contains("data input `a` is missing"), "{e}");
}

#[test]
fn missing_task_output_is_an_error_naming_the_task() {
    let specs = load(&["task_io.bpmn"]);
    let mut wf = specs.start("script_io", obj(json!({"a": -1}))).unwrap();
    let e = wf.run().unwrap_err();
    assert_eq!(e.element, "Double");
    assert!(e.message.contains("data output `b` is missing"), "{e}");
}

#[test]
fn call_activity_passes_only_declared_inputs_and_merges_outputs() {
    let specs = load(&["call_caller.bpmn", "call_callee.bpmn"]);
    let mut wf = specs
        .start("io_caller", obj(json!({"qty": 3, "price": 7})))
        .unwrap();
    wf.run().unwrap();
    let t = wf.ready_human_task("Check").unwrap();
    assert_eq!(*wf.task(t).unwrap().data, obj(json!({"qty": 3})));
    let mut wf = roundtrip(&wf);
    wf.complete_task(t, Data::new()).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    // `leaked` stays in the callee; the caller keeps its own data.
    assert_eq!(
        *wf.data(),
        obj(json!({"qty": 3, "price": 7, "keep": "yes", "total": 30}))
    );
}

#[test]
fn call_activity_missing_input_names_the_call_activity() {
    let specs = load(&["call_caller.bpmn", "call_callee.bpmn"]);
    let mut wf = specs.start("io_caller", Data::new()).unwrap();
    let e = wf.run().unwrap_err();
    assert_eq!(e.element, "CallCallee");
    assert!(e.message.contains("data input `qty`"), "{e}");
}

#[test]
fn call_activity_missing_output_names_the_call_activity() {
    let specs = load(&["call_caller.bpmn", "call_callee.bpmn"]);
    let mut wf = specs.start("io_caller", obj(json!({"qty": 0}))).unwrap();
    wf.run().unwrap();
    let t = wf.ready_human_task("Check").unwrap();
    wf.complete_task(t, Data::new()).unwrap();
    let e = wf.run().unwrap_err();
    assert_eq!(e.element, "CallCallee");
    assert!(e.message.contains("data output `total`"), "{e}");
}
