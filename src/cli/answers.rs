//! The `--answers` file: a JSON array of items applied in order.

use std::path::Path;

use bpmn_runner::Data;
use serde_json::Value;

use super::CliError;

/// One item of an answers file.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Complete the ready human task with this BPMN id, after merging `data`.
    Task { task: String, data: Data },
    /// Move the clock forward by an ISO 8601 duration (`PT2H`).
    Advance(String),
    /// Deliver a message from outside.
    Message { name: String, payload: Value },
    /// Broadcast a signal from outside.
    Signal { name: String, payload: Value },
}

/// Reads and checks an answers file.
pub fn read(path: &Path) -> Result<Vec<Answer>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!(
            "{}: cannot read the answers file: {e}",
            path.display()
        ))
    })?;
    parse(&text).map_err(|m| CliError::usage(format!("{}: {m}", path.display())))
}

/// Parses the text of an answers file.
pub fn parse(text: &str) -> Result<Vec<Answer>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "not valid JSON at line {} column {}: {e}",
            e.line(),
            e.column()
        )
    })?;
    let Value::Array(items) = v else {
        return Err(
            "expected a JSON array of answers, e.g. [{\"task\": \"Task_1\", \"data\": {}}]".into(),
        );
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i + 1;
            let Value::Object(mut m) = item else {
                return Err(format!("answer #{n} is not a JSON object"));
            };
            let string = |m: &mut serde_json::Map<String, Value>, key: &str| -> Result<Option<String>, String> {
                match m.remove(key) {
                    None => Ok(None),
                    Some(Value::String(s)) => Ok(Some(s)),
                    Some(_) => Err(format!("answer #{n}: \"{key}\" must be a string")),
                }
            };
            let answer = if let Some(by) = string(&mut m, "advance")? {
                Answer::Advance(by)
            } else if let Some(name) = string(&mut m, "message")? {
                Answer::Message { name, payload: m.remove("payload").unwrap_or(Value::Null) }
            } else if let Some(name) = string(&mut m, "signal")? {
                Answer::Signal { name, payload: m.remove("payload").unwrap_or(Value::Null) }
            } else {
                let task = match m.remove("task") {
                    Some(Value::String(s)) => s,
                    Some(_) => return Err(format!("answer #{n}: \"task\" must be a string (a BPMN id)")),
                    None => {
                        return Err(format!(
                            "answer #{n} has none of \"task\", \"advance\", \"message\" or \"signal\" (e.g. {{\"task\": \"<BPMN id>\", \"data\": {{...}}}})"
                        ));
                    }
                };
                let data = match m.remove("data") {
                    None | Some(Value::Null) => Data::new(),
                    Some(Value::Object(d)) => Data::from(d),
                    Some(_) => return Err(format!("answer #{n}: \"data\" must be a JSON object")),
                };
                Answer::Task { task, data }
            };
            if let Some(k) = m.keys().next() {
                return Err(format!("answer #{n}: unknown key \"{k}\""));
            }
            Ok(answer)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items_and_rejects_bad_ones() {
        let a = parse(r#"[{"task": "A", "data": {"x": 1}}, {"task": "B"}]"#).unwrap();
        assert_eq!(a.len(), 2);
        assert!(parse(r#"{"task": "A"}"#).unwrap_err().contains("array"));
        assert!(parse(r#"[{"data": {}}]"#).unwrap_err().contains("#1"));
        let e = parse(
            r#"[{"advance": "PT2H"}, {"message": "m", "payload": {"a": 1}}, {"signal": "s"}]"#,
        )
        .unwrap();
        assert_eq!(e[0], Answer::Advance("PT2H".into()));
        assert!(matches!(&e[1], Answer::Message { name, .. } if name == "m"));
        assert!(
            matches!(&e[2], Answer::Signal { name, payload } if name == "s" && payload.is_null())
        );
        assert!(
            parse(r#"[{"task": "A", "extra": 1}]"#)
                .unwrap_err()
                .contains("extra")
        );
    }
}
