//! External functions written `function(a, b) external {java: {class:
//! "java.lang.Math", method signature: "max(double, double)"}}`: there is
//! no Java here, so the few JDK methods such models use (the `Math`
//! functions, the boxed number types' `valueOf`, `String.valueOf` and
//! `String.format` with `%s`) are done natively. Any other method gives
//! null.

use crate::dmn::value::Value;

/// Calls the Java method an external function's mapping (`{java: …}`)
/// names, with `args`.
pub(crate) fn call(mapping: &Value, args: &[Value]) -> Value {
    let Some(java) = mapping.field("java") else {
        return Value::Null;
    };
    let (Some(Value::String(class)), Some(Value::String(signature))) =
        (java.field("class"), java.field("method signature"))
    else {
        return Value::Null;
    };
    let method = signature.split('(').next().unwrap_or_default().trim();
    let num = |i: usize| match args.get(i) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    };
    let number = |n: Option<f64>| match n {
        Some(n) if n.is_finite() => Value::Number(n),
        _ => Value::Null,
    };
    match (class.as_ref(), method) {
        ("java.lang.Math", "max") => number(num(0).zip(num(1)).map(|(a, b)| a.max(b))),
        ("java.lang.Math", "min") => number(num(0).zip(num(1)).map(|(a, b)| a.min(b))),
        ("java.lang.Math", "pow") => number(num(0).zip(num(1)).map(|(a, b)| a.powf(b))),
        ("java.lang.Math", "abs") => number(num(0).map(f64::abs)),
        ("java.lang.Math", m) => {
            let f: fn(f64) -> f64 = match m {
                "cos" => f64::cos,
                "sin" => f64::sin,
                "tan" => f64::tan,
                "sqrt" => f64::sqrt,
                "exp" => f64::exp,
                "log" => f64::ln,
                "floor" => f64::floor,
                "ceil" => f64::ceil,
                _ => return Value::Null,
            };
            number(num(0).map(f))
        }
        // A Java char is one character.
        ("java.lang.String", "valueOf")
            if signature.contains("char)")
                && !matches!(args.first(), Some(Value::String(s)) if s.chars().count() == 1) =>
        {
            Value::Null
        }
        ("java.lang.String", "valueOf") => match args.first() {
            Some(Value::String(s)) => Value::String(s.clone()),
            Some(Value::Null) | None => Value::Null,
            Some(other) => Value::string(other.to_string()),
        },
        ("java.lang.String", "format") => format(args),
        (
            "java.lang.Short" | "java.lang.Byte" | "java.lang.Integer" | "java.lang.Long"
            | "java.lang.Float" | "java.lang.Double",
            "valueOf",
        ) => {
            let n = match args.first() {
                Some(Value::Number(n)) => Some(*n),
                Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            let integral = !matches!(class.as_ref(), "java.lang.Float" | "java.lang.Double");
            number(n.filter(|n| !integral || n.fract() == 0.0))
        }
        _ => Value::Null,
    }
}

/// `String.format` with `%s` placeholders (the arguments after the
/// format, or one list of them).
fn format(args: &[Value]) -> Value {
    let Some(Value::String(fmt)) = args.first() else {
        return Value::Null;
    };
    let rest: Vec<Value> = match &args[1..] {
        [Value::List(l)] => l.to_vec(),
        other => other.to_vec(),
    };
    let mut out = String::new();
    let mut next = rest.iter();
    let mut parts = fmt.split("%s");
    out.push_str(parts.next().unwrap_or_default());
    for p in parts {
        match next.next() {
            Some(Value::String(s)) => out.push_str(s),
            Some(v) => out.push_str(&v.to_string()),
            None => return Value::Null,
        }
        out.push_str(p);
    }
    Value::string(out)
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_expression;
    use super::*;

    fn mapping(class: &str, sig: &str) -> Value {
        let text = format!("{{java: {{class: \"{class}\", method signature: \"{sig}\"}}}}");
        let e = parse_expression(&text, &Default::default()).unwrap();
        super::super::eval(&e, &super::super::Scope::empty()).unwrap()
    }

    #[test]
    fn jdk_methods_are_done_natively() {
        let n = Value::Number;
        let m = mapping("java.lang.Math", "max(double, double)");
        assert_eq!(call(&m, &[n(1.5), n(4.0)]), n(4.0));
        let v = mapping("java.lang.Integer", "valueOf(java.lang.String)");
        assert_eq!(call(&v, &[Value::string("123")]), n(123.0));
        assert_eq!(call(&v, &[Value::string("1.5")]), Value::Null);
        let f = mapping(
            "java.lang.String",
            "format(java.lang.String, [Ljava.lang.Object;)",
        );
        assert_eq!(
            call(&f, &[Value::string("foo %s"), Value::string("bar")]),
            Value::string("foo bar")
        );
        let c = mapping("java.lang.String", "valueOf(char)");
        assert_eq!(call(&c, &[Value::string("a")]), Value::string("a"));
        assert_eq!(call(&c, &[Value::string("abc")]), Value::Null);
        let unknown = mapping("java.lang.System", "exit(int)");
        assert_eq!(call(&unknown, &[n(0.0)]), Value::Null);
    }
}
