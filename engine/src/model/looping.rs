//! Loop characteristics of an activity: multi-instance (parallel or
//! sequential) and standard loops.

use super::ExprId;

/// Where the instances of a multi-instance activity come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MiSource {
    /// `loopCardinality`: an expression giving the number of instances.
    Cardinality(ExprId),
    /// `loopDataInputRef` (or camunda `collection`): the variable holding a
    /// list or a map; one instance per item.
    Collection(String),
    /// camunda: `loopCardinality` naming variable `variable` next to
    /// `camunda:collection` (the output). As in SpiffWorkflow's Camunda
    /// parser, when the variable holds a list or a map it is the input
    /// collection; otherwise the expression is a number of instances.
    CardinalityOrCollection {
        /// The `loopCardinality` expression, used when `variable` holds
        /// no list or map.
        cardinality: ExprId,
        /// The variable the `loopCardinality` text names.
        variable: String,
    },
}

/// `multiInstanceLoopCharacteristics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiInstance {
    /// `isSequential="true"`: one instance after another; otherwise all
    /// instances are created at once.
    pub sequential: bool,
    /// Where the instances come from.
    pub source: MiSource,
    /// `inputDataItem` (or camunda `elementVariable`): each instance's item.
    pub input_item: Option<String>,
    /// `loopDataOutputRef`: the variable that receives the outputs.
    pub output: Option<String>,
    /// `outputDataItem`: the variable each instance leaves its output in.
    pub output_item: Option<String>,
    /// `completionCondition`: when true after an instance, the rest are cancelled.
    pub completion: Option<ExprId>,
    /// `spiffworkflow:scriptsOnInstances="true"`: see [`Looping::scripts_on_instances`].
    pub scripts_on_instances: bool,
}

/// `standardLoopCharacteristics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardLoop {
    /// `loopCondition`: the activity loops while it is true.
    pub condition: Option<ExprId>,
    /// `loopMaximum`: at most this many iterations.
    pub maximum: Option<u64>,
    /// `testBefore`: evaluate the condition before the first iteration too.
    pub test_before: bool,
    /// `spiffworkflow:scriptsOnInstances="true"`: see [`Looping::scripts_on_instances`].
    pub scripts_on_instances: bool,
}

/// How an activity repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Looping {
    /// `multiInstanceLoopCharacteristics`.
    Multi(MultiInstance),
    /// `standardLoopCharacteristics`.
    Standard(StandardLoop),
}

impl Looping {
    /// Where the activity's spiffworkflow `preScript` and `postScript` run:
    /// by default once around the whole activity (the pre-script before the
    /// first instance, so it can build the input collection; the
    /// post-script after the outputs are gathered), as SpiffWorkflow does;
    /// with `spiffworkflow:scriptsOnInstances="true"` in every instance or
    /// iteration instead.
    pub fn scripts_on_instances(&self) -> bool {
        match self {
            Looping::Multi(m) => m.scripts_on_instances,
            Looping::Standard(s) => s.scripts_on_instances,
        }
    }
}

/// The variable each instance or iteration sees its 0-based index in.
pub const LOOP_COUNTER: &str = "loopCounter";
