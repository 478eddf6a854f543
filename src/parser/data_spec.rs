//! `ioSpecification`, `dataObject`, `dataObjectReference`,
//! `dataStoreReference` and the data associations of tasks.

use std::collections::HashMap;

use super::BPMN_NS;
use super::xml::Element;
use crate::model::{DataObjectDecl, DataRef, IoSpec, NodeData, is_identifier};

/// Every data object, data store and reference to them in the file, by id.
pub fn collect_refs(root: &Element, out: &mut HashMap<String, DataRef>) {
    for c in root.children_in(BPMN_NS) {
        let id = c.attr("id").unwrap_or_default();
        let target = |attr: &str| c.attr(attr).map(super::bpmn::qname_local);
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

/// The variable name of a `dataInput` / `dataOutput`.
fn io_name(el: &Element) -> Option<String> {
    match el.attr("name").map(str::trim) {
        Some(n) if is_identifier(n) => Some(n.to_string()),
        _ => el.attr("id").filter(|i| !i.is_empty()).map(str::to_string),
    }
}

/// The `ioSpecification` directly inside `el`.
pub fn io_spec(el: &Element) -> Option<IoSpec> {
    let io = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "ioSpecification")?;
    let names = |local: &str| -> Vec<String> {
        io.children_in(BPMN_NS)
            .filter(|c| c.local == local)
            .filter_map(io_name)
            .collect()
    };
    let spec = IoSpec {
        inputs: names("dataInput"),
        outputs: names("dataOutput"),
    };
    (!spec.inputs.is_empty() || !spec.outputs.is_empty()).then_some(spec)
}

/// The data specification of task element `el`, if it has any.
pub fn node_data(el: &Element, refs: &HashMap<String, DataRef>) -> Option<Box<NodeData>> {
    let assoc = |local: &str, end: &str| -> Vec<DataRef> {
        let mut out: Vec<DataRef> = Vec::new();
        for a in el.children_in(BPMN_NS).filter(|c| c.local == local) {
            for r in a.children_in(BPMN_NS).filter(|c| c.local == end) {
                if let Some(d) = refs.get(r.text.trim()) {
                    if !out.contains(d) {
                        out.push(d.clone());
                    }
                }
            }
        }
        out
    };
    let data = NodeData {
        io: io_spec(el),
        reads: assoc("dataInputAssociation", "sourceRef"),
        writes: assoc("dataOutputAssociation", "targetRef"),
    };
    (data.io.is_some() || !data.reads.is_empty() || !data.writes.is_empty()).then(|| Box::new(data))
}
