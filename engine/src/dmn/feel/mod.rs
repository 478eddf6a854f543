//! FEEL, the DMN expression language: the subset decision tables use.
//!
//! Expressions: literals (numbers, strings, booleans, `null`, `@"…"`
//! temporals), names (with spaces), paths, arithmetic, comparisons,
//! `and`/`or`, `if then else`, `between`, `in`, lists, contexts, ranges,
//! filters and the built-in functions of [`builtins`]. Unary tests: `-`,
//! comparisons, intervals, comma lists, `not(…)` and expressions with `?`.
//! `for`, `some`, `every`, user functions and `instance of` are refused at
//! load time with a clear message.
//!
//! Files point one way: [`error`], [`scope`] and [`compare`] ← [`builtins`]
//! and [`unary`] (given the evaluator) ← [`eval`].

use crate::dmn::value::Value;

mod arith;
mod ast;
mod builtins;
mod compare;
mod error;
mod eval;
mod lexer;
mod numeric;
mod parser;
mod scope;
mod temporal_fns;
mod unary;

pub(crate) use ast::{CmpOp, Expr, UnaryTest, UnaryTests};
pub(crate) use error::EvalError;
pub(crate) use eval::{eval, fold};
pub(crate) use lexer::SyntaxError;
pub(crate) use parser::{Names, parse_expression, parse_unary_tests};
pub(crate) use scope::{Functions, Scope, empty_data};

/// Whether `v` satisfies `tests`.
pub(crate) fn matches(tests: &UnaryTests, v: &Value, s: &Scope<'_>) -> Result<bool, EvalError> {
    unary::matches(tests, v, s, eval::eval_cow)
}

/// The index of the first test `v` satisfies (the priority of an output
/// value in an `outputValues` list).
pub(crate) fn position(
    tests: &UnaryTests,
    v: &Value,
    s: &Scope<'_>,
) -> Result<Option<usize>, EvalError> {
    unary::position(tests, v, s, eval::eval_cow)
}
