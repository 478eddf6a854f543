//! [`Specs`]: loaded diagrams ready to run — the model, every script and
//! condition compiled once, the one sandboxed script engine, and the
//! problems found while loading.

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{ExprId, Model};
use crate::parser::{self, Loaded};
use crate::scripting::{Compiled, Limits, ScriptEngine};

/// Limits on running instances.
#[derive(Debug, Clone, Copy)]
pub struct RuntimeLimits {
    /// How deep subprocesses and call activities may nest (stops runaway
    /// recursion of a process calling itself).
    pub max_nesting: u32,
}

impl Default for RuntimeLimits {
    fn default() -> Self {
        RuntimeLimits { max_nesting: 64 }
    }
}

/// A set of loaded, validated and compiled diagrams.
///
/// ```
/// use bpmn_runner::Specs;
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
    diagnostics: Vec<Diagnostic>,
}

impl Specs {
    /// Loads BPMN files. Never fails: problems are in [`Specs::diagnostics`]
    /// and stop only the processes they affect.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Arc<Specs> {
        Self::from_loaded(
            parser::load_files(paths),
            Limits::default(),
            RuntimeLimits::default(),
        )
    }

    /// Loads BPMN documents from memory; names are used in diagnostics.
    pub fn from_sources(sources: Vec<(std::path::PathBuf, Vec<u8>)>) -> Arc<Specs> {
        Self::from_loaded(
            parser::load_bytes(sources),
            Limits::default(),
            RuntimeLimits::default(),
        )
    }

    /// Compiles what the parser loaded, with explicit limits.
    pub fn from_loaded(loaded: Loaded, limits: Limits, runtime: RuntimeLimits) -> Arc<Specs> {
        let Loaded {
            model,
            mut diagnostics,
        } = loaded;
        let engine = ScriptEngine::new(limits);
        let mut compiled = Vec::with_capacity(model.expressions.len());
        for e in &model.expressions {
            match engine.compile(&e.text, e.kind) {
                Ok(c) => compiled.push(Some(c)),
                Err(err) => {
                    let line = e.pos.line + err.line.unwrap_or(1).saturating_sub(1);
                    let col = match err.line {
                        Some(1) | None => e.pos.col + err.col.unwrap_or(1).saturating_sub(1),
                        Some(_) => err.col.unwrap_or(1),
                    };
                    let executable = model.process(&e.process).is_none_or(|p| p.executable);
                    diagnostics.push(Diagnostic {
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
                        message: format!("the Rhai code does not compile: {}", err.message),
                        help: Some("fix the script or condition; see https://rhai.rs/book/".into()),
                    });
                    compiled.push(None);
                }
            }
        }
        Arc::new(Specs {
            model,
            compiled,
            engine,
            limits: runtime,
            diagnostics,
        })
    }

    /// The model of everything loaded.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Every problem found while loading, in file order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
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

    pub(crate) fn code(&self, id: ExprId) -> Option<&Compiled> {
        self.compiled.get(id.0 as usize).and_then(Option::as_ref)
    }

    /// The script engine shared by every instance of these specs.
    pub fn script_engine(&self) -> &ScriptEngine {
        &self.engine
    }
}
