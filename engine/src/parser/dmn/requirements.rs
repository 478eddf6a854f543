//! Decision requirements across all loaded files: every required decision
//! must exist, ids must be unique within a model's namespace (two imported
//! models may reuse an id), and requirements must not form a cycle.
//! The result is, for each decision, the order to evaluate what it needs.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourcePos;
use crate::model::dmn::{DmnModel, Requirement};

/// The namespace of the file at `file` (empty when it names none).
pub(crate) fn namespace_of(model: &DmnModel, file: u32) -> &str {
    model
        .definitions
        .get(file as usize)
        .map_or("", |d| d.namespace.as_str())
}

/// Decisions by (namespace, id); the first of duplicates wins.
pub(crate) fn decision_index(model: &DmnModel) -> HashMap<(&str, &str), usize> {
    let mut index = HashMap::new();
    for (i, d) in model.decisions.iter().enumerate() {
        index
            .entry((namespace_of(model, d.pos.file), d.id.as_str()))
            .or_insert(i);
    }
    index
}

/// The decision `r` (written in file `file`) refers to.
pub(crate) fn lookup(
    model: &DmnModel,
    index: &HashMap<(&str, &str), usize>,
    file: u32,
    r: &Requirement,
) -> Option<usize> {
    let ns = r
        .namespace
        .as_deref()
        .unwrap_or_else(|| namespace_of(model, file));
    index.get(&(ns, r.id.as_str())).copied()
}

fn error(
    model: &DmnModel,
    pos: SourcePos,
    decision: &str,
    element: &str,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: model
            .files
            .get(pos.file as usize)
            .map(|f| f.path.clone())
            .unwrap_or_default(),
        line: pos.line,
        col: pos.col,
        element: Some(element.to_string()),
        process: Some(decision.to_string()),
        message,
        help: Some(help.to_string()),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Active,
    Done,
    Broken,
}

/// Checks requirements and returns each decision's evaluation order (see
/// [`super::LoadedDmn::requirements`]).
pub(crate) fn resolve(model: &DmnModel, out: &mut Vec<Diagnostic>) -> Vec<Option<Vec<usize>>> {
    let index = decision_index(model);
    for (i, d) in model.decisions.iter().enumerate() {
        let first = index[&(namespace_of(model, d.pos.file), d.id.as_str())];
        if first != i {
            let other = &model.decisions[first];
            let at = other.pos.display(&model.files).to_string();
            out.push(error(
                model,
                d.pos,
                &d.id,
                &d.id,
                format!("duplicate decision id (also defined at {at})"),
                "give each decision of a model a unique id",
            ));
        }
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); model.decisions.len()];
    let mut missing = vec![false; model.decisions.len()];
    for (i, d) in model.decisions.iter().enumerate() {
        for r in &d.requires {
            match lookup(model, &index, d.pos.file, r) {
                Some(j) => edges[i].push(j),
                None => {
                    missing[i] = true;
                    out.push(error(
                        model,
                        r.pos,
                        &d.id,
                        &d.id,
                        format!(
                            "required decision `{}` is not defined in the loaded files",
                            r.id
                        ),
                        "load the DMN file that defines it too, or fix the href",
                    ));
                }
            }
        }
    }
    let mut marks = vec![Mark::New; model.decisions.len()];
    let mut stack = Vec::new();
    for i in 0..model.decisions.len() {
        visit(model, i, &edges, &missing, &mut marks, &mut stack, out);
    }
    (0..model.decisions.len())
        .map(|i| {
            if marks[i] == Mark::Broken {
                return None;
            }
            let mut order = Vec::new();
            let mut seen = vec![false; model.decisions.len()];
            post_order(i, &edges, &mut seen, &mut order);
            order.pop(); // the decision itself comes last
            Some(order)
        })
        .collect()
}

fn post_order(i: usize, edges: &[Vec<usize>], seen: &mut [bool], order: &mut Vec<usize>) {
    if seen[i] {
        return;
    }
    seen[i] = true;
    for &j in &edges[i] {
        post_order(j, edges, seen, order);
    }
    order.push(i);
}

/// Depth-first search that marks decisions in or above a cycle, or above a
/// missing requirement, as broken; each cycle is reported once.
fn visit(
    model: &DmnModel,
    i: usize,
    edges: &[Vec<usize>],
    missing: &[bool],
    marks: &mut [Mark],
    stack: &mut Vec<usize>,
    out: &mut Vec<Diagnostic>,
) -> bool {
    match marks[i] {
        Mark::Done => return true,
        Mark::Broken => return false,
        Mark::Active => {
            let start = stack.iter().position(|&s| s == i).unwrap_or(0);
            let mut names: Vec<&str> = stack[start..]
                .iter()
                .map(|&s| model.decisions[s].id.as_str())
                .collect();
            names.push(&model.decisions[i].id);
            let d = &model.decisions[i];
            out.push(error(
                model,
                d.pos,
                &d.id,
                &d.id,
                format!("decision requirements form a cycle: {}", names.join(" → ")),
                "a decision cannot depend on itself; remove one of the requirements",
            ));
            for &s in &stack[start..] {
                marks[s] = Mark::Broken;
            }
            return false;
        }
        Mark::New => {}
    }
    marks[i] = Mark::Active;
    stack.push(i);
    let mut ok = !missing[i];
    for &j in &edges[i] {
        if !visit(model, j, edges, missing, marks, stack, out) {
            ok = false;
        }
    }
    stack.pop();
    if marks[i] == Mark::Active {
        marks[i] = if ok { Mark::Done } else { Mark::Broken };
    }
    ok && marks[i] == Mark::Done
}
