//! How data from several branches becomes one: at joins and at the end of a
//! process. Maps merge recursively; for anything else the later value wins.
//! Values the later side holds unchanged are shared, not copied.

use serde_json::{Map, Value};

use crate::model::Data;

/// Merges `later` into `into`; nested objects merge key by key, any other
/// value from `later` replaces the one in `into`.
pub fn deep_merge(into: &mut Data, later: &Data) {
    for (k, v) in later.iter_shared() {
        let both_maps = v.is_object() && into.get(k).is_some_and(Value::is_object);
        if both_maps && !into.same_value(later, k) {
            if let (Some(Value::Object(a)), Value::Object(b)) = (into.get_mut(k), &**v) {
                merge_maps(a, b);
            }
        } else if !both_maps {
            into.insert_shared(k.clone(), v.clone());
        }
    }
}

/// Merges a JSON object (a message payload) into `into`, as [`deep_merge`].
pub fn merge_json(into: &mut Data, later: &Map<String, Value>) {
    for (k, v) in later {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge_maps(a, b),
            _ => into.insert(k.as_str(), v.clone()),
        }
    }
}

/// Merges JSON map `later` into `into`: maps recursively, later wins.
pub(crate) fn merge_maps(into: &mut Map<String, Value>, later: &Map<String, Value>) {
    for (k, v) in later {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge_maps(a, b),
            _ => {
                into.insert(k.clone(), v.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: Value) -> Data {
        Data::from(v.as_object().unwrap().clone())
    }

    #[test]
    fn nested_maps_merge_and_later_wins() {
        let mut a = data(json!({"x": 1, "m": {"a": 1, "b": 1}}));
        let b = data(json!({"x": 2, "m": {"b": 2, "c": 3}, "y": [1]}));
        deep_merge(&mut a, &b);
        assert_eq!(
            a.to_json(),
            json!({"x": 2, "m": {"a": 1, "b": 2, "c": 3}, "y": [1]})
        );
        // Values taken from the later side are shared with it.
        assert!(std::sync::Arc::ptr_eq(
            a.get_shared("y").unwrap(),
            b.get_shared("y").unwrap()
        ));
        let mut c = data(json!({"m": {"a": 1}}));
        merge_json(&mut c, json!({"m": {"b": 2}}).as_object().unwrap());
        assert_eq!(c.to_json(), json!({"m": {"a": 1, "b": 2}}));
    }
}
