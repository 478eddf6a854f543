//! FEEL, the DMN expression language: the subset decision tables use.
//!
//! Expressions: literals (numbers, strings, booleans, `null`, `@"…"`
//! temporals), names (with spaces), paths, arithmetic, comparisons,
//! `and`/`or`, `if then else`, `between`, `in`, lists, contexts, ranges,
//! filters and the built-in functions of [`builtins`]. Unary tests: `-`,
//! comparisons, intervals, comma lists, `not(…)` and expressions with `?`.
//! `for`, `some`, `every`, user functions and `instance of` are refused at
//! load time with a clear message.

mod arith;
mod ast;
mod builtins;
mod eval;
mod lexer;
mod parser;
mod unary;

pub(crate) use ast::{Expr, UnaryTest, UnaryTests};
pub(crate) use eval::{EvalError, Functions, Scope, empty_data, eval, fold};
pub(crate) use lexer::SyntaxError;
pub(crate) use parser::{Names, parse_expression, parse_unary_tests};
pub(crate) use unary::{matches, position};
