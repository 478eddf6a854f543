//! Session tests with scripted answers: the whole loop, forms, saving,
//! reset, step mode, Ctrl-C and end of input, without a terminal.

use std::path::{Path, PathBuf};

use bpmn_engine::parser::LoadOptions;
use bpmn_engine::storage::{self, Origin};
use bpmn_engine::{Specs, Workflow};
use serde_json::{Value, json};

use super::prompter::ScriptedPrompter;
use super::session::{Options, Session};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn start(files: &[&str], process: &str) -> Workflow {
    start_with(files, process, json!({}))
}

/// The decision tables the tutorial's business rule tasks call.
const DMN: [&str; 2] = ["dmn/product_prices.dmn", "dmn/shipping_costs.dmn"];

fn start_with(files: &[&str], process: &str, data: Value) -> Workflow {
    let paths: Vec<PathBuf> = files.iter().map(|f| root().join(f)).collect();
    let dmn: Vec<PathBuf> = DMN.iter().map(|f| root().join(f)).collect();
    let specs = Specs::load_all(&paths, &dmn, &LoadOptions::default());
    assert!(
        specs.problems_for(process).is_empty(),
        "{:?}",
        specs.problems_for(process)
    );
    let Value::Object(data) = data else { panic!() };
    specs.start(process, data).unwrap()
}

struct Outcome {
    code: u8,
    out: String,
    prompter: ScriptedPrompter,
    wf: Workflow,
}

fn session(wf: Workflow, process: &str, opts: Options, dir: &Path, answers: &[&str]) -> Outcome {
    let mut p = ScriptedPrompter::new(answers.iter().copied());
    let mut out: Vec<u8> = Vec::new();
    let (code, wf) = {
        let mut s =
            Session::new(wf, Origin::Process(process.into()), opts, &mut p, &mut out).save_dir(dir);
        let code = s.run().unwrap();
        (code, s.workflow().clone())
    };
    assert!(
        p.answers.is_empty(),
        "unused answers {:?}; asked {:?}",
        p.answers,
        p.asked
    );
    Outcome {
        code,
        out: String::from_utf8(out).unwrap(),
        prompter: p,
        wf,
    }
}

fn opts() -> Options {
    Options {
        step: false,
        forms: vec![root().join("tests/fixtures/forms")],
        save_path: None,
        dirty: true,
        lock: None,
        shown_as: None,
        program: "bpmn".into(),
        store: None,
        instance: None,
        after_save: None,
        roles: None,
    }
}

#[test]
fn every_kind_of_prompt_runs_the_workflow_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start_with(
        &["tests/fixtures/bpmn/interactive.bpmn"],
        "Process_Interactive",
        json!({"customer": "Ada"}),
    );
    let o = session(
        wf,
        "Process_Interactive",
        opts(),
        dir.path(),
        &[
            "", // run Task_Profile (JSON-Schema form)
            "A",
            "Ada",
            "",
            "",
            "1.7",
            "",
            "",
            "Professional",
            "Köln",
            "1234",
            "51147",
            "x1",
            "ops",
            "dev",
            "", // tags
            "", // run Task_Order (camunda form)
            "Pen",
            "0",
            "",
            "y",
            "2026-02-30",
            "2026-03-01",
            "",
            "", // run Task_Notes (free pairs)
            "note = fragile",
            "count = 2",
            "",
            "",  // run Task_Ship (manual)
            "",  // Enter
            "",  // completed: quit
            "n", // do not save
        ],
    );
    assert_eq!(o.code, 0, "{}", o.out);
    let data = o.wf.data().to_json();
    assert_eq!(
        data["profile"],
        json!({"name": "Ada", "age": 30, "height": 1.7, "newsletter": true, "color": "green",
               "plan": "pro", "address": {"city": "Köln", "zip": "51147"}, "tags": ["ops", "dev"]})
    );
    assert_eq!(data["item"], json!("Pen"));
    assert_eq!(data["amount"], json!(10));
    assert_eq!(data["express"], json!(true));
    assert_eq!(data["due"], json!("2026-03-01"));
    assert_eq!(data["currency"], json!("EUR"));
    assert_eq!(data["note"], json!("fragile"));
    assert_eq!(data["count"], json!(2));
    assert_eq!(data["total"], json!(20));
    assert!(
        o.out.contains("Hello Ada, tell us about yourself."),
        "{}",
        o.out
    );
    assert!(o.out.contains("The total is 20 EUR."), "{}", o.out);
    assert!(o.out.contains("Ship 10 x Pen to Ada in Köln."), "{}", o.out);
    assert!(o.out.contains("Workflow completed."), "{}", o.out);
    let w = o.prompter.warnings.join("\n");
    for reason in [
        "shorter than 2 characters",
        "\"1234\" does not match",
        "\"x1\" does not match",
        "Amount must be at least 1",
        "`2026-02-30` is not a date",
    ] {
        assert!(w.contains(reason), "missing {reason:?} in {w}");
    }
}

#[test]
fn end_of_input_saves_to_a_fresh_file_that_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    let o = session(
        wf,
        "order_product_task_types",
        opts(),
        dir.path(),
        &["", "Hoodie", "2"],
    );
    assert_eq!(o.code, 4);
    let saved = dir.path().join("order_product_task_types.state.json");
    assert!(o.out.contains("End of input."), "{}", o.out);
    assert!(o.out.contains("Continue with: bpmn resume"), "{}", o.out);
    let (wf, _) = storage::load(&saved).unwrap();
    let ready: Vec<&str> = wf.ready_human_tasks().iter().map(|t| t.bpmn_id).collect();
    assert_eq!(ready, ["review_order"]);
    assert_eq!(wf.last_task_data()["order_total"], json!(84));
}

#[test]
fn ctrl_c_in_a_form_keeps_the_task_and_saves_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    let target = dir.path().join("mine.ron");
    let o = session(
        wf,
        "order_product_task_types",
        opts(),
        dir.path(),
        &["", "^C", target.to_str().unwrap()],
    );
    assert_eq!(o.code, 4);
    assert!(o.out.contains("Interrupted."), "{}", o.out);
    let (wf, _) = storage::load(&target).unwrap();
    let ready: Vec<&str> = wf.ready_human_tasks().iter().map(|t| t.bpmn_id).collect();
    assert_eq!(ready, ["select_product_and_quantity"]);
}

#[test]
fn save_reset_and_redo_then_save_again_to_the_remembered_file() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    let file = dir.path().join("order.json");
    let f = file.to_str().unwrap();
    let o = session(
        wf,
        "order_product_task_types",
        opts(),
        dir.path(),
        &[
            "",
            "Hoodie",
            "2", // first answer
            "Save state",
            f, // save, remembered
            "Reset to a past task",
            "select_product_and_quantity",
            "y", // sure
            "",
            "Mug",
            "1", // answer again
            "",
            "", // manual task
            "", // quit
            "y",
            "", // save, to the remembered file
        ],
    );
    assert_eq!(o.code, 0, "{}", o.out);
    assert!(
        o.out.contains("Reset to Select product and quantity"),
        "{}",
        o.out
    );
    let (wf, _) = storage::load(&file).unwrap();
    assert!(wf.is_completed());
    assert_eq!(wf.data()["product_name"], json!("mug"));
    assert_eq!(wf.data()["order_total"], json!(12.5));
}

#[test]
fn step_mode_waits_at_engine_tasks_and_shows_the_last_data() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    let o = session(
        wf,
        "order_product_task_types",
        Options {
            step: true,
            ..opts()
        },
        dir.path(),
        &[
            "", // step: start event
            "", // run the user task
            "Hoodie", "2", "", // look up price
            "", // calculate total
            "", // run manual task
            "", // Enter
            "", // end event
            "", // completed: quit
            "n",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.out);
    assert!(o.out.contains("Ran Look up product price"), "{}", o.out);
    assert!(o.out.contains("\"product_price\": 42"), "{}", o.out);
    assert!(o.out.contains("Data of the last task:"), "{}", o.out);
    assert!(o.out.contains("scriptTask"), "{}", o.out);
}

#[test]
fn a_missing_form_file_falls_back_to_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(
        &["tests/fixtures/bpmn/interactive.bpmn"],
        "Process_Interactive",
    );
    let o = session(
        wf,
        "Process_Interactive",
        Options {
            forms: vec![],
            ..opts()
        },
        dir.path(),
        &["", "name = Bo", "", "Quit", "n"],
    );
    assert_eq!(o.code, 4);
    assert!(o.prompter.warnings[0].contains("form `profile.json` not found"));
    let d = o.wf.last_task_data().to_json();
    assert_eq!(d["profile"], json!({"name": "Bo"}));
}

#[test]
fn a_failing_script_is_shown_and_quitting_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(
        &["tests/fixtures/bpmn/script_error.bpmn"],
        "Process_ScriptError",
    );
    let o = session(
        wf,
        "Process_ScriptError",
        opts(),
        dir.path(),
        &["Quit", "n"],
    );
    assert_eq!(o.code, 3);
    assert!(o.out.contains("Task_Broken"), "{}", o.out);
    assert!(o.out.contains("ERROR"), "{}", o.out);
    assert!(
        o.out.contains("did not finish and its state was not saved"),
        "{}",
        o.out
    );
}

#[test]
fn a_resumed_session_that_changes_nothing_does_not_save() {
    let dir = tempfile::tempdir().unwrap();
    let mut wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    wf.run().unwrap();
    let file = dir.path().join("s.json");
    let o = session(
        wf,
        "order_product_task_types",
        Options {
            save_path: Some(file.clone()),
            dirty: false,
            ..opts()
        },
        dir.path(),
        &[],
    );
    assert_eq!(o.code, 4);
    assert!(o.out.contains("Nothing changed"), "{}", o.out);
    assert!(!file.exists());
}

#[test]
fn save_state_to_a_file_another_bpmn_holds_is_refused_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    let busy = dir.path().join("busy.json");
    let free = dir.path().join("free.json");
    let held = storage::StateLock::try_acquire(&busy).unwrap();
    let o = session(
        wf,
        "order_product_task_types",
        opts(),
        dir.path(),
        &[
            "Save state",
            busy.to_str().unwrap(), // refused: in use
            free.to_str().unwrap(), // saved, and now held by the session
            "Quit",
        ],
    );
    assert_eq!(o.code, 4, "{}", o.out);
    assert!(!busy.exists(), "nothing written to the busy file");
    assert!(storage::load(&free).is_ok());
    // The session is over: its lock went with it.
    drop(held);
    assert!(storage::StateLock::try_acquire(&free).is_ok());
}

#[test]
fn a_file_changed_by_another_program_is_left_alone_at_end_of_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("order.json");
    std::fs::write(&file, "the session's").unwrap();
    let wf = start(&["bpmn/task_types.bpmn"], "order_product_task_types");
    // The session starts with the file as it is, then another program
    // replaces it before the session saves.
    let mut p = ScriptedPrompter::new(["", "Hoodie", "2"]);
    let mut out: Vec<u8> = Vec::new();
    let mut s = Session::new(
        wf,
        Origin::Process("order_product_task_types".into()),
        Options {
            save_path: Some(file.clone()),
            ..opts()
        },
        &mut p,
        &mut out,
    )
    .save_dir(dir.path());
    std::fs::write(&file, "another program's").unwrap();
    assert_eq!(s.run().unwrap(), 4);
    drop(s);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("order.json was changed by another program since this session loaded or saved it; it is left as it is."),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "another program's");
    let fresh = dir.path().join("order_product_task_types.state.json");
    assert!(
        out.contains(&format!("Saved to {}.", fresh.display())),
        "{out}"
    );
    assert!(storage::load(&fresh).is_ok());
}

#[test]
fn save_state_overwrites_a_file_it_did_not_write_only_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.json");
    std::fs::write(&other, "keep me").unwrap();
    let o = session(
        start(&["bpmn/task_types.bpmn"], "order_product_task_types"),
        "order_product_task_types",
        opts(),
        dir.path(),
        &[
            "Save state",
            other.to_str().unwrap(),
            "Cancel",
            "Save state",
            other.to_str().unwrap(),
            "Overwrite it",
            // Saved: the file is the session's now, and saving again asks nothing.
            "Save state",
            "",
            "Quit",
        ],
    );
    assert_eq!(o.code, 4, "{}", o.out);
    assert!(o.out.contains("Nothing was saved."), "{}", o.out);
    assert!(storage::load(&other).is_ok());
    let asked = o.prompter.asked.join("\n");
    assert_eq!(
        asked
            .matches("exists and this session did not write it")
            .count(),
        2,
        "{asked}"
    );
}

#[test]
fn esc_in_a_form_answers_nothing_and_ctrl_d_at_the_menu_saves_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("left.json");
    let o = session(
        start(&["bpmn/task_types.bpmn"], "order_product_task_types"),
        "order_product_task_types",
        opts(),
        dir.path(),
        &["", "Hoodie", "Esc", "Esc", "^D", target.to_str().unwrap()],
    );
    assert_eq!(o.code, 4, "{}", o.out);
    assert!(
        o.out
            .contains("Back to the menu: Select product and quantity was not answered."),
        "{}",
        o.out
    );
    assert!(o.out.contains("End of input."), "{}", o.out);
    let (wf, _) = storage::load(&target).unwrap();
    let ready: Vec<&str> = wf.ready_human_tasks().iter().map(|t| t.bpmn_id).collect();
    assert_eq!(ready, ["select_product_and_quantity"]);
    assert!(wf.last_task_data().get("product_name").is_none());
}

#[test]
fn filtering_lists_the_tasks_of_a_state_a_lane_and_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let o = session(
        start(&["tests/fixtures/bpmn/session.bpmn"], "Process_Session"),
        "Process_Session",
        opts(),
        dir.path(),
        &[
            "Filter tasks",
            "FUTURE",
            "Staff",
            "the", // "Check the parcel", "Print the label"
            "Filter tasks",
            "",
            "",
            "nothing like it",
            "Quit",
            "n",
        ],
    );
    assert_eq!(o.code, 4, "{}", o.out);
    assert!(o.out.contains("2 of 6 tasks match."), "{}", o.out);
    assert!(o.out.contains("Check the parcel"), "{}", o.out);
    assert!(o.out.contains("No task matches."), "{}", o.out);
    assert_eq!(
        o.prompter.asked[1..4],
        ["State", "Lane", "Name contains (empty for any)"]
    );
}
