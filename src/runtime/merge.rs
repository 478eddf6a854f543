//! How data from several branches becomes one: at joins and at the end of a
//! process. Maps merge recursively; for anything else the later value wins.

use serde_json::Value;

use crate::model::Data;

/// Merges `later` into `into`; nested objects merge key by key, any other
/// value from `later` replaces the one in `into`.
pub fn deep_merge(into: &mut Data, later: &Data) {
    for (k, v) in later {
        match (into.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => deep_merge(a, b),
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

    #[test]
    fn nested_maps_merge_and_later_wins() {
        let mut a = json!({"x": 1, "m": {"a": 1, "b": 1}})
            .as_object()
            .unwrap()
            .clone();
        let b = json!({"x": 2, "m": {"b": 2, "c": 3}, "y": [1]})
            .as_object()
            .unwrap()
            .clone();
        deep_merge(&mut a, &b);
        assert_eq!(
            Value::Object(a),
            json!({"x": 2, "m": {"a": 1, "b": 2, "c": 3}, "y": [1]})
        );
    }
}
