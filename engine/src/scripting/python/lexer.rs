//! Python tokens: names, numbers, strings (f-strings kept raw for the
//! parser), operators, and the NEWLINE / INDENT / DEDENT structure of
//! Python's layout rule.

use crate::scripting::TranslateError;

/// One token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    /// An f-string: its body as written (escapes not yet processed), and
    /// whether it is raw (`rf"…"`).
    FStr {
        body: String,
        raw: bool,
    },
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

/// A token and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub col: u32,
}

/// Operators, longest first so `**=` wins over `**` and `*`.
const OPS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "!=", "==", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "&=",
    "|=", "^=", "@=", "**", "//", "<<", ">>", "->", ":=", "+", "-", "*", "/", "%", "<", ">", "=",
    "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "@", "&", "|", "^", "~",
];

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
    /// Columns removed from every line by the common-indent strip.
    shift: u32,
    out: Vec<Token>,
    indents: Vec<u32>,
    depth: u32,
}

fn err(line: u32, col: u32, construct: &str, message: impl Into<String>) -> TranslateError {
    TranslateError::new(line, col, construct, message)
}

/// Removes the indentation common to every non-blank line (scripts in BPMN
/// files are often indented with the XML), keeping line numbers.
fn dedent(text: &str) -> (String, u32) {
    let common = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').count())
        .min()
        .unwrap_or(0);
    if common == 0 {
        return (text.to_string(), 0);
    }
    let mut out = String::with_capacity(text.len());
    for (n, l) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if l.trim().is_empty() {
            continue;
        }
        out.extend(l.chars().skip(common));
    }
    (out, common as u32)
}

/// Splits Python source into tokens. `expression` lexes a single expression
/// (a condition, an f-string field): no indentation structure.
pub fn tokenize(src: &str, expression: bool) -> Result<Vec<Token>, TranslateError> {
    let src = src.replace("\r\n", "\n").replace('\r', "\n");
    let (text, shift) = dedent(&src);
    let mut lx = Lexer {
        chars: text.chars().collect(),
        i: 0,
        line: 1,
        col: 1,
        shift,
        out: Vec::new(),
        indents: vec![0],
        depth: if expression { 1 } else { 0 },
    };
    lx.run(expression)?;
    Ok(lx.out)
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.i).copied()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn col(&self) -> u32 {
        self.col + self.shift
    }

    fn push(&mut self, tok: Tok, line: u32, col: u32) {
        self.out.push(Token { tok, line, col });
    }

    fn run(&mut self, expression: bool) -> Result<(), TranslateError> {
        let mut at_line_start = !expression;
        loop {
            if at_line_start {
                // A blank or comment line is consumed whole; the next line
                // starts a line again (its indentation counts).
                at_line_start = self.indentation()?;
                if at_line_start {
                    continue;
                }
            }
            let Some(c) = self.peek(0) else { break };
            let (line, col) = (self.line, self.col());
            match c {
                '\n' => {
                    self.bump();
                    if self.depth == 0 {
                        if !matches!(
                            self.out.last().map(|t| &t.tok),
                            None | Some(Tok::Newline) | Some(Tok::Indent) | Some(Tok::Dedent)
                        ) {
                            self.push(Tok::Newline, line, col);
                        }
                        at_line_start = true;
                    }
                }
                ' ' | '\t' | '\x0c' => {
                    self.bump();
                }
                '#' => {
                    while self.peek(0).is_some_and(|c| c != '\n') {
                        self.bump();
                    }
                }
                '\\' if self.peek(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                '0'..='9' => self.number()?,
                '.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number()?,
                c if c == '_' || c.is_alphabetic() => {
                    let mut name = String::new();
                    while let Some(c) = self.peek(0) {
                        if c == '_' || c.is_alphanumeric() {
                            name.push(c);
                            self.bump();
                        } else {
                            break;
                        }
                    }
                    if matches!(self.peek(0), Some('"' | '\'')) && is_prefix(&name) {
                        self.string(&name, line, col)?;
                    } else {
                        self.push(Tok::Name(name), line, col);
                    }
                }
                '"' | '\'' => self.string("", line, col)?,
                _ => {
                    let op = OPS.iter().find(|op| {
                        op.chars()
                            .enumerate()
                            .all(|(k, oc)| self.peek(k) == Some(oc))
                    });
                    let Some(op) = op else {
                        return Err(err(
                            line,
                            col,
                            "syntax",
                            format!("unexpected character `{c}`"),
                        ));
                    };
                    for _ in 0..op.chars().count() {
                        self.bump();
                    }
                    match *op {
                        "(" | "[" | "{" => self.depth += 1,
                        ")" | "]" | "}" => self.depth = self.depth.saturating_sub(1),
                        _ => {}
                    }
                    self.push(Tok::Op(op), line, col);
                }
            }
        }
        let (line, col) = (self.line, self.col());
        if !expression
            && !matches!(
                self.out.last().map(|t| &t.tok),
                None | Some(Tok::Newline) | Some(Tok::Dedent)
            )
        {
            self.push(Tok::Newline, line, col);
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, line, col);
        }
        self.push(Tok::Eof, line, col);
        Ok(())
    }

    /// Measures the indentation at a line start; emits INDENT/DEDENT. Returns
    /// true when the line is blank or a comment (nothing emitted).
    fn indentation(&mut self) -> Result<bool, TranslateError> {
        let mut width = 0u32;
        while let Some(c) = self.peek(0) {
            match c {
                ' ' => width += 1,
                '\t' => width = (width / 8 + 1) * 8,
                '\x0c' => width = 0,
                _ => break,
            }
            self.bump();
        }
        match self.peek(0) {
            None => return Ok(false),
            Some('\n') => {
                self.bump();
                return Ok(true);
            }
            Some('#') => {
                while self.peek(0).is_some_and(|c| c != '\n') {
                    self.bump();
                }
                if self.peek(0).is_some() {
                    self.bump();
                }
                return Ok(true);
            }
            _ => {}
        }
        let (line, col) = (self.line, self.col());
        let current = *self.indents.last().unwrap_or(&0);
        if width > current {
            self.indents.push(width);
            self.push(Tok::Indent, line, col);
        } else {
            while width < *self.indents.last().unwrap_or(&0) {
                self.indents.pop();
                self.push(Tok::Dedent, line, col);
            }
            if width != *self.indents.last().unwrap_or(&0) {
                return Err(err(
                    line,
                    col,
                    "indentation",
                    "this line's indentation matches no enclosing block",
                ));
            }
        }
        Ok(false)
    }

    fn number(&mut self) -> Result<(), TranslateError> {
        let (line, col) = (self.line, self.col());
        let mut s = String::new();
        let radix = if self.peek(0) == Some('0') {
            match self.peek(1).map(|c| c.to_ascii_lowercase()) {
                Some('x') => 16,
                Some('o') => 8,
                Some('b') => 2,
                _ => 10,
            }
        } else {
            10
        };
        if radix != 10 {
            self.bump();
            self.bump();
            while let Some(c) = self.peek(0) {
                if c.is_digit(radix) || c == '_' {
                    if c != '_' {
                        s.push(c);
                    }
                    self.bump();
                } else {
                    break;
                }
            }
            let v = i64::from_str_radix(&s, radix).map_err(|_| {
                err(
                    line,
                    col,
                    "integer literal",
                    "this integer literal is malformed or larger than 64 bits",
                )
            })?;
            self.push(Tok::Int(v), line, col);
            return Ok(());
        }
        let mut is_float = false;
        let mut seen_e = false;
        while let Some(c) = self.peek(0) {
            match c {
                '0'..='9' => s.push(c),
                '_' => {}
                '.' if !is_float && !seen_e => {
                    is_float = true;
                    s.push(c);
                }
                'e' | 'E'
                    if !seen_e
                        && (self.peek(1).is_some_and(|d| d.is_ascii_digit())
                            || (matches!(self.peek(1), Some('+' | '-'))
                                && self.peek(2).is_some_and(|d| d.is_ascii_digit()))) =>
                {
                    seen_e = true;
                    is_float = true;
                    s.push('e');
                    self.bump();
                    if let Some(sign @ ('+' | '-')) = self.peek(0) {
                        s.push(sign);
                        self.bump();
                    }
                    continue;
                }
                _ => break,
            }
            self.bump();
        }
        if matches!(self.peek(0), Some('j' | 'J')) {
            return Err(err(
                line,
                col,
                "complex number",
                "complex numbers are not supported",
            ));
        }
        if is_float {
            let v: f64 = s
                .parse()
                .map_err(|_| err(line, col, "float literal", "this number is malformed"))?;
            self.push(Tok::Float(v), line, col);
        } else {
            let v: i64 = s.parse().map_err(|_| {
                err(
                    line,
                    col,
                    "integer literal",
                    "this integer is larger than 64 bits, which is not supported",
                )
            })?;
            self.push(Tok::Int(v), line, col);
        }
        Ok(())
    }

    fn string(&mut self, prefix: &str, line: u32, col: u32) -> Result<(), TranslateError> {
        let p = prefix.to_ascii_lowercase();
        if p.contains('b') {
            return Err(err(
                line,
                col,
                "bytes literal",
                "bytes literals (b\"…\") are not supported",
            ));
        }
        let raw = p.contains('r');
        let fstring = p.contains('f');
        let Some(q) = self.bump() else {
            return Err(err(line, col, "syntax", "unterminated string"));
        };
        let triple = self.peek(0) == Some(q) && self.peek(1) == Some(q);
        if triple {
            self.bump();
            self.bump();
        }
        let mut body = String::new();
        loop {
            let Some(c) = self.peek(0) else {
                return Err(err(line, col, "syntax", "unterminated string"));
            };
            if c == q && (!triple || (self.peek(1) == Some(q) && self.peek(2) == Some(q))) {
                self.bump();
                if triple {
                    self.bump();
                    self.bump();
                }
                break;
            }
            if c == '\n' && !triple {
                return Err(err(line, col, "syntax", "unterminated string"));
            }
            if c == '\\' {
                body.push(c);
                self.bump();
                if let Some(n) = self.bump() {
                    body.push(n);
                }
                continue;
            }
            body.push(c);
            self.bump();
        }
        if fstring {
            self.push(Tok::FStr { body, raw }, line, col);
        } else {
            let s = if raw {
                body
            } else {
                unescape(&body).map_err(|m| err(line, col, "string escape", m))?
            };
            self.push(Tok::Str(s), line, col);
        }
        Ok(())
    }
}

fn is_prefix(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf"
    )
}

/// Processes the backslash escapes of a (non-raw) Python string body.
pub fn unescape(body: &str) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).ok_or("invalid octal escape")?);
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| it.next()).collect();
                let v = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == n)
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("invalid \\{e} escape"))?;
                out.push(v);
            }
            'N' => return Err("\\N{…} escapes are not supported".into()),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s, false)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn layout_tokens() {
        let t = toks("if x:\n    y = 1\nz = 2\n");
        assert_eq!(
            t,
            vec![
                Tok::Name("if".into()),
                Tok::Name("x".into()),
                Tok::Op(":"),
                Tok::Newline,
                Tok::Indent,
                Tok::Name("y".into()),
                Tok::Op("="),
                Tok::Int(1),
                Tok::Newline,
                Tok::Dedent,
                Tok::Name("z".into()),
                Tok::Op("="),
                Tok::Int(2),
                Tok::Newline,
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn brackets_join_lines_and_strings_unescape() {
        let t = toks("d = {\n 'a': \"x\\ny\",\n}\n");
        assert!(t.contains(&Tok::Str("x\ny".into())));
        assert_eq!(t.iter().filter(|t| **t == Tok::Newline).count(), 1);
    }

    #[test]
    fn common_indentation_is_removed() {
        let t = toks("\n    a = 1\n    b = 2\n");
        assert!(!t.contains(&Tok::Indent));
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("1_000")[0], Tok::Int(1000));
        assert_eq!(toks("2.5e3")[0], Tok::Float(2500.0));
        assert_eq!(toks("0x1F")[0], Tok::Int(31));
        assert!(tokenize("99999999999999999999", false).is_err());
    }

    #[test]
    fn blank_lines_between_blocks() {
        let t = toks("if a:\n    b\n\n# c\nif d:\n    e\n");
        assert_eq!(t.iter().filter(|t| **t == Tok::Indent).count(), 2, "{t:?}");
        assert_eq!(t.iter().filter(|t| **t == Tok::Dedent).count(), 2, "{t:?}");
    }

    #[test]
    fn bad_dedent_is_an_error() {
        let e = tokenize("if x:\n    y = 1\n  z = 2\n", false).unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(e.construct, "indentation");
    }
}
