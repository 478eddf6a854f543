//! The data a task carries: a JSON object of named values, and how deep it
//! may nest.

use serde_json::Value;

/// Task and workflow data: variable name → JSON value.
pub type Data = serde_json::Map<String, serde_json::Value>;

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
    for (k, v) in data {
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
