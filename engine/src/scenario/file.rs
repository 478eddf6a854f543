//! The scenario file format (see the module overview) and its reading:
//! syntax errors and unknown keys name the file, line and column; problems
//! found after parsing (no process, a bad dialect, an answers file that
//! does not read) name the file and the scenario.

use std::fmt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::model::Dialect;
use crate::runtime::{Answer, parse_date};

/// One scenario, its paths resolved against the scenario file's folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name (the file's stem when the file gives none).
    pub name: String,
    /// The scenario file it was read from.
    pub file: PathBuf,
    /// The BPMN files to load.
    pub diagrams: Vec<PathBuf>,
    /// The DMN files to load.
    pub dmn: Vec<PathBuf>,
    /// What to start.
    pub start: Start,
    /// The start data.
    pub data: Map<String, Value>,
    /// The dialect of scripts whose element and file name none.
    pub dialect: Option<Dialect>,
    /// Where the virtual clock starts (`None`: the real clock).
    pub clock: Option<Timestamp>,
    /// The answers, applied in order.
    pub answers: Vec<Answer>,
    /// What must hold at the end.
    pub expect: Expect,
}

/// What a scenario starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// A process, by id.
    Process(String),
    /// Every executable participant of a collaboration, by id.
    Collaboration(String),
}

/// What must hold when the scenario's answers have been applied; `None`
/// is not checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// Whether the instance completed.
    pub completed: Option<bool>,
    /// A subset of the data.
    pub data: Option<Map<String, Value>>,
    /// BPMN ids that completed in this order (a subsequence).
    pub order: Option<Vec<String>>,
    /// The BPMN ids of the ready tasks, in any order.
    pub ready: Option<Vec<String>>,
    /// Text the run error's message contains.
    pub error: Option<String>,
}

/// Why a scenario file cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioError {
    /// The scenario file.
    pub file: PathBuf,
    /// Where in it, when known: 1-based line and column.
    pub at: Option<(usize, usize)>,
    /// The scenario the problem is in, when known (its name).
    pub scenario: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, column)) = self.at {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(s) = &self.scenario {
            write!(f, ": scenario \"{s}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The file as written; serde rejects unknown keys with their position.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Option<String>,
    diagrams: Vec<String>,
    #[serde(default)]
    dmn: Vec<String>,
    process: Option<String>,
    collaboration: Option<String>,
    #[serde(default)]
    data: Map<String, Value>,
    dialect: Option<String>,
    start: Option<String>,
    answers: Option<Value>,
    #[serde(default)]
    expect: RawExpect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    completed: Option<bool>,
    data: Option<Value>,
    order: Option<Vec<String>>,
    ready: Option<Vec<String>>,
    error: Option<String>,
}

/// Reads a scenario file: one scenario or an array of them.
pub fn parse_file(path: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: path.to_path_buf(),
        at: None,
        scenario: None,
        message: unreadable(&e),
    })?;
    parse_str(&text, path)
}

/// Reads the text of scenario file `path` (answers and data files it names
/// are read relative to its folder).
pub fn parse_str(text: &str, path: &Path) -> Result<Vec<Scenario>, ScenarioError> {
    let syntax = |e: serde_json::Error| {
        // serde_json appends the position to its message; it goes in front.
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = e.to_string();
        ScenarioError {
            file: path.to_path_buf(),
            at: Some((e.line(), e.column())),
            scenario: None,
            message: message
                .strip_suffix(&suffix)
                .unwrap_or(&message)
                .to_string(),
        }
    };
    let many = text.trim_start().starts_with('[');
    let raw: Vec<RawScenario> = if many {
        serde_json::from_str(text).map_err(syntax)?
    } else {
        vec![serde_json::from_str(text).map_err(syntax)?]
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    let dir = path.parent().unwrap_or(Path::new(""));
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| {
            let name = r.name.clone().unwrap_or_else(|| {
                if many {
                    format!("{stem} #{}", i + 1)
                } else {
                    stem.clone()
                }
            });
            resolve(r, name, path, dir)
        })
        .collect()
}

/// Checks what serde could not and resolves the paths.
fn resolve(
    r: RawScenario,
    name: String,
    file: &Path,
    dir: &Path,
) -> Result<Scenario, ScenarioError> {
    let fail = |message: String| ScenarioError {
        file: file.to_path_buf(),
        at: None,
        scenario: Some(name.clone()),
        message,
    };
    if r.diagrams.is_empty() {
        return Err(fail("\"diagrams\" names no BPMN file".into()));
    }
    let start = match (r.process, r.collaboration) {
        (Some(p), None) => Start::Process(p),
        (None, Some(c)) => Start::Collaboration(c),
        (None, None) => {
            return Err(fail(
                "give the process to start (\"process\": \"<id>\") or a collaboration (\"collaboration\": \"<id>\")"
                    .into(),
            ));
        }
        (Some(_), Some(_)) => {
            return Err(fail(
                "give \"process\" or \"collaboration\", not both".into(),
            ));
        }
    };
    let dialect = r
        .dialect
        .map(|d| {
            d.parse::<Dialect>().map_err(|_| {
                fail(format!(
                    "\"dialect\": unknown dialect \"{d}\" (python, juel or rhai)"
                ))
            })
        })
        .transpose()?;
    let clock = r
        .start
        .map(|s| parse_date(&s).map_err(|e| fail(format!("\"start\": {e}"))))
        .transpose()?;
    let answers = match r.answers {
        None => Vec::new(),
        Some(Value::String(p)) => {
            let p = dir.join(p);
            let text = read(&p).map_err(|m| fail(format!("answers file {m}")))?;
            Answer::parse_list(&text)
                .map_err(|e| fail(format!("answers file {}: {e}", p.display())))?
        }
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Answer::from_value(i + 1, item))
            .collect::<Result<_, _>>()
            .map_err(|e| fail(format!("\"answers\": {e}")))?,
        Some(_) => {
            return Err(fail(
                "\"answers\" must be an array of answers or the path of an answers file".into(),
            ));
        }
    };
    let data = match r.expect.data {
        None => None,
        Some(Value::Object(m)) => Some(m),
        Some(Value::String(p)) => {
            let p = dir.join(p);
            let text = read(&p).map_err(|m| fail(format!("expected data file {m}")))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(m)) => Some(m),
                Ok(_) => {
                    return Err(fail(format!(
                        "expected data file {}: not a JSON object",
                        p.display()
                    )));
                }
                Err(e) => {
                    return Err(fail(format!("expected data file {}: {e}", p.display())));
                }
            }
        }
        Some(_) => {
            return Err(fail(
                "\"expect\".\"data\" must be an object or the path of a JSON file".into(),
            ));
        }
    };
    Ok(Scenario {
        name,
        file: file.to_path_buf(),
        diagrams: r.diagrams.iter().map(|p| dir.join(p)).collect(),
        dmn: r.dmn.iter().map(|p| dir.join(p)).collect(),
        start,
        data: r.data,
        dialect,
        clock,
        answers,
        expect: Expect {
            completed: r.expect.completed,
            data,
            order: r.expect.order,
            ready: r.expect.ready,
            error: r.expect.error,
        },
    })
}

/// The text of a file the scenario names, or `PATH: why` when unreadable.
fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {}", p.display(), unreadable(&e)))
}

/// Why a scenario file or a file it names cannot be read, in words.
fn unreadable(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file (check the path)".to_string(),
        _ => format!("cannot read it: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Scenario>, ScenarioError> {
        parse_str(text, Path::new("tests/order.json"))
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_one_scenario_with_paths_relative_to_the_file() {
        let s = parse(
            r#"{"diagrams": ["../a.bpmn"], "dmn": ["d.dmn"], "process": "p",
                "data": {"x": 1}, "dialect": "python", "start": "2026-01-01T00:00:00Z",
                "answers": [{"task": "T", "data": {"y": 2}}, {"advance": "PT1H"}],
                "expect": {"completed": true, "data": {"x": 1}, "order": ["T"], "ready": []}}"#,
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert_eq!(s.name, "order");
        assert_eq!(s.diagrams, vec![Path::new("tests").join("../a.bpmn")]);
        assert_eq!(s.dmn, vec![Path::new("tests").join("d.dmn")]);
        assert_eq!(s.start, Start::Process("p".into()));
        assert_eq!(s.dialect, Some(Dialect::Python));
        assert_eq!(s.clock.unwrap().to_string(), "2026-01-01T00:00:00Z");
        assert_eq!(s.answers.len(), 2);
        assert_eq!(s.answers[1], Answer::Advance("PT1H".into()));
        assert_eq!(s.expect.completed, Some(true));
        assert_eq!(s.expect.order.as_deref(), Some(&["T".to_string()][..]));
        assert_eq!(s.expect.ready.as_deref(), Some(&[][..]));
        assert_eq!(s.expect.error, None);
    }

    #[test]
    fn an_array_names_its_scenarios_by_position() {
        let s = parse(
            r#"[{"diagrams": ["a.bpmn"], "collaboration": "c"},
                {"name": "second", "diagrams": ["a.bpmn"], "process": "p"}]"#,
        )
        .unwrap();
        assert_eq!(s[0].name, "order #1");
        assert_eq!(s[0].start, Start::Collaboration("c".into()));
        assert_eq!(s[1].name, "second");
    }

    #[test]
    fn unknown_keys_are_errors_with_line_and_column() {
        let e = parse("{\"diagrams\": [\"a.bpmn\"], \"process\": \"p\",\n  \"expekt\": {}}")
            .unwrap_err();
        assert_eq!(e.at, Some((2, 10)));
        assert!(e.message.starts_with("unknown field `expekt`"), "{e}");
        assert!(
            e.to_string()
                .starts_with("tests/order.json:2:10: unknown field `expekt`")
        );
        let nested = err(
            "{\"diagrams\": [\"a.bpmn\"], \"process\": \"p\",\n\"expect\": {\n  \"complete\": true}}",
        );
        assert!(
            nested.starts_with("tests/order.json:3:12: unknown field `complete`, expected one of"),
            "{nested}"
        );
    }

    #[test]
    fn syntax_and_type_errors_name_line_and_column() {
        assert!(
            err("{\"diagrams\": [\"a.bpmn\"],\n  \"process\": }")
                .starts_with("tests/order.json:2:14: ")
        );
        let e = err("{\"diagrams\": \"a.bpmn\", \"process\": \"p\"}");
        assert!(
            e.starts_with("tests/order.json:1:21: invalid type: string"),
            "{e}"
        );
        assert!(err("{\"process\": \"p\"}").contains("missing field `diagrams`"));
    }

    #[test]
    fn problems_after_parsing_name_the_scenario() {
        assert_eq!(
            err(r#"{"name": "n", "diagrams": ["a.bpmn"]}"#),
            "tests/order.json: scenario \"n\": give the process to start (\"process\": \"<id>\") or a collaboration (\"collaboration\": \"<id>\")"
        );
        assert!(
            err(r#"{"diagrams": ["a"], "process": "p", "collaboration": "c"}"#)
                .contains("not both")
        );
        assert!(err(r#"{"diagrams": [], "process": "p"}"#).contains("names no BPMN file"));
        assert!(
            err(r#"{"diagrams": ["a"], "process": "p", "dialect": "pyton"}"#)
                .contains("unknown dialect \"pyton\"")
        );
        assert!(
            err(r#"{"diagrams": ["a"], "process": "p", "start": "soon"}"#).contains("\"start\": ")
        );
        assert!(
            err(r#"{"diagrams": ["a"], "process": "p", "answers": [{"tsk": "T"}]}"#)
                .contains("\"answers\": answer #1 has none of")
        );
        assert!(
            err(r#"{"diagrams": ["a"], "process": "p", "answers": 3}"#)
                .contains("must be an array")
        );
        let missing =
            err(r#"{"name": "m", "diagrams": ["a"], "process": "p", "answers": "none.json"}"#);
        assert!(
            missing.contains("scenario \"m\": answers file tests/none.json: no such file"),
            "{missing}"
        );
    }

    #[test]
    fn answers_and_expected_data_may_be_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), r#"[{"task": "T"}]"#).unwrap();
        std::fs::write(dir.path().join("d.json"), r#"{"total": 3}"#).unwrap();
        std::fs::write(dir.path().join("bad.json"), r#"[{"task": 1}]"#).unwrap();
        let file = dir.path().join("s.json");
        let s = parse_str(
            r#"{"diagrams": ["x.bpmn"], "process": "p", "answers": "a.json", "expect": {"data": "d.json"}}"#,
            &file,
        )
        .unwrap();
        assert_eq!(s[0].answers.len(), 1);
        assert_eq!(s[0].expect.data.as_ref().unwrap()["total"], 3);
        let e = parse_str(
            r#"{"diagrams": ["x.bpmn"], "process": "p", "answers": "bad.json"}"#,
            &file,
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("bad.json: answer #1: \"task\" must be a string"),
            "{e}"
        );
    }

    #[test]
    fn an_unreadable_file_says_so() {
        let e = parse_file(Path::new("/nonexistent/s.json")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "/nonexistent/s.json: no such file (check the path)"
        );
    }
}
