//! FEEL tokens. Names are single words here; the parser joins adjacent
//! words into names with spaces (`Monthly Salary`), as FEEL allows.

use crate::dmn::number::Number;

use std::sync::Arc;

/// One token and the character offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Number(Number),
    String(Arc<str>),
    /// A word: a name part or a keyword (`and`, `if`…).
    Word(String),
    /// A whole name known to contain spaces or symbols (an input data or
    /// decision name), matched before splitting into words.
    KnownName(String),
    /// `@"…"`: a temporal literal.
    At(Arc<str>),
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    DotDot,
    Colon,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    StarStar,
    Question,
    End,
}

/// A lexing or parsing failure at a character offset of the expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub at: usize,
    pub message: String,
}

/// FEEL's name start characters: letters, `_`, and the Unicode ranges the
/// grammar lists (emoji included).
fn is_name_start(c: char) -> bool {
    c.is_alphabetic()
        || c == '_'
        || matches!(c as u32,
            0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF | 0x370..=0x37D | 0x37F..=0x1FFF
            | 0x200C..=0x200D | 0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF
            | 0xF900..=0xFDCF | 0xFDF0..=0xFFFD | 0x10000..=0xEFFFF)
}

fn is_name_part(c: char) -> bool {
    is_name_start(c)
        || c.is_alphanumeric()
        || c == '\''
        || matches!(c as u32, 0xB7 | 0x300..=0x36F | 0x203F..=0x2040)
}

/// Splits `text` into tokens. `known` lists names with spaces or symbols
/// that should be read whole (longest first).
pub(crate) fn lex(text: &str, known: &[String]) -> Result<Vec<Token>, SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, message: String| SyntaxError { at, message };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Comments: `// to the end of the line` and `/* … */`.
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let start = i;
            i += 2;
            loop {
                if i + 1 >= chars.len() {
                    return Err(err(
                        start,
                        "this comment is never closed (missing `*/`)".into(),
                    ));
                }
                if chars[i] == '*' && chars[i + 1] == '/' {
                    i += 2;
                    break;
                }
                i += 1;
            }
            continue;
        }
        let start = i;
        let prev_is_dot = matches!(out.last(), Some(Token { kind: Tok::Dot, .. }));
        if is_name_start(c) && !prev_is_dot {
            if let Some(k) = known.iter().find(|k| matches_at(&chars, i, k)) {
                i += k.chars().count();
                out.push(Token {
                    kind: Tok::KnownName(k.clone()),
                    at: start,
                });
                continue;
            }
        }
        let kind = match c {
            '"' => {
                let (s, next) = string(&chars, i).ok_or_else(|| {
                    err(start, "this string is never closed (missing `\"`)".into())
                })?;
                i = next;
                Tok::String(s.into())
            }
            '@' if chars.get(i + 1) == Some(&'"') => {
                let (s, next) = string(&chars, i + 1).ok_or_else(|| {
                    err(start, "this string is never closed (missing `\"`)".into())
                })?;
                i = next;
                Tok::At(s.into())
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let mut j = i;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                // `1..5` is a range, not the number `1.`.
                if j < chars.len()
                    && chars[j] == '.'
                    && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                {
                    j += 1;
                    while j < chars.len() && chars[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < chars.len() && (chars[j] == 'e' || chars[j] == 'E') {
                    let mut k = j + 1;
                    if k < chars.len() && (chars[k] == '+' || chars[k] == '-') {
                        k += 1;
                    }
                    if k < chars.len() && chars[k].is_ascii_digit() {
                        while k < chars.len() && chars[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                let s: String = chars[i..j].iter().collect();
                i = j;
                Tok::Number(
                    Number::parse(&s)
                        .ok_or_else(|| err(start, format!("`{s}` is not a number")))?,
                )
            }
            c if is_name_start(c) => {
                let mut j = i;
                while j < chars.len() && is_name_part(chars[j]) {
                    j += 1;
                }
                let s: String = chars[i..j].iter().collect();
                i = j;
                Tok::Word(s)
            }
            _ => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let (t, n) = match two.as_str() {
                    ".." => (Tok::DotDot, 2),
                    "!=" => (Tok::Ne, 2),
                    "<=" => (Tok::Le, 2),
                    ">=" => (Tok::Ge, 2),
                    "**" => (Tok::StarStar, 2),
                    // Rhai and Python habits, accepted for `=`.
                    "==" => (Tok::Eq, 2),
                    _ => (
                        match c {
                            '(' => Tok::LParen,
                            ')' => Tok::RParen,
                            '[' => Tok::LBracket,
                            ']' => Tok::RBracket,
                            '{' => Tok::LBrace,
                            '}' => Tok::RBrace,
                            ',' => Tok::Comma,
                            '.' => Tok::Dot,
                            ':' => Tok::Colon,
                            '=' => Tok::Eq,
                            '<' => Tok::Lt,
                            '>' => Tok::Gt,
                            '+' => Tok::Plus,
                            '-' => Tok::Minus,
                            '*' => Tok::Star,
                            '/' => Tok::Slash,
                            '?' => Tok::Question,
                            other => {
                                return Err(err(start, format!("unexpected character `{other}`")));
                            }
                        },
                        1,
                    ),
                };
                i += n;
                t
            }
        };
        out.push(Token { kind, at: start });
    }
    out.push(Token {
        kind: Tok::End,
        at: chars.len(),
    });
    Ok(out)
}

/// True when `name` is written at `i` and not followed by more name.
fn matches_at(chars: &[char], i: usize, name: &str) -> bool {
    let mut j = i;
    for nc in name.chars() {
        if chars.get(j) != Some(&nc) {
            return false;
        }
        j += 1;
    }
    !chars.get(j).is_some_and(|&c| is_name_part(c))
}

/// Reads a string literal starting at the quote `chars[i]`; returns its value
/// and the offset after the closing quote. Escapes: `\n`, `\t`, `\r`,
/// `\uXXXX` (UTF-16, so surrogate pairs join), `\UXXXXXX`, `\"`, `\'`,
/// `\\`; a backslash before any other character is kept.
fn string(chars: &[char], i: usize) -> Option<(String, usize)> {
    let mut s = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        match chars[j] {
            '"' => return Some((s, j + 1)),
            '\\' if j + 1 < chars.len() => {
                j += 1;
                match chars[j] {
                    'n' => s.push('\n'),
                    't' => s.push('\t'),
                    'r' => s.push('\r'),
                    'u' => {
                        let mut code = hex(chars, j + 1, 4)?;
                        j += 4;
                        // A UTF-16 surrogate pair spelled as two escapes
                        // (`\uD83D\uDCA9`) is one code point.
                        if (0xD800..0xDC00).contains(&code)
                            && chars.get(j + 1..j + 3) == Some(&['\\', 'u'])
                        {
                            let low = hex(chars, j + 3, 4)?;
                            if (0xDC00..0xE000).contains(&low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                j += 6;
                            }
                        }
                        s.push(char::from_u32(code)?);
                    }
                    'U' => {
                        s.push(char::from_u32(hex(chars, j + 1, 6)?)?);
                        j += 6;
                    }
                    c @ ('"' | '\'' | '\\') => s.push(c),
                    // Not an escape in FEEL: the backslash is kept, so
                    // regular expressions such as "\d+" reach `matches`.
                    other => {
                        s.push('\\');
                        s.push(other);
                    }
                }
            }
            c => s.push(c),
        }
        j += 1;
    }
    None
}

/// The code point spelled by `len` hex digits at `chars[at..]`.
fn hex(chars: &[char], at: usize, len: usize) -> Option<u32> {
    let digits: String = chars.get(at..at + len)?.iter().collect();
    u32::from_str_radix(&digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s, &[]).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn numbers_ranges_and_operators() {
        assert_eq!(
            kinds("[1..2.5]"),
            vec![
                Tok::LBracket,
                Tok::Number(Number::from_i64(1)),
                Tok::DotDot,
                Tok::Number(Number::parse("2.5").unwrap()),
                Tok::RBracket,
                Tok::End
            ]
        );
        assert_eq!(
            kinds(".872 ** -1"),
            vec![
                Tok::Number(Number::parse("0.872").unwrap()),
                Tok::StarStar,
                Tok::Minus,
                Tok::Number(Number::from_i64(1)),
                Tok::End
            ]
        );
        assert_eq!(kinds(r#""a\"b""#)[0], Tok::String("a\"b".into()));
        assert_eq!(kinds(r#""\d\\s""#)[0], Tok::String(r"\d\s".into()));
        assert_eq!(
            kinds(r#""\U01F40E\uD83D\uDE00\u0041""#)[0],
            Tok::String("🐎😀A".into())
        );
        assert!(lex("\"open", &[]).is_err());
        assert!(lex("a # b", &[]).is_err());
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            kinds("1 // one\n + /* two\n lines */ 2"),
            vec![
                Tok::Number(crate::dmn::number::Number::from_f64(1.0).unwrap()),
                Tok::Plus,
                Tok::Number(crate::dmn::number::Number::from_f64(2.0).unwrap()),
                Tok::End
            ]
        );
        assert!(lex("1 /* open", &[]).is_err());
        assert_eq!(kinds("4 / 2")[1], Tok::Slash);
    }

    #[test]
    fn unicode_escapes() {
        assert_eq!(kinds(r#""\u0041""#)[0], Tok::String("A".into()));
        // A surrogate pair and its six-digit form are the same character.
        assert_eq!(
            kinds(r#""\ud83d\udc0e""#)[0],
            Tok::String("\u{1F40E}".into())
        );
        assert_eq!(kinds(r#""\U01F40E""#)[0], Tok::String("\u{1F40E}".into()));
        assert_eq!(kinds(r#""a\\b""#)[0], Tok::String("a\\b".into()));
    }

    #[test]
    fn known_names_are_read_whole() {
        let known = vec!["Approved/Declined".to_string()];
        let t = lex("Approved/Declined = x", &known).unwrap();
        assert_eq!(t[0].kind, Tok::KnownName("Approved/Declined".into()));
    }
}
