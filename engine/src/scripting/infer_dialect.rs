//! Which dialect a file's code is in, when nothing in the file says.
//!
//! SpiffWorkflow diagrams saved by Camunda Modeler carry Python without any
//! `scriptFormat` or `expressionLanguage`; the engine's own diagrams carry
//! Rhai the same way. The code itself tells them apart, judged over the
//! whole file so one ambiguous line (`total = price * qty` is both) follows
//! its neighbours:
//!
//! 1. any Rhai-only syntax — `let`, `const` or `fn` declarations, `#{…}`
//!    maps, `;` ending a statement — keeps the file Rhai;
//! 2. code that all parses in the Python subset is Python when some of it
//!    is not valid Rhai, or uses what compiles as Rhai but can only be
//!    Python (`True`, `None`, `pass`, `'text'`);
//! 3. code valid in both follows the language other elements of the file
//!    name (`scriptFormat="rhai"` on a script task makes the file's bare
//!    conditions Rhai); else it is Python when the file uses SpiffWorkflow
//!    extensions, Rhai otherwise;
//! 4. code outside the Python subset that is all valid Rhai is Rhai,
//!    unless the file uses SpiffWorkflow extensions and names no Rhai:
//!    then it is Python written beyond the subset (`lookup(x)` of a host
//!    function), and its error names the construct;
//! 5. code some of which fits neither (a mistake, or Python outside the
//!    subset such as `import os`) takes the dialect where fewer elements
//!    fail — Python when the file uses SpiffWorkflow extensions — so the
//!    errors name the constructs in the language the author wrote.
//!
//! Each candidate is compiled at most twice, once per dialect; a file is
//! judged once, when the diagrams are compiled.

use super::{CompileError, Compiled, ScriptEngine};
use crate::model::{Dialect, DialectReason, ExprKind, FileDialect};

/// One script or condition of the file whose dialect is being inferred.
pub struct Candidate<'a> {
    /// The code as written.
    pub text: &'a str,
    /// Whether it is a script or a condition.
    pub kind: ExprKind,
    /// The id of the element that owns it, for the reason.
    pub owner: &'a str,
}

/// What else the file says about its language.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clues<'a> {
    /// The file uses the SpiffWorkflow extension namespace.
    pub spiff_extensions: bool,
    /// An element of the file whose code names Rhai (`scriptFormat` /
    /// `language`), and one whose code names Python.
    pub named_rhai: Option<&'a str>,
    /// See `named_rhai`: the element whose code names Python.
    pub named_python: Option<&'a str>,
}

/// The dialect inferred for a file, and its candidates compiled in it when
/// inferring had to compile them (so they are not compiled again).
pub struct Inferred {
    /// The file's dialect and the reason it was chosen.
    pub dialect: FileDialect,
    /// Per candidate, in order; `None` when syntax alone decided.
    pub compiled: Option<Vec<Result<Compiled, CompileError>>>,
}

/// The dialect of a file with `candidates` as its code.
pub fn infer(engine: &ScriptEngine, candidates: &[Candidate<'_>], clues: Clues<'_>) -> Inferred {
    let decided = |dialect, reason| Inferred {
        dialect: FileDialect { dialect, reason },
        compiled: None,
    };
    let spiff_extensions = clues.spiff_extensions;
    if candidates.is_empty() {
        let dialect = if spiff_extensions {
            Dialect::Python
        } else {
            Dialect::Rhai
        };
        return decided(dialect, DialectReason::NoCode);
    }
    for c in candidates {
        if let Some(construct) = rhai_only_syntax(c.text) {
            return decided(
                Dialect::Rhai,
                DialectReason::RhaiSyntax {
                    element: c.owner.to_string(),
                    construct: construct.to_string(),
                },
            );
        }
    }
    let compile = |dialect: Dialect| -> Vec<_> {
        candidates
            .iter()
            .map(|c| engine.compile_in(c.text, c.kind, dialect))
            .collect()
    };
    let (python, rhai) = (compile(Dialect::Python), compile(Dialect::Rhai));
    // `x = True` compiles as Rhai (an unknown variable) but can only mean
    // Python.
    let marked: Vec<bool> = candidates
        .iter()
        .map(|c| python_only_syntax(c.text).is_some())
        .collect();
    let owners = |failed: &dyn Fn(usize) -> bool| -> Vec<&str> {
        (0..candidates.len())
            .filter(|&i| failed(i))
            .map(|i| candidates[i].owner)
            .collect()
    };
    let not_python = owners(&|i| python[i].is_err());
    let not_rhai = owners(&|i| marked[i] || rhai[i].is_err());
    let mut chosen = match (not_python.first(), not_rhai.first()) {
        (None, Some(element)) => decided(
            Dialect::Python,
            DialectReason::PythonNotRhai {
                element: element.to_string(),
            },
        ),
        (None, None) => match (clues.named_rhai, clues.named_python) {
            (Some(element), None) => decided(
                Dialect::Rhai,
                DialectReason::Named {
                    element: element.to_string(),
                },
            ),
            (None, Some(element)) => decided(
                Dialect::Python,
                DialectReason::Named {
                    element: element.to_string(),
                },
            ),
            _ if spiff_extensions => {
                decided(Dialect::Python, DialectReason::PythonWithSpiffExtensions)
            }
            _ => decided(Dialect::Rhai, DialectReason::BothValid),
        },
        (Some(element), None) if spiff_extensions && clues.named_rhai.is_none() => decided(
            Dialect::Python,
            DialectReason::PythonBeyondSubset {
                element: element.to_string(),
            },
        ),
        (Some(element), None) => decided(
            Dialect::Rhai,
            DialectReason::RhaiNotPython {
                element: element.to_string(),
            },
        ),
        (Some(_), Some(_)) => {
            // A tie goes to Python when some code can only be Python (a
            // host function called with 'text'), so errors speak its terms.
            let python_marked = marked.contains(&true);
            let python = spiff_extensions
                || not_python.len() < not_rhai.len()
                || (not_python.len() == not_rhai.len() && python_marked);
            let (dialect, failures, other) = if python {
                (Dialect::Python, not_python.len(), not_rhai.len())
            } else {
                (Dialect::Rhai, not_rhai.len(), not_python.len())
            };
            decided(dialect, DialectReason::Neither { failures, other })
        }
    };
    chosen.compiled = Some(match chosen.dialect.dialect {
        Dialect::Python => python,
        _ => rhai,
    });
    chosen
}

/// A token of code, as far as telling the dialects apart needs: words,
/// string literals and single punctuation bytes; Python `#` comments (but
/// not a Rhai `#{`) are skipped.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Token<'a> {
    /// A word, and whether it follows a `.` (`a.let` is no keyword).
    Word(&'a str, bool),
    /// A string literal: its quote and its text between the quotes.
    Str(u8, &'a str),
    Punct(u8),
}

/// The tokens of `text`, in order.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_dot = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' || b == b'`' {
            let end = skip_string(bytes, i);
            let inner = text.get(i + 1..end.saturating_sub(1)).unwrap_or("");
            out.push(Token::Str(b, inner));
            i = end;
            after_dot = false;
        } else if b == b'#' && bytes.get(i + 1) != Some(&b'{') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token::Word(&text[start..i], after_dot));
            after_dot = false;
        } else {
            if !b.is_ascii_whitespace() {
                out.push(Token::Punct(b));
                after_dot = b == b'.';
            }
            i += 1;
        }
    }
    out
}

/// The first piece of syntax in `text` that only Rhai has, outside string
/// literals and Python comments.
fn rhai_only_syntax(text: &str) -> Option<&'static str> {
    // `if x > 1 {`: Python ends such a line with `:` before any brace.
    for line in text.lines() {
        let t = line.trim();
        let word = t.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        let block_keyword = matches!(
            word,
            "if" | "else" | "while" | "for" | "loop" | "switch" | "do"
        );
        let brace_first = match (t.find('{'), t.find(':')) {
            (Some(b), Some(c)) => b < c,
            (Some(_), None) => true,
            _ => false,
        };
        let opens = t.ends_with('{') || (brace_first && !t.ends_with(':'));
        if (block_keyword && opens) || t.starts_with("} else") {
            return Some("a `{…}` block");
        }
    }
    let toks = tokens(text);
    for (k, tok) in toks.iter().enumerate() {
        match *tok {
            // Python allows `a = 1; b = 2` but nobody writes it; in Rhai
            // every statement but the last ends so.
            Token::Punct(b';') => return Some("`;` ending a statement"),
            Token::Punct(b'#') => return Some("a `#{…}` map"),
            // A declaration: the keyword at a word start, a name after it.
            Token::Word(w, false) if matches!(toks.get(k + 1), Some(Token::Word(..))) => match w {
                "let" => return Some("a `let` declaration"),
                "const" => return Some("a `const` declaration"),
                "fn" => return Some("an `fn` definition"),
                _ => {}
            },
            _ => {}
        }
    }
    None
}

/// The first piece of code in `text` that compiles as Rhai but can only be
/// Python: its constants and keywords as words (`True`, `None`, `pass`,
/// `and`…), or a single-quoted string of more than one character (Rhai's
/// `'x'` is one character).
fn python_only_syntax(text: &str) -> Option<&'static str> {
    tokens(text).into_iter().find_map(|tok| match tok {
        Token::Str(b'\'', inner) if inner.chars().count() > 1 && !inner.starts_with('\\') => {
            Some("a '…' string")
        }
        Token::Word(w, false) => match w {
            "True" => Some("`True`"),
            "False" => Some("`False`"),
            "None" => Some("`None`"),
            "pass" => Some("`pass`"),
            "elif" => Some("`elif`"),
            "def" => Some("`def`"),
            "del" => Some("`del`"),
            "import" => Some("`import`"),
            "lambda" => Some("`lambda`"),
            "and" => Some("`and`"),
            "or" => Some("`or`"),
            "not" => Some("`not`"),
            "is" => Some("`is`"),
            _ => None,
        },
        _ => None,
    })
}

/// The index just past the string literal opening at `start` (Python's
/// triple quotes included; an unterminated one runs to the end).
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let q = bytes[start];
    let triple = q != b'`' && bytes.get(start + 1) == Some(&q) && bytes.get(start + 2) == Some(&q);
    let mut i = start + if triple { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == q => {
                if !triple {
                    return i + 1;
                }
                if bytes.get(i + 1) == Some(&q) && bytes.get(i + 2) == Some(&q) {
                    return i + 3;
                }
                i += 1;
            }
            b'\n' if !triple && q != b'`' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scripting::Limits;

    #[test]
    fn rhai_only_syntax_outside_strings_and_comments() {
        assert_eq!(rhai_only_syntax("let x = 1"), Some("a `let` declaration"));
        assert_eq!(rhai_only_syntax("x = 1;"), Some("`;` ending a statement"));
        assert_eq!(rhai_only_syntax("x = #{a: 1}"), Some("a `#{…}` map"));
        assert_eq!(
            rhai_only_syntax("fn f(a) { a }"),
            Some("an `fn` definition")
        );
        assert_eq!(
            rhai_only_syntax("const N = 3"),
            Some("a `const` declaration")
        );
        assert_eq!(rhai_only_syntax("if a:\n    let_me = 1"), None);
        assert_eq!(rhai_only_syntax("x = 'a;b' + \"let y\""), None);
        assert_eq!(rhai_only_syntax("x = '''a;\nb'''"), None);
        assert_eq!(rhai_only_syntax("x = 1  # done; #{not a map}"), None);
        assert_eq!(rhai_only_syntax("y = [i for i in range(3)]"), None);
        assert_eq!(rhai_only_syntax("y = obj.let"), None);
        assert_eq!(
            rhai_only_syntax("if x > 1 {\n  y = 2\n}"),
            Some("a `{…}` block")
        );
        assert_eq!(rhai_only_syntax("y = 1\n} else {"), Some("a `{…}` block"));
        assert_eq!(
            rhai_only_syntax("if x in {1, 2}:\n    y = {\n 'a': 1}"),
            None
        );
    }

    #[test]
    fn python_only_syntax_outside_strings_and_comments() {
        assert_eq!(python_only_syntax("done = True"), Some("`True`"));
        assert_eq!(python_only_syntax("x == None"), Some("`None`"));
        assert_eq!(python_only_syntax("if a:\n    pass"), Some("`pass`"));
        assert_eq!(python_only_syntax("greet('hello')"), Some("a '…' string"));
        assert_eq!(python_only_syntax("c = 'x'"), None);
        assert_eq!(python_only_syntax("c = '\\n'"), None);
        assert_eq!(python_only_syntax("s = \"True or None\"  # pass"), None);
        assert_eq!(python_only_syntax("x = obj.None"), None);
        assert_eq!(python_only_syntax("total = price * qty"), None);
    }

    fn infer_texts(texts: &[(&str, ExprKind)], spiff: bool) -> FileDialect {
        infer_with(
            texts,
            Clues {
                spiff_extensions: spiff,
                ..Clues::default()
            },
        )
    }

    fn infer_with(texts: &[(&str, ExprKind)], clues: Clues<'_>) -> FileDialect {
        let engine = ScriptEngine::new(Limits::default());
        let cands: Vec<_> = texts
            .iter()
            .map(|(t, k)| Candidate {
                text: t,
                kind: *k,
                owner: "Task",
            })
            .collect();
        infer(&engine, &cands, clues).dialect
    }

    #[test]
    fn the_five_rules() {
        use ExprKind::*;
        let py = [
            ("total = price * qty", Script),
            ("names = [p['name'] for p in products]", Script),
        ];
        let d = infer_texts(&py, false);
        assert_eq!(d.dialect, Dialect::Python);
        assert!(
            matches!(d.reason, DialectReason::PythonNotRhai { .. }),
            "{d}"
        );
        let both = [("total = price * qty", Script), ("total > 10", Condition)];
        assert_eq!(infer_texts(&both, false).dialect, Dialect::Rhai);
        let d = infer_texts(&both, true);
        assert_eq!(
            (d.dialect, d.reason),
            (Dialect::Python, DialectReason::PythonWithSpiffExtensions)
        );
        let rhai = [
            ("let t = price * qty; total = t", Script),
            ("x = [1]", Script),
        ];
        assert_eq!(infer_texts(&rhai, true).dialect, Dialect::Rhai);
        let rhai_block = [("if x > 1 { y = 2 } else { y = 3 }", Script)];
        let d = infer_texts(&rhai_block, true);
        assert_eq!(d.dialect, Dialect::Rhai, "{d}");
        let host_call = [("info = lookup(name)", Script), ("n = len(info)", Script)];
        assert_eq!(infer_texts(&host_call, false).dialect, Dialect::Rhai);
        let d = infer_texts(&host_call, true);
        assert!(
            matches!(d.reason, DialectReason::PythonBeyondSubset { .. }),
            "{d}"
        );
        let neither_spiff = [
            ("from os import getpid\npid = getpid()", Script),
            ("ok = x if x else 0", Script),
        ];
        assert_eq!(infer_texts(&neither_spiff, true).dialect, Dialect::Python);
        // Ambiguous code follows what the file's other elements name.
        let named = Clues {
            spiff_extensions: true,
            named_rhai: Some("Task_Total"),
            named_python: None,
        };
        let d = infer_with(&both, named);
        assert_eq!(d.dialect, Dialect::Rhai, "{d}");
        assert_eq!(infer_with(&py, named).dialect, Dialect::Python);
        // Python's constants compile as Rhai names, but mean Python.
        let constants = [("done = True", Script), ("total = price * qty", Script)];
        let d = infer_texts(&constants, false);
        assert_eq!(d.dialect, Dialect::Python, "{d}");
        // A host function called with a Python string: both fail, the
        // errors speak Python.
        let host = [("greeting = my_custom_function('hello')", Script)];
        assert_eq!(infer_texts(&host, false).dialect, Dialect::Python);
        let d = infer_texts(&[], false);
        assert_eq!(
            (d.dialect, d.reason),
            (Dialect::Rhai, DialectReason::NoCode)
        );
    }
}
