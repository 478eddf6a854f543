//! Checks that span elements and files: call activity targets (with "did you
//! mean"), elements this engine cannot run that a token can reach, gateway
//! flows without conditions, duplicate process ids, cycles with no way out
//! (in [`super::endless_cycles`]), message definitions without any name.

use std::collections::{HashMap, VecDeque};

use super::Loaded;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{GraphIdx, Model, NodeKind, SourcePos};

fn diag(
    specs: &Model,
    severity: Severity,
    pos: SourcePos,
    process: &str,
    element: &str,
    message: String,
    help: String,
) -> Diagnostic {
    Diagnostic {
        severity,
        file: specs
            .files
            .get(pos.file as usize)
            .map(|f| f.path.clone())
            .unwrap_or_default(),
        line: pos.line,
        col: pos.col,
        element: Some(element.to_string()),
        process: Some(process.to_string()),
        message,
        help: Some(help),
    }
}

/// The ids of `process_id` and of every process it calls, transitively.
pub fn called_closure(specs: &Model, process_id: &str) -> Vec<String> {
    let mut seen: Vec<String> = vec![process_id.to_string()];
    let mut queue = VecDeque::from([process_id.to_string()]);
    while let Some(pid) = queue.pop_front() {
        let Some(p) = specs.process(&pid) else {
            continue;
        };
        let mut graphs = vec![p.graph];
        while let Some(g) = graphs.pop() {
            for n in &specs.graph(g).nodes {
                match &n.kind {
                    NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph } => {
                        graphs.push(*graph)
                    }
                    NodeKind::CallActivity { called_element } if !seen.contains(called_element) => {
                        seen.push(called_element.clone());
                        queue.push_back(called_element.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    seen
}

/// Runs every cross-element check and appends diagnostics to `loaded`.
pub fn validate(loaded: &mut Loaded) {
    let specs = &loaded.model;
    let mut out = Vec::new();
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    for (i, p) in specs.processes.iter().enumerate() {
        if let Some(&j) = first_seen.get(p.id.as_str()) {
            let other = &specs.files[specs.processes[j].file as usize].path;
            let pos = specs
                .graph(p.graph)
                .nodes
                .first()
                .map(|n| n.pos)
                .unwrap_or(SourcePos {
                    file: p.file,
                    line: 1,
                    col: 1,
                });
            out.push(diag(
                specs,
                Severity::Error,
                pos,
                &p.id,
                &p.id,
                format!(
                    "process id `{}` is also defined in {}",
                    p.id,
                    other.display()
                ),
                "load each process once, or rename one of them".into(),
            ));
        } else {
            first_seen.insert(&p.id, i);
        }
    }
    let process_ids: Vec<&str> = specs.process_ids().collect();
    for p in &specs.processes {
        let severity = if p.executable {
            Severity::Error
        } else {
            Severity::Warning
        };
        check_graph(specs, p.graph, &p.id, severity, &process_ids, &mut out);
    }
    loaded.diagnostics.extend(out);
}

fn check_graph(
    specs: &Model,
    g: GraphIdx,
    process: &str,
    severity: Severity,
    process_ids: &[&str],
    out: &mut Vec<Diagnostic>,
) {
    let graph = specs.graph(g);
    super::endless_cycles::check(
        graph,
        |n, severity, message, help| {
            let node = &graph.nodes[n];
            diag(specs, severity, node.pos, process, &node.id, message, help)
        },
        out,
    );
    // Which nodes a token can reach: from the start events (with or without
    // definitions), through flows and the boundary events of reached
    // activities; event subprocesses are armed whenever their scope runs.
    let mut reached = vec![false; graph.nodes.len()];
    let mut queue: VecDeque<usize> = graph
        .starts
        .iter()
        .chain(&graph.trigger_starts)
        .chain(&graph.event_subprocesses)
        .map(|s| s.0 as usize)
        .collect();
    for &s in &queue {
        reached[s] = true;
    }
    while let Some(n) = queue.pop_front() {
        let next = graph.nodes[n]
            .outgoing
            .iter()
            .map(|f| graph.flow(*f).target.0 as usize)
            .chain(graph.nodes[n].boundary.iter().map(|b| b.0 as usize));
        for t in next.collect::<Vec<_>>() {
            if !reached[t] {
                reached[t] = true;
                queue.push_back(t);
            }
        }
    }
    for (i, node) in graph.nodes.iter().enumerate() {
        if reached[i] && has_unnamed_message(&node.kind) {
            out.push(diag(
                specs,
                Severity::Warning,
                node.pos,
                process,
                &node.id,
                "this message definition has no messageRef and its element no name, so it only matches other unnamed messages".into(),
                "set messageRef to a bpmn:message (or give the element the message's name, which SpiffWorkflow uses as the message name)".into(),
            ));
        }
        match &node.kind {
            NodeKind::Unsupported { element } if reached[i] => {
                out.push(diag(
                    specs,
                    severity,
                    node.pos,
                    process,
                    &node.id,
                    format!("bpmn-runner does not run `{element}`"),
                    "remove it or replace it with an element this engine runs (tasks, script, send and receive tasks, gateways, subprocesses, call activities, events)".into(),
                ));
            }
            NodeKind::Event(e) if reached[i] => {
                use crate::model::{EventPosition, Trigger};
                let mut problem = |message: String, help: &str| {
                    out.push(diag(
                        specs,
                        severity,
                        node.pos,
                        process,
                        &node.id,
                        message,
                        help.to_string(),
                    ));
                };
                if matches!(e.position, EventPosition::Boundary { .. }) && e.triggers.is_empty() {
                    problem(
                        "a boundary event needs an event definition".into(),
                        "give it a message, timer, signal, error, escalation or conditional definition",
                    );
                }
                for t in &e.triggers {
                    match t {
                        Trigger::Link { name }
                            if e.position == EventPosition::Throw
                                && !graph.links.iter().any(|(n, _)| n == name) =>
                        {
                            problem(
                                format!("no link catch event named `{name}` in `{}`", graph.id),
                                "add an intermediate catch event with a link definition of the same name",
                            );
                        }
                        Trigger::Cancel if !in_transaction(specs, g, e) => problem(
                            "a cancel event belongs inside a transaction (end event) or on one (boundary event)".into(),
                            "use it only with a transaction subprocess",
                        ),
                        _ => {}
                    }
                }
            }
            NodeKind::CallActivity { called_element } => {
                if called_element.is_empty() {
                    out.push(diag(
                        specs,
                        severity,
                        node.pos,
                        process,
                        &node.id,
                        "call activity has no calledElement".into(),
                        "set calledElement to the id of the process to call".into(),
                    ));
                } else if !process_ids.contains(&called_element.as_str()) {
                    let suggestion = process_ids
                        .iter()
                        .map(|p| (strsim::jaro_winkler(p, called_element), *p))
                        .filter(|(s, _)| *s > 0.7)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, p)| format!("did you mean `{p}`? "))
                        .unwrap_or_default();
                    let known = if process_ids.is_empty() {
                        "none".to_string()
                    } else {
                        process_ids.join(", ")
                    };
                    out.push(diag(
                        specs,
                        severity,
                        node.pos,
                        process,
                        &node.id,
                        format!("calledElement `{called_element}` is not a process in any loaded file"),
                        format!("{suggestion}load the file that defines it with -b; known processes: {known}"),
                    ));
                }
            }
            NodeKind::ExclusiveGateway | NodeKind::InclusiveGateway if node.outgoing.len() > 1 => {
                for f in &node.outgoing {
                    let flow = graph.flow(*f);
                    if flow.condition.is_some() || node.default_flow == Some(*f) {
                        continue;
                    }
                    let (message, help) = if node.default_flow.is_none() {
                        (
                            format!(
                                "this sequence flow leaves gateway `{}` without a condition and the gateway has no default flow",
                                node.id
                            ),
                            "add a condition to the flow, or make it the gateway's default flow"
                                .to_string(),
                        )
                    } else {
                        (
                            format!(
                                "this sequence flow leaves gateway `{}` without a condition but is not its default flow",
                                node.id
                            ),
                            "add a condition to the flow; only the default flow may go without one"
                                .to_string(),
                        )
                    };
                    out.push(diag(
                        specs, severity, flow.pos, process, &flow.id, message, help,
                    ));
                }
            }
            NodeKind::SubProcess { graph: body, .. }
            | NodeKind::EventSubProcess { graph: body } => {
                check_graph(specs, *body, process, severity, process_ids, out);
            }
            _ => {}
        }
    }
}

/// Whether a message definition of this node has no name: no `messageRef`
/// and no element name.
fn has_unnamed_message(kind: &NodeKind) -> bool {
    use crate::model::Trigger;
    let triggers: &[Trigger] = match kind {
        NodeKind::Event(e) => &e.triggers,
        NodeKind::SendTask { message } | NodeKind::ReceiveTask { message } => {
            std::slice::from_ref(message)
        }
        _ => &[],
    };
    triggers
        .iter()
        .any(|t| matches!(t, Trigger::Message { name, .. } if name.is_empty()))
}

/// Whether cancel event `e` of graph `g` sits where BPMN allows it: an end
/// event in a transaction's body, or a boundary event on a transaction.
fn in_transaction(specs: &Model, g: GraphIdx, e: &crate::model::EventNode) -> bool {
    use crate::model::EventPosition;
    let graph = specs.graph(g);
    match e.position {
        EventPosition::Boundary { attached_to, .. } => {
            matches!(
                graph.node(attached_to).kind,
                NodeKind::SubProcess {
                    transaction: true,
                    ..
                }
            )
        }
        _ => graph.parent.is_some_and(|p| {
            matches!(
                specs.node(p).kind,
                NodeKind::SubProcess {
                    transaction: true,
                    ..
                }
            )
        }),
    }
}
