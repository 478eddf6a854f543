//! Decisions compiled for evaluation: every expression parsed (FEEL) or
//! compiled (Rhai, Python translated to Rhai) once, with a description of
//! where it was written for error messages.

use std::sync::Arc;

use super::feel;
use crate::model::dmn::{Aggregation, HitPolicy, IteratorKind};
use crate::scripting::Compiled;

/// An expression ready to evaluate to a value.
#[derive(Debug, Clone)]
pub(crate) enum Code {
    Feel(feel::Expr),
    /// Rhai, or Python translated to Rhai.
    Script(Arc<Compiled>),
}

/// Unary tests ready to match a value.
#[derive(Debug, Clone)]
pub(crate) enum Tests {
    Feel(feel::UnaryTests),
    /// A condition in Rhai (or Python translated to Rhai), which reads the
    /// value under test as the variable `input` (`cellInput` in Rhai,
    /// `dmninputexpr` in Python).
    Script {
        code: Arc<Compiled>,
        input: &'static str,
    },
}

/// An expression and where it was written (`rule 3 output \`x\`
/// (file.dmn:40:23)`), for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Located<T> {
    pub code: T,
    pub at: Arc<str>,
}

/// How a JSON input is read before it is tested, from the input
/// expression's `typeRef`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coerce {
    None,
    Number,
    Date,
    Time,
    DateTime,
    Duration,
}

impl Coerce {
    pub fn from_type_ref(t: Option<&str>) -> Coerce {
        let Some(t) = t else {
            return Coerce::None;
        };
        let t = t
            .rsplit(':')
            .next()
            .unwrap_or(t)
            .trim()
            .to_ascii_lowercase();
        match t.as_str() {
            "number" | "integer" | "long" | "double" | "decimal" | "int" => Coerce::Number,
            "date" => Coerce::Date,
            "time" => Coerce::Time,
            "datetime" | "date and time" => Coerce::DateTime,
            "duration"
            | "daytimeduration"
            | "yearmonthduration"
            | "days and time duration"
            | "years and months duration" => Coerce::Duration,
            _ => Coerce::None,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CInput {
    pub label: String,
    pub expr: Located<Code>,
    /// An error evaluating `expr` counts only when a rule tests the value
    /// (SpiffWorkflow evaluates a Python input for each entry that is not
    /// `-`, so a table can answer without a variable its matching rule
    /// ignores).
    pub lazy: bool,
    pub coerce: Coerce,
    pub allowed: Option<(Tests, String)>,
}

#[derive(Debug, Clone)]
pub(crate) struct COutput {
    pub name: String,
    /// The `outputValues` list, when it is FEEL: ranks values for PRIORITY
    /// and OUTPUT ORDER.
    pub priority: Option<feel::UnaryTests>,
    pub default: Option<Located<Code>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CRule {
    pub id: Option<String>,
    pub inputs: Vec<Located<Tests>>,
    pub outputs: Vec<Located<Code>>,
}

#[derive(Debug, Clone)]
pub(crate) struct CTable {
    pub hit_policy: HitPolicy,
    pub aggregation: Option<Aggregation>,
    pub inputs: Vec<CInput>,
    pub outputs: Vec<COutput>,
    pub rules: Vec<CRule>,
    /// Which rules can match, by column, for big tables.
    pub index: Option<super::rule_index::RuleIndex>,
}

/// Compiled logic of a decision, knowledge model or context entry.
#[derive(Debug, Clone)]
pub(crate) enum Logic {
    Table(CTable),
    Literal(Located<Code>),
    Context(Vec<(Option<String>, Logic)>),
    Invocation {
        function: String,
        bindings: Vec<(String, Logic)>,
        at: Arc<str>,
    },
    List(Vec<Logic>),
    Relation {
        columns: Vec<String>,
        rows: Vec<Vec<Logic>>,
    },
    /// A boxed function definition: as a context entry it is callable by
    /// the entry's name from the entries after it (and the result).
    Function(Arc<CFunction>),
    Conditional(Box<[Logic; 3]>),
    Iterator {
        kind: IteratorKind,
        variable: String,
        /// The `in` and the `return`/`satisfies` expressions.
        parts: Box<[Logic; 2]>,
    },
    /// The `in` and `match` expressions.
    Filter(Box<[Logic; 2]>),
}

/// A boxed function definition, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CFunction {
    pub parameters: Vec<String>,
    /// The declared type of each parameter: arguments are coerced to it.
    pub parameter_types: Vec<Option<super::feel::FeelType>>,
    /// The same function as a FEEL function literal, when its body is
    /// FEEL: what evaluating the definition gives, a function value.
    pub feel: Option<Arc<super::feel::Function>>,
    pub body: Logic,
    /// Where it was written, for errors.
    pub at: Arc<str>,
}

/// A compiled decision service.
#[derive(Debug, Clone)]
pub(crate) struct CService {
    pub name: String,
    /// The file it is defined in (its namespace names its parameters).
    pub file: u32,
    /// The input decisions (indices), whose values the parameters after
    /// the input data give.
    pub input_decisions: Vec<usize>,
    /// The input data names, given by the first parameters.
    pub input_data: Vec<String>,
    /// The output decisions (indices).
    pub outputs: Vec<usize>,
    /// Parameter names: the input data, then the input decisions' variables.
    pub parameters: Vec<String>,
    /// The declared type of its result (the result type of its variable's
    /// function type): the result is coerced to it.
    pub output_type: Option<super::feel::FeelType>,
    /// Why it cannot be invoked, when it cannot.
    pub broken: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CDecision {
    pub id: String,
    pub name: String,
    pub variable: String,
    pub outputs: Vec<String>,
    /// The file the decision is defined in.
    pub file: u32,
    /// Decisions to evaluate first, in order (indices into the decisions).
    pub requires: Vec<usize>,
    /// The type of its `variable`: its value is coerced to it (a value
    /// that does not conform becomes null).
    pub output_type: Option<super::feel::FeelType>,
    /// The logic, or why the decision cannot be evaluated.
    pub logic: Result<Logic, String>,
}

/// A compiled business knowledge model.
#[derive(Debug, Clone)]
pub(crate) struct CKnowledge {
    pub name: String,
    /// The file it is defined in.
    pub file: u32,
    pub parameters: Vec<String>,
    /// The declared type of each parameter: arguments are coerced to it.
    pub parameter_types: Vec<Option<super::feel::FeelType>>,
    /// The declared type of its result: the result is coerced to it (a
    /// value that does not conform becomes null).
    pub output_type: Option<super::feel::FeelType>,
    /// The body, or why it cannot be invoked.
    pub body: Result<Logic, String>,
}
