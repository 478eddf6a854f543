//! `ioSpecification`, `dataObject`, `dataObjectReference`,
//! `dataStoreReference` and the data associations of tasks.
//!
//! A reference or association that points at nothing is a load error (it
//! could only fail when the task runs, or silently do nothing); one that
//! points at an element this engine does not connect to data (a process
//! `dataInput`, a `property`) is left alone, as before.

use std::collections::{HashMap, HashSet};

use super::BPMN_NS;
use super::context::{FileCx, qname_local};
use super::xml::Element;
use crate::model::{DataObjectDecl, DataRef, GraphIdx, IoSpec, NodeData};

/// Every data object, data store and reference to them in the file, by id.
pub fn collect_refs(root: &Element, out: &mut HashMap<String, DataRef>) {
    for c in root.children_in(BPMN_NS) {
        let id = c.attr("id").unwrap_or_default();
        let target = |attr: &str| c.attr(attr).map(qname_local);
        let r = match c.local.as_str() {
            "dataObject" => Some(DataRef::Object(id.to_string())),
            "dataObjectReference" => Some(DataRef::Object(
                target("dataObjectRef").unwrap_or_else(|| id.to_string()),
            )),
            "dataStore" => Some(DataRef::Store(id.to_string())),
            "dataStoreReference" => Some(DataRef::Store(
                target("dataStoreRef").unwrap_or_else(|| id.to_string()),
            )),
            _ => None,
        };
        if let Some(r) = r.filter(|_| !id.is_empty()) {
            out.insert(id.to_string(), r);
        }
        collect_refs(c, out);
    }
}

/// Every element id of the file (what a reference that names no data
/// object or store may still name: a `dataInput`, a `property`…).
pub(super) fn collect_ids(root: &Element, out: &mut HashSet<String>) {
    for c in root.children_in(BPMN_NS) {
        if let Some(id) = c.attr("id").filter(|i| !i.is_empty()) {
            out.insert(id.to_string());
        }
        collect_ids(c, out);
    }
}

/// The `dataObject`s declared directly in a process or subprocess.
pub fn data_objects(container: &Element) -> Vec<DataObjectDecl> {
    container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "dataObject")
        .filter_map(|c| {
            Some(DataObjectDecl {
                id: c.attr("id").filter(|i| !i.is_empty())?.to_string(),
                name: c.attr("name").map(str::to_string),
            })
        })
        .collect()
}

/// The `ioSpecification` directly inside `el` (element `owner`). As in
/// SpiffWorkflow, a data input or output is the variable named by its
/// `id` (its `name` is a label), and it counts only when an `inputSet`
/// (`outputSet`) lists it; one that no set lists is reported as a warning.
pub(super) fn io_spec(cx: &mut FileCx<'_>, el: &Element, owner: &str) -> Option<IoSpec> {
    let io = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "ioSpecification")?;
    let mut pick = |local: &str, set: &str, refs: &str| -> Vec<String> {
        let listed: HashSet<&str> = io
            .children_in(BPMN_NS)
            .filter(|c| c.local == set)
            .flat_map(|s| s.children_in(BPMN_NS).filter(|r| r.local == refs))
            .map(|r| r.text.trim())
            .collect();
        let mut out = Vec::new();
        for d in io.children_in(BPMN_NS).filter(|c| c.local == local) {
            let Some(id) = d.attr("id").map(str::trim).filter(|i| !i.is_empty()) else {
                cx.warn(
                    d.offset,
                    Some(owner),
                    format!("a {local} without an id is not a variable; it is ignored"),
                    Some("give it an id: the id is the variable's name"),
                );
                continue;
            };
            if listed.contains(id) {
                out.push(id.to_string());
            } else {
                cx.warn(
                    d.offset,
                    Some(owner),
                    format!(
                        "{local} `{id}` is in no {set}, so it is ignored (as SpiffWorkflow does)"
                    ),
                    Some(&format!("list it in <{set}><{refs}>{id}</{refs}></{set}>")),
                );
            }
        }
        out
    };
    let spec = IoSpec {
        inputs: pick("dataInput", "inputSet", "dataInputRefs"),
        outputs: pick("dataOutput", "outputSet", "dataOutputRefs"),
    };
    (!spec.inputs.is_empty() || !spec.outputs.is_empty()).then_some(spec)
}

/// Whether data object `id` is declared in graph `g` or a body enclosing it.
fn declared_around(cx: &FileCx<'_>, mut g: GraphIdx, id: &str) -> bool {
    let model = cx.model();
    loop {
        let graph = model.graph(g);
        if graph.data_objects.iter().any(|o| o.id == id) {
            return true;
        }
        match graph.parent {
            Some(p) => g = p.graph,
            None => return false,
        }
    }
}

/// Checks the `dataObjectReference`s and `dataStoreReference`s directly in
/// `container` (a process or subprocess): each must name an existing
/// `dataObject` (`dataStore`). A data store reference without a
/// `dataStoreRef` is the store of its own id.
pub(super) fn check_references(
    cx: &mut FileCx<'_>,
    container: &Element,
    refs: &HashMap<String, DataRef>,
) {
    for c in container.children_in(BPMN_NS) {
        let (attr, want, what) = match c.local.as_str() {
            "dataObjectReference" => ("dataObjectRef", "dataObject", "a data object"),
            "dataStoreReference" => ("dataStoreRef", "dataStore", "a data store"),
            _ => continue,
        };
        let id = c.attr("id").unwrap_or_default();
        let target = c.attr(attr).map(qname_local);
        let problem = match target.as_deref() {
            None | Some("") if want == "dataStore" => None,
            None | Some("") => Some(format!("{} has no {attr}", c.local)),
            Some(t) => {
                let is_target = match refs.get(t) {
                    Some(DataRef::Object(o)) => want == "dataObject" && o == t,
                    Some(DataRef::Store(s)) => want == "dataStore" && s == t,
                    None => false,
                };
                (!is_target).then(|| {
                    if cx.has_id(t) {
                        format!("{attr} `{t}` is not {what}")
                    } else {
                        format!("{attr} `{t}` names no element of this file")
                    }
                })
            }
        };
        if let Some(message) = problem {
            cx.report(
                c.offset,
                Some(id),
                message,
                Some(&format!(
                    "point {attr} at the id of a <{want}> (declared in this process, an enclosing one, or for a data store in the definitions)"
                )),
            );
        }
    }
}

/// The data specification of task element `el` (id `id`, in graph `g`), if
/// it has any. An association whose end names no element of the file, or
/// a data object not declared in this body or one enclosing it, is an error.
pub(super) fn node_data(
    cx: &mut FileCx<'_>,
    el: &Element,
    id: &str,
    g: GraphIdx,
    refs: &HashMap<String, DataRef>,
) -> Option<Box<NodeData>> {
    let assoc = |cx: &mut FileCx<'_>, local: &str, end: &str| -> Vec<DataRef> {
        let mut out: Vec<DataRef> = Vec::new();
        for a in el.children_in(BPMN_NS).filter(|c| c.local == local) {
            for r in a.children_in(BPMN_NS).filter(|c| c.local == end) {
                let name = qname_local(&r.text);
                let found = refs.get(&name);
                let problem = match found {
                    Some(DataRef::Object(o)) if !declared_around(cx, g, o) => Some(format!(
                        "{local} {end} `{name}`: the data object `{o}` is not declared in this process or subprocess, or one enclosing it"
                    )),
                    Some(_) => None,
                    // Another kind of element (an ioSpecification
                    // dataInput, a property): not connected to data here.
                    None if cx.has_id(&name) => continue,
                    None if name.is_empty() => Some(format!("{local} has an empty {end}")),
                    None => Some(format!(
                        "{local} {end} `{name}` names no element of this file"
                    )),
                };
                if let Some(message) = problem {
                    let off = r.text_offset.unwrap_or(r.offset);
                    cx.report(
                        off,
                        Some(id),
                        message,
                        Some("point it at the id of a dataObjectReference, dataObject or dataStoreReference"),
                    );
                    continue;
                }
                if let Some(d) = found {
                    if !out.contains(d) {
                        out.push(d.clone());
                    }
                }
            }
        }
        out
    };
    let reads = assoc(cx, "dataInputAssociation", "sourceRef");
    let writes = assoc(cx, "dataOutputAssociation", "targetRef");
    let data = NodeData {
        io: io_spec(cx, el, id),
        reads,
        writes,
    };
    (data.io.is_some() || !data.reads.is_empty() || !data.writes.is_empty()).then(|| Box::new(data))
}
