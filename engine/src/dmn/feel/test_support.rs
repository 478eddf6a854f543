//! What the FEEL unit tests share: evaluating FEEL text as a decision
//! would, and making numbers.

use super::{Names, Scope, Value, eval, parse_expression};
use crate::dmn::number::Number;

/// Evaluates FEEL text, as a decision would, and shows the value.
pub(crate) fn feel(src: &str) -> String {
    let e = parse_expression(src, &Names::default()).expect("valid FEEL");
    eval(&e, &Scope::empty()).expect("evaluates").to_string()
}

/// A FEEL number.
pub(crate) fn n(x: f64) -> Value {
    Value::Number(Number::from_f64(x).unwrap())
}
