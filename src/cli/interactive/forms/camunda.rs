//! camunda `formData` / `formField` forms.
//!
//! Field types: `string`, `long`, `boolean`, `date` (written `YYYY-MM-DD`,
//! kept as that string), `enum` (its `camunda:value`s, stored by id), and
//! any other type as a string. `defaultValue` is taken on an empty answer.
//! Validation constraints: `required`, `readonly`, `minlength`,
//! `maxlength`, `min`, `max` (numbers for `long`, dates for `date`). An
//! optional field left empty is stored as `null`, as Camunda submits it.
//! Answers from an answers file are checked field by field with the same
//! messages ([`check_answers`]).

use bpmn_engine::model::ExtElement;
use serde_json::{Map, Value};

use super::super::line::yes_no;
use super::super::prompter::{PromptResult, Prompter};
use bpmn_engine::Data;

/// One `formField`.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub default: Option<String>,
    /// `enum` values: (id, name).
    pub values: Vec<(String, String)>,
    /// Validation constraints: (name, config).
    pub constraints: Vec<(String, Option<String>)>,
}

impl Field {
    fn constraint(&self, name: &str) -> Option<Option<&str>> {
        self.constraints
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_deref())
    }

    fn limit(&self, name: &str) -> Option<&str> {
        self.constraint(name).flatten()
    }
}

/// Reads the fields of a `formData` element.
pub fn fields(form_data: &ExtElement) -> Vec<Field> {
    form_data
        .children
        .iter()
        .filter(|c| c.name == "formField")
        .map(|f| {
            let id = f.attrs.get("id").cloned().unwrap_or_default();
            Field {
                label: f.attrs.get("label").cloned().unwrap_or_else(|| id.clone()),
                id,
                kind: f
                    .attrs
                    .get("type")
                    .cloned()
                    .unwrap_or_else(|| "string".into()),
                default: f.attrs.get("defaultValue").cloned(),
                values: f
                    .children
                    .iter()
                    .filter(|v| v.name == "value")
                    .map(|v| {
                        let id = v.attrs.get("id").cloned().unwrap_or_default();
                        let name = v.attrs.get("name").cloned().unwrap_or_else(|| id.clone());
                        (id, name)
                    })
                    .collect(),
                constraints: f
                    .child("validation")
                    .map(|v| {
                        v.children
                            .iter()
                            .filter(|c| c.name == "constraint")
                            .filter_map(|c| {
                                let name = c.attrs.get("name")?.to_ascii_lowercase();
                                Some((name, c.attrs.get("config").cloned()))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .filter(|f| !f.id.is_empty())
        .collect()
}

/// Asks every field; values already in `current` are the defaults.
pub fn ask(p: &mut dyn Prompter, fields: &[Field], current: &Data) -> PromptResult<Data> {
    let mut out = Data::new();
    for f in fields {
        let known = current.get(&f.id).filter(|v| !v.is_null());
        let default: Option<String> = known
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .or_else(|| f.default.clone());
        if f.constraint("readonly").is_some() {
            let v = match &default {
                Some(d) => parse(f, d).unwrap_or_else(|_| Value::String(d.clone())),
                None => Value::Null,
            };
            p.note(&format!(
                "{}: {} (read-only)",
                f.label,
                super::super::render::inline(&v)
            ));
            out.insert(f.id.clone(), v);
            continue;
        }
        let required = f.constraint("required").is_some();
        let v = match f.kind.as_str() {
            "boolean" => {
                let d = default.as_deref().and_then(yes_no).unwrap_or(false);
                Value::Bool(p.confirm(&f.label, d)?)
            }
            "enum" if !f.values.is_empty() => {
                let mut items: Vec<String> = f.values.iter().map(|(_, n)| n.clone()).collect();
                let optional = !required && default.is_none();
                if optional {
                    items.push("(none)".into());
                }
                let at = default
                    .as_deref()
                    .and_then(|d| f.values.iter().position(|(id, _)| id == d))
                    .unwrap_or(0);
                let i = p.select(&f.label, &items, at)?;
                f.values
                    .get(i)
                    .map(|(id, _)| Value::String(id.clone()))
                    .unwrap_or(Value::Null)
            }
            _ => ask_text(p, f, required, default.as_deref())?,
        };
        out.insert(f.id.clone(), v);
    }
    Ok(out)
}

/// Checks answers given all at once (an answers file) field by field: a
/// field not in `given` keeps its value in `current` (the task data the
/// form offers as the default). The messages are the form's, with the
/// field's label first where the form's prompt would have shown it.
/// Read-only fields are not checked (the form never asks them).
pub fn check_answers(
    fields: &[Field],
    given: &Map<String, Value>,
    current: &Map<String, Value>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for f in fields {
        if f.constraint("readonly").is_some() {
            continue;
        }
        let v = given
            .get(&f.id)
            .or_else(|| current.get(&f.id))
            .unwrap_or(&Value::Null);
        let empty = v.is_null() || v.as_str() == Some("");
        if empty {
            if f.constraint("required").is_some() {
                problems.push(format!("{} is required", f.label));
            }
            continue;
        }
        if let Err(m) = typed(f, v).and_then(|()| check(f, v)) {
            problems.push(m);
        }
    }
    problems
}

/// Whether a JSON answer has the field's type, as the form would have
/// stored it: a whole number for `long`, true or false for `boolean`, a
/// `YYYY-MM-DD` string for `date`, one of the values' ids for `enum`, text
/// otherwise.
fn typed(f: &Field, v: &Value) -> Result<(), String> {
    let label = &f.label;
    let ok = match f.kind.as_str() {
        "long" | "integer" => v.as_i64().is_some(),
        "boolean" => v.is_boolean(),
        "date" => {
            return match v.as_str().map(|s| parse(f, s)) {
                Some(Ok(_)) => Ok(()),
                Some(Err(m)) => Err(format!("{label}: {m}")),
                None => Err(format!(
                    "{label}: `{v}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01"
                )),
            };
        }
        "enum" if !f.values.is_empty() => {
            let ids: Vec<&str> = f.values.iter().map(|(id, _)| id.as_str()).collect();
            return match v.as_str() {
                Some(s) if ids.contains(&s) => Ok(()),
                _ => Err(format!(
                    "{label}: `{}` is not one of {}",
                    shown(v),
                    ids.join(", ")
                )),
            };
        }
        _ => v.is_string(),
    };
    if ok {
        return Ok(());
    }
    Err(match f.kind.as_str() {
        "long" | "integer" => format!("{label}: `{}` is not a whole number", shown(v)),
        "boolean" => format!("{label}: `{}` is not true or false", shown(v)),
        _ => format!("{label}: `{}` is not text", shown(v)),
    })
}

/// A value as the person would have typed it: text bare, anything else as
/// JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn ask_text(
    p: &mut dyn Prompter,
    f: &Field,
    required: bool,
    default: Option<&str>,
) -> PromptResult<Value> {
    let prompt = match f.kind.as_str() {
        "date" => format!("{} (YYYY-MM-DD)", f.label),
        _ => f.label.clone(),
    };
    loop {
        let a = p.text(&prompt, default)?;
        if a.is_empty() {
            if required {
                p.warn(&format!("{} is required", f.label));
                continue;
            }
            return Ok(Value::Null);
        }
        match parse(f, &a).and_then(|v| check(f, &v).map(|()| v)) {
            Ok(v) => return Ok(v),
            Err(m) => p.warn(&m),
        }
    }
}

/// Reads an answer as the field's type.
fn parse(f: &Field, text: &str) -> Result<Value, String> {
    match f.kind.as_str() {
        "long" | "integer" => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{text}` is not a whole number")),
        "date" => match iso_date(text) {
            Some(_) => Ok(Value::String(text.to_string())),
            None => Err(format!(
                "`{text}` is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01"
            )),
        },
        "boolean" => yes_no(text)
            .map(Value::Bool)
            .ok_or_else(|| "answer y or n".into()),
        _ => Ok(Value::String(text.to_string())),
    }
}

/// Checks the validation constraints.
fn check(f: &Field, v: &Value) -> Result<(), String> {
    if let Value::String(s) = v {
        let n = s.chars().count();
        if let Some(min) = f.limit("minlength").and_then(|c| c.parse::<usize>().ok())
            && n < min
        {
            return Err(format!("{} needs at least {min} characters", f.label));
        }
        if let Some(max) = f.limit("maxlength").and_then(|c| c.parse::<usize>().ok())
            && n > max
        {
            return Err(format!("{} takes at most {max} characters", f.label));
        }
    }
    if let Some(x) = v.as_i64() {
        if let Some(min) = f.limit("min").and_then(|c| c.parse::<i64>().ok())
            && x < min
        {
            return Err(format!("{} must be at least {min}", f.label));
        }
        if let Some(max) = f.limit("max").and_then(|c| c.parse::<i64>().ok())
            && x > max
        {
            return Err(format!("{} must be at most {max}", f.label));
        }
    }
    if f.kind == "date" {
        let d = v.as_str().and_then(iso_date);
        if let (Some(d), Some(min)) = (d, f.limit("min").and_then(iso_date))
            && d < min
        {
            return Err(format!(
                "{} must be on or after {}",
                f.label,
                f.limit("min").unwrap_or("")
            ));
        }
        if let (Some(d), Some(max)) = (d, f.limit("max").and_then(iso_date))
            && d > max
        {
            return Err(format!(
                "{} must be on or before {}",
                f.label,
                f.limit("max").unwrap_or("")
            ));
        }
    }
    Ok(())
}

/// A valid `YYYY-MM-DD` date as (year, month, day).
fn iso_date(s: &str) -> Option<(i32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = s[0..4].parse().ok()?;
    let m: u32 = s[5..7].parse().ok()?;
    let d: u32 = s[8..10].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

#[cfg(test)]
mod tests {
    use super::super::super::prompter::ScriptedPrompter;
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn el(name: &str, attrs: &[(&str, &str)], children: Vec<ExtElement>) -> ExtElement {
        ExtElement {
            ns: "http://camunda.org/schema/1.0/bpmn".into(),
            name: name.into(),
            attrs: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            text: String::new(),
            children,
        }
    }

    fn constraint(name: &str, config: Option<&str>) -> ExtElement {
        let mut a = vec![("name", name)];
        if let Some(c) = config {
            a.push(("config", c));
        }
        el("constraint", &a, vec![])
    }

    #[test]
    fn every_field_type_with_defaults_and_constraints() {
        let form = el(
            "formData",
            &[],
            vec![
                el(
                    "formField",
                    &[("id", "name"), ("label", "Name"), ("type", "string")],
                    vec![el(
                        "validation",
                        &[],
                        vec![
                            constraint("required", None),
                            constraint("minlength", Some("2")),
                        ],
                    )],
                ),
                el(
                    "formField",
                    &[
                        ("id", "amount"),
                        ("label", "Amount"),
                        ("type", "long"),
                        ("defaultValue", "10"),
                    ],
                    vec![el("validation", &[], vec![constraint("max", Some("100"))])],
                ),
                el(
                    "formField",
                    &[("id", "vip"), ("label", "VIP"), ("type", "boolean")],
                    vec![],
                ),
                el(
                    "formField",
                    &[("id", "due"), ("label", "Due"), ("type", "date")],
                    vec![el(
                        "validation",
                        &[],
                        vec![constraint("min", Some("2026-01-01"))],
                    )],
                ),
                el(
                    "formField",
                    &[
                        ("id", "cur"),
                        ("label", "Currency"),
                        ("type", "enum"),
                        ("defaultValue", "USD"),
                    ],
                    vec![
                        el("value", &[("id", "EUR"), ("name", "Euro")], vec![]),
                        el("value", &[("id", "USD"), ("name", "Dollar")], vec![]),
                    ],
                ),
                el("formField", &[("id", "note"), ("label", "Note")], vec![]),
                el(
                    "formField",
                    &[("id", "src"), ("label", "Source"), ("defaultValue", "web")],
                    vec![el("validation", &[], vec![constraint("readonly", None)])],
                ),
            ],
        );
        let f = fields(&form);
        assert_eq!(f.len(), 7);
        let mut p = ScriptedPrompter::new([
            "",
            "A",
            "Ada", // name: required, too short, ok
            "many",
            "500",
            "",  // amount: not a number, > max, default 10
            "y", // vip
            "2026-02-30",
            "2025-12-31",
            "2026-03-01", // due: no such date, too early, ok
            "Euro",       // currency
            "",           // note: optional → null
        ]);
        let d = ask(&mut p, &f, &Data::new()).unwrap();
        assert_eq!(
            Value::from(d),
            json!({"name": "Ada", "amount": 10, "vip": true, "due": "2026-03-01", "cur": "EUR", "note": null, "src": "web"})
        );
        let w = p.warnings.join("\n");
        assert!(w.contains("Name is required"), "{w}");
        assert!(w.contains("at least 2 characters"), "{w}");
        assert!(w.contains("`many` is not a whole number"), "{w}");
        assert!(w.contains("Amount must be at most 100"), "{w}");
        assert!(w.contains("`2026-02-30` is not a date"), "{w}");
        assert!(w.contains("on or after 2026-01-01"), "{w}");
    }

    #[test]
    fn answers_given_at_once_are_checked_and_the_task_data_fills_the_rest() {
        let form = el(
            "formData",
            &[],
            vec![
                el(
                    "formField",
                    &[("id", "name"), ("label", "Name")],
                    vec![el("validation", &[], vec![constraint("required", None)])],
                ),
                el(
                    "formField",
                    &[("id", "n"), ("label", "N"), ("type", "long")],
                    vec![],
                ),
                el(
                    "formField",
                    &[("id", "src"), ("label", "Source"), ("type", "long")],
                    vec![el("validation", &[], vec![constraint("readonly", None)])],
                ),
            ],
        );
        let f = fields(&form);
        let map = |v: Value| v.as_object().unwrap().clone();
        // The name is already in the task data; a read-only field is never
        // asked, so never checked.
        let current = map(json!({"name": "Ada", "src": "web"}));
        assert!(check_answers(&f, &map(json!({"n": 3})), &current).is_empty());
        assert!(check_answers(&f, &map(json!({})), &current).is_empty());
        assert_eq!(
            check_answers(&f, &map(json!({"name": "", "n": 2.5})), &current),
            ["Name is required", "N: `2.5` is not a whole number"]
        );
    }

    #[test]
    fn dates_are_checked_on_the_calendar() {
        assert_eq!(iso_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(iso_date("2023-02-29"), None);
        assert_eq!(iso_date("2023-13-01"), None);
        assert_eq!(iso_date("01/02/2023"), None);
    }
}
