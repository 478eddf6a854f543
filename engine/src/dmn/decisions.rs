//! [`Decisions`]: loaded DMN files ready to evaluate — the model, every
//! expression compiled once, the one sandboxed Rhai engine, and the
//! problems found while loading.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::Data;

use super::compile;
use super::compiled::{CDecision, Logic};
use super::env::Env;
use super::error::DmnError;
use super::knowledge::Knowledge;
use super::logic::{self, MAX_DEPTH};
use super::python::PythonHint;
use super::result::{DecisionResult, Mapping};
use super::value::Value;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::dmn::DmnModel;
use crate::parser::dmn::{self as parser, LoadedDmn};
use crate::scripting::ScriptEngine;

/// A set of loaded, checked and compiled decisions.
///
/// ```
/// use bpmn_engine::dmn::Decisions;
/// let xml = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
///   <decision id="discount" name="Discount">
///     <decisionTable hitPolicy="FIRST">
///       <input label="Customer"><inputExpression><text>customer type</text></inputExpression></input>
///       <output name="rate"/>
///       <rule><inputEntry><text>"gold"</text></inputEntry><outputEntry><text>0.1</text></outputEntry></rule>
///       <rule><inputEntry><text>-</text></inputEntry><outputEntry><text>0</text></outputEntry></rule>
///     </decisionTable>
///   </decision>
/// </definitions>"#;
/// let decisions = Decisions::from_sources(vec![("discount.dmn".into(), xml.as_bytes().to_vec())]);
/// assert!(decisions.diagnostics().is_empty());
/// let data = serde_json::json!({"customer type": "gold"});
/// let data = bpmn_engine::Data::from(data.as_object().unwrap().clone());
/// let result = decisions.evaluate("discount", &data).unwrap();
/// assert_eq!(result.value(), serde_json::json!(0.1));
/// assert_eq!(result.outputs(), vec!["rate".to_string()]);
/// ```
#[derive(Debug)]
pub struct Decisions {
    model: DmnModel,
    decisions: Vec<CDecision>,
    knowledge: Knowledge,
    by_id: HashMap<String, usize>,
    /// The declared types of the input data, by name: values bound to
    /// them are coerced (a value that does not conform becomes null).
    input_types: HashMap<String, super::feel::FeelType>,
    diagnostics: Vec<Diagnostic>,
    engine: ScriptEngine,
}

impl Decisions {
    /// Loads DMN files. Never fails: problems are in
    /// [`Decisions::diagnostics`] and stop only the decisions they affect.
    pub fn load<P: AsRef<Path>>(paths: &[P]) -> Decisions {
        Self::load_with(paths, &PythonHint::None)
    }

    /// [`Decisions::load`], reading the files `hint` covers as written for
    /// SpiffWorkflow.
    pub fn load_with<P: AsRef<Path>>(paths: &[P], hint: &PythonHint) -> Decisions {
        Self::from_loaded_with(parser::load_files(paths), hint)
    }

    /// Loads DMN documents from memory; the paths are used in diagnostics.
    pub fn from_sources(sources: Vec<(PathBuf, Vec<u8>)>) -> Decisions {
        Self::from_loaded(parser::load_bytes(sources))
    }

    /// Compiles what the parser loaded.
    pub fn from_loaded(loaded: LoadedDmn) -> Decisions {
        Self::from_loaded_with(loaded, &PythonHint::None)
    }

    /// Compiles what the parser loaded, reading the files `hint` covers as
    /// written for SpiffWorkflow (see [`PythonHint`]).
    pub fn from_loaded_with(loaded: LoadedDmn, hint: &PythonHint) -> Decisions {
        let engine = ScriptEngine::default();
        let mut diagnostics = loaded.diagnostics.clone();
        let (decisions, knowledge, services) =
            compile::compile(&loaded, &engine, hint, &mut diagnostics);
        let knowledge = Knowledge::new(&loaded.model, knowledge, services);
        let mut by_id = HashMap::new();
        for (i, d) in decisions.iter().enumerate() {
            by_id.entry(d.id.clone()).or_insert(i);
        }
        let names = compile::feel_names(&loaded.model);
        let input_types = loaded
            .model
            .input_data
            .iter()
            .filter_map(|i| {
                let t = super::feel::parse_type(i.type_ref.as_deref()?, &names).ok()?;
                Some((i.name.clone(), t))
            })
            .collect();
        Decisions {
            input_types,
            model: loaded.model,
            decisions,
            knowledge,
            by_id,
            diagnostics,
            engine,
        }
    }

    /// Every problem found while loading, errors and warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// True when some diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The errors that stop decision `id`: its own and those of the
    /// decisions it requires (not those of other decisions or files).
    pub fn problems_for(&self, id: &str) -> Vec<&Diagnostic> {
        let Some(&i) = self.by_id.get(id) else {
            return Vec::new();
        };
        let mut ids: Vec<&str> = self.decisions[i]
            .requires
            .iter()
            .map(|&r| self.decisions[r].id.as_str())
            .collect();
        ids.push(id);
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| d.process.as_deref().is_some_and(|p| ids.contains(&p)))
            .collect()
    }

    /// The ids of the loaded decisions, in file order.
    pub fn decision_ids(&self) -> Vec<&str> {
        self.decisions.iter().map(|d| d.id.as_str()).collect()
    }

    /// The id of the decision with this id, or else this name.
    pub fn find(&self, id_or_name: &str) -> Option<&str> {
        if let Some(&i) = self.by_id.get(id_or_name) {
            return Some(&self.decisions[i].id);
        }
        self.decisions
            .iter()
            .find(|d| d.name == id_or_name || d.variable == id_or_name)
            .map(|d| d.id.as_str())
    }

    /// The display name of decision `id`.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(|&i| self.decisions[i].name.as_str())
    }

    /// The output names of decision `id` (see [`DecisionResult::outputs`]).
    pub fn outputs(&self, id: &str) -> Option<Vec<String>> {
        self.by_id
            .get(id)
            .map(|&i| self.decisions[i].outputs.clone())
    }

    /// The model as loaded.
    pub fn model(&self) -> &DmnModel {
        &self.model
    }

    /// Evaluates decision `decision_id` against `data`, after the decisions
    /// it requires (whose results are visible under their names).
    pub fn evaluate(&self, decision_id: &str, data: &Data) -> Result<DecisionResult, DmnError> {
        self.evaluate_with(decision_id, data, Vec::new())
    }

    /// Like [`Decisions::evaluate`], with FEEL values bound before the data.
    pub(crate) fn evaluate_with(
        &self,
        decision_id: &str,
        data: &Data,
        vars: Vec<(String, Value)>,
    ) -> Result<DecisionResult, DmnError> {
        let inputs = vars.into_iter().map(|(n, v)| (n, None, v)).collect();
        self.evaluate_given(decision_id, data, inputs)
    }

    /// Evaluates decision `decision_id` with input values, each with the
    /// namespace of the model whose input data it is (`None`: any model).
    pub(crate) fn evaluate_given(
        &self,
        decision_id: &str,
        data: &Data,
        inputs: Vec<Input>,
    ) -> Result<DecisionResult, DmnError> {
        let Some(&i) = self.by_id.get(decision_id) else {
            return Err(DmnError::UnknownDecision {
                id: decision_id.to_string(),
                known: self.decisions.iter().map(|d| d.id.clone()).collect(),
            });
        };
        let d = &self.decisions[i];
        // Inputs typed by their `inputData` are coerced to that type
        // (a value that does not conform is null).
        let mut inputs = inputs;
        for (name, _, v) in inputs.iter_mut() {
            if let Some(t) = self.input_types.get(name.as_str()) {
                *v = t
                    .coerce(std::mem::replace(v, Value::Null))
                    .unwrap_or(Value::Null);
            }
        }
        let run = Run {
            data,
            inputs,
            decided: Vec::new(),
            depth: 0,
            cache: RefCell::new(HashMap::new()),
        };
        let (value, matched) = self.run(i, &run)?;
        let mapping = match &d.logic {
            Ok(Logic::Table(t)) if t.hit_policy.is_multiple() && t.aggregation.is_none() => {
                Mapping::TableRows
            }
            Ok(Logic::Table(_)) => Mapping::TableRow,
            _ => Mapping::Value,
        };
        Ok(DecisionResult {
            value,
            outputs: d.outputs.clone(),
            matched: matched.into_iter().map(|m| m + 1).collect(),
            mapping,
        })
    }

    /// Evaluates decision `i` after the decisions it requires, which it
    /// sees under their names as its file names them. Requirements come in
    /// dependency order and each is evaluated once; one of the same model
    /// is evaluated with the names gathered so far (as it always was, so a
    /// long chain costs linear time and no deep recursion), one of another
    /// model with its own names.
    fn run(&self, i: usize, run: &Run<'_>) -> Result<(Value, Vec<usize>), DmnError> {
        let d = &self.decisions[i];
        let logic = d.logic.as_ref().map_err(|reason| DmnError::Invalid {
            decision: d.id.clone(),
            reason: reason.clone(),
        })?;
        let (own, imports) = self.knowledge.imports_of(d.file);
        let mut vars = self.inputs_seen_from(d.file, &run.inputs);
        for &r in &d.requires {
            let req = &self.decisions[r];
            let (req_ns, _) = self.knowledge.imports_of(req.file);
            let same_model = req_ns == own;
            let known = run
                .decided
                .iter()
                .find(|(x, _)| *x == r)
                .map(|(_, v)| v.clone())
                .or_else(|| run.cache.borrow().get(&r).cloned());
            let v = match known {
                Some(v) => v,
                None => {
                    let evaluated = if same_model {
                        match &req.logic {
                            Ok(l) => logic::evaluate(
                                l,
                                &Env::new(self, run.data, &vars, &req.id, req.file, run.depth),
                            )
                            .map(|r| typed(req, r)),
                            Err(reason) => Err(DmnError::Invalid {
                                decision: req.id.clone(),
                                reason: reason.clone(),
                            }),
                        }
                    } else {
                        self.run(r, run)
                    };
                    let (v, _) = evaluated.map_err(|e| DmnError::Required {
                        decision: d.id.clone(),
                        required: req.id.clone(),
                        source: Box::new(e),
                    })?;
                    run.cache.borrow_mut().insert(r, v.clone());
                    v
                }
            };
            let name = if same_model {
                Some(req.variable.clone())
            } else {
                imports
                    .iter()
                    .find(|(_, ns)| ns == req_ns)
                    .map(|(prefix, _)| format!("{prefix}.{}", req.variable))
            };
            if let Some(name) = name {
                vars.push((name, v));
            }
        }
        let env = Env::new(self, run.data, &vars, &d.id, d.file, run.depth);
        logic::evaluate(logic, &env).map(|r| typed(d, r))
    }

    /// The value of decision `i` in this run: given (a decision service's
    /// input decision), already computed, or evaluated now.
    fn value_of(&self, i: usize, run: &Run<'_>) -> Result<Value, DmnError> {
        if let Some((_, v)) = run.decided.iter().find(|(d, _)| *d == i) {
            return Ok(v.clone());
        }
        if let Some(v) = run.cache.borrow().get(&i) {
            return Ok(v.clone());
        }
        let (v, _) = self.run(i, run)?;
        run.cache.borrow_mut().insert(i, v.clone());
        Ok(v)
    }

    /// The input values as an expression of file `file` names them: those
    /// of its own model (or of no stated model) plainly, those of a model
    /// it imports with the import's name as prefix.
    fn inputs_seen_from(&self, file: u32, inputs: &[Input]) -> Vec<(String, Value)> {
        let (own, imports) = self.knowledge.imports_of(file);
        inputs
            .iter()
            .filter_map(|(name, ns, v)| match ns.as_deref() {
                None => Some((name.clone(), v.clone())),
                Some(ns) if ns == own => Some((name.clone(), v.clone())),
                Some(ns) => imports
                    .iter()
                    .find(|(_, i)| i == ns)
                    .map(|(prefix, _)| (format!("{prefix}.{name}"), v.clone())),
            })
            .collect()
    }

    /// Invokes decision service `i` with its parameters in order (input
    /// data, then input decisions): the output decisions' value (one), or
    /// a context of them by name (several).
    pub(crate) fn invoke_service(
        &self,
        i: usize,
        args: &[Value],
        depth: u32,
    ) -> Result<Value, DmnError> {
        let Some((_, s)) = self.knowledge.service_at(i) else {
            return Ok(Value::Null);
        };
        let fail = |message: String| DmnError::Expression {
            decision: s.name.clone(),
            at: format!("decision service `{}`", s.name),
            message,
        };
        if depth >= MAX_DEPTH {
            return Err(fail(format!(
                "in decision service `{}`: invoked more than {MAX_DEPTH} levels deep; does it invoke itself?",
                s.name
            )));
        }
        if args.len() != s.parameters.len() {
            return Err(fail(format!(
                "in decision service `{}`: it takes {} argument(s) ({}), {} given",
                s.name,
                s.parameters.len(),
                s.parameters.join(", "),
                args.len()
            )));
        }
        // Called as a function, its parameters are typed: an argument that
        // does not conform makes the call null, and the service does not
        // run (DMN 1.5 §10.4: a function invocation with an argument of
        // the wrong type is an error).
        let types = s.input_data.iter().map(|n| self.input_types.get(n)).chain(
            s.input_decisions
                .iter()
                .map(|&d| self.decisions[d].output_type.as_ref()),
        );
        let mut named: Vec<(&str, Value)> = Vec::with_capacity(args.len());
        for ((p, v), t) in s.parameters.iter().zip(args).zip(types) {
            let v = match t {
                Some(t) => match t.coerce(v.clone()) {
                    Some(c) => c,
                    None => return Ok(Value::Null),
                },
                None => v.clone(),
            };
            named.push((p.as_str(), v));
        }
        let outputs = self.run_service(i, &named, depth)?;
        Ok(match outputs.as_slice() {
            [(_, one)] => one.clone(),
            _ => Value::Context(Arc::new(outputs)),
        })
    }

    /// Runs decision service `i` with parameters given by name (missing
    /// ones are null); each output decision's variable and value.
    pub(crate) fn run_service(
        &self,
        i: usize,
        params: &[(&str, Value)],
        depth: u32,
    ) -> Result<Vec<(String, Value)>, DmnError> {
        let Some((_, s)) = self.knowledge.service_at(i) else {
            return Ok(Vec::new());
        };
        if let Some(reason) = &s.broken {
            return Err(DmnError::Invalid {
                decision: s.name.clone(),
                reason: format!("{reason} ({LOAD_ERRORS})"),
            });
        }
        let param = |name: &str| {
            params
                .iter()
                .find(|(p, _)| *p == name)
                .map_or(Value::Null, |(_, v)| v.clone())
        };
        let ns = self.knowledge.imports_of(s.file).0.to_string();
        // Parameters meet the declared types of the input data and input
        // decisions they stand for: a value that does not conform is null.
        let run = Run {
            data: crate::dmn::feel::empty_data(),
            inputs: s
                .input_data
                .iter()
                .map(|n| {
                    (
                        n.clone(),
                        Some(ns.clone()),
                        conform(self.input_types.get(n), param(n)),
                    )
                })
                .collect(),
            decided: s
                .input_decisions
                .iter()
                .map(|&d| {
                    let d_ = &self.decisions[d];
                    (d, conform(d_.output_type.as_ref(), param(&d_.variable)))
                })
                .collect(),
            depth,
            cache: RefCell::new(HashMap::new()),
        };
        let outputs = s
            .outputs
            .iter()
            .map(|&o| {
                self.value_of(o, &run)
                    .map(|v| (self.decisions[o].variable.clone(), v))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(match (&s.output_type, outputs.as_slice()) {
            (None, _) => outputs,
            (Some(t), [(name, one)]) => vec![(name.clone(), conform(Some(t), one.clone()))],
            // Several outputs form a context, which must conform as a whole.
            (Some(t), _) => match t.coerce(Value::Context(Arc::new(outputs.clone()))) {
                Some(Value::Context(c)) => c.to_vec(),
                _ => outputs.into_iter().map(|(n, _)| (n, Value::Null)).collect(),
            },
        })
    }

    /// The decision service named `name`: its index and parameter names.
    pub(crate) fn service(&self, name: &str) -> Option<(usize, Vec<String>)> {
        self.knowledge
            .service(name)
            .map(|(i, s)| (i, s.parameters.clone()))
    }

    pub(crate) fn engine(&self) -> &ScriptEngine {
        &self.engine
    }

    pub(crate) fn knowledge(&self) -> &Knowledge {
        &self.knowledge
    }
}

/// What `<reason>` of a decision that did not load ends with: a test
/// expecting an error tells such a failure from an evaluation error by it.
pub(crate) const LOAD_ERRORS: &str = "load errors (see the diagnostics)";

/// An input value: name, the namespace of its model (`None`: any) and
/// value.
pub(crate) type Input = (String, Option<String>, Value);

/// One evaluation: the inputs, the decisions whose values are given, and
/// the decisions already evaluated (each is evaluated once).
struct Run<'a> {
    data: &'a Data,
    inputs: Vec<Input>,
    decided: Vec<(usize, Value)>,
    depth: u32,
    cache: RefCell<HashMap<usize, Value>>,
}

/// `v` coerced to the declared type `t`, when there is one (null when it
/// does not conform).
pub(crate) fn conform(t: Option<&super::feel::FeelType>, v: Value) -> Value {
    match t {
        Some(t) => t.coerce(v).unwrap_or(Value::Null),
        None => v,
    }
}

/// A decision's value coerced to its `typeRef` (null when it does not
/// conform), with the rules that matched.
fn typed(d: &CDecision, (v, matched): (Value, Vec<usize>)) -> (Value, Vec<usize>) {
    match &d.output_type {
        Some(t) => (t.coerce(v).unwrap_or(Value::Null), matched),
        None => (v, matched),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared<T: Send + Sync>() {}

    #[test]
    fn results_are_coerced_to_their_declared_type() {
        let xml = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
          <itemDefinition name="tSmall"><typeRef>number</typeRef>
            <allowedValues><text>[0..9]</text></allowedValues></itemDefinition>
          <decision id="one" name="one"><variable name="one" typeRef="number"/>
            <literalExpression><text>[7]</text></literalExpression></decision>
          <decision id="wrong" name="wrong"><variable name="wrong" typeRef="string"/>
            <literalExpression><text>7</text></literalExpression></decision>
          <decision id="big" name="big"><variable name="big" typeRef="tSmall"/>
            <literalExpression><text>70</text></literalExpression></decision>
          <decision id="small" name="small"><variable name="small" typeRef="tSmall"/>
            <literalExpression><text>7</text></literalExpression></decision>
          <inputData id="i_age" name="age"><variable name="age" typeRef="number"/></inputData>
          <businessKnowledgeModel id="k" name="twice"><encapsulatedLogic>
            <formalParameter name="n" typeRef="number"/>
            <literalExpression><text>n * 2</text></literalExpression></encapsulatedLogic>
          </businessKnowledgeModel>
          <decision id="call_ok" name="call_ok"><literalExpression><text>twice([4])</text></literalExpression></decision>
          <decision id="call_bad" name="call_bad"><literalExpression><text>twice("4") = null</text></literalExpression></decision>
          <decision id="echo" name="echo"><literalExpression><text>age</text></literalExpression></decision>
        </definitions>"#;
        let d = Decisions::from_sources(vec![("t.dmn".into(), xml.as_bytes().to_vec())]);
        assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
        let value = |id: &str| d.evaluate(id, &Data::new()).unwrap().value();
        // A list of one becomes its item; what does not conform, null.
        assert_eq!(value("one"), serde_json::json!(7));
        assert_eq!(value("wrong"), serde_json::Value::Null);
        assert_eq!(value("big"), serde_json::Value::Null);
        assert_eq!(value("small"), serde_json::json!(7));
        // Inputs are coerced to their declared type too.
        let echo = |v: Value| {
            d.evaluate_with("echo", &Data::new(), vec![("age".into(), v)])
                .unwrap()
                .value()
        };
        let one = Value::List(std::sync::Arc::new(vec![Value::Number(
            crate::dmn::number::Number::from_f64(5.0).unwrap(),
        )]));
        assert_eq!(echo(one), serde_json::json!(5));
        assert_eq!(echo(Value::string("5")), serde_json::Value::Null);
        // So are a knowledge model's arguments; one of another type makes
        // the call null.
        assert_eq!(value("call_ok"), serde_json::json!(8));
        assert_eq!(value("call_bad"), serde_json::json!(true));
    }

    #[test]
    fn knowledge_model_and_service_results_meet_their_declared_types() {
        let xml = r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
          <itemDefinition name="tGreeter"><functionItem outputTypeRef="string"/></itemDefinition>
          <businessKnowledgeModel id="k" name="wrap"><encapsulatedLogic>
            <formalParameter name="x"/>
            <literalExpression typeRef="number"><text>[x]</text></literalExpression></encapsulatedLogic>
          </businessKnowledgeModel>
          <businessKnowledgeModel id="k2" name="same"><variable name="same" typeRef="tGreeter"/>
            <encapsulatedLogic><formalParameter name="x"/>
            <literalExpression><text>x</text></literalExpression></encapsulatedLogic>
          </businessKnowledgeModel>
          <decision id="w_num" name="w_num"><literalExpression><text>wrap(3)</text></literalExpression></decision>
          <decision id="w_str" name="w_str"><literalExpression><text>wrap("a") = null</text></literalExpression></decision>
          <decision id="s_str" name="s_str"><literalExpression><text>same("a")</text></literalExpression></decision>
          <decision id="s_num" name="s_num"><literalExpression><text>same(1) = null</text></literalExpression></decision>
          <inputData id="i_name" name="name"><variable name="name" typeRef="string"/></inputData>
          <decision id="echo" name="echo">
            <informationRequirement><requiredInput href="#i_name"/></informationRequirement>
            <literalExpression><text>name</text></literalExpression></decision>
          <decision id="len" name="len"><variable name="len" typeRef="number"/>
            <literalExpression><text>1</text></literalExpression></decision>
          <decision id="len2" name="len2">
            <informationRequirement><requiredDecision href="#len"/></informationRequirement>
            <literalExpression><text>len * 2</text></literalExpression></decision>
          <decisionService id="svc" name="svc"><variable name="svc" typeRef="tGreeter"/>
            <outputDecision href="#echo"/><inputData href="#i_name"/></decisionService>
          <decisionService id="svc2" name="svc2">
            <outputDecision href="#len2"/><inputDecision href="#len"/></decisionService>
          <decision id="no_len" name="no_len">
            <informationRequirement><requiredDecision href="#len"/></informationRequirement>
            <literalExpression><text>len = null</text></literalExpression></decision>
          <decisionService id="svc3" name="svc3">
            <outputDecision href="#no_len"/><inputDecision href="#len"/></decisionService>
          <decision id="c_typed" name="c_typed"><literalExpression><text>[svc3(null), svc3("x")]</text></literalExpression></decision>
          <decision id="c_list" name="c_list"><literalExpression><text>svc(["Bo"])</text></literalExpression></decision>
          <decision id="c_num" name="c_num"><literalExpression><text>svc(5) = null</text></literalExpression></decision>
          <decision id="c_dec" name="c_dec"><literalExpression><text>[svc2(4), svc2("4")]</text></literalExpression></decision>
        </definitions>"##;
        let d = Decisions::from_sources(vec![("t.dmn".into(), xml.as_bytes().to_vec())]);
        assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
        let value = |id: &str| d.evaluate(id, &Data::new()).unwrap().value();
        // The body's typeRef: a list of one becomes its item, else null.
        assert_eq!(value("w_num"), serde_json::json!(3));
        assert_eq!(value("w_str"), serde_json::json!(true));
        // The variable's function type: its result type counts.
        assert_eq!(value("s_str"), serde_json::json!("a"));
        assert_eq!(value("s_num"), serde_json::json!(true));
        // A service's parameters meet the types of the input data and
        // input decisions they stand for, its result its output type.
        assert_eq!(value("c_list"), serde_json::json!("Bo"));
        assert_eq!(value("c_num"), serde_json::json!(true));
        assert_eq!(value("c_dec"), serde_json::json!([8, null]));
        // Called from FEEL, an argument of the wrong type stops the call:
        // the service does not run with null in its place.
        assert_eq!(value("c_typed"), serde_json::json!([true, null]));
    }

    #[test]
    fn function_definitions_are_values() {
        let xml = r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
          <decision id="lib" name="lib"><context>
            <contextEntry><variable name="k"/><literalExpression><text>10</text></literalExpression></contextEntry>
            <contextEntry><variable name="scale"/><functionDefinition>
              <formalParameter name="n" typeRef="number"/><formalParameter name="m"/>
              <literalExpression><text>n * k + m</text></literalExpression></functionDefinition></contextEntry>
          </context></decision>
          <decision id="use" name="use">
            <informationRequirement><requiredDecision href="#lib"/></informationRequirement>
            <literalExpression><text>[lib.scale(2, 1), lib.scale(m: 3, n: 1), lib.scale("2", 1)]</text></literalExpression></decision>
          <businessKnowledgeModel id="k" name="adder"><encapsulatedLogic>
            <formalParameter name="a" typeRef="number"/>
            <functionDefinition><formalParameter name="b"/>
              <functionDefinition><formalParameter name="c"/>
                <literalExpression><text>a + b + c</text></literalExpression></functionDefinition>
            </functionDefinition></encapsulatedLogic>
          </businessKnowledgeModel>
          <decision id="curry" name="curry"><literalExpression><text>adder(1)(20)(300)</text></literalExpression></decision>
          <itemDefinition name="tInc"><functionItem outputTypeRef="number"><parameters name="x" typeRef="number"/></functionItem></itemDefinition>
          <itemDefinition name="tMaker"><functionItem outputTypeRef="tInc"/></itemDefinition>
          <businessKnowledgeModel id="m" name="maker"><variable name="maker" typeRef="tMaker"/>
            <encapsulatedLogic><functionDefinition typeRef="tInc"><formalParameter name="x"/>
              <literalExpression><text>x + 1</text></literalExpression></functionDefinition>
            </encapsulatedLogic></businessKnowledgeModel>
          <decision id="made" name="made"><literalExpression><text>maker()(4)</text></literalExpression></decision>
          <decision id="fd" name="fd"><functionDefinition><formalParameter name="x"/>
            <literalExpression><text>x * x</text></literalExpression></functionDefinition></decision>
          <decision id="call_fd" name="call_fd">
            <informationRequirement><requiredDecision href="#fd"/></informationRequirement>
            <literalExpression><text>fd(7)</text></literalExpression></decision>
        </definitions>"##;
        let d = Decisions::from_sources(vec![("t.dmn".into(), xml.as_bytes().to_vec())]);
        assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
        let value = |id: &str| d.evaluate(id, &Data::new()).unwrap().value();
        // A context's function entry is a value of the context: called
        // from outside, by position or by name, it still sees `k`; an
        // argument not of its parameter's type makes the call null.
        assert_eq!(value("use"), serde_json::json!([21, 13, null]));
        // Nested definitions close over the outer parameters.
        assert_eq!(value("curry"), serde_json::json!(321));
        // A body's typeRef types the result as it is (here a function),
        // the model's variable by its function type's result type.
        assert_eq!(value("made"), serde_json::json!(5));
        // A decision whose logic is a function definition gives a function.
        assert_eq!(value("call_fd"), serde_json::json!(49));
    }

    #[test]
    fn names_with_a_dot_before_a_digit_are_names() {
        let xml = r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">
          <decision id="a" name="decision A 2.1"><literalExpression><text>2</text></literalExpression></decision>
          <decision id="b" name="b">
            <informationRequirement><requiredDecision href="#a"/></informationRequirement>
            <literalExpression><text>decision A 2.1 * 10</text></literalExpression></decision>
        </definitions>"##;
        let d = Decisions::from_sources(vec![("t.dmn".into(), xml.as_bytes().to_vec())]);
        assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
        let got = d.evaluate("b", &Data::new()).unwrap().value();
        assert_eq!(got, serde_json::json!(20));
    }

    #[test]
    fn decisions_can_be_shared_between_threads() {
        // The BPMN runtime keeps one Decisions behind an Arc.
        shared::<Decisions>();
    }
}
