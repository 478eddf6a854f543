//! Event definitions: messages, signals, timers, errors, escalations,
//! cancel, terminate, conditional, link and compensation, with the
//! definitions-level elements they refer to (`message`, `signal`, `error`,
//! `escalation`, `correlationProperty`).

use std::collections::HashMap;

use super::BPMN_NS;
use super::bpmn::{FileCx, qname_local};
use super::extensions::SPIFF_NS;
use super::xml::Element;
use crate::model::{Correlation, ExprKind, Timer, TimerValue, Trigger};

/// Named things declared at the top of one file, by id.
#[derive(Debug, Default)]
pub struct FileDefs {
    messages: HashMap<String, String>,
    signals: HashMap<String, String>,
    /// id → (name, code)
    errors: HashMap<String, (Option<String>, Option<String>)>,
    escalations: HashMap<String, (Option<String>, Option<String>)>,
    /// message id → (property id, retrieval expression, its text offset)
    correlations: HashMap<String, Vec<(String, String, usize)>>,
    /// Data objects, data stores and their references, by element id.
    pub data_refs: HashMap<String, crate::model::DataRef>,
}

impl FileDefs {
    /// Collects the definitions-level elements of `root`.
    pub fn collect(root: &Element) -> Self {
        let mut d = FileDefs::default();
        super::data_spec::collect_refs(root, &mut d.data_refs);
        for c in root.children_in(BPMN_NS) {
            let id = c.attr("id").unwrap_or_default().to_string();
            let name = c.attr("name").map(str::to_string);
            match c.local.as_str() {
                "message" => {
                    d.messages.insert(id.clone(), name.unwrap_or(id));
                }
                "signal" => {
                    d.signals.insert(id.clone(), name.unwrap_or(id));
                }
                "error" => {
                    d.errors
                        .insert(id, (name, c.attr("errorCode").map(str::to_string)));
                }
                "escalation" => {
                    d.escalations
                        .insert(id, (name, c.attr("escalationCode").map(str::to_string)));
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

/// A message trigger for message id `msg`, reading spiffworkflow payload,
/// variable and correlation extensions from `holders` (the event definition
/// and the node's `extensionElements`).
pub fn message_trigger(
    cx: &mut FileCx<'_>,
    defs: &FileDefs,
    msg: &str,
    holders: &[&Element],
    owner: &str,
) -> Trigger {
    let name = defs
        .messages
        .get(msg)
        .cloned()
        .unwrap_or_else(|| msg.to_string());
    let mut payload = None;
    let mut variable = None;
    let mut from_data = Vec::new();
    for h in holders {
        if let Some(p) = spiff_child(h, "messagePayload").filter(|p| !p.text.trim().is_empty()) {
            let off = p.text_offset.unwrap_or(p.offset);
            payload = Some(cx.add_expr(
                p.text.trim().to_string(),
                ExprKind::Condition,
                None,
                owner,
                off,
            ));
        }
        if let Some(v) = spiff_child(h, "messageVariable").filter(|v| !v.text.trim().is_empty()) {
            variable = Some(v.text.trim().to_string());
        }
        for c in h.children.iter().filter(|c| {
            c.ns.as_deref() == Some(SPIFF_NS) && c.local == "processVariableCorrelation"
        }) {
            let (Some(prop), Some(expr)) =
                (spiff_child(c, "propertyId"), spiff_child(c, "expression"))
            else {
                continue;
            };
            let off = expr.text_offset.unwrap_or(expr.offset);
            let e = cx.add_expr(
                expr.text.trim().to_string(),
                ExprKind::Condition,
                None,
                owner,
                off,
            );
            from_data.push(Correlation {
                property: prop.text.trim().to_string(),
                expr: e,
            });
        }
    }
    let from_payload = defs
        .correlations
        .get(msg)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|(property, text, off)| Correlation {
            property,
            expr: cx.add_expr(text, ExprKind::Condition, None, owner, off),
        })
        .collect();
    Trigger::Message {
        name,
        payload,
        variable,
        from_payload,
        from_data,
    }
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
                let msg = d.attr("messageRef").map(qname_local).unwrap_or_default();
                let mut holders = vec![d];
                holders.extend(ext);
                message_trigger(cx, defs, &msg, &holders, owner)
            }
            "signalEventDefinition" => {
                let sig = d.attr("signalRef").map(qname_local).unwrap_or_default();
                Trigger::Signal {
                    name: defs.signals.get(&sig).cloned().unwrap_or(sig),
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
                let (name, code) = d
                    .attr("errorRef")
                    .map(qname_local)
                    .and_then(|r| defs.errors.get(&r).cloned().or(Some((Some(r), None))))
                    .unwrap_or((None, None));
                Trigger::Error { code, name }
            }
            "escalationEventDefinition" => {
                let (name, code) = d
                    .attr("escalationRef")
                    .map(qname_local)
                    .and_then(|r| defs.escalations.get(&r).cloned().or(Some((Some(r), None))))
                    .unwrap_or((None, None));
                Trigger::Escalation { code, name }
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
