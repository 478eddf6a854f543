//! The data a task carries: a JSON object of named values.

/// Task and workflow data: variable name → JSON value.
pub type Data = serde_json::Map<String, serde_json::Value>;
