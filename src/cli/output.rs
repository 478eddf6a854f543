//! How a run's outcome is printed: one JSON object (`--json`) or text.

use bpmn_engine::Workflow;
use serde_json::{Value, json};

/// The `--json` object: completed, data, ready, waiting (and error, when the
/// run stopped on a workflow error).
pub fn summary_json(wf: &Workflow, error: Option<&str>) -> Value {
    let data = if wf.is_completed() {
        wf.data().clone()
    } else {
        (*wf.last_task_data()).clone()
    };
    let mut v = json!({
        "completed": wf.is_completed(),
        "data": data,
        "ready": wf.ready_human_tasks().iter().map(|t| t.bpmn_id).collect::<Vec<_>>(),
        "waiting": waiting_ids(wf),
    });
    // Only when there are some, so the usual object keeps its four keys.
    let started: Vec<&str> = wf.started_tasks().iter().map(|t| t.bpmn_id).collect();
    if !started.is_empty() {
        v["started"] = json!(started);
    }
    if let Some(e) = error {
        v["error"] = Value::String(e.to_string());
    }
    v
}

/// BPMN ids of WAITING tasks, then of start events that wait to create an
/// instance (a process or participant that starts on a message…).
fn waiting_ids(wf: &Workflow) -> Vec<String> {
    let mut ids: Vec<String> = wf
        .waiting_tasks()
        .iter()
        .map(|t| t.bpmn_id.to_string())
        .collect();
    for e in wf.waiting_events() {
        if e.starts_instance && !ids.contains(&e.bpmn_id) {
            ids.push(e.bpmn_id);
        }
    }
    ids
}

/// A short text report of where the workflow stands.
pub fn summary_text(wf: &Workflow) -> String {
    let mut out = String::new();
    if wf.is_completed() {
        out.push_str("Workflow completed.\nData:\n");
        out.push_str(&pretty(&wf.data().to_json()));
    } else {
        let ready = wf.ready_human_tasks();
        if ready.is_empty() {
            out.push_str("Workflow not completed; no task is ready.\n");
        } else {
            out.push_str("Waiting for input:\n");
            for t in &ready {
                out.push_str(&format!(
                    "  {}  {} ({}){}\n",
                    t.bpmn_id,
                    t.name.unwrap_or(""),
                    t.kind,
                    t.lane.map(|l| format!(" [lane {l}]")).unwrap_or_default()
                ));
            }
        }
        let started = wf.started_tasks();
        if !started.is_empty() {
            out.push_str("Started, waiting for outside (finish with bpmn complete):\n");
            for t in &started {
                out.push_str(&format!(
                    "  {}  {} (task {})\n",
                    t.bpmn_id,
                    t.name.unwrap_or(""),
                    t.id
                ));
            }
        }
        for e in wf.waiting_events() {
            let what = match &e.name {
                Some(n) => format!("{} `{n}`", e.kind),
                None => e.kind.to_string(),
            };
            let due = e.due.map(|d| format!(", due {d}")).unwrap_or_default();
            out.push_str(&format!("  waiting: {} for {what}{due}\n", e.bpmn_id));
        }
        for t in wf.waiting_tasks() {
            if t.kind.is_gateway() {
                out.push_str(&format!("  waiting: {} ({})\n", t.bpmn_id, t.kind));
            }
        }
        out.push_str("Data of the last task:\n");
        out.push_str(&pretty(&wf.last_task_data().to_json()));
    }
    out
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    s.push('\n');
    s
}
