//! Recursive-descent parser for the FEEL subset: simple expressions
//! (names, paths, arithmetic, comparisons, `and`/`or`, `if then else`,
//! `between`, `in`, lists, contexts, ranges, function calls, filters) and
//! unary tests (`-`, `< e`, `[a..b]`, `not(…)`, comma lists, expressions).

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::{ArithOp, CallArgs, CmpOp, Expr, Iteration, RangeExpr, UnaryTest, UnaryTests};
use super::function::{FunctionDef, Param};
use super::lexer::{SyntaxError, Tok, Token, lex};
use super::types::FeelType;
use crate::dmn::temporal;
use crate::dmn::value::{RangeKind, Value, duration_value};

/// Words that end a name: `Age and x` is two names, not `Age and x`.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "if",
    "then",
    "else",
    "for",
    "in",
    "return",
    "some",
    "every",
    "satisfies",
    "between",
    "instance",
    "function",
    "true",
    "false",
    "null",
    "not",
];

/// Built-in functions whose names contain a keyword.
const KEYWORD_FUNCTIONS: &[&str] = &["date and time", "years and months duration"];

/// Built-in type names of more than one word.
const TYPE_NAMES: &[&str] = &[
    "date and time",
    "days and time duration",
    "years and months duration",
];

/// What the parser must know beyond the text: names with spaces or symbols
/// to read whole (input data, decision and knowledge model names), and the
/// functions other than the built-ins (knowledge models).
#[derive(Debug, Clone, Default)]
pub(crate) struct Names {
    pub known: Vec<String>,
    pub functions: Vec<String>,
    /// The item definitions of the model, by name (for `instance of`,
    /// typed parameters and `typeRef`s).
    pub types: HashMap<String, FeelType>,
}

/// Parses a type as written in FEEL (`list<number>`) or in a `typeRef`;
/// names of item definitions resolve through `names.types`.
pub(crate) fn parse_type(text: &str, names: &Names) -> Result<FeelType, SyntaxError> {
    let mut p = Parser::new(text, names)?;
    let t = p.type_expr()?;
    p.expect_end()?;
    Ok(t)
}

/// Parses a FEEL expression.
pub(crate) fn parse_expression(text: &str, names: &Names) -> Result<Expr, SyntaxError> {
    let mut p = Parser::new(text, names)?;
    let e = p.expression()?;
    p.expect_end()?;
    Ok(e)
}

/// Parses the unary tests of an input entry (or `inputValues`,
/// `outputValues`).
pub(crate) fn parse_unary_tests(text: &str, names: &Names) -> Result<UnaryTests, SyntaxError> {
    let t = text.trim();
    if t.is_empty() || t == "-" {
        return Ok(UnaryTests::Any);
    }
    let mut p = Parser::new(t, names)?;
    let tests = p.unary_tests()?;
    p.expect_end()?;
    Ok(tests)
}

struct Parser<'n> {
    names: &'n Names,
    /// The text, for context keys with symbols (`{foo+bar: 1}`).
    src: Vec<char>,
    toks: Vec<Token>,
    i: usize,
    /// Set while reading the upper end of an interval, where `[` closes
    /// the interval (`]1..5[`) instead of starting a filter.
    no_filter: bool,
    /// How deep the expression being read nests (brackets, unary
    /// operators and chains of binary operators all count): the tree the
    /// parser builds is at most [`MAX_DEPTH`] deep, so evaluating and
    /// dropping it never exhausts the stack.
    depth: usize,
}

/// How deep a FEEL expression may nest.
pub(crate) const MAX_DEPTH: usize = 200;

type PResult<T> = Result<T, SyntaxError>;

impl<'n> Parser<'n> {
    fn new(text: &str, names: &'n Names) -> PResult<Parser<'n>> {
        Ok(Parser {
            names,
            src: text.chars().collect(),
            toks: lex(text, &names.known)?,
            i: 0,
            no_filter: false,
            depth: 0,
        })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.i].kind
    }

    fn peek_at(&self, n: usize) -> &Tok {
        let last = self.toks.len() - 1;
        &self.toks[(self.i + n).min(last)].kind
    }

    fn at(&self) -> usize {
        self.toks[self.i].at
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.i].kind.clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == t {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.is_word(w) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(SyntaxError {
            at: self.at(),
            message: message.into(),
        })
    }

    fn expect(&mut self, t: &Tok, what: &str) -> PResult<()> {
        if self.eat(t) {
            Ok(())
        } else {
            let found = describe(self.peek());
            self.fail(format!("expected {what}, found {found}"))
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.eat_word(w) {
            Ok(())
        } else {
            let found = describe(self.peek());
            self.fail(format!("expected `{w}`, found {found}"))
        }
    }

    fn expect_end(&mut self) -> PResult<()> {
        if *self.peek() == Tok::End {
            Ok(())
        } else {
            let found = describe(self.peek());
            self.fail(format!(
                "unexpected {found} after the end of the expression"
            ))
        }
    }

    // ---- expressions -------------------------------------------------

    /// Counts one more level of nesting; fails past [`MAX_DEPTH`].
    fn deeper(&mut self, by: usize) -> PResult<()> {
        self.depth += by;
        if self.depth > MAX_DEPTH {
            return self.fail(format!(
                "the expression nests more than {MAX_DEPTH} levels deep (brackets, `not(…)`, `-` or a chain of operators); split it up"
            ));
        }
        Ok(())
    }

    fn expression(&mut self) -> PResult<Expr> {
        self.deeper(1)?;
        let e = self.expression_inner();
        self.depth -= 1;
        e
    }

    fn expression_inner(&mut self) -> PResult<Expr> {
        if self.eat_word("if") {
            let c = self.expression()?;
            self.expect_word("then")?;
            let a = self.expression()?;
            self.expect_word("else")?;
            let b = self.expression()?;
            return Ok(Expr::If(Box::new(c), Box::new(a), Box::new(b)));
        }
        if self.is_word("function") && *self.peek_at(1) == Tok::LParen {
            self.bump();
            return self.function_literal();
        }
        if self.eat_word("for") {
            let iters = self.iterations()?;
            self.expect_word("return")?;
            let body = self.expression()?;
            return Ok(Expr::For(iters, Box::new(body)));
        }
        for (w, every) in [("some", false), ("every", true)] {
            if self.is_word(w) && !matches!(self.peek_at(1), Tok::LParen) {
                self.bump();
                let iters = self.iterations()?;
                self.expect_word("satisfies")?;
                let cond = self.expression()?;
                return Ok(Expr::Quantified {
                    every,
                    iters,
                    cond: Box::new(cond),
                });
            }
        }
        self.disjunction()
    }

    /// `name in domain, name in from..to, …` of `for`, `some`, `every`.
    fn iterations(&mut self) -> PResult<Vec<Iteration>> {
        let mut out = Vec::new();
        loop {
            let name = match self.peek().clone() {
                Tok::Word(_) => self.name_words(),
                Tok::KnownName(k) => {
                    self.bump();
                    k
                }
                other => {
                    return self.fail(format!(
                        "expected the name of an iteration variable, found {}",
                        describe(&other)
                    ));
                }
            };
            self.expect_word("in")?;
            let domain = self.expression()?;
            let to = if self.eat(&Tok::DotDot) {
                Some(self.expression()?)
            } else {
                None
            };
            out.push(Iteration { name, domain, to });
            if !self.eat(&Tok::Comma) {
                return Ok(out);
            }
        }
    }

    /// `(a: T, b) body` after `function`.
    fn function_literal(&mut self) -> PResult<Expr> {
        self.expect(&Tok::LParen, "`(`")?;
        let mut params = Vec::new();
        if !self.eat(&Tok::RParen) {
            loop {
                let name = match self.peek().clone() {
                    Tok::Word(_) => self.name_words(),
                    Tok::KnownName(k) => {
                        self.bump();
                        k
                    }
                    other => {
                        return self.fail(format!(
                            "expected a parameter name, found {}",
                            describe(&other)
                        ));
                    }
                };
                let ty = if self.eat(&Tok::Colon) {
                    Some(self.type_expr()?)
                } else {
                    None
                };
                params.push(Param { name, ty });
                if self.eat(&Tok::RParen) {
                    break;
                }
                self.expect(&Tok::Comma, "`,` or `)`")?;
            }
        }
        let external = self.eat_word("external");
        let body = self.expression()?;
        Ok(Expr::Function(Arc::new(FunctionDef {
            params,
            body,
            external,
        })))
    }

    /// A type: `number`, `date and time`, `list<T>`, `context<a: T>`,
    /// `range<T>`, `function<T, U> -> V`, or an item definition's name.
    fn type_expr(&mut self) -> PResult<FeelType> {
        self.deeper(1)?;
        let t = self.type_inner();
        self.depth -= 1;
        t
    }

    fn type_inner(&mut self) -> PResult<FeelType> {
        for t in TYPE_NAMES {
            let words: Vec<&str> = t.split(' ').collect();
            if words
                .iter()
                .enumerate()
                .all(|(k, w)| matches!(self.peek_at(k), Tok::Word(x) if x == w))
            {
                for _ in &words {
                    self.bump();
                }
                return Ok(FeelType::builtin(t).unwrap_or(FeelType::Any));
            }
        }
        let mut name = match self.peek().clone() {
            Tok::Word(w) => {
                self.bump();
                w
            }
            Tok::KnownName(k) => {
                self.bump();
                k
            }
            Tok::End => String::new(),
            other => {
                return self.fail(format!("expected a type, found {}", describe(&other)));
            }
        };
        // A qualified name: `imported.tType`.
        while *self.peek() == Tok::Dot {
            if let Tok::Word(w) = self.peek_at(1).clone() {
                self.bump();
                self.bump();
                name.push('.');
                name.push_str(&w);
            } else {
                break;
            }
        }
        let generic = *self.peek() == Tok::Lt;
        match name.as_str() {
            "list" | "range" if generic => {
                self.bump();
                let inner = self.type_expr()?;
                self.expect(&Tok::Gt, "`>`")?;
                Ok(if name == "list" {
                    FeelType::List(Box::new(inner))
                } else {
                    FeelType::Range(Box::new(inner))
                })
            }
            "context" if generic => {
                self.bump();
                let mut entries = Vec::new();
                if !self.eat(&Tok::Gt) {
                    loop {
                        let key = match self.peek().clone() {
                            Tok::Word(_) => self.name_words(),
                            Tok::KnownName(k) => {
                                self.bump();
                                k
                            }
                            Tok::String(k) => {
                                self.bump();
                                k.to_string()
                            }
                            other => {
                                return self.fail(format!(
                                    "expected an entry name, found {}",
                                    describe(&other)
                                ));
                            }
                        };
                        self.expect(&Tok::Colon, "`:`")?;
                        entries.push((key, self.type_expr()?));
                        if self.eat(&Tok::Gt) {
                            break;
                        }
                        self.expect(&Tok::Comma, "`,` or `>`")?;
                    }
                }
                Ok(FeelType::Context(entries))
            }
            "function" => {
                let mut params = Vec::new();
                if self.eat(&Tok::Lt) && !self.eat(&Tok::Gt) {
                    loop {
                        params.push(self.type_expr()?);
                        if self.eat(&Tok::Gt) {
                            break;
                        }
                        self.expect(&Tok::Comma, "`,` or `>`")?;
                    }
                }
                let result = if *self.peek() == Tok::Minus && *self.peek_at(1) == Tok::Gt {
                    self.bump();
                    self.bump();
                    self.type_expr()?
                } else {
                    FeelType::Any
                };
                Ok(FeelType::Function(params, Box::new(result)))
            }
            "" => self.fail("expected a type"),
            n => Ok(self
                .names
                .types
                .get(n)
                .cloned()
                .or_else(|| FeelType::builtin(n))
                .unwrap_or_else(|| FeelType::Unknown(n.to_string()))),
        }
    }
    /// Each operator of a chain nests the tree one level deeper (it is
    /// built left-deep); `chain` counts them so far, to give back.
    fn chain_step(&mut self, chain: &mut usize) -> PResult<()> {
        *chain += 1;
        self.deeper(1)
    }

    fn disjunction(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = (|| {
            let mut e = self.conjunction()?;
            while self.eat_word("or") {
                self.chain_step(&mut chain)?;
                let r = self.conjunction()?;
                e = Expr::Or(Box::new(e), Box::new(r));
            }
            Ok(e)
        })();
        self.depth -= chain;
        r
    }

    fn conjunction(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = (|| {
            let mut e = self.comparison()?;
            while self.eat_word("and") {
                self.chain_step(&mut chain)?;
                let r = self.comparison()?;
                e = Expr::And(Box::new(e), Box::new(r));
            }
            Ok(e)
        })();
        self.depth -= chain;
        r
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let e = self.additive()?;
        if let Some(op) = cmp_op(self.peek()) {
            self.bump();
            let r = self.additive()?;
            return Ok(Expr::Cmp(op, Box::new(e), Box::new(r)));
        }
        if self.eat_word("between") {
            let lo = self.additive()?;
            self.expect_word("and")?;
            let hi = self.additive()?;
            return Ok(Expr::Between(Box::new(e), Box::new(lo), Box::new(hi)));
        }
        if self.eat_word("in") {
            let tests = self.in_tests()?;
            return Ok(Expr::In(Box::new(e), Box::new(tests)));
        }
        if self.is_word("instance") && matches!(self.peek_at(1), Tok::Word(w) if w == "of") {
            self.bump();
            self.bump();
            let t = self.type_expr()?;
            return Ok(Expr::InstanceOf(Box::new(e), t));
        }
        Ok(e)
    }

    /// The right side of `in`: one positive unary test, or a parenthesized
    /// list of them.
    fn in_tests(&mut self) -> PResult<UnaryTests> {
        if *self.peek() == Tok::LParen {
            // `(a..b]`, or a parenthesized list of positive unary tests.
            self.bump();
            self.deeper(1)?;
            let r = self.in_list();
            self.depth -= 1;
            return r;
        }
        Ok(UnaryTests::Tests {
            negated: false,
            tests: vec![self.positive_unary_test()?],
        })
    }

    fn in_list(&mut self) -> PResult<UnaryTests> {
        let first = self.positive_unary_test()?;
        if *self.peek() == Tok::DotDot {
            let UnaryTest::Expr { expr, .. } = first else {
                return self.fail("unexpected `..`");
            };
            self.bump();
            let r = self.interval_rest(false, expr)?;
            return Ok(UnaryTests::Tests {
                negated: false,
                tests: vec![UnaryTest::Interval(r)],
            });
        }
        let mut tests = vec![first];
        while self.eat(&Tok::Comma) {
            tests.push(self.positive_unary_test()?);
        }
        self.expect(&Tok::RParen, "`)`")?;
        Ok(UnaryTests::Tests {
            negated: false,
            tests,
        })
    }

    fn additive(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = (|| {
            let mut e = self.multiplicative()?;
            loop {
                let op = match self.peek() {
                    Tok::Plus => ArithOp::Add,
                    Tok::Minus => ArithOp::Sub,
                    _ => return Ok(e),
                };
                self.bump();
                self.chain_step(&mut chain)?;
                let r = self.multiplicative()?;
                e = Expr::Arith(op, Box::new(e), Box::new(r));
            }
        })();
        self.depth -= chain;
        r
    }

    fn multiplicative(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = (|| {
            let mut e = self.power()?;
            loop {
                let op = match self.peek() {
                    Tok::Star => ArithOp::Mul,
                    Tok::Slash => ArithOp::Div,
                    _ => return Ok(e),
                };
                self.bump();
                self.chain_step(&mut chain)?;
                let r = self.power()?;
                e = Expr::Arith(op, Box::new(e), Box::new(r));
            }
        })();
        self.depth -= chain;
        r
    }

    fn power(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = (|| {
            let mut e = self.unary()?;
            while self.eat(&Tok::StarStar) {
                self.chain_step(&mut chain)?;
                let r = self.unary()?;
                e = Expr::Arith(ArithOp::Pow, Box::new(e), Box::new(r));
            }
            Ok(e)
        })();
        self.depth -= chain;
        r
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.eat(&Tok::Minus) {
            self.deeper(1)?;
            let e = self.unary();
            self.depth -= 1;
            return Ok(match e? {
                Expr::Const(Value::Number(n)) => Expr::Const(Value::Number(n.neg())),
                e => Expr::Neg(Box::new(e)),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut chain = 0;
        let r = self.postfix_chain(&mut chain);
        self.depth -= chain;
        r
    }

    fn postfix_chain(&mut self, chain: &mut usize) -> PResult<Expr> {
        let mut e = self.primary()?;
        loop {
            let more = match self.peek() {
                Tok::Dot | Tok::LParen => true,
                Tok::LBracket => !self.no_filter,
                _ => false,
            };
            if more {
                self.chain_step(chain)?;
            }
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    let field = match self.peek().clone() {
                        Tok::Word(_) => self.name_words(),
                        Tok::KnownName(k) => {
                            self.bump();
                            k
                        }
                        Tok::String(s) => {
                            self.bump();
                            s.to_string()
                        }
                        other => {
                            return self.fail(format!(
                                "expected a name after `.`, found {}",
                                describe(&other)
                            ));
                        }
                    };
                    e = Expr::Path(Box::new(e), field);
                }
                Tok::LBracket if !self.no_filter => {
                    self.bump();
                    let f = self.expression()?;
                    self.expect(&Tok::RBracket, "`]`")?;
                    e = Expr::Filter(Box::new(e), Box::new(f));
                }
                Tok::LParen => {
                    self.bump();
                    let args = self.call_args()?;
                    e = Expr::Call(Box::new(e), args);
                }
                _ => {
                    if matches!(&e, Expr::Name(n) if n == "not") {
                        return self.fail("`not` needs parentheses: not(…)");
                    }
                    return Ok(e);
                }
            }
        }
    }

    /// A context key: words, and the symbols FEEL allows inside names
    /// (`foo+bar`, `a-b`, `x/y`, `v1.2`), up to the `:`.
    fn context_key(&mut self) -> String {
        let mut k = 0;
        while matches!(
            self.peek_at(k),
            Tok::Word(_)
                | Tok::Number(_)
                | Tok::Plus
                | Tok::Minus
                | Tok::Star
                | Tok::Slash
                | Tok::Dot
        ) {
            k += 1;
        }
        let symbols = (1..k).any(|j| !matches!(self.peek_at(j), Tok::Word(_)));
        if k == 0 || !symbols || *self.peek_at(k) != Tok::Colon {
            return self.name_words();
        }
        let from = self.at();
        for _ in 0..k {
            self.bump();
        }
        let to = self.at();
        self.src[from..to]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }

    /// Joins adjacent non-keyword words into one name.
    fn name_words(&mut self) -> String {
        let mut name = String::new();
        while let Tok::Word(w) = self.peek() {
            let keyword = KEYWORDS.contains(&w.as_str());
            if keyword && !name.is_empty() {
                break;
            }
            if keyword {
                name.push_str(w);
                self.bump();
                break;
            }
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(w);
            self.bump();
        }
        name
    }

    fn primary(&mut self) -> PResult<Expr> {
        let at = self.at();
        match self.peek().clone() {
            Tok::Number(n) => {
                self.bump();
                Ok(Expr::Const(Value::Number(n)))
            }
            Tok::String(s) => {
                self.bump();
                Ok(Expr::Const(Value::String(s)))
            }
            Tok::At(s) => {
                self.bump();
                temporal_literal(&s).map(Expr::Const).ok_or(SyntaxError {
                    at,
                    message: format!("@\"{s}\" is not a date, time, date and time or duration"),
                })
            }
            Tok::Question => {
                self.bump();
                Ok(Expr::Input)
            }
            Tok::LParen => {
                // A parenthesized expression, or an interval open at the
                // low end: `(a..b]`. Read the first operand once either way.
                self.bump();
                if let Some(op) = cmp_op(self.peek()) {
                    // A comparison as a range: `(< 10)`, `(>= 5)`, `(= 3)`.
                    self.bump();
                    let end = self.additive()?;
                    self.expect(&Tok::RParen, "`)`")?;
                    let (low, high) = match op {
                        CmpOp::Lt | CmpOp::Le => (None, Some(end)),
                        CmpOp::Gt | CmpOp::Ge => (Some(end), None),
                        CmpOp::Eq | CmpOp::Ne => (Some(end.clone()), Some(end)),
                    };
                    let kind = match op {
                        CmpOp::Eq => RangeKind::Equal,
                        CmpOp::Ne => RangeKind::NotEqual,
                        _ => RangeKind::Interval,
                    };
                    let closed = matches!(op, CmpOp::Le | CmpOp::Ge | CmpOp::Eq);
                    return Ok(Expr::Range(Box::new(RangeExpr {
                        low_closed: closed && low.is_some(),
                        high_closed: closed && high.is_some(),
                        low,
                        high,
                        kind,
                    })));
                }
                let first = self.expression()?;
                if self.eat(&Tok::DotDot) {
                    let r = self.interval_rest(false, first)?;
                    return Ok(Expr::Range(Box::new(r)));
                }
                self.expect(&Tok::RParen, "`)`")?;
                Ok(first)
            }
            Tok::LBracket => {
                // A list, or an interval closed at the low end: `[a..b)`.
                self.bump();
                if self.eat(&Tok::RBracket) {
                    return Ok(Expr::List(Vec::new()));
                }
                let first = self.expression()?;
                if self.eat(&Tok::DotDot) {
                    let r = self.interval_rest(true, first)?;
                    return Ok(Expr::Range(Box::new(r)));
                }
                let mut items = vec![first];
                loop {
                    if self.eat(&Tok::RBracket) {
                        break;
                    }
                    self.expect(&Tok::Comma, "`,` or `]`")?;
                    items.push(self.expression()?);
                }
                Ok(Expr::List(items))
            }
            Tok::RBracket => {
                // `]a..b[`: an interval open at the low end. Its ends are
                // read below `expression`, so this level counts here:
                // `]]]]…` would otherwise recurse without a bound.
                self.bump();
                self.deeper(1)?;
                let r = self.additive().and_then(|low| {
                    self.expect(&Tok::DotDot, "`..`")?;
                    self.interval_rest(false, low)
                });
                self.depth -= 1;
                Ok(Expr::Range(Box::new(r?)))
            }
            Tok::LBrace => {
                self.bump();
                let mut entries = Vec::new();
                if !self.eat(&Tok::RBrace) {
                    loop {
                        let key = match self.peek().clone() {
                            Tok::String(s) => {
                                self.bump();
                                s.to_string()
                            }
                            Tok::KnownName(k) => {
                                self.bump();
                                k
                            }
                            Tok::Word(_) => self.context_key(),
                            other => {
                                return self.fail(format!(
                                    "expected a context key, found {}",
                                    describe(&other)
                                ));
                            }
                        };
                        self.expect(&Tok::Colon, "`:`")?;
                        entries.push((key, self.expression()?));
                        if self.eat(&Tok::RBrace) {
                            break;
                        }
                        self.expect(&Tok::Comma, "`,` or `}`")?;
                    }
                }
                Ok(Expr::Context(entries))
            }
            Tok::KnownName(k) => {
                self.bump();
                self.name_or_call(k, at)
            }
            Tok::Word(w) => match w.as_str() {
                "true" => {
                    self.bump();
                    Ok(Expr::Const(Value::Bool(true)))
                }
                "false" => {
                    self.bump();
                    Ok(Expr::Const(Value::Bool(false)))
                }
                "null" => {
                    self.bump();
                    Ok(Expr::Const(Value::Null))
                }
                _ => {
                    if let Some(f) = self.keyword_function() {
                        return self.name_or_call(f.to_string(), at);
                    }
                    if KEYWORDS.contains(&w.as_str()) && w != "not" {
                        return self.fail(format!("unexpected keyword `{w}`"));
                    }
                    let name = self.name_words();
                    self.name_or_call(name, at)
                }
            },
            other => self.fail(format!("expected a value, found {}", describe(&other))),
        }
    }

    /// `date and time(` and similar: consumes the words when they spell a
    /// built-in whose name contains a keyword and a call follows.
    fn keyword_function(&mut self) -> Option<&'static str> {
        for f in KEYWORD_FUNCTIONS {
            let words: Vec<&str> = f.split(' ').collect();
            let matches = words
                .iter()
                .enumerate()
                .all(|(k, w)| matches!(self.peek_at(k), Tok::Word(x) if x == w))
                && *self.peek_at(words.len()) == Tok::LParen;
            if matches {
                for _ in &words {
                    self.bump();
                }
                return Some(f);
            }
        }
        None
    }

    fn name_or_call(&mut self, name: String, _at: usize) -> PResult<Expr> {
        Ok(Expr::Name(name))
    }

    /// The arguments of a call, after `(`: positional or all named
    /// (`f(a: 1, b: 2)`).
    fn call_args(&mut self) -> PResult<CallArgs> {
        if self.eat(&Tok::RParen) {
            return Ok(CallArgs::Positional(Vec::new()));
        }
        // Positional arguments, then named ones (`sort(l, precedes: f)`);
        // a positional one among the named has the empty name.
        let mut args: Vec<(String, Expr)> = Vec::new();
        let mut named = false;
        loop {
            if self.named_arg_ahead() {
                named = true;
                let name = match self.bump() {
                    Tok::KnownName(k) => k,
                    Tok::Word(w) => {
                        let mut n = w;
                        while let Tok::Word(w) = self.peek().clone() {
                            self.bump();
                            n.push(' ');
                            n.push_str(&w);
                        }
                        n
                    }
                    _ => unreachable!("named_arg_ahead saw a name"),
                };
                self.expect(&Tok::Colon, "`:`")?;
                args.push((name, self.expression()?));
            } else if named {
                return self.fail("after a named argument, every argument must be named");
            } else {
                args.push((String::new(), self.expression()?));
            }
            if self.eat(&Tok::RParen) {
                break;
            }
            self.expect(&Tok::Comma, "`,` or `)`")?;
        }
        Ok(if named {
            CallArgs::Named(args)
        } else {
            CallArgs::Positional(args.into_iter().map(|(_, e)| e).collect())
        })
    }

    /// Whether a named argument starts here: words (or one whole name)
    /// then `:`.
    fn named_arg_ahead(&self) -> bool {
        let mut k = 0;
        if matches!(self.peek(), Tok::KnownName(_)) {
            return *self.peek_at(1) == Tok::Colon;
        }
        while matches!(self.peek_at(k), Tok::Word(_)) {
            k += 1;
        }
        k > 0 && *self.peek_at(k) == Tok::Colon
    }

    /// The rest of an interval after its low end and `..`: the high end
    /// and the bracket that closes it (`]`, or `)` / `[` for an open end).
    fn interval_rest(&mut self, low_closed: bool, low: Expr) -> PResult<RangeExpr> {
        self.no_filter = true;
        let high = self.additive();
        self.no_filter = false;
        let high = high?;
        let high_closed = match self.bump() {
            Tok::RBracket => true,
            Tok::RParen | Tok::LBracket => false,
            other => {
                return self.fail(format!(
                    "expected `]`, `)` or `[` to close the interval, found {}",
                    describe(&other)
                ));
            }
        };
        Ok(RangeExpr {
            low: Some(low),
            low_closed,
            high: Some(high),
            high_closed,
            kind: RangeKind::Interval,
        })
    }

    // ---- unary tests -------------------------------------------------

    fn unary_tests(&mut self) -> PResult<UnaryTests> {
        if self.is_word("not") && *self.peek_at(1) == Tok::LParen {
            let save = self.i;
            self.bump();
            self.bump();
            if let Ok(tests) = self.positive_unary_tests() {
                if self.eat(&Tok::RParen) && *self.peek() == Tok::End {
                    return Ok(UnaryTests::Tests {
                        negated: true,
                        tests,
                    });
                }
            }
            self.i = save;
        }
        Ok(UnaryTests::Tests {
            negated: false,
            tests: self.positive_unary_tests()?,
        })
    }

    fn positive_unary_tests(&mut self) -> PResult<Vec<UnaryTest>> {
        let mut tests = vec![self.positive_unary_test()?];
        while self.eat(&Tok::Comma) {
            tests.push(self.positive_unary_test()?);
        }
        Ok(tests)
    }

    fn positive_unary_test(&mut self) -> PResult<UnaryTest> {
        if let Some(op) = cmp_op(self.peek()) {
            self.bump();
            let e = self.additive()?;
            return Ok(UnaryTest::Cmp(op, e));
        }
        let expr = self.expression()?;
        if let Expr::Range(r) = expr {
            return Ok(UnaryTest::Interval(*r));
        }
        Ok(UnaryTest::Expr {
            uses_input: expr.uses_input(),
            expr,
        })
    }
}

fn cmp_op(t: &Tok) -> Option<CmpOp> {
    Some(match t {
        Tok::Eq => CmpOp::Eq,
        Tok::Ne => CmpOp::Ne,
        Tok::Lt => CmpOp::Lt,
        Tok::Le => CmpOp::Le,
        Tok::Gt => CmpOp::Gt,
        Tok::Ge => CmpOp::Ge,
        _ => return None,
    })
}

/// `@"…"`: the temporal value the string spells.
fn temporal_literal(s: &str) -> Option<Value> {
    // Each parser refuses the others' forms, so trying them in turn cannot
    // misread (a zone such as `@America/Toronto` has a `T` of its own).
    if let Some(d) = temporal::parse_duration(s) {
        return Some(duration_value(d));
    }
    if let Some(d) = temporal::parse_date(s) {
        return Some(Value::Date(d));
    }
    if let Some(t) = temporal::parse_time(s) {
        return Some(Value::Time(t));
    }
    temporal::parse_date_time(s).map(Value::DateTime)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Number(n) => format!("number {n}"),
        Tok::String(s) => format!("string \"{s}\""),
        Tok::Word(w) | Tok::KnownName(w) => format!("`{w}`"),
        Tok::At(s) => format!("@\"{s}\""),
        Tok::End => "the end of the expression".into(),
        other => {
            let s = match other {
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::LBracket => "[",
                Tok::RBracket => "]",
                Tok::LBrace => "{",
                Tok::RBrace => "}",
                Tok::Comma => ",",
                Tok::Dot => ".",
                Tok::DotDot => "..",
                Tok::Colon => ":",
                Tok::Eq => "=",
                Tok::Ne => "!=",
                Tok::Lt => "<",
                Tok::Le => "<=",
                Tok::Gt => ">",
                Tok::Ge => ">=",
                Tok::Plus => "+",
                Tok::Minus => "-",
                Tok::Star => "*",
                Tok::Slash => "/",
                Tok::StarStar => "**",
                Tok::Question => "?",
                _ => "token",
            };
            format!("`{s}`")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Expr {
        parse_expression(s, &Names::default()).unwrap_or_else(|err| panic!("{s}: {err:?}"))
    }

    fn t(s: &str) -> UnaryTests {
        parse_unary_tests(s, &Names::default()).unwrap_or_else(|err| panic!("{s}: {err:?}"))
    }

    #[test]
    fn names_with_spaces_and_keywords() {
        assert_eq!(e("Monthly Salary"), Expr::Name("Monthly Salary".into()));
        assert!(matches!(e("Age and is ok"), Expr::And(..)));
        assert!(matches!(
            e("date and time(\"2020-01-01T00:00:00\")"),
            Expr::Call(n, _) if *n == Expr::Name("date and time".into())
        ));
        assert!(matches!(e("loan.principal rate"), Expr::Path(_, f) if f == "principal rate"));
    }

    #[test]
    fn precedence() {
        // 5 + (2 ** 5): exponent binds tighter than +.
        let Expr::Arith(ArithOp::Add, _, r) = e("5+2**5") else {
            panic!()
        };
        assert!(matches!(*r, Expr::Arith(ArithOp::Pow, ..)));
        assert!(matches!(e("if a > 1 then \"x\" else \"y\""), Expr::If(..)));
        assert!(matches!(e("x between 1 and 5"), Expr::Between(..)));
        assert!(matches!(e("x in [1..5]"), Expr::In(..)));
        assert!(matches!(e("x in (1, 2)"), Expr::In(..)));
        assert!(matches!(e("(1..5]"), Expr::Range(..)));
        assert!(matches!(e("(1 + 2) * 3"), Expr::Arith(ArithOp::Mul, ..)));
    }

    #[test]
    fn unary_test_forms() {
        assert_eq!(t("-"), UnaryTests::Any);
        assert_eq!(t(""), UnaryTests::Any);
        let UnaryTests::Tests { negated, tests } = t("not(\"a\", \"b\")") else {
            panic!()
        };
        assert!(negated);
        assert_eq!(tests.len(), 2);
        let UnaryTests::Tests { tests, .. } = t(">= 18, [1..5), ]7..9[, null, x") else {
            panic!()
        };
        assert!(matches!(tests[0], UnaryTest::Cmp(CmpOp::Ge, _)));
        assert!(matches!(&tests[1], UnaryTest::Interval(r) if r.low_closed && !r.high_closed));
        assert!(matches!(&tests[2], UnaryTest::Interval(r) if !r.low_closed && !r.high_closed));
        assert!(matches!(
            &tests[4],
            UnaryTest::Expr {
                uses_input: false,
                ..
            }
        ));
        let UnaryTests::Tests { tests, .. } = t("? > 5 and ? < 9") else {
            panic!()
        };
        assert!(matches!(
            &tests[0],
            UnaryTest::Expr {
                uses_input: true,
                ..
            }
        ));
        let UnaryTests::Tests { tests, .. } = t("(a + 1)") else {
            panic!()
        };
        assert!(matches!(&tests[0], UnaryTest::Expr { .. }));
    }

    #[test]
    fn errors_point_at_the_problem() {
        let err = parse_expression("1 + ", &Names::default()).unwrap_err();
        assert_eq!(err.at, 4);
        let err = parse_unary_tests(">= 18 18", &Names::default()).unwrap_err();
        assert!(err.message.contains("unexpected"), "{err:?}");
        assert!(parse_expression("not x", &Names::default()).is_err());
    }
}
