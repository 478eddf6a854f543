//! A script or condition failure, with the line inside the script text.

/// Why a script failed to compile or run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", line.map(|l| format!(" (script line {l})")).unwrap_or_default())]
pub struct ScriptError {
    /// What went wrong, as Rhai (or the translator) said it.
    pub message: String,
    /// 1-based line inside the script text, when known.
    pub line: Option<u32>,
    /// 1-based column inside that line, when known.
    pub col: Option<u32>,
}

impl ScriptError {
    pub(crate) fn from_rhai(e: &rhai::EvalAltResult, max_operations: u64) -> Self {
        let pos = e.position();
        let message = match e {
            rhai::EvalAltResult::ErrorTooManyOperations(_) => format!(
                "the script did not finish within {max_operations} operations (an endless loop?)"
            ),
            rhai::EvalAltResult::ErrorFunctionNotFound(sig, _)
                if sig.contains("()") || sig.contains("unassigned variable") =>
            {
                format!(
                    "{}: a value used here is unset (a variable missing from the task data?)",
                    strip_position(&e.to_string())
                )
            }
            // Rhai appends " (line x, position y)"; positions are reported separately.
            other => strip_position(&other.to_string()),
        };
        ScriptError {
            message,
            line: pos.line().map(|l| l as u32),
            col: pos.position().map(|c| c as u32),
        }
    }

    pub(crate) fn from_parse(e: &rhai::ParseError) -> Self {
        let pos = e.position();
        ScriptError {
            message: strip_position(&e.to_string()),
            line: pos.line().map(|l| l as u32),
            col: pos.position().map(|c| c as u32),
        }
    }

    pub(crate) fn plain(message: impl Into<String>) -> Self {
        ScriptError {
            message: message.into(),
            line: None,
            col: None,
        }
    }
}

fn strip_position(s: &str) -> String {
    match s.rfind(" (line ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s.to_string(),
    }
}
