//! The JUEL dialect: Unified EL `${…}` / `#{…}` conditions as Camunda 7
//! writes them, translated to Rhai once at load time.
//!
//! Supported: `eq ne lt gt le ge and or not empty div mod`, `== != < > <= >=
//! && || !`, `+ - * / %`, `a ? b : c`, string / number / boolean / null
//! literals, and property access without method calls (`order.total`,
//! `order['total']`, `items[0]`). EL coercions go through the `juel_*`
//! helpers registered by [`register`]: a missing property or a property of
//! null is null, `null + 1` is 1, `'2' + 1` is 3, `a == b` compares numbers
//! numerically and strings as text, `and`/`or`/`!` and the condition's value
//! are coerced to a boolean (null and any string but "true" are false).
//! Function and method calls, lambdas, assignment and `;` are refused at
//! load time with the construct named.

use std::cmp::Ordering;

use rhai::{Dynamic, Engine, EvalAltResult};

use super::translation::{Names, rhai_float, rhai_str};
use super::{TranslateError, Translation};

type R<T> = Result<T, TranslateError>;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Float(f64),
    Str(String),
    Op(&'static str),
    End,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: u32,
    col: u32,
}

const OPS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "->", "+=", "(", ")", "[", "]", ".", ",", "?", ":", "+",
    "-", "*", "/", "%", "<", ">", "!", "=", ";", "{", "}",
];

/// Translates a JUEL condition: the whole text must be one `${…}` or `#{…}`.
pub fn translate(text: &str) -> Result<Translation, TranslateError> {
    let (body, line, col) = eval_body(text)?;
    let toks = lex(&body, line, col)?;
    let mut p = Parser {
        toks,
        i: 0,
        names: Names::new(text),
        depth: 0,
    };
    let e = p.ternary()?;
    if p.tok().tok != Tok::End {
        return Err(p.unexpected());
    }
    let rhai = format!("juel_bool({e})");
    Ok(p.names.finish(rhai))
}

/// Finds the single `${…}` / `#{…}` that makes up `text`; returns its body
/// and the line and column where the body starts.
fn eval_body(text: &str) -> R<(String, u32, u32)> {
    let trimmed_start = text.len() - text.trim_start().len();
    let before = &text[..trimmed_start];
    let line = 1 + before.matches('\n').count() as u32;
    let col = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
    let t = text.trim();
    let opener = t.starts_with("${") || t.starts_with("#{");
    if !opener {
        return Err(TranslateError::new(
            line,
            col,
            "not an EL expression",
            "a JUEL condition must be written as ${…}; this text is not (if it is Python, choose the Python dialect)",
        ));
    }
    // Find the matching `}`, skipping string literals.
    let chars: Vec<char> = t.chars().collect();
    let mut quote: Option<char> = None;
    let mut depth = 0;
    let mut end = None;
    let mut k = 2;
    while k < chars.len() {
        let c = chars[k];
        match quote {
            Some(_) if c == '\\' => k += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = Some(k);
                    break;
                }
                '}' => depth -= 1,
                _ => {}
            },
        }
        k += 1;
    }
    let Some(end) = end else {
        return Err(TranslateError::new(
            line,
            col,
            "syntax",
            "the `${` is never closed with `}`",
        ));
    };
    if end + 1 != chars.len() {
        return Err(TranslateError::new(
            line,
            col,
            "composite expression",
            "text outside the ${…} (or several ${…}) makes a string, not a condition",
        ));
    }
    Ok((chars[2..end].iter().collect(), line, col + 2))
}

fn lex(body: &str, line0: u32, col0: u32) -> R<Vec<Token>> {
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let (mut line, mut col) = (line0, col0);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (l, cc) = (line, col);
        let mut step = |n: usize, i: &mut usize| {
            for _ in 0..n {
                if chars.get(*i) == Some(&'\n') {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
                *i += 1;
            }
        };
        if c.is_whitespace() {
            step(1, &mut i);
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            let mut is_float = false;
            while i < chars.len() {
                let d = chars[i];
                if d.is_ascii_digit() {
                } else if d == '.' && !is_float {
                    is_float = true;
                } else if (d == 'e' || d == 'E')
                    && chars
                        .get(i + 1)
                        .is_some_and(|n| n.is_ascii_digit() || *n == '+' || *n == '-')
                {
                    is_float = true;
                    step(1, &mut i);
                } else {
                    break;
                }
                step(1, &mut i);
            }
            let s: String = chars[start..i].iter().collect();
            let tok = if is_float {
                Tok::Float(s.parse().map_err(|_| {
                    TranslateError::new(l, cc, "number", format!("malformed number `{s}`"))
                })?)
            } else {
                Tok::Int(s.parse().map_err(|_| {
                    TranslateError::new(l, cc, "number", format!("`{s}` is larger than 64 bits"))
                })?)
            };
            out.push(Token {
                tok,
                line: l,
                col: cc,
            });
            continue;
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                step(1, &mut i);
            }
            let s: String = chars[start..i].iter().collect();
            out.push(Token {
                tok: Tok::Ident(s),
                line: l,
                col: cc,
            });
            continue;
        }
        if c == '\'' || c == '"' {
            step(1, &mut i);
            let mut s = String::new();
            loop {
                let Some(&d) = chars.get(i) else {
                    return Err(TranslateError::new(l, cc, "syntax", "unterminated string"));
                };
                step(1, &mut i);
                if d == c {
                    break;
                }
                if d == '\\' {
                    if let Some(&e) = chars.get(i) {
                        step(1, &mut i);
                        if e != '\\' && e != '\'' && e != '"' {
                            s.push('\\');
                        }
                        s.push(e);
                    }
                    continue;
                }
                s.push(d);
            }
            out.push(Token {
                tok: Tok::Str(s),
                line: l,
                col: cc,
            });
            continue;
        }
        let Some(op) = OPS.iter().find(|op| {
            op.chars()
                .enumerate()
                .all(|(k, oc)| chars.get(i + k) == Some(&oc))
        }) else {
            return Err(TranslateError::new(
                l,
                cc,
                "syntax",
                format!("unexpected character `{c}`"),
            ));
        };
        step(op.len(), &mut i);
        out.push(Token {
            tok: Tok::Op(op),
            line: l,
            col: cc,
        });
    }
    out.push(Token {
        tok: Tok::End,
        line,
        col,
    });
    Ok(out)
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    names: Names,
    /// Nesting of parentheses and unary operators, bounded so hostile
    /// input cannot exhaust the stack.
    depth: u32,
}

impl Parser {
    fn tok(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn advance(&mut self) {
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
    }

    fn error(&self, construct: &str, message: impl Into<String>) -> TranslateError {
        let t = self.tok();
        TranslateError::new(t.line, t.col, construct, message)
    }

    fn unexpected(&self) -> TranslateError {
        let what = match &self.tok().tok {
            Tok::Op(";") => return self.error(";", "`;` (several expressions) is not supported"),
            Tok::Op("=") | Tok::Op("+=") => {
                return self.error("assignment", "assignment is not supported in a condition");
            }
            Tok::Op("->") => return self.error("lambda", "lambda expressions are not supported"),
            Tok::Op(o) => format!("`{o}`"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(i) => format!("`{i}`"),
            Tok::Float(f) => format!("`{f}`"),
            Tok::Str(_) => "a string".into(),
            Tok::End => "the end of the expression".into(),
        };
        self.error("syntax", format!("unexpected {what}"))
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(&self.tok().tok, Tok::Op(o) if *o == op)
    }

    fn at_word(&self, w: &str) -> bool {
        matches!(&self.tok().tok, Tok::Ident(s) if s == w)
    }

    fn eat(&mut self, ops: &[&str], words: &[&str]) -> bool {
        let hit = match &self.tok().tok {
            Tok::Op(o) => ops.contains(o),
            Tok::Ident(s) => words.contains(&s.as_str()),
            _ => false,
        };
        if hit {
            self.advance();
        }
        hit
    }

    fn deeper(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > 100 {
            return Err(self.error(
                "nesting",
                "the expression is nested more than 100 levels deep (parentheses, unary operators or a chain of binary operators)",
            ));
        }
        Ok(())
    }

    /// One more binary operator in a chain: its translation wraps the
    /// chain so far (`juel_arith(juel_arith(a, b, "+"), c, "+")`), so it
    /// counts as a level of nesting. That also keeps translating linear: a
    /// chain of 100,000 operators would otherwise copy the growing text
    /// once per operator.
    fn link(&mut self, links: &mut u32) -> R<()> {
        *links += 1;
        self.deeper()
    }

    fn ternary(&mut self) -> R<String> {
        self.deeper()?;
        let r = self.ternary_inner();
        self.depth -= 1;
        r
    }

    fn ternary_inner(&mut self) -> R<String> {
        let c = self.or()?;
        if self.eat(&["?"], &[]) {
            let a = self.ternary()?;
            if !self.eat(&[":"], &[]) {
                return Err(self.error("syntax", "expected `:` in `a ? b : c`"));
            }
            let b = self.ternary()?;
            return Ok(format!("(if juel_bool({c}) {{ {a} }} else {{ {b} }})"));
        }
        Ok(c)
    }

    fn or(&mut self) -> R<String> {
        let mut l = self.and()?;
        let mut links = 0;
        while self.eat(&["||"], &["or"]) {
            self.link(&mut links)?;
            let r = self.and()?;
            l = format!("(juel_bool({l}) || juel_bool({r}))");
        }
        self.depth -= links;
        Ok(l)
    }

    fn and(&mut self) -> R<String> {
        let mut l = self.equality()?;
        let mut links = 0;
        while self.eat(&["&&"], &["and"]) {
            self.link(&mut links)?;
            let r = self.equality()?;
            l = format!("(juel_bool({l}) && juel_bool({r}))");
        }
        self.depth -= links;
        Ok(l)
    }

    fn equality(&mut self) -> R<String> {
        let mut l = self.relational()?;
        let mut links = 0;
        loop {
            if self.eat(&["=="], &["eq"]) {
                self.link(&mut links)?;
                let r = self.relational()?;
                l = format!("juel_eq({l}, {r})");
            } else if self.eat(&["!="], &["ne"]) {
                self.link(&mut links)?;
                let r = self.relational()?;
                l = format!("!juel_eq({l}, {r})");
            } else {
                self.depth -= links;
                return Ok(l);
            }
        }
    }

    fn relational(&mut self) -> R<String> {
        let mut l = self.additive()?;
        let mut links = 0;
        loop {
            let op = if self.eat(&["<"], &["lt"]) {
                "lt"
            } else if self.eat(&[">"], &["gt"]) {
                "gt"
            } else if self.eat(&["<="], &["le"]) {
                "le"
            } else if self.eat(&[">="], &["ge"]) {
                "ge"
            } else if self.at_word("instanceof") {
                return Err(self.error("instanceof", "`instanceof` is not supported"));
            } else {
                self.depth -= links;
                return Ok(l);
            };
            self.link(&mut links)?;
            let r = self.additive()?;
            l = format!("juel_cmp({l}, {r}, \"{op}\")");
        }
    }

    fn additive(&mut self) -> R<String> {
        let mut l = self.multiplicative()?;
        let mut links = 0;
        loop {
            let op = if self.eat(&["+"], &[]) {
                "+"
            } else if self.eat(&["-"], &[]) {
                "-"
            } else {
                self.depth -= links;
                return Ok(l);
            };
            self.link(&mut links)?;
            let r = self.multiplicative()?;
            l = format!("juel_arith({l}, {r}, \"{op}\")");
        }
    }

    fn multiplicative(&mut self) -> R<String> {
        let mut l = self.unary()?;
        let mut links = 0;
        loop {
            let op = if self.eat(&["*"], &[]) {
                "*"
            } else if self.eat(&["/"], &["div"]) {
                "/"
            } else if self.eat(&["%"], &["mod"]) {
                "%"
            } else {
                self.depth -= links;
                return Ok(l);
            };
            self.link(&mut links)?;
            let r = self.unary()?;
            l = format!("juel_arith({l}, {r}, \"{op}\")");
        }
    }

    fn unary(&mut self) -> R<String> {
        self.deeper()?;
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> R<String> {
        if self.eat(&["-"], &[]) {
            let e = self.unary()?;
            return Ok(format!("juel_arith(0, {e}, \"-\")"));
        }
        if self.eat(&["!"], &["not"]) {
            let e = self.unary()?;
            return Ok(format!("!juel_bool({e})"));
        }
        if self.eat(&[], &["empty"]) {
            let e = self.unary()?;
            return Ok(format!("juel_empty({e})"));
        }
        self.value()
    }

    fn value(&mut self) -> R<String> {
        let mut e = self.base()?;
        let mut links = 0;
        loop {
            if self.eat(&["."], &[]) {
                self.link(&mut links)?;
                let Tok::Ident(name) = self.tok().tok.clone() else {
                    return Err(self.error("syntax", "expected a property name after `.`"));
                };
                self.advance();
                if self.at_op("(") {
                    return Err(self.error(
                        "method call",
                        format!("method calls (`.{name}(…)`) are not supported"),
                    ));
                }
                e = format!("juel_get({e}, {})", rhai_str(&name));
            } else if self.eat(&["["], &[]) {
                self.link(&mut links)?;
                let k = self.ternary()?;
                if !self.eat(&["]"], &[]) {
                    return Err(self.error("syntax", "expected `]`"));
                }
                e = format!("juel_get({e}, {k})");
            } else if self.at_op("(") {
                return Err(self.error("function call", "function calls are not supported"));
            } else {
                self.depth -= links;
                return Ok(e);
            }
        }
    }

    fn base(&mut self) -> R<String> {
        let t = self.tok().clone();
        let out = match t.tok {
            Tok::Int(i) => i.to_string(),
            Tok::Float(f) => rhai_float(f),
            Tok::Str(s) => rhai_str(&s),
            Tok::Op("(") => {
                self.advance();
                let e = self.ternary()?;
                if !self.at_op(")") {
                    return Err(self.error("syntax", "expected `)`"));
                }
                format!("({e})")
            }
            Tok::Op("[") | Tok::Op("{") => {
                return Err(self.error(
                    "collection literal",
                    "list, set and map literals are not supported",
                ));
            }
            Tok::Ident(w) => match w.as_str() {
                "true" | "false" => w,
                "null" => "()".into(),
                "instanceof" | "and" | "or" | "not" | "eq" | "ne" | "lt" | "gt" | "le" | "ge"
                | "div" | "mod" | "empty" => {
                    return Err(self.error("syntax", format!("unexpected keyword `{w}`")));
                }
                _ => {
                    self.advance();
                    if self.at_op(":") && !self.ternary_colon_possible() {
                        return Err(self.error(
                            "function call",
                            "EL functions (`prefix:name(…)`) are not supported",
                        ));
                    }
                    if self.at_op("(") {
                        return Err(self.error(
                            "function call",
                            format!("calling `{w}(…)` is not supported"),
                        ));
                    }
                    return Ok(self.names.var(&w));
                }
            },
            _ => return Err(self.unexpected()),
        };
        self.advance();
        Ok(out)
    }

    /// `a ? b : c` puts a `:` after a name too; a function prefix is
    /// `name:name(`.
    fn ternary_colon_possible(&self) -> bool {
        let next = self.toks.get(self.i + 1).map(|t| &t.tok);
        let after = self.toks.get(self.i + 2).map(|t| &t.tok);
        !(matches!(next, Some(Tok::Ident(_))) && matches!(after, Some(Tok::Op("("))))
    }
}

type Res<T> = Result<T, Box<EvalAltResult>>;

fn type_name(d: &Dynamic) -> &'static str {
    super::python::py_type::py_type(d)
}

#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::F(f) => f,
        }
    }
}

fn text(d: &Dynamic) -> Option<String> {
    if d.is_string() || d.is_char() {
        Some(d.to_string())
    } else {
        None
    }
}

/// EL coercion to a number: null is 0, strings are parsed.
fn to_num(d: &Dynamic) -> Res<Num> {
    if d.is_unit() {
        return Ok(Num::I(0));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Num::I(i));
    }
    if let Ok(f) = d.as_float() {
        return Ok(Num::F(f));
    }
    if let Some(s) = text(d) {
        let s = s.trim();
        if s.is_empty() {
            return Ok(Num::I(0));
        }
        if let Ok(i) = s.parse::<i64>() {
            return Ok(Num::I(i));
        }
        if let Ok(f) = s.parse::<f64>() {
            return Ok(Num::F(f));
        }
        return Err(format!("cannot coerce '{s}' to a number").into());
    }
    Err(format!("cannot coerce a {} to a number", type_name(d)).into())
}

/// EL coercion to a boolean: null is false, strings are "true" or not.
fn to_bool(d: &Dynamic) -> Res<bool> {
    if d.is_unit() {
        return Ok(false);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(b);
    }
    if let Some(s) = text(d) {
        return Ok(s.eq_ignore_ascii_case("true"));
    }
    Err(format!("cannot coerce a {} to a boolean", type_name(d)).into())
}

fn is_num(d: &Dynamic) -> bool {
    d.is_int() || d.is_float()
}

fn eq(a: &Dynamic, b: &Dynamic) -> Res<bool> {
    if a.is_unit() || b.is_unit() {
        return Ok(a.is_unit() && b.is_unit());
    }
    if is_num(a) || is_num(b) {
        let (x, y) = (to_num(a)?, to_num(b)?);
        return Ok(match (x, y) {
            (Num::I(x), Num::I(y)) => x == y,
            _ => x.f() == y.f(),
        });
    }
    if a.is_bool() || b.is_bool() {
        return Ok(to_bool(a)? == to_bool(b)?);
    }
    if let (Some(x), Some(y)) = (text(a), text(b)) {
        return Ok(x == y);
    }
    Ok(super::python::runtime::py_eq(a, b))
}

fn cmp(a: &Dynamic, b: &Dynamic, op: &str) -> Res<bool> {
    if a.is_unit() || b.is_unit() {
        return Ok(false);
    }
    let ord = if is_num(a) || is_num(b) {
        let (x, y) = (to_num(a)?, to_num(b)?);
        match (x, y) {
            (Num::I(x), Num::I(y)) => x.cmp(&y),
            _ => match x.f().partial_cmp(&y.f()) {
                Some(o) => o,
                None => return Ok(false),
            },
        }
    } else if let (Some(x), Some(y)) = (text(a), text(b)) {
        x.cmp(&y)
    } else {
        return Err(format!("cannot compare a {} with a {}", type_name(a), type_name(b)).into());
    };
    Ok(match op {
        "lt" => ord == Ordering::Less,
        "gt" => ord == Ordering::Greater,
        "le" => ord != Ordering::Greater,
        _ => ord != Ordering::Less,
    })
}

fn arith(a: &Dynamic, b: &Dynamic, op: &str) -> Res<Dynamic> {
    if a.is_unit() && b.is_unit() && op != "/" {
        return Ok(0i64.into());
    }
    let (x, y) = (to_num(a)?, to_num(b)?);
    let overflow = || -> Res<Dynamic> { Err(format!("integer overflow in `{op}`").into()) };
    Ok(match (op, x, y) {
        ("/", x, y) => {
            if y.f() == 0.0 {
                return Err("division by zero".into());
            }
            (x.f() / y.f()).into()
        }
        ("%", Num::I(_), Num::I(0)) => return Err("division by zero".into()),
        ("%", Num::I(x), Num::I(y)) => x.checked_rem(y).map_or(0i64, |v| v).into(),
        ("%", x, y) => (x.f() % y.f()).into(),
        ("+", Num::I(x), Num::I(y)) => match x.checked_add(y) {
            Some(v) => v.into(),
            None => return overflow(),
        },
        ("-", Num::I(x), Num::I(y)) => match x.checked_sub(y) {
            Some(v) => v.into(),
            None => return overflow(),
        },
        ("*", Num::I(x), Num::I(y)) => match x.checked_mul(y) {
            Some(v) => v.into(),
            None => return overflow(),
        },
        ("+", x, y) => (x.f() + y.f()).into(),
        ("-", x, y) => (x.f() - y.f()).into(),
        (_, x, y) => (x.f() * y.f()).into(),
    })
}

fn get(base: &Dynamic, key: &Dynamic) -> Res<Dynamic> {
    if base.is_unit() {
        return Ok(Dynamic::UNIT);
    }
    if let Ok(m) = base.as_map_ref() {
        let k = text(key).unwrap_or_else(|| key.to_string());
        return Ok(m.get(k.as_str()).cloned().unwrap_or(Dynamic::UNIT));
    }
    if let Ok(a) = base.as_array_ref() {
        let i = match to_num(key)? {
            Num::I(i) => i,
            Num::F(f) => f as i64,
        };
        return Ok(usize::try_from(i)
            .ok()
            .and_then(|i| a.get(i).cloned())
            .unwrap_or(Dynamic::UNIT));
    }
    Err(format!(
        "property `{}` of a {} cannot be read",
        text(key).unwrap_or_else(|| key.to_string()),
        type_name(base)
    )
    .into())
}

/// Registers every `juel_*` helper on `engine`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("juel_bool", |d: Dynamic| to_bool(&d));
    engine.register_fn("juel_eq", |a: Dynamic, b: Dynamic| eq(&a, &b));
    engine.register_fn("juel_cmp", |a: Dynamic, b: Dynamic, op: &str| {
        cmp(&a, &b, op)
    });
    engine.register_fn("juel_arith", |a: Dynamic, b: Dynamic, op: &str| {
        arith(&a, &b, op)
    });
    engine.register_fn("juel_get", |a: &mut Dynamic, k: Dynamic| get(a, &k));
    engine.register_fn("juel_empty", |d: Dynamic| -> bool {
        if d.is_unit() {
            return true;
        }
        if let Some(s) = text(&d) {
            return s.is_empty();
        }
        if let Ok(a) = d.as_array_ref() {
            return a.is_empty();
        }
        if let Ok(m) = d.as_map_ref() {
            return m.is_empty();
        }
        false
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translation() {
        assert_eq!(
            translate("${amount gt 100 && status == 'gold'}")
                .unwrap()
                .rhai,
            "juel_bool((juel_bool(juel_cmp(amount, 100, \"gt\")) && juel_bool(juel_eq(status, \"gold\"))))"
        );
        assert_eq!(
            translate("#{order.total}").unwrap().rhai,
            "juel_bool(juel_get(order, \"total\"))"
        );
    }

    #[test]
    fn errors_name_the_construct() {
        for (src, construct) in [
            ("x > 1", "not an EL expression"),
            ("${a} and ${b}", "composite expression"),
            ("${order.getTotal()}", "method call"),
            ("${fn:length(x)}", "function call"),
            ("${x = 1}", "assignment"),
            ("${a; b}", ";"),
            ("${x -> x}", "lambda"),
            ("${x", "syntax"),
        ] {
            let e = translate(src).unwrap_err();
            assert_eq!(e.construct, construct, "{src}: {e}");
        }
    }

    #[test]
    fn chains_within_the_limit_compile_or_name_the_nesting() {
        use crate::model::{Dialect, ExprKind};
        let e = crate::scripting::ScriptEngine::default();
        // Every length JUEL accepts either compiles or is refused with a
        // message naming the nesting: never an internal error.
        for op in ["||", "&&", "==", "+", "<"] {
            for n in [10, 40, 62, 80, 99] {
                let src = format!("${{{}}}", vec!["a"; n + 1].join(&format!(" {op} ")));
                match e.compile_in(&src, ExprKind::Condition, Dialect::Juel) {
                    Ok(_) => {}
                    Err(crate::scripting::CompileError::Translate(t)) => {
                        assert!(t.message.contains("nested"), "{op} ×{n}: {t}");
                    }
                    Err(other) => panic!("{op} ×{n}: {other}"),
                }
            }
        }
    }

    fn eval(src: &str, data: serde_json::Value) -> bool {
        use crate::model::{Dialect, ExprKind};
        let e = crate::scripting::ScriptEngine::default();
        let c = e
            .compile_in(src, ExprKind::Condition, Dialect::Juel)
            .unwrap_or_else(|err| panic!("{src}: {err}"));
        let d = crate::model::Data::from(data.as_object().cloned().unwrap_or_default());
        e.eval_bool(&c, &d)
            .unwrap_or_else(|err| panic!("{src}: {err}"))
    }

    #[test]
    fn operators_on_data() {
        use serde_json::json;
        let d = json!({
            "n": 5, "f": 2.5, "s": "gold", "t": true, "z": null, "e": "", "l": [1], "m": {},
            "order": {"total": 120, "items": [{"sku": "a"}]}, "num_text": "7"
        });
        let yes = [
            "${n eq 5}",
            "${n == 5.0}",
            "${s ne 'silver'}",
            "${s != \"silver\"}",
            "${n lt 6}",
            "${n < 6}",
            "${n gt 4}",
            "${n > 4}",
            "${n le 5}",
            "${n <= 5}",
            "${n ge 5}",
            "${n >= 5}",
            "${t and n > 1}",
            "${t && true}",
            "${false or t}",
            "${false || t}",
            "${not false}",
            "${!false}",
            "${empty z}",
            "${empty e}",
            "${empty m}",
            "${!empty l}",
            "${n + 1 == 6}",
            "${n - 1 == 4}",
            "${n * 2 == 10}",
            "${n / 2 == 2.5}",
            "${n div 2 == 2.5}",
            "${n % 2 == 1}",
            "${n mod 2 == 1}",
            "${-n == -5}",
            "${f * 2 == 5}",
            "${order.total > 100}",
            "${order['total'] == 120}",
            "${order.items[0].sku == 'a'}",
            "${order.missing.deeper == null}",
            "${z == null}",
            "${num_text == 7}",
            "${num_text + 1 == 8}",
            "${n > 3 ? t : false}",
            "#{(n + 1) * 2 == 12}",
            "${'it\\'s' == \"it's\"}",
            "${1.5e1 == 15}",
            "${t == 'true'}",
        ];
        for src in yes {
            assert!(eval(src, d.clone()), "{src}");
        }
        let no = [
            "${z}",
            "${s == 'x'}",
            "${z > 1}",
            "${n > 3 ? false : t}",
            "${'yes'}",
        ];
        for src in no {
            assert!(!eval(src, d.clone()), "{src}");
        }
    }

    #[test]
    fn error_positions() {
        let e = translate("\n  ${a.b()}").unwrap_err();
        assert_eq!((e.line, e.construct.as_str()), (2, "method call"));
    }
}
