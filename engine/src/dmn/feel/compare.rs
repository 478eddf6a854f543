//! FEEL comparison of two values, shared by comparison expressions and the
//! comparison unary tests (`< 5`).

use super::ast::CmpOp;
use crate::dmn::value::{self, Value};

/// `a op b` as a FEEL boolean (null when the values cannot be compared).
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    let r = match op {
        CmpOp::Eq => value::equals(a, b),
        CmpOp::Ne => value::equals(a, b).map(|x| !x),
        _ => value::compare(a, b).map(|o| match op {
            CmpOp::Lt => o.is_lt(),
            CmpOp::Le => o.is_le(),
            CmpOp::Gt => o.is_gt(),
            _ => o.is_ge(),
        }),
    };
    r.map_or(Value::Null, Value::Bool)
}
