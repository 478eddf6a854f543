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

use super::ast::*;
use super::parser::{parse_expression, parse_script};
use super::runtime::FormatSpec;
use crate::scripting::translation::{Names, is_rhai_name, rhai_float, rhai_str};
use crate::scripting::{TranslateError, Translation};

/// Translates a Python script (statements).
pub fn translate_script(text: &str) -> Result<Translation, TranslateError> {
    let body = parse_script(text)?;
    let mut t = Translator::new(text);
    t.stmts(&body)?;
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

struct Translator {
    out: String,
    line: u32,
    names: Names,
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
        }
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
            StmtKind::Break => self.out.push_str("break; "),
            StmtKind::Continue => self.out.push_str("continue; "),
            StmtKind::Pass => {}
            StmtKind::Del(targets) => {
                for t in targets {
                    let code = match &t.kind {
                        ExprKind::Name(n) => format!("{} = py_deleted(); ", self.var(n)),
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
            ExprKind::Name(n) => self.var(n),
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
        match &func.kind {
            ExprKind::Name(n) => self.builtin(e, n, args, kwargs),
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
                    "`{name}()` is not available: scripts can call only {}",
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
