//! FEEL expressions and unary tests after parsing.

use std::sync::Arc;

use super::function::FunctionDef;
use super::types::FeelType;
use crate::dmn::value::{RangeKind, Value};

/// Comparison operators, in expressions and unary tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

/// A FEEL expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A literal, or a sub-expression folded at load time.
    Const(Value),
    /// A variable; may contain spaces (`Monthly Salary`).
    Name(String),
    /// `?`: the value under test in a unary test.
    Input,
    /// `base.field`.
    Path(Box<Expr>, String),
    Neg(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x between a and b`.
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `x in tests`.
    In(Box<Expr>, Box<UnaryTests>),
    List(Vec<Expr>),
    Context(Vec<(String, Expr)>),
    Range(Box<RangeExpr>),
    /// A call: `f(1, 2)`, `f(a: 1)`; the callee is usually a name (a
    /// built-in, a knowledge model or a variable holding a function) but
    /// can be any expression (`(function(x) x * 2)(3)`).
    Call(Box<Expr>, CallArgs),
    /// `list[condition]` or `list[index]`; the condition sees `item`.
    Filter(Box<Expr>, Box<Expr>),
    /// A function literal: `function(a, b) a + b`.
    Function(Arc<FunctionDef>),
    /// `for a in e1, b in 1..3 return body`: one result per combination;
    /// the body sees `partial`, the results so far.
    For(Vec<Iteration>, Box<Expr>),
    /// `some a in e satisfies cond` (`every: false`) or `every …`.
    Quantified {
        every: bool,
        iters: Vec<Iteration>,
        cond: Box<Expr>,
    },
    /// `x instance of T`.
    InstanceOf(Box<Expr>, FeelType),
}

/// The arguments of a call, as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CallArgs {
    Positional(Vec<Expr>),
    Named(Vec<(String, Expr)>),
}

impl CallArgs {
    fn exprs(&self) -> Vec<&Expr> {
        match self {
            CallArgs::Positional(v) => v.iter().collect(),
            CallArgs::Named(v) => v.iter().map(|(_, e)| e).collect(),
        }
    }
}

/// One iteration context: `name in list`, or `name in from..to` (whole
/// numbers, up or down).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Iteration {
    pub name: String,
    pub domain: Expr,
    pub to: Option<Expr>,
}

/// An interval whose ends are expressions; `None` is unbounded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RangeExpr {
    pub low: Option<Expr>,
    pub low_closed: bool,
    pub high: Option<Expr>,
    pub high_closed: bool,
    /// `(= e)` and `(!= e)` are ranges of their own kind.
    pub kind: RangeKind,
}

/// The input entry of a decision-table cell.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UnaryTests {
    /// `-` (or an empty cell): anything matches.
    Any,
    /// `t1, t2, …` (any must hold), or `not(t1, t2, …)` (none may hold).
    Tests {
        negated: bool,
        tests: Vec<UnaryTest>,
    },
}

/// One positive unary test.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UnaryTest {
    /// `< e`, `>= e`, `= e`, `!= e`.
    Cmp(CmpOp, Expr),
    /// `[a..b]`, `(a..b)`, `]a..b[`.
    Interval(RangeExpr),
    /// Any other expression: it matches when it equals the input, contains
    /// it (a list or range), or — when it uses `?` — is true.
    Expr { expr: Expr, uses_input: bool },
}

impl Expr {
    /// Whether `?` occurs in the expression.
    pub fn uses_input(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Input));
        found
    }

    /// Visits every sub-expression, this one first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Const(_) | Expr::Name(_) | Expr::Input => {}
            Expr::Path(e, _) | Expr::Neg(e) | Expr::InstanceOf(e, _) => e.walk(f),
            Expr::Function(d) => d.body.walk(f),
            Expr::Call(callee, args) => {
                callee.walk(f);
                args.exprs().into_iter().for_each(|e| e.walk(f));
            }
            Expr::For(iters, body)
            | Expr::Quantified {
                iters, cond: body, ..
            } => {
                for it in iters {
                    it.domain.walk(f);
                    if let Some(t) = &it.to {
                        t.walk(f);
                    }
                }
                body.walk(f);
            }
            Expr::Arith(_, a, b)
            | Expr::Cmp(_, a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b)
            | Expr::Filter(a, b) => {
                a.walk(f);
                b.walk(f);
            }
            Expr::If(a, b, c) | Expr::Between(a, b, c) => {
                a.walk(f);
                b.walk(f);
                c.walk(f);
            }
            Expr::In(a, t) => {
                a.walk(f);
                if let UnaryTests::Tests { tests, .. } = &**t {
                    for t in tests {
                        match t {
                            UnaryTest::Cmp(_, e) | UnaryTest::Expr { expr: e, .. } => e.walk(f),
                            UnaryTest::Interval(r) => r.walk(f),
                        }
                    }
                }
            }
            Expr::List(l) => l.iter().for_each(|e| e.walk(f)),
            Expr::Context(c) => c.iter().for_each(|(_, e)| e.walk(f)),
            Expr::Range(r) => r.walk(f),
        }
    }
}

impl RangeExpr {
    fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        if let Some(e) = &self.low {
            e.walk(f);
        }
        if let Some(e) = &self.high {
            e.walk(f);
        }
    }
}
