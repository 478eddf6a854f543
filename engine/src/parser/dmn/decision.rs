//! A DMN file: `definitions` with its imports, decisions, business
//! knowledge models, decision services and input data.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::file_cx::FileCx;
use super::{DMN_NS, LoadedDmn, document, item_definition, logic};
use crate::model::SourceFile;
use crate::model::dmn::{
    Decision, DecisionLogic, DecisionService, Definitions, FunctionKind, Import, InputData,
    KnowledgeModel, Requirement,
};
use crate::parser::xml::Element;

/// What [`DecisionLogic::Unsupported`] holds for a decision without logic.
pub(crate) const NO_LOGIC: &str = "no logic";

/// Parses one file into `loaded`.
pub(crate) fn parse_file(loaded: &mut LoadedDmn, path: PathBuf, bytes: &[u8]) {
    let doc = match document::parse(&path, bytes, "DMN XML") {
        Ok(d) => d,
        Err(d) => {
            loaded.diagnostics.push(*d);
            return;
        }
    };
    let root = &doc.root;
    if !root.is_in(DMN_NS, "definitions") {
        let (line, col) = doc.lines.line_col(doc.text, root.offset);
        let mut d = document::file_error(
            &path,
            line,
            col,
            format!(
                "not a DMN file: the root element is `{}` in namespace `{}`, expected `definitions` in a DMN 1.1–1.5 namespace such as {}",
                root.local,
                root.ns.as_deref().unwrap_or("(none)"),
                DMN_NS[8]
            ),
            "DMN XML",
        );
        d.help = Some("load a DMN file exported by a DMN modeler".into());
        loaded.diagnostics.push(d);
        return;
    }
    let file = loaded.model.files.len() as u32;
    let text: Arc<str> = Arc::from(doc.text);
    loaded.model.files.push(SourceFile {
        path: path.clone(),
        text: text.clone(),
        dialect: None,
        spiff_extensions: false,
    });
    let mut cx = FileCx {
        diagnostics: &mut loaded.diagnostics,
        file,
        path,
        text,
        lines: doc.lines,
        default_language: root.attr("expressionLanguage").map(str::to_string),
        python_types: root
            .attr("typeLanguage")
            .is_some_and(|t| t.to_ascii_lowercase().contains("python")),
        decision: None,
        warned_languages: HashSet::new(),
    };
    let mut definitions = Definitions {
        namespace: root
            .attr("namespace")
            .unwrap_or_default()
            .trim()
            .to_string(),
        name: root.attr("name").unwrap_or_default().to_string(),
        imports: Vec::new(),
    };
    for child in root.children_in(DMN_NS) {
        match child.local.as_str() {
            "import" => match (child.attr("namespace"), child.attr("name")) {
                (Some(ns), Some(name)) => definitions.imports.push(Import {
                    namespace: ns.trim().to_string(),
                    name: name.trim().to_string(),
                    location: child.attr("locationURI").map(str::to_string),
                    pos: cx.pos(child.offset),
                }),
                _ => cx.error(
                    child.offset,
                    child.attr("id"),
                    "import without namespace or name".into(),
                    "give the import the imported model's namespace and the name its elements are prefixed with",
                ),
            },
            "decisionService" => {
                if let Some(s) = parse_service(&mut cx, child) {
                    loaded.model.decision_services.push(s);
                }
            }
            "decision" => {
                if let Some(d) = parse_decision(&mut cx, child) {
                    loaded.model.decisions.push(d);
                }
            }
            "businessKnowledgeModel" => {
                if let Some(k) = parse_knowledge_model(&mut cx, child) {
                    loaded.model.knowledge_models.push(k);
                }
            }
            "itemDefinition" => {
                let def = item_definition::parse(child);
                loaded.model.item_definitions.push(def);
            }
            "inputData" => {
                let id = child.attr("id").unwrap_or_default().to_string();
                let variable = FileCx::child(child, "variable");
                loaded.model.input_data.push(InputData {
                    name: child
                        .attr("name")
                        .or_else(|| variable.and_then(|v| v.attr("name")))
                        .unwrap_or(&id)
                        .to_string(),
                    type_ref: variable.and_then(|v| v.attr("typeRef")).map(str::to_string),
                    id,
                    pos: cx.pos(child.offset),
                });
            }
            _ => {}
        }
    }
    loaded.model.definitions.push(definitions);
}

/// An `href` (`#id`, or `namespace#id` for an element of another model).
pub(crate) fn reference(cx: &mut FileCx<'_>, el: &Element, owner: &str) -> Option<Requirement> {
    let Some(href) = el.attr("href") else {
        cx.error(
            el.offset,
            Some(owner),
            format!("<{}> has no href", el.local),
            "set href=\"#<id>\" (or \"<namespace>#<id>\" for an imported model's element)",
        );
        return None;
    };
    let (ns, id) = href.rsplit_once('#').unwrap_or(("", href));
    Some(Requirement {
        id: id.trim().to_string(),
        namespace: Some(ns.trim())
            .filter(|n| !n.is_empty())
            .map(str::to_string),
        pos: cx.pos(el.offset),
    })
}

fn parse_service(cx: &mut FileCx<'_>, el: &Element) -> Option<DecisionService> {
    let name = el
        .attr("name")
        .or_else(|| FileCx::child(el, "variable").and_then(|v| v.attr("name")))
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let Some(name) = name.map(str::to_string) else {
        cx.error(
            el.offset,
            el.attr("id"),
            "decision service has no name".into(),
            "add a name: it is invoked by name",
        );
        return None;
    };
    let id = el.attr("id").unwrap_or(&name).to_string();
    cx.decision = Some(id.clone());
    let mut refs = |local: &str| -> Vec<Requirement> {
        FileCx::children(el, local)
            .filter_map(|r| reference(cx, r, &id))
            .collect()
    };
    let outputs = refs("outputDecision");
    let encapsulated = refs("encapsulatedDecision");
    let input_decisions = refs("inputDecision");
    let input_data = refs("inputData");
    if outputs.is_empty() {
        cx.error(
            el.offset,
            Some(&id),
            format!("decision service `{name}` has no output decision"),
            "add <outputDecision href=\"#<decision id>\"/>",
        );
    }
    cx.decision = None;
    Some(DecisionService {
        id,
        name,
        outputs,
        encapsulated,
        input_decisions,
        input_data,
        type_ref: FileCx::child(el, "variable")
            .and_then(|v| v.attr("typeRef"))
            .map(str::to_string),
        pos: cx.pos(el.offset),
    })
}

fn parse_decision(cx: &mut FileCx<'_>, el: &Element) -> Option<Decision> {
    // A decision without an id is called (and required) by its name.
    let Some(id) = el
        .attr("id")
        .or_else(|| el.attr("name"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    else {
        cx.error(
            el.offset,
            None,
            "decision has neither id nor name".into(),
            "add an id attribute: decisions are called by id",
        );
        return None;
    };
    let id = id.to_string();
    cx.decision = Some(id.clone());
    let name = el.attr("name").unwrap_or(&id).to_string();
    let variable_el = FileCx::child(el, "variable");
    let variable = variable_el
        .and_then(|v| v.attr("name"))
        .unwrap_or(&name)
        .to_string();
    let type_ref = variable_el
        .and_then(|v| v.attr("typeRef"))
        .map(str::to_string);
    let mut requires = Vec::new();
    for req in FileCx::children(el, "informationRequirement") {
        for rd in FileCx::children(req, "requiredDecision") {
            requires.extend(reference(cx, rd, &id));
        }
    }
    let logic = match logic::find(el) {
        Some(l) => logic::parse(cx, l, &id, &variable),
        // Allowed: a decision service may give its value as an input
        // decision. Evaluating it otherwise is an error.
        None => {
            cx.warn(
                el.offset,
                Some(&id),
                format!("decision `{name}` has no logic: it can only be given as a decision service's input decision"),
                "add a decision table, literal expression or other boxed expression",
            );
            DecisionLogic::Unsupported(NO_LOGIC.into())
        }
    };
    let pos = cx.pos(el.offset);
    cx.decision = None;
    Some(Decision {
        id,
        name,
        variable,
        requires,
        logic,
        type_ref,
        pos,
    })
}

fn parse_knowledge_model(cx: &mut FileCx<'_>, el: &Element) -> Option<KnowledgeModel> {
    let id = el.attr("id").unwrap_or_default().to_string();
    let name = FileCx::child(el, "variable")
        .and_then(|v| v.attr("name"))
        .or_else(|| el.attr("name"))
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let Some(name) = name.map(str::to_string) else {
        cx.error(
            el.offset,
            Some(&id),
            "business knowledge model has no name".into(),
            "add a name: it is invoked by name",
        );
        return None;
    };
    // Problems inside a knowledge model are attributed to it, like a decision's.
    cx.decision = Some(if id.is_empty() {
        name.clone()
    } else {
        id.clone()
    });
    let logic_holder = FileCx::child(el, "encapsulatedLogic");
    if let Some(l) = logic_holder {
        refuse_external(cx, l, &id, &format!("business knowledge model `{name}`"));
    }
    let (parameters, parameter_types): (Vec<String>, Vec<Option<String>>) = logic_holder
        .map(|l| {
            FileCx::children(l, "formalParameter")
                .filter_map(|p| {
                    let name = p.attr("name")?.to_string();
                    Some((name, p.attr("typeRef").map(str::to_string)))
                })
                .unzip()
        })
        .unwrap_or_default();
    // The declared types: the body expression's is the result's; the
    // encapsulated logic's and the variable's are the model's own.
    let type_ref = |e: Option<&Element>| e.and_then(|e| e.attr("typeRef")).map(str::to_string);
    let body_type = type_ref(logic_holder.and_then(logic::find));
    let function_types = [
        type_ref(logic_holder),
        type_ref(FileCx::child(el, "variable")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let body = match logic_holder.and_then(logic::find) {
        Some(l) => logic::parse(cx, l, &id, &name),
        None => {
            cx.error(
                el.offset,
                Some(&id),
                "business knowledge model has no logic".into(),
                "add <encapsulatedLogic> with a decision table or literal expression",
            );
            DecisionLogic::Unsupported("nothing".into())
        }
    };
    let pos = cx.pos(el.offset);
    cx.decision = None;
    Some(KnowledgeModel {
        id,
        name,
        parameters,
        parameter_types,
        body_type,
        function_types,
        body,
        pos,
    })
}

/// The `kind` of a function definition (or encapsulated logic); an
/// external kind (Java, PMML) is reported, naming `what`.
pub(crate) fn refuse_external(
    cx: &mut FileCx<'_>,
    el: &Element,
    owner: &str,
    what: &str,
) -> FunctionKind {
    let kind = match el.attr("kind").map(|k| k.trim().to_ascii_uppercase()) {
        Some(k) if k == "JAVA" => FunctionKind::Java,
        Some(k) if k == "PMML" => FunctionKind::Pmml,
        _ => FunctionKind::Feel,
    };
    if kind != FunctionKind::Feel {
        let k = if kind == FunctionKind::Java {
            "Java"
        } else {
            "PMML"
        };
        cx.error(
            el.offset,
            el.attr("id").or(Some(owner)),
            format!("{what}: kind=\"{k}\" functions (external {k}) are not supported"),
            "write the function's body as a FEEL boxed expression (kind=\"FEEL\")",
        );
    }
    kind
}
