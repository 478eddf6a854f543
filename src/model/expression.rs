//! Scripts and conditions as written in the diagram, each with a slot number
//! so the scripting layer can compile them once and look them up in O(1).

use super::SourcePos;

/// Index of an [`Expression`] in [`crate::model::Model::expressions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExprId(pub u32);

/// Whether the text is a statement list (script) or a single expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    /// A script task body, pre- or post-script: statements; top-level
    /// variables flow back into the task data.
    Script,
    /// A sequence-flow condition or other expression: evaluated for a value.
    Condition,
}

/// A script or condition and where it was written.
#[derive(Debug, Clone)]
pub struct Expression {
    pub text: String,
    pub kind: ExprKind,
    /// BPMN id of the element that owns it (task id or flow id).
    pub owner: String,
    /// Id of the top-level process it belongs to.
    pub process: String,
    /// Position of the first character of the text (line 1 of the script).
    pub pos: SourcePos,
}
