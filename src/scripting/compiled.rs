//! A compiled script or condition and the variables it touches.

use rhai::{AST, ASTNode, Expr, Stmt};

use crate::model::{Dialect, ExprKind};

/// A script or condition compiled once, ready to run many times.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub(crate) ast: AST,
    pub(crate) kind: ExprKind,
    /// Every variable name the code mentions (read or written).
    pub(crate) names: Vec<String>,
    /// Plain variables assigned with `x = …` or `x op= …`.
    pub(crate) targets: Vec<String>,
    /// The language the code was written in (Python and JUEL are translated).
    pub(crate) dialect: Dialect,
    /// Variables whose Rhai name differs from their name in the task data
    /// (Python names that are Rhai keywords): (Rhai name, data name).
    pub(crate) aliases: Vec<(String, String)>,
}

impl Compiled {
    pub(crate) fn new(ast: AST, kind: ExprKind) -> Self {
        // Vecs, not sets: targets keep the order of first assignment so new
        // variables appear in the data in the order the script made them.
        let mut names: Vec<String> = Vec::new();
        let mut targets: Vec<String> = Vec::new();
        let push = |v: &mut Vec<String>, s: &str| {
            if !v.iter().any(|x| x == s) {
                v.push(s.to_string());
            }
        };
        ast.walk(&mut |path: &[ASTNode]| {
            match path.last() {
                Some(ASTNode::Expr(Expr::Variable(v, ..))) => {
                    push(&mut names, v.1.as_str());
                }
                Some(ASTNode::Stmt(Stmt::Assignment(x))) => {
                    if let Expr::Variable(v, ..) = &x.1.lhs {
                        push(&mut targets, v.1.as_str());
                    }
                }
                _ => {}
            }
            true
        });
        for t in &targets {
            push(&mut names, t);
        }
        Compiled {
            ast,
            kind,
            names,
            targets,
            dialect: Dialect::Rhai,
            aliases: Vec::new(),
        }
    }

    /// The name of Rhai variable `name` in the task data.
    pub(crate) fn data_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.aliases
            .iter()
            .find(|(r, _)| r == name)
            .map_or(name, |(_, d)| d.as_str())
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
