//! spiffworkflow `formJsonSchemaFilename` forms: a JSON Schema whose
//! properties are asked one by one.
//!
//! - `string`, `integer`, `number` as text; `boolean` as yes/no;
//! - `enum`, and `oneOf`/`anyOf` whose branches are `const` (+ `title`), as
//!   a selection list; arrays of such items as a multi-selection;
//! - nested objects property by property, arrays of simple items one item
//!   per line;
//! - `default` (or the value already in the task data) on an empty answer;
//!   a `required` property cannot be left empty, an optional one can;
//! - anything else (arrays of objects…) as one JSON value.
//!
//! Every answer is checked against its part of the schema (the jsonschema
//! crate: `minimum`/`maximum`, `minLength`/`maxLength`, `pattern`,
//! `format`…) and asked again with the reason; the whole answer is checked
//! against the whole schema before it is accepted. Answers from an answers
//! file get that last check ([`SchemaForm::check_answers`]).

use serde_json::{Map, Value};

use super::super::prompter::{PromptResult, Prompter};
use bpmn_engine::Data;

/// A loaded form.
pub struct SchemaForm {
    root: Value,
    validator: jsonschema::Validator,
}

fn build(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("not a usable JSON Schema: {e}"))
}

/// The reasons `instance` does not satisfy `validator`, one per line,
/// prefixed by where in the answer (for nested values).
fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(instance)
        .map(|e| (e.instance_path().as_str().to_string(), e.to_string()))
        .collect()
}

/// A problem as the form shows it: where in the answer (for a nested
/// value), then why.
fn shown(path: &str, msg: String) -> String {
    if path.is_empty() {
        msg
    } else {
        format!("{path}: {msg}")
    }
}

/// What kind of question a schema asks.
enum Kind {
    Const(Value),
    Choice(Vec<(Value, String)>),
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Json,
}

impl SchemaForm {
    /// Checks the schema; a form must describe an object.
    pub fn new(root: Value) -> Result<SchemaForm, String> {
        let validator = build(&root)?;
        let form = SchemaForm { root, validator };
        let r = form.resolve(&form.root);
        if !matches!(form.kind(r), Kind::Object) {
            return Err("the form schema must describe an object (\"type\": \"object\")".into());
        }
        Ok(form)
    }

    /// Asks every property; `current` (the task data) supplies values
    /// already known, which win over schema defaults.
    pub fn ask(&self, p: &mut dyn Prompter, current: &Data) -> PromptResult<Data> {
        // The schema speaks JSON: work on a JSON object of the data.
        let current = &current.to_json_map();
        let root = self.resolve(&self.root);
        if let Some(t) = root.get("title").and_then(Value::as_str) {
            p.note(t);
        }
        if let Some(d) = root.get("description").and_then(Value::as_str) {
            p.note(d);
        }
        let mut answers = self.ask_properties(p, root, current, None)?;
        loop {
            let value = Value::Object(answers);
            let errors = problems(&self.validator, &value);
            let Value::Object(a) = value else {
                unreachable!()
            };
            answers = a;
            if errors.is_empty() {
                return Ok(Data::from(answers));
            }
            // Ask again the top-level properties the errors point into (all
            // of them for an error about the form as a whole).
            let mut again: Vec<String> = Vec::new();
            for (path, msg) in &errors {
                p.warn(&shown(path, msg.clone()));
                let top = path
                    .split('/')
                    .nth(1)
                    .unwrap_or("")
                    .replace("~1", "/")
                    .replace("~0", "~");
                if !again.contains(&top) {
                    again.push(top);
                }
            }
            let only = if again.iter().any(String::is_empty) {
                None
            } else {
                Some(again)
            };
            let mut merged = current.clone();
            merged.extend(answers.clone());
            let redone = self.ask_properties(p, root, &merged, only.as_deref())?;
            answers.extend(redone);
        }
    }

    /// Checks answers given all at once (an answers file): `given`, and for
    /// a property of the form not given its value in `current` (the task
    /// data the form would offer as the default), against the whole
    /// schema. The messages are those the form shows (`/qty: 0 is less
    /// than the minimum of 1`, `"name" is a required property`).
    pub fn check_answers(
        &self,
        given: &Map<String, Value>,
        current: &Map<String, Value>,
    ) -> Vec<String> {
        let root = self.resolve(&self.root);
        let mut names: Vec<&str> = root
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        if let Some(required) = root.get("required").and_then(Value::as_array) {
            names.extend(required.iter().filter_map(Value::as_str));
        }
        let mut values = given.clone();
        for name in names {
            if !values.contains_key(name)
                && let Some(v) = current.get(name)
            {
                values.insert(name.to_string(), v.clone());
            }
        }
        problems(&self.validator, &Value::Object(values))
            .into_iter()
            .map(|(path, msg)| shown(&path, msg))
            .collect()
    }

    /// Asks the properties of object schema `schema` (only those named in
    /// `only`, when given) and returns the answers.
    fn ask_properties(
        &self,
        p: &mut dyn Prompter,
        schema: &Value,
        current: &Map<String, Value>,
        only: Option<&[String]>,
    ) -> PromptResult<Map<String, Value>> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            return Ok(out);
        };
        for (name, prop) in props {
            if only.is_some_and(|o| !o.iter().any(|n| n == name)) {
                continue;
            }
            let value = self.ask_value(
                p,
                name,
                prop,
                required.contains(&name.as_str()),
                current.get(name),
            )?;
            if let Some(v) = value {
                out.insert(name.clone(), v);
            }
        }
        Ok(out)
    }

    /// Follows a local `$ref` (`#/$defs/x`, `#/definitions/x`).
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let mut s = schema;
        for _ in 0..16 {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with('#') => match self.root.pointer(&r[1..]) {
                    Some(target) => s = target,
                    None => return s,
                },
                _ => return s,
            }
        }
        s
    }

    /// A validator for a part of the form; the root's definitions come along
    /// so `$ref`s inside it still resolve.
    fn part_validator(&self, schema: &Value) -> Option<jsonschema::Validator> {
        let mut s = schema.clone();
        if let Value::Object(m) = &mut s {
            for k in ["$schema", "$defs", "definitions"] {
                if let Some(v) = self.root.get(k) {
                    m.entry(k).or_insert_with(|| v.clone());
                }
            }
        }
        build(&s).ok()
    }

    fn kind(&self, schema: &Value) -> Kind {
        if let Some(c) = schema.get("const") {
            return Kind::Const(c.clone());
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Kind::Choice(values.iter().map(|v| (v.clone(), label_of(v))).collect());
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                let choices: Option<Vec<(Value, String)>> = branches
                    .iter()
                    .map(|b| {
                        let b = self.resolve(b);
                        b.get("const").map(|c| {
                            let title = b
                                .get("title")
                                .and_then(Value::as_str)
                                .map(str::to_string)
                                .unwrap_or_else(|| label_of(c));
                            (c.clone(), title)
                        })
                    })
                    .collect();
                if let Some(c) = choices.filter(|c| !c.is_empty()) {
                    return Kind::Choice(c);
                }
            }
        }
        let ty = match schema.get("type") {
            Some(Value::String(t)) => Some(t.as_str()),
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            _ => None,
        };
        match ty {
            Some("object") => Kind::Object,
            Some("array") => Kind::Array,
            Some("string") => Kind::String,
            Some("integer") => Kind::Integer,
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            None if schema.get("properties").is_some() => Kind::Object,
            None if schema.get("items").is_some() => Kind::Array,
            _ => Kind::Json,
        }
    }

    /// Asks one value. `None` leaves it out (an optional value left empty).
    fn ask_value(
        &self,
        p: &mut dyn Prompter,
        name: &str,
        schema: &Value,
        required: bool,
        current: Option<&Value>,
    ) -> PromptResult<Option<Value>> {
        let schema = self.resolve(schema);
        let label = schema
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string();
        let default = current.or_else(|| schema.get("default")).cloned();
        if schema.get("readOnly").and_then(Value::as_bool) == Some(true) {
            if let Some(d) = &default {
                p.note(&format!("{label}: {}", label_of(d)));
            }
            return Ok(default);
        }
        let kind = self.kind(schema);
        if !matches!(kind, Kind::Const(_) | Kind::Object)
            && let Some(d) = schema.get("description").and_then(Value::as_str)
        {
            p.note(&format!("{label}: {d}"));
        }
        let validator = self.part_validator(schema);
        match kind {
            Kind::Const(c) => Ok(Some(c)),
            Kind::Choice(choices) => {
                let mut items: Vec<String> = choices.iter().map(|(_, t)| t.clone()).collect();
                let optional = !required && default.is_none();
                if optional {
                    items.push("(none)".into());
                }
                let at = default
                    .as_ref()
                    .and_then(|d| choices.iter().position(|(v, _)| v == d))
                    .unwrap_or(0);
                let i = p.select(&label, &items, at)?;
                Ok(choices.get(i).map(|(v, _)| v.clone()))
            }
            Kind::Boolean => {
                let d = default.as_ref().and_then(Value::as_bool).unwrap_or(false);
                Ok(Some(Value::Bool(p.confirm(&label, d)?)))
            }
            Kind::Object => {
                p.note(&format!("{label}:"));
                if let Some(d) = schema.get("description").and_then(Value::as_str) {
                    p.note(d);
                }
                let empty = Map::new();
                let cur = default
                    .as_ref()
                    .and_then(Value::as_object)
                    .unwrap_or(&empty);
                loop {
                    let v = Value::Object(self.ask_properties(p, schema, cur, None)?);
                    match self.check(p, validator.as_ref(), &v) {
                        true => return Ok(Some(v)),
                        false => continue,
                    }
                }
            }
            Kind::Array => self.ask_array(p, &label, schema, required, default, validator),
            Kind::String | Kind::Integer | Kind::Number | Kind::Json => {
                let hint = match (&kind, schema.get("format").and_then(Value::as_str)) {
                    (_, Some("date")) => " (YYYY-MM-DD)".to_string(),
                    (_, Some(f)) => format!(" ({f})"),
                    (Kind::Json, _) => " (JSON)".to_string(),
                    _ => String::new(),
                };
                let prompt = format!("{label}{hint}");
                let shown = default.as_ref().map(label_of);
                loop {
                    let a = p.text(&prompt, shown.as_deref())?;
                    if a.is_empty() {
                        if required {
                            p.warn(&format!("{label} is required"));
                            continue;
                        }
                        return Ok(None);
                    }
                    let v = match (shown.as_deref() == Some(a.as_str()), &default) {
                        (true, Some(d)) => Ok(d.clone()),
                        _ => parse(&kind, &a),
                    };
                    match v {
                        Ok(v) if self.check(p, validator.as_ref(), &v) => return Ok(Some(v)),
                        Ok(_) => {}
                        Err(m) => p.warn(&m),
                    }
                }
            }
        }
    }

    fn ask_array(
        &self,
        p: &mut dyn Prompter,
        label: &str,
        schema: &Value,
        required: bool,
        default: Option<Value>,
        validator: Option<jsonschema::Validator>,
    ) -> PromptResult<Option<Value>> {
        let items_schema = self.resolve(schema.get("items").unwrap_or(&Value::Bool(true)));
        let item_kind = self.kind(items_schema);
        let existing: Vec<Value> = default
            .as_ref()
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if let Kind::Choice(choices) = &item_kind {
            let items: Vec<String> = choices.iter().map(|(_, t)| t.clone()).collect();
            let checked: Vec<bool> = choices.iter().map(|(v, _)| existing.contains(v)).collect();
            loop {
                let chosen = p.multi_select(label, &items, &checked)?;
                let v = Value::Array(chosen.iter().map(|&i| choices[i].0.clone()).collect());
                if self.check(p, validator.as_ref(), &v) {
                    return Ok(Some(v));
                }
            }
        }
        let simple = matches!(
            item_kind,
            Kind::String | Kind::Integer | Kind::Number | Kind::Boolean
        );
        if !simple {
            // Arrays of objects or of mixed items: one JSON value.
            let shown = default.as_ref().map(|d| d.to_string());
            loop {
                let a = p.text(&format!("{label} (JSON array)"), shown.as_deref())?;
                if a.is_empty() && !required {
                    return Ok(None);
                }
                match serde_json::from_str::<Value>(&a) {
                    Ok(v) if self.check(p, validator.as_ref(), &v) => return Ok(Some(v)),
                    Ok(_) => {}
                    Err(e) => p.warn(&format!("not JSON: {e}")),
                }
            }
        }
        let item_validator = self.part_validator(items_schema);
        p.note(&format!(
            "{label}: one item per line, an empty line ends the list{}",
            if default.is_some() {
                format!(
                    " (an empty first line keeps {})",
                    default.as_ref().map(Value::to_string).unwrap_or_default()
                )
            } else {
                String::new()
            }
        ));
        'list: loop {
            let mut list: Vec<Value> = Vec::new();
            loop {
                let a = p.text(&format!("{label} #{}", list.len() + 1), None)?;
                if a.is_empty() {
                    break;
                }
                let v = match &item_kind {
                    Kind::Boolean => super::super::line::yes_no(&a)
                        .map(Value::Bool)
                        .ok_or_else(|| "answer y or n".to_string()),
                    k => parse(k, &a),
                };
                match v {
                    Ok(v) if self.check(p, item_validator.as_ref(), &v) => list.push(v),
                    Ok(_) => {}
                    Err(m) => p.warn(&m),
                }
            }
            let v = match (list.is_empty(), default.clone()) {
                (true, Some(d)) => d,
                (true, None) if !required => return Ok(None),
                _ => Value::Array(list),
            };
            if self.check(p, validator.as_ref(), &v) {
                return Ok(Some(v));
            }
            continue 'list;
        }
    }

    /// Validates `v`; on failure shows why and returns false.
    fn check(
        &self,
        p: &mut dyn Prompter,
        v: Option<&jsonschema::Validator>,
        value: &Value,
    ) -> bool {
        let Some(v) = v else { return true };
        let errors = problems(v, value);
        for (path, msg) in &errors {
            p.warn(&shown(path, msg.clone()));
        }
        errors.is_empty()
    }
}

/// How a value is shown in a prompt or a list.
fn label_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a typed answer.
fn parse(kind: &Kind, text: &str) -> Result<Value, String> {
    match kind {
        Kind::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("`{text}` is not a whole number")),
        Kind::Number => {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::from(i));
            }
            text.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| format!("`{text}` is not a number"))
        }
        Kind::Json => Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))),
        _ => Ok(Value::String(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::prompter::ScriptedPrompter;
    use super::*;
    use serde_json::json;

    fn form(v: Value) -> SchemaForm {
        SchemaForm::new(v).unwrap()
    }

    #[test]
    fn asks_each_type_and_reprompts_with_the_reason() {
        let f = form(json!({
            "type": "object",
            "required": ["name", "qty", "size"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 5},
                "qty": {"title": "Quantity", "type": "integer", "minimum": 1, "maximum": 9, "default": 1},
                "weight": {"type": "number"},
                "gift": {"type": "boolean"},
                "size": {"oneOf": [{"const": "S", "title": "Small"}, {"const": "L", "title": "Large"}]},
                "color": {"enum": ["red", "blue"], "default": "blue"},
                "code": {"type": "string", "pattern": "^[A-Z]{3}$"}
            }
        }));
        let mut p = ScriptedPrompter::new([
            "", "A", "Ada", // name: required, too short, ok
            "x", "12", "",    // qty: not a number, too big, default
            "2.5", // weight
            "y",   // gift
            "Large", "", // size, color default
            "abc", "ABC", // code
        ]);
        let d = f.ask(&mut p, &Data::new()).unwrap();
        assert_eq!(
            Value::from(d),
            json!({"name": "Ada", "qty": 1, "weight": 2.5, "gift": true, "size": "L", "color": "blue", "code": "ABC"})
        );
        let w = p.warnings.join("\n");
        assert!(w.contains("name is required"), "{w}");
        assert!(w.contains("shorter than 2"), "{w}");
        assert!(w.contains("`x` is not a whole number"), "{w}");
        assert!(w.contains("12 is greater than the maximum of 9"), "{w}");
        assert!(w.contains("does not match"), "{w}");
    }

    #[test]
    fn optional_values_can_be_left_out_and_task_data_is_the_default() {
        let f = form(json!({
            "type": "object",
            "properties": {
                "note": {"type": "string"},
                "level": {"enum": ["low", "high"]},
                "qty": {"type": "integer", "default": 1}
            }
        }));
        let mut cur = Data::new();
        cur.insert("qty", json!(7));
        let mut p = ScriptedPrompter::new(["", "(none)", ""]);
        let d = f.ask(&mut p, &cur).unwrap();
        assert_eq!(Value::from(d), json!({"qty": 7}));
    }

    #[test]
    fn nested_objects_and_arrays_of_simple_items() {
        let f = form(json!({
            "type": "object",
            "required": ["address", "codes"],
            "$defs": {"code": {"type": "string", "pattern": "^[A-Z0-9]{4,12}$"}},
            "properties": {
                "address": {
                    "type": "object",
                    "required": ["city"],
                    "properties": {"city": {"type": "string"}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}}
                },
                "codes": {"type": "array", "items": {"$ref": "#/$defs/code"}, "maxItems": 2, "uniqueItems": true},
                "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}},
                "counts": {"type": "array", "items": {"type": "integer"}, "default": []}
            }
        }));
        let mut p = ScriptedPrompter::new([
            "Köln", "1234", "51147", // address.city, zip invalid then ok
            "bad", "WELCOME5", "ABCD", "WXYZ", "", // codes: bad item, then 3 items
            "WELCOME5", "",    // too many → list asked again
            "0,2", // tags
            "",    // counts: default []
        ]);
        let d = f.ask(&mut p, &Data::new()).unwrap();
        assert_eq!(
            Value::from(d),
            json!({"address": {"city": "Köln", "zip": "51147"}, "codes": ["WELCOME5"], "tags": ["a", "c"], "counts": []})
        );
        let w = p.warnings.join("\n");
        assert!(w.contains("\"bad\" does not match"), "{w}");
        assert!(w.contains("has more than 2 items"), "{w}");
    }

    #[test]
    fn a_schema_that_is_not_an_object_form_is_refused() {
        assert!(SchemaForm::new(json!({"type": "string"})).is_err());
        assert!(
            SchemaForm::new(json!({"type": "object", "properties": {"a": {"type": 5}}})).is_err()
        );
    }
}
