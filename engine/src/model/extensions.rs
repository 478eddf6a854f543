//! Vendor extension data kept on a node: `spiffworkflow:*` and `camunda:*`
//! (and zeebe) elements and attributes. Unknown vendors are dropped.

use std::collections::BTreeMap;

/// An extension element kept as a small tree so later features can read it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtElement {
    /// Namespace URI of the element (empty when it has none).
    pub ns: String,
    /// Local name, without prefix (`property`, `taskDefinition`).
    pub name: String,
    /// Attributes by local name → value.
    pub attrs: BTreeMap<String, String>,
    /// The element's text content.
    pub text: String,
    /// Child elements, in document order.
    pub children: Vec<ExtElement>,
}

impl ExtElement {
    /// First child named `name` (any kept namespace).
    pub fn child(&self, name: &str) -> Option<&ExtElement> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// The extension data of one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extensions {
    /// `spiffworkflow:property` and `camunda:property` name → value.
    pub properties: BTreeMap<String, String>,
    /// Attributes in a kept vendor namespace, as `prefix:name` (`camunda:assignee`).
    pub attributes: BTreeMap<String, String>,
    /// `spiffworkflow:instructionsForEndUser`.
    pub instructions: Option<String>,
    /// JSON Schema form file (`formJsonSchemaFilename` property).
    pub form_schema: Option<String>,
    /// `calledDecisionId` (spiffworkflow), `camunda:decisionRef` or zeebe `calledDecision`.
    pub called_decision: Option<String>,
    /// Every kept extension element, in document order.
    pub elements: Vec<ExtElement>,
}

impl Extensions {
    /// The first kept extension element named `name`.
    pub fn element(&self, name: &str) -> Option<&ExtElement> {
        self.elements.iter().find(|e| e.name == name)
    }
}
