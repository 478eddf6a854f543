//! External functions written `function(a, b) external {java: {class:
//! "java.lang.Math", method signature: "max(double, double)"}}`: there is
//! no Java virtual machine here, and imitating a few JDK methods would
//! give Java's double results where FEEL has decimals, so a call is an
//! evaluation error that names the method and says what to write instead.

use super::error::EvalError;
use crate::dmn::value::Value;

/// The error for calling the Java method an external function's mapping
/// (`{java: …}`) names.
pub(crate) fn call(mapping: &Value) -> EvalError {
    let java = mapping.field("java");
    let text = |k: &str| match java.and_then(|j| j.field(k)) {
        Some(Value::String(s)) => s.to_string(),
        _ => "?".to_string(),
    };
    EvalError::new(format!(
        "external Java functions are not supported (`{}.{}`): write the function in FEEL, \
         e.g. `function(x) …` or a built-in such as `sqrt`, `exp`, `log`, `abs`",
        text("class"),
        text("method signature")
    ))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_java_call_is_refused_naming_the_method() {
        let ctx = |e: Vec<(&str, Value)>| {
            Value::Context(Arc::new(
                e.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
            ))
        };
        let mapping = ctx(vec![(
            "java",
            ctx(vec![
                ("class", Value::string("java.lang.Math")),
                ("method signature", Value::string("cos(double)")),
            ]),
        )]);
        let e = call(&mapping);
        assert!(
            e.message.contains("`java.lang.Math.cos(double)`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("write the function in FEEL"));
    }
}
