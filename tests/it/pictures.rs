//! Pictures of real runs: the project's tutorial in `bpmn/` and the
//! spiff-example-cli tutorial runs (`support::tutorial_cases`, when the
//! corpus is next to the crate) are drawn after every step, and each
//! picture must tell the truth: every flow node a token reached is drawn
//! with the state of its tasks (never as "never reached"), every flow
//! node no token reached is drawn grey, and the SVG is well-formed.

use crate::support::{self, Case};

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use bpmn_engine::picture::InstancePicture;
use bpmn_engine::{TaskState, Workflow};
use serde_json::json;

/// Element id → the classes of its `<g>` in `svg`.
fn classes(svg: &str) -> HashMap<String, String> {
    support::svg_groups(svg)
        .into_iter()
        .map(|(id, (class, _))| (id, class))
        .collect()
}

/// The state class a node with tasks in `states` must show.
fn expected_class(states: &[TaskState]) -> &'static str {
    let order = [
        (TaskState::Error, "state-error"),
        (TaskState::Ready, "state-ready"),
        (TaskState::Started, "state-started"),
        (TaskState::Waiting, "state-waiting"),
        (TaskState::Completed, "state-completed"),
        (TaskState::Cancelled, "state-cancelled"),
    ];
    order
        .iter()
        .find(|(s, _)| states.contains(s))
        .map(|(_, c)| *c)
        .expect("a node with tasks")
}

/// Checks the picture of `wf` against its tasks; returns the problems.
fn check_picture(wf: &Workflow, at: &str) -> Vec<String> {
    let picture = InstancePicture::of(wf);
    let svg = picture.svg();
    let drawn = classes(&svg);
    let mut reached: BTreeMap<String, Vec<TaskState>> = BTreeMap::new();
    for t in wf.tasks() {
        reached
            .entry(t.bpmn_id.to_string())
            .or_default()
            .push(t.state);
    }
    let mut problems = Vec::new();
    for (id, states) in &reached {
        let want = expected_class(states);
        match drawn.get(id) {
            // A task of a called process whose file has no diagram of it
            // would be missing; every corpus file has one.
            None => problems.push(format!("{at}: {id} reached but not drawn")),
            Some(c) if !c.split_whitespace().any(|w| w == want) => {
                problems.push(format!("{at}: {id} is `{c}`, want {want}"))
            }
            Some(_) => {}
        }
    }
    for d in &picture.diagrams {
        for s in &d.shapes {
            let Some(c) = drawn.get(&s.element) else {
                continue;
            };
            if c.split_whitespace().any(|w| w == "node") && !reached.contains_key(&s.element) {
                // Ids repeat across files (StartEvent_1…): only a node no
                // file's instance reached must be grey.
                let same_id_reached = picture.overlay.nodes.keys().any(|k| k.id == s.element);
                if !same_id_reached && !c.contains("state-none") {
                    problems.push(format!("{at}: {} not reached but `{c}`", s.element));
                }
            }
        }
    }
    problems
}

/// Runs `case` one step at a time, checking the picture after each.
fn check_case(case: &Case) -> Vec<String> {
    let (mut wf, _) = match support::start(case) {
        Ok(x) => x,
        Err(e) => return vec![format!("{}: {e}", case.name)],
    };
    let mut problems = check_picture(&wf, &format!("{} at the start", case.name));
    let mut next = 0;
    for step in 1..10_000 {
        let (n, error, paused) = support::drive(&mut wf, &case.answers, next, Some(1));
        next = n;
        problems.extend(check_picture(&wf, &format!("{} step {step}", case.name)));
        if error.is_some() || !paused {
            break;
        }
    }
    problems
}

fn example(name: &str, files: &[&str], process: &str, data: serde_json::Value) -> Case {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let answers: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("bpmn/answers/{name}.json"))).unwrap(),
    )
    .unwrap();
    let path = |f: &str| root.join(f).display().to_string();
    serde_json::from_value(json!({
        "name": name,
        "files": files.iter().map(|f| path(&format!("bpmn/{f}"))).collect::<Vec<_>>(),
        "dmn": [path("dmn/product_prices.dmn"), path("dmn/shipping_costs.dmn")],
        "process": process,
        "data": data,
        "answers": answers,
        "expect": {"status": "completed"}
    }))
    .unwrap()
}

#[test]
fn every_step_of_the_project_tutorial_is_drawn_truthfully() {
    let cases = [
        example(
            "task_types",
            &["task_types.bpmn"],
            "order_product_task_types",
            json!({}),
        ),
        example(
            "gateway_types",
            &["gateway_types.bpmn"],
            "order_product_gateways",
            json!({}),
        ),
        example(
            "top_level",
            &["top_level.bpmn", "call_activity.bpmn"],
            "order_product",
            json!({}),
        ),
        example(
            "call_activity",
            &["call_activity.bpmn"],
            "customize_product",
            json!({"product_name": "t_shirt", "product_quantity": 2}),
        ),
    ];
    let problems: Vec<String> = cases.iter().flat_map(check_case).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_step_of_the_spiff_tutorial_runs_is_drawn_truthfully() {
    let cases = support::tutorial_cases();
    if cases.is_empty() {
        return; // skipped with a message by support::spiff_corpus
    }
    let problems: Vec<String> = cases.iter().flat_map(check_case).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `bpmn show` on every diagram of the spiff tutorial (with the files its
/// call activities call): each executable process started and run until
/// it stops — at a user task, a wait, or an error (a service task without
/// a handler) — draws truthfully.
#[test]
fn every_spiff_tutorial_diagram_is_drawn_truthfully() {
    let Some(dir) = support::spiff_corpus() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    files.sort();
    let dmn = [
        dir.join("product_prices.dmn"),
        dir.join("shipping_costs.dmn"),
    ];
    let options = bpmn_engine::parser::LoadOptions {
        dialect: Some(bpmn_engine::model::Dialect::Python),
    };
    let mut problems = Vec::new();
    let mut drawn = 0;
    let mut not_started = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        // The called process lives in call_activity.bpmn (or its variants).
        let mut load = vec![file.clone()];
        let text = std::fs::read_to_string(file).unwrap();
        if text.contains("callActivity") {
            for callee in ["call_activity.bpmn", "call_activity_multi.bpmn"] {
                let c = dir.join(callee);
                if c != *file && !name.contains("script") && !name.contains("service") {
                    load.push(c);
                    break;
                }
            }
            if name.contains("script") {
                load.push(dir.join("call_activity_script.bpmn"));
            } else if name.contains("service") {
                load.push(dir.join("call_activity_service_task.bpmn"));
            }
        }
        load.dedup();
        let specs = bpmn_engine::Specs::load_all(&load, &dmn, &options);
        let processes: Vec<String> = specs
            .model()
            .processes
            .iter()
            .filter(|p| p.executable && p.file == 0)
            .map(|p| p.id.clone())
            .collect();
        for p in processes {
            let mut wf = match specs.start(&p, serde_json::Map::new()) {
                Ok(wf) => wf,
                Err(e) => {
                    not_started.push(format!("{name} {p}: {e}"));
                    continue;
                }
            };
            let _ = wf.run();
            problems.extend(check_picture(&wf, &format!("{name} {p}")));
            drawn += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Refused at load, by design (`spiff_example_corpus.rs`): host
    // functions the tutorial's Python injects (in the file or in the
    // process it calls), and `from os import …`.
    // Nothing runs, so there is no instance to draw.
    let refused: Vec<&str> = not_started
        .iter()
        .map(|m| m.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        refused,
        [
            "call_activity_script.bpmn",
            "call_activity_service_task.bpmn",
            "dangerous.bpmn",
            "top_level_script.bpmn",
            "top_level_service_task.bpmn"
        ],
        "{}",
        not_started.join("\n")
    );
    assert!(
        drawn >= files.len() - refused.len(),
        "{drawn} instances drawn"
    );
}
