//! The sandboxed Rhai engine: created once per run, shared by every task.

use std::cell::Cell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::{Dynamic, Engine, Scope};
use serde_json::Value;

use super::compiled::{Access, Var};
use super::python::runtime::{Deleted, Unassigned};
use super::truthy::truthy;
use super::{Compiled, ScriptError, TranslateError, juel, python};
use crate::model::{Data, Dialect, ExprKind};

/// Why a script or condition did not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// Python or JUEL text outside the supported subset, or invalid.
    #[error(transparent)]
    Translate(TranslateError),
    /// Rhai rejected the code (for Python and JUEL: the translated code).
    #[error(transparent)]
    Rhai(ScriptError),
}

/// Resource limits applied to every script and condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rhai operations per script run; stops `loop {}`.
    pub max_operations: u64,
    /// Nested function calls.
    pub max_call_levels: usize,
    /// Bytes in one string a script leaves in the data, returns, or asks
    /// for at once (`pad`). Growth inside a run is bounded by `max_memory`.
    pub max_string_size: usize,
    /// Items in one list, likewise.
    pub max_array_size: usize,
    /// Entries in one map, likewise.
    pub max_map_size: usize,
    /// Wall-clock time of one script run (a script that builds huge values
    /// in few operations is stopped by this).
    pub max_time: Duration,
    /// Bytes one script run may print (`print`, `debug`); more fails it.
    pub max_output: usize,
    /// Bytes one script run may hold beyond what it started with (measured
    /// by [`super::CountingAllocator`] where it is installed).
    pub max_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 5_000_000,
            max_call_levels: 64,
            max_string_size: 16 * 1024 * 1024,
            max_array_size: 1_000_000,
            max_map_size: 1_000_000,
            max_time: Duration::from_secs(10),
            max_output: 1024 * 1024,
            max_memory: 512 * 1024 * 1024,
        }
    }
}

/// The budget of the script running on this thread: when it started (set
/// at its first progress check, so short scripts never read the clock) and
/// how much it may still print.
#[derive(Clone, Copy)]
struct Budget {
    started: Option<Instant>,
    output_left: usize,
    printed_too_much: bool,
    /// The thread's net allocation past which the script is stopped.
    memory_ceiling: isize,
}

thread_local! {
    static BUDGET: Cell<Budget> = const {
        Cell::new(Budget {
            started: None,
            output_left: usize::MAX,
            printed_too_much: false,
            memory_ceiling: isize::MAX,
        })
    };
}

/// Why the progress check stopped a script.
const TIMED_OUT: &str = "bpmn-runner: time limit";
const PRINTED_TOO_MUCH: &str = "bpmn-runner: output limit";
const OUT_OF_MEMORY: &str = "bpmn-runner: memory limit";

/// Operations between two looks at the clock.
const CLOCK_EVERY: u64 = 1024;

/// Where `print` and `debug` output of scripts goes.
pub type PrintSink = Arc<dyn Fn(&str) + Send + Sync>;

/// A Rhai engine configured as a sandbox: no modules or file access (the
/// `no_module` feature), no `eval`, bounded operations, call depth and sizes.
pub struct ScriptEngine {
    engine: Engine,
    limits: Limits,
}

impl std::fmt::Debug for ScriptEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptEngine")
            .field("limits", &self.limits)
            .finish()
    }
}

impl Default for ScriptEngine {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl ScriptEngine {
    /// An engine with `limits`; script `print` goes to stderr.
    pub fn new(limits: Limits) -> Self {
        Self::with_print(limits, Arc::new(|s: &str| eprintln!("[script] {s}")))
    }

    /// An engine whose `print`/`debug` output goes to `sink`.
    pub fn with_print(limits: Limits, sink: PrintSink) -> Self {
        let mut engine = Engine::new();
        engine
            .set_max_operations(limits.max_operations)
            .set_max_call_levels(limits.max_call_levels)
            // Rhai's size limits re-measure a whole list on every change to
            // it; sizes are checked where values leave a script and where
            // one call asks for a size (`pad`, `blob`), and growth by the
            // memory limit instead.
            .set_max_string_size(0)
            .set_max_array_size(0)
            .set_max_map_size(0)
            .set_max_expr_depths(128, 64);
        super::size_guards::register(&mut engine, &limits);
        engine.disable_symbol("eval");
        // `order.colour` on a map without that key is an error, not `()`.
        engine.set_fail_on_invalid_map_property(true);
        python::register(&mut engine);
        juel::register(&mut engine);
        // Printing counts against the output budget; past it, nothing more
        // is printed and the next progress check stops the script.
        let print = move |s: &str| {
            BUDGET.with(|b| {
                let mut v = b.get();
                if v.output_left >= s.len() {
                    v.output_left -= s.len();
                    b.set(v);
                    sink(s);
                } else {
                    v.printed_too_much = true;
                    b.set(v);
                }
            });
        };
        let print = Arc::new(print);
        let p2 = print.clone();
        engine.on_print(move |s| print(s));
        engine.on_debug(move |s, _src, _pos| p2(s));
        let max_time = limits.max_time;
        engine.on_progress(move |ops| {
            // Every operation: one operation can double a string.
            let ceiling = BUDGET.with(|b| b.get().memory_ceiling);
            if super::thread_net_bytes() > ceiling {
                return Some(Dynamic::from(OUT_OF_MEMORY));
            }
            if ops % CLOCK_EVERY != 0 {
                return None;
            }
            BUDGET.with(|b| {
                let mut v = b.get();
                if v.printed_too_much {
                    return Some(Dynamic::from(PRINTED_TOO_MUCH));
                }
                match v.started {
                    None => {
                        v.started = Some(Instant::now());
                        b.set(v);
                        None
                    }
                    Some(t) if t.elapsed() > max_time => Some(Dynamic::from(TIMED_OUT)),
                    Some(_) => None,
                }
            })
        });
        ScriptEngine { engine, limits }
    }

    /// A fresh budget for the script about to run on this thread.
    fn start_budget(&self) {
        BUDGET.with(|b| {
            b.set(Budget {
                started: None,
                output_left: self.limits.max_output,
                printed_too_much: false,
                memory_ceiling: super::thread_net_bytes()
                    .saturating_add(self.limits.max_memory.min(isize::MAX as usize) as isize),
            })
        });
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Compiles `text` as a script (statements) or condition (expression).
    pub fn compile(&self, text: &str, kind: ExprKind) -> Result<Compiled, ScriptError> {
        let ast = match kind {
            ExprKind::Script => self.engine.compile(text),
            ExprKind::Condition => self.engine.compile_expression(text),
        }
        .map_err(|e| ScriptError::from_parse(&e))?;
        Ok(Compiled::new(ast, kind, Dialect::Rhai, &[]))
    }

    /// Compiles `text` written in `dialect`: Rhai as [`ScriptEngine::compile`];
    /// Python and JUEL are first translated to Rhai (once, here), so running
    /// them costs the same as running Rhai.
    ///
    /// ```
    /// use bpmn_engine::model::{Dialect, ExprKind};
    /// use bpmn_engine::scripting::ScriptEngine;
    /// let e = ScriptEngine::default();
    /// let c = e.compile_in("half = total / 2", ExprKind::Script, Dialect::Python).unwrap();
    /// let mut data = bpmn_engine::Data::from(serde_json::json!({"total": 7}).as_object().unwrap().clone());
    /// e.run(&c, &mut data).unwrap();
    /// assert_eq!(data.get("half"), Some(&serde_json::json!(3.5)));
    /// ```
    pub fn compile_in(
        &self,
        text: &str,
        kind: ExprKind,
        dialect: Dialect,
    ) -> Result<Compiled, CompileError> {
        let (rhai_text, aliases) = match (dialect, kind) {
            (Dialect::Rhai, _) => return self.compile(text, kind).map_err(CompileError::Rhai),
            (Dialect::Python, ExprKind::Script) => {
                let t = python::translate_script(text).map_err(CompileError::Translate)?;
                (t.rhai, t.aliases)
            }
            (Dialect::Python, ExprKind::Condition) => {
                let t = python::translate_condition(text).map_err(CompileError::Translate)?;
                (t.rhai, t.aliases)
            }
            (Dialect::Juel, ExprKind::Condition) => {
                let t = juel::translate(text).map_err(CompileError::Translate)?;
                (t.rhai, t.aliases)
            }
            (Dialect::Juel, ExprKind::Script) => {
                return Err(CompileError::Translate(TranslateError::new(
                    1,
                    1,
                    "script",
                    "JUEL is an expression language: scripts cannot be written in it",
                )));
            }
        };
        // Translated conditions may use statement blocks (comprehensions,
        // `and`/`or` keeping values), which only script mode accepts.
        let ast = self.engine.compile(&rhai_text).map_err(|e| {
            // Each dialect limits its own nesting, but a construct may
            // translate to more than one level of Rhai (a JUEL `a || b`
            // becomes a call inside a group), so a text near the dialect's
            // limit can pass Rhai's: that is the author's nesting, not a
            // translator fault.
            if matches!(
                e.err_type(),
                rhai::ParseErrorType::ExprTooDeep
            ) {
                return CompileError::Translate(TranslateError::new(
                    1,
                    1,
                    "nesting",
                    "the expression is nested too deeply once translated to Rhai (more than 128 levels of brackets, calls or chained operators); split it into smaller expressions or steps",
                ));
            }
            let mut err = ScriptError::from_parse(&e);
            err.message = format!(
                "internal error: the {} code translated to Rhai does not compile ({}); please report this with the script",
                dialect.title(),
                err.message
            );
            err.col = None;
            CompileError::Rhai(err)
        })?;
        Ok(Compiled::new(ast, kind, dialect, &aliases))
    }

    /// Puts into `b`'s scope the variables of `code` that `data` has, with
    /// `extra` (name, value) in place of the data's variable of that name.
    fn fill(
        &self,
        b: &mut Buffers,
        code: &Compiled,
        data: &Data,
        extra: Option<(&str, &Value)>,
    ) -> Result<(), ScriptError> {
        for (i, var) in code.vars.iter().enumerate() {
            let value = match extra {
                Some((n, v)) if n == &*var.key => Some(v),
                _ => data.get(&var.key),
            };
            let Some(v) = value else { continue };
            let mut d = match scalar_to_dynamic(v) {
                Some(d) => d,
                None => rhai::serde::to_dynamic(v).map_err(|e| {
                    ScriptError::plain(format!(
                        "variable `{}` cannot be given to the script: {e}",
                        var.rhai
                    ))
                })?,
            };
            if code.dialect == Dialect::Python {
                // datetime / Decimal values saved by an earlier script.
                python::modules::revive(&mut d);
            }
            b.scope.push_dynamic(&*var.rhai, d);
            b.present.push(i);
        }
        Ok(())
    }

    /// Runs a script against `data`; every top-level variable it assigned,
    /// declared or may have changed is written back into `data`. Variables
    /// it only read keep their (shared) values.
    pub fn run(&self, code: &Compiled, data: &mut Data) -> Result<(), ScriptError> {
        with_buffers(|b| {
            self.fill(b, code, data, None)?;
            for &t in &code.targets {
                // `present` is in ascending order: no second look-up.
                if b.present.binary_search(&t).is_err() {
                    b.scope
                        .push_dynamic(&*code.vars[t].rhai, Dynamic::from(Unassigned));
                    b.declared.push(t);
                }
            }
            self.start_budget();
            let result = self.engine.run_ast_with_scope(&mut b.scope, &code.ast);
            // Like SpiffWorkflow, assignments made before a failure stay in
            // the data, so the failing task shows how far the script got.
            let write_result = write_back(code, b, data, &self.limits);
            result.map_err(|e| self.runtime_error(code, &e))?;
            write_result
        })
    }

    fn runtime_error(&self, code: &Compiled, e: &rhai::EvalAltResult) -> ScriptError {
        let mut err = ScriptError::from_rhai(e, self.limits.max_operations);
        if let rhai::EvalAltResult::ErrorTerminated(token, _) = e {
            let why = token.clone().into_immutable_string().unwrap_or_default();
            if why == TIMED_OUT {
                err.message = format!(
                    "the script ran longer than {:?}, the limit (--max-script-time)",
                    self.limits.max_time
                );
            } else if why == OUT_OF_MEMORY {
                err.message = format!(
                    "the script used more than {} of memory, the limit (--max-script-memory)",
                    super::size_guards::bytes(self.limits.max_memory)
                );
            } else if why == PRINTED_TOO_MUCH {
                err.message = format!(
                    "the script printed more than {} bytes, the limit (--max-script-output)",
                    self.limits.max_output
                );
            }
        }
        if code.dialect != Dialect::Rhai {
            // Lines of translated code are the original lines; columns are not.
            err.col = None;
        }
        err
    }

    /// Evaluates an expression against `data` and returns its value.
    pub fn eval(&self, code: &Compiled, data: &Data) -> Result<Value, ScriptError> {
        let d = self.eval_dynamic(code, data, None)?;
        dynamic_to_value("result", &d, &self.limits)
    }

    fn eval_dynamic(
        &self,
        code: &Compiled,
        data: &Data,
        extra: Option<(&str, &Value)>,
    ) -> Result<Dynamic, ScriptError> {
        with_buffers(|b| {
            self.fill(b, code, data, extra)?;
            self.start_budget();
            self.engine
                .eval_ast_with_scope(&mut b.scope, &code.ast)
                .map_err(|e| self.runtime_error(code, &e))
        })
    }

    /// Evaluates a condition: `true`/`false`, with Python-like truthiness for
    /// other values (`()`/null, 0, "" and empty collections are false).
    pub fn eval_bool(&self, code: &Compiled, data: &Data) -> Result<bool, ScriptError> {
        self.eval_bool_inner(code, data, None)
    }

    /// [`ScriptEngine::eval_bool`] with one more variable (name, value)
    /// over the data, which is not copied: a DMN cell reads the value it
    /// tests this way.
    pub fn eval_bool_with(
        &self,
        code: &Compiled,
        data: &Data,
        extra: (&str, &Value),
    ) -> Result<bool, ScriptError> {
        self.eval_bool_inner(code, data, Some(extra))
    }

    fn eval_bool_inner(
        &self,
        code: &Compiled,
        data: &Data,
        extra: Option<(&str, &Value)>,
    ) -> Result<bool, ScriptError> {
        Ok(truthy(&self.eval_dynamic(code, data, extra)?))
    }
}

/// A scalar as [`rhai::serde::to_dynamic`] makes it (integers past Rhai's
/// range become floats), without going through a serializer.
fn scalar_to_dynamic(v: &Value) -> Option<Dynamic> {
    Some(match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64()?),
        },
        _ => return None,
    })
}

fn dynamic_to_value(name: &str, d: &Dynamic, limits: &Limits) -> Result<Value, ScriptError> {
    // The common scalars directly, as the deserializer below makes them.
    if let Ok(i) = d.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if d.is_unit() {
        return Ok(Value::Null);
    }
    // Python's datetime / Decimal values take their task-data shapes.
    if let Some(lowered) = python::modules::lower(d) {
        let lowered = lowered.map_err(|e| ScriptError::plain(format!("`{name}`: {e}")))?;
        return dynamic_to_value(name, &lowered, limits);
    }
    if let Ok(f) = d.as_float() {
        if !f.is_finite() {
            return Err(ScriptError::plain(format!(
                "`{name}` is {f}, which cannot be stored in the data (division by zero?)"
            )));
        }
    }
    if d.is_char() {
        return Ok(Value::String(d.to_string()));
    }
    // The converter recurses: measure first, with bounded recursion, so a
    // script that builds `a = [a]` a million times gets an error, not a
    // crash; and sizes, which Rhai no longer checks as the script runs.
    super::size_guards::check_value(name, d, limits)
        .map_err(|e| ScriptError::plain(e.to_string()))?;
    rhai::serde::from_dynamic::<Value>(d).map_err(|_| {
        ScriptError::plain(format!(
            "`{name}` holds a {} value, which cannot be stored in the data",
            d.type_name()
        ))
    })
}

/// Buffers a run reuses rather than allocating them anew: the Rhai scope
/// (it keeps its capacity when cleared), which of the code's variables the
/// data had (pushed first, in this order), and which targets it lacked and
/// were declared (pushed next).
#[derive(Default)]
struct Buffers {
    scope: Scope<'static>,
    present: Vec<usize>,
    declared: Vec<usize>,
}

thread_local! {
    static BUFFERS: Cell<Buffers> = Cell::new(Buffers::default());
}

/// Runs `f` with this thread's buffers, emptied afterwards (so no value
/// outlives the run). A nested run gets fresh ones.
fn with_buffers<R>(f: impl FnOnce(&mut Buffers) -> R) -> R {
    let mut b = BUFFERS.with(Cell::take);
    let r = f(&mut b);
    b.scope.clear();
    b.present.clear();
    b.declared.clear();
    BUFFERS.with(|cell| cell.set(b));
    r
}

/// Writes the variables of the scope of a finished run back into `data`:
/// assigned or declared ones, those the code shares with a closure, and
/// those it handed to a method or function that changed them; not those it
/// only read. The error is that of the first variable (in scope order)
/// that cannot be stored; the others are stored all the same.
fn write_back(
    code: &Compiled,
    b: &Buffers,
    data: &mut Data,
    limits: &Limits,
) -> Result<(), ScriptError> {
    let scope = &b.scope;
    let present = b.present.len();
    let pushed = present + b.declared.len();
    let mut w = Writer { code, data, limits };
    let mut first_err = None;
    if scope.len() == pushed {
        // Only what was pushed. The data's variables are already in the
        // data, so writing them keeps their places whatever the order:
        // backwards, as the scope iterates without allocating (the last
        // error seen is the first in scope order)…
        for (j, (_, _, d)) in scope.iter_raw().enumerate() {
            let i = pushed - 1 - j;
            if i < present {
                if let Err(e) = w.data_var(&code.vars[b.present[i]], d) {
                    first_err = Some(e);
                }
            }
        }
        // …then the declared targets, new to the data, in their order.
        for &t in &b.declared {
            let var = &code.vars[t];
            if let Some(d) = scope.get(&var.rhai) {
                if let Err(e) = w.store(&var.key, Some(&var.key), d, true) {
                    first_err.get_or_insert(e);
                }
            }
        }
    } else {
        // The script declared variables of its own (`let`): all in scope
        // order, later ones winning over earlier ones of the same name.
        for (i, (name, d, _)) in scope.into_iter().enumerate() {
            let stored = if i < present {
                w.data_var(&code.vars[b.present[i]], d)
            } else if i < pushed {
                let var = &code.vars[b.declared[i - present]];
                w.store(&var.key, Some(&var.key), d, true)
            } else {
                match code.vars.iter().find(|v| &*v.rhai == name) {
                    Some(var) => {
                        let declared = b.declared.iter().any(|&t| code.vars[t].rhai == var.rhai);
                        w.store(&var.key, Some(&var.key), d, declared)
                    }
                    None => w.store(name, None, d, false),
                }
            };
            if let Err(e) = stored {
                first_err.get_or_insert(e);
            }
        }
    }
    first_err.map_or(Ok(()), Err)
}

/// Moves values from a scope into the data.
struct Writer<'a> {
    code: &'a Compiled,
    data: &'a mut Data,
    limits: &'a Limits,
}

impl Writer<'_> {
    /// A variable taken from the data: written back only if the code may
    /// have changed it.
    fn data_var(&mut self, var: &Var, d: &Dynamic) -> Result<(), ScriptError> {
        let write = d.is_shared()
            || match var.access {
                Access::Written => true,
                Access::MaybeChanged => !self.data.get(&var.key).is_some_and(|v| represents(d, v)),
                Access::Read => false,
            };
        if write {
            self.store(&var.key, Some(&var.key), d, false)
        } else {
            Ok(())
        }
    }

    /// Stores `d` as variable `key` (`shared_key`: the same name, ready to
    /// become a new key of the data without allocating).
    ///
    /// A `declared` target is one the data lacked, declared so assignment
    /// works: it holds [`Unassigned`] until assigned (reading it then fails
    /// with the type name "unassigned variable" instead of silently giving
    /// `()`; Rhai would use `()`, but `x = None`, which is `()`, must still
    /// create `x`). Never assigned (a branch not taken), it stays out of
    /// the data.
    fn store(
        &mut self,
        key: &str,
        shared_key: Option<&Arc<str>>,
        d: &Dynamic,
        declared: bool,
    ) -> Result<(), ScriptError> {
        // Variables a Python function reads are shared with its closure;
        // a function stored in a variable it reads is a reference cycle,
        // broken here by emptying the shared cell.
        let flat;
        let d = if d.is_shared() {
            flat = d.flatten_clone();
            if let Some(mut cell) = d.clone().write_lock::<Dynamic>() {
                *cell = Dynamic::UNIT;
            }
            &flat
        } else {
            d
        };
        if declared && d.is::<Unassigned>() {
            return Ok(());
        }
        // Python's `del x` removes the variable from the data; functions a
        // script defines never stay in it (SpiffWorkflow drops callables).
        if d.is::<Deleted>() || (d.is_fnptr() && self.code.dialect == Dialect::Python) {
            self.data.shift_remove(key);
            return Ok(());
        }
        let v = dynamic_to_value(key, d, self.limits)?;
        self.data.set(key, v, || match shared_key {
            Some(k) => k.clone(),
            None => key.into(),
        });
        Ok(())
    }
}

/// Whether `d` is what `v` became in the scope, unchanged: writing it back
/// would store an equal value. Values of other types (Python's datetime and
/// Decimal, function pointers) count as changed.
fn represents(d: &Dynamic, v: &Value) -> bool {
    match v {
        Value::Null => d.is_unit(),
        Value::Bool(b) => d.as_bool() == Ok(*b),
        Value::Number(n) => match (d.as_int(), d.as_float()) {
            (Ok(i), _) => n.as_i64() == Some(i),
            // Floats, and integers past the range of Rhai's.
            (_, Ok(f)) => !n.is_i64() && n.as_f64() == Some(f),
            _ => false,
        },
        Value::String(s) => d
            .read_lock::<rhai::ImmutableString>()
            .is_some_and(|t| t.as_str() == s),
        Value::Array(a) => d.read_lock::<rhai::Array>().is_some_and(|b| {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(v, d)| represents(d, v))
        }),
        Value::Object(m) => d.read_lock::<rhai::Map>().is_some_and(|b| {
            m.len() == b.len()
                && m.iter()
                    .all(|(k, v)| b.get(k.as_str()).is_some_and(|d| represents(d, v)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: Value) -> Data {
        Data::from(v.as_object().unwrap().clone())
    }

    #[test]
    fn assignment_without_let_creates_variables() {
        let e = ScriptEngine::default();
        let c = e
            .compile(
                "total = price * qty; let tax = 2; if total > 100 { big = true } else { small = true }",
                ExprKind::Script,
            )
            .unwrap();
        let mut d = data(json!({"price": 30, "qty": 4, "other": "x"}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({"price": 30, "qty": 4, "other": "x", "total": 120, "tax": 2, "big": true})
        );
        let keys: Vec<&str> = d.keys().collect();
        assert_eq!(keys, ["price", "qty", "other", "total", "big", "tax"]);
    }

    #[test]
    fn strings_and_lists_repeat_with_star_in_both_languages() {
        // `a = "a" * 3` reads the same in Rhai and Python: a file with
        // nothing else to tell is Rhai, and must still mean repetition.
        let e = ScriptEngine::default();
        let c = e
            .compile(
                r#"a = "ab" * 3; b = 2 * [1, 2]; n = 6 * 7"#,
                ExprKind::Script,
            )
            .unwrap();
        let mut d = Data::new();
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({"a": "ababab", "b": [1, 2, 1, 2], "n": 42})
        );
        let c = e.compile(r#"a = "ab" * -1"#, ExprKind::Script).unwrap();
        e.run(&c, &mut d).unwrap();
        assert_eq!(d["a"], json!(""));
    }

    #[test]
    fn reading_an_unassigned_variable_is_a_clear_error() {
        let e = ScriptEngine::default();
        let c = e.compile("x = x * 2;", ExprKind::Script).unwrap();
        let err = e.run(&c, &mut Data::new()).unwrap_err();
        assert!(err.message.contains("unassigned variable"), "{err}");
        let c = e
            .compile("m = #{a: 1}; y = m.b;", ExprKind::Script)
            .unwrap();
        assert!(e.run(&c, &mut Data::new()).is_err());
        // Like Python's KeyError.
        let c = e
            .compile("m = #{a: 1}; z = m[\"b\"];", ExprKind::Script)
            .unwrap();
        let err = e.run(&c, &mut Data::new()).unwrap_err();
        assert!(err.message.contains("Property not found: b"), "{err}");
        let c = e.compile("z = ();", ExprKind::Script).unwrap();
        let mut d = Data::new();
        e.run(&c, &mut d).unwrap();
        assert_eq!(d["z"], Value::Null, "an assigned () is stored as null");
    }

    #[test]
    fn endless_loop_is_stopped() {
        let e = ScriptEngine::new(Limits {
            max_operations: 10_000,
            ..Limits::default()
        });
        let c = e.compile("loop { }", ExprKind::Script).unwrap();
        let err = e.run(&c, &mut Data::new()).unwrap_err();
        assert!(err.message.contains("10000 operations"), "{err}");
    }

    #[test]
    fn runtime_error_reports_line_and_keeps_earlier_assignments() {
        let e = ScriptEngine::default();
        let c = e
            .compile("a = 1;\nb = missing + 1;", ExprKind::Script)
            .unwrap();
        let mut d = Data::new();
        let err = e.run(&c, &mut d).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("missing"), "{err}");
        assert_eq!(d.get("a"), Some(&json!(1)));
    }

    #[test]
    fn conditions_use_truthiness() {
        let e = ScriptEngine::default();
        let d = data(json!({"n": 0, "s": "x", "l": []}));
        let t = |src: &str| {
            e.eval_bool(&e.compile(src, ExprKind::Condition).unwrap(), &d)
                .unwrap()
        };
        assert!(!t("n"));
        assert!(t("s"));
        assert!(!t("l"));
        assert!(t("n == 0 && s == \"x\""));
    }

    #[test]
    fn non_finite_results_are_refused() {
        let e = ScriptEngine::default();
        let c = e.compile("x = 1.0 / 0.0;", ExprKind::Script).unwrap();
        assert!(e.run(&c, &mut Data::new()).is_err());
    }

    fn shared(d: &Data, key: &str) -> Arc<Value> {
        d.get_shared(key).unwrap().clone()
    }

    #[test]
    fn changes_in_place_are_written_back_in_rhai() {
        let e = ScriptEngine::default();
        let c = e
            .compile(
                r#"items.push(1); push(xs, 2); m.x = 1; m["y"] += 1; a[0] = 5;
                   nested.list.push(3); s.trim(); rev.reverse();"#,
                ExprKind::Script,
            )
            .unwrap();
        let mut d = data(json!({
            "items": [], "xs": [1], "m": {"y": 1}, "a": [0, 0], "nested": {"list": []},
            "s": " x ", "rev": [1, 2], "other": [1]
        }));
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({
                "items": [1], "xs": [1, 2], "m": {"x": 1, "y": 2}, "a": [5, 0],
                "nested": {"list": [3]},
                "s": "x", "rev": [2, 1], "other": [1]
            })
        );
    }

    #[test]
    fn changes_in_place_are_written_back_in_python() {
        let e = ScriptEngine::default();
        let c = e
            .compile_in(
                "items.append(1)\nd['k'] = 2\nd.update({'z': 3})\ndel d['a']\nlst.sort()\nlst.extend([9])\nn = len(other)\nq = ys.pop()",
                ExprKind::Script,
                Dialect::Python,
            )
            .unwrap();
        let mut d = data(json!({
            "items": [], "d": {"a": 1}, "lst": [3, 1, 2], "other": [1, 2], "ys": [1, 2]
        }));
        let other = shared(&d, "other");
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({
                "items": [1], "d": {"k": 2, "z": 3}, "lst": [1, 2, 3, 9], "other": [1, 2],
                "ys": [1], "n": 2, "q": 2
            })
        );
        assert!(
            Arc::ptr_eq(&other, &shared(&d, "other")),
            "`other` was only read"
        );
    }

    #[test]
    fn read_only_variables_keep_their_shared_values() {
        let e = ScriptEngine::default();
        let before = data(json!({
            "big": (0..1000).collect::<Vec<_>>(), "name": "ann", "m": {"b": 1, "a": 2},
            "x": 1.5, "total": 0
        }));
        let rhai = e
            .compile(
                r#"total = big.len() + len(big) + name.len + m.a + m["b"];
                   let up = to_upper(name); if big.contains(3) && x > 1.0 { total += 1 }"#,
                ExprKind::Script,
            )
            .unwrap();
        let python = e
            .compile_in(
                "total = len(big) + len(name.upper()) + m['a'] + sum(big[:2]) + len(m.keys())\nok = x > 1",
                ExprKind::Script,
                Dialect::Python,
            )
            .unwrap();
        for (c, total) in [(&rhai, json!(2007)), (&python, json!(1008))] {
            let mut d = before.clone();
            e.run(c, &mut d).unwrap();
            assert_eq!(d["total"], total);
            for k in ["big", "name", "m", "x"] {
                assert!(
                    Arc::ptr_eq(&shared(&before, k), &shared(&d, k)),
                    "{:?}: `{k}` was only read",
                    c.dialect()
                );
            }
            // Only the assigned variable got a new value.
            assert!(!Arc::ptr_eq(
                &shared(&before, "total"),
                &shared(&d, "total")
            ));
        }
    }

    #[test]
    fn a_method_that_changes_nothing_keeps_the_value_shared() {
        let e = ScriptEngine::default();
        let c = e
            .compile("items.sort(); m.remove(\"none\"); n = 1;", ExprKind::Script)
            .unwrap();
        let before = data(json!({"items": [1, 2, 3], "m": {"a": 1}}));
        let mut d = before.clone();
        e.run(&c, &mut d).unwrap();
        assert!(Arc::ptr_eq(&shared(&before, "items"), &shared(&d, "items")));
        assert!(Arc::ptr_eq(&shared(&before, "m"), &shared(&d, "m")));
        let mut d = data(json!({"items": [3, 1, 2], "m": {"a": 1, "none": 0}}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({"items": [1, 2, 3], "m": {"a": 1}, "n": 1})
        );
    }

    #[test]
    fn closures_and_caller_scope_calls_write_back_what_they_change() {
        let e = ScriptEngine::default();
        // A Python function changes a global list it reads.
        let c = e
            .compile_in(
                "def add(x):\n    items.append(x)\nadd(1)\nadd(2)",
                ExprKind::Script,
                Dialect::Python,
            )
            .unwrap();
        let mut d = data(json!({"items": []}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(
            d.to_json(),
            json!({"items": [1, 2]}),
            "the function is dropped"
        );
        // A Rhai closure captures a variable; `f!()` runs in the caller's scope.
        let c = e
            .compile(
                "fn bump() { i += 1; list.push(i) } { let f = |x| items.push(x); f.call(7); } bump!();",
                ExprKind::Script,
            )
            .unwrap();
        let mut d = data(json!({"items": [], "i": 1, "list": []}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(d["items"], json!([7]));
        assert_eq!(d["i"], json!(2));
        assert_eq!(d["list"], json!([2]));
    }

    #[test]
    fn let_declarations_and_deletions_keep_their_meaning() {
        let e = ScriptEngine::default();
        // `let` over a data variable replaces it; a later `let` wins.
        let c = e
            .compile(
                "let price = 5; let t = 1; let t = t + price;",
                ExprKind::Script,
            )
            .unwrap();
        let mut d = data(json!({"price": 1, "q": 2}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(d.to_json(), json!({"price": 5, "q": 2, "t": 6}));
        let c = e
            .compile_in(
                "del a\nif False:\n    never = 1\nb = None",
                ExprKind::Script,
                Dialect::Python,
            )
            .unwrap();
        let mut d = data(json!({"a": 1, "c": 3}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(d.to_json(), json!({"c": 3, "b": null}));
        let keys: Vec<&str> = d.keys().collect();
        assert_eq!(keys, ["c", "b"]);
    }

    #[test]
    fn a_failing_script_reports_its_first_unstorable_variable() {
        let e = ScriptEngine::default();
        let c = e
            .compile(
                "a = 1.0 / 0.0; b = 2; z = -1.0 / 0.0; y = 1; missing",
                ExprKind::Script,
            )
            .unwrap();
        let mut d = data(json!({"z": 0, "a": 0}));
        let err = e.run(&c, &mut d).unwrap_err();
        // The run's own error comes first; the values it left are kept.
        assert!(err.message.contains("missing"), "{err}");
        assert_eq!(d["b"], json!(2));
        assert_eq!(d["y"], json!(1));
        let c = e
            .compile("a = 1.0 / 0.0; b = 2; z = -1.0 / 0.0;", ExprKind::Script)
            .unwrap();
        let err = e.run(&c, &mut d).unwrap_err();
        assert!(err.message.contains("`a`"), "{err}");
        assert_eq!(d["b"], json!(2));
    }

    #[test]
    fn reading_the_scope_ignores_unrelated_data_and_names_of_functions() {
        let e = ScriptEngine::default();
        let c = e
            .compile_in(
                "def twice(v):\n    return v * 2\nr = twice(n)",
                ExprKind::Script,
                Dialect::Python,
            )
            .unwrap();
        // `v` is the function's parameter, not the data's `v`.
        let names: Vec<&str> = c.data_names().collect();
        assert!(!names.contains(&"v"), "{names:?}");
        let mut d = data(json!({"n": 4, "v": "unrelated"}));
        e.run(&c, &mut d).unwrap();
        assert_eq!(d.to_json(), json!({"n": 4, "v": "unrelated", "r": 8}));
    }

    #[test]
    fn scalars_convert_as_the_serde_path_converts_them() {
        let limits = Limits::default();
        for v in [
            json!(null),
            json!(true),
            json!(0),
            json!(i64::MIN),
            json!(i64::MAX),
            json!(u64::MAX),
            json!(1.5),
            json!(-0.0),
            json!(1e300),
        ] {
            let fast = scalar_to_dynamic(&v).unwrap();
            let slow = rhai::serde::to_dynamic(&v).unwrap();
            assert_eq!(fast.type_name(), slow.type_name(), "{v}");
            assert_eq!(fast.to_string(), slow.to_string(), "{v}");
            let back = dynamic_to_value("x", &fast, &limits).unwrap();
            assert_eq!(
                back,
                rhai::serde::from_dynamic::<Value>(&slow).unwrap(),
                "{v}"
            );
        }
        assert!(scalar_to_dynamic(&json!("s")).is_none());
    }
}
