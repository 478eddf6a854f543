//! Every script and condition of the spiff-example-cli tutorial
//! (`../shared/corpora/spiff-example-cli/*.bpmn`, next to the crate; CI has
//! it too, and the test fails if it is missing) compiled in the Python
//! dialect, with a report of which translate to Rhai and compile.
//!
//! Expressions are taken straight from the XML with quick-xml (`script`,
//! `conditionExpression`, `spiffworkflow:preScript` / `postScript`), not
//! through the engine's parser, so the ones inside elements this engine does
//! not run yet (multi-instance and looping tasks, transactions, event
//! subprocesses) are checked too.
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

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use bpmn_engine::model::{Dialect, ExprKind};
use bpmn_engine::scripting::ScriptEngine;
use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

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

/// An element being read: the expression kind it holds (if it is a script
/// or condition), the id expressions inside it belong to, and its text.
struct Open {
    kind: Option<ExprKind>,
    /// The id of the nearest enclosing element that has one.
    owner: String,
    /// The owner of what is inside: its own id, else `owner`.
    inner_owner: String,
    /// Where its expression goes in the output, so a found expression keeps
    /// document order (of its start tag) whatever it contains.
    slot: usize,
    /// Character data directly inside it (CDATA and references included).
    text: String,
    /// Byte offset of the first piece of that text that is not blank.
    text_at: Option<usize>,
}

/// Every script and condition of the file, read with quick-xml, each with
/// the id of the nearest enclosing element that has one and the line where
/// its text starts. Conditions are trimmed; scripts are kept as written.
fn expressions(path: &Path) -> Vec<Found> {
    let text = std::fs::read_to_string(path).unwrap();
    let fail = |what: String| -> ! { panic!("{}: {what}", path.display()) };
    let mut reader = NsReader::from_str(&text);
    reader.config_mut().check_end_names = true;
    let mut open: Vec<Open> = Vec::new();
    let mut out = Vec::new();
    loop {
        let at = reader.buffer_position() as usize;
        let (ns, event) = reader
            .read_resolved_event()
            .unwrap_or_else(|e| fail(e.to_string()));
        let piece: Cow<'_, str> = match event {
            Event::Start(ref e) => {
                let ns = match ns {
                    ResolveResult::Bound(n) => Some(n.0),
                    ResolveResult::Unbound => None,
                    ResolveResult::Unknown(p) => fail(format!("undeclared prefix {p:?}")),
                };
                let kind = match (ns, e.local_name().as_ref()) {
                    (Some(BPMN), "script") | (Some(SPIFF), "preScript" | "postScript") => {
                        Some(ExprKind::Script)
                    }
                    (Some(BPMN), "conditionExpression") => Some(ExprKind::Condition),
                    _ => None,
                };
                let owner = open
                    .last()
                    .map_or("", |o| o.inner_owner.as_str())
                    .to_string();
                let mut id = None;
                for a in e.attributes() {
                    let a = a.unwrap_or_else(|e| fail(e.to_string()));
                    if a.key.as_ref() == "id" {
                        let value = a
                            .normalized_value(XmlVersion::Implicit1_0)
                            .unwrap_or_else(|e| fail(e.to_string()));
                        id = Some(value.into_owned());
                    }
                }
                open.push(Open {
                    kind,
                    inner_owner: id.unwrap_or_else(|| owner.clone()),
                    owner,
                    slot: out.len(),
                    text: String::new(),
                    text_at: None,
                });
                continue;
            }
            Event::End(_) => {
                let el = open
                    .pop()
                    .unwrap_or_else(|| fail("unbalanced end tag".into()));
                if let Some(kind) = el.kind {
                    let body = if kind == ExprKind::Condition {
                        el.text.trim().to_string()
                    } else {
                        el.text
                    };
                    if !body.trim().is_empty() {
                        let start = el.text_at.expect("text that is not blank starts somewhere");
                        let line = text[..start].matches('\n').count() as u32 + 1;
                        let found = Found {
                            owner: el.owner,
                            kind,
                            text: body,
                            line,
                        };
                        out.insert(el.slot, found);
                    }
                }
                continue;
            }
            Event::Text(ref t) => t.xml10_content(),
            Event::CData(ref c) => c.xml10_content(),
            Event::GeneralRef(ref g) => {
                let resolved = if g.is_char_ref() {
                    g.resolve_char_ref()
                        .unwrap_or_else(|e| fail(e.to_string()))
                        .map(String::from)
                } else {
                    resolve_predefined_entity(&g.xml10_content()).map(String::from)
                };
                Cow::Owned(resolved.unwrap_or_else(|| fail(format!("unknown entity at {at}"))))
            }
            Event::Eof => break,
            // An empty element holds no text and nothing inside; comments and
            // declarations hold no expression.
            _ => continue,
        };
        if let Some(top) = open.last_mut() {
            if top.text_at.is_none() && !piece.trim().is_empty() {
                top.text_at = Some(at);
            }
            top.text.push_str(&piece);
        }
    }
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
