//! [`Specs`]: loaded diagrams ready to run — the model, every script and
//! condition compiled once, the one sandboxed script engine, and the
//! problems found while loading.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::limits::{EngineLimits, RuntimeLimits};
use crate::diagnostic::{Diagnostic, Severity};
use crate::dmn::{Decisions, PythonHint};
use crate::model::{
    Correlation, Dialect, ExprId, Expression, Model, NodeKind, SourceFile, Trigger,
};
use crate::parser::{self, LoadOptions, Loaded};
use crate::scripting::{CompileError, Compiled, Limits, ScriptEngine, infer_dialect};

/// A set of loaded, validated and compiled diagrams.
///
/// ```
/// use bpmn_engine::Specs;
/// let xml = r#"<?xml version="1.0"?>
/// <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
///   <process id="hello" isExecutable="true">
///     <startEvent id="start"/>
///     <scriptTask id="greet"><script>greeting = "hello " + name;</script></scriptTask>
///     <endEvent id="end"/>
///     <sequenceFlow id="f1" sourceRef="start" targetRef="greet"/>
///     <sequenceFlow id="f2" sourceRef="greet" targetRef="end"/>
///   </process>
/// </definitions>"#;
/// let specs = Specs::from_sources(vec![("hello.bpmn".into(), xml.as_bytes().to_vec())]);
/// assert!(specs.diagnostics().is_empty());
/// let mut wf = specs.start("hello", serde_json::json!({"name": "Ada"}).as_object().unwrap().clone()).unwrap();
/// wf.run().unwrap();
/// assert!(wf.is_completed());
/// assert_eq!(wf.data()["greeting"], "hello Ada");
/// ```
#[derive(Debug)]
pub struct Specs {
    pub(crate) model: Model,
    pub(crate) compiled: Vec<Option<Compiled>>,
    pub(crate) engine: ScriptEngine,
    pub(crate) limits: RuntimeLimits,
    /// Whether any conditional event exists (they are re-checked after
    /// every step, so this saves the work when there are none).
    pub(crate) has_conditionals: bool,
    /// Per message name, its correlation properties with the first
    /// retrieval expression found for each (a message from outside is
    /// correlated with these; a catch compares the ones it knows). Names
    /// without any are not listed.
    pub(crate) message_props: HashMap<String, Vec<Correlation>>,
    /// A number for every message name the diagrams catch or throw, so the
    /// index of message waits files them by number rather than by name.
    pub(crate) message_ids: HashMap<String, u32>,
    /// DMN decisions for business rule tasks (empty without DMN files).
    pub(crate) decisions: Decisions,
    /// The DMN files, kept so a saved state can embed them.
    pub(crate) dmn_files: Vec<SourceFile>,
    /// How the files were loaded (kept so a saved state restores the same).
    options: LoadOptions,
    diagnostics: Vec<Diagnostic>,
}

impl Specs {
    /// Loads BPMN files. Never fails: problems are in [`Specs::diagnostics`]
    /// and stop only the processes they affect.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Arc<Specs> {
        Self::load_with(paths, &LoadOptions::default())
    }

    /// [`Specs::load`] with options, e.g. the dialect scripts and conditions
    /// are written in when the files do not say:
    ///
    /// ```no_run
    /// use bpmn_engine::{Specs, model::Dialect, parser::LoadOptions};
    /// let opts = LoadOptions { dialect: Some(Dialect::Python) };
    /// let specs = Specs::load_with(&["order.bpmn"], &opts);
    /// ```
    pub fn load_with<P: AsRef<Path>>(paths: &[P], options: &LoadOptions) -> Arc<Specs> {
        Self::build(
            parser::load_files_with(paths, options),
            Vec::new(),
            options,
            &EngineLimits::default(),
        )
    }

    /// Loads BPMN documents from memory; names are used in diagnostics.
    pub fn from_sources(sources: Vec<(std::path::PathBuf, Vec<u8>)>) -> Arc<Specs> {
        Self::from_sources_with(sources, &LoadOptions::default())
    }

    /// [`Specs::from_sources`] with options.
    pub fn from_sources_with(
        sources: Vec<(std::path::PathBuf, Vec<u8>)>,
        options: &LoadOptions,
    ) -> Arc<Specs> {
        Self::build(
            parser::load_bytes_with(sources, options),
            Vec::new(),
            options,
            &EngineLimits::default(),
        )
    }

    /// Loads BPMN files and the DMN files their business rule tasks use.
    pub fn load_all<P: AsRef<Path>, Q: AsRef<Path>>(
        bpmn: &[P],
        dmn: &[Q],
        options: &LoadOptions,
    ) -> Arc<Specs> {
        Self::load_all_limited(bpmn, dmn, options, &EngineLimits::default())
    }

    /// [`Specs::load_all`] with limits on what scripts and instances may do.
    pub fn load_all_limited<P: AsRef<Path>, Q: AsRef<Path>>(
        bpmn: &[P],
        dmn: &[Q],
        options: &LoadOptions,
        limits: &EngineLimits,
    ) -> Arc<Specs> {
        let (dmn_sources, unreadable) = crate::diagnostic::read_files(dmn);
        let specs = Self::build(
            parser::load_files_with(bpmn, options),
            dmn_sources,
            options,
            limits,
        );
        if unreadable.is_empty() {
            return specs;
        }
        let mut s =
            Arc::try_unwrap(specs).unwrap_or_else(|_| unreachable!("a fresh Arc has one owner"));
        s.diagnostics.extend(unreadable);
        Arc::new(s)
    }

    /// BPMN and DMN documents from memory (what a state file embeds).
    pub fn from_all_sources(
        bpmn: Vec<(PathBuf, Vec<u8>)>,
        dmn: Vec<(PathBuf, Vec<u8>)>,
        options: &LoadOptions,
    ) -> Arc<Specs> {
        Self::from_all_sources_limited(bpmn, dmn, options, &EngineLimits::default())
    }

    /// [`Specs::from_all_sources`] with limits.
    pub fn from_all_sources_limited(
        bpmn: Vec<(PathBuf, Vec<u8>)>,
        dmn: Vec<(PathBuf, Vec<u8>)>,
        options: &LoadOptions,
        limits: &EngineLimits,
    ) -> Arc<Specs> {
        Self::build(parser::load_bytes_with(bpmn, options), dmn, options, limits)
    }

    /// Compiles what the parser loaded, with explicit limits.
    pub fn from_loaded(loaded: Loaded, limits: Limits, runtime: RuntimeLimits) -> Arc<Specs> {
        let limits = EngineLimits {
            script: limits,
            run: runtime,
        };
        Self::build(loaded, Vec::new(), &LoadOptions::default(), &limits)
    }

    fn build(
        loaded: Loaded,
        dmn: Vec<(PathBuf, Vec<u8>)>,
        options: &LoadOptions,
        limits: &EngineLimits,
    ) -> Arc<Specs> {
        let Loaded {
            mut model,
            mut diagnostics,
        } = loaded;
        let engine = ScriptEngine::new(limits.script);
        let precompiled = infer_file_dialects(&mut model, &engine);
        let mut compiled = Vec::with_capacity(model.expressions.len());
        for (e, pre) in model.expressions.iter().zip(precompiled) {
            match pre.unwrap_or_else(|| engine.compile_in(&e.text, e.kind, e.dialect)) {
                Ok(c) => compiled.push(Some(c)),
                Err(err) => {
                    diagnostics.push(compile_diagnostic(&model, e, &err));
                    compiled.push(None);
                }
            }
        }
        let has_conditionals = model.graphs.iter().flat_map(|g| &g.nodes).any(|n| {
            n.kind.event().is_some_and(|e| {
                e.triggers
                    .iter()
                    .any(|t| matches!(t, crate::model::Trigger::Conditional { .. }))
            })
        });
        let (message_ids, message_props) = message_tables(&model);
        let dmn_files: Vec<SourceFile> = dmn
            .iter()
            .map(|(p, b)| SourceFile {
                path: p.clone(),
                text: Arc::from(String::from_utf8_lossy(b).as_ref()),
                dialect: None,
                spiff_extensions: false,
            })
            .collect();
        let decisions = Decisions::from_loaded_with(
            crate::parser::dmn::load_bytes(dmn),
            &python_hint(&model, options),
        );
        // DMN problems: file-level ones stop everything, decision-level ones
        // only the business rule tasks that use that decision.
        for d in decisions.diagnostics() {
            let mut d = d.clone();
            if d.process.is_some() {
                d.process = Some(format!("decision {}", d.process.unwrap_or_default()));
            }
            diagnostics.push(d);
        }
        check_decisions(&model, &decisions, &mut diagnostics);
        Arc::new(Specs {
            has_conditionals,
            message_props,
            message_ids,
            decisions,
            dmn_files,
            options: *options,
            model,
            compiled,
            engine,
            limits: limits.run,
            diagnostics,
        })
    }

    /// The correlation properties of message `name` (see
    /// [`Specs::message_props`]).
    pub(crate) fn message_properties(&self, name: &str) -> &[Correlation] {
        self.message_props.get(name).map_or(&[], Vec::as_slice)
    }

    /// The number of message `name` (None: no diagram mentions it).
    pub(crate) fn message_id(&self, name: &str) -> Option<u32> {
        self.message_ids.get(name).copied()
    }

    /// The model of everything loaded.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every problem found while loading, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The files that could not be read at all (their problem has no
    /// line), each said once (`order.bpmn: no such file (check the path)`):
    /// callers report these alone, not among the diagram's problems.
    pub fn unreadable_files(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .filter(|d| d.line == 0 && d.severity == Severity::Error)
            .map(|d| d.unprefixed())
            .collect()
    }

    /// Errors that stop `process_id` (or anything it calls) from running.
    pub fn problems_for(&self, process_id: &str) -> Vec<Diagnostic> {
        let wanted = parser::called_closure(&self.model, process_id);
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| d.process.as_ref().is_none_or(|p| wanted.contains(p)))
            .cloned()
            .collect()
    }

    /// The DMN decisions loaded with these diagrams.
    pub fn decisions(&self) -> &Decisions {
        &self.decisions
    }

    /// The options the diagrams were loaded with.
    pub fn options(&self) -> &LoadOptions {
        &self.options
    }

    /// The DMN files loaded with these diagrams.
    pub fn dmn_files(&self) -> &[SourceFile] {
        &self.dmn_files
    }

    pub(crate) fn code(&self, id: ExprId) -> Option<&Compiled> {
        self.compiled.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// The script engine shared by every instance of these specs.
    pub fn script_engine(&self) -> &ScriptEngine {
        &self.engine
    }
}

/// Decides the dialect of each BPMN file that no rule fixed, from its code
/// (see [`crate::scripting::infer_dialect`]), and applies it to the code
/// that follows the file. Returns, per expression, what inferring already
/// compiled in the chosen dialect.
fn infer_file_dialects(
    model: &mut Model,
    engine: &ScriptEngine,
) -> Vec<Option<Result<Compiled, CompileError>>> {
    let mut precompiled: Vec<Option<Result<Compiled, CompileError>>> =
        (0..model.expressions.len()).map(|_| None).collect();
    let mut per_file: Vec<Vec<usize>> = vec![Vec::new(); model.files.len()];
    // Per file: the first element naming Rhai, and Python.
    let mut named: Vec<[Option<usize>; 2]> = vec![[None, None]; model.files.len()];
    for (i, e) in model.expressions.iter().enumerate() {
        let f = e.pos.file as usize;
        if e.auto {
            per_file[f].push(i);
        } else {
            let slot = match e.dialect {
                Dialect::Rhai => 0,
                Dialect::Python => 1,
                Dialect::Juel => continue,
            };
            named[f][slot].get_or_insert(i);
        }
    }
    for (f, exprs) in per_file.iter().enumerate() {
        let file = &model.files[f];
        let chosen = match &file.dialect {
            Some(d) => d.clone(),
            None => {
                let candidates: Vec<_> = exprs
                    .iter()
                    .map(|&i| {
                        let e = &model.expressions[i];
                        infer_dialect::Candidate {
                            text: &e.text,
                            kind: e.kind,
                            owner: &e.owner,
                        }
                    })
                    .collect();
                let owner = |i: Option<usize>| i.map(|i| model.expressions[i].owner.as_str());
                let clues = infer_dialect::Clues {
                    spiff_extensions: file.spiff_extensions,
                    named_rhai: owner(named[f][0]),
                    named_python: owner(named[f][1]),
                };
                let inferred = infer_dialect::infer(engine, &candidates, clues);
                for (&i, c) in exprs.iter().zip(inferred.compiled.into_iter().flatten()) {
                    precompiled[i] = Some(c);
                }
                inferred.dialect
            }
        };
        for &i in exprs {
            model.expressions[i].dialect = chosen.dialect;
        }
        model.files[f].dialect = Some(chosen);
    }
    precompiled
}

/// The diagnostic for a script or condition that does not compile, at the
/// line of the file where the fault is (expression start line + line in
/// the text − 1).
fn compile_diagnostic(model: &Model, e: &Expression, err: &CompileError) -> Diagnostic {
    let (err_line, err_col) = match err {
        CompileError::Translate(t) => (Some(t.line), Some(t.col)),
        CompileError::Rhai(r) => (r.line, r.col),
    };
    let line = e.pos.line + err_line.unwrap_or(1).saturating_sub(1);
    let col = match err_line {
        Some(1) | None => e.pos.col + err_col.unwrap_or(1).saturating_sub(1),
        Some(_) => err_col.unwrap_or(1),
    };
    let executable = model.process(&e.process).is_none_or(|p| p.executable);
    let what = match e.kind {
        crate::model::ExprKind::Script => "script",
        crate::model::ExprKind::Condition => "condition",
    };
    let (message, help) = match (err, e.dialect) {
        (CompileError::Translate(t), d) => (
            format!(
                "the {} {what} uses `{}`, which cannot run: {}",
                d.title(),
                t.construct,
                t.message
            ),
            format!(
                "rewrite it within the supported {} subset, or choose another dialect (`scriptFormat`/`language` on the element, or --dialect)",
                d.title()
            ),
        ),
        (CompileError::Rhai(r), Dialect::Rhai) => (
            format!("the Rhai code does not compile: {}", r.message),
            "fix the script or condition; see https://rhai.rs/book/ (if it is Python or JUEL, load with --dialect python or juel)".into(),
        ),
        (CompileError::Rhai(r), _) => (r.message.clone(), "report this diagram".into()),
    };
    Diagnostic {
        severity: if executable {
            Severity::Error
        } else {
            Severity::Warning
        },
        file: model.files[e.pos.file as usize].path.clone(),
        line,
        col,
        element: Some(e.owner.clone()),
        process: Some(e.process.clone()),
        message,
        help: Some(help),
    }
}

/// Which DMN files are read as written for SpiffWorkflow (see
/// [`PythonHint`]): every file under `--dialect python`; otherwise those
/// defining a decision that a business rule task of a Python diagram calls.
/// A diagram is Python when one of its scripts or conditions is.
fn python_hint(model: &Model, options: &LoadOptions) -> PythonHint {
    if options.dialect == Some(Dialect::Python) {
        return PythonHint::All;
    }
    // A file whose own dialect is Python (inferred or named), or any of
    // whose code is.
    let python_files: HashSet<u32> = model
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.dialect
                .as_ref()
                .is_some_and(|d| d.dialect == Dialect::Python)
        })
        .map(|(i, _)| i as u32)
        .chain(
            model
                .expressions
                .iter()
                .filter(|e| e.dialect == Dialect::Python)
                .map(|e| e.pos.file),
        )
        .collect();
    if python_files.is_empty() {
        return PythonHint::None;
    }
    let called: HashSet<String> = model
        .graphs
        .iter()
        .flat_map(|g| &g.nodes)
        .filter(|n| python_files.contains(&n.pos.file))
        .filter_map(|n| match &n.kind {
            NodeKind::BusinessRuleTask { decision, .. } => Some(decision.clone()),
            _ => None,
        })
        .collect();
    PythonHint::Decisions(called)
}

/// Every business rule task must name a loaded decision without errors.
fn check_decisions(model: &Model, decisions: &Decisions, out: &mut Vec<Diagnostic>) {
    let ids = decisions.decision_ids();
    for p in &model.processes {
        let mut graphs = vec![p.graph];
        while let Some(g) = graphs.pop() {
            for n in &model.graph(g).nodes {
                match &n.kind {
                    NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => {
                        graphs.push(*graph)
                    }
                    NodeKind::BusinessRuleTask { decision, .. } => {
                        let problem = if !ids.contains(&decision.as_str()) {
                            let near = ids
                                .iter()
                                .map(|d| (strsim::jaro_winkler(d, decision), *d))
                                .filter(|(s, _)| *s > 0.7)
                                .max_by(|a, b| a.0.total_cmp(&b.0))
                                .map(|(_, d)| format!("did you mean `{d}`? "))
                                .unwrap_or_default();
                            Some((
                                format!("decision `{decision}` is not in any loaded DMN file"),
                                format!("{near}load the DMN file that defines it with -d"),
                            ))
                        } else {
                            decisions.problems_for(decision).first().map(|d| {
                                (
                                    format!(
                                        "decision `{decision}` cannot be evaluated: {}",
                                        d.message
                                    ),
                                    match &d.help {
                                        Some(h) => format!("fix {}: {h}", d.file.display()),
                                        None => format!("fix {}", d.file.display()),
                                    },
                                )
                            })
                        };
                        if let Some((message, help)) = problem {
                            out.push(Diagnostic {
                                severity: if p.executable {
                                    Severity::Error
                                } else {
                                    Severity::Warning
                                },
                                file: model.files[n.pos.file as usize].path.clone(),
                                line: n.pos.line,
                                col: n.pos.col,
                                element: Some(n.id.clone()),
                                process: Some(p.id.clone()),
                                message,
                                help: Some(help),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A number per message name the diagrams mention, and per message name
/// the correlation properties any message definition of that name
/// retrieves from its payload, the first expression for each.
fn message_tables(model: &Model) -> (HashMap<String, u32>, HashMap<String, Vec<Correlation>>) {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut out: HashMap<String, Vec<Correlation>> = HashMap::new();
    for n in model.graphs.iter().flat_map(|g| &g.nodes) {
        let triggers: &[Trigger] = match &n.kind {
            NodeKind::Event(e) => &e.triggers,
            NodeKind::ReceiveTask { message } | NodeKind::SendTask { message } => {
                std::slice::from_ref(message)
            }
            _ => &[],
        };
        for t in triggers {
            let Trigger::Message {
                name, from_payload, ..
            } = t
            else {
                continue;
            };
            let next = ids.len() as u32;
            ids.entry(name.clone()).or_insert(next);
            if from_payload.is_empty() {
                continue;
            }
            let props = out.entry(name.clone()).or_default();
            for c in from_payload {
                if !props.iter().any(|p| p.property == c.property) {
                    props.push(c.clone());
                }
            }
        }
    }
    // Only names with properties are listed: a message without any (the
    // common case) is looked up on every delivery and every filing, and a
    // miss is cheaper than a hit that compares the name.
    (ids, out)
}
