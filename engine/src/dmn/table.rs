//! Evaluating a decision table: each input expression once, then each rule
//! against those values, then the hit policy over the matching rules. A
//! Python input that fails counts only when a rule tests it, as in
//! SpiffWorkflow, which evaluates an input for each entry that is not `-`.

use super::compiled::{CTable, Coerce, Tests};
use super::env::Env;
use super::error::DmnError;
use super::feel::UnaryTests;
use super::hit_policy;
use super::number::Number;
use super::temporal;
use super::value::{Value, duration_value};

/// The table's value and the 0-based indices of the matching rules.
pub(crate) fn evaluate(t: &CTable, env: &Env<'_>) -> Result<(Value, Vec<usize>), DmnError> {
    let mut values = Vec::with_capacity(t.inputs.len());
    for input in &t.inputs {
        let v = match env.value(&input.expr) {
            Ok(v) => coerce(v, input.coerce),
            // Kept until a rule tests this input.
            Err(e) if input.lazy => {
                values.push(Err(e));
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some((allowed, text)) = &input.allowed {
            if !matches!(v, Value::Null) && !env.test(allowed, &v, &input.expr.at)? {
                return Err(DmnError::InputNotAllowed {
                    decision: env.decision.to_string(),
                    input: input.label.clone(),
                    value: v.to_string(),
                    allowed: text.clone(),
                });
            }
        }
        values.push(Ok(v));
    }
    let mut matched = Vec::new();
    // With every input evaluated, the index narrows the rules; an input
    // that failed (a lazy Python one) must fail where linear order would,
    // so then every rule is tried.
    let (candidates, index) = match &t.index {
        Some(index) => match values
            .iter()
            .map(|v| v.as_ref().ok())
            .collect::<Option<Vec<_>>>()
        {
            Some(oks) => (Some(index.candidates(&oks)), Some(index)),
            None => (None, None),
        },
        None => (None, None),
    };
    let order: Box<dyn Iterator<Item = usize>> = match &candidates {
        Some(c) => Box::new(c.iter()),
        None => Box::new(0..t.rules.len()),
    };
    'rules: for i in order {
        let rule = &t.rules[i];
        for (c, (test, v)) in rule.inputs.iter().zip(&values).enumerate() {
            if matches!(test.code, Tests::Feel(UnaryTests::Any)) {
                continue;
            }
            let v = v.as_ref().map_err(Clone::clone)?;
            if index.is_some_and(|x| x.covers(c, v)) {
                continue;
            }
            if !env.test(&test.code, v, &test.at)? {
                continue 'rules;
            }
        }
        matched.push(i);
        // FIRST needs no more than the first match.
        if t.hit_policy == crate::model::dmn::HitPolicy::First {
            break;
        }
    }
    let value = hit_policy::apply(t, &matched, env)?;
    Ok((value, matched))
}

/// Reads a JSON string as the input's declared type, so form data such as
/// `"2024-05-01"` or `"42"` meets typed rules.
fn coerce(v: Value, c: Coerce) -> Value {
    let Value::String(s) = &v else {
        return v;
    };
    let parsed = match c {
        Coerce::None => None,
        Coerce::Number => Number::parse(s).map(Value::Number),
        Coerce::Date => temporal::parse_date(s).map(Value::Date),
        Coerce::Time => temporal::parse_time(s).map(Value::Time),
        Coerce::DateTime => temporal::parse_date_time(s).map(Value::DateTime),
        Coerce::Duration => temporal::parse_duration(s).map(duration_value),
    };
    parsed.unwrap_or(v)
}
