//! What the session shows: task tables (comfy-table), data, headings and
//! messages. Colour as console decides: on a terminal session, as
//! [`super::screen::set_colour`] set it for the terminal the
//! session is drawn on; in a line-based session, only when stdout (stderr
//! for errors) is a colour terminal and `NO_COLOR` is not set.

use bpmn_engine::{Data, FutureTask, TaskView};
use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use dialoguer::console::Style;
use serde_json::Value;

use super::super::table::short_len;

/// A value on one line: strings bare, anything else as JSON.
pub fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Data as indented JSON.
pub fn pretty(d: &Data) -> String {
    serde_json::to_string_pretty(d).unwrap_or_default()
}

pub fn heading(text: &str) -> String {
    Style::new().for_stdout().bold().apply_to(text).to_string()
}

pub fn good(text: &str) -> String {
    Style::new().for_stdout().green().apply_to(text).to_string()
}

/// For errors, which go to stderr.
pub fn bad(text: &str) -> String {
    Style::new().for_stderr().red().apply_to(text).to_string()
}

pub fn dim(text: &str) -> String {
    Style::new().for_stdout().dim().apply_to(text).to_string()
}

/// One row of a session table.
#[derive(Clone)]
pub struct Row {
    pub id: Option<String>,
    pub lane: String,
    pub name: String,
    pub kind: String,
    pub bpmn_id: String,
    pub state: String,
    pub process: String,
}

impl Row {
    pub fn of(t: &TaskView<'_>) -> Row {
        Row {
            id: Some(t.id.to_string()),
            lane: t.lane.unwrap_or("").to_string(),
            name: t.name.unwrap_or("").to_string(),
            kind: t.kind.to_string(),
            bpmn_id: t.bpmn_id.to_string(),
            state: t.state.to_string(),
            process: t.process.to_string(),
        }
    }

    pub fn future(f: &FutureTask<'_>) -> Row {
        Row {
            id: None,
            lane: f.lane.unwrap_or("").to_string(),
            name: f.name.unwrap_or("").to_string(),
            kind: f.kind.to_string(),
            bpmn_id: f.bpmn_id.to_string(),
            state: "FUTURE".into(),
            process: f.process.to_string(),
        }
    }
}

/// Which columns a table has besides lane, name, type, BPMN id and state.
#[derive(Clone, Copy)]
pub struct Columns {
    /// Task ids (shortest unique prefix), for lists people pick from.
    pub id: bool,
    /// The process each task belongs to (collaborations).
    pub process: bool,
}

/// Renders rows as a table, fitted to `width` columns when given (else to
/// stdout's terminal, if it is one).
pub fn table(rows: &[Row], cols: Columns, width: Option<u16>) -> String {
    let len = short_len(rows.iter().filter_map(|r| r.id.as_deref()));
    let mut header = Vec::new();
    if cols.id {
        header.push("id");
    }
    if cols.process {
        header.push("process");
    }
    header.extend(["lane", "name", "type", "BPMN id", "state"]);
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    if let Some(w) = width {
        t.set_width(w);
    }
    for r in rows {
        let mut cells = Vec::new();
        if cols.id {
            cells.push(
                r.id.as_deref()
                    .map(|s| s[..len.min(s.len())].to_string())
                    .unwrap_or_else(|| "-".into()),
            );
        }
        if cols.process {
            cells.push(r.process.clone());
        }
        cells.extend([
            r.lane.clone(),
            r.name.clone(),
            r.kind.clone(),
            r.bpmn_id.clone(),
            r.state.clone(),
        ]);
        t.add_row(cells);
    }
    t.to_string()
}

/// How a task is named in menus: `Name (bpmn_id, type)`.
pub fn task_label(t: &TaskView<'_>, with_process: bool) -> String {
    let mut s = match t.name {
        Some(n) => format!("{n} ({}, {}", t.bpmn_id, t.kind),
        None => format!("{} ({}", t.bpmn_id, t.kind),
    };
    if let Some(l) = t.lane {
        s.push_str(&format!(", lane {l}"));
    }
    if with_process {
        s.push_str(&format!(", process {}", t.process));
    }
    s.push(')');
    s
}
