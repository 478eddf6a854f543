//! BPMN XML → model: definitions, processes, collaborations, and the walk
//! over the flow elements of a process or subprocess body, which hands each
//! element to the parser of its family — `activities.rs`, `gateways.rs`,
//! `events.rs`, `subprocesses.rs`, `flows.rs`, `data_spec.rs` — and
//! attaches what every node carries (extensions, pre- and post-scripts,
//! loop characteristics, lane, documentation, data associations).
//! `diagram.rs` then reads the file's BPMN DI (where each element is
//! drawn), and [`super::validate`] checks what spans elements and files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::context::{FileCx, qname_local};
use super::dialect::{DialectRules, LoadOptions};
use super::event_definitions::FileDefs;
use super::extensions::{self, SPIFF_NS};
use super::lanes::lane_map;
use super::pending::{PendingKind, unsupported};
use super::xml::{self, Element, LineIndex};
use super::{BPMN_NS, Loaded};
use super::{activities, data_spec, diagram, events, flows, gateways, looping, subprocesses};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Collaboration, ExprKind, Graph, GraphIdx, Node, NodeIdx, NodeKind, NodeRef, Participant,
    ProcessSpec, SourceFile,
};

fn file_error(loaded: &mut Loaded, path: &std::path::Path, line: u32, col: u32, message: String) {
    loaded.diagnostics.push(Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line,
        col,
        element: None,
        process: None,
        message,
        help: Some("fix the file so it is well-formed BPMN 2.0 XML (UTF-8)".into()),
    });
}

/// Parses one file into `loaded`.
pub fn parse_file(loaded: &mut Loaded, path: PathBuf, bytes: &[u8], options: &LoadOptions) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            // Safe: `good` is the valid prefix reported by from_utf8.
            let good = std::str::from_utf8(good).unwrap_or_default();
            let (line, col) = LineIndex::new(good).line_col(good, good.len());
            file_error(
                loaded,
                &path,
                line,
                col,
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02X})",
                    bytes[e.valid_up_to()]
                ),
            );
            return;
        }
    };
    let lines = LineIndex::new(text);
    let root = match xml::parse(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, col) = lines.line_col(text, e.offset);
            file_error(
                loaded,
                &path,
                line,
                col,
                format!("malformed XML: {}", e.message),
            );
            return;
        }
    };
    if !root.is_in(BPMN_NS, "definitions") {
        let (line, col) = lines.line_col(text, root.offset);
        file_error(
            loaded,
            &path,
            line,
            col,
            format!(
                "not a BPMN 2.0 file: the root element is `{}` in namespace `{}`, expected `definitions` in {}",
                root.local,
                root.ns.as_deref().unwrap_or("(none)"),
                BPMN_NS[0]
            ),
        );
        return;
    }
    let file = loaded.model.files.len() as u32;
    let dialects = DialectRules::for_file(&root, options);
    let text: Arc<str> = Arc::from(text);
    loaded.model.files.push(SourceFile {
        path: path.clone(),
        text: text.clone(),
        dialect: dialects.file_dialect(),
        spiff_extensions: uses_spiff_extensions(&root),
    });
    let mut ids = std::collections::HashSet::new();
    data_spec::collect_ids(&root, &mut ids);
    let mut cx = FileCx {
        loaded,
        file,
        path,
        text,
        lines,
        process: None,
        severity: Severity::Error,
        dialects,
        ids,
    };
    let defs = FileDefs::collect(&root);
    for child in root.children_in(BPMN_NS) {
        match child.local.as_str() {
            "process" => parse_process(&mut cx, &defs, child),
            "collaboration" => parse_collaboration(&mut cx, child),
            _ => {}
        }
    }
    diagram::parse(&mut cx, &root);
}

/// True when an element or attribute anywhere in the file is in the
/// SpiffWorkflow extension namespace (a declaration alone does not count:
/// Camunda Modeler templates declare namespaces they never use).
fn uses_spiff_extensions(root: &Element) -> bool {
    let mut stack = vec![root];
    while let Some(el) = stack.pop() {
        if el.ns.as_deref() == Some(SPIFF_NS)
            || el.attrs.iter().any(|a| a.ns.as_deref() == Some(SPIFF_NS))
        {
            return true;
        }
        stack.extend(el.children.iter());
    }
    false
}

fn parse_collaboration(cx: &mut FileCx<'_>, el: &Element) {
    let participants = el
        .children_in(BPMN_NS)
        .filter(|c| c.local == "participant")
        .map(|p| Participant {
            id: p.attr("id").unwrap_or_default().to_string(),
            name: p.attr("name").map(str::to_string),
            process_ref: p.attr("processRef").map(qname_local),
        })
        .collect();
    cx.loaded.model.collaborations.push(Collaboration {
        id: el.attr("id").unwrap_or_default().to_string(),
        name: el.attr("name").map(str::to_string),
        participants,
        file: cx.file,
    });
}

fn parse_process(cx: &mut FileCx<'_>, defs: &FileDefs, el: &Element) {
    let id = el.attr("id").unwrap_or_default().to_string();
    // BPMN leaves isExecutable optional; like SpiffWorkflow we run a process
    // unless it says `false`.
    let executable = el.attr("isExecutable").map(str::trim) != Some("false");
    cx.process = Some(id.clone());
    cx.severity = if executable {
        Severity::Error
    } else {
        Severity::Warning
    };
    if id.is_empty() {
        cx.report(
            el.offset,
            None,
            "process has no id".into(),
            Some("add an id attribute"),
        );
    }
    let lanes = lane_map(el);
    let graph = parse_graph(cx, defs, el, &id, None, &lanes, None);
    let g = cx.loaded.model.graph(graph);
    if g.starts.is_empty() && g.trigger_starts.is_empty() {
        {
            cx.report(
                el.offset,
                Some(&id),
                "no start event".into(),
                Some("add a startEvent connected to the first task"),
            );
        }
    }
    cx.loaded.model.processes.push(ProcessSpec {
        id,
        name: el.attr("name").map(str::to_string),
        executable,
        graph,
        file: cx.file,
        pos: cx.pos(el.offset),
    });
    cx.process = None;
    cx.severity = Severity::Error;
}

/// Parses the flow elements and sequence flows directly inside `container`
/// (a process or subprocess) into a new graph and returns its index.
fn parse_graph(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    container: &Element,
    id: &str,
    parent: Option<NodeRef>,
    lanes: &HashMap<String, String>,
    inherited_lane: Option<&str>,
) -> GraphIdx {
    let gidx = GraphIdx(cx.loaded.model.graphs.len() as u32);
    let io = match parent {
        None => data_spec::io_spec(cx, container, id),
        Some(_) => None,
    };
    data_spec::check_references(cx, container, &defs.data_refs);
    cx.loaded.model.graphs.push(Graph {
        id: id.to_string(),
        nodes: Vec::new(),
        flows: Vec::new(),
        starts: Vec::new(),
        implicit_start: false,
        trigger_starts: Vec::new(),
        event_subprocesses: Vec::new(),
        links: Vec::new(),
        io,
        data_objects: data_spec::data_objects(container),
        parent,
        or_join_reach: Vec::new(),
        or_join_watch: Vec::new(),
    });
    let mut nodes: Vec<Node> = Vec::new();
    let mut index: HashMap<String, NodeIdx> = HashMap::new();
    let mut defaults: Vec<(NodeIdx, String, usize)> = Vec::new();
    // Subprocess bodies are parsed after this graph's nodes exist so their
    // parent reference is right; remember them.
    let mut subprocesses: Vec<(NodeIdx, &Element)> = Vec::new();
    // Boundary events and what they are attached to, resolved once every
    // node has an index.
    let mut attachments: Vec<(NodeIdx, String, usize)> = Vec::new();

    for child in container.children_in(BPMN_NS) {
        let node_id = child.attr("id").unwrap_or_default().to_string();
        let Some(kind) = node_kind(cx, defs, child, &node_id) else {
            continue;
        };
        if node_id.is_empty() {
            cx.report(
                child.offset,
                None,
                format!("`{}` has no id", child.local),
                Some("add an id attribute"),
            );
            continue;
        }
        if index.contains_key(&node_id) {
            cx.report(
                child.offset,
                Some(&node_id),
                "duplicate element id".into(),
                Some("give each element a unique id"),
            );
            continue;
        }
        let idx = NodeIdx(nodes.len() as u32);
        let ext_container = child
            .children_in(BPMN_NS)
            .find(|c| c.local == "extensionElements");
        let read = extensions::read(child, ext_container);
        let pre_script = read.pre_script.map(|e| {
            let off = e.text_offset.unwrap_or(e.offset);
            cx.add_expr(e.text.clone(), ExprKind::Script, None, &node_id, off)
        });
        let post_script = read.post_script.map(|e| {
            let off = e.text_offset.unwrap_or(e.offset);
            cx.add_expr(e.text.clone(), ExprKind::Script, None, &node_id, off)
        });
        let looping = looping::parse(cx, child, &node_id);
        let kind = match kind {
            PendingKind::Ready(k) => k,
            PendingKind::Script(script) => activities::script_task(cx, child, script, &node_id),
            PendingKind::EventSub => {
                subprocesses.push((idx, child));
                subprocesses::placeholder(child, gidx, true)
            }
            PendingKind::SubProcess => {
                subprocesses.push((idx, child));
                // Placeholder until the body is parsed below.
                subprocesses::placeholder(child, gidx, false)
            }
        };
        if let Some(target) = events::attachment(&kind, child) {
            attachments.push((idx, target, child.offset));
        }
        if let Some(d) = child.attr("default") {
            defaults.push((idx, d.to_string(), child.offset));
        }
        events::register(&mut cx.loaded.model.graphs[gidx.0 as usize], idx, &kind);
        let documentation = child
            .children_in(BPMN_NS)
            .find(|c| c.local == "documentation")
            .map(|d| d.text.trim().to_string())
            .filter(|d| !d.is_empty());
        let lane = lanes
            .get(&node_id)
            .cloned()
            .or_else(|| inherited_lane.map(str::to_string));
        let data = data_spec::node_data(cx, child, &node_id, gidx, &defs.data_refs);
        index.insert(node_id.clone(), idx);
        nodes.push(Node {
            id: node_id,
            name: child.attr("name").map(str::to_string),
            kind,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            default_flow: None,
            lane,
            documentation,
            extensions: read.ext,
            pre_script,
            post_script,
            boundary: Vec::new(),
            compensation_handler: None,
            for_compensation: child.attr("isForCompensation") == Some("true"),
            looping,
            data,
            pos: cx.pos(child.offset),
        });
    }

    let flows = flows::sequence_flows(cx, container, id, &index, &mut nodes);
    flows::resolve_defaults(cx, &mut nodes, &flows, defaults);
    events::attach_boundaries(cx, id, &index, &mut nodes, attachments);
    events::link_compensation_handlers(container, &index, &mut nodes);
    {
        let g = &mut cx.loaded.model.graphs[gidx.0 as usize];
        g.event_subprocesses = subprocesses::event_subprocesses(&nodes);
        g.nodes = nodes;
        g.flows = flows;
    }

    for (idx, el) in subprocesses {
        let (sub_id, lane) = {
            let n = cx.loaded.model.graph(gidx).node(idx);
            (n.id.clone(), n.lane.clone())
        };
        let sub_lanes = {
            let mut m = lanes.clone();
            m.extend(lane_map(el));
            m
        };
        let body = parse_graph(
            cx,
            defs,
            el,
            &sub_id,
            Some(NodeRef {
                graph: gidx,
                node: idx,
            }),
            &sub_lanes,
            lane.as_deref(),
        );
        subprocesses::finish_body(cx, gidx, idx, el, &sub_id, body);
    }
    gidx
}

/// Classifies a child of a process or subprocess by its element name,
/// handing it to the parser of its family; `None` for elements that are
/// not flow nodes (flows, lanes, artifacts, data, extensions…).
fn node_kind<'a>(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    el: &'a Element,
    id: &str,
) -> Option<PendingKind<'a>> {
    let loops = el
        .children_in(BPMN_NS)
        .find(|c| {
            c.local == "multiInstanceLoopCharacteristics"
                || c.local == "standardLoopCharacteristics"
        })
        .map(|c| c.local.clone());
    let kind = match el.local.as_str() {
        "startEvent"
        | "endEvent"
        | "intermediateCatchEvent"
        | "intermediateThrowEvent"
        | "boundaryEvent" => events::kind(cx, defs, el, id),
        "task" | "userTask" | "manualTask" | "scriptTask" | "sendTask" | "receiveTask"
        | "serviceTask" | "businessRuleTask" | "callActivity" => activities::kind(cx, defs, el, id),
        "exclusiveGateway" | "parallelGateway" | "inclusiveGateway" | "eventBasedGateway"
        | "complexGateway" => gateways::kind(el),
        "subProcess" | "transaction" | "adHocSubProcess" => subprocesses::kind(el),
        _ => None,
    }?;
    Some(match (loops, kind) {
        (Some(l), PendingKind::Ready(NodeKind::Unsupported { element })) => {
            unsupported(format!("{element} with {l}"))
        }
        (Some(l), PendingKind::Ready(k)) if !k.is_activity() => {
            unsupported(format!("{} with {l}", el.local))
        }
        (_, k) => k,
    })
}
