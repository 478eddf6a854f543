//! The data a task carries: named JSON values, shared between the tasks
//! that carry them unchanged, and how deep they may nest.
//!
//! Each task record holds its data behind an `Arc`; a task that changes one
//! variable copies the map, not the values: every value sits behind its
//! own `Arc` and is shared with the task it came from until it is itself
//! changed ([`Data::get_mut`] copies that one value). So the instances of a
//! multi-instance activity, the iterations of a loop and the branches of a
//! fork cost O(number of variables) each, not O(size of the data), however
//! large the lists beside them. Variables keep the order in which they were
//! first set, as Python dictionaries (and SpiffWorkflow) do.

use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Task and workflow data: variable name → JSON value, in insertion order.
#[derive(Clone, Default)]
pub struct Data(IndexMap<Arc<str>, Arc<Value>, Hasher>);

/// Variable names hash with foldhash: they are short, chosen by the
/// diagram's author, and looked up on every script step, where SipHash's
/// resistance to flooding buys nothing and costs measurable time.
type Hasher = foldhash::fast::FixedState;

impl Data {
    /// No variables.
    pub fn new() -> Data {
        Data(IndexMap::default())
    }

    /// No variables, with room for `n` before it reallocates.
    pub fn with_capacity(n: usize) -> Data {
        Data(IndexMap::with_capacity_and_hasher(n, Hasher::default()))
    }

    /// How many variables are set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no variable is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value of variable `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).map(|v| &**v)
    }

    /// The shared value of `key` (cloning it costs a reference count).
    pub fn get_shared(&self, key: &str) -> Option<&Arc<Value>> {
        self.0.get(key)
    }

    /// The value of `key`, to change: copied first if another task shares it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.get_mut(key).map(Arc::make_mut)
    }

    /// Whether variable `key` is set (possibly to null).
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Sets `key` (keeping its place if it was already set).
    pub fn insert(&mut self, key: impl Into<Arc<str>>, value: Value) {
        self.0.insert(key.into(), Arc::new(value));
    }

    /// Sets `key` to a value shared with other data.
    pub fn insert_shared(&mut self, key: impl Into<Arc<str>>, value: Arc<Value>) {
        self.0.insert(key.into(), value);
    }

    /// Sets `key` without the allocations [`Data::insert`] makes for a key
    /// it already has: a variable already set keeps its key (and place),
    /// and its value's allocation when no other data shares it; a new one
    /// is added under `new_key()` (which can hand over a key shared with
    /// the caller).
    pub fn set(&mut self, key: &str, value: Value, new_key: impl FnOnce() -> Arc<str>) {
        match self.0.get_mut(key) {
            Some(slot) => match Arc::get_mut(slot) {
                Some(v) => *v = value,
                None => *slot = Arc::new(value),
            },
            None => {
                self.0.insert(new_key(), Arc::new(value));
            }
        }
    }

    /// Removes `key`, keeping the order of the others; whether it was set.
    /// (The value is dropped, not returned: returning a shared value would
    /// copy it.)
    pub fn shift_remove(&mut self, key: &str) -> bool {
        self.0.shift_remove(key).is_some()
    }

    /// [`Data::shift_remove`].
    pub fn remove(&mut self, key: &str) -> bool {
        self.shift_remove(key)
    }

    /// Removes `key` and returns its value (copied if another task shares
    /// it).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.0.shift_remove(key).map(Arc::unwrap_or_clone)
    }

    /// Keeps only the variables for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.0.retain(|k, v| keep(k, v));
    }

    /// The variables and their values, in the order they were first set.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &Value)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The variables with their shared values.
    pub fn iter_shared(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<Value>)> {
        self.0.iter()
    }

    /// The variable names, in the order they were first set.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.0.keys().map(|k| &**k)
    }

    /// The values, in the order their variables were first set.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.values().map(|v| &**v)
    }

    /// Whether `key` holds the very same (shared) value in both.
    pub fn same_value(&self, other: &Data, key: &str) -> bool {
        match (self.0.get(key), other.0.get(key)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
            (None, None) => true,
            _ => false,
        }
    }

    /// A JSON object with the same variables (copies every value).
    pub fn to_json_map(&self) -> Map<String, Value> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    /// [`Data::to_json_map`] as a [`Value`].
    pub fn to_json(&self) -> Value {
        Value::Object(self.to_json_map())
    }
}

impl PartialEq for Data {
    fn eq(&self, other: &Data) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .all(|(k, v)| other.0.get(k).is_some_and(|w| Arc::ptr_eq(v, w) || v == w))
    }
}

impl PartialEq<Map<String, Value>> for Data {
    fn eq(&self, other: &Map<String, Value>) -> bool {
        self.len() == other.len() && other.iter().all(|(k, v)| self.get(k) == Some(v))
    }
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Data {
    type Output = Value;

    /// The value of `key`, or `null` when it is not set (as `Value`'s own
    /// indexing does).
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<Map<String, Value>> for Data {
    fn from(m: Map<String, Value>) -> Data {
        m.into_iter().collect()
    }
}

impl From<Data> for Map<String, Value> {
    fn from(d: Data) -> Map<String, Value> {
        d.into_iter().collect()
    }
}

impl From<Data> for Value {
    fn from(d: Data) -> Value {
        Value::Object(d.into())
    }
}

impl<K: Into<Arc<str>>> FromIterator<(K, Value)> for Data {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Data {
        Data(
            iter.into_iter()
                .map(|(k, v)| (k.into(), Arc::new(v)))
                .collect(),
        )
    }
}

impl<K: Into<Arc<str>>> Extend<(K, Value)> for Data {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        self.0
            .extend(iter.into_iter().map(|(k, v)| (k.into(), Arc::new(v))));
    }
}

impl IntoIterator for Data {
    type Item = (String, Value);
    type IntoIter = std::iter::Map<
        indexmap::map::IntoIter<Arc<str>, Arc<Value>>,
        fn((Arc<str>, Arc<Value>)) -> (String, Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0
            .into_iter()
            .map(|(k, v)| (k.to_string(), Arc::unwrap_or_clone(v)))
    }
}

impl<'a> IntoIterator for &'a Data {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        indexmap::map::Iter<'a, Arc<str>, Arc<Value>>,
        fn((&'a Arc<str>, &'a Arc<Value>)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl Serialize for Data {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Data, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Data;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of variables")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Data, A::Error> {
                let mut out = Data::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// How deep values in task data may nest (lists and maps inside each
/// other). Data enters an instance through the start data, answers,
/// scripts, services, decisions, events and resets, and each of them is
/// checked against this, so a saved state — which wraps the data in a few
/// levels of its own — always loads again (JSON and RON readers stop at
/// 128 levels).
pub const MAX_DATA_DEPTH: usize = 100;

/// How deep `v` nests (a scalar is 0, `[1]` is 1), counted without
/// recursion and without looking further than `MAX_DATA_DEPTH + 1`.
pub fn nesting_depth(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    while let Some((v, d)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(a) => Box::new(a.iter()),
            Value::Object(m) => Box::new(m.values()),
            _ => continue,
        };
        let d = d + 1;
        deepest = deepest.max(d);
        if d > MAX_DATA_DEPTH {
            return d;
        }
        stack.extend(children.map(|c| (c, d)));
    }
    deepest
}

/// Checks that the values of `data` nest at most [`MAX_DATA_DEPTH`] deep;
/// the error names the first variable that does not.
pub fn check_depth(data: &Data) -> Result<(), String> {
    for (k, v) in data.iter() {
        check_value_depth(k, v)?;
    }
    Ok(())
}

/// Checks one value (`name` says which, in the message).
pub fn check_value_depth(name: &str, v: &Value) -> Result<(), String> {
    // The variable itself is one level inside the task data.
    if nesting_depth(v) + 1 > MAX_DATA_DEPTH {
        return Err(format!(
            "`{name}` nests lists and maps more than {MAX_DATA_DEPTH} levels deep, which task data may not"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_counts_levels_without_recursing() {
        assert_eq!(nesting_depth(&json!(1)), 0);
        assert_eq!(nesting_depth(&json!([1, {"a": [2]}])), 3);
        let mut deep = json!(0);
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        assert!(nesting_depth(&deep) > MAX_DATA_DEPTH);
        let d: Data = [("x".to_string(), deep)].into_iter().collect();
        assert!(check_depth(&d).unwrap_err().contains("`x`"));
        // Dropping it must not recurse either (serde_json drops iteratively
        // only with its own help): take it apart from the bottom.
        let mut v = d.into_iter().next().unwrap().1;
        while let Value::Array(mut a) = v {
            v = a.pop().unwrap_or(Value::Null);
        }
    }
}
