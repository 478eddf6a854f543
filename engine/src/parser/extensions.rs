//! Reads `extensionElements` and vendor attributes into [`Extensions`]:
//! spiffworkflow, camunda and zeebe data is kept; other vendors are ignored.

use std::collections::BTreeMap;

use super::xml::Element;
use crate::model::{ExtElement, Extensions};

pub const SPIFF_NS: &str = "http://spiffworkflow.org/bpmn/schema/1.0/core";
pub const CAMUNDA_NS: &str = "http://camunda.org/schema/1.0/bpmn";
pub const ZEEBE_NS: &str = "http://camunda.org/schema/zeebe/1.0";

/// Short prefix for a kept vendor namespace.
pub fn vendor_prefix(ns: &str) -> Option<&'static str> {
    match ns {
        SPIFF_NS => Some("spiffworkflow"),
        CAMUNDA_NS => Some("camunda"),
        ZEEBE_NS => Some("zeebe"),
        _ => None,
    }
}

fn to_ext(el: &Element) -> ExtElement {
    ExtElement {
        ns: el.ns.clone().unwrap_or_default(),
        name: el.local.clone(),
        attrs: el
            .attrs
            .iter()
            .map(|a| (a.local.clone(), a.value.clone()))
            .collect(),
        text: el.text.clone(),
        children: el.children.iter().map(to_ext).collect(),
    }
}

/// What a node's extension data says, plus the raw text of pre/post scripts
/// (with their elements, for positions).
pub struct ReadExtensions<'a> {
    pub ext: Extensions,
    pub pre_script: Option<&'a Element>,
    pub post_script: Option<&'a Element>,
}

/// Reads the vendor attributes of `node` and the children of its
/// `extensionElements` (given as `ext_container`, when present).
pub fn read<'a>(node: &'a Element, ext_container: Option<&'a Element>) -> ReadExtensions<'a> {
    let mut ext = Extensions::default();
    let mut attributes = BTreeMap::new();
    for a in &node.attrs {
        if let Some(prefix) = a.ns.as_deref().and_then(vendor_prefix) {
            attributes.insert(format!("{prefix}:{}", a.local), a.value.clone());
            if a.local == "decisionRef" {
                ext.called_decision = Some(a.value.clone());
            }
        }
    }
    ext.attributes = attributes;
    let mut pre = None;
    let mut post = None;
    if let Some(container) = ext_container {
        for child in &container.children {
            let Some(ns) = child.ns.as_deref() else {
                continue;
            };
            if vendor_prefix(ns).is_none() {
                continue;
            }
            match child.local.as_str() {
                "properties" => {
                    for p in child.children.iter().filter(|p| p.local == "property") {
                        if let (Some(n), Some(v)) = (p.attr("name"), p.attr("value")) {
                            ext.properties.insert(n.to_string(), v.to_string());
                        }
                    }
                }
                "preScript" if ns == SPIFF_NS => pre = Some(child),
                "postScript" if ns == SPIFF_NS => post = Some(child),
                "instructionsForEndUser" => ext.instructions = Some(child.text.clone()),
                "calledDecisionId" => ext.called_decision = Some(child.text.trim().to_string()),
                "calledDecision" => {
                    ext.called_decision = child.attr("decisionId").map(str::to_string)
                }
                _ => {}
            }
            ext.elements.push(to_ext(child));
        }
    }
    ext.form_schema = ext.properties.get("formJsonSchemaFilename").cloned();
    ReadExtensions {
        ext,
        pre_script: pre,
        post_script: post,
    }
}
