//! A compiled script or condition and the variables it touches.
//!
//! The AST is walked once, at compile time, to learn which task-data
//! variables the code can read and which it can change, so that a run moves
//! only those between the task data and the Rhai scope, and writes back
//! only those it may have changed: a variable the code only reads keeps the
//! very value (shared with other tasks) it had.

use std::sync::Arc;

use rhai::{AST, ASTNode, Expr, Stmt};

use crate::model::{Dialect, ExprKind};

/// What the code may do to a variable of the task data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Access {
    /// Only read: never written back.
    Read,
    /// Handed by reference to a method or function: the receiver of a
    /// method call (`x.push(1)`, `x.a.push(1)`, but also `x.len()`) or the
    /// first argument of a plain call (`push(x, 1)`, but also `len(x)`).
    /// Whether the call changes it depends on the function Rhai resolves at
    /// run time, so it is written back only if it no longer equals the
    /// data's value: reading it keeps it shared.
    MaybeChanged,
    /// Assigned (`x = …`, `x += …`), assigned into (`x[0] = 1`, `x.a = 1`)
    /// or shared with a closure: always written back.
    Written,
}

/// A variable the code mentions.
#[derive(Debug, Clone)]
pub(crate) struct Var {
    /// Its name in the Rhai code.
    pub(crate) rhai: Box<str>,
    /// Its name in the task data (differs for Python names that are Rhai
    /// keywords); shared with the data's key when the variable is new.
    pub(crate) key: Arc<str>,
    pub(crate) access: Access,
}

/// A script or condition compiled once, ready to run many times.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub(crate) ast: AST,
    pub(crate) kind: ExprKind,
    /// The language the code was written in (Python and JUEL are translated).
    pub(crate) dialect: Dialect,
    /// The variables the code may read or write, each once, in the order it
    /// first mentions them: what a run takes from the task data.
    pub(crate) vars: Vec<Var>,
    /// Plain variables assigned with `x = …` or `x op= …` (indices into
    /// `vars`), in the order of their first assignment, so new variables
    /// appear in the data in the order the script made them.
    pub(crate) targets: Vec<usize>,
}

impl Compiled {
    /// Whether the code reads or writes the data variable `key`: what the
    /// runtime checks before giving a script a variable of its own (the
    /// task's lane), so scripts that do not use it pay nothing.
    pub fn mentions(&self, key: &str) -> bool {
        self.vars.iter().any(|v| &*v.key == key)
    }

    /// Analyses `ast`. `aliases` are (Rhai name, data name) pairs for
    /// variables whose names differ.
    pub(crate) fn new(
        ast: AST,
        kind: ExprKind,
        dialect: Dialect,
        aliases: &[(String, String)],
    ) -> Self {
        let mut an = Analysis::default();
        // The main body: what it reads, assigns and changes.
        for stmt in ast.statements() {
            stmt.walk(&mut Vec::new(), &mut |path: &[ASTNode]| {
                if let Some(ASTNode::Expr(Expr::Variable(v, ..))) = path.last() {
                    an.mention(v.1.as_str());
                }
                an.visit(path);
                true
            });
        }
        // Function bodies cannot see the caller's variables (closures get
        // theirs as captured arguments, in the main body, and share them),
        // so what they read or change in place is theirs. Only their
        // assignments count, as targets, keeping what the engine always
        // did: declared beforehand when the data lacks them.
        ast.clone_functions_only().walk(&mut |path: &[ASTNode]| {
            if let Some(ASTNode::Stmt(Stmt::Assignment(x))) = path.last() {
                if let Expr::Variable(v, ..) = &x.1.lhs {
                    an.target(v.1.as_str());
                }
            }
            true
        });
        if an.parent_scope {
            // `f!()` runs function `f` in the caller's scope: whatever any
            // function mentions, it may read or change.
            ast.walk(&mut |path: &[ASTNode]| {
                if let Some(ASTNode::Expr(Expr::Variable(v, ..))) = path.last() {
                    an.mark(v.1.as_str(), Access::Written);
                }
                true
            });
        }
        let key = |rhai: &str| -> Arc<str> {
            aliases
                .iter()
                .find(|(r, _)| r == rhai)
                .map_or(rhai, |(_, d)| d.as_str())
                .into()
        };
        let vars = an
            .names
            .into_iter()
            .map(|(rhai, access)| Var {
                key: key(&rhai),
                rhai: rhai.into(),
                access,
            })
            .collect();
        Compiled {
            ast,
            kind,
            dialect,
            vars,
            targets: an.targets,
        }
    }

    /// The task-data names of the variables the code reads or writes.
    pub(crate) fn data_names(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|v| &*v.key)
    }

    /// The language the code was written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Whether this is a script (statements) or a condition (expression).
    pub fn kind(&self) -> ExprKind {
        self.kind
    }
}

/// What the walk has learnt so far.
#[derive(Default)]
struct Analysis {
    /// Vecs, not maps: scripts mention few variables, and order matters.
    names: Vec<(String, Access)>,
    targets: Vec<usize>,
    /// Some call runs a function in the caller's scope (`f!()`).
    parent_scope: bool,
}

impl Analysis {
    fn index(&mut self, name: &str) -> usize {
        match self.names.iter().position(|(n, _)| n == name) {
            Some(i) => i,
            None => {
                self.names.push((name.to_string(), Access::Read));
                self.names.len() - 1
            }
        }
    }

    fn mention(&mut self, name: &str) {
        self.index(name);
    }

    fn target(&mut self, name: &str) {
        let i = self.index(name);
        if !self.targets.contains(&i) {
            self.targets.push(i);
        }
    }

    fn mark(&mut self, name: &str, access: Access) {
        let i = self.index(name);
        let a = &mut self.names[i].1;
        *a = (*a).max(access);
    }

    fn visit(&mut self, path: &[ASTNode]) {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Assignment(x))) => match &x.1.lhs {
                Expr::Variable(v, ..) => {
                    self.mark(v.1.as_str(), Access::Written);
                    self.target(v.1.as_str());
                }
                // `a[0] = 1`, `m.x += 1`: changes `a`, `m` in place.
                lhs => self.mark_root(lhs, Access::Written),
            },
            // `a.push(1)`, `m.list.push(1)`, `a[0].push(1)`: the method
            // gets the chain's root by reference. Every chain around the
            // call counts (also `a[b.pop()]`'s `a`: a harmless excess).
            Some(ASTNode::Expr(Expr::MethodCall(..))) => {
                for node in path.iter().rev().skip(1) {
                    if let ASTNode::Expr(e @ (Expr::Dot(..) | Expr::Index(..))) = node {
                        self.mark_root(e, Access::MaybeChanged);
                    }
                }
            }
            Some(ASTNode::Expr(Expr::FnCall(f, ..)) | ASTNode::Stmt(Stmt::FnCall(f, ..))) => {
                if f.capture_parent_scope {
                    self.parent_scope = true;
                }
                // Operators take their operands by value; a plain call
                // `f(x, …)` passes a variable `x` by reference (Rhai 1.27,
                // `make_function_call`), as a method's receiver.
                if !f.is_operator_call() {
                    if let Some(Expr::Variable(v, ..)) = f.args.first() {
                        self.mark(v.1.as_str(), Access::MaybeChanged);
                    }
                }
            }
            // Variables a closure captures become shared with it: it may
            // change them whenever it is called.
            Some(ASTNode::Stmt(Stmt::Share(vars))) => {
                for (ident, _) in vars.iter() {
                    self.mark(ident.name.as_str(), Access::Written);
                }
            }
            _ => {}
        }
    }

    /// Marks the variable at the root of chain `e` (`a` in `a.b[0].c`).
    fn mark_root(&mut self, mut e: &Expr, access: Access) {
        loop {
            match e {
                Expr::Dot(x, ..) | Expr::Index(x, ..) => e = &x.lhs,
                Expr::Variable(v, ..) => return self.mark(v.1.as_str(), access),
                _ => return,
            }
        }
    }
}
