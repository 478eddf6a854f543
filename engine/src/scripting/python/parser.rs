//! Tokens → syntax tree for the supported Python subset. Constructs outside
//! the subset (`class`, `lambda`, `try`, imports of modules other than the
//! sandbox's…) are recognised and reported by name rather than as bare
//! syntax errors.

use super::ast::*;
use super::lexer::{Tok, Token, tokenize};
use crate::scripting::TranslateError;

/// Statements Python has and the subset does not, with the reason shown.
const UNSUPPORTED_STATEMENTS: &[(&str, &str)] = &[
    ("class", "defining classes is not supported"),
    ("try", "exception handling (try/except) is not supported"),
    ("except", "exception handling (try/except) is not supported"),
    (
        "finally",
        "exception handling (try/except) is not supported",
    ),
    ("with", "`with` blocks are not supported"),
    ("raise", "raising exceptions is not supported"),
    ("yield", "generators are not supported"),
    ("nonlocal", "`nonlocal` is not supported"),
    ("assert", "`assert` is not supported"),
    ("async", "async code is not supported"),
    ("await", "async code is not supported"),
];

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// Added to every line (f-string fields are parsed from a sub-text).
    line_offset: u32,
    /// Current nesting (blocks, brackets, operator chains), bounded so
    /// hostile input cannot exhaust the stack here or in the translator.
    depth: u32,
}

/// Deepest nesting accepted; Rhai's own expression depth limit is 128.
const MAX_DEPTH: u32 = 100;

type R<T> = Result<T, TranslateError>;

/// Keyword arguments of a call: (name, value).
type KwArgs = Vec<(String, Expr)>;

/// Parses a script: a sequence of statements.
pub fn parse_script(text: &str) -> R<Vec<Stmt>> {
    let mut p = Parser {
        toks: tokenize(text, false)?,
        i: 0,
        line_offset: 0,
        depth: 0,
    };
    let mut body = Vec::new();
    while !p.at_tok(&Tok::Eof) {
        if p.eat_tok(&Tok::Newline) {
            continue;
        }
        if p.at_tok(&Tok::Indent) {
            return Err(p.error("indentation", "unexpected indentation"));
        }
        body.extend(p.statement()?);
    }
    Ok(body)
}

/// Parses a condition: one expression.
pub fn parse_expression(text: &str) -> R<Expr> {
    parse_expression_at(text, 0, 0)
}

fn parse_expression_at(text: &str, line_offset: u32, depth: u32) -> R<Expr> {
    let mut p = Parser {
        toks: tokenize(text, true)?,
        i: 0,
        line_offset,
        depth,
    };
    if p.at_tok(&Tok::Eof) {
        return Err(p.error("syntax", "the expression is empty"));
    }
    let e = p.tuple_or_test()?;
    if !p.at_tok(&Tok::Eof) {
        return Err(p.unexpected("after the expression"));
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("`{n}`"),
        Tok::Int(i) => format!("`{i}`"),
        Tok::Float(f) => format!("`{f}`"),
        Tok::Str(_) | Tok::FStr { .. } => "a string".into(),
        Tok::Op(o) => format!("`{o}`"),
        Tok::Newline => "the end of the line".into(),
        Tok::Indent => "an indented block".into(),
        Tok::Dedent => "the end of a block".into(),
        Tok::Eof => "the end of the text".into(),
    }
}

impl Parser {
    fn tok(&self) -> &Token {
        // The token list always ends with Eof and `i` never passes it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek_tok(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }

    fn pos(&self) -> (u32, u32) {
        let t = self.tok();
        (t.line + self.line_offset, t.col)
    }

    fn advance(&mut self) -> Token {
        let t = self.tok().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn at_tok(&self, t: &Tok) -> bool {
        &self.tok().tok == t
    }

    fn eat_tok(&mut self, t: &Tok) -> bool {
        if self.at_tok(t) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(&self.tok().tok, Tok::Op(o) if *o == op)
    }

    fn eat_op(&mut self, op: &str) -> bool {
        if self.at_op(op) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn at_kw(&self, kw: &str) -> bool {
        matches!(&self.tok().tok, Tok::Name(n) if n == kw)
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn deeper(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                "nesting",
                format!("the code is nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    fn error(&self, construct: &str, message: impl Into<String>) -> TranslateError {
        let (l, c) = self.pos();
        TranslateError::new(l, c, construct, message)
    }

    fn unexpected(&self, context: &str) -> TranslateError {
        self.error(
            "syntax",
            format!("unexpected {} {context}", describe(&self.tok().tok)),
        )
    }

    fn expect_op(&mut self, op: &str, context: &str) -> R<()> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(self.error(
                "syntax",
                format!(
                    "expected `{op}` {context}, found {}",
                    describe(&self.tok().tok)
                ),
            ))
        }
    }

    fn mk(&self, kind: ExprKind, (line, col): (u32, u32)) -> Expr {
        Expr { kind, line, col }
    }

    // ----- statements -----

    /// One line of simple statements (`a = 1; b = 2`) or one compound statement.
    fn statement(&mut self) -> R<Vec<Stmt>> {
        if let Tok::Name(n) = &self.tok().tok {
            match n.as_str() {
                "if" => return Ok(vec![self.if_stmt()?]),
                "for" => return Ok(vec![self.for_stmt()?]),
                "while" => return Ok(vec![self.while_stmt()?]),
                "def" => return Ok(vec![self.def_stmt()?]),
                _ => {}
            }
        }
        if self.at_op("@") {
            return Err(self.error("decorator", "decorators are not supported"));
        }
        let mut out = vec![self.simple_statement()?];
        while self.eat_op(";") {
            if self.at_tok(&Tok::Newline) || self.at_tok(&Tok::Eof) {
                break;
            }
            out.push(self.simple_statement()?);
        }
        if !self.eat_tok(&Tok::Newline) && !self.at_tok(&Tok::Eof) {
            return Err(self.unexpected("after the statement"));
        }
        Ok(out)
    }

    fn simple_statement(&mut self) -> R<Stmt> {
        let pos = self.pos();
        let stmt = |kind| Stmt {
            kind,
            line: pos.0,
            col: pos.1,
        };
        if let Tok::Name(n) = &self.tok().tok {
            if let Some((kw, why)) = UNSUPPORTED_STATEMENTS.iter().find(|(k, _)| k == n) {
                return Err(self.error(kw, *why));
            }
            match n.as_str() {
                "pass" => {
                    self.advance();
                    return Ok(stmt(StmtKind::Pass));
                }
                "break" => {
                    self.advance();
                    return Ok(stmt(StmtKind::Break));
                }
                "continue" => {
                    self.advance();
                    return Ok(stmt(StmtKind::Continue));
                }
                "del" => {
                    self.advance();
                    let mut targets = vec![self.or_expr()?];
                    while self.eat_op(",") {
                        targets.push(self.or_expr()?);
                    }
                    let targets = targets
                        .into_iter()
                        .flat_map(|t| match t.kind {
                            ExprKind::Tuple(items) => items,
                            _ => vec![t],
                        })
                        .collect();
                    return Ok(stmt(StmtKind::Del(targets)));
                }
                "return" => {
                    self.advance();
                    let value =
                        if matches!(self.tok().tok, Tok::Newline | Tok::Eof) || self.at_op(";") {
                            None
                        } else {
                            Some(self.tuple_or_test()?)
                        };
                    return Ok(stmt(StmtKind::Return(value)));
                }
                "global" => {
                    self.advance();
                    let mut names = vec![self.name("after `global`")?];
                    while self.eat_op(",") {
                        names.push(self.name("after `,`")?);
                    }
                    return Ok(stmt(StmtKind::Global(names)));
                }
                "import" => {
                    self.advance();
                    let mut out = Vec::new();
                    loop {
                        let module = self.module_name(pos, "import")?;
                        let bound = if self.eat_kw("as") {
                            self.name("after `as`")?
                        } else {
                            module.clone()
                        };
                        out.push((module, None, bound));
                        if !self.eat_op(",") {
                            break;
                        }
                    }
                    return Ok(stmt(StmtKind::Import(out)));
                }
                "from" => {
                    self.advance();
                    let module = self.module_name(pos, "from")?;
                    if !self.eat_kw("import") {
                        return Err(self.error("from", "expected `import` after the module name"));
                    }
                    if self.at_op("*") {
                        return Err(self.error(
                            "from",
                            "`from … import *` is not supported; name what you import",
                        ));
                    }
                    let paren = self.eat_op("(");
                    let mut out = Vec::new();
                    loop {
                        let (line, col) = self.pos();
                        let member = self.name("to import")?;
                        if !super::modules::has_member(&module, &member) {
                            return Err(TranslateError::new(
                                line,
                                col,
                                "from",
                                format!(
                                    "module '{module}' has no member '{member}' available in the sandbox (available: {})",
                                    super::modules::members(&module).join(", ")
                                ),
                            ));
                        }
                        let bound = if self.eat_kw("as") {
                            self.name("after `as`")?
                        } else {
                            member.clone()
                        };
                        out.push((module.clone(), Some(member), bound));
                        if !self.eat_op(",") || (paren && self.at_op(")")) {
                            break;
                        }
                    }
                    if paren {
                        self.expect_op(")", "to close the import list")?;
                    }
                    return Ok(stmt(StmtKind::Import(out)));
                }
                "elif" | "else" => {
                    return Err(self.error("syntax", format!("`{n}` without a matching `if`")));
                }
                _ => {}
            }
        }
        let first = self.tuple_or_test()?;
        if let Tok::Op(op) = self.tok().tok {
            let aug = match op {
                "+=" => Some(BinOp::Add),
                "-=" => Some(BinOp::Sub),
                "*=" => Some(BinOp::Mul),
                "/=" => Some(BinOp::Div),
                "//=" => Some(BinOp::FloorDiv),
                "%=" => Some(BinOp::Mod),
                "**=" => Some(BinOp::Pow),
                "&=" | "|=" | "^=" | "<<=" | ">>=" | "@=" => {
                    return Err(self.error(
                        "bitwise operator",
                        format!("`{op}` (bitwise or matrix operators) is not supported"),
                    ));
                }
                _ => None,
            };
            if let Some(bop) = aug {
                self.advance();
                check_target(&first, false)?;
                let value = self.tuple_or_test()?;
                return Ok(stmt(StmtKind::AugAssign(first, bop, value)));
            }
            if op == ":" {
                return Err(self.error(
                    "annotation",
                    "type annotations (`x: int = …`) are not supported",
                ));
            }
            if op == "=" {
                let mut targets = vec![first];
                let mut value;
                loop {
                    self.advance();
                    value = self.tuple_or_test()?;
                    if self.at_op("=") {
                        targets.push(value);
                    } else {
                        break;
                    }
                }
                for t in &targets {
                    check_target(t, true)?;
                }
                return Ok(stmt(StmtKind::Assign(targets, value)));
            }
        }
        Ok(stmt(StmtKind::Expr(first)))
    }

    /// A plain name (not a keyword).
    fn name(&mut self, context: &str) -> R<String> {
        match &self.tok().tok {
            Tok::Name(n) if !KEYWORDS.contains(&n.as_str()) => {
                let n = n.clone();
                self.advance();
                Ok(n)
            }
            other => Err(self.error(
                "syntax",
                format!("expected a name {context}, found {}", describe(other)),
            )),
        }
    }

    /// The module of an `import` or `from`: one of the sandbox's modules.
    /// `(line, col)` is the statement's, which errors point at.
    fn module_name(&mut self, (line, col): (u32, u32), construct: &str) -> R<String> {
        let mut module = self.name("to import")?;
        while self.eat_op(".") {
            module.push('.');
            module.push_str(&self.name("after `.`")?);
        }
        if !super::modules::is_allowed(&module) {
            return Err(TranslateError::new(
                line,
                col,
                construct,
                format!(
                    "import of module '{module}' is not available in the sandbox; allowed: {}",
                    super::modules::ALLOWED.join(", ")
                ),
            ));
        }
        Ok(module)
    }

    /// `def name(a, b=1):` and its body.
    fn def_stmt(&mut self) -> R<Stmt> {
        let (line, col) = self.pos();
        self.advance();
        let name = self.name("after `def`")?;
        self.expect_op("(", "after the function name")?;
        let mut params: Vec<(String, Option<Expr>)> = Vec::new();
        while !self.eat_op(")") {
            if self.at_op("*") || self.at_op("**") || self.at_op("/") {
                return Err(self.error(
                    "def",
                    "`*args`, `**kwargs` and positional-only markers are not supported",
                ));
            }
            let (pl, pc) = self.pos();
            let p = self.name("as a parameter")?;
            if self.at_op(":") {
                return Err(self.error("annotation", "type annotations are not supported"));
            }
            if params.iter().any(|(q, _)| *q == p) {
                return Err(TranslateError::new(
                    pl,
                    pc,
                    "def",
                    format!("duplicate parameter `{p}`"),
                ));
            }
            let default = if self.eat_op("=") {
                let d = self.test()?;
                if !is_constant(&d) {
                    return Err(TranslateError::new(
                        d.line,
                        d.col,
                        "def",
                        "a parameter default must be a constant (number, string, True, False, None, or a tuple of those)",
                    ));
                }
                Some(d)
            } else {
                if params.iter().any(|(_, d)| d.is_some()) {
                    return Err(TranslateError::new(
                        pl,
                        pc,
                        "def",
                        "a parameter without a default follows one with a default",
                    ));
                }
                None
            };
            params.push((p, default));
            if !self.eat_op(",") {
                self.expect_op(")", "to close the parameter list")?;
                break;
            }
        }
        if self.at_op("->") {
            return Err(self.error("annotation", "type annotations are not supported"));
        }
        let body = self.block()?;
        Ok(Stmt {
            kind: StmtKind::Def { name, params, body },
            line,
            col,
        })
    }

    /// The body of a compound statement after its `:`.
    fn block(&mut self) -> R<Vec<Stmt>> {
        self.deeper()?;
        let r = self.block_inner();
        self.depth -= 1;
        r
    }

    fn block_inner(&mut self) -> R<Vec<Stmt>> {
        self.expect_op(":", "before the block")?;
        if self.eat_tok(&Tok::Newline) {
            if !self.eat_tok(&Tok::Indent) {
                return Err(self.error("indentation", "expected an indented block"));
            }
            let mut body = Vec::new();
            while !self.eat_tok(&Tok::Dedent) {
                if self.at_tok(&Tok::Eof) {
                    break;
                }
                if self.eat_tok(&Tok::Newline) {
                    continue;
                }
                body.extend(self.statement()?);
            }
            Ok(body)
        } else {
            self.statement()
        }
    }

    fn if_stmt(&mut self) -> R<Stmt> {
        let (line, col) = self.pos();
        self.advance();
        let mut branches = vec![];
        let test = self.test()?;
        branches.push((test, self.block()?));
        let mut orelse = None;
        loop {
            if self.eat_kw("elif") {
                let test = self.test()?;
                branches.push((test, self.block()?));
            } else if self.eat_kw("else") {
                orelse = Some(self.block()?);
                break;
            } else {
                break;
            }
        }
        Ok(Stmt {
            kind: StmtKind::If(branches, orelse),
            line,
            col,
        })
    }

    fn for_stmt(&mut self) -> R<Stmt> {
        let (line, col) = self.pos();
        self.advance();
        let target = self.target_list()?;
        if !self.eat_kw("in") {
            return Err(self.error("syntax", "expected `in` in the `for` statement"));
        }
        let iter = self.tuple_or_test()?;
        let body = self.block()?;
        if self.at_kw("else") {
            return Err(self.error("for-else", "`else` after a `for` loop is not supported"));
        }
        Ok(Stmt {
            kind: StmtKind::For(target, iter, body),
            line,
            col,
        })
    }

    fn while_stmt(&mut self) -> R<Stmt> {
        let (line, col) = self.pos();
        self.advance();
        let test = self.test()?;
        let body = self.block()?;
        if self.at_kw("else") {
            return Err(self.error("while-else", "`else` after a `while` loop is not supported"));
        }
        Ok(Stmt {
            kind: StmtKind::While(test, body),
            line,
            col,
        })
    }

    /// `a` or `a, b` as the target of `for`.
    fn target_list(&mut self) -> R<Expr> {
        let pos = self.pos();
        let first = self.or_expr()?;
        let t = if self.at_op(",") {
            let mut items = vec![first];
            while self.eat_op(",") {
                if self.at_kw("in") {
                    break;
                }
                items.push(self.or_expr()?);
            }
            self.mk(ExprKind::Tuple(items), pos)
        } else {
            first
        };
        check_target(&t, true)?;
        Ok(t)
    }

    // ----- expressions -----

    /// `a` or an unparenthesised tuple `a, b`.
    fn tuple_or_test(&mut self) -> R<Expr> {
        let pos = self.pos();
        let first = self.test()?;
        if !self.at_op(",") {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(",") {
            if self.ends_expression() {
                break;
            }
            items.push(self.test()?);
        }
        Ok(self.mk(ExprKind::Tuple(items), pos))
    }

    fn ends_expression(&self) -> bool {
        matches!(self.tok().tok, Tok::Newline | Tok::Eof)
            || self.at_op("=")
            || self.at_op(")")
            || self.at_op("]")
            || self.at_op("}")
            || self.at_op(";")
            || self.at_op(":")
    }

    /// A full expression: a conditional expression (or a lambda, refused).
    fn test(&mut self) -> R<Expr> {
        self.deeper()?;
        let r = self.test_inner();
        self.depth -= 1;
        r
    }

    fn test_inner(&mut self) -> R<Expr> {
        if self.at_kw("lambda") {
            return Err(self.error("lambda", "lambda functions are not supported"));
        }
        let pos = self.pos();
        let body = self.or_test()?;
        if self.at_op(":=") {
            return Err(self.error("walrus", "assignment expressions (`:=`) are not supported"));
        }
        if self.eat_kw("if") {
            let test = self.or_test()?;
            if !self.eat_kw("else") {
                return Err(self.error("syntax", "expected `else` in the conditional expression"));
            }
            let orelse = self.test()?;
            return Ok(self.mk(
                ExprKind::IfExp {
                    test: Box::new(test),
                    body: Box::new(body),
                    orelse: Box::new(orelse),
                },
                pos,
            ));
        }
        Ok(body)
    }

    fn or_test(&mut self) -> R<Expr> {
        self.bool_chain("or", false, Self::and_test)
    }

    fn and_test(&mut self) -> R<Expr> {
        self.bool_chain("and", true, Self::not_test)
    }

    /// `item (kw item)*` as one `BoolOp` (`and` when `is_and`), or the
    /// single item when there is no `kw`.
    fn bool_chain(&mut self, kw: &str, is_and: bool, item: fn(&mut Self) -> R<Expr>) -> R<Expr> {
        let pos = self.pos();
        let first = item(self)?;
        if !self.at_kw(kw) {
            return Ok(first);
        }
        let mut items = vec![first];
        let d = self.depth;
        while self.eat_kw(kw) {
            self.deeper()?;
            items.push(item(self)?);
        }
        self.depth = d;
        Ok(self.mk(ExprKind::BoolOp(is_and, items), pos))
    }

    fn not_test(&mut self) -> R<Expr> {
        self.deeper()?;
        let r = self.not_test_inner();
        self.depth -= 1;
        r
    }

    fn not_test_inner(&mut self) -> R<Expr> {
        let pos = self.pos();
        if self.eat_kw("not") {
            let e = self.not_test()?;
            return Ok(self.mk(ExprKind::Unary(UnOp::Not, Box::new(e)), pos));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> R<Expr> {
        let pos = self.pos();
        let first = self.or_expr()?;
        let mut chain = Vec::new();
        loop {
            let op = match &self.tok().tok {
                Tok::Op("==") => CmpOp::Eq,
                Tok::Op("!=") => CmpOp::Ne,
                Tok::Op("<") => CmpOp::Lt,
                Tok::Op("<=") => CmpOp::Le,
                Tok::Op(">") => CmpOp::Gt,
                Tok::Op(">=") => CmpOp::Ge,
                Tok::Name(n) if n == "in" => CmpOp::In,
                Tok::Name(n) if n == "is" => {
                    if matches!(self.peek_tok(1), Tok::Name(n) if n == "not") {
                        self.advance();
                        CmpOp::IsNot
                    } else {
                        CmpOp::Is
                    }
                }
                Tok::Name(n)
                    if n == "not" && matches!(self.peek_tok(1), Tok::Name(m) if m == "in") =>
                {
                    self.advance();
                    CmpOp::NotIn
                }
                _ => break,
            };
            self.advance();
            chain.push((op, self.or_expr()?));
        }
        if chain.is_empty() {
            Ok(first)
        } else {
            Ok(self.mk(ExprKind::Compare(Box::new(first), chain), pos))
        }
    }

    /// Bitwise operators are refused here, above arithmetic.
    fn or_expr(&mut self) -> R<Expr> {
        let e = self.arith()?;
        if let Tok::Op(op @ ("|" | "&" | "^" | "<<" | ">>")) = self.tok().tok {
            return Err(self.error(
                "bitwise operator",
                format!("the bitwise operator `{op}` is not supported"),
            ));
        }
        Ok(e)
    }

    fn arith(&mut self) -> R<Expr> {
        let mut left = self.term()?;
        let d = self.depth;
        loop {
            let op = match self.tok().tok {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => {
                    self.depth = d;
                    return Ok(left);
                }
            };
            let pos = (left.line, left.col);
            self.deeper()?;
            self.advance();
            let right = self.term()?;
            left = self.mk(ExprKind::Bin(op, Box::new(left), Box::new(right)), pos);
        }
    }

    fn term(&mut self) -> R<Expr> {
        let mut left = self.factor()?;
        let d = self.depth;
        loop {
            let op = match self.tok().tok {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                Tok::Op("//") => BinOp::FloorDiv,
                Tok::Op("%") => BinOp::Mod,
                Tok::Op("@") => {
                    return Err(self.error(
                        "matrix operator",
                        "the matrix operator `@` is not supported",
                    ));
                }
                _ => {
                    self.depth = d;
                    return Ok(left);
                }
            };
            let pos = (left.line, left.col);
            self.deeper()?;
            self.advance();
            let right = self.factor()?;
            left = self.mk(ExprKind::Bin(op, Box::new(left), Box::new(right)), pos);
        }
    }

    fn factor(&mut self) -> R<Expr> {
        self.deeper()?;
        let r = self.factor_inner();
        self.depth -= 1;
        r
    }

    fn factor_inner(&mut self) -> R<Expr> {
        let pos = self.pos();
        let op = match self.tok().tok {
            Tok::Op("-") => Some(UnOp::Neg),
            Tok::Op("+") => Some(UnOp::Pos),
            Tok::Op("~") => {
                return Err(self.error(
                    "bitwise operator",
                    "the bitwise operator `~` is not supported",
                ));
            }
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            let e = self.factor()?;
            return Ok(self.mk(ExprKind::Unary(op, Box::new(e)), pos));
        }
        self.power()
    }

    fn power(&mut self) -> R<Expr> {
        let pos = self.pos();
        let base = self.primary()?;
        if self.eat_op("**") {
            let exp = self.factor()?;
            return Ok(self.mk(
                ExprKind::Bin(BinOp::Pow, Box::new(base), Box::new(exp)),
                pos,
            ));
        }
        Ok(base)
    }

    fn primary(&mut self) -> R<Expr> {
        let mut e = self.atom()?;
        let d = self.depth;
        loop {
            self.deeper()?;
            let pos = (e.line, e.col);
            if self.eat_op(".") {
                let name = match self.advance().tok {
                    Tok::Name(n) => n,
                    other => {
                        return Err(self.error(
                            "syntax",
                            format!("expected a name after `.`, found {}", describe(&other)),
                        ));
                    }
                };
                e = self.mk(ExprKind::Attr(Box::new(e), name), pos);
            } else if self.eat_op("(") {
                let (args, kwargs) = self.call_args()?;
                e = self.mk(
                    ExprKind::Call {
                        func: Box::new(e),
                        args,
                        kwargs,
                    },
                    pos,
                );
            } else if self.eat_op("[") {
                e = self.subscript(e, pos)?;
            } else {
                self.depth = d;
                return Ok(e);
            }
        }
    }

    fn call_args(&mut self) -> R<(Vec<Expr>, KwArgs)> {
        let mut args = Vec::new();
        let mut kwargs = Vec::new();
        while !self.eat_op(")") {
            if self.at_op("*") || self.at_op("**") {
                return Err(self.error(
                    "argument unpacking",
                    "`*args` / `**kwargs` unpacking is not supported",
                ));
            }
            if let (Tok::Name(n), Tok::Op("=")) = (&self.tok().tok, self.peek_tok(1)) {
                let n = n.clone();
                self.advance();
                self.advance();
                kwargs.push((n, self.test()?));
            } else {
                if !kwargs.is_empty() {
                    return Err(
                        self.error("syntax", "positional argument after a keyword argument")
                    );
                }
                let pos = self.pos();
                let a = self.test()?;
                if self.at_kw("for") {
                    // A generator expression as the sole argument: sum(x for x in xs).
                    let clauses = self.comp_clauses()?;
                    args.push(self.mk(
                        ExprKind::Comp {
                            elt: Box::new(a),
                            value: None,
                            clauses,
                        },
                        pos,
                    ));
                } else {
                    args.push(a);
                }
            }
            if !self.eat_op(",") {
                self.expect_op(")", "to close the call")?;
                break;
            }
        }
        Ok((args, kwargs))
    }

    fn subscript(&mut self, value: Expr, pos: (u32, u32)) -> R<Expr> {
        let mut parts: [Option<Box<Expr>>; 3] = [None, None, None];
        let mut slot = 0;
        let mut is_slice = false;
        loop {
            if self.eat_op("]") {
                break;
            }
            if self.eat_op(":") {
                is_slice = true;
                slot += 1;
                if slot > 2 {
                    return Err(self.error("syntax", "too many `:` in the slice"));
                }
                continue;
            }
            if parts[slot].is_some() {
                return Err(self.unexpected("in the subscript"));
            }
            parts[slot] = Some(Box::new(self.tuple_or_test()?));
        }
        if is_slice {
            return Ok(self.mk(ExprKind::Slice(Box::new(value), parts), pos));
        }
        match parts {
            [Some(index), None, None] => Ok(self.mk(ExprKind::Index(Box::new(value), index), pos)),
            _ => Err(self.error("syntax", "empty subscript `[]`")),
        }
    }

    fn comp_clauses(&mut self) -> R<Vec<CompClause>> {
        let mut clauses = Vec::new();
        loop {
            if self.eat_kw("for") {
                let target = self.target_list()?;
                if !self.eat_kw("in") {
                    return Err(self.error("syntax", "expected `in` in the comprehension"));
                }
                let iter = self.or_test()?;
                clauses.push(CompClause::For(target, iter));
            } else if self.eat_kw("if") {
                clauses.push(CompClause::If(self.or_test_no_cond()?));
            } else {
                return Ok(clauses);
            }
        }
    }

    fn or_test_no_cond(&mut self) -> R<Expr> {
        self.or_test()
    }

    fn atom(&mut self) -> R<Expr> {
        let pos = self.pos();
        let t = self.advance();
        let kind = match t.tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Str(_) | Tok::FStr { .. } => {
                // Adjacent string literals concatenate.
                let mut parts = Vec::new();
                self.string_parts(t, &mut parts)?;
                while matches!(self.tok().tok, Tok::Str(_) | Tok::FStr { .. }) {
                    let t = self.advance();
                    self.string_parts(t, &mut parts)?;
                }
                match parts.as_slice() {
                    [] => ExprKind::Str(String::new()),
                    [FPart::Lit(s)] => ExprKind::Str(s.clone()),
                    _ if parts.iter().all(|p| matches!(p, FPart::Lit(_))) => ExprKind::Str(
                        parts
                            .iter()
                            .map(|p| match p {
                                FPart::Lit(s) => s.as_str(),
                                FPart::Field(..) => "",
                            })
                            .collect(),
                    ),
                    _ => ExprKind::FStr(parts),
                }
            }
            Tok::Name(n) => match n.as_str() {
                "True" => ExprKind::Bool(true),
                "False" => ExprKind::Bool(false),
                "None" => ExprKind::None,
                "lambda" => {
                    return Err(TranslateError::new(
                        pos.0,
                        pos.1,
                        "lambda",
                        "lambda functions are not supported",
                    ));
                }
                "yield" | "await" => {
                    return Err(TranslateError::new(
                        pos.0,
                        pos.1,
                        n.as_str(),
                        format!("`{n}` is not supported"),
                    ));
                }
                k if KEYWORDS.contains(&k) => {
                    return Err(TranslateError::new(
                        pos.0,
                        pos.1,
                        "syntax",
                        format!("unexpected keyword `{k}`"),
                    ));
                }
                _ => ExprKind::Name(n),
            },
            Tok::Op("(") => {
                if self.eat_op(")") {
                    ExprKind::Tuple(Vec::new())
                } else {
                    let first = self.test()?;
                    if self.at_kw("for") {
                        let clauses = self.comp_clauses()?;
                        self.expect_op(")", "to close the generator expression")?;
                        ExprKind::Comp {
                            elt: Box::new(first),
                            value: None,
                            clauses,
                        }
                    } else if self.eat_op(")") {
                        return Ok(first);
                    } else {
                        let mut items = vec![first];
                        while self.eat_op(",") {
                            if self.at_op(")") {
                                break;
                            }
                            items.push(self.test()?);
                        }
                        self.expect_op(")", "to close the tuple")?;
                        ExprKind::Tuple(items)
                    }
                }
            }
            Tok::Op("[") => {
                if self.eat_op("]") {
                    ExprKind::List(Vec::new())
                } else {
                    let first = self.test()?;
                    if self.at_kw("for") {
                        let clauses = self.comp_clauses()?;
                        self.expect_op("]", "to close the list comprehension")?;
                        ExprKind::Comp {
                            elt: Box::new(first),
                            value: None,
                            clauses,
                        }
                    } else {
                        let mut items = vec![first];
                        while self.eat_op(",") {
                            if self.at_op("]") {
                                break;
                            }
                            items.push(self.test()?);
                        }
                        self.expect_op("]", "to close the list")?;
                        ExprKind::List(items)
                    }
                }
            }
            Tok::Op("{") => self.dict_or_set()?,
            Tok::Op("*") => {
                return Err(TranslateError::new(
                    pos.0,
                    pos.1,
                    "star expression",
                    "`*` unpacking is not supported",
                ));
            }
            Tok::Op("...") => {
                return Err(TranslateError::new(
                    pos.0,
                    pos.1,
                    "ellipsis",
                    "`...` is not supported",
                ));
            }
            other => {
                return Err(TranslateError::new(
                    pos.0,
                    pos.1,
                    "syntax",
                    format!("unexpected {}", describe(&other)),
                ));
            }
        };
        Ok(self.mk(kind, pos))
    }

    fn dict_or_set(&mut self) -> R<ExprKind> {
        if self.eat_op("}") {
            return Ok(ExprKind::Dict(Vec::new()));
        }
        if self.at_op("**") {
            return Err(self.error("dict unpacking", "`**` in a dict literal is not supported"));
        }
        let key = self.test()?;
        if !self.eat_op(":") {
            return Err(self.error("set", "sets are not supported; use a list"));
        }
        let value = self.test()?;
        if self.at_kw("for") {
            let clauses = self.comp_clauses()?;
            self.expect_op("}", "to close the dict comprehension")?;
            return Ok(ExprKind::Comp {
                elt: Box::new(key),
                value: Some(Box::new(value)),
                clauses,
            });
        }
        let mut items = vec![(key, value)];
        while self.eat_op(",") {
            if self.at_op("}") {
                break;
            }
            if self.at_op("**") {
                return Err(self.error("dict unpacking", "`**` in a dict literal is not supported"));
            }
            let k = self.test()?;
            self.expect_op(":", "between a key and its value")?;
            let v = self.test()?;
            items.push((k, v));
        }
        self.expect_op("}", "to close the dict")?;
        Ok(ExprKind::Dict(items))
    }

    /// Splits a string token into literal text and f-string fields.
    fn string_parts(&self, t: Token, parts: &mut Vec<FPart>) -> R<()> {
        let line = t.line + self.line_offset;
        match t.tok {
            Tok::Str(s) => {
                parts.push(FPart::Lit(s));
                Ok(())
            }
            Tok::FStr { body, raw } => fstring_parts(&body, raw, line, t.col, self.depth, parts),
            _ => Ok(()),
        }
    }
}

fn fstring_parts(
    body: &str,
    raw: bool,
    line: u32,
    col: u32,
    nesting: u32,
    parts: &mut Vec<FPart>,
) -> R<()> {
    let err = |m: &str| TranslateError::new(line, col, "f-string", m.to_string());
    let lit = |s: &str| -> R<FPart> {
        let s = if raw {
            s.to_string()
        } else {
            super::lexer::unescape(s).map_err(|m| err(&m))?
        };
        Ok(FPart::Lit(s))
    };
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let mut text = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            text.push('{');
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') {
            text.push('}');
            i += 2;
            continue;
        }
        if c == '}' {
            return Err(err("single `}` in an f-string (write `}}`)"));
        }
        if c != '{' {
            text.push(c);
            i += 1;
            continue;
        }
        if !text.is_empty() {
            parts.push(lit(&text)?);
            text.clear();
        }
        // Find the end of the field, minding nested brackets and strings.
        let start = i + 1;
        let mut depth = 0;
        let mut j = start;
        let mut quote: Option<char> = None;
        let mut colon = None;
        while j < chars.len() {
            let d = chars[j];
            match quote {
                Some(q) if d == q => quote = None,
                Some(_) => {}
                None => match d {
                    '\'' | '"' => quote = Some(d),
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' => depth -= 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ':' if depth == 0 && colon.is_none() => colon = Some(j),
                    '!' if depth == 0 && chars.get(j + 1) != Some(&'=') && colon.is_none() => {
                        return Err(TranslateError::new(
                            line,
                            col,
                            "f-string conversion",
                            "f-string conversions (`!r`, `!s`, `!a`) are not supported",
                        ));
                    }
                    _ => {}
                },
            }
            j += 1;
        }
        if j >= chars.len() {
            return Err(err("unclosed `{` in an f-string"));
        }
        let expr_end = colon.unwrap_or(j);
        let expr_text: String = chars[start..expr_end].iter().collect();
        if expr_text.trim().is_empty() {
            return Err(err("empty field `{}` in an f-string"));
        }
        if expr_text.trim_end().ends_with('=') {
            return Err(TranslateError::new(
                line,
                col,
                "f-string debug field",
                "`{x=}` f-string fields are not supported",
            ));
        }
        let spec: Option<String> = colon.map(|c| chars[c + 1..j].iter().collect());
        if spec.as_deref().is_some_and(|s| s.contains('{')) {
            return Err(TranslateError::new(
                line,
                col,
                "f-string format spec",
                "nested fields in an f-string format spec are not supported",
            ));
        }
        let e = parse_expression_at(&expr_text, line.saturating_sub(1), nesting + 1).map_err(
            |mut e| {
                e.col = col;
                e
            },
        )?;
        parts.push(FPart::Field(e, spec));
        i = j + 1;
    }
    if !text.is_empty() {
        parts.push(lit(&text)?);
    }
    Ok(())
}

/// True for a constant: literals, negative numbers, tuples of constants.
fn is_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::None => true,
        ExprKind::Unary(UnOp::Neg | UnOp::Pos, x) => {
            matches!(x.kind, ExprKind::Int(_) | ExprKind::Float(_))
        }
        ExprKind::Tuple(items) => items.iter().all(is_constant),
        _ => false,
    }
}

/// Checks that `t` can be assigned to (`x`, `a.b`, `a[i]`, or a tuple of
/// those when `tuple_ok`).
fn check_target(t: &Expr, tuple_ok: bool) -> R<()> {
    match &t.kind {
        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Index(..) => Ok(()),
        ExprKind::Tuple(items) | ExprKind::List(items) if tuple_ok => {
            for i in items {
                check_target(i, false)?;
            }
            Ok(())
        }
        ExprKind::Slice(..) => Err(TranslateError::new(
            t.line,
            t.col,
            "slice assignment",
            "assigning to a slice is not supported",
        )),
        ExprKind::Tuple(_) | ExprKind::List(_) => Err(TranslateError::new(
            t.line,
            t.col,
            "nested unpacking",
            "nested or augmented tuple unpacking is not supported",
        )),
        _ => Err(TranslateError::new(
            t.line,
            t.col,
            "syntax",
            "cannot assign to this expression",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_and_blocks() {
        let s = parse_script("x = 1\nif x > 0:\n    y = 2\nelif x:\n    pass\nelse:\n    y = 3\n")
            .unwrap();
        assert_eq!(s.len(), 2);
        assert!(matches!(&s[1].kind, StmtKind::If(b, Some(_)) if b.len() == 2));
        assert_eq!(s[1].line, 2);
    }

    #[test]
    fn precedence() {
        let e = parse_expression("-2 ** 2 + 3 * 4").unwrap();
        let ExprKind::Bin(BinOp::Add, l, _) = e.kind else {
            panic!("{e:?}")
        };
        assert!(matches!(l.kind, ExprKind::Unary(UnOp::Neg, _)));
    }

    #[test]
    fn out_of_subset_constructs_are_named() {
        for (src, construct, line) in [
            ("import os", "import", 1),
            ("x = 1\nfrom os import getpid", "from", 2),
            ("from math import system", "from", 1),
            ("def f(*a):\n  pass", "def", 1),
            ("def f(a=[]):\n  pass", "def", 1),
            ("class A:\n  pass", "class", 1),
            ("x = 1\n\ny = lambda a: a", "lambda", 3),
            ("try:\n  x = 1\nexcept:\n  pass", "try", 1),
            ("with open('f') as f:\n  pass", "with", 1),
            ("s = {1, 2}", "set", 1),
            ("x = a | b", "bitwise operator", 1),
            ("x: int = 1", "annotation", 1),
            ("for x in y:\n  pass\nelse:\n  pass", "for-else", 3),
        ] {
            let e = parse_script(src).unwrap_err();
            assert_eq!(
                (e.construct.as_str(), e.line),
                (construct, line),
                "{src}: {e}"
            );
        }
    }

    #[test]
    fn fstring_fields() {
        let e = parse_expression("f'a{b}c{d:.2f}'").unwrap();
        let ExprKind::FStr(parts) = e.kind else {
            panic!()
        };
        assert_eq!(parts.len(), 4);
        assert!(matches!(&parts[3], FPart::Field(_, Some(s)) if s == ".2f"));
    }
}
