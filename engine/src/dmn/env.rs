//! The environment one decision is evaluated in: the JSON data, values
//! already computed (required decisions, test inputs) and the script engine
//! (Rhai, and Python translated to Rhai).

use std::cell::OnceCell;
use std::sync::Arc;

use crate::model::Data;

use super::compiled::{CFunction, Code, Located, Tests};
use super::decisions::Decisions;
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
    /// The loaded decisions: their knowledge models and services, and the
    /// decisions a service evaluates.
    pub decisions: &'a Decisions,
    pub knowledge: &'a Knowledge,
    /// The file the logic being evaluated was written in: its model's
    /// elements are named plainly, imported ones with a prefix.
    pub file: u32,
    /// Boxed function definitions of the enclosing contexts, callable by
    /// their entry names.
    pub locals: &'a [(String, Arc<CFunction>)],
    /// How many knowledge-model calls deep this evaluation is.
    pub depth: u32,
    /// `data` with `vars` added, built only if a Rhai expression needs it.
    merged: OnceCell<Data>,
}

impl<'a> Env<'a> {
    pub fn new(
        decisions: &'a Decisions,
        data: &'a Data,
        vars: &'a [(String, Value)],
        decision: &'a str,
        file: u32,
        depth: u32,
    ) -> Env<'a> {
        Env {
            engine: decisions.engine(),
            data,
            vars,
            decision,
            decisions,
            knowledge: decisions.knowledge(),
            file,
            locals: &[],
            depth,
            merged: OnceCell::new(),
        }
    }

    /// This environment with `vars` and `locals` in place of its own (a
    /// context adding its entries).
    pub fn with_scope<'b>(
        &'b self,
        vars: &'b [(String, Value)],
        locals: &'b [(String, Arc<CFunction>)],
    ) -> Env<'b> {
        Env {
            vars,
            locals,
            merged: OnceCell::new(),
            ..*self
        }
    }

    /// The environment of a knowledge model's body: its parameters only
    /// (and the names of the file it was written in).
    pub fn call_frame<'b>(&'b self, vars: &'b [(String, Value)], file: u32) -> Env<'b> {
        Env {
            data: feel::empty_data(),
            vars,
            file,
            locals: &[],
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
