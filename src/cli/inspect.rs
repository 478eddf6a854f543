//! `bpmn tasks` and `bpmn data`: look into a saved instance.

use bpmn_engine::storage;
use bpmn_engine::{TaskState, Workflow};
use serde_json::{Value, json};

use super::CliError;
use super::args::{DataArgs, StateFilter, TasksArgs};
use super::exit::COMPLETED;
use super::table::{self, Row};

/// Reads an instance for a read-only command: a state file, or an
/// instance id in the store (no lock taken, nothing written).
pub fn load_state(path: &std::path::Path) -> Result<(Workflow, storage::Origin), CliError> {
    let opened = super::target::open(path, false, false, &Default::default())?;
    Ok((opened.wf, opened.origin))
}

fn wanted(filter: StateFilter, s: TaskState) -> bool {
    match filter {
        StateFilter::All => true,
        StateFilter::Future => false,
        StateFilter::Ready => s == TaskState::Ready,
        StateFilter::Waiting => s == TaskState::Waiting,
        StateFilter::Started => s == TaskState::Started,
        StateFilter::Completed => s == TaskState::Completed,
        StateFilter::Cancelled => s == TaskState::Cancelled,
        StateFilter::Error => s == TaskState::Error,
    }
}

/// Rows for the tasks `filter` selects (future tasks are predicted).
pub fn rows(wf: &Workflow, filter: StateFilter) -> Vec<Row> {
    let mut rows: Vec<Row> = wf
        .tasks()
        .filter(|t| wanted(filter, t.state))
        .map(|t| Row {
            id: Some(t.id.to_string()),
            bpmn_id: t.bpmn_id.to_string(),
            name: t.name.unwrap_or("").to_string(),
            kind: t.kind.to_string(),
            lane: t.lane.unwrap_or("").to_string(),
            state: t.state.to_string(),
        })
        .collect();
    if matches!(filter, StateFilter::Future | StateFilter::All) {
        rows.extend(wf.future_tasks().into_iter().map(|f| Row {
            id: None,
            bpmn_id: f.bpmn_id.to_string(),
            name: f.name.unwrap_or("").to_string(),
            kind: f.kind.to_string(),
            lane: f.lane.unwrap_or("").to_string(),
            state: "FUTURE".into(),
        }));
    }
    rows
}

pub fn tasks(args: TasksArgs) -> Result<u8, CliError> {
    let (wf, _) = load_state(&args.file)?;
    let rows = rows(&wf, args.state);
    if args.json {
        let v: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "id": r.id, "bpmn_id": r.bpmn_id, "name": r.name, "type": r.kind,
                    "lane": r.lane, "state": r.state,
                })
            })
            .collect();
        outln!("{}", Value::Array(v));
    } else if rows.is_empty() {
        outln!("No tasks.");
    } else {
        outln!("{}", table::render(&rows));
    }
    Ok(COMPLETED)
}

pub fn data(args: DataArgs) -> Result<u8, CliError> {
    let (wf, _) = load_state(&args.file)?;
    let data = match &args.task {
        Some(r) => {
            let id = wf
                .resolve_task(r)
                .map_err(|e| CliError::usage(e.to_string()))?;
            wf.task(id).map(|t| (*t.data).clone()).unwrap_or_default()
        }
        None if wf.is_completed() => wf.data().clone(),
        None => {
            errln!(
                "note: the workflow has not completed; this is the data of the most recently completed task"
            );
            (*wf.last_task_data()).clone()
        }
    };
    let mut data = data;
    let objects = wf.data_objects();
    if args.task.is_none() && !objects.is_empty() {
        // Data objects live outside task data; show them under their own key
        // (by object id; the innermost scope instance wins).
        let mut m = serde_json::Map::new();
        for (_, id, v) in objects {
            m.insert(id, v);
        }
        data.insert("data_objects", Value::Object(m));
    }
    let v = Value::from(data);
    if args.json {
        outln!("{v}");
    } else {
        outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    }
    Ok(COMPLETED)
}
