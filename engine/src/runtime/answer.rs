//! Answers: what the outside world does to a running instance, one item at
//! a time — complete a ready human task with data, move the clock, deliver
//! a message, broadcast a signal. The `--answers` file of `bpmn run` and
//! `bpmn resume` is a JSON array of these items; the test suite drives its
//! cases with the same items, so both read them here and apply them with
//! [`Workflow::apply`].
//!
//! ```json
//! [{"task": "Task_Approve", "data": {"approved": true}},
//!  {"advance": "PT2H"},
//!  {"message": "payment", "payload": {"order": 7}},
//!  {"signal": "cancel"}]
//! ```

use serde_json::{Map, Value};

use super::{CompleteError, EventError, TaskError, Workflow, WorkflowError};
use crate::model::Data;

/// One item of an answers file.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Complete the ready human task with this BPMN id, after merging `data`.
    Task {
        /// The BPMN id of the task.
        task: String,
        /// The answers merged into the task's data.
        data: Data,
    },
    /// Move the clock forward by an ISO 8601 duration (`PT2H`).
    Advance(String),
    /// Deliver a message from outside.
    Message {
        /// The message name.
        name: String,
        /// What the message carries.
        payload: Value,
    },
    /// Broadcast a signal from outside.
    Signal {
        /// The signal name.
        name: String,
        /// What the signal carries.
        payload: Value,
    },
}

/// Why an answers file (or one of its items) is not well formed. Items are
/// numbered from 1, as a person counts them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswersError {
    /// The text is not JSON.
    #[error("not valid JSON at line {line} column {column}: {message}")]
    NotJson {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// The text is JSON but not an array.
    #[error("expected a JSON array of answers, e.g. [{{\"task\": \"Task_1\", \"data\": {{}}}}]")]
    NotArray,
    /// Item `0` is not an object.
    #[error("answer #{0} is not a JSON object")]
    NotObject(usize),
    /// A key that must hold a string holds something else.
    #[error("answer #{item}: \"{key}\" must be a string{}", if *key == "task" { " (a BPMN id)" } else { "" })]
    NotString {
        /// The item's number.
        item: usize,
        /// The key.
        key: &'static str,
    },
    /// `data` is not an object.
    #[error("answer #{0}: \"data\" must be a JSON object")]
    DataNotObject(usize),
    /// The item says neither what task it answers nor what event it is.
    #[error(
        "answer #{0} has none of \"task\", \"advance\", \"message\" or \"signal\" (e.g. {{\"task\": \"<BPMN id>\", \"data\": {{...}}}})"
    )]
    NoKind(usize),
    /// A key the format does not know.
    #[error("answer #{item}: unknown key \"{key}\"")]
    UnknownKey {
        /// The item's number.
        item: usize,
        /// The key.
        key: String,
    },
}

impl Answer {
    /// Parses the text of an answers file: a JSON array of items.
    pub fn parse_list(text: &str) -> Result<Vec<Answer>, AnswersError> {
        let v: Value = serde_json::from_str(text).map_err(|e| AnswersError::NotJson {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let Value::Array(items) = v else {
            return Err(AnswersError::NotArray);
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Answer::from_value(i + 1, item))
            .collect()
    }

    /// Reads item number `n` (1-based, for messages) of an answers file.
    pub fn from_value(n: usize, item: Value) -> Result<Answer, AnswersError> {
        let Value::Object(mut m) = item else {
            return Err(AnswersError::NotObject(n));
        };
        let string = |m: &mut Map<String, Value>, key: &'static str| match m.remove(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(AnswersError::NotString { item: n, key }),
        };
        let answer = if let Some(by) = string(&mut m, "advance")? {
            Answer::Advance(by)
        } else if let Some(name) = string(&mut m, "message")? {
            let payload = m.remove("payload").unwrap_or(Value::Null);
            Answer::Message { name, payload }
        } else if let Some(name) = string(&mut m, "signal")? {
            let payload = m.remove("payload").unwrap_or(Value::Null);
            Answer::Signal { name, payload }
        } else {
            let Some(task) = string(&mut m, "task")? else {
                return Err(AnswersError::NoKind(n));
            };
            let data = match m.remove("data") {
                None | Some(Value::Null) => Data::new(),
                Some(Value::Object(d)) => Data::from(d),
                Some(_) => return Err(AnswersError::DataNotObject(n)),
            };
            Answer::Task { task, data }
        };
        if let Some(k) = m.keys().next() {
            return Err(AnswersError::UnknownKey {
                item: n,
                key: k.clone(),
            });
        }
        Ok(answer)
    }
}

/// Why [`Workflow::apply`] did not apply an answer.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The answer is for a task that is not a ready human task.
    #[error("`{task}`, which is not a ready human task; ready: {}", if ready.is_empty() { "none".to_string() } else { ready.join(", ") })]
    NotReady {
        /// The BPMN id the answer named.
        task: String,
        /// The BPMN ids of the human tasks that are ready.
        ready: Vec<String>,
    },
    /// The answers do not fit the task (its form or data outputs); the
    /// task is still ready.
    #[error(transparent)]
    Task(TaskError),
    /// The clock could not be moved (a malformed duration).
    #[error(transparent)]
    Advance(EventError),
    /// The message or signal could not be delivered.
    #[error(transparent)]
    Event(EventError),
    /// The workflow failed while completing the task.
    #[error(transparent)]
    Workflow(WorkflowError),
}

impl ApplyError {
    /// What went wrong with answer number `n` (1 for the first), as
    /// `bpmn run` and scenario runs say it: task and workflow errors name
    /// their task themselves; the others say which answer it was.
    pub fn for_answer(&self, n: usize) -> String {
        match self {
            ApplyError::NotReady { .. } => format!("answer #{n} is for task {self}"),
            ApplyError::Task(_) | ApplyError::Workflow(_) => self.to_string(),
            ApplyError::Advance(_) | ApplyError::Event(_) => format!("answer #{n}: {self}"),
        }
    }

    /// Whether the answer itself was wrong (the instance is as it was),
    /// rather than the workflow failing while applying it.
    pub fn is_bad_answer(&self) -> bool {
        matches!(
            self,
            ApplyError::NotReady { .. } | ApplyError::Task(_) | ApplyError::Advance(_)
        )
    }
}

impl Workflow {
    /// Applies one answer. Engine tasks that become ready are not run: call
    /// [`Workflow::run`] (or [`Workflow::run_one`]) afterwards.
    pub fn apply(&mut self, answer: &Answer) -> Result<(), ApplyError> {
        match answer {
            Answer::Task { task, data } => {
                let Some(id) = self.ready_human_task(task) else {
                    return Err(ApplyError::NotReady {
                        task: task.clone(),
                        ready: self
                            .ready_human_tasks()
                            .iter()
                            .map(|t| t.bpmn_id.to_string())
                            .collect(),
                    });
                };
                self.complete_task(id, data.clone()).map_err(|e| match e {
                    CompleteError::Task(e) => ApplyError::Task(e),
                    CompleteError::Workflow(e) => ApplyError::Workflow(e),
                })
            }
            Answer::Advance(by) => self.advance(by).map_err(ApplyError::Advance),
            Answer::Message { name, payload } => self
                .send_message(name, payload.clone())
                .map_err(ApplyError::Event),
            Answer::Signal { name, payload } => self
                .send_signal(name, payload.clone())
                .map_err(ApplyError::Event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_items_and_rejects_bad_ones() {
        let a = Answer::parse_list(r#"[{"task": "A", "data": {"x": 1}}, {"task": "B"}]"#).unwrap();
        assert_eq!(a.len(), 2);
        let err = |t: &str| Answer::parse_list(t).unwrap_err().to_string();
        assert!(err(r#"{"task": "A"}"#).contains("array"));
        assert!(err(r#"[{"data": {}}]"#).contains("#1"));
        assert!(err(r#"[{"task": 3}]"#).contains("\"task\" must be a string (a BPMN id)"));
        assert!(err(r#"[{"task": "A", "data": 3}]"#).contains("must be a JSON object"));
        assert!(err("[1, ").starts_with("not valid JSON at line 1"));
        let e = Answer::parse_list(
            r#"[{"advance": "PT2H"}, {"message": "m", "payload": {"a": 1}}, {"signal": "s"}]"#,
        )
        .unwrap();
        assert_eq!(e[0], Answer::Advance("PT2H".into()));
        assert!(matches!(&e[1], Answer::Message { name, .. } if name == "m"));
        assert!(
            matches!(&e[2], Answer::Signal { name, payload } if name == "s" && payload.is_null())
        );
        assert!(err(r#"[{"task": "A", "extra": 1}]"#).contains("extra"));
    }
}
