//! BPMN XML → model: definitions, processes, collaborations, flow nodes,
//! sequence flows, subprocess bodies. Each flow element is parsed here, in
//! one place; [`super::validate`] then checks what spans elements and files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::context::{FileCx, qname_local};
use super::dialect::{DialectRules, LoadOptions};
use super::events::{self, FileDefs};
use super::extensions::{self, SPIFF_NS};
use super::lanes::lane_map;
use super::xml::{self, Element, LineIndex};
use super::{BPMN_NS, Loaded};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{
    Collaboration, EventNode, EventPosition, ExprKind, Flow, FlowIdx, Graph, GraphIdx, HumanKind,
    Node, NodeIdx, NodeKind, NodeRef, Participant, ProcessSpec, SourceFile,
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
    super::data_spec::collect_ids(&root, &mut ids);
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
        None => super::data_spec::io_spec(cx, container, id),
        Some(_) => None,
    };
    super::data_spec::check_references(cx, container, &defs.data_refs);
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
        data_objects: super::data_spec::data_objects(container),
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
        let looping = super::looping::parse(cx, child, &node_id);
        let kind = match kind {
            PendingKind::Ready(k) => k,
            PendingKind::Script(script) => match script {
                Some(s) => {
                    let off = s.text_offset.unwrap_or(s.offset);
                    NodeKind::ScriptTask {
                        script: cx.add_expr(
                            s.text.clone(),
                            ExprKind::Script,
                            child.attr("scriptFormat"),
                            &node_id,
                            off,
                        ),
                    }
                }
                None => {
                    cx.report(
                        child.offset,
                        Some(&node_id),
                        "script task has no script".into(),
                        Some("add a <script> element with the Rhai code to run"),
                    );
                    NodeKind::ScriptTask {
                        script: cx.add_expr(
                            String::new(),
                            ExprKind::Script,
                            None,
                            &node_id,
                            child.offset,
                        ),
                    }
                }
            },
            PendingKind::EventSub => {
                subprocesses.push((idx, child));
                NodeKind::EventSubProcess { graph: gidx }
            }
            PendingKind::SubProcess => {
                subprocesses.push((idx, child));
                // Placeholder until the body is parsed below.
                NodeKind::SubProcess {
                    graph: gidx,
                    transaction: child.local == "transaction",
                }
            }
        };
        if let NodeKind::Event(EventNode {
            position: EventPosition::Boundary { .. },
            ..
        }) = &kind
        {
            attachments.push((
                idx,
                child
                    .attr("attachedToRef")
                    .map(qname_local)
                    .unwrap_or_default(),
                child.offset,
            ));
        }
        if let Some(d) = child.attr("default") {
            defaults.push((idx, d.to_string(), child.offset));
        }
        if let NodeKind::Event(e) = &kind {
            let g = &mut cx.loaded.model.graphs[gidx.0 as usize];
            match e.position {
                EventPosition::Start { .. } if e.triggers.is_empty() => g.starts.push(idx),
                EventPosition::Start { .. } => g.trigger_starts.push(idx),
                EventPosition::Catch => {
                    if let Some(crate::model::Trigger::Link { name }) = e.triggers.first() {
                        g.links.push((name.clone(), idx));
                    }
                }
                _ => {}
            }
        }
        let documentation = child
            .children_in(BPMN_NS)
            .find(|c| c.local == "documentation")
            .map(|d| d.text.trim().to_string())
            .filter(|d| !d.is_empty());
        let lane = lanes
            .get(&node_id)
            .cloned()
            .or_else(|| inherited_lane.map(str::to_string));
        let data = super::data_spec::node_data(cx, child, &node_id, gidx, &defs.data_refs);
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

    let mut flows: Vec<Flow> = Vec::new();
    for child in container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "sequenceFlow")
    {
        let fid = child.attr("id").unwrap_or_default().to_string();
        let unset = ["sourceRef", "targetRef"]
            .into_iter()
            .filter(|a| child.attr(a).is_none_or(|r| r.trim().is_empty()))
            .collect::<Vec<_>>();
        if !unset.is_empty() {
            // Modelers leave such flows behind when an end is deleted;
            // SpiffWorkflow loads the file and never follows them.
            cx.warn(
                child.offset,
                Some(&fid),
                format!(
                    "sequence flow has no {}, so it is ignored",
                    unset.join(" and no ")
                ),
                Some("connect both ends of the flow, or delete it"),
            );
            continue;
        }
        let mut ends = [None, None];
        for (slot, attr) in ["sourceRef", "targetRef"].iter().enumerate() {
            match child.attr(attr) {
                None => {}
                Some(r) => match index.get(r.trim()) {
                    Some(&n) => ends[slot] = Some(n),
                    None => {
                        let r = r.trim().to_string();
                        cx.report(
                            child.offset,
                            Some(&fid),
                            format!("{attr} `{r}` does not name a flow node of `{id}`"),
                            Some("point the flow at an existing task, event or gateway in the same process or subprocess"),
                        );
                    }
                },
            }
        }
        let [Some(source), Some(target)] = ends else {
            continue;
        };
        let condition = child
            .children_in(BPMN_NS)
            .find(|c| c.local == "conditionExpression")
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| {
                let off = c.text_offset.unwrap_or(c.offset);
                cx.add_expr(
                    c.text.trim().to_string(),
                    ExprKind::Condition,
                    c.attr("language"),
                    &fid,
                    off,
                )
            });
        let fidx = FlowIdx(flows.len() as u32);
        nodes[source.0 as usize].outgoing.push(fidx);
        let target_slot = nodes[target.0 as usize].incoming.len() as u32;
        nodes[target.0 as usize].incoming.push(fidx);
        flows.push(Flow {
            id: fid,
            name: child.attr("name").map(str::to_string),
            source,
            target,
            condition,
            order: fidx.0,
            target_slot,
            pos: cx.pos(child.offset),
        });
    }

    for (node, flow_id, offset) in defaults {
        // Among the element's own outgoing flows: a search of all flows
        // per gateway made a diagram of many gateways quadratic to load.
        let found = nodes[node.0 as usize]
            .outgoing
            .iter()
            .copied()
            .find(|f| flows[f.0 as usize].id == flow_id);
        match found {
            Some(f) => nodes[node.0 as usize].default_flow = Some(f),
            None => {
                let nid = nodes[node.0 as usize].id.clone();
                cx.report(
                    offset,
                    Some(&nid),
                    format!(
                        "default flow `{flow_id}` is not an outgoing sequence flow of this element"
                    ),
                    Some("set `default` to the id of one of its outgoing flows"),
                );
            }
        }
    }

    for (b, target, offset) in attachments {
        match index.get(&target) {
            // An activity this engine does not run is reported on its own.
            Some(&a)
                if nodes[a.0 as usize].kind.is_activity()
                    || matches!(nodes[a.0 as usize].kind, NodeKind::Unsupported { .. }) =>
            {
                if let NodeKind::Event(EventNode {
                    position: EventPosition::Boundary { attached_to, .. },
                    ..
                }) = &mut nodes[b.0 as usize].kind
                {
                    *attached_to = a;
                }
                nodes[a.0 as usize].boundary.push(b);
            }
            _ => {
                let bid = nodes[b.0 as usize].id.clone();
                cx.report(
                    offset,
                    Some(&bid),
                    format!("attachedToRef `{target}` is not an activity of `{id}`"),
                    Some("attach the boundary event to a task, subprocess or call activity of the same process"),
                );
            }
        }
    }
    // A compensation boundary event is linked to its handler by an association.
    for assoc in container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "association")
    {
        let (Some(src), Some(dst)) = (
            assoc
                .attr("sourceRef")
                .map(qname_local)
                .and_then(|r| index.get(&r).copied()),
            assoc
                .attr("targetRef")
                .map(qname_local)
                .and_then(|r| index.get(&r).copied()),
        ) else {
            continue;
        };
        if let NodeKind::Event(EventNode {
            position: EventPosition::Boundary { attached_to, .. },
            triggers,
            ..
        }) = &nodes[src.0 as usize].kind
        {
            if triggers
                .iter()
                .any(|t| matches!(t, crate::model::Trigger::Compensate { .. }))
            {
                let a = *attached_to;
                nodes[a.0 as usize].compensation_handler = Some(dst);
            }
        }
    }
    {
        let g = &mut cx.loaded.model.graphs[gidx.0 as usize];
        g.event_subprocesses = nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::EventSubProcess { .. }))
            .map(|(i, _)| NodeIdx(i as u32))
            .collect();
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
        let g = &mut cx.loaded.model.graphs[body.0 as usize];
        let has_start_event = g
            .nodes
            .iter()
            .any(|n| matches!(&n.kind, NodeKind::Event(e) if matches!(e.position, EventPosition::Start { .. })));
        if !has_start_event {
            // BPMN: a subprocess without start events starts every flow node
            // that has no incoming sequence flow.
            g.starts = g
                .nodes
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    n.incoming.is_empty()
                        && !n.for_compensation
                        && !matches!(
                            n.kind,
                            NodeKind::Unsupported { .. } | NodeKind::EventSubProcess { .. }
                        )
                        && !matches!(&n.kind, NodeKind::Event(e) if matches!(e.position, EventPosition::Boundary { .. }))
                })
                .map(|(i, _)| NodeIdx(i as u32))
                .collect();
            g.implicit_start = true;
        }
        let event_sub = el.attr("triggeredByEvent") == Some("true");
        let g = cx.loaded.model.graph(body);
        if event_sub && g.trigger_starts.len() != 1 {
            cx.report(
                el.offset,
                Some(&sub_id),
                "an event subprocess needs exactly one start event with an event definition".into(),
                Some("give the event subprocess one message, signal, timer, error, escalation or conditional start event"),
            );
        } else if !event_sub && g.starts.is_empty() {
            cx.report(
                el.offset,
                Some(&sub_id),
                "subprocess has no start event".into(),
                Some("add a startEvent inside the subprocess"),
            );
        }
        let node = &mut cx.loaded.model.graphs[gidx.0 as usize].nodes[idx.0 as usize];
        node.kind = match node.kind {
            NodeKind::EventSubProcess { .. } => NodeKind::EventSubProcess { graph: body },
            NodeKind::SubProcess { transaction, .. } => NodeKind::SubProcess {
                graph: body,
                transaction,
            },
            ref other => other.clone(),
        };
    }
    gidx
}

/// What a flow element becomes, before ids and scripts are attached.
enum PendingKind<'a> {
    Ready(NodeKind),
    Script(Option<&'a Element>),
    /// `subProcess` or `transaction`: the body comes later.
    SubProcess,
    /// A `subProcess` triggered by an event: the body comes later.
    EventSub,
}

fn unsupported(element: String) -> PendingKind<'static> {
    PendingKind::Ready(NodeKind::Unsupported { element })
}

/// Classifies a child of a process or subprocess; `None` for elements that
/// are not flow nodes (flows, lanes, artifacts, data, extensions…).
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
    let event = |cx: &mut FileCx<'_>, position: EventPosition| -> PendingKind<'a> {
        match events::triggers(cx, defs, el, id) {
            Ok(triggers) => PendingKind::Ready(NodeKind::Event(EventNode {
                position,
                triggers,
                parallel: el.attr("parallelMultiple") == Some("true"),
            })),
            Err(what) => unsupported(format!("{} with {what}", el.local)),
        }
    };
    let kind = match el.local.as_str() {
        "startEvent" => event(
            cx,
            EventPosition::Start {
                interrupting: el.attr("isInterrupting") != Some("false"),
            },
        ),
        "endEvent" => event(cx, EventPosition::End),
        "intermediateCatchEvent" => event(cx, EventPosition::Catch),
        "intermediateThrowEvent" => event(cx, EventPosition::Throw),
        "boundaryEvent" => event(
            cx,
            EventPosition::Boundary {
                attached_to: NodeIdx(0),
                cancel_activity: el.attr("cancelActivity") != Some("false"),
            },
        ),
        "sendTask" | "receiveTask" => {
            let ext = el
                .children_in(BPMN_NS)
                .find(|c| c.local == "extensionElements");
            let def = el
                .children_in(BPMN_NS)
                .find(|c| c.local == "messageEventDefinition");
            // SpiffWorkflow reads the task's own `messageRef` first, then its
            // message event definition's; without either, the task's name
            // is the message name.
            let mut holders: Vec<&Element> = def.into_iter().collect();
            holders.extend(ext);
            let mut camunda = vec![el];
            camunda.extend(def);
            let src = events::MessageSource {
                message_ref: el
                    .attr("messageRef")
                    .or_else(|| def.and_then(|d| d.attr("messageRef"))),
                element_name: el.attr("name"),
                holders: &holders,
                camunda: &camunda,
            };
            let message = events::message_trigger(cx, defs, &src, id);
            PendingKind::Ready(if el.local == "sendTask" {
                NodeKind::SendTask { message }
            } else {
                NodeKind::ReceiveTask { message }
            })
        }
        "task" => PendingKind::Ready(NodeKind::Human(HumanKind::Task)),
        "userTask" => PendingKind::Ready(NodeKind::Human(HumanKind::UserTask)),
        "manualTask" => PendingKind::Ready(NodeKind::Human(HumanKind::ManualTask)),
        "scriptTask" => PendingKind::Script(el.children_in(BPMN_NS).find(|c| c.local == "script")),
        "exclusiveGateway" => PendingKind::Ready(NodeKind::ExclusiveGateway),
        "parallelGateway" => PendingKind::Ready(NodeKind::ParallelGateway),
        "inclusiveGateway" => PendingKind::Ready(NodeKind::InclusiveGateway),
        "eventBasedGateway" => PendingKind::Ready(NodeKind::EventBasedGateway),
        "subProcess" if el.attr("triggeredByEvent") == Some("true") => PendingKind::EventSub,
        "subProcess" | "transaction" => PendingKind::SubProcess,
        "callActivity" => PendingKind::Ready(NodeKind::CallActivity {
            called_element: el
                .attr("calledElement")
                .map(qname_local)
                .unwrap_or_default(),
        }),
        "businessRuleTask" => {
            let ext = el
                .children_in(BPMN_NS)
                .find(|c| c.local == "extensionElements");
            let read = extensions::read(el, ext);
            let zeebe = read.ext.element("calledDecision");
            let result_variable = read
                .ext
                .attributes
                .get("camunda:resultVariable")
                .cloned()
                .or_else(|| zeebe.and_then(|z| z.attrs.get("resultVariable").cloned()));
            match read.ext.called_decision.clone().filter(|d| !d.is_empty()) {
                Some(decision) => PendingKind::Ready(NodeKind::BusinessRuleTask {
                    decision,
                    result_variable,
                    map_result: read.ext.attributes.get("camunda:mapDecisionResult").cloned(),
                }),
                None => unsupported("businessRuleTask without a decision reference (spiffworkflow:calledDecisionId, camunda:decisionRef or zeebe:calledDecision)".into()),
            }
        }
        "serviceTask" => PendingKind::Ready(super::service::parse(cx, el, id)),
        "adHocSubProcess" | "complexGateway" => unsupported(el.local.clone()),
        _ => return None,
    };
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
