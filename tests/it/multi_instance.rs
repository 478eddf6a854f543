//! Multi-instance activities and standard loops: fixtures under
//! `tests/fixtures/bpmn/data/`, run through the library (also saved and
//! restored after every step, and reset into one instance) and the CLI.

use std::path::PathBuf;
use std::sync::Arc;

use bpmn_engine::runtime::InstanceSnapshot;
use bpmn_engine::{Specs, TaskId, TaskState, Workflow};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/bpmn/data/{name}"))
}

fn load(names: &[&str]) -> Arc<Specs> {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let specs = Specs::load(&paths);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    specs
}

fn obj(v: Value) -> bpmn_engine::model::Data {
    v.as_object().unwrap().clone().into()
}

/// Saves and restores the instance (through JSON).
fn roundtrip(wf: &Workflow) -> Workflow {
    let text = serde_json::to_string(&wf.snapshot()).unwrap();
    let snap: InstanceSnapshot = serde_json::from_str(&text).unwrap();
    let back = Workflow::restore(wf.specs().clone(), &snap).unwrap();
    assert_eq!(back.snapshot(), wf.snapshot());
    back
}

/// Runs `process` to the end, answering human tasks with `answer`, and
/// checks that saving and restoring after every step changes nothing.
fn run_all(
    specs: &Arc<Specs>,
    process: &str,
    data: Value,
    answer: impl Fn(&Workflow, TaskId) -> Value,
) -> Workflow {
    let mut plain = specs.start(process, obj(data.clone())).unwrap();
    let mut saved = specs.start(process, obj(data)).unwrap();
    for (restoring, wf) in [(false, &mut plain), (true, &mut saved)] {
        loop {
            if restoring {
                *wf = roundtrip(wf);
            }
            if wf.run_one().unwrap() {
                continue;
            }
            let Some(t) = wf.ready_human_tasks().first().map(|t| t.id) else {
                break;
            };
            let a = answer(wf, t);
            wf.complete_task(t, obj(a)).unwrap();
        }
    }
    assert_eq!(plain.data(), saved.data());
    assert!(plain.is_completed(), "not completed");
    plain
}

fn no_answer(_: &Workflow, _: TaskId) -> Value {
    panic!("no human task expected")
}

#[test]
fn parallel_outputs_follow_the_input_order() {
    let specs = load(&["mi_parallel.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiParallel",
        json!({"items": [1, 2, 3]}),
        no_answer,
    );
    assert_eq!(wf.data()["results"], json!([2, 4, 6]));
    assert!(wf.data().get("item").is_none());
    assert!(wf.data().get("result").is_none());
    assert!(wf.data().get("loopCounter").is_none());
    let instances = wf
        .tasks()
        .filter(|t| t.bpmn_id == "Task_Double" && t.data.contains_key("item"))
        .count();
    assert_eq!(instances, 3);
}

#[test]
fn sequential_runs_one_at_a_time_with_loop_counter() {
    let specs = load(&["mi_sequential.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiSequential",
        json!({"items": [5, 6, 7], "log": []}),
        no_answer,
    );
    assert_eq!(wf.data()["results"], json!([10, 12, 14]));
}

#[test]
fn cardinality_is_an_expression() {
    let specs = load(&["mi_cardinality.bpmn"]);
    let wf = run_all(&specs, "Process_MiCardinality", json!({"n": 3}), no_answer);
    assert_eq!(wf.data()["tens"], json!([0, 10, 20, 30]));
}

#[test]
fn empty_collection_and_zero_cardinality_complete_at_once() {
    let specs = load(&["mi_parallel.bpmn", "mi_cardinality.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiParallel",
        json!({"items": []}),
        no_answer,
    );
    assert_eq!(wf.data()["results"], json!([]));
    let wf = run_all(&specs, "Process_MiCardinality", json!({"n": -1}), no_answer);
    assert_eq!(wf.data()["tens"], json!([]));
}

#[test]
fn completion_condition_cancels_the_rest() {
    let specs = load(&["mi_completion.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiCompletion",
        json!({"items": [1, 2, 3, 4, 5]}),
        no_answer,
    );
    assert_eq!(wf.data()["squares"], json!([1, 4, 9, 16]));
}

#[test]
fn same_input_and_output_updates_in_place() {
    let specs = load(&["mi_inplace.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiInPlace",
        json!({"items": [1, 2, 3]}),
        no_answer,
    );
    assert_eq!(wf.data()["items"], json!([2, 3, 4]));
}

#[test]
fn a_map_input_gives_a_map_output() {
    let specs = load(&["mi_map.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiMap",
        json!({"prices": {"tea": 2, "cake": 5}}),
        no_answer,
    );
    assert_eq!(wf.data()["with_tax"], json!({"tea": 4, "cake": 10}));
}

#[test]
fn camunda_collection_and_element_variable() {
    // As SpiffWorkflow's Camunda parser reads it, camunda:collection alone
    // is both input and output: each instance's elementVariable goes back
    // into its slot, and the instances' other variables stay in them.
    let specs = load(&["mi_camunda.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiCamunda",
        json!({"items": ["a", "b"]}),
        no_answer,
    );
    assert_eq!(*wf.data(), obj(json!({"items": ["a!", "b!"]})));
    let seen: Vec<Value> = wf
        .tasks()
        .filter(|t| t.bpmn_id == "Task_Seen" && t.data.contains_key("item"))
        .map(|t| t.data["last"].clone())
        .collect();
    assert_eq!(seen, [json!("a!"), json!("b!")]);
}

#[test]
fn camunda_loop_cardinality_with_a_collection() {
    let specs = load(&["mi_camunda_collection.bpmn"]);
    // A number: that many instances, each elementVariable (its index, then
    // squared) collected into the collection.
    let wf = run_all(
        &specs,
        "Process_CamundaCardinality",
        json!({"count": 3}),
        no_answer,
    );
    assert_eq!(*wf.data(), obj(json!({"count": 3, "squares": [0, 1, 4]})));
    // loopCardinality naming a list or a map: it is the input, the
    // collection the output, with the input's type.
    let p = "Process_CamundaCardinalityCollection";
    let wf = run_all(&specs, p, json!({"items": [1, 2, 3]}), no_answer);
    assert_eq!(
        *wf.data(),
        obj(json!({"items": [1, 2, 3], "doubled": [2, 4, 6]}))
    );
    let wf = run_all(&specs, p, json!({"items": {"a": 1, "b": 2}}), no_answer);
    assert_eq!(wf.data()["doubled"], json!({"a": 2, "b": 4}));
    // The same variable holding a number is a cardinality.
    let wf = run_all(&specs, p, json!({"items": 2}), no_answer);
    assert_eq!(*wf.data(), obj(json!({"items": 2, "doubled": [0, 2]})));
    // The collection alone is updated in place, a list or a map.
    let p = "Process_CamundaInPlace";
    let wf = run_all(&specs, p, json!({"items": [1, 2, 3]}), no_answer);
    assert_eq!(*wf.data(), obj(json!({"items": [2, 3, 4]})));
    let wf = run_all(&specs, p, json!({"items": {"a": 1, "b": 2}}), no_answer);
    assert_eq!(*wf.data(), obj(json!({"items": {"a": 2, "b": 3}})));
}

#[test]
fn an_existing_output_collection_keeps_its_type() {
    let specs = load(&["mi_output_types.bpmn", "mi_output_cardinality.bpmn"]);
    let p = "Process_MiOutputType";
    // (start data, the output SpiffWorkflow 3.2 gives; its integer keys are
    // written as JSON strings)
    for (data, out) in [
        (
            json!({"items": [1, 2, 3], "out": {}}),
            json!({"0": 2, "1": 4, "2": 6}),
        ),
        (json!({"items": {"a": 1, "b": 2}, "out": []}), json!([2, 4])),
        (
            json!({"items": [1, 2], "out": {"keep": 0}}),
            json!({"keep": 0, "0": 2, "1": 4}),
        ),
        (
            json!({"items": {"a": 1}, "out": {"a": 0, "z": 5}}),
            json!({"a": 2, "z": 5}),
        ),
        // A new output has the input's type.
        (json!({"items": [1, 2]}), json!([2, 4])),
        (json!({"items": {"a": 1, "b": 2}}), json!({"a": 2, "b": 4})),
    ] {
        let wf = run_all(&specs, p, data.clone(), no_answer);
        assert_eq!(wf.data()["out"], out, "{data}");
        assert_eq!(wf.data()["items"], data["items"]);
    }
    // With loopCardinality the key is the index (SpiffWorkflow 3.2 fails
    // with a NameError when the output exists).
    let p = "Process_MiOutputCardinality";
    for (data, out) in [
        (json!({}), json!([0, 10, 20])),
        (json!({"out": []}), json!([0, 10, 20])),
        (json!({"out": {}}), json!({"0": 0, "1": 10, "2": 20})),
    ] {
        let wf = run_all(&specs, p, data.clone(), no_answer);
        assert_eq!(wf.data()["out"], out, "{data}");
    }
}

#[test]
fn an_output_that_is_not_an_empty_list_or_a_map_fails_before_any_instance() {
    let specs = load(&["mi_output_types.bpmn"]);
    for (out, wanted) in [
        (
            json!([9]),
            "the output collection `out` already holds items; a list output must be empty unless it is the input collection",
        ),
        (
            json!("x"),
            "the output collection `out` is a string; it must be a list or a map",
        ),
    ] {
        let mut wf = specs
            .start(
                "Process_MiOutputType",
                obj(json!({"items": [1, 2], "out": out})),
            )
            .unwrap();
        let err = wf.run().unwrap_err();
        assert_eq!(err.element, "Task_Double");
        assert!(err.message.contains(wanted), "{}", err.message);
        assert!(err.location.contains("mi_output_types.bpmn:"), "{err}");
        // No instance was created.
        assert_eq!(wf.tasks().filter(|t| t.bpmn_id == "Task_Double").count(), 1);
    }
}

#[test]
fn pre_and_post_scripts_run_once_around_the_instances() {
    // As in SpiffWorkflow: the preScript runs before the first instance
    // (here it builds the input collection), the postScript after the
    // outputs are gathered.
    let specs = load(&["mi_scripts_around.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiScriptsAround",
        json!({"counts": [1, 2, 3]}),
        no_answer,
    );
    assert_eq!(
        *wf.data(),
        obj(json!({
            "counts": [1, 2, 3],
            "items": [10, 20, 30],
            "log": ["pre", "post"],
            "boxes": [11, 21, 31],
            "total": 63
        }))
    );
    // Each instance saw the pre-script's data (not the post-script's).
    let instances: Vec<(Value, Value)> = wf
        .tasks()
        .filter(|t| t.bpmn_id == "Sub_Box" && t.data.contains_key("item"))
        .map(|t| (t.data["item"].clone(), t.data["log"].clone()))
        .collect();
    assert_eq!(
        instances,
        [10, 20, 30].map(|i| (json!(i), json!(["pre"]))).to_vec()
    );
    // The activity completes once, after its three instances.
    let order: Vec<(&str, bool)> = wf
        .completed_tasks()
        .filter(|t| t.bpmn_id == "Sub_Box")
        .map(|t| (t.bpmn_id, t.data.contains_key("item")))
        .collect();
    assert_eq!(
        order,
        [
            ("Sub_Box", true),
            ("Sub_Box", true),
            ("Sub_Box", true),
            ("Sub_Box", false)
        ]
    );
}

#[test]
fn scripts_on_instances_run_in_each_instance() {
    let specs = load(&["mi_scripts_on_instances.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiScriptsOnInstances",
        json!({"items": [1, 2]}),
        no_answer,
    );
    // item + 1 before, box * 2 after each instance.
    assert_eq!(*wf.data(), obj(json!({"items": [1, 2], "boxes": [40, 60]})));
}

#[test]
fn standard_loop_scripts_run_once_around_the_loop() {
    // A preScript run in every iteration would set n back to 0, and the
    // loop would stop only at loopMaximum (5).
    let specs = load(&["loop_scripts_around.bpmn"]);
    let wf = run_all(&specs, "Process_LoopScriptsAround", json!({}), no_answer);
    assert_eq!(*wf.data(), obj(json!({"n": 3, "total": 212})));
    let iterations = wf
        .completed_tasks()
        .filter(|t| t.bpmn_id == "Sub_Count_Script")
        .count();
    assert_eq!(iterations, 3);
}

#[test]
fn user_task_pre_script_builds_the_collection_and_instances_wait_for_a_person() {
    let specs = load(&["mi_user_scripts.bpmn"]);
    let mut wf = specs
        .start(
            "Process_MiUserScripts",
            obj(json!({"names": ["ann", "bo"]})),
        )
        .unwrap();
    wf.run().unwrap();
    let ready: Vec<(TaskId, Value)> = wf
        .ready_human_tasks()
        .iter()
        .map(|t| (t.id, t.data["guest"].clone()))
        .collect();
    assert_eq!(
        ready.iter().map(|(_, g)| g.clone()).collect::<Vec<_>>(),
        [json!("ANN"), json!("BO")]
    );
    for (t, guest) in ready.into_iter().rev() {
        wf = roundtrip(&wf);
        let greeting = format!("hi {}", guest.as_str().unwrap());
        wf.complete_task(t, obj(json!({ "greeting": greeting })))
            .unwrap();
        wf.run().unwrap();
    }
    assert!(wf.is_completed());
    assert_eq!(
        *wf.data(),
        obj(json!({
            "names": ["ann", "bo"],
            "guests": ["ANN", "BO"],
            "greetings": ["hi ANN", "hi BO"],
            "count": 2
        }))
    );
}

#[test]
fn subprocess_and_call_activity_instances() {
    let specs = load(&["mi_subprocess.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiSub",
        json!({"words": ["hi", "yo"]}),
        no_answer,
    );
    assert_eq!(wf.data()["shouts"], json!(["hi!", "yo!"]));
    let specs = load(&["mi_call.bpmn", "mi_callee.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_MiCall",
        json!({"words": ["a", "b", "c"]}),
        no_answer,
    );
    assert_eq!(wf.data()["shouts"], json!(["a!", "b!", "c!"]));
}

#[test]
fn user_task_instances_completed_out_of_order_keep_input_order() {
    let specs = load(&["mi_user.bpmn"]);
    let mut wf = specs
        .start("Process_MiUser", obj(json!({"docs": ["d1", "d2", "d3"]})))
        .unwrap();
    wf.run().unwrap();
    let ready: Vec<TaskId> = wf.ready_human_tasks().iter().map(|t| t.id).collect();
    assert_eq!(ready.len(), 3);
    // Complete them last to first, saving and restoring in between.
    for &t in ready.iter().rev() {
        let doc = wf.task(t).unwrap().data["doc"]
            .as_str()
            .unwrap()
            .to_string();
        wf.complete_task(t, obj(json!({"verdict": format!("ok {doc}")})))
            .unwrap();
        wf = roundtrip(&wf);
        wf.run().unwrap();
    }
    assert!(wf.is_completed());
    assert_eq!(wf.data()["verdicts"], json!(["ok d1", "ok d2", "ok d3"]));
}

#[test]
fn sequential_user_task_offers_one_instance_at_a_time() {
    let specs = load(&["mi_user_sequential.bpmn"]);
    let wf = run_all(&specs, "Process_MiUserSeq", json!({}), |wf, t| {
        assert_eq!(wf.ready_human_tasks().len(), 1);
        let n = wf.task(t).unwrap().data["loopCounter"].as_u64().unwrap();
        json!({"verdict": n * 100})
    });
    assert_eq!(wf.data()["verdicts"], json!([0, 100, 200]));
}

#[test]
fn errors_name_the_task() {
    let specs = load(&["mi_errors.bpmn"]);
    for (data, wanted) in [
        (json!({}), "the input collection `items` is not in the data"),
        (
            json!({"items": 5}),
            "`items` is a number, not a list or a map",
        ),
        (
            json!({"items": [1], "item": 0}),
            "the item variable `item` would overwrite the existing `item`",
        ),
    ] {
        let mut wf = specs.start("Process_MiErrors", obj(data)).unwrap();
        let err = wf.run().unwrap_err();
        assert_eq!(err.element, "Task_Each");
        assert!(err.message.contains(wanted), "{}", err.message);
        assert!(err.message.contains("Task_Each"), "{}", err.message);
    }
}

#[test]
fn an_instance_that_sets_no_output_fails_and_can_be_retried() {
    let specs = load(&["mi_missing_output.bpmn"]);
    let mut wf = specs
        .start("Process_MiMissingOutput", obj(json!({"items": [1, 2, 3]})))
        .unwrap();
    let err = wf.run().unwrap_err();
    assert!(
        err.message
            .contains("did not set its outputDataItem `result`"),
        "{err}"
    );
    let failed = err.task.unwrap();
    assert_eq!(wf.task(failed).unwrap().state, TaskState::Error);
    // Fix the cause (the item) and retry that instance only.
    wf.reset(failed, obj(json!({"item": 20}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["results"], json!([1, 20, 3]));
}

#[test]
fn reset_into_one_instance_redoes_that_instance_only() {
    let specs = load(&["mi_user.bpmn"]);
    let mut wf = specs
        .start("Process_MiUser", obj(json!({"docs": ["a", "b", "c"]})))
        .unwrap();
    wf.run().unwrap();
    while let Some(t) = wf.ready_human_tasks().first().map(|t| t.id) {
        let doc = wf.task(t).unwrap().data["doc"].clone();
        wf.complete_task(t, obj(json!({"verdict": doc}))).unwrap();
        wf.run().unwrap();
    }
    assert!(wf.is_completed());
    assert_eq!(wf.data()["verdicts"], json!(["a", "b", "c"]));
    let second = wf
        .tasks()
        .find(|t| t.bpmn_id == "Task_Review" && t.data.get("doc") == Some(&json!("b")))
        .unwrap()
        .id;
    wf.reset(second, bpmn_engine::Data::new()).unwrap();
    wf = roundtrip(&wf);
    wf.run().unwrap();
    assert!(!wf.is_completed());
    let ready = wf.ready_human_tasks();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0].data["doc"], json!("b"));
    let t = ready[0].id;
    wf.complete_task(t, obj(json!({"verdict": "B"}))).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["verdicts"], json!(["a", "B", "c"]));
}

#[test]
fn standard_loop_repeats_while_the_condition_holds() {
    let specs = load(&["loop_condition.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_LoopCondition",
        json!({"count": 0, "seen": []}),
        no_answer,
    );
    assert_eq!(wf.data()["count"], json!(5));
    assert_eq!(wf.data()["seen"], json!([0, 1, 2, 3, 4]));
    assert!(wf.data().get("loopCounter").is_none());
    // Without testBefore the body runs at least once.
    let wf = run_all(
        &specs,
        "Process_LoopCondition",
        json!({"count": 9, "seen": []}),
        no_answer,
    );
    assert_eq!(wf.data()["count"], json!(10));
}

#[test]
fn standard_loop_maximum_and_test_before() {
    let specs = load(&["loop_maximum.bpmn", "loop_test_before.bpmn"]);
    let wf = run_all(
        &specs,
        "Process_LoopMaximum",
        json!({"count": 0}),
        no_answer,
    );
    assert_eq!(wf.data()["count"], json!(3));
    let wf = run_all(
        &specs,
        "Process_LoopTestBefore",
        json!({"count": 9}),
        no_answer,
    );
    assert_eq!(wf.data()["count"], json!(9));
    let wf = run_all(
        &specs,
        "Process_LoopTestBefore",
        json!({"count": 2}),
        no_answer,
    );
    assert_eq!(wf.data()["count"], json!(5));
}

#[test]
fn standard_loop_of_a_user_task() {
    let specs = load(&["loop_user.bpmn"]);
    let wf = run_all(&specs, "Process_LoopUser", json!({}), |wf, t| {
        let n = wf.task(t).unwrap().data["loopCounter"].as_u64().unwrap();
        json!({"done": n == 2, "answer": n})
    });
    assert_eq!(wf.data()["answer"], json!(2));
}

#[test]
fn ten_thousand_instances_parallel_and_sequential() {
    let items: Vec<u32> = (0..10_000).collect();
    let specs = load(&["mi_parallel.bpmn", "mi_sequential.bpmn"]);
    let mut wf = specs
        .start("Process_MiParallel", obj(json!({"items": items})))
        .unwrap();
    wf.run().unwrap();
    let results = wf.data()["results"].as_array().unwrap();
    assert_eq!(results.len(), 10_000);
    assert_eq!(results[9_999], json!(19_998));
    let back = roundtrip(&wf);
    assert_eq!(back.data(), wf.data());
    let mut wf = specs
        .start(
            "Process_MiSequential",
            obj(json!({"items": items, "log": []})),
        )
        .unwrap();
    wf.run().unwrap();
    assert_eq!(wf.data()["results"].as_array().unwrap().len(), 10_000);
}

#[test]
fn cli_runs_a_multi_instance_diagram() {
    let out = assert_cmd::Command::cargo_bin("bpmn")
        .unwrap()
        .args(["run", "--json", "-b"])
        .arg(fixture("mi_parallel.bpmn"))
        .args([
            "-p",
            "Process_MiParallel",
            "--data",
            r#"{"items": [1, 2, 3]}"#,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["results"], json!([2, 4, 6]));
}
