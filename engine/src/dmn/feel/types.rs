//! FEEL types: the built-in ones, `list<T>`, `context<k: T>`,
//! `range<T>`, `function<T> -> U`, and item definitions of the model
//! (a base type, a structure or a collection, narrowed by allowed values).
//!
//! [`FeelType::is_instance`] answers `instance of`; [`FeelType::coerce`]
//! is what happens where a value meets a declared type (a decision's
//! result, an input, a parameter): a conforming value passes, a list of
//! one item becomes that item (and an item a list of one) when the type
//! asks for it, anything else becomes null.

use std::collections::HashMap;
use std::sync::Arc;

use super::ast::UnaryTests;
use super::function::Function;
use super::parser::{Names, parse_type, parse_unary_tests};
use super::scope::Scope;
use crate::dmn::temporal;
use crate::dmn::value::{Value, duration_value};
use crate::model::dmn::ItemDefinition;

/// A FEEL type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FeelType {
    /// Any value but null.
    Any,
    /// Only null.
    Null,
    Number,
    String,
    Boolean,
    Date,
    Time,
    DateTime,
    DayTime,
    YearMonth,
    List(Box<FeelType>),
    /// A context with at least these entries, each of its type.
    Context(Vec<(String, FeelType)>),
    Range(Box<FeelType>),
    /// Parameter types and result type.
    Function(Vec<FeelType>, Box<FeelType>),
    /// An item definition of the model.
    Item(Arc<ItemType>),
    /// A type name nothing defines: every value passes (the engine does
    /// not know better), except for `instance of`, which is false.
    Unknown(String),
}

/// An item definition: a named type, its structure and allowed values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ItemType {
    pub name: String,
    pub base: FeelType,
    /// `allowedValues`: unary tests each value must pass.
    pub allowed: Option<UnaryTests>,
}

impl FeelType {
    /// The built-in type `name` (also its XML Schema spelling, with or
    /// without a `feel:` prefix).
    pub fn builtin(name: &str) -> Option<FeelType> {
        let n = name.trim();
        let n = n.strip_prefix("feel:").unwrap_or(n);
        Some(match n {
            "Any" | "any" => FeelType::Any,
            "Null" => FeelType::Null,
            "number" | "integer" | "decimal" | "double" | "long" | "int" => FeelType::Number,
            "string" => FeelType::String,
            "boolean" => FeelType::Boolean,
            "date" => FeelType::Date,
            "time" => FeelType::Time,
            "date and time" | "dateTime" => FeelType::DateTime,
            "days and time duration" | "dayTimeDuration" => FeelType::DayTime,
            "years and months duration" | "yearMonthDuration" => FeelType::YearMonth,
            "list" => FeelType::List(Box::new(FeelType::Any)),
            "context" => FeelType::Context(Vec::new()),
            _ => return None,
        })
    }

    /// `v instance of self`. Null is an instance of `Null` only (but a
    /// null entry or item is fine). An item definition's allowed values
    /// narrow what a value is coerced to, not what it is an instance of:
    /// `256 instance of t255` holds.
    pub fn is_instance(&self, v: &Value) -> bool {
        match (self, v) {
            (FeelType::Null, Value::Null) => true,
            (_, Value::Null) | (FeelType::Unknown(_), _) => false,
            (FeelType::Item(i), v) => i.base.is_instance(v),
            _ => self.shape_matches(v, FeelType::is_instance_inside),
        }
    }

    /// [`FeelType::is_instance`] for items and entries: null passes.
    fn is_instance_inside(&self, v: &Value) -> bool {
        matches!(v, Value::Null) || self.is_instance(v)
    }

    /// Whether `v` may be used where `self` is declared: like
    /// [`FeelType::is_instance`], but null (and null items or entries)
    /// conform to every type, and unknown type names accept anything.
    pub fn conforms(&self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) | (FeelType::Unknown(_), _) => true,
            (FeelType::Item(i), v) => i.base.conforms(v) && i.allows(v),
            _ => self.shape_matches(v, FeelType::conforms),
        }
    }

    /// The checks shared by [`FeelType::is_instance`] and
    /// [`FeelType::conforms`]; `inner` checks items and entries.
    fn shape_matches(&self, v: &Value, inner: fn(&FeelType, &Value) -> bool) -> bool {
        match (self, v) {
            (FeelType::Any, _) => true,
            (FeelType::Number, Value::Number(_))
            | (FeelType::String, Value::String(_))
            | (FeelType::Boolean, Value::Bool(_))
            | (FeelType::Date, Value::Date(_))
            | (FeelType::Time, Value::Time(_))
            | (FeelType::DateTime, Value::DateTime(_))
            | (FeelType::DayTime, Value::DayTime(_))
            | (FeelType::YearMonth, Value::YearMonth(_)) => true,
            (FeelType::List(t), Value::List(items)) => items.iter().all(|x| inner(t, x)),
            (FeelType::Context(entries), Value::Context(_)) => entries
                .iter()
                .all(|(k, t)| v.field(k).is_some_and(|x| inner(t, x))),
            (FeelType::Range(t), Value::Range(r)) => {
                [&r.low, &r.high].into_iter().flatten().all(|x| inner(t, x))
            }
            (FeelType::Function(params, _), Value::Function(f)) => match &**f {
                Function::User(u) => {
                    u.def.params.len() == params.len()
                        && u.def.params.iter().zip(params).all(|(p, t)| {
                            // A parameter accepts what the type passes in
                            // (or has no declared type).
                            p.ty.as_ref().is_none_or(|pt| t.is_subtype_of(pt))
                        })
                }
                _ => true,
            },
            _ => false,
        }
    }

    /// Whether every instance of `self` is an instance of `other` (as far
    /// as a check without values can tell).
    fn is_subtype_of(&self, other: &FeelType) -> bool {
        match (self, other) {
            (_, FeelType::Any) | (FeelType::Unknown(_), _) | (_, FeelType::Unknown(_)) => true,
            (FeelType::List(a), FeelType::List(b)) | (FeelType::Range(a), FeelType::Range(b)) => {
                a.is_subtype_of(b)
            }
            (FeelType::Item(a), b) => a.base.is_subtype_of(b),
            (a, b) => a == b,
        }
    }

    /// `v` where `self` is declared: itself when it conforms; the item of
    /// a list of one, or a list of the one item, when that conforms; else
    /// `None` (which the caller turns into null).
    pub fn coerce(&self, v: Value) -> Option<Value> {
        if self.conforms(&v) {
            return Some(v);
        }
        // JSON data has no dates: an ISO 8601 string is read as the date,
        // time or duration the type asks for.
        if let Value::String(s) = &v {
            let read = match self {
                FeelType::Date => temporal::parse_date(s).map(Value::Date),
                FeelType::Time => temporal::parse_time(s).map(Value::Time),
                FeelType::DateTime => temporal::parse_date_time(s).map(Value::DateTime),
                FeelType::DayTime | FeelType::YearMonth => temporal::parse_duration(s)
                    .map(duration_value)
                    .filter(|d| self.conforms(d)),
                _ => None,
            };
            if read.is_some() {
                return read;
            }
        }
        if let Value::List(l) = &v {
            if l.len() == 1 && !self.is_list() && self.conforms(&l[0]) {
                return Some(l[0].clone());
            }
        }
        if !matches!(v, Value::List(_)) && self.is_list() {
            let wrapped = Value::List(Arc::new(vec![v]));
            if self.conforms(&wrapped) {
                return Some(wrapped);
            }
        }
        None
    }

    /// Whether the type is a list (an item definition that is a
    /// collection included).
    fn is_list(&self) -> bool {
        match self {
            FeelType::List(_) => true,
            FeelType::Item(i) => i.base.is_list(),
            _ => false,
        }
    }
}

impl ItemType {
    /// Whether `v` passes the allowed values (a list passes when each
    /// item does).
    fn allows(&self, v: &Value) -> bool {
        let Some(tests) = &self.allowed else {
            return true;
        };
        let check = |x: &Value| {
            matches!(x, Value::Null) || super::matches(tests, x, &Scope::empty()).unwrap_or(false)
        };
        match (v, &self.base) {
            (Value::List(items), FeelType::List(_)) => items.iter().all(check),
            _ => check(v),
        }
    }
}

/// The types the item definitions of a model define, by name. A
/// definition may use others (in any order); one that uses itself
/// (directly or not) is left unknown there.
pub(crate) fn item_types(defs: &[ItemDefinition]) -> HashMap<String, FeelType> {
    let by_name: HashMap<&str, &ItemDefinition> =
        defs.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut done: HashMap<String, FeelType> = HashMap::new();
    for d in defs {
        let mut visiting = Vec::new();
        resolve_named(&d.name, &by_name, &mut done, &mut visiting);
    }
    done
}

fn resolve_named(
    name: &str,
    by_name: &HashMap<&str, &ItemDefinition>,
    done: &mut HashMap<String, FeelType>,
    visiting: &mut Vec<String>,
) -> Option<FeelType> {
    if let Some(t) = done.get(name) {
        return Some(t.clone());
    }
    let def = by_name.get(name)?;
    if visiting.iter().any(|v| v == name) {
        return Some(FeelType::Unknown(name.to_string()));
    }
    visiting.push(name.to_string());
    let t = resolve_def(def, by_name, done, visiting);
    visiting.pop();
    done.insert(name.to_string(), t.clone());
    Some(t)
}

/// The type one definition (or component) describes.
fn resolve_def(
    def: &ItemDefinition,
    by_name: &HashMap<&str, &ItemDefinition>,
    done: &mut HashMap<String, FeelType>,
    visiting: &mut Vec<String>,
) -> FeelType {
    let mut by_ref = |r: &str, done: &mut HashMap<String, FeelType>| -> FeelType {
        let r = r.trim();
        if let Some(t) = FeelType::builtin(r) {
            return t;
        }
        // A prefixed name (`tns:tPerson`) means the local name here.
        let local = r.rsplit(':').next().unwrap_or(r);
        for n in [r, local] {
            if let Some(t) = resolve_named(n, by_name, done, visiting) {
                return t;
            }
        }
        let names = Names {
            types: done.clone(),
            ..Names::default()
        };
        parse_type(r, &names).unwrap_or_else(|_| FeelType::Unknown(r.to_string()))
    };
    let mut base = if let Some(f) = &def.function {
        let params = f
            .parameters
            .iter()
            .map(|(_, t)| t.as_deref().map_or(FeelType::Any, |t| by_ref(t, done)))
            .collect();
        let out = f
            .output
            .as_deref()
            .map_or(FeelType::Any, |t| by_ref(t, done));
        FeelType::Function(params, Box::new(out))
    } else if !def.components.is_empty() {
        FeelType::Context(
            def.components
                .iter()
                .map(|c| (c.name.clone(), resolve_def(c, by_name, done, visiting)))
                .collect(),
        )
    } else {
        match &def.type_ref {
            Some(r) => by_ref(r, done),
            None => FeelType::Any,
        }
    };
    if def.is_collection {
        base = FeelType::List(Box::new(base));
    }
    let allowed = def
        .allowed_values
        .as_deref()
        .and_then(|t| parse_unary_tests(t, &Names::default()).ok())
        .filter(|t| *t != UnaryTests::Any);
    if allowed.is_none() && def.components.is_empty() && def.type_ref.is_some() {
        // A plain alias (`tAge` is `number`) is the type itself.
        return base;
    }
    FeelType::Item(Arc::new(ItemType {
        name: def.name.clone(),
        base,
        allowed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmn::feel::test_support::n;

    fn list(v: Vec<Value>) -> Value {
        Value::List(Arc::new(v))
    }

    #[test]
    fn instances_of_builtin_types() {
        assert!(FeelType::Number.is_instance(&n(1.0)));
        assert!(!FeelType::String.is_instance(&n(1.0)));
        assert!(!FeelType::Any.is_instance(&Value::Null));
        assert!(FeelType::Null.is_instance(&Value::Null));
        assert!(!FeelType::Number.is_instance(&Value::Null));
        let l = FeelType::List(Box::new(FeelType::Number));
        assert!(l.is_instance(&list(vec![n(1.0), n(2.0)])));
        assert!(!l.is_instance(&list(vec![n(1.0), Value::string("2")])));
        assert!(!l.is_instance(&n(1.0)));
        let c = FeelType::Context(vec![("a".into(), FeelType::String)]);
        let ctx = Value::Context(Arc::new(vec![
            ("a".into(), Value::string("x")),
            ("b".into(), n(1.0)),
        ]));
        assert!(c.is_instance(&ctx));
        assert!(!FeelType::Context(vec![("z".into(), FeelType::Any)]).is_instance(&ctx));
    }

    #[test]
    fn coercion_wraps_and_unwraps_singletons() {
        let l = FeelType::List(Box::new(FeelType::Number));
        assert_eq!(l.coerce(n(1.0)), Some(list(vec![n(1.0)])));
        assert_eq!(FeelType::Number.coerce(list(vec![n(1.0)])), Some(n(1.0)));
        assert_eq!(FeelType::Number.coerce(list(vec![n(1.0), n(2.0)])), None);
        assert_eq!(FeelType::Number.coerce(Value::string("1")), None);
        assert_eq!(FeelType::Number.coerce(Value::Null), Some(Value::Null));
        assert_eq!(
            FeelType::Date
                .coerce(Value::string("2024-05-01"))
                .map(|d| d.to_string()),
            Some("2024-05-01".to_string())
        );
        assert_eq!(FeelType::Unknown("tX".into()).coerce(n(3.0)), Some(n(3.0)));
    }

    #[test]
    fn allowed_values_narrow_an_item_definition() {
        let byte = FeelType::Item(Arc::new(ItemType {
            name: "t255".into(),
            base: FeelType::Number,
            allowed: Some(parse_unary_tests("[0..255]", &Names::default()).unwrap()),
        }));
        assert!(byte.conforms(&n(255.0)));
        assert!(!byte.conforms(&n(256.0)));
        assert_eq!(byte.coerce(n(256.0)), None);
        // `instance of` looks at the base type only.
        assert!(byte.is_instance(&n(256.0)));
    }
}

#[cfg(test)]
mod item_tests {
    use super::*;

    fn def(name: &str, type_ref: Option<&str>) -> ItemDefinition {
        ItemDefinition {
            name: name.into(),
            type_ref: type_ref.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn item_definitions_resolve_in_any_order() {
        let people = ItemDefinition {
            is_collection: true,
            ..def("tPeople", Some("tPerson"))
        };
        let person = ItemDefinition {
            components: vec![def("name", Some("string")), def("age", Some("tAge"))],
            ..def("tPerson", None)
        };
        let types = item_types(&[people, person, def("tAge", Some("number"))]);
        assert_eq!(types["tAge"], FeelType::Number);
        let bob = Value::Context(Arc::new(vec![
            ("name".into(), Value::string("Bob")),
            (
                "age".into(),
                Value::Number(crate::dmn::number::Number::from_f64(40.0).unwrap()),
            ),
        ]));
        assert!(types["tPerson"].is_instance(&bob));
        assert!(types["tPeople"].is_instance(&Value::List(Arc::new(vec![bob.clone()]))));
        assert!(!types["tPeople"].is_instance(&bob));
        // A definition that refers to itself does not loop.
        let types = item_types(&[def("tLoop", Some("tLoop"))]);
        assert!(matches!(types["tLoop"], FeelType::Unknown(_)));
    }
}
