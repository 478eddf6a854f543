//! `multiInstanceLoopCharacteristics` and `standardLoopCharacteristics` of
//! an activity → [`Looping`], with the camunda `collection` /
//! `elementVariable` attributes read as SpiffWorkflow's Camunda parser
//! reads them, and spiffworkflow `scriptsOnInstances`.

use super::BPMN_NS;
use super::context::FileCx;
use super::extensions::{CAMUNDA_NS, SPIFF_NS};
use super::xml::Element;
use crate::model::{ExprKind, Looping, MiSource, MultiInstance, StandardLoop};

/// `${name}` or `name` → `name`, when it is a plain variable name.
fn variable(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix("${")
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(t)
        .trim();
    let mut chars = t.chars();
    let first = chars.next()?;
    ((first.is_alphabetic() || first == '_') && chars.all(|c| c.is_alphanumeric() || c == '_'))
        .then(|| t.to_string())
}

fn child<'a>(el: &'a Element, name: &str) -> Option<&'a Element> {
    el.children_in(BPMN_NS).find(|c| c.local == name)
}

/// The name of a data item element (`inputDataItem`, `outputDataItem`): its
/// id, as SpiffWorkflow uses, else its name.
fn item_name(el: &Element) -> Option<String> {
    el.attr("id")
        .or_else(|| el.attr("name"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `spiffworkflow:scriptsOnInstances="true"` on loop characteristics `lc`.
fn scripts_on_instances(lc: &Element) -> bool {
    lc.attr_ns(SPIFF_NS, "scriptsOnInstances").map(str::trim) == Some("true")
}

/// Reads the loop characteristics of activity `el` (id `id`), if any.
pub(super) fn parse(cx: &mut FileCx<'_>, el: &Element, id: &str) -> Option<Box<Looping>> {
    if let Some(lc) = child(el, "standardLoopCharacteristics") {
        let condition = child(lc, "loopCondition")
            .filter(|c| !c.text.trim().is_empty())
            .map(|c| {
                let off = c.text_offset.unwrap_or(c.offset);
                cx.add_expr(
                    c.text.trim().to_string(),
                    ExprKind::Condition,
                    c.attr("language"),
                    id,
                    off,
                )
            });
        let maximum = match lc.attr("loopMaximum").map(str::trim) {
            None | Some("") => None,
            Some(m) => match m.parse::<u64>() {
                Ok(v) => Some(v),
                Err(_) => {
                    cx.report(
                        lc.offset,
                        Some(id),
                        format!("loopMaximum `{m}` is not a whole number"),
                        Some("set loopMaximum to a number such as 10"),
                    );
                    None
                }
            },
        };
        if condition.is_none() && maximum.is_none() {
            cx.report(
                lc.offset,
                Some(id),
                "a standard loop needs a loopCondition or a loopMaximum".into(),
                Some("add <loopCondition> (the activity repeats while it is true) or loopMaximum"),
            );
        }
        return Some(Box::new(Looping::Standard(StandardLoop {
            condition,
            maximum,
            test_before: lc.attr("testBefore").map(str::trim) == Some("true"),
            scripts_on_instances: scripts_on_instances(lc),
        })));
    }
    let lc = child(el, "multiInstanceLoopCharacteristics")?;
    let sequential = lc.attr("isSequential").map(str::trim) == Some("true");
    let cardinality = child(lc, "loopCardinality").filter(|c| !c.text.trim().is_empty());
    let input_ref = child(lc, "loopDataInputRef")
        .map(|c| c.text.trim().to_string())
        .filter(|s| !s.is_empty());
    let element_variable = lc
        .attr_ns(CAMUNDA_NS, "elementVariable")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    // camunda:collection, read as SpiffWorkflow's Camunda parser does: the
    // output collection (each instance's elementVariable goes back into
    // it); without loopCardinality it is the input too, updated in place.
    let camunda_collection = match lc.attr_ns(CAMUNDA_NS, "collection") {
        None => None,
        Some(c) => match variable(c) {
            Some(v) => Some(v),
            None => {
                cx.report(
                    lc.offset,
                    Some(id),
                    format!("camunda:collection `{c}` is not a variable name"),
                    Some("name the variable that holds the list, e.g. `${items}`"),
                );
                None
            }
        },
    };
    let camunda_output = camunda_collection
        .clone()
        .filter(|_| input_ref.is_none() && element_variable.is_some());
    let source = match (cardinality, input_ref) {
        (Some(_), Some(_)) => {
            cx.report(
                lc.offset,
                Some(id),
                "a multi-instance activity has both loopCardinality and loopDataInputRef".into(),
                Some("keep one of loopCardinality and loopDataInputRef"),
            );
            return None;
        }
        (None, None) => match camunda_collection {
            Some(v) => MiSource::Collection(v),
            None => {
                cx.report(
                    lc.offset,
                    Some(id),
                    "a multi-instance activity needs loopCardinality or loopDataInputRef".into(),
                    Some("add <loopCardinality>3</loopCardinality> or <loopDataInputRef>items</loopDataInputRef>"),
                );
                return None;
            }
        },
        (Some(c), None) => {
            let off = c.text_offset.unwrap_or(c.offset);
            let text = c.text.trim();
            let cardinality = cx.add_expr(
                text.to_string(),
                ExprKind::Condition,
                c.attr("language"),
                id,
                off,
            );
            match variable(text).filter(|_| camunda_collection.is_some()) {
                Some(variable) => MiSource::CardinalityOrCollection {
                    cardinality,
                    variable,
                },
                None => MiSource::Cardinality(cardinality),
            }
        }
        (None, Some(v)) => MiSource::Collection(v),
    };
    let input_item = child(lc, "inputDataItem")
        .and_then(item_name)
        .or_else(|| element_variable.clone());
    let output = child(lc, "loopDataOutputRef")
        .map(|c| c.text.trim().to_string())
        .filter(|s| !s.is_empty());
    let output_item = child(lc, "outputDataItem").and_then(item_name);
    if output.is_some() != output_item.is_some() {
        cx.report(
            lc.offset,
            Some(id),
            "loopDataOutputRef and outputDataItem go together".into(),
            Some("give both (the list that collects the outputs and the variable each instance sets) or neither"),
        );
    }
    let (output, output_item) = match (output, camunda_output) {
        (None, Some(c)) => (Some(c), element_variable),
        (o, _) => (o, output_item),
    };
    let completion = child(lc, "completionCondition")
        .filter(|c| !c.text.trim().is_empty())
        .map(|c| {
            let off = c.text_offset.unwrap_or(c.offset);
            cx.add_expr(
                c.text.trim().to_string(),
                ExprKind::Condition,
                c.attr("language"),
                id,
                off,
            )
        });
    Some(Box::new(Looping::Multi(MultiInstance {
        sequential,
        source,
        input_item,
        output,
        output_item,
        completion,
        scripts_on_instances: scripts_on_instances(lc),
    })))
}
