//! The syntax tree of the supported Python subset.

/// An expression and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    None,
    /// An f-string: literal text and `{expr[:spec]}` fields.
    FStr(Vec<FPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `value.name`
    Attr(Box<Expr>, String),
    /// `value[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `value[lower:upper:step]`
    Slice(Box<Expr>, [Option<Box<Expr>>; 3]),
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<(String, Expr)>,
    },
    Unary(UnOp, Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `a and b and c` (true) or `a or b or c` (false).
    BoolOp(bool, Vec<Expr>),
    /// `a < b <= c`: the first operand and the (operator, operand) chain.
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    /// `body if test else orelse`
    IfExp {
        test: Box<Expr>,
        body: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// A list comprehension (`value` is None) or dict comprehension (`elt`
    /// is the key, `value` the value).
    Comp {
        elt: Box<Expr>,
        value: Option<Box<Expr>>,
        clauses: Vec<CompClause>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum FPart {
    Lit(String),
    Field(Expr, Option<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum CompClause {
    For(Expr, Expr),
    If(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Pos,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

/// A statement and the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Expr(Expr),
    /// `t1 = t2 = value`
    Assign(Vec<Expr>, Expr),
    AugAssign(Expr, BinOp, Expr),
    /// `if`/`elif` branches, then the `else` body.
    If(Vec<(Expr, Vec<Stmt>)>, Option<Vec<Stmt>>),
    For(Expr, Expr, Vec<Stmt>),
    While(Expr, Vec<Stmt>),
    Break,
    Continue,
    Pass,
    Del(Vec<Expr>),
    /// `def name(params): body`; a parameter may have a constant default.
    Def {
        name: String,
        params: Vec<(String, Option<Expr>)>,
        body: Vec<Stmt>,
    },
    Return(Option<Expr>),
    /// `global a, b` (inside a function: assignments go to the script's variables).
    Global(Vec<String>),
    /// `import m [as n]` (one per module) and `from m import a [as b], …`:
    /// (module, member or None, bound name).
    Import(Vec<(String, Option<String>, String)>),
}
