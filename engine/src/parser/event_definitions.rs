//! Event definitions: messages, signals, timers, errors, escalations,
//! cancel, terminate, conditional, link and compensation, with the
//! definitions-level elements they refer to (`message`, `signal`, `error`,
//! `escalation`, `correlationProperty`). Messages also read what
//! SpiffWorkflow's spiff and camunda parsers read: the payload and the
//! variable it is stored in, and correlations from the catch's own data;
//! signals, errors and escalations read the spiff parser's
//! `payloadExpression` and `variableName`.

use std::collections::HashMap;

use super::BPMN_NS;
use super::context::{FileCx, qname_local};
use super::extensions::{CAMUNDA_NS, SPIFF_NS};
use super::xml::Element;
use crate::model::{Correlation, ExprKind, MessageStyle, SpiffPayload, Timer, TimerValue, Trigger};

/// spiffworkflow message extensions written on a `bpmn:message` (where
/// SpiffWorkflow's older files put them; they win over the definition's).
#[derive(Debug, Default, Clone)]
struct MessageExt {
    /// `messagePayload`: its text and text offset.
    payload: Option<(String, usize)>,
    variable: Option<String>,
}

/// spiffworkflow `payloadExpression` / `variableName` written in the
/// `extensionElements` of a `bpmn:signal`, `bpmn:error` or
/// `bpmn:escalation` (the only place SpiffWorkflow reads them).
#[derive(Debug, Default, Clone)]
struct ItemExt {
    /// `payloadExpression`: its text and text offset.
    payload: Option<(String, usize)>,
    variable: Option<String>,
}

impl ItemExt {
    /// Reads the extensions of definitions-level element `el`.
    fn of(el: &Element) -> Self {
        let mut ext = ItemExt::default();
        for c in el
            .children_in(BPMN_NS)
            .filter(|c| c.local == "extensionElements")
            .flat_map(|x| x.children.iter())
            .filter(|c| c.ns.as_deref() == Some(SPIFF_NS) && !c.text.trim().is_empty())
        {
            match c.local.as_str() {
                "payloadExpression" => {
                    let off = c.text_offset.unwrap_or(c.offset);
                    ext.payload = Some((c.text.trim().to_string(), off));
                }
                "variableName" => ext.variable = Some(c.text.trim().to_string()),
                _ => {}
            }
        }
        ext
    }
}

/// Named things declared at the top of one file, by id.
#[derive(Debug, Default)]
pub struct FileDefs {
    messages: HashMap<String, String>,
    /// spiffworkflow payload and variable on `bpmn:message` elements, by id.
    message_ext: HashMap<String, MessageExt>,
    /// The file uses spiffworkflow message extensions or signal, error or
    /// escalation payloads somewhere: it is written for SpiffWorkflow's
    /// spiff parser, so all its messages follow [`MessageStyle::Spiff`] and
    /// its signals, errors and escalations carry a [`SpiffPayload`].
    spiff_events: bool,
    /// spiffworkflow payload and variable on `bpmn:signal`, `bpmn:error`
    /// and `bpmn:escalation` elements, by id.
    item_ext: HashMap<String, ItemExt>,
    signals: HashMap<String, String>,
    /// id → (name, code)
    errors: HashMap<String, (Option<String>, Option<String>)>,
    escalations: HashMap<String, (Option<String>, Option<String>)>,
    /// message id → (property id, retrieval expression, its text offset)
    correlations: HashMap<String, Vec<(String, String, usize)>>,
    /// Data objects, data stores and their references, by element id.
    pub data_refs: HashMap<String, crate::model::DataRef>,
}

/// The spiffworkflow message extensions SpiffWorkflow's spiff parser reads.
const SPIFF_MESSAGE_EXTENSIONS: [&str; 3] = [
    "messagePayload",
    "messageVariable",
    "processVariableCorrelation",
];

/// Whether `el` or an element below it is a spiffworkflow message extension.
fn has_spiff_message_extension(el: &Element) -> bool {
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        if e.ns.as_deref() == Some(SPIFF_NS) && SPIFF_MESSAGE_EXTENSIONS.contains(&e.local.as_str())
        {
            return true;
        }
        stack.extend(e.children.iter());
    }
    false
}

impl FileDefs {
    /// Collects the definitions-level elements of `root`.
    pub fn collect(root: &Element) -> Self {
        let mut d = FileDefs {
            spiff_events: has_spiff_message_extension(root),
            ..FileDefs::default()
        };
        super::data_spec::collect_refs(root, &mut d.data_refs);
        for c in root.children_in(BPMN_NS) {
            let id = c.attr("id").unwrap_or_default().to_string();
            let name = c.attr("name").map(str::to_string);
            match c.local.as_str() {
                "message" => {
                    let ext = MessageExt {
                        payload: spiff_text(c, "messagePayload").map(|p| {
                            (p.text.trim().to_string(), p.text_offset.unwrap_or(p.offset))
                        }),
                        variable: spiff_text(c, "messageVariable")
                            .map(|v| v.text.trim().to_string()),
                    };
                    if ext.payload.is_some() || ext.variable.is_some() {
                        d.message_ext.insert(id.clone(), ext);
                    }
                    d.messages.insert(id.clone(), name.unwrap_or(id));
                }
                "signal" | "error" | "escalation" => {
                    let ext = ItemExt::of(c);
                    if ext.payload.is_some() || ext.variable.is_some() {
                        d.spiff_events = true;
                        d.item_ext.insert(id.clone(), ext);
                    }
                    match c.local.as_str() {
                        "signal" => {
                            d.signals.insert(id.clone(), name.unwrap_or(id));
                        }
                        "error" => {
                            let code = c.attr("errorCode").map(str::to_string);
                            d.errors.insert(id, (name, code));
                        }
                        _ => {
                            let code = c.attr("escalationCode").map(str::to_string);
                            d.escalations.insert(id, (name, code));
                        }
                    }
                }
                "correlationProperty" => {
                    for r in c
                        .children_in(BPMN_NS)
                        .filter(|r| r.local == "correlationPropertyRetrievalExpression")
                    {
                        let Some(msg) = r.attr("messageRef").map(qname_local) else {
                            continue;
                        };
                        if let Some(e) = r
                            .children_in(BPMN_NS)
                            .find(|e| e.local == "messagePath" || e.local == "formalExpression")
                            .filter(|e| !e.text.trim().is_empty())
                        {
                            let off = e.text_offset.unwrap_or(e.offset);
                            d.correlations.entry(msg).or_default().push((
                                id.clone(),
                                e.text.trim().to_string(),
                                off,
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        d
    }
}

/// True when `text` is written as literal ISO 8601 (a date, a duration or a
/// repeating interval) rather than as an expression.
fn is_iso_literal(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || "PTRWYMDHSZ:+-.,/".contains(c))
}

fn timer_value(cx: &mut FileCx<'_>, el: &Element, owner: &str) -> TimerValue {
    let text = el.text.trim().to_string();
    let expr = if is_iso_literal(&text) {
        None
    } else {
        let off = el.text_offset.unwrap_or(el.offset);
        Some(cx.add_expr(
            text.clone(),
            ExprKind::Condition,
            el.attr("language"),
            owner,
            off,
        ))
    };
    TimerValue { text, expr }
}

fn spiff_child<'a>(el: &'a Element, name: &str) -> Option<&'a Element> {
    el.children
        .iter()
        .find(|c| c.ns.as_deref() == Some(SPIFF_NS) && c.local == name)
}

/// The first spiffworkflow element `name` at or below `el` (SpiffWorkflow
/// looks for message extensions anywhere inside the definition, e.g. in
/// its own `extensionElements`), with non-blank text.
fn spiff_text<'a>(el: &'a Element, name: &str) -> Option<&'a Element> {
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        if e.ns.as_deref() == Some(SPIFF_NS) && e.local == name {
            if e.text.trim().is_empty() {
                continue;
            }
            return Some(e);
        }
        stack.extend(e.children.iter().rev());
    }
    None
}

/// Every spiffworkflow `processVariableCorrelation` at or below `el`, in
/// document order.
fn process_correlations<'a>(el: &'a Element, out: &mut Vec<&'a Element>) {
    let mut stack = vec![el];
    while let Some(e) = stack.pop() {
        if e.ns.as_deref() == Some(SPIFF_NS) && e.local == "processVariableCorrelation" {
            out.push(e);
        } else {
            stack.extend(e.children.iter().rev());
        }
    }
}

/// Where a message definition comes from.
pub struct MessageSource<'a> {
    /// The `messageRef` (a message id), if any.
    pub message_ref: Option<&'a str>,
    /// The name of the event or task the definition belongs to: the
    /// message name when there is no `messageRef` (as SpiffWorkflow does).
    pub element_name: Option<&'a str>,
    /// Elements holding spiffworkflow extensions: the definition and the
    /// node's `extensionElements`.
    pub holders: &'a [&'a Element],
    /// Elements whose `camunda:expression` / `camunda:resultVariable`
    /// count: the definition (and a send or receive task itself).
    pub camunda: &'a [&'a Element],
}

/// A message trigger, with the payload, variable and correlation
/// extensions of SpiffWorkflow's spiff and camunda parsers.
pub fn message_trigger(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    src: &MessageSource<'_>,
    owner: &str,
) -> Trigger {
    let msg = src.message_ref.map(qname_local);
    let name = match &msg {
        Some(m) => defs.messages.get(m).cloned().unwrap_or_else(|| m.clone()),
        None => src.element_name.unwrap_or_default().trim().to_string(),
    };
    let add = |cx: &mut FileCx<'_>, text: String, off: usize| {
        cx.add_expr(text, ExprKind::Condition, None, owner, off)
    };
    let mut payload = None;
    let mut variable = None;
    let mut style = if defs.spiff_events {
        MessageStyle::Spiff
    } else {
        MessageStyle::Bpmn
    };
    let camunda_expr = src
        .camunda
        .iter()
        .find_map(|e| e.attr_ns(CAMUNDA_NS, "expression").map(|x| (x, e.offset)))
        .filter(|(x, _)| !x.trim().is_empty());
    let camunda_var = src
        .camunda
        .iter()
        .find_map(|e| e.attr_ns(CAMUNDA_NS, "resultVariable"))
        .map(str::trim)
        .filter(|x| !x.is_empty());
    let on_message = msg.as_ref().and_then(|m| defs.message_ext.get(m));
    if camunda_expr.is_some() || camunda_var.is_some() {
        style = MessageStyle::Camunda;
        payload = camunda_expr.map(|(x, off)| add(cx, x.trim().to_string(), off));
        variable = camunda_var.map(str::to_string);
    } else if let Some(ext) = on_message {
        // SpiffWorkflow reads the message's extensions when it has any,
        // and only then the definition's.
        payload = ext.payload.clone().map(|(x, off)| add(cx, x, off));
        variable = ext.variable.clone();
    } else {
        for h in src.holders {
            if payload.is_none() {
                if let Some(p) = spiff_text(h, "messagePayload") {
                    let off = p.text_offset.unwrap_or(p.offset);
                    payload = Some(add(cx, p.text.trim().to_string(), off));
                }
            }
            if variable.is_none() {
                variable = spiff_text(h, "messageVariable").map(|v| v.text.trim().to_string());
            }
        }
    }
    let mut from_data = Vec::new();
    let mut pvc = Vec::new();
    for h in src.holders {
        process_correlations(h, &mut pvc);
    }
    for c in pvc {
        let (Some(prop), Some(expr)) = (spiff_child(c, "propertyId"), spiff_child(c, "expression"))
        else {
            continue;
        };
        let off = expr.text_offset.unwrap_or(expr.offset);
        let e = add(cx, expr.text.trim().to_string(), off);
        let property = prop.text.trim().to_string();
        if !from_data
            .iter()
            .any(|c: &Correlation| c.property == property)
        {
            from_data.push(Correlation { property, expr: e });
        }
    }
    let from_payload = msg
        .as_ref()
        .and_then(|m| defs.correlations.get(m))
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|(property, text, off)| Correlation {
            property,
            expr: add(cx, text, off),
        })
        .collect();
    Trigger::Message {
        name,
        payload,
        variable,
        style,
        from_payload,
        from_data,
    }
}

/// The spiff payload of a signal, error or escalation definition referring
/// to `item_ref` (SpiffWorkflow reads nothing without a reference); `None`
/// when the file is not written for SpiffWorkflow's spiff parser.
fn spiff_payload(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    item_ref: Option<&str>,
    owner: &str,
) -> Option<SpiffPayload> {
    if !defs.spiff_events {
        return None;
    }
    let Some(ext) = item_ref.and_then(|r| defs.item_ext.get(r)) else {
        return Some(SpiffPayload::default());
    };
    Some(SpiffPayload {
        payload: ext
            .payload
            .clone()
            .map(|(x, off)| cx.add_expr(x, ExprKind::Condition, None, owner, off)),
        variable: ext.variable.clone(),
    })
}

/// The event definitions of event element `el` (owned by node `owner`).
/// `Err` names a definition this engine cannot run.
pub fn triggers(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    el: &Element,
    owner: &str,
) -> Result<Vec<Trigger>, String> {
    let ext = el
        .children_in(BPMN_NS)
        .find(|c| c.local == "extensionElements");
    let mut out = Vec::new();
    for d in el.children_in(BPMN_NS) {
        let t = match d.local.as_str() {
            "messageEventDefinition" => {
                let mut holders = vec![d];
                holders.extend(ext);
                let src = MessageSource {
                    message_ref: d.attr("messageRef"),
                    element_name: el.attr("name"),
                    holders: &holders,
                    camunda: &[d],
                };
                message_trigger(cx, defs, &src, owner)
            }
            "signalEventDefinition" => {
                let sig_ref = d.attr("signalRef").map(qname_local);
                let sig = sig_ref.clone().unwrap_or_default();
                Trigger::Signal {
                    name: defs.signals.get(&sig).cloned().unwrap_or(sig),
                    spiff: spiff_payload(cx, defs, sig_ref.as_deref(), owner),
                }
            }
            "timerEventDefinition" => {
                let Some(v) = d.children_in(BPMN_NS).find(|c| {
                    matches!(c.local.as_str(), "timeDate" | "timeDuration" | "timeCycle")
                }) else {
                    return Err(
                        "a timer event definition without timeDate, timeDuration or timeCycle"
                            .into(),
                    );
                };
                let value = timer_value(cx, v, owner);
                Trigger::Timer(match v.local.as_str() {
                    "timeDate" => Timer::Date(value),
                    "timeDuration" => Timer::Duration(value),
                    _ => Timer::Cycle(value),
                })
            }
            "errorEventDefinition" => {
                let err_ref = d.attr("errorRef").map(qname_local);
                let (name, code) = err_ref
                    .clone()
                    .and_then(|r| defs.errors.get(&r).cloned().or(Some((Some(r), None))))
                    .unwrap_or((None, None));
                let spiff = spiff_payload(cx, defs, err_ref.as_deref(), owner);
                Trigger::Error { code, name, spiff }
            }
            "escalationEventDefinition" => {
                let esc_ref = d.attr("escalationRef").map(qname_local);
                let (name, code) = esc_ref
                    .clone()
                    .and_then(|r| defs.escalations.get(&r).cloned().or(Some((Some(r), None))))
                    .unwrap_or((None, None));
                let spiff = spiff_payload(cx, defs, esc_ref.as_deref(), owner);
                Trigger::Escalation { code, name, spiff }
            }
            "cancelEventDefinition" => Trigger::Cancel,
            "terminateEventDefinition" => Trigger::Terminate,
            "conditionalEventDefinition" => {
                let Some(c) = d
                    .children_in(BPMN_NS)
                    .find(|c| c.local == "condition")
                    .filter(|c| !c.text.trim().is_empty())
                else {
                    return Err("a conditional event definition without a condition".into());
                };
                let off = c.text_offset.unwrap_or(c.offset);
                Trigger::Conditional {
                    condition: cx.add_expr(
                        c.text.trim().to_string(),
                        ExprKind::Condition,
                        c.attr("language"),
                        owner,
                        off,
                    ),
                }
            }
            "linkEventDefinition" => Trigger::Link {
                name: d.attr("name").unwrap_or_default().to_string(),
            },
            "compensateEventDefinition" => Trigger::Compensate {
                activity: d.attr("activityRef").map(qname_local),
            },
            "eventDefinitionRef" => {
                return Err("eventDefinitionRef (shared event definitions)".into());
            }
            _ => continue,
        };
        out.push(t);
    }
    Ok(out)
}
