//! How a run's outcome is printed: one JSON object (`--json`) or text.

use bpmn_engine::{TaskView, Workflow};
use serde_json::{Value, json};

use super::roles::Roles;

/// The ready human tasks, split into those `roles` lets the user do and
/// those of other lanes (all are the user's without roles).
pub fn split_ready<'w>(
    wf: &'w Workflow,
    roles: Option<&Roles>,
) -> (Vec<TaskView<'w>>, Vec<TaskView<'w>>) {
    wf.ready_human_tasks()
        .into_iter()
        .partition(|t| roles.is_none_or(|r| r.may_do(t.lane)))
}

/// The `--json` object: completed, data, ready, waiting (and error, when the
/// run stopped on a workflow error; with `--as`, `others`: the ready tasks
/// of other lanes, as `{"task", "lane"}`, which `ready` leaves out).
pub fn summary_json(wf: &Workflow, error: Option<&str>, roles: Option<&Roles>) -> Value {
    let (mine, others) = split_ready(wf, roles);
    let data = if wf.is_completed() {
        wf.data().clone()
    } else {
        (*wf.last_task_data()).clone()
    };
    let mut v = json!({
        "completed": wf.is_completed(),
        "data": data,
        "ready": mine.iter().map(|t| t.bpmn_id).collect::<Vec<_>>(),
        "waiting": waiting_ids(wf),
    });
    if roles.is_some() {
        v["others"] = others
            .iter()
            .map(|t| json!({"task": t.bpmn_id, "lane": t.lane}))
            .collect();
    }
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

/// A short text report of where the workflow stands; with `roles`, the
/// ready tasks of other lanes are listed as waiting for someone else.
pub fn summary_text(wf: &Workflow, roles: Option<&Roles>) -> String {
    let mut out = String::new();
    if wf.is_completed() {
        out.push_str("Workflow completed.\nData:\n");
        out.push_str(&pretty(&wf.data().to_json()));
    } else {
        let (ready, others) = split_ready(wf, roles);
        if ready.is_empty() && !others.is_empty() {
            let user = roles.map(|r| r.user.as_str()).unwrap_or_default();
            out.push_str(&format!(
                "Workflow not completed; no task is ready for {user}.\n"
            ));
        } else if ready.is_empty() {
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
        for t in &others {
            let line = Roles::waiting_line(t.lane.unwrap_or_default(), t.name, t.bpmn_id);
            out.push_str(&format!("  {line}\n"));
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
