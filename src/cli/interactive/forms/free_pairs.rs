//! A user task without a form: the person types `name = value` pairs, one
//! per line, and an empty line finishes. A value is JSON when it parses as
//! JSON (`42`, `true`, `[1, 2]`, `{"a": 1}`, `"quoted"`), else it is text.

use serde_json::Value;

use super::super::prompter::{PromptResult, Prompter};
use bpmn_engine::Data;

/// Reads one `name = value` line.
pub fn parse_pair(line: &str) -> Result<(String, Value), String> {
    let Some((name, value)) = line.split_once('=') else {
        return Err(format!(
            "`{line}` has no `=`; write name = value (an empty line finishes)"
        ));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err("the name before `=` is empty; write name = value".into());
    }
    let value = value.trim();
    let v = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
    Ok((name.to_string(), v))
}

/// Asks pairs until an empty line.
pub fn ask(p: &mut dyn Prompter) -> PromptResult<Data> {
    p.note("This task has no form: enter its data as name = value, one per line (values are JSON when they parse, else text); an empty line finishes.");
    let mut out = Data::new();
    loop {
        let line = p.text("name = value", None)?;
        if line.is_empty() {
            return Ok(out);
        }
        match parse_pair(&line) {
            Ok((k, v)) => {
                out.insert(k, v);
            }
            Err(m) => p.warn(&m),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::prompter::ScriptedPrompter;
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_json_when_they_parse_else_text() {
        let mut p = ScriptedPrompter::new([
            "qty = 3",
            "ok=true",
            "tags = [\"a\", \"b\"]",
            "name = Ada Lovelace",
            "quoted = \"42\"",
            "oops",
            " = 1",
            "",
        ]);
        let d = ask(&mut p).unwrap();
        assert_eq!(
            Value::from(d),
            json!({"qty": 3, "ok": true, "tags": ["a", "b"], "name": "Ada Lovelace", "quoted": "42"})
        );
        assert_eq!(p.warnings.len(), 2);
        assert!(p.warnings[0].contains("has no `=`"));
    }
}
