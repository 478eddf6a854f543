//! Model → compiled decisions: parses every FEEL expression and compiles
//! every Rhai and Python expression once, reporting syntax errors as
//! diagnostics at their file, line and column, and marks which decisions
//! can run.
//!
//! The language of an expression: the one its element names
//! (`expressionLanguage`), else the one the file's `definitions` names;
//! else FEEL — except in a decision table read as SpiffWorkflow reads it
//! (one of its expressions is named Python, its file's `typeLanguage` is
//! Python, or [`PythonHint`] covers its file). There a cell or input
//! expression that names no language is Python when it is Python as
//! SpiffWorkflow reads it (see `python.rs`), and FEEL when it is not:
//! `[1..10]`, `"a","b"`, `not("x")`, `true` and `date("…")` cannot mean
//! anything in Python (or not what their author meant), so they stay FEEL.

use std::collections::HashSet;
use std::sync::Arc;

use super::PythonHint;
use super::compiled::{
    CDecision, CFunction, CInput, CKnowledge, COutput, CRule, CService, CTable, Code, Coerce,
    Located, Logic, Tests,
};
use super::feel;
use super::python;
use super::value::Value;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::SourcePos;
use crate::model::dmn::{DecisionLogic, DecisionTable, DmnExpr, DmnModel, FunctionKind, Language};
use crate::model::{Dialect, ExprKind};
use crate::parser::dmn::{LoadedDmn, NO_LOGIC, decision_index, lookup, namespace_of};
use crate::scripting::{CompileError, Compiled, ScriptEngine};

struct Cx<'a> {
    model: &'a DmnModel,
    engine: &'a ScriptEngine,
    names: feel::Names,
    diags: &'a mut Vec<Diagnostic>,
    decision: String,
    /// Files whose tables are read as SpiffWorkflow reads them.
    python_files: HashSet<u32>,
    /// The table being compiled is read as SpiffWorkflow reads it.
    spiff: bool,
}

/// How one expression is read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reading {
    Feel,
    Rhai,
    Python,
    /// No language named, in a table read as SpiffWorkflow reads it.
    PythonElseFeel,
}

impl Cx<'_> {
    fn place(&self, pos: SourcePos) -> String {
        pos.display(&self.model.files).to_string()
    }

    fn error(&mut self, pos: SourcePos, element: Option<&str>, message: String, help: &str) {
        self.diags.push(Diagnostic {
            severity: Severity::Error,
            file: self
                .model
                .files
                .get(pos.file as usize)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
            line: pos.line,
            col: pos.col,
            element: Some(element.unwrap_or(&self.decision).to_string()),
            process: Some(self.decision.clone()),
            message,
            help: Some(help.to_string()),
        });
    }

    fn located<T>(&self, code: T, what: &str, pos: SourcePos) -> Located<T> {
        Located {
            code,
            at: Arc::from(format!("{what} ({})", self.place(pos))),
        }
    }

    fn syntax(&mut self, e: &DmnExpr, what: &str, element: Option<&str>, err: feel::SyntaxError) {
        // Python in a table nothing marks as written for SpiffWorkflow.
        let python = !self.spiff
            && !e.declared
            && (python::test_source(&e.text).is_ok()
                || crate::scripting::python::translate_condition(&e.text).is_ok());
        self.error(
            e.pos,
            element,
            format!(
                "{what}: FEEL syntax error at character {} of `{}`: {}",
                err.at + 1,
                excerpt(&e.text, err.at),
                err.message
            ),
            if python {
                "it reads as Python: a table written for SpiffWorkflow is read so when a Python diagram calls it (or with --dialect python), or set expressionLanguage=\"python\" on the definitions"
            } else {
                "fix the expression; FEEL strings use double quotes, ranges look like [1..10]"
            },
        );
    }

    fn reading(&self, e: &DmnExpr) -> Reading {
        match e.language {
            _ if !e.declared && self.spiff => Reading::PythonElseFeel,
            Language::Feel => Reading::Feel,
            Language::Rhai => Reading::Rhai,
            Language::Python => Reading::Python,
        }
    }

    fn rhai(&mut self, e: &DmnExpr, what: &str, element: Option<&str>) -> Option<Arc<Compiled>> {
        match self.engine.compile(&e.text, ExprKind::Condition) {
            Ok(c) => Some(Arc::new(c)),
            Err(err) => {
                self.error(
                    e.pos,
                    element,
                    format!("{what}: Rhai syntax error in `{}`: {err}", e.text),
                    "fix the Rhai expression, or remove expressionLanguage to write FEEL",
                );
                None
            }
        }
    }

    fn python_error(&mut self, e: &DmnExpr, what: &str, element: Option<&str>, err: CompileError) {
        self.error(
            e.pos,
            element,
            format!("{what}: the Python expression `{}` cannot run: {err}", e.text),
            "rewrite it within the Python subset of the scripts, or write FEEL and remove expressionLanguage=\"python\"",
        );
    }

    /// Neither reading of a cell that names no language works.
    fn neither(
        &mut self,
        e: &DmnExpr,
        what: &str,
        element: Option<&str>,
        python: CompileError,
        feel: feel::SyntaxError,
    ) {
        self.error(
            e.pos,
            element,
            format!(
                "{what}: `{}` is neither Python as SpiffWorkflow reads it ({python}) nor FEEL (syntax error at character {}: {})",
                excerpt(&e.text, feel.at),
                feel.at + 1,
                feel.message
            ),
            "write it in Python (SpiffWorkflow) or FEEL; expressionLanguage on the element or the file says which",
        );
    }

    fn compile_python(&self, text: &str) -> Result<Arc<Compiled>, CompileError> {
        self.engine
            .compile_in(text, ExprKind::Condition, Dialect::Python)
            .map(Arc::new)
    }

    /// An input entry as SpiffWorkflow tests it (not empty, not `-`).
    fn python_test(&self, text: &str) -> Result<Arc<Compiled>, CompileError> {
        let source = python::test_source(text).map_err(CompileError::Translate)?;
        self.compile_python(&source)
    }

    fn feel_value(&mut self, e: &DmnExpr, what: &str, element: Option<&str>) -> Option<feel::Expr> {
        if e.text.is_empty() {
            return Some(feel::Expr::Const(Value::Null));
        }
        match feel::parse_expression(&e.text, &self.names) {
            Ok(x) => Some(feel::fold(x)),
            Err(err) => {
                self.syntax(e, what, element, err);
                None
            }
        }
    }

    /// An expression giving a value (input expression, output entry…).
    fn code(&mut self, e: &DmnExpr, what: &str, element: Option<&str>) -> Option<Located<Code>> {
        let reading = self.reading(e);
        let code = match reading {
            Reading::Feel => Code::Feel(self.feel_value(e, what, element)?),
            Reading::Rhai => Code::Script(self.rhai(e, what, element)?),
            // SpiffWorkflow gives an empty output entry the value "".
            Reading::Python | Reading::PythonElseFeel if e.text.is_empty() => {
                Code::Feel(feel::Expr::Const(Value::String(Arc::from(""))))
            }
            Reading::Python => match self.compile_python(&e.text) {
                Ok(c) => Code::Script(c),
                Err(err) => {
                    self.python_error(e, what, element, err);
                    return None;
                }
            },
            Reading::PythonElseFeel => match self.compile_python(&e.text) {
                Ok(c) if !python::reads_feel_literals(&c) => Code::Script(c),
                python => match feel::parse_expression(&e.text, &self.names) {
                    Ok(x) => Code::Feel(feel::fold(x)),
                    Err(ferr) => {
                        match python {
                            Err(perr) => self.neither(e, what, element, perr, ferr),
                            Ok(_) => self.syntax(e, what, element, ferr),
                        }
                        return None;
                    }
                },
            },
        };
        Some(self.located(code, what, e.pos))
    }

    /// Unary tests (an input entry or allowed-values list).
    fn tests(&mut self, e: &DmnExpr, what: &str, element: Option<&str>) -> Option<Located<Tests>> {
        let text = e.text.trim();
        let any = text.is_empty() || text == "-";
        let tests = match self.reading(e) {
            Reading::Feel => match feel::parse_unary_tests(&e.text, &self.names) {
                Ok(t) => Tests::Feel(fold_tests(t)),
                Err(err) => {
                    self.syntax(e, what, element, err);
                    return None;
                }
            },
            _ if any => Tests::Feel(feel::UnaryTests::Any),
            Reading::Rhai => Tests::Script {
                code: self.rhai(e, what, element)?,
                input: "cellInput",
            },
            Reading::Python => match self.python_test(text) {
                Ok(code) => Tests::Script {
                    code,
                    input: python::INPUT,
                },
                Err(err) => {
                    self.python_error(e, what, element, err);
                    return None;
                }
            },
            Reading::PythonElseFeel => {
                let feel = feel::parse_unary_tests(&e.text, &self.names);
                // A list of tests or a negation is FEEL: in Python it would
                // compare the value with a tuple, or with `not x`.
                let feel_shaped = matches!(
                    &feel,
                    Ok(feel::UnaryTests::Tests { negated, tests }) if *negated || tests.len() > 1
                );
                let python = if feel_shaped {
                    None
                } else {
                    Some(self.python_test(text))
                };
                match (python, feel) {
                    (Some(Ok(code)), _) if !python::reads_feel_literals(&code) => Tests::Script {
                        code,
                        input: python::INPUT,
                    },
                    (_, Ok(t)) => Tests::Feel(fold_tests(t)),
                    (Some(Err(perr)), Err(ferr)) => {
                        self.neither(e, what, element, perr, ferr);
                        return None;
                    }
                    (_, Err(ferr)) => {
                        self.syntax(e, what, element, ferr);
                        return None;
                    }
                }
            }
        };
        Some(self.located(tests, what, e.pos))
    }
}

/// Folds the constant parts of each test (`>= date("2024-01-01")`).
fn fold_tests(t: feel::UnaryTests) -> feel::UnaryTests {
    use feel::UnaryTests;
    match t {
        UnaryTests::Any => UnaryTests::Any,
        UnaryTests::Tests { negated, tests } => UnaryTests::Tests {
            negated,
            tests: tests.into_iter().map(fold_test).collect(),
        },
    }
}

fn fold_test(t: feel::UnaryTest) -> feel::UnaryTest {
    use feel::UnaryTest;
    match t {
        UnaryTest::Cmp(op, e) => UnaryTest::Cmp(op, feel::fold(e)),
        UnaryTest::Interval(mut r) => {
            r.low = r.low.map(feel::fold);
            r.high = r.high.map(feel::fold);
            UnaryTest::Interval(r)
        }
        UnaryTest::Expr { expr, uses_input } => UnaryTest::Expr {
            expr: feel::fold(expr),
            uses_input,
        },
    }
}

/// What FEEL parsing needs to know of `model` (see [`names`]).
pub(crate) fn feel_names(model: &DmnModel) -> feel::Names {
    names(model)
}

/// Names to read whole in FEEL text: input data, decision and knowledge
/// model names (and parameters) that contain spaces or symbols (but no dot, which FEEL
/// reads as a path), longest first; and the knowledge models, callable as
/// functions.
fn names(model: &DmnModel) -> feel::Names {
    let mut set: HashSet<&str> = HashSet::new();
    let simple = |n: &str| n.chars().all(|c| c.is_alphanumeric() || c == '_');
    for i in &model.input_data {
        set.insert(&i.name);
    }
    for d in &model.decisions {
        set.insert(&d.name);
        set.insert(&d.variable);
    }
    for k in &model.knowledge_models {
        set.insert(&k.name);
        set.extend(k.parameters.iter().map(String::as_str));
    }
    // A label standing in for an empty input expression names a variable,
    // spaces and all.
    for d in &model.decisions {
        if let DecisionLogic::Table(t) = &d.logic {
            set.extend(
                t.inputs
                    .iter()
                    .filter(|i| i.from_label)
                    .map(|i| i.expression.text.as_str()),
            );
        }
    }
    for s in &model.decision_services {
        set.insert(&s.name);
    }
    let mut functions: Vec<String> = model
        .knowledge_models
        .iter()
        .map(|k| k.name.clone())
        .chain(model.decision_services.iter().map(|s| s.name.clone()))
        .collect();
    // Boxed function definitions in contexts are called by their entry's
    // name.
    let mut locals = Vec::new();
    for d in &model.decisions {
        local_functions(&d.logic, &mut locals);
    }
    for k in &model.knowledge_models {
        local_functions(&k.body, &mut locals);
    }
    set.extend(locals.iter().copied());
    functions.extend(locals.iter().map(|n| n.to_string()));
    let mut known: Vec<String> = set
        .into_iter()
        // A dot before a digit is no path (`decision A 2.1`): read whole.
        .filter(|n| {
            let path = n
                .split('.')
                .skip(1)
                .any(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()));
            !n.is_empty() && !simple(n) && !path
        })
        .map(str::to_string)
        .collect();
    // An imported model's elements are named with the import's name as
    // prefix: read `myimport.Say Hello` whole.
    for (file, defs) in model.definitions.iter().enumerate() {
        for import in &defs.imports {
            let of = |f: u32| namespace_of(model, f) == import.namespace && f as usize != file;
            let qualify = |n: &str| format!("{}.{n}", import.name);
            let mut add = |n: &str, function: bool| {
                known.push(qualify(n));
                if function {
                    functions.push(qualify(n));
                }
            };
            for d in model.decisions.iter().filter(|d| of(d.pos.file)) {
                add(&d.variable, false);
            }
            for i in model.input_data.iter().filter(|i| of(i.pos.file)) {
                add(&i.name, false);
            }
            for k in model.knowledge_models.iter().filter(|k| of(k.pos.file)) {
                add(&k.name, true);
            }
            for s in model.decision_services.iter().filter(|s| of(s.pos.file)) {
                add(&s.name, true);
            }
        }
    }
    known.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    known.dedup();
    feel::Names {
        known,
        functions,
        types: feel::item_types(&model.item_definitions),
    }
}

/// The names of the context entries of `logic` (nested ones too) whose
/// value is a function definition.
fn local_functions<'m>(logic: &'m DecisionLogic, out: &mut Vec<&'m str>) {
    match logic {
        DecisionLogic::Context(entries) => {
            for e in entries {
                if let (Some(n), DecisionLogic::Function(_)) = (&e.name, &e.value) {
                    out.push(n);
                }
                local_functions(&e.value, out);
            }
        }
        DecisionLogic::Function(f) => local_functions(&f.body, out),
        DecisionLogic::List(items) => items.iter().for_each(|i| local_functions(i, out)),
        DecisionLogic::Conditional {
            condition,
            then,
            otherwise,
        } => {
            for l in [condition, then, otherwise] {
                local_functions(l, out);
            }
        }
        _ => {}
    }
}

/// Compiles every decision and knowledge model of `loaded`; problems are
/// added to `diags`.
pub(crate) fn compile(
    loaded: &LoadedDmn,
    engine: &ScriptEngine,
    hint: &PythonHint,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<CDecision>, Vec<CKnowledge>, Vec<CService>) {
    let model = &loaded.model;
    let python_files = match hint {
        PythonHint::None => HashSet::new(),
        PythonHint::All => (0..model.files.len() as u32).collect(),
        PythonHint::Decisions(ids) => model
            .decisions
            .iter()
            .filter(|d| ids.contains(&d.id))
            .map(|d| d.pos.file)
            .collect(),
    };
    let mut cx = Cx {
        model,
        engine,
        names: names(model),
        diags,
        decision: String::new(),
        python_files,
        spiff: false,
    };
    let mut decisions: Vec<CDecision> = model
        .decisions
        .iter()
        .map(|d| {
            cx.decision = d.id.clone();
            let outputs = match &d.logic {
                DecisionLogic::Table(t) => t.outputs.iter().map(|o| o.name.clone()).collect(),
                _ => vec![d.variable.clone()],
            };
            CDecision {
                id: d.id.clone(),
                name: d.name.clone(),
                variable: d.variable.clone(),
                outputs,
                file: d.pos.file,
                requires: Vec::new(),
                output_type: d
                    .type_ref
                    .as_deref()
                    .and_then(|t| feel::parse_type(t, &cx.names).ok()),
                logic: match &d.logic {
                    DecisionLogic::Unsupported(n) if n == NO_LOGIC => {
                        Err("it has no decision logic (only a decision service can give its value, as an input decision)".to_string())
                    }
                    l => compile_logic(&mut cx, l, "")
                        .ok_or_else(|| "it has load errors (see the diagnostics)".to_string()),
                },
            }
        })
        .collect();
    let knowledge: Vec<CKnowledge> = model
        .knowledge_models
        .iter()
        .map(|k| {
            cx.decision = if k.id.is_empty() {
                k.name.clone()
            } else {
                k.id.clone()
            };
            CKnowledge {
                name: k.name.clone(),
                file: k.pos.file,
                parameters: k.parameters.clone(),
                parameter_types: k
                    .parameter_types
                    .iter()
                    .map(|t| feel::parse_type(t.as_deref()?, &cx.names).ok())
                    .collect(),
                output_type: k
                    .body_type
                    .as_deref()
                    .and_then(|t| feel::parse_type(t, &cx.names).ok())
                    .or_else(|| {
                        k.function_types
                            .iter()
                            .find_map(|t| feel::parse_type(t, &cx.names).ok())
                            .map(result_type)
                    }),
                body: compile_logic(&mut cx, &k.body, "").ok_or_else(|| {
                    format!(
                        "knowledge model `{}` has load errors (see the diagnostics)",
                        k.name
                    )
                }),
            }
        })
        .collect();
    let has_errors: HashSet<&str> = cx
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.process.as_deref())
        .collect();
    let own_error: Vec<bool> = model
        .decisions
        .iter()
        .map(|d| has_errors.contains(d.id.as_str()))
        .collect();
    for (i, d) in decisions.iter_mut().enumerate() {
        let reason = match &loaded.requirements[i] {
            _ if own_error[i] => Some("it has load errors (see the diagnostics)".to_string()),
            None => {
                Some("its requirements are missing or form a cycle (see the diagnostics)".into())
            }
            Some(reqs) => reqs.iter().find(|&&r| own_error[r]).map(|&r| {
                format!(
                    "it requires decision `{}`, which has load errors (see the diagnostics)",
                    model.decisions[r].id
                )
            }),
        };
        d.requires = loaded.requirements[i].clone().unwrap_or_default();
        if let Some(reason) = reason {
            d.logic = Err(reason);
        }
    }
    let services = compile_services(model, &decisions, &cx.names, cx.diags);
    (decisions, knowledge, services)
}

/// The type of what a function declared as `t` returns: the result type
/// of a function type; any other type is the result's own (a model that
/// declares a knowledge model's variable by its result type).
fn result_type(t: feel::FeelType) -> feel::FeelType {
    match t {
        feel::FeelType::Function(_, out) => *out,
        feel::FeelType::Item(i) => match &i.base {
            feel::FeelType::Function(_, out) => (**out).clone(),
            _ => feel::FeelType::Item(i),
        },
        other => other,
    }
}

/// Resolves each decision service's references to decisions and input
/// data; a missing one makes the service report it when invoked.
fn compile_services(
    model: &DmnModel,
    decisions: &[CDecision],
    names: &feel::Names,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CService> {
    let index = decision_index(model);
    model
        .decision_services
        .iter()
        .map(|s| {
            let file = s.pos.file;
            let mut broken = None;
            let mut resolve = |refs: &[crate::model::dmn::Requirement], what: &str| -> Vec<usize> {
                refs.iter()
                    .filter_map(|r| {
                        let found = lookup(model, &index, file, r);
                        if found.is_none() {
                            let message = format!(
                                "decision service `{}`: its {what} `{}` is not a loaded decision",
                                s.name, r.id
                            );
                            diags.push(Diagnostic {
                                severity: Severity::Error,
                                file: model.files[file as usize].path.clone(),
                                line: r.pos.line,
                                col: r.pos.col,
                                element: Some(s.id.clone()),
                                process: Some(s.id.clone()),
                                message: message.clone(),
                                help: Some("fix the href, or load the file that defines it".into()),
                            });
                            broken = Some(message);
                        }
                        found
                    })
                    .collect()
            };
            let outputs = resolve(&s.outputs, "output decision");
            let input_decisions = resolve(&s.input_decisions, "input decision");
            let input_data: Vec<String> = s
                .input_data
                .iter()
                .map(|r| {
                    model
                        .input_data
                        .iter()
                        .find(|i| i.id == r.id)
                        .map_or_else(|| r.id.clone(), |i| i.name.clone())
                })
                .collect();
            // The input data come first, then the input decisions (as the
            // TCK's decision services take them).
            let parameters = input_data
                .iter()
                .cloned()
                .chain(
                    input_decisions
                        .iter()
                        .map(|&d| decisions[d].variable.clone()),
                )
                .collect();
            CService {
                name: s.name.clone(),
                file,
                input_decisions,
                input_data,
                outputs,
                parameters,
                output_type: s
                    .type_ref
                    .as_deref()
                    .and_then(|t| feel::parse_type(t, names).ok())
                    .map(result_type),
                broken,
            }
        })
        .collect()
}

/// Compiles logic; `path` says where it sits inside a boxed expression
/// (`context entry \`Rate\`: `), for messages.
fn compile_logic(cx: &mut Cx<'_>, logic: &DecisionLogic, path: &str) -> Option<Logic> {
    match logic {
        DecisionLogic::Table(t) => compile_table(cx, t, path).map(Logic::Table),
        DecisionLogic::Literal(e) => {
            let owner = cx.decision.clone();
            cx.code(e, &format!("{path}literal expression"), Some(&owner))
                .map(Logic::Literal)
        }
        DecisionLogic::Context(entries) => {
            let mut out = Vec::new();
            let mut ok = true;
            for e in entries {
                let label = e.name.as_deref().unwrap_or("result");
                match compile_logic(cx, &e.value, &format!("{path}context entry `{label}`: ")) {
                    Some(l) => out.push((e.name.clone(), l)),
                    None => ok = false,
                }
            }
            ok.then_some(Logic::Context(out))
        }
        DecisionLogic::Invocation(inv) => {
            if !cx.names.functions.contains(&inv.function) {
                let owner = cx.decision.clone();
                cx.error(
                    inv.pos,
                    Some(&owner),
                    format!(
                        "{path}invocation of `{}`, which is not a loaded business knowledge model or decision service",
                        inv.function
                    ),
                    "load the DMN file that defines it, or fix the name",
                );
                return None;
            }
            let mut bindings = Vec::new();
            let mut ok = true;
            for (param, value) in &inv.bindings {
                match compile_logic(cx, value, &format!("{path}parameter `{param}`: ")) {
                    Some(l) => bindings.push((param.clone(), l)),
                    None => ok = false,
                }
            }
            let at = Arc::from(format!(
                "{path}invocation of `{}` ({})",
                inv.function,
                cx.place(inv.pos)
            ));
            ok.then_some(Logic::Invocation {
                function: inv.function.clone(),
                bindings,
                at,
            })
        }
        DecisionLogic::List(items) => {
            let mut out = Vec::new();
            for (n, item) in items.iter().enumerate() {
                out.push(compile_logic(
                    cx,
                    item,
                    &format!("{path}list item {}: ", n + 1),
                ));
            }
            out.into_iter().collect::<Option<Vec<_>>>().map(Logic::List)
        }
        DecisionLogic::Relation { columns, rows } => {
            let mut out = Vec::new();
            for (n, row) in rows.iter().enumerate() {
                let mut cells = Vec::new();
                for (c, cell) in row.iter().enumerate() {
                    let col = columns.get(c).map_or("?", String::as_str);
                    cells.push(compile_logic(
                        cx,
                        cell,
                        &format!("{path}relation row {} `{col}`: ", n + 1),
                    ));
                }
                out.push(cells.into_iter().collect::<Option<Vec<_>>>());
            }
            out.into_iter()
                .collect::<Option<Vec<_>>>()
                .map(|rows| Logic::Relation {
                    columns: columns.clone(),
                    rows,
                })
        }
        // A Java or PMML function was reported by the parser.
        DecisionLogic::Function(f) if f.kind != FunctionKind::Feel => None,
        DecisionLogic::Function(f) => {
            let body = compile_logic(cx, &f.body, &format!("{path}function body: "))?;
            let parameter_types: Vec<Option<feel::FeelType>> = f
                .parameters
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    let t = f.parameter_types.get(i)?.as_deref()?;
                    feel::parse_type(t, &cx.names).ok()
                })
                .collect();
            // A FEEL body (or a function definition with one, as in
            // `function(a) function(b) a * b`) makes it a FEEL function.
            let feel_body = match &body {
                Logic::Literal(Located {
                    code: Code::Feel(e),
                    ..
                }) => Some(e.clone()),
                Logic::Function(inner) => inner.feel.as_ref().and_then(|f| f.as_expr()),
                _ => None,
            };
            let feel = feel_body.map(|e| {
                Arc::new(feel::Function::literal(
                    f.parameters
                        .iter()
                        .cloned()
                        .zip(parameter_types.iter().cloned())
                        .collect(),
                    e,
                ))
            });
            Some(Logic::Function(Arc::new(CFunction {
                parameters: f.parameters.clone(),
                parameter_types,
                feel,
                body,
                at: Arc::from(format!("{path}function definition ({})", cx.place(f.pos))),
            })))
        }
        DecisionLogic::Conditional {
            condition,
            then,
            otherwise,
        } => {
            let c = compile_logic(cx, condition, &format!("{path}if: "));
            let t = compile_logic(cx, then, &format!("{path}then: "));
            let e = compile_logic(cx, otherwise, &format!("{path}else: "));
            Some(Logic::Conditional(Box::new([c?, t?, e?])))
        }
        DecisionLogic::Iterator {
            kind,
            variable,
            source,
            body,
        } => {
            let src = compile_logic(cx, source, &format!("{path}in: "));
            let b = compile_logic(cx, body, &format!("{path}{variable}: "));
            Some(Logic::Iterator {
                kind: *kind,
                variable: variable.clone(),
                parts: Box::new([src?, b?]),
            })
        }
        DecisionLogic::Filter { source, condition } => {
            let src = compile_logic(cx, source, &format!("{path}in: "));
            let m = compile_logic(cx, condition, &format!("{path}match: "));
            Some(Logic::Filter(Box::new([src?, m?])))
        }
        // Already reported by the parser.
        DecisionLogic::Unsupported(_) => None,
    }
}

fn compile_table(cx: &mut Cx<'_>, t: &DecisionTable, path: &str) -> Option<CTable> {
    let outer = cx.spiff;
    cx.spiff = t.python_hint || cx.python_files.contains(&t.pos.file);
    let table = compile_table_cells(cx, t, path);
    cx.spiff = outer;
    table
}

fn compile_table_cells(cx: &mut Cx<'_>, t: &DecisionTable, path: &str) -> Option<CTable> {
    let mut ok = true;
    let mut inputs = Vec::new();
    for (i, input) in t.inputs.iter().enumerate() {
        let id = input.id.as_deref();
        let what = format!("{path}input {} `{}`", i + 1, input.label);
        let expr = cx.code(&input.expression, &format!("{what} expression"), id);
        let allowed = input.input_values.as_ref().and_then(|v| {
            let t = cx.tests(v, &format!("{what} allowed values"), id);
            if t.is_none() {
                ok = false;
            }
            t.map(|t| (t.code, v.text.clone()))
        });
        match expr {
            Some(expr) => inputs.push(CInput {
                label: input.label.clone(),
                // As SpiffWorkflow evaluates them: Python inputs, and labels
                // standing in for an input expression.
                lazy: input.from_label
                    || matches!(&expr.code, Code::Script(c) if c.dialect() == Dialect::Python),
                expr,
                coerce: Coerce::from_type_ref(input.type_ref.as_deref()),
                allowed,
            }),
            None => ok = false,
        }
    }
    let mut outputs = Vec::new();
    for (i, o) in t.outputs.iter().enumerate() {
        let id = o.id.as_deref();
        let what = format!("{path}output {} `{}`", i + 1, o.name);
        let priority = match &o.output_values {
            Some(v) if v.language == Language::Feel => {
                match feel::parse_unary_tests(&v.text, &cx.names) {
                    Ok(t) => Some(fold_tests(t)),
                    Err(err) => {
                        cx.syntax(v, &format!("{what} output values"), id, err);
                        ok = false;
                        None
                    }
                }
            }
            _ => None,
        };
        let default = o.default.as_ref().and_then(|e| {
            let c = cx.code(e, &format!("{what} default"), id);
            if c.is_none() {
                ok = false;
            }
            c
        });
        outputs.push(COutput {
            name: o.name.clone(),
            priority,
            default,
        });
    }
    let mut rules = Vec::new();
    for (n, r) in t.rules.iter().enumerate() {
        let id = r.id.as_deref();
        let mut rin = Vec::new();
        for (i, e) in r.input_entries.iter().enumerate() {
            let label = t.inputs.get(i).map_or("?", |x| x.label.as_str());
            match cx.tests(
                e,
                &format!("rule {} input entry {} `{label}`", n + 1, i + 1),
                id,
            ) {
                Some(c) => rin.push(c),
                None => ok = false,
            }
        }
        let mut rout = Vec::new();
        for (i, e) in r.output_entries.iter().enumerate() {
            let name = t.outputs.get(i).map_or("?", |x| x.name.as_str());
            match cx.code(e, &format!("{path}rule {} output `{name}`", n + 1), id) {
                Some(c) => rout.push(c),
                None => ok = false,
            }
        }
        rules.push(CRule {
            id: r.id.clone(),
            inputs: rin,
            outputs: rout,
        });
    }
    ok.then_some(CTable {
        hit_policy: t.hit_policy,
        aggregation: t.aggregation,
        index: super::rule_index::RuleIndex::build(&rules, inputs.len()),
        inputs,
        outputs,
        rules,
    })
}

/// `text` around byte `at`, at most about 60 characters of it (a long
/// expression is not repeated whole in a message).
fn excerpt(text: &str, at: usize) -> String {
    const CONTEXT: usize = 30;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= 2 * CONTEXT {
        return text.to_string();
    }
    let pos = chars
        .iter()
        .position(|&(i, _)| i >= at)
        .unwrap_or(chars.len());
    let from = pos.saturating_sub(CONTEXT);
    let to = (pos + CONTEXT).min(chars.len());
    let mut s: String = chars[from..to].iter().map(|&(_, c)| c).collect();
    if from > 0 {
        s.insert(0, '…');
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}
