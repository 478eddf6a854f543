//! FEEL, the DMN expression language.
//!
//! Expressions: literals (numbers, strings, booleans, `null`, `@"…"`
//! temporals), names (with spaces), paths, arithmetic, comparisons,
//! `and`/`or`, `if then else`, `between`, `in`, lists, contexts, ranges,
//! filters, `for`, `some`, `every`, `instance of`, function literals and
//! calls of any function value ([`function`]) with positional or named
//! arguments, and the built-in functions of [`builtins`]. Types are in
//! [`types`]. Unary tests: `-`, comparisons, intervals, comma lists,
//! `not(…)` and expressions with `?`.
//!
//! Files point mostly one way: [`error`], [`scope`] and [`compare`] ←
//! [`builtins`] and [`unary`] (given the evaluator) ← [`eval`]; [`eval`]
//! and [`function`] call each other (a call evaluates a function's body).

use crate::dmn::value::Value;

mod arith;
mod ast;
mod builtins;
mod compare;
mod error;
mod eval;
mod function;
mod java;
mod lexer;
mod numeric;
mod parser;
mod scope;
mod temporal_fns;
#[cfg(test)]
mod test_support;
mod types;
mod unary;

pub(crate) use ast::{CmpOp, Expr, UnaryTest, UnaryTests};
pub(crate) use error::EvalError;
pub(crate) use eval::{eval, fold};
#[allow(unused_imports)] // for the model layer (decision services)
pub(crate) use function::{Callable, Function};
pub(crate) use lexer::SyntaxError;
pub(crate) use parser::{Names, parse_expression, parse_type, parse_unary_tests};
pub(crate) use scope::{Functions, Scope, empty_data};
pub(crate) use types::{FeelType, item_types};

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
