//! Python syntax tree → Rhai source.
//!
//! Each Python statement is emitted on the same line number as in the
//! original text, so Rhai's run-time error lines are Python lines. Python
//! semantics that Rhai lacks (true division, truthiness, `in`, KeyError on a
//! missing key, f-strings…) go through the `py_*` helpers registered by
//! [`super::runtime::register`]. Every variable a Python script assigns, at
//! any depth and including `for` targets, is a plain Rhai assignment, so the
//! engine's assignment walk makes it flow back to the task data; temporaries
//! live in Rhai blocks with `let` and never reach the data.
//!
//! A `def` becomes a Rhai closure assigned to the function's name: Rhai
//! closures share the script variables they read, so a function sees them
//! as they are when it is called, as Python globals; names it assigns are
//! `let`s of the closure (Python locals) unless declared `global`. The
//! engine drops functions from the data afterwards, as SpiffWorkflow does.
//! Imports are resolved here: `math.floor(x)` or `floor(x)` after
//! `from math import floor` becomes a call of a `py_*` function, so no
//! module object exists at run time.

use super::ast::*;
use super::parser::{parse_expression, parse_script};
use super::runtime::FormatSpec;
use crate::scripting::translation::{Names, is_rhai_name, rhai_float, rhai_str};
use crate::scripting::{TranslateError, Translation};

/// Translates a Python script (statements).
pub fn translate_script(text: &str) -> Result<Translation, TranslateError> {
    let body = parse_script(text)?;
    let mut t = Translator::new(text);
    t.collect(&body, false)?;
    t.check_bindings(&body)?;
    t.stmts(&body)?;
    // Variables the functions read must exist when the closures are made
    // (Rhai captures them then): declare them, in a block that never runs,
    // so the engine predeclares those the data lacks.
    if !t.must_exist.is_empty() {
        let decls: String = t.must_exist.iter().map(|n| format!("{n} = (); ")).collect();
        t.out.insert_str(0, &format!("if py_never() {{ {decls}}} "));
    }
    Ok(t.names.finish(t.out))
}

/// Translates a Python condition (one expression).
pub fn translate_condition(text: &str) -> Result<Translation, TranslateError> {
    let e = parse_expression(text)?;
    let mut t = Translator::new(text);
    let code = t.expr(&e)?;
    t.out.push_str(&code);
    Ok(t.names.finish(t.out))
}

/// Free functions a Python script may call.
const BUILTINS: &[&str] = &[
    "len",
    "str",
    "int",
    "float",
    "bool",
    "sum",
    "min",
    "max",
    "round",
    "abs",
    "any",
    "all",
    "sorted",
    "list",
    "dict",
    "range",
    "enumerate",
    "zip",
    "print",
];

type R<T> = Result<T, TranslateError>;

/// Parameters of a `def`: names and constant defaults.
type Params = Vec<(String, Option<Expr>)>;

/// The function being translated.
struct FnCtx {
    /// Parameters and names it assigns (Python locals).
    locals: std::collections::HashSet<String>,
}

struct Translator {
    out: String,
    line: u32,
    names: Names,
    /// Functions the script defines.
    funcs: std::collections::HashMap<String, Params>,
    /// Names bound by imports → dotted module path.
    imports: std::collections::HashMap<String, String>,
    /// Names the script assigns outside functions.
    assigned: std::collections::HashSet<String>,
    func: Option<FnCtx>,
    /// Rhai names that must exist before a closure is made.
    must_exist: std::collections::BTreeSet<String>,
}

/// Names a statement list assigns (targets, `for`, `del`), not descending
/// into functions.
fn assigned_names(body: &[Stmt], out: &mut std::collections::HashSet<String>) {
    fn target(e: &Expr, out: &mut std::collections::HashSet<String>) {
        match &e.kind {
            ExprKind::Name(n) => {
                out.insert(n.clone());
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                items.iter().for_each(|i| target(i, out))
            }
            _ => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Assign(ts, _) => ts.iter().for_each(|t| target(t, out)),
            StmtKind::AugAssign(t, ..) => target(t, out),
            StmtKind::Del(ts) => ts.iter().for_each(|t| target(t, out)),
            StmtKind::For(t, _, b) => {
                target(t, out);
                assigned_names(b, out);
            }
            StmtKind::While(_, b) => assigned_names(b, out),
            StmtKind::If(branches, orelse) => {
                for (_, b) in branches {
                    assigned_names(b, out);
                }
                if let Some(b) = orelse {
                    assigned_names(b, out);
                }
            }
            _ => {}
        }
    }
}

/// Every name an expression or statement list reads, for captures.
fn read_names(body: &[Stmt], out: &mut std::collections::BTreeSet<String>) {
    fn expr(e: &Expr, out: &mut std::collections::BTreeSet<String>) {
        match &e.kind {
            ExprKind::Name(n) => {
                out.insert(n.clone());
            }
            ExprKind::FStr(parts) => {
                for p in parts {
                    if let FPart::Field(x, _) = p {
                        expr(x, out);
                    }
                }
            }
            ExprKind::List(xs) | ExprKind::Tuple(xs) | ExprKind::BoolOp(_, xs) => {
                xs.iter().for_each(|x| expr(x, out))
            }
            ExprKind::Dict(kv) => kv.iter().for_each(|(k, v)| {
                expr(k, out);
                expr(v, out);
            }),
            ExprKind::Attr(v, _) | ExprKind::Unary(_, v) => expr(v, out),
            ExprKind::Index(a, b) | ExprKind::Bin(_, a, b) => {
                expr(a, out);
                expr(b, out);
            }
            ExprKind::Slice(v, parts) => {
                expr(v, out);
                parts.iter().flatten().for_each(|x| expr(x, out));
            }
            ExprKind::Call { func, args, kwargs } => {
                if !matches!(func.kind, ExprKind::Name(_)) {
                    expr(func, out);
                }
                args.iter().for_each(|x| expr(x, out));
                kwargs.iter().for_each(|(_, x)| expr(x, out));
            }
            ExprKind::Compare(first, chain) => {
                expr(first, out);
                chain.iter().for_each(|(_, x)| expr(x, out));
            }
            ExprKind::IfExp { test, body, orelse } => {
                expr(test, out);
                expr(body, out);
                expr(orelse, out);
            }
            ExprKind::Comp {
                elt,
                value,
                clauses,
            } => {
                expr(elt, out);
                if let Some(v) = value {
                    expr(v, out);
                }
                for c in clauses {
                    match c {
                        CompClause::For(_, x) | CompClause::If(x) => expr(x, out),
                    }
                }
            }
            _ => {}
        }
    }
    for s in body {
        match &s.kind {
            StmtKind::Expr(e) => expr(e, out),
            StmtKind::Assign(ts, v) => {
                ts.iter().for_each(|t| expr(t, out));
                expr(v, out);
            }
            StmtKind::AugAssign(t, _, v) => {
                expr(t, out);
                expr(v, out);
            }
            StmtKind::If(branches, orelse) => {
                for (t, b) in branches {
                    expr(t, out);
                    read_names(b, out);
                }
                if let Some(b) = orelse {
                    read_names(b, out);
                }
            }
            StmtKind::For(t, i, b) => {
                expr(t, out);
                expr(i, out);
                read_names(b, out);
            }
            StmtKind::While(t, b) => {
                expr(t, out);
                read_names(b, out);
            }
            StmtKind::Del(ts) => ts.iter().for_each(|t| expr(t, out)),
            StmtKind::Return(Some(v)) => expr(v, out),
            StmtKind::Global(names) => out.extend(names.iter().cloned()),
            _ => {}
        }
    }
}

fn is_vars_call(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Call { func, args, kwargs } if args.is_empty() && kwargs.is_empty() => {
            match &func.kind {
                ExprKind::Name(n) if matches!(n.as_str(), "vars" | "globals" | "locals") => {
                    Some(n.as_str())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

fn err(e: &Expr, construct: &str, message: impl Into<String>) -> TranslateError {
    TranslateError::new(e.line, e.col, construct, message)
}

/// True when `e` always yields a bool, so it needs no truthiness test.
fn is_bool(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Bool(_) | ExprKind::Compare(..) | ExprKind::Unary(UnOp::Not, _) => true,
        ExprKind::BoolOp(_, items) => items.iter().all(is_bool),
        ExprKind::Call { func, .. } => match &func.kind {
            ExprKind::Name(n) => matches!(n.as_str(), "bool" | "any" | "all"),
            ExprKind::Attr(_, m) => matches!(
                m.as_str(),
                "startswith" | "endswith" | "isdigit" | "isalpha" | "isalnum"
            ),
            _ => false,
        },
        _ => false,
    }
}

/// True when `e` is syntactically a string or list, so `*` repeats it.
fn is_sequence_literal(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Str(_)
            | ExprKind::FStr(_)
            | ExprKind::List(_)
            | ExprKind::Tuple(_)
            | ExprKind::Comp { value: None, .. }
    )
}

impl Translator {
    fn new(source: &str) -> Self {
        Translator {
            out: String::new(),
            line: 1,
            names: Names::new(source),
            funcs: Default::default(),
            imports: Default::default(),
            assigned: Default::default(),
            func: None,
            must_exist: Default::default(),
        }
    }

    /// Collects the script's functions and imports (anywhere in it).
    fn collect(&mut self, body: &[Stmt], in_def: bool) -> R<()> {
        for s in body {
            match &s.kind {
                StmtKind::Def { name, params, body } => {
                    if in_def {
                        return Err(TranslateError::new(
                            s.line,
                            s.col,
                            "def",
                            "functions defined inside functions are not supported",
                        ));
                    }
                    if let Some(p) = self.funcs.get(name) {
                        if p != params {
                            return Err(TranslateError::new(
                                s.line,
                                s.col,
                                "def",
                                format!(
                                    "function `{name}` is defined twice with different parameters"
                                ),
                            ));
                        }
                    }
                    self.funcs.insert(name.clone(), params.clone());
                    self.collect(body, true)?;
                }
                StmtKind::Import(items) => {
                    for (m, member, bound) in items {
                        let path = match member {
                            Some(x) => format!("{m}.{x}"),
                            None => m.clone(),
                        };
                        self.imports.insert(bound.clone(), path);
                    }
                }
                StmtKind::If(branches, orelse) => {
                    for (_, b) in branches {
                        self.collect(b, in_def)?;
                    }
                    if let Some(b) = orelse {
                        self.collect(b, in_def)?;
                    }
                }
                StmtKind::For(_, _, b) | StmtKind::While(_, b) => self.collect(b, in_def)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// A name is a function, a module binding or a variable, not two of them.
    fn check_bindings(&mut self, body: &[Stmt]) -> R<()> {
        let mut assigned = std::collections::HashSet::new();
        assigned_names(body, &mut assigned);
        for s in body {
            if let StmtKind::Def { name, .. } = &s.kind {
                if assigned.contains(name) || self.imports.contains_key(name) {
                    return Err(TranslateError::new(
                        s.line,
                        s.col,
                        "def",
                        format!(
                            "`{name}` names both a function and a variable or import; rename one"
                        ),
                    ));
                }
            }
        }
        if let Some(n) = self.imports.keys().find(|n| assigned.contains(*n)) {
            return Err(TranslateError::new(
                1,
                1,
                "import",
                format!("`{n}` names both an imported module or member and a variable; rename one"),
            ));
        }
        self.assigned = assigned;
        Ok(())
    }

    fn is_local(&self, n: &str) -> bool {
        self.func.as_ref().is_some_and(|f| f.locals.contains(n))
    }

    /// The dotted module path `e` names (`datetime.datetime.now`), if any.
    /// `datetime` is there without an import, as in SpiffWorkflow's example
    /// runner, unless the script uses the name otherwise.
    fn module_path(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Name(n) if self.is_local(n) => None,
            ExprKind::Name(n) => self.imports.get(n).cloned().or_else(|| {
                (n == "datetime" && !self.assigned.contains(n) && !self.funcs.contains_key(n))
                    .then(|| n.clone())
            }),
            ExprKind::Attr(v, a) => Some(format!("{}.{a}", self.module_path(v)?)),
            _ => None,
        }
    }

    /// Arguments of a call to `name(params)`, in parameter order: given
    /// positionally or by keyword, else the default, else `()`.
    fn bind_args(
        &mut self,
        e: &Expr,
        name: &str,
        params: &[(&str, Option<String>)],
        required: usize,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<Vec<String>> {
        if args.len() > params.len() {
            return Err(err(
                e,
                "call",
                format!(
                    "`{name}()` takes at most {} argument(s), not {}",
                    params.len(),
                    args.len()
                ),
            ));
        }
        let mut out: Vec<Option<String>> = vec![None; params.len()];
        for (i, a) in args.iter().enumerate() {
            out[i] = Some(self.expr(a)?);
        }
        for (k, v) in kwargs {
            let Some(i) = params.iter().position(|(p, _)| p == k) else {
                return Err(err(
                    e,
                    "keyword argument",
                    format!("`{name}()` has no parameter `{k}`"),
                ));
            };
            if out[i].is_some() {
                return Err(err(
                    e,
                    "keyword argument",
                    format!("`{name}()` got several values for `{k}`"),
                ));
            }
            out[i] = Some(self.expr(v)?);
        }
        out.into_iter()
            .zip(params)
            .enumerate()
            .map(|(i, (v, (p, default)))| match (v, default) {
                (Some(v), _) => Ok(v),
                (None, Some(d)) => Ok(d.clone()),
                (None, None) if i >= required => Ok("()".into()),
                (None, None) => Err(err(
                    e,
                    "call",
                    format!("`{name}()` is missing the argument `{p}`"),
                )),
            })
            .collect()
    }

    /// A call of a function the script defines.
    fn user_call(
        &mut self,
        e: &Expr,
        name: &str,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<String> {
        let params = self.funcs[name].clone();
        let mut spec = Vec::new();
        for (p, d) in &params {
            let d = match d {
                Some(d) => Some(self.expr(d)?),
                None => None,
            };
            spec.push((p.as_str(), d));
        }
        let required = params.iter().filter(|(_, d)| d.is_none()).count();
        let a = self.bind_args(e, name, &spec, required, args, kwargs)?;
        let f = self.var(name);
        if self.func.is_some() {
            self.must_exist.insert(f.clone());
        }
        let mut parts = vec![f];
        parts.extend(a);
        Ok(format!("call({})", parts.join(", ")))
    }

    /// A call of a module function or class (`path` is dotted).
    fn module_call(
        &mut self,
        e: &Expr,
        path: &str,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<String> {
        let Some(sig) = super::modules::callable(path) else {
            return Err(err(
                e,
                "module call",
                format!("`{path}()` is not available in the sandbox"),
            ));
        };
        let spec: Vec<(&str, Option<String>)> = sig.params.iter().map(|p| (*p, None)).collect();
        let a = self.bind_args(e, path, &spec, sig.required, args, kwargs)?;
        Ok(format!("{}([{}])", sig.rhai, a.join(", ")))
    }

    /// `'x' in vars()` (or `globals()`, `locals()`): whether `x` is set.
    fn is_set(&mut self, e: &Expr, which: &str, name: &str) -> R<String> {
        let v = self.var(name);
        match &self.func {
            Some(f) if which != "globals" => {
                if f.locals.contains(name) {
                    Ok(format!("py_is_set({v})"))
                } else {
                    Ok("false".into())
                }
            }
            Some(f) if f.locals.contains(name) => Err(err(
                e,
                "globals()",
                format!(
                    "`{name}` is a local variable of the function here, so the script's `{name}` cannot be tested"
                ),
            )),
            _ => {
                self.must_exist.insert(v.clone());
                Ok(format!("py_is_set({v})"))
            }
        }
    }

    /// `def name(params): body` as a closure assigned to `name`.
    fn def(&mut self, s: &Stmt, name: &str, params: &Params, body: &[Stmt]) -> R<()> {
        let mut locals = std::collections::HashSet::new();
        assigned_names(body, &mut locals);
        let mut globals = Vec::new();
        fn find_globals(body: &[Stmt], out: &mut Vec<String>) {
            for s in body {
                match &s.kind {
                    StmtKind::Global(n) => out.extend(n.iter().cloned()),
                    StmtKind::If(b, o) => {
                        b.iter().for_each(|(_, b)| find_globals(b, out));
                        if let Some(o) = o {
                            find_globals(o, out);
                        }
                    }
                    StmtKind::For(_, _, b) | StmtKind::While(_, b) => find_globals(b, out),
                    _ => {}
                }
            }
        }
        find_globals(body, &mut globals);
        for g in &globals {
            if params.iter().any(|(p, _)| p == g) {
                return Err(TranslateError::new(
                    s.line,
                    s.col,
                    "global",
                    format!("`{g}` is a parameter and declared global"),
                ));
            }
            locals.remove(g);
        }
        let lets: Vec<String> = locals
            .iter()
            .filter(|n| !params.iter().any(|(p, _)| p == *n))
            .map(|n| n.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|n| format!("let {} = py_unassigned(); ", self.var(&n)))
            .collect();
        locals.extend(params.iter().map(|(p, _)| p.clone()));
        // What the body reads from outside must exist when the closure is made.
        let mut reads = std::collections::BTreeSet::new();
        read_names(body, &mut reads);
        for n in reads {
            if !locals.contains(&n)
                && !self.imports.contains_key(&n)
                && !matches!(n.as_str(), "vars" | "globals" | "locals")
            {
                let v = self.var(&n);
                self.must_exist.insert(v);
            }
        }
        for g in &globals {
            let v = self.var(g);
            self.must_exist.insert(v);
        }
        let ps: Vec<String> = params.iter().map(|(p, _)| self.var(p)).collect();
        let f = self.var(name);
        self.out
            .push_str(&format!("{f} = |{}| {{ {}", ps.join(", "), lets.join("")));
        self.func = Some(FnCtx { locals });
        let r = self.stmts(body);
        self.func = None;
        r?;
        self.out.push_str(" }; ");
        Ok(())
    }

    fn temp(&mut self) -> String {
        self.names.temp()
    }

    fn var(&mut self, name: &str) -> String {
        self.names.var(name)
    }

    /// Moves the output to `line` so statements keep their line numbers.
    fn sync(&mut self, line: u32) {
        while self.line < line {
            self.out.push('\n');
            self.line += 1;
        }
    }

    // ----- statements -----

    fn stmts(&mut self, body: &[Stmt]) -> R<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn block(&mut self, body: &[Stmt]) -> R<()> {
        self.out.push_str(" { ");
        self.stmts(body)?;
        self.out.push_str(" }");
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<()> {
        self.sync(s.line);
        match &s.kind {
            StmtKind::Expr(e) => {
                let code = self.expr(e)?;
                self.out.push_str(&code);
                self.out.push_str("; ");
            }
            StmtKind::Assign(targets, value) => {
                let v = self.expr(value)?;
                if let [t] = targets.as_slice() {
                    if !matches!(t.kind, ExprKind::Tuple(_) | ExprKind::List(_)) {
                        let code = self.assign(t, v)?;
                        self.out.push_str(&code);
                        return Ok(());
                    }
                }
                let tmp = self.temp();
                let mut code = format!("{{ let {tmp} = {v}; ");
                for t in targets {
                    code.push_str(&self.assign(t, tmp.clone())?);
                }
                code.push_str("} ");
                self.out.push_str(&code);
            }
            StmtKind::AugAssign(target, op, value) => {
                let lv = self.lvalue(target)?;
                let v = self.expr(value)?;
                let code = match op {
                    BinOp::Add => format!("{lv} += {v}; "),
                    BinOp::Sub => format!("{lv} -= {v}; "),
                    BinOp::Mul if !is_sequence_literal(value) => format!("{lv} *= {v}; "),
                    _ => format!("{lv} = {}; ", self.binop(*op, lv.clone(), v, value)?),
                };
                self.out.push_str(&code);
            }
            StmtKind::If(branches, orelse) => {
                for (i, (test, body)) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(" else ");
                    }
                    let c = self.cond(test)?;
                    self.out.push_str(&format!("if ({c})"));
                    self.block(body)?;
                }
                if let Some(body) = orelse {
                    self.out.push_str(" else");
                    self.block(body)?;
                }
                self.out.push(' ');
            }
            StmtKind::For(target, iter, body) => {
                let it = self.expr(iter)?;
                let tmp = self.temp();
                let bind = self.assign(target, tmp.clone())?;
                self.out
                    .push_str(&format!("for {tmp} in py_list({it}) {{ {bind}"));
                self.stmts(body)?;
                self.out.push_str(" } ");
            }
            StmtKind::While(test, body) => {
                let c = self.cond(test)?;
                self.out.push_str(&format!("while ({c})"));
                self.block(body)?;
                self.out.push(' ');
            }
            StmtKind::Def { name, params, body } => self.def(s, name, params, body)?,
            StmtKind::Return(value) => {
                if self.func.is_none() {
                    return Err(TranslateError::new(
                        s.line,
                        s.col,
                        "return",
                        "`return` outside a function",
                    ));
                }
                let code = match value {
                    Some(v) => format!("return {}; ", self.expr(v)?),
                    None => "return; ".into(),
                };
                self.out.push_str(&code);
            }
            StmtKind::Global(_) | StmtKind::Import(_) => {}
            StmtKind::Break => self.out.push_str("break; "),
            StmtKind::Continue => self.out.push_str("continue; "),
            StmtKind::Pass => {}
            StmtKind::Del(targets) => {
                for t in targets {
                    let code = match &t.kind {
                        ExprKind::Name(n) => {
                            let v = self.var(n);
                            format!("{v} = py_del({v}, {}); ", rhai_str(n))
                        }
                        ExprKind::Index(v, k) => {
                            let lv = self.lvalue(v)?;
                            let k = self.expr(k)?;
                            format!("{lv}.py_delitem({k}); ")
                        }
                        ExprKind::Attr(v, n) => {
                            let lv = self.lvalue(v)?;
                            format!("{lv}.py_delitem({}); ", rhai_str(n))
                        }
                        _ => {
                            return Err(err(t, "del", "`del` of this expression is not supported"));
                        }
                    };
                    self.out.push_str(&code);
                }
            }
        }
        Ok(())
    }

    /// Code assigning the Rhai expression `value` to Python target `t`.
    fn assign(&mut self, t: &Expr, value: String) -> R<String> {
        match &t.kind {
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let tmp = self.temp();
                let mut code = format!("{{ let {tmp} = py_unpack({value}, {}); ", items.len());
                for (i, item) in items.iter().enumerate() {
                    code.push_str(&self.assign(item, format!("{tmp}[{i}]"))?);
                }
                code.push_str("} ");
                Ok(code)
            }
            _ => Ok(format!("{} = {value}; ", self.lvalue(t)?)),
        }
    }

    /// A Rhai place expression (assignable, and mutated in place by methods).
    fn lvalue(&mut self, e: &Expr) -> R<String> {
        match &e.kind {
            ExprKind::Name(n) => Ok(self.var(n)),
            ExprKind::Attr(v, name) => {
                let base = self.lvalue(v)?;
                if is_rhai_name(name) {
                    Ok(format!("{base}.{name}"))
                } else {
                    Ok(format!("{base}[{}]", rhai_str(name)))
                }
            }
            ExprKind::Index(v, i) => {
                let base = self.lvalue(v)?;
                let i = self.expr(i)?;
                Ok(format!("{base}[{i}]"))
            }
            _ => Ok(format!("({})", self.expr(e)?)),
        }
    }

    // ----- expressions -----

    /// `e` as a Rhai bool (Python truthiness).
    fn cond(&mut self, e: &Expr) -> R<String> {
        match &e.kind {
            ExprKind::BoolOp(and, items) => {
                let parts = items.iter().map(|i| self.cond(i)).collect::<R<Vec<_>>>()?;
                Ok(format!(
                    "({})",
                    parts.join(if *and { " && " } else { " || " })
                ))
            }
            ExprKind::Unary(UnOp::Not, x) => Ok(format!("!{}", self.cond(x)?)),
            _ if is_bool(e) => self.expr(e),
            _ => Ok(format!("py_truthy({})", self.expr(e)?)),
        }
    }

    fn exprs(&mut self, items: &[Expr]) -> R<Vec<String>> {
        items.iter().map(|i| self.expr(i)).collect()
    }

    fn expr(&mut self, e: &Expr) -> R<String> {
        Ok(match &e.kind {
            ExprKind::Name(n) => {
                if !self.is_local(n) {
                    if let Some(p) = self.imports.get(n) {
                        return match super::modules::constant(p) {
                            Some(c) => Ok(c),
                            None => Err(err(
                                e,
                                "module value",
                                format!("`{n}` ({p}) can only be called or have its members used"),
                            )),
                        };
                    }
                    if self.funcs.contains_key(n) {
                        return Err(err(
                            e,
                            "function value",
                            format!("the function `{n}` can only be called here"),
                        ));
                    }
                } else {
                    // A local read before it is assigned is an error, as in
                    // Python (not the script variable of that name).
                    let v = self.var(n);
                    return Ok(format!("py_local({v}, {})", rhai_str(n)));
                }
                self.var(n)
            }
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Float(f) => rhai_float(*f),
            ExprKind::Str(s) => rhai_str(s),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::None => "()".into(),
            ExprKind::FStr(parts) => {
                let mut out = vec!["\"\"".to_string()];
                for p in parts {
                    out.push(match p {
                        FPart::Lit(s) => rhai_str(s),
                        FPart::Field(x, None) => format!("py_str({})", self.expr(x)?),
                        FPart::Field(x, Some(spec)) => {
                            if FormatSpec::parse(spec).is_none() {
                                return Err(err(
                                    e,
                                    "f-string format spec",
                                    format!(
                                        "the format spec `{spec}` is not supported (supported: [[fill]align][width][,][.precision][d|f|%|s])"
                                    ),
                                ));
                            }
                            format!("py_format({}, {})", self.expr(x)?, rhai_str(spec))
                        }
                    });
                }
                format!("({})", out.join(" + "))
            }
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                format!("[{}]", self.exprs(items)?.join(", "))
            }
            ExprKind::Dict(items) => {
                let mut seen = std::collections::HashSet::new();
                let literal = items
                    .iter()
                    .all(|(k, _)| matches!(&k.kind, ExprKind::Str(s) if seen.insert(s.clone())));
                let mut parts = Vec::new();
                for (k, v) in items {
                    let kc = self.expr(k)?;
                    let vc = self.expr(v)?;
                    parts.push(if literal {
                        format!("{kc}: {vc}")
                    } else {
                        format!("[{kc}, {vc}]")
                    });
                }
                if literal {
                    format!("#{{{}}}", parts.join(", "))
                } else {
                    format!("py_dict([{}])", parts.join(", "))
                }
            }
            ExprKind::Attr(v, name) => {
                if let Some(p) = self.module_path(e) {
                    return match super::modules::constant(&p) {
                        Some(c) => Ok(c),
                        None => Err(err(
                            e,
                            "module value",
                            format!(
                                "`{p}` is not available in the sandbox as a value (call it, or use a supported member)"
                            ),
                        )),
                    };
                }
                format!("py_getattr({}, {})", self.expr(v)?, rhai_str(name))
            }
            ExprKind::Index(v, i) => format!("py_getitem({}, {})", self.expr(v)?, self.expr(i)?),
            ExprKind::Slice(v, parts) => {
                let mut args = vec![self.expr(v)?];
                for p in parts {
                    args.push(match p {
                        Some(x) => self.expr(x)?,
                        None => "()".into(),
                    });
                }
                format!("py_slice({})", args.join(", "))
            }
            ExprKind::Call { func, args, kwargs } => self.call(e, func, args, kwargs)?,
            ExprKind::Unary(UnOp::Not, _) => self.cond(e)?,
            ExprKind::Unary(UnOp::Neg, x) => format!("(-{})", self.expr(x)?),
            ExprKind::Unary(UnOp::Pos, x) => self.expr(x)?,
            ExprKind::Bin(op, l, r) => {
                let lc = self.expr(l)?;
                let rc = self.expr(r)?;
                if *op == BinOp::Mod && matches!(l.kind, ExprKind::Str(_) | ExprKind::FStr(_)) {
                    return Err(err(
                        e,
                        "%-formatting",
                        "`%` string formatting is not supported; use an f-string",
                    ));
                }
                let seq = is_sequence_literal(l) || is_sequence_literal(r);
                if *op == BinOp::Mul && seq {
                    format!("py_mul({lc}, {rc})")
                } else {
                    self.binop(*op, lc, rc, r)?
                }
            }
            ExprKind::BoolOp(and, items) => {
                if items.iter().all(is_bool) {
                    self.cond(e)?
                } else {
                    self.bool_chain(*and, items)?
                }
            }
            ExprKind::Compare(first, chain) => self.compare(first, chain)?,
            ExprKind::IfExp { test, body, orelse } => {
                let c = self.cond(test)?;
                let b = self.expr(body)?;
                let o = self.expr(orelse)?;
                format!("(if ({c}) {{ {b} }} else {{ {o} }})")
            }
            ExprKind::Comp {
                elt,
                value,
                clauses,
            } => self.comprehension(elt, value.as_deref(), clauses)?,
        })
    }

    fn binop(&mut self, op: BinOp, l: String, r: String, _right: &Expr) -> R<String> {
        Ok(match op {
            BinOp::Add => format!("({l} + {r})"),
            BinOp::Sub => format!("({l} - {r})"),
            BinOp::Mul => format!("({l} * {r})"),
            BinOp::Div => format!("py_truediv({l}, {r})"),
            BinOp::FloorDiv => format!("py_floordiv({l}, {r})"),
            BinOp::Mod => format!("py_mod({l}, {r})"),
            BinOp::Pow => format!("py_pow({l}, {r})"),
        })
    }

    /// Value-returning `and`/`or`: `a or b` is `a` when truthy, else `b`.
    fn bool_chain(&mut self, and: bool, items: &[Expr]) -> R<String> {
        let Some((first, rest)) = items.split_first() else {
            return Ok("()".into());
        };
        let f = self.expr(first)?;
        if rest.is_empty() {
            return Ok(f);
        }
        let rest_code = self.bool_chain(and, rest)?;
        let tmp = self.temp();
        let test = if is_bool(first) {
            tmp.clone()
        } else {
            format!("py_truthy({tmp})")
        };
        Ok(if and {
            format!("{{ let {tmp} = {f}; if {test} {{ {rest_code} }} else {{ {tmp} }} }}")
        } else {
            format!("{{ let {tmp} = {f}; if {test} {{ {tmp} }} else {{ {rest_code} }} }}")
        })
    }

    fn compare(&mut self, first: &Expr, chain: &[(CmpOp, Expr)]) -> R<String> {
        if let [(op @ (CmpOp::In | CmpOp::NotIn), right)] = chain {
            if let Some(which) = is_vars_call(right) {
                let ExprKind::Str(name) = &first.kind else {
                    return Err(err(
                        first,
                        "vars()",
                        format!("only a quoted name can be tested with `in {which}()`"),
                    ));
                };
                let code = self.is_set(first, which, name)?;
                return Ok(if *op == CmpOp::In {
                    code
                } else {
                    format!("!{code}")
                });
            }
        }
        let mut left = self.expr(first)?;
        let mut left_expr = first;
        let mut parts = Vec::new();
        let mut lets = Vec::new();
        for (k, (op, right)) in chain.iter().enumerate() {
            let mut rc = self.expr(right)?;
            if k + 1 < chain.len() {
                // A middle operand is evaluated once, as in Python.
                let tmp = self.temp();
                lets.push(format!("let {tmp} = {rc};"));
                rc = tmp;
            }
            parts.push(self.cmp(*op, &left, &rc, left_expr, right)?);
            left = rc;
            left_expr = right;
        }
        if lets.is_empty() {
            Ok(parts.join(" && "))
        } else {
            // Middle operands are bound up front; the comparisons still
            // short-circuit.
            Ok(format!("{{ {} ({}) }}", lets.join(" "), parts.join(" && ")))
        }
    }

    fn cmp(&self, op: CmpOp, l: &str, r: &str, le: &Expr, re: &Expr) -> R<String> {
        let singleton = |e: &Expr| matches!(e.kind, ExprKind::None | ExprKind::Bool(_));
        Ok(match op {
            CmpOp::Eq => format!("({l} == {r})"),
            CmpOp::Ne => format!("({l} != {r})"),
            CmpOp::Lt => format!("py_lt({l}, {r})"),
            CmpOp::Le => format!("py_le({l}, {r})"),
            CmpOp::Gt => format!("py_lt({r}, {l})"),
            CmpOp::Ge => format!("py_le({r}, {l})"),
            CmpOp::In => format!("py_in({l}, {r})"),
            CmpOp::NotIn => format!("!py_in({l}, {r})"),
            CmpOp::Is | CmpOp::IsNot if !(singleton(le) || singleton(re)) => {
                return Err(err(
                    le,
                    "is",
                    "`is` / `is not` are supported only with None, True or False; use `==`",
                ));
            }
            CmpOp::Is => format!("py_is({l}, {r})"),
            CmpOp::IsNot => format!("!py_is({l}, {r})"),
        })
    }

    fn comprehension(
        &mut self,
        elt: &Expr,
        value: Option<&Expr>,
        clauses: &[CompClause],
    ) -> R<String> {
        let result = self.temp();
        let mut code = format!(
            "{{ let {result} = {}; ",
            if value.is_some() { "#{}" } else { "[]" }
        );
        let mut closers = 0;
        for c in clauses {
            match c {
                CompClause::For(target, iter) => {
                    let it = self.expr(iter)?;
                    let tmp = self.temp();
                    code.push_str(&format!("for {tmp} in py_list({it}) {{ "));
                    code.push_str(&self.bind_local(target, &tmp)?);
                }
                CompClause::If(test) => {
                    let c = self.cond(test)?;
                    code.push_str(&format!("if ({c}) {{ "));
                }
            }
            closers += 1;
        }
        let e = self.expr(elt)?;
        match value {
            Some(v) => {
                let v = self.expr(v)?;
                code.push_str(&format!("{result}[py_key({e})] = {v}; "));
            }
            None => code.push_str(&format!("{result}.push({e}); ")),
        }
        for _ in 0..closers {
            code.push_str("} ");
        }
        code.push_str(&format!("{result} }}"));
        Ok(code)
    }

    /// `let` bindings of a comprehension target (local, as in Python 3).
    fn bind_local(&mut self, target: &Expr, value: &str) -> R<String> {
        match &target.kind {
            ExprKind::Name(n) => Ok(format!("let {} = {value}; ", self.var(n))),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let tmp = self.temp();
                let mut code = format!("let {tmp} = py_unpack({value}, {}); ", items.len());
                for (i, item) in items.iter().enumerate() {
                    code.push_str(&self.bind_local(item, &format!("{tmp}[{i}]"))?);
                }
                Ok(code)
            }
            _ => Err(err(
                target,
                "comprehension target",
                "a comprehension can only bind plain names",
            )),
        }
    }

    fn call(
        &mut self,
        e: &Expr,
        func: &Expr,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<String> {
        if let Some(path) = self.module_path(func) {
            return self.module_call(e, &path, args, kwargs);
        }
        match &func.kind {
            ExprKind::Name(n) if self.funcs.contains_key(n) && !self.is_local(n) => {
                self.user_call(e, n, args, kwargs)
            }
            ExprKind::Name(n) if matches!(n.as_str(), "vars" | "globals" | "locals") => Err(err(
                e,
                "vars()",
                format!(
                    "`{n}()` can only be used as `'name' in {n}()` or `{n}().get('name', default)`"
                ),
            )),
            ExprKind::Name(n) => self.builtin(e, n, args, kwargs),
            ExprKind::Attr(recv, m) if m == "get" && is_vars_call(recv).is_some() => {
                let which = is_vars_call(recv).unwrap_or("vars");
                Self::arity(e, "get", args, 1, 2)?;
                Self::no_kwargs(e, "get", kwargs)?;
                let ExprKind::Str(name) = &args[0].kind else {
                    return Err(err(
                        e,
                        "vars()",
                        format!("only a quoted name can be read with `{which}().get()`"),
                    ));
                };
                let test = self.is_set(e, which, name)?;
                let d = match args.get(1) {
                    Some(d) => self.expr(d)?,
                    None => "()".into(),
                };
                let v = self.var(name);
                Ok(format!("(if {test} {{ {v} }} else {{ {d} }})"))
            }
            ExprKind::Attr(recv, m) => self.method(e, recv, m, args, kwargs),
            _ => Err(err(
                e,
                "call",
                "only built-in functions and methods can be called",
            )),
        }
    }

    fn arity(e: &Expr, name: &str, args: &[Expr], min: usize, max: usize) -> R<()> {
        if args.len() < min || args.len() > max {
            let want = if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            return Err(err(
                e,
                "call",
                format!(
                    "`{name}()` takes {want} argument(s) here, not {}",
                    args.len()
                ),
            ));
        }
        Ok(())
    }

    fn no_kwargs(e: &Expr, name: &str, kwargs: &[(String, Expr)]) -> R<()> {
        match kwargs.first() {
            Some((k, _)) => Err(err(
                e,
                "keyword argument",
                format!("keyword argument `{k}=` of `{name}()` is not supported"),
            )),
            None => Ok(()),
        }
    }

    fn builtin(
        &mut self,
        e: &Expr,
        name: &str,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<String> {
        if !BUILTINS.contains(&name) {
            return Err(err(
                e,
                "function call",
                format!(
                    "`{name}()` is not available: scripts can call functions they define, imported ones, and {}",
                    BUILTINS.join(", ")
                ),
            ));
        }
        if name == "sorted" {
            Self::arity(e, name, args, 1, 1)?;
            let mut reverse = "false".to_string();
            for (k, v) in kwargs {
                if k == "reverse" {
                    reverse = self.cond(v)?;
                } else {
                    return Err(err(
                        e,
                        "keyword argument",
                        format!("keyword argument `{k}=` of `sorted()` is not supported"),
                    ));
                }
            }
            return Ok(format!("py_sorted({}, {reverse})", self.expr(&args[0])?));
        }
        if name == "dict" {
            Self::arity(e, name, args, 0, 0)?;
            let mut parts = Vec::new();
            for (k, v) in kwargs {
                parts.push(format!("{}: {}", rhai_str(k), self.expr(v)?));
            }
            return Ok(format!("#{{{}}}", parts.join(", ")));
        }
        Self::no_kwargs(e, name, kwargs)?;
        let a = self.exprs(args)?;
        Ok(match name {
            "len" | "int" | "float" | "abs" | "any" | "all" => {
                Self::arity(e, name, args, 1, 1)?;
                format!("py_{name}({})", a[0])
            }
            "str" => {
                Self::arity(e, name, args, 0, 1)?;
                match a.first() {
                    Some(x) => format!("py_str({x})"),
                    None => "\"\"".into(),
                }
            }
            "bool" => {
                Self::arity(e, name, args, 0, 1)?;
                match args.first() {
                    Some(x) => self.cond(x)?,
                    None => "false".into(),
                }
            }
            "list" => {
                Self::arity(e, name, args, 0, 1)?;
                match a.first() {
                    Some(x) => format!("py_list({x})"),
                    None => "[]".into(),
                }
            }
            "sum" => {
                Self::arity(e, name, args, 1, 2)?;
                let start = a.get(1).cloned().unwrap_or_else(|| "0".into());
                format!("py_sum({}, {start})", a[0])
            }
            "min" | "max" => {
                Self::arity(e, name, args, 1, usize::MAX)?;
                if a.len() == 1 {
                    format!("py_{name}({})", a[0])
                } else {
                    format!("py_{name}([{}])", a.join(", "))
                }
            }
            "round" => {
                Self::arity(e, name, args, 1, 2)?;
                format!("py_round({})", a.join(", "))
            }
            "range" => {
                Self::arity(e, name, args, 1, 3)?;
                match a.as_slice() {
                    [stop] => format!("py_range(0, {stop}, 1)"),
                    [start, stop] => format!("py_range({start}, {stop}, 1)"),
                    _ => format!("py_range({})", a.join(", ")),
                }
            }
            "enumerate" => {
                Self::arity(e, name, args, 1, 2)?;
                let start = a.get(1).cloned().unwrap_or_else(|| "0".into());
                format!("py_enumerate({}, {start})", a[0])
            }
            "zip" => {
                Self::arity(e, name, args, 1, usize::MAX)?;
                format!("py_zip([{}])", a.join(", "))
            }
            "print" => format!("print(py_print([{}]))", a.join(", ")),
            _ => unreachable!("every builtin is handled"),
        })
    }

    fn method(
        &mut self,
        e: &Expr,
        recv: &Expr,
        m: &str,
        args: &[Expr],
        kwargs: &[(String, Expr)],
    ) -> R<String> {
        let arity = |min, max| Self::arity(e, &format!(".{m}"), args, min, max);
        if m == "sort" {
            arity(0, 0)?;
            let mut reverse = "false".to_string();
            for (k, v) in kwargs {
                if k == "reverse" {
                    reverse = self.cond(v)?;
                } else {
                    return Err(err(
                        e,
                        "keyword argument",
                        format!("keyword argument `{k}=` of `.sort()` is not supported"),
                    ));
                }
            }
            let lv = self.lvalue(recv)?;
            return Ok(format!("{lv}.py_sort({reverse})"));
        }
        if let Some((params, required)) = super::modules::method(m) {
            let spec: Vec<(&str, Option<String>)> = params.iter().map(|p| (*p, None)).collect();
            let a = self.bind_args(e, &format!(".{m}"), &spec, required, args, kwargs)?;
            return Ok(format!(
                "py_method({}, {}, [{}])",
                self.expr(recv)?,
                rhai_str(m),
                a.join(", ")
            ));
        }
        Self::no_kwargs(e, m, kwargs)?;
        let a = self.exprs(args)?;
        // Methods that change the receiver in place take it as a place.
        let mutating = |lv: String, code: String| -> String { format!("{lv}.{code}") };
        Ok(match m {
            "append" => {
                arity(1, 1)?;
                mutating(self.lvalue(recv)?, format!("push({})", a[0]))
            }
            "extend" => {
                arity(1, 1)?;
                mutating(self.lvalue(recv)?, format!("py_extend({})", a[0]))
            }
            "insert" => {
                arity(2, 2)?;
                mutating(self.lvalue(recv)?, format!("py_insert({}, {})", a[0], a[1]))
            }
            "pop" => {
                arity(0, 2)?;
                mutating(self.lvalue(recv)?, format!("py_pop([{}])", a.join(", ")))
            }
            "remove" => {
                arity(1, 1)?;
                mutating(self.lvalue(recv)?, format!("py_remove({})", a[0]))
            }
            "clear" => {
                arity(0, 0)?;
                mutating(self.lvalue(recv)?, "py_clear()".into())
            }
            "reverse" => {
                arity(0, 0)?;
                mutating(self.lvalue(recv)?, "py_reverse()".into())
            }
            "update" => {
                arity(1, 1)?;
                mutating(self.lvalue(recv)?, format!("py_update({})", a[0]))
            }
            "setdefault" => {
                arity(1, 2)?;
                let d = a.get(1).cloned().unwrap_or_else(|| "()".into());
                mutating(self.lvalue(recv)?, format!("py_setdefault({}, {d})", a[0]))
            }
            "get" => {
                arity(1, 2)?;
                let d = a.get(1).cloned().unwrap_or_else(|| "()".into());
                format!("py_get({}, {}, {d})", self.expr(recv)?, a[0])
            }
            "keys" | "values" | "items" | "copy" | "upper" | "lower" | "title" | "capitalize"
            | "isdigit" | "isalpha" | "isalnum" => {
                arity(0, 0)?;
                format!("py_{m}({})", self.expr(recv)?)
            }
            "strip" | "lstrip" | "rstrip" | "split" => {
                arity(0, 1)?;
                let x = a.first().cloned().unwrap_or_else(|| "()".into());
                format!("py_{m}({}, {x})", self.expr(recv)?)
            }
            "startswith" | "endswith" | "join" | "find" | "index" | "count" => {
                arity(1, 1)?;
                format!("py_{m}({}, {})", self.expr(recv)?, a[0])
            }
            "replace" => {
                arity(2, 2)?;
                format!("py_replace({}, {}, {})", self.expr(recv)?, a[0], a[1])
            }
            _ => {
                return Err(err(
                    e,
                    "method call",
                    format!("the method `.{m}()` is not supported"),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_kept() {
        let t = translate_script("a = 1\n\n\nb = a / 2\n").unwrap();
        assert_eq!(t.rhai.lines().count(), 4, "{}", t.rhai);
        assert!(t.rhai.lines().nth(3).unwrap().contains("py_truediv"));
    }

    #[test]
    fn reserved_names_are_aliased() {
        let t = translate_script("default = 1\nnew = default + 1").unwrap();
        assert_eq!(
            t.aliases,
            vec![
                ("py_tv_default".to_string(), "default".to_string()),
                ("py_tv_new".to_string(), "new".to_string())
            ]
        );
    }

    #[test]
    fn temporaries_do_not_clash_with_source_names() {
        let t = translate_script("py_t1 = [x for x in [1]]").unwrap();
        assert!(t.rhai.contains("_py_t1"), "{}", t.rhai);
    }
}
