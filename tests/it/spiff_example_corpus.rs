//! Every script and condition of the spiff-example-cli tutorial
//! (`../shared/corpora/spiff-example-cli/*.bpmn`, next to the crate; CI has
//! it too, and the test fails if it is missing) compiled in the Python
//! dialect, with a report of which translate to Rhai and compile.
//!
//! Expressions are taken straight from the XML (`script`,
//! `conditionExpression`, `spiffworkflow:preScript` / `postScript`), so the
//! ones inside elements this engine does not run yet (multi-instance and
//! looping tasks, transactions, event subprocesses) are checked too.
//!
//! 46 of the 51 translate. The 5 that do not are load-time errors naming
//! the construct:
//! - `dangerous.bpmn` `collect_info` and `end_it`: `from os import getpid` /
//!   `from os import kill` — imports, which the sandbox refuses (the
//!   tutorial's point is to show what a sandbox must stop);
//! - `call_activity_script.bpmn` `Activity_1ln3xkw`:
//!   `lookup_product_info(product_name)`, `top_level_script.bpmn`
//!   `Activity_0jnqqws`: `lookup_shipping_cost(shipping_method)`, and
//!   `call_activity_service_task.bpmn` `Activity_1ln3xkw` (post-script):
//!   `product_info_from_dict(product_info)` — functions the tutorial's
//!   Python host injects into the script environment; this engine has no
//!   host functions, so they are "function call" errors.
//!
//! Run with `-- --nocapture` to see the verdict for every expression.

use crate::support;

use std::path::{Path, PathBuf};

use bpmn_engine::model::{Dialect, ExprKind};
use bpmn_engine::parser::xml::{self, Element, LineIndex};
use bpmn_engine::scripting::ScriptEngine;

const BPMN: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
const SPIFF: &str = "http://spiffworkflow.org/bpmn/schema/1.0/core";

fn corpus() -> PathBuf {
    support::spiff_corpus().expect("checked by the test")
}

struct Found {
    owner: String,
    kind: ExprKind,
    text: String,
    line: u32,
}

/// Every script and condition in the tree under `el`; `owner` is the id of
/// the nearest enclosing element that has one.
fn collect(el: &Element, owner: &str, text: &str, lines: &LineIndex, out: &mut Vec<Found>) {
    let ns = el.ns.as_deref();
    let kind = match (ns, el.local.as_str()) {
        (Some(BPMN), "script") | (Some(SPIFF), "preScript" | "postScript") => {
            Some(ExprKind::Script)
        }
        (Some(BPMN), "conditionExpression") => Some(ExprKind::Condition),
        _ => None,
    };
    if let Some(kind) = kind {
        let body = if kind == ExprKind::Condition {
            el.text.trim().to_string()
        } else {
            el.text.clone()
        };
        if !body.trim().is_empty() {
            let off = el.text_offset.unwrap_or(el.offset);
            out.push(Found {
                owner: owner.to_string(),
                kind,
                text: body,
                line: lines.line_col(text, off).0,
            });
        }
    }
    let owner = el.attr("id").unwrap_or(owner);
    for c in &el.children {
        collect(c, owner, text, lines, out);
    }
}

fn expressions(path: &Path) -> Vec<Found> {
    let text = std::fs::read_to_string(path).unwrap();
    let root = xml::parse(&text).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
    let lines = LineIndex::new(&text);
    let mut out = Vec::new();
    collect(&root, "", &text, &lines, &mut out);
    out
}

#[test]
fn spiff_example_cli_python_translates() {
    if support::spiff_corpus().is_none() {
        return;
    }
    let dir = corpus();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the spiff-example-cli corpus must exist at {}: {e}",
                dir.display()
            )
        })
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "bpmn"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 19,
        "expected the tutorial's 19 .bpmn files, found {files:?}"
    );

    let engine = ScriptEngine::default();
    let mut ok = 0;
    let mut failed = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap_or_default().to_string_lossy();
        for e in expressions(f) {
            let at = format!("{name}:{} {} {:?}", e.line, e.owner, e.kind);
            match engine.compile_in(&e.text, e.kind, Dialect::Python) {
                Ok(_) => {
                    ok += 1;
                    println!("ok    {at}");
                }
                Err(err) => {
                    println!("FAIL  {at}: {err}");
                    failed.push(format!("{at}: {err}"));
                }
            }
        }
    }
    println!("{ok} translate, {} do not", failed.len());
    assert_eq!((ok, failed.len()), (46, 5), "not translating: {failed:#?}");
}
