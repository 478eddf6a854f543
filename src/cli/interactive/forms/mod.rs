//! What a human task asks: a JSON-Schema form (spiffworkflow
//! `formJsonSchemaFilename`), a camunda `formData` form, or free
//! `name = value` pairs; a manual task only waits for Enter.
//!
//! Form files are looked up in each `--forms DIR`, then next to the BPMN
//! file that holds the task, then in a `forms/` folder beside it. A form
//! that cannot be found or read is reported and the task falls back to free
//! pairs, so the run can go on. spiffworkflow `variableName` puts the form's
//! answers under that one variable instead of at the top level.
//!
//! Answers from an answers file (`--answers`) are checked against the same
//! forms ([`check_answers`]), so a scripted run cannot store what the
//! interactive form would have refused.

pub mod camunda;
pub mod free_pairs;
pub mod json_schema;

use std::path::{Path, PathBuf};

use bpmn_engine::model::{HumanKind, NodeKind};
use bpmn_engine::{Data, TaskId, Workflow};
use serde_json::Value;

use super::prompter::{PromptResult, Prompter};

/// Where a form file is looked for, in order.
pub fn candidates(name: &str, bpmn_file: Option<&Path>, dirs: &[PathBuf]) -> Vec<PathBuf> {
    let n = Path::new(name);
    if n.is_absolute() {
        return vec![n.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = dirs.iter().map(|d| d.join(n)).collect();
    if let Some(dir) = bpmn_file.and_then(Path::parent) {
        out.push(dir.join(n));
        out.push(dir.join("forms").join(n));
    }
    out
}

/// Reads the JSON-Schema form `name`.
fn load_schema(name: &str, bpmn_file: Option<&Path>, dirs: &[PathBuf]) -> Result<Value, String> {
    let tried = candidates(name, bpmn_file, dirs);
    let Some(path) = tried.iter().find(|p| p.is_file()) else {
        let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "form `{name}` not found (looked in {}); give its folder with --forms DIR",
            if list.is_empty() {
                "no folder".to_string()
            } else {
                list.join(", ")
            }
        ));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the form: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not valid JSON: {e}", path.display()))
}

/// Whether task `id` only needs an acknowledgement (manual and untyped tasks).
pub fn is_manual(wf: &Workflow, id: TaskId) -> bool {
    matches!(
        wf.task_node(id).map(|n| &n.kind),
        Some(NodeKind::Human(HumanKind::ManualTask | HumanKind::Task))
    )
}

/// What a human task asks, with the variable its values go under
/// (spiffworkflow `variableName`).
struct TaskForm {
    form: Form,
    variable: Option<String>,
}

enum Form {
    /// Only an acknowledgement (manual and untyped tasks).
    Manual,
    /// A JSON-Schema form, or why it could not be loaded.
    Schema(Result<json_schema::SchemaForm, String>),
    /// camunda `formData` fields.
    Camunda(Vec<camunda::Field>),
    /// No form: free `name = value` pairs.
    Free,
}

/// The form of task `id`; `None` when there is no such task.
fn form_of(wf: &Workflow, id: TaskId, dirs: &[PathBuf]) -> Option<TaskForm> {
    let node = wf.task_node(id)?;
    if is_manual(wf, id) {
        return Some(TaskForm {
            form: Form::Manual,
            variable: None,
        });
    }
    let ext = &node.extensions;
    let variable = ext
        .element("variableName")
        .map(|e| e.text.trim().to_string())
        .filter(|v| !v.is_empty());
    let model = wf.specs().model();
    let bpmn_file = model
        .files
        .get(node.pos.file as usize)
        .map(|f| f.path.as_path());
    let form = if let Some(name) = &ext.form_schema {
        Form::Schema(load_schema(name, bpmn_file, dirs).and_then(json_schema::SchemaForm::new))
    } else if let Some(fd) = ext.element("formData") {
        Form::Camunda(camunda::fields(fd))
    } else {
        Form::Free
    };
    Some(TaskForm { form, variable })
}

/// The values the form of task `id` starts from: its data, or with
/// `variable` the object under that variable.
fn known_values(wf: &Workflow, id: TaskId, variable: Option<&str>) -> Data {
    let current = wf.task(id).map(|t| (*t.data).clone()).unwrap_or_default();
    match variable {
        Some(v) => current
            .get(v)
            .and_then(Value::as_object)
            .cloned()
            .map(Data::from)
            .unwrap_or_default(),
        None => current,
    }
}

/// Asks what the ready human task `id` needs and returns the data to set
/// in it.
pub fn ask(
    p: &mut dyn Prompter,
    wf: &Workflow,
    id: TaskId,
    dirs: &[PathBuf],
) -> PromptResult<Data> {
    let Some(TaskForm { form, variable }) = form_of(wf, id, dirs) else {
        return Ok(Data::new());
    };
    // With variableName the form's values live under that variable.
    let known = known_values(wf, id, variable.as_deref());
    let answers = match form {
        Form::Manual => {
            p.pause("Press Enter when done.")?;
            return Ok(Data::new());
        }
        Form::Schema(Ok(form)) => form.ask(p, &known)?,
        Form::Schema(Err(e)) => {
            p.warn(&e);
            free_pairs::ask(p)?
        }
        Form::Camunda(fields) => camunda::ask(p, &fields, &known)?,
        Form::Free => free_pairs::ask(p)?,
    };
    Ok(match variable {
        Some(v) => {
            let mut d = Data::new();
            d.insert(v, Value::from(answers));
            d
        }
        None => answers,
    })
}

/// Checks `answers` given for the ready human task `id` all at once (an
/// answers file) against the task's form, when it has one that loads: the
/// checks of the interactive form, with its messages (prefixed by the
/// field where the form's prompt would have named it). The values the
/// form would end with are checked: those given, and for a field not given
/// the value already in the task data (which the form offers as its
/// default). `Err` lists every problem; a task without a form, or whose
/// form cannot be found, accepts any answer as before.
pub fn check_answers(
    wf: &Workflow,
    id: TaskId,
    answers: &Data,
    dirs: &[PathBuf],
) -> Result<(), Vec<String>> {
    let Some(TaskForm { form, variable }) = form_of(wf, id, dirs) else {
        return Ok(());
    };
    let given = match &variable {
        None => answers.to_json_map(),
        Some(v) => match answers.get(v) {
            None | Some(Value::Null) => Default::default(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                return Err(vec![format!(
                    "`{v}` holds the form's values (variableName) and must be a JSON object"
                )]);
            }
        },
    };
    let known = known_values(wf, id, variable.as_deref()).to_json_map();
    let problems = match form {
        Form::Schema(Ok(form)) => form.check_answers(&given, &known),
        Form::Camunda(fields) => camunda::check_answers(&fields, &given, &known),
        Form::Manual | Form::Schema(Err(_)) | Form::Free => Vec::new(),
    };
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_dirs_come_first_then_beside_the_diagram() {
        let c = candidates(
            "f.json",
            Some(Path::new("bpmn/top.bpmn")),
            &[PathBuf::from("mine")],
        );
        assert_eq!(
            c,
            vec![
                PathBuf::from("mine/f.json"),
                PathBuf::from("bpmn/f.json"),
                PathBuf::from("bpmn/forms/f.json")
            ]
        );
    }
}
