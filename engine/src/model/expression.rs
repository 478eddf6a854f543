//! Scripts and conditions as written in the diagram, each with a slot number
//! so the scripting layer can compile them once and look them up in O(1).

use std::fmt;
use std::str::FromStr;

use super::SourcePos;

/// Index of an [`Expression`] in [`crate::model::Model::expressions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExprId(pub u32);

/// Whether the text is a statement list (script) or a single expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    /// A script task body, pre- or post-script: statements; top-level
    /// variables flow back into the task data.
    Script,
    /// A sequence-flow condition or other expression: evaluated for a value.
    Condition,
}

/// The language a script or condition is written in. Python and JUEL are
/// translated to Rhai when the diagram is loaded, then compiled like Rhai.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Dialect {
    /// Rhai, the engine's own language (the default).
    #[default]
    Rhai,
    /// The Python subset that SpiffWorkflow / SpiffArena diagrams use.
    Python,
    /// JUEL `${…}` expressions, as in Camunda 7 conditions.
    Juel,
}

impl Dialect {
    /// The dialect a `scriptFormat`, `language` or `expressionLanguage`
    /// value names, or `None` when it names none we run (`groovy`,
    /// `javascript`, `feel`, the BPMN default XPath URI…).
    pub fn from_language(value: &str) -> Option<Dialect> {
        let v = value.trim().to_ascii_lowercase();
        if v.contains("python") || v == "py" || v == "text/x-python" {
            Some(Dialect::Python)
        } else if v.contains("juel") || v.contains("jsr/detail?id=245") || v == "el" {
            Some(Dialect::Juel)
        } else if v.contains("rhai") {
            Some(Dialect::Rhai)
        } else {
            None
        }
    }

    /// The name used by `--dialect` and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Rhai => "rhai",
            Dialect::Python => "python",
            Dialect::Juel => "juel",
        }
    }

    /// How messages refer to code in this dialect ("the Python code").
    pub fn title(self) -> &'static str {
        match self {
            Dialect::Rhai => "Rhai",
            Dialect::Python => "Python",
            Dialect::Juel => "JUEL",
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    /// Parses `python`, `juel` or `rhai` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "python" => Ok(Dialect::Python),
            "juel" => Ok(Dialect::Juel),
            "rhai" => Ok(Dialect::Rhai),
            other => Err(format!(
                "unknown dialect `{other}`: expected python, juel or rhai"
            )),
        }
    }
}

/// A script or condition and where it was written.
#[derive(Debug, Clone)]
pub struct Expression {
    /// The code as written in the diagram (Python and JUEL are translated
    /// from it to Rhai when the diagrams are compiled).
    pub text: String,
    /// Statements (a script) or a single expression (a condition).
    pub kind: ExprKind,
    /// The language the text is written in: decided at parse time when
    /// the element, an option or the file names it, else inferred per file
    /// when the diagrams are compiled (see `auto`).
    pub dialect: Dialect,
    /// The dialect follows the file's (see [`crate::model::FileDialect`]):
    /// nothing about the element itself decided it.
    pub auto: bool,
    /// BPMN id of the element that owns it (task id or flow id).
    pub owner: String,
    /// Id of the top-level process it belongs to.
    pub process: String,
    /// Position of the first character of the text (line 1 of the script).
    pub pos: SourcePos,
}
