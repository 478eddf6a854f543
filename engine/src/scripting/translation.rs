//! What Python and JUEL translation share: the result ([`Translation`]),
//! the error ([`TranslateError`]), and how Rhai literals and names are written.

use std::collections::BTreeMap;

/// Rhai source translated from another dialect, plus the variables renamed
/// because their names are Rhai keywords (`default`, `match`, `new`…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    /// The Rhai source.
    pub rhai: String,
    /// (name in the Rhai code, name in the task data)
    pub aliases: Vec<(String, String)>,
}

/// A script or condition outside the supported subset of its dialect, or
/// not valid in it. Reported when the diagram is loaded, never at run time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (line {line}, `{construct}`)")]
pub struct TranslateError {
    /// 1-based line inside the script or condition text.
    pub line: u32,
    /// 1-based column inside that line.
    pub col: u32,
    /// The construct at fault: `import`, `lambda`, `class`, `syntax`…
    pub construct: String,
    /// What is wrong and, where there is one, what to write instead.
    pub message: String,
}

impl TranslateError {
    pub(crate) fn new(
        line: u32,
        col: u32,
        construct: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        TranslateError {
            line,
            col,
            construct: construct.into(),
            message: message.into(),
        }
    }
}

/// Identifiers of other languages that Rhai reserves.
const RHAI_RESERVED: &[&str] = &[
    "Fn",
    "_",
    "as",
    "async",
    "await",
    "break",
    "call",
    "case",
    "catch",
    "const",
    "continue",
    "curry",
    "debug",
    "default",
    "do",
    "else",
    "eval",
    "export",
    "false",
    "fn",
    "for",
    "global",
    "go",
    "goto",
    "if",
    "import",
    "in",
    "is",
    "is_def_fn",
    "is_def_var",
    "is_shared",
    "let",
    "loop",
    "match",
    "module",
    "new",
    "nil",
    "null",
    "package",
    "print",
    "private",
    "protected",
    "public",
    "return",
    "shared",
    "spawn",
    "static",
    "super",
    "switch",
    "sync",
    "this",
    "thread",
    "throw",
    "true",
    "try",
    "type_of",
    "until",
    "use",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// True when `name` can be written as-is as a Rhai variable or property.
pub(crate) fn is_rhai_name(name: &str) -> bool {
    !RHAI_RESERVED.contains(&name) && rhai::is_valid_identifier(name)
}

/// Names for temporaries and renamed variables that cannot clash with any
/// name in the source text.
#[derive(Debug)]
pub(crate) struct Names {
    prefix: String,
    tmp: u32,
    aliases: BTreeMap<String, String>,
}

impl Names {
    pub(crate) fn new(source: &str) -> Self {
        let mut prefix = String::from("py_t");
        while source.contains(&prefix) {
            prefix.insert(0, '_');
        }
        Names {
            prefix,
            tmp: 0,
            aliases: BTreeMap::new(),
        }
    }

    /// A fresh temporary name.
    pub(crate) fn temp(&mut self) -> String {
        self.tmp += 1;
        format!("{}{}", self.prefix, self.tmp)
    }

    /// The Rhai name of variable `name`: itself, or an alias when Rhai
    /// reserves it or it is not a valid Rhai identifier.
    pub(crate) fn var(&mut self, name: &str) -> String {
        if is_rhai_name(name) {
            return name.to_string();
        }
        let mut alias = format!("{}v_", self.prefix);
        for c in name.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                alias.push(c);
            } else {
                alias.push_str(&format!("u{:x}_", c as u32));
            }
        }
        self.aliases.insert(alias.clone(), name.to_string());
        alias
    }

    pub(crate) fn finish(self, rhai: String) -> Translation {
        Translation {
            rhai,
            aliases: self.aliases.into_iter().collect(),
        }
    }
}

/// A Rhai string literal with `s` as its value.
pub(crate) fn rhai_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rhai float literal (always with a `.` so it lexes as a float).
pub(crate) fn rhai_float(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() {
            "(0.0 / 0.0)".into()
        } else if f > 0.0 {
            "(1.0 / 0.0)".into()
        } else {
            "(-1.0 / 0.0)".into()
        };
    }
    let s = format!("{f:?}");
    match s.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(rhai_float(1e20), "1.0e20");
        assert_eq!(rhai_float(2.5), "2.5");
        assert_eq!(rhai_str("a\"b\\\n"), "\"a\\\"b\\\\\\n\"");
    }

    #[test]
    fn names() {
        let mut n = Names::new("py_t1 = 1");
        assert_eq!(n.temp(), "_py_t1");
        assert_eq!(n.var("x"), "x");
        assert_eq!(n.var("default"), "_py_tv_default");
        assert_eq!(n.finish(String::new()).aliases.len(), 1);
    }
}
