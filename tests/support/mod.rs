//! Shared helpers for the integration tests: fixture paths and the
//! data-driven case format of `tests/fixtures/bpmn/cases.json`.

#![allow(dead_code)]

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bpmn")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    #[serde(default)]
    pub about: String,
    pub files: Vec<String>,
    pub process: Option<String>,
    pub collaboration: Option<String>,
    #[serde(default)]
    pub data: Map<String, Value>,
    #[serde(default)]
    pub answers: Vec<AnswerItem>,
    pub expect: Expect,
}

#[derive(Debug, Deserialize, serde::Serialize, Clone)]
pub struct AnswerItem {
    pub task: String,
    #[serde(default)]
    pub data: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Expect {
    pub status: String,
    pub data: Option<Map<String, Value>>,
    pub ready: Option<Vec<String>>,
    pub order: Option<Vec<String>>,
    #[serde(default)]
    pub before: Vec<(String, String)>,
    #[serde(default)]
    pub counts: std::collections::BTreeMap<String, usize>,
    #[serde(default)]
    pub states: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub error_contains: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct InvalidCase {
    pub name: String,
    pub files: Vec<String>,
    pub process: Option<String>,
    pub expect_contains: Vec<String>,
}

pub fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(fixture("cases.json")).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json parses")
}

pub fn invalid_cases() -> Vec<InvalidCase> {
    let text = std::fs::read_to_string(fixture("invalid_cases.json")).expect("invalid_cases.json");
    serde_json::from_str(&text).expect("invalid_cases.json parses")
}
