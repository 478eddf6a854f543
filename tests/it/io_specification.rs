//! Data specifications: `ioSpecification` on tasks (the task sees only its
//! inputs, only its outputs flow on) and on processes called by call
//! activities (only declared inputs go in, only declared outputs come back,
//! merged into the caller's data), with errors naming the task.

use std::path::PathBuf;
use std::sync::Arc;

use bpmn_engine::runtime::InstanceSnapshot;
use bpmn_engine::{Data, Severity, Specs, Workflow};
use serde_json::{Value, json};

use crate::case::Case;

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
    v.as_object().unwrap().clone().into()
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
    Case::new("io/task_io.bpmn")
        .process("script_io")
        .data(json!({"a": 2, "z": 1}))
        .expect_data(json!({"b": 4}))
        .run();
}

#[test]
fn missing_task_input_is_an_error_naming_the_task() {
    Case::new("io/task_io.bpmn")
        .process("script_io")
        .data(json!({"z": 1}))
        .expect_error("`Double`")
        .expect_error("data input `a` is missing")
        .run();
}

#[test]
fn missing_task_output_is_an_error_naming_the_task() {
    Case::new("io/task_io.bpmn")
        .process("script_io")
        .data(json!({"a": -1}))
        .expect_error("`Double`")
        .expect_error("data output `b` is missing")
        .run();
}

#[test]
fn data_inputs_and_outputs_are_the_variables_their_ids_name() {
    // As in SpiffWorkflow: `name` is a label even when it reads like a
    // variable, and a data input no inputSet lists is no input.
    let specs = Specs::load(&[fixture("io_by_id.bpmn")]);
    let d = specs.diagnostics();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].severity, Severity::Warning);
    let text = d[0].to_string();
    assert!(
        text.contains("io_by_id.bpmn:15:9: warning: Review: dataInput `note` is in no inputSet"),
        "{text}"
    );
    let mut wf = specs
        .start(
            "io_by_id",
            obj(json!({"qty": 2, "amount": 99, "note": "x", "other": 1})),
        )
        .unwrap();
    wf.run().unwrap();
    let t = wf.ready_human_task("Review").unwrap();
    assert_eq!(*wf.task(t).unwrap().data, obj(json!({"qty": 2})));
    let mut wf = roundtrip(&wf);
    wf.complete_task(t, obj(json!({"total": 5, "result": 7})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(*wf.data(), obj(json!({"total": 5})));
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
    Case::new("io/call_caller.bpmn")
        .file("io/call_callee.bpmn")
        .process("io_caller")
        .expect_error("`CallCallee`")
        .expect_error("data input `qty`")
        .run();
}

#[test]
fn call_activity_missing_output_names_the_call_activity() {
    Case::new("io/call_caller.bpmn")
        .file("io/call_callee.bpmn")
        .process("io_caller")
        .data(json!({"qty": 0}))
        .answer("Check", json!({}))
        .expect_error("`CallCallee`")
        .expect_error("data output `total`")
        .run();
}

// Data objects: written by an output association, read by gateway
// conditions, by an input association in a nested subprocess and by a script
// without association; never left in the task data.

#[test]
fn data_objects_flow_through_associations_conditions_and_subprocesses() {
    let specs = load(&["data_objects.bpmn"]);
    let mut wf = specs
        .start("data_objects", obj(json!({"total": 150})))
        .unwrap();
    wf.run().unwrap();
    assert_eq!(
        wf.data_objects(),
        vec![(
            "data_objects".to_string(),
            "order".to_string(),
            json!({"total": 150})
        )]
    );
    // The subprocess task's input association gives it a copy.
    let t = wf.ready_human_task("Approve").unwrap();
    assert_eq!(wf.task(t).unwrap().data["order"], json!({"total": 150}));
    let mut wf = roundtrip(&wf);
    wf.complete_task(t, obj(json!({"approved": true}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(
        *wf.data(),
        obj(json!({"total": 150, "approved": true, "peeked": 151}))
    );
}

#[test]
fn data_object_condition_takes_the_other_branch() {
    let wf = Case::new("io/data_objects.bpmn")
        .process("data_objects")
        .data(json!({"total": 5}))
        .expect_data(json!({"total": 5}))
        .run();
    assert_eq!(wf.data_objects()[0].2, json!({"total": 5}));
}

#[test]
fn restore_rejects_an_undeclared_data_object() {
    let specs = load(&["data_objects.bpmn"]);
    let mut wf = specs
        .start("data_objects", obj(json!({"total": 150})))
        .unwrap();
    wf.run().unwrap();
    let mut snap = serde_json::to_value(wf.snapshot()).unwrap();
    snap["scopes"][0]["data_objects"]["nope"] = json!(1);
    let snap: InstanceSnapshot = serde_json::from_value(snap).unwrap();
    let e = Workflow::restore(specs.clone(), &snap).unwrap_err();
    assert!(e.to_string().contains("`nope`"), "{e}");
}

#[test]
fn bpmn_data_shows_data_objects() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    assert_cmd::Command::cargo_bin("bpmn")
        .unwrap()
        .args(["run", "-b"])
        .arg(fixture("data_objects.bpmn"))
        .args([
            "-p",
            "data_objects",
            "--data",
            r#"{"total": 150}"#,
            "--save",
        ])
        .arg(&state)
        .assert()
        .code(4);
    let out = assert_cmd::Command::cargo_bin("bpmn")
        .unwrap()
        .arg("data")
        .arg(&state)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data_objects"], json!({"order": {"total": 150}}));
}

// Data stores: read into the task data on entry, written back on
// completion, shared between instances through the registered store.

#[derive(Default)]
struct MemStore(std::sync::Mutex<std::collections::BTreeMap<String, Value>>);

impl bpmn_engine::DataStore for MemStore {
    fn get(&self, name: &str) -> Result<Option<Value>, bpmn_engine::DataStoreError> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, value: &Value) -> Result<(), bpmn_engine::DataStoreError> {
        self.0.lock().unwrap().insert(name.into(), value.clone());
        Ok(())
    }
}

#[test]
fn data_store_is_shared_between_instances() {
    let specs = load(&["data_store.bpmn"]);
    let store = Arc::new(MemStore::default());
    store.0.lock().unwrap().insert("counter".into(), json!(0));
    for n in 1..=2 {
        let mut wf = specs.start("data_store", Data::new()).unwrap();
        wf.set_data_store(store.clone());
        wf.run().unwrap();
        assert_eq!(*wf.data(), obj(json!({"seen": n})));
    }
    assert_eq!(store.0.lock().unwrap()["counter"], json!(2));
}

#[test]
fn json_file_store_writes_one_file_per_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("counter.json"), "41").unwrap();
    let specs = load(&["data_store.bpmn"]);
    let mut wf = specs.start("data_store", Data::new()).unwrap();
    wf.set_data_store(Arc::new(bpmn_engine::JsonFileStore::new(dir.path())));
    wf.run().unwrap();
    assert_eq!(*wf.data(), obj(json!({"seen": 42})));
    let text = std::fs::read_to_string(dir.path().join("counter.json")).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), json!(42));
}

#[test]
fn data_store_without_a_registered_store_names_the_task() {
    Case::new("io/data_store.bpmn")
        .process("data_store")
        .expect_error("`Increment`")
        .expect_error("data store `counter`")
        .run();
}

#[test]
fn cli_data_store_dir_defaults_next_to_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("counter.json"), "0").unwrap();
    std::fs::write(other.path().join("counter.json"), "10").unwrap();
    let run = |extra: &[&std::ffi::OsStr]| {
        assert_cmd::Command::cargo_bin("bpmn")
            .unwrap()
            .args(["run", "-b"])
            .arg(fixture("data_store.bpmn"))
            .args(["-p", "data_store", "--json", "--save"])
            .arg(dir.path().join("s.json"))
            .args(extra)
            .output()
            .unwrap()
    };
    run(&[]);
    let out = run(&[]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"], json!({"seen": 2}), "{v}");
    let out = run(&["--data-store-dir".as_ref(), other.path().as_os_str()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"], json!({"seen": 11}), "{v}");
    let read = |p: &std::path::Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(p.join("counter.json")).unwrap()).unwrap()
    };
    assert_eq!(read(dir.path()), json!(2));
    assert_eq!(read(other.path()), json!(11));
}
