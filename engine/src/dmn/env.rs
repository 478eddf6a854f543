//! The environment one decision is evaluated in: the JSON data, values
//! already computed (required decisions, test inputs) and the script engine
//! (Rhai, and Python translated to Rhai).

use std::cell::OnceCell;

use crate::model::Data;

use super::compiled::{Code, Located, Tests};
use super::error::DmnError;
use super::feel::{self, Scope};
use super::knowledge::Knowledge;
use super::value::Value;
use crate::scripting::ScriptEngine;

pub(crate) struct Env<'a> {
    pub engine: &'a ScriptEngine,
    pub data: &'a Data,
    pub vars: &'a [(String, Value)],
    pub decision: &'a str,
    pub knowledge: &'a Knowledge,
    /// How many knowledge-model calls deep this evaluation is.
    pub depth: u32,
    /// `data` with `vars` added, built only if a Rhai expression needs it.
    merged: OnceCell<Data>,
}

impl<'a> Env<'a> {
    pub fn new(
        engine: &'a ScriptEngine,
        data: &'a Data,
        vars: &'a [(String, Value)],
        decision: &'a str,
        knowledge: &'a Knowledge,
    ) -> Env<'a> {
        Env {
            engine,
            data,
            vars,
            decision,
            knowledge,
            depth: 0,
            merged: OnceCell::new(),
        }
    }

    /// This environment with `vars` in place of its variables (a context
    /// adding its entries).
    pub fn with_vars<'b>(&'b self, vars: &'b [(String, Value)]) -> Env<'b> {
        Env {
            vars,
            merged: OnceCell::new(),
            ..*self
        }
    }

    /// The environment of a knowledge model's body: its parameters only.
    pub fn call_frame<'b>(&'b self, vars: &'b [(String, Value)]) -> Env<'b> {
        Env {
            data: feel::empty_data(),
            vars,
            depth: self.depth + 1,
            merged: OnceCell::new(),
            ..*self
        }
    }

    /// The FEEL scope of this environment. Its functions are the knowledge
    /// models, called through `impl Functions for Env` in `logic`, which
    /// evaluates their bodies; this file stays below it.
    fn scope(&self) -> Scope<'_> {
        Scope {
            functions: Some(self),
            ..Scope::new(self.data, self.vars)
        }
    }

    fn rhai_data(&self) -> &Data {
        if self.vars.is_empty() {
            return self.data;
        }
        self.merged.get_or_init(|| {
            let mut m = self.data.clone();
            for (k, v) in self.vars {
                m.insert(k.clone(), v.to_json());
            }
            m
        })
    }

    fn fail(&self, at: &str, message: String) -> DmnError {
        DmnError::Expression {
            decision: self.decision.to_string(),
            at: at.to_string(),
            message,
        }
    }

    /// Evaluates an expression to a value.
    pub fn value(&self, c: &Located<Code>) -> Result<Value, DmnError> {
        match &c.code {
            Code::Feel(feel::Expr::Const(v)) => Ok(v.clone()),
            Code::Feel(e) => feel::eval(e, &self.scope()).map_err(|e| self.fail(&c.at, e.message)),
            Code::Script(r) => self
                .engine
                .eval(r, self.rhai_data())
                .map(|j| Value::from_json(&j))
                .map_err(|e| self.fail(&c.at, e.to_string())),
        }
    }

    /// Whether `v` passes the tests.
    pub fn test(&self, t: &Tests, v: &Value, at: &str) -> Result<bool, DmnError> {
        match t {
            Tests::Feel(feel::UnaryTests::Any) => Ok(true),
            Tests::Feel(tests) => {
                feel::matches(tests, v, &self.scope()).map_err(|e| self.fail(at, e.message))
            }
            Tests::Script { code, input } => self
                .engine
                .eval_bool_with(code, self.rhai_data(), (*input, &v.to_json()))
                .map_err(|e| self.fail(at, e.to_string())),
        }
    }

    /// The position of `v` in an `outputValues` list (its priority).
    pub fn position(&self, tests: &feel::UnaryTests, v: &Value) -> Option<usize> {
        feel::position(tests, v, &self.scope()).ok().flatten()
    }
}
