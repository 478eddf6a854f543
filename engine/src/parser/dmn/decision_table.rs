//! A `decisionTable`: hit policy, inputs, outputs and rules, with the checks
//! that can be made before evaluation (column counts, names, priorities).

use std::collections::HashSet;

use super::file_cx::FileCx;
use crate::model::dmn::{
    Aggregation, DecisionTable, DmnExpr, HitPolicy, Input, Language, Output, Rule,
};
use crate::parser::xml::Element;

/// Parses the table of decision `decision` (whose result is named
/// `variable`); problems are reported and the table is kept as far as read.
pub(crate) fn parse(
    cx: &mut FileCx<'_>,
    el: &Element,
    decision: &str,
    variable: &str,
) -> DecisionTable {
    let table_id = el.attr("id");
    let owner = table_id.or(Some(decision));
    let hit_policy = match el.attr("hitPolicy") {
        None => HitPolicy::Unique,
        Some(s) => HitPolicy::parse(s).unwrap_or_else(|| {
            cx.error(
                el.offset,
                owner,
                format!("unknown hit policy `{s}`"),
                "use UNIQUE, ANY, PRIORITY, FIRST, RULE ORDER, OUTPUT ORDER or COLLECT",
            );
            HitPolicy::Unique
        }),
    };
    let aggregation = el.attr("aggregation").and_then(|s| {
        let a = Aggregation::parse(s);
        if a.is_none() {
            cx.error(
                el.offset,
                owner,
                format!("unknown aggregation `{s}`"),
                "use SUM, MIN, MAX or COUNT",
            );
        } else if hit_policy != HitPolicy::Collect {
            cx.error(
                el.offset,
                owner,
                format!("aggregation `{s}` needs hit policy COLLECT, not {hit_policy}"),
                "set hitPolicy=\"COLLECT\" or remove the aggregation",
            );
        }
        a
    });

    let inputs: Vec<Input> = FileCx::children(el, "input")
        .enumerate()
        .filter_map(|(i, input)| parse_input(cx, input, i + 1, owner))
        .collect();
    let output_els: Vec<&Element> = FileCx::children(el, "output").collect();
    let single = output_els.len() == 1;
    let mut outputs = Vec::new();
    let mut names = HashSet::new();
    for (i, o) in output_els.iter().enumerate() {
        let out = parse_output(cx, o, i + 1, single, variable, owner);
        if !names.insert(out.name.clone()) {
            cx.error(
                o.offset,
                o.attr("id").or(owner),
                format!("two outputs are named `{}`", out.name),
                "give each output a different name",
            );
        }
        outputs.push(out);
    }
    if outputs.is_empty() {
        cx.error(
            el.offset,
            owner,
            "decision table has no output".into(),
            "add an <output> column",
        );
    }
    if matches!(hit_policy, HitPolicy::Priority | HitPolicy::OutputOrder)
        && !outputs.is_empty()
        && outputs.iter().all(|o| o.output_values.is_none())
    {
        cx.error(
            el.offset,
            owner,
            format!("hit policy {hit_policy} ranks matches by the outputs' allowed values, but no output has <outputValues>"),
            "list the output values in priority order, e.g. <outputValues><text>\"high\", \"low\"</text></outputValues>",
        );
    }
    if aggregation.is_some() && outputs.len() > 1 {
        cx.error(
            el.offset,
            owner,
            "COLLECT with an aggregation needs exactly one output".into(),
            "remove the aggregation or split the table",
        );
    }

    let rules: Vec<Rule> = FileCx::children(el, "rule")
        .enumerate()
        .map(|(i, r)| parse_rule(cx, r, i + 1, inputs.len(), outputs.len(), owner))
        .collect();
    let named_python = |e: &DmnExpr| e.declared && e.language == Language::Python;
    let python_hint = cx.python_types
        || inputs.iter().any(|i| named_python(&i.expression))
        || rules.iter().any(|r| {
            r.input_entries.iter().any(named_python) || r.output_entries.iter().any(named_python)
        });
    DecisionTable {
        id: table_id.map(str::to_string),
        hit_policy,
        aggregation,
        inputs,
        outputs,
        rules,
        python_hint,
        pos: cx.pos(el.offset),
    }
}

fn parse_input(cx: &mut FileCx<'_>, el: &Element, n: usize, owner: Option<&str>) -> Option<Input> {
    let id = FileCx::id_of(el, owner);
    let ie = FileCx::child(el, "inputExpression");
    let label = el.attr("label").map(str::trim).filter(|l| !l.is_empty());
    let written = ie
        .and_then(|ie| cx.expr(ie, id))
        .filter(|e| !e.text.is_empty());
    let (expression, from_label) = match (written, label) {
        (Some(e), _) => (e, false),
        // The label names the variable, as SpiffWorkflow reads it; the
        // language is the input expression's.
        (None, Some(label)) => {
            let e = cx.expr_text(ie.unwrap_or(el), label.to_string(), el.offset, id);
            (e, true)
        }
        (None, None) => {
            cx.error(
                ie.unwrap_or(el).offset,
                id,
                format!("input {n} has neither an input expression nor a label"),
                "write the variable name (or an expression) in <inputExpression><text>, or give the input a label naming the variable",
            );
            return None;
        }
    };
    let input_values = FileCx::child(el, "inputValues")
        .and_then(|v| cx.expr(v, id))
        .filter(|e| !e.text.is_empty());
    Some(Input {
        id: el.attr("id").map(str::to_string),
        label: label.map_or_else(|| expression.text.clone(), str::to_string),
        type_ref: ie.and_then(|ie| ie.attr("typeRef")).map(str::to_string),
        expression,
        from_label,
        input_values,
        pos: cx.pos(el.offset),
    })
}

fn parse_output(
    cx: &mut FileCx<'_>,
    el: &Element,
    n: usize,
    single: bool,
    variable: &str,
    owner: Option<&str>,
) -> Output {
    let id = FileCx::id_of(el, owner);
    // Camunda Modeler writes `name=""` when only the label is filled in;
    // SpiffWorkflow then names the output by its label.
    let named = [el.attr("name"), el.attr("label")]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty());
    let name = match named {
        Some(n) => n.to_string(),
        None if single => variable.to_string(),
        None => {
            cx.error(
                el.offset,
                id,
                format!("output {n} has no name; a table with several outputs returns a map keyed by output name"),
                "add a name attribute to the output",
            );
            format!("output{n}")
        }
    };
    Output {
        id: el.attr("id").map(str::to_string),
        name,
        type_ref: el.attr("typeRef").map(str::to_string),
        output_values: FileCx::child(el, "outputValues")
            .and_then(|v| cx.expr(v, id))
            .filter(|e| !e.text.is_empty()),
        default: FileCx::child(el, "defaultOutputEntry")
            .and_then(|v| cx.expr(v, id))
            .filter(|e| !e.text.is_empty()),
        pos: cx.pos(el.offset),
    }
}

fn parse_rule(
    cx: &mut FileCx<'_>,
    el: &Element,
    n: usize,
    n_inputs: usize,
    n_outputs: usize,
    owner: Option<&str>,
) -> Rule {
    let id = FileCx::id_of(el, owner);
    let entries = |cx: &mut FileCx<'_>, local: &str| -> Vec<DmnExpr> {
        FileCx::children(el, local)
            .map(|e| {
                // An entry without <text> is an empty cell.
                cx.expr(e, id)
                    .unwrap_or_else(|| cx.expr_text(e, String::new(), e.offset, id))
            })
            .collect()
    };
    let input_entries = entries(cx, "inputEntry");
    let output_entries = entries(cx, "outputEntry");
    if input_entries.len() != n_inputs {
        cx.error(
            el.offset,
            id,
            format!(
                "rule {n} has {} input entries but the table has {n_inputs} inputs",
                input_entries.len()
            ),
            "give the rule one <inputEntry> per input (`-` matches anything)",
        );
    }
    if output_entries.len() != n_outputs {
        cx.error(
            el.offset,
            id,
            format!(
                "rule {n} has {} output entries but the table has {n_outputs} outputs",
                output_entries.len()
            ),
            "give the rule one <outputEntry> per output",
        );
    }
    Rule {
        id: el.attr("id").map(str::to_string),
        description: FileCx::child(el, "description")
            .map(|d| d.text.trim().to_string())
            .filter(|d| !d.is_empty()),
        input_entries,
        output_entries,
        pos: cx.pos(el.offset),
    }
}
