//! Data specifications: `ioSpecification` inputs and outputs, data objects
//! and data stores, and the associations that connect tasks to them.

/// The `dataInput`s and `dataOutput`s of an `ioSpecification` listed in
/// its input and output sets. Each is the variable named by the element's
/// `id`, as in SpiffWorkflow (its `name` is a label).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IoSpec {
    /// `dataInput` ids: on entry the task's data becomes just these
    /// variables (a missing one fails it); for a called process, what the
    /// caller hands in.
    pub inputs: Vec<String>,
    /// `dataOutput` ids: on completion the task's data becomes just these;
    /// for a called process, what is merged back into the caller's data.
    pub outputs: Vec<String>,
}

/// What a data association points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataRef {
    /// A `dataObject` (by id; also the variable name in task data).
    Object(String),
    /// A data store (the `dataStore` id, or the reference's id without one;
    /// also the variable name in task data).
    Store(String),
}

impl DataRef {
    /// The variable name the value has in task data.
    pub fn var(&self) -> &str {
        match self {
            DataRef::Object(v) | DataRef::Store(v) => v,
        }
    }
}

/// The data specification of a task.
#[derive(Debug, Clone, Default)]
pub struct NodeData {
    /// The task's own `ioSpecification`, when it has inputs or outputs.
    pub io: Option<IoSpec>,
    /// `dataInputAssociation` sources: copied into the task data on entry.
    pub reads: Vec<DataRef>,
    /// `dataOutputAssociation` targets: written from the task data on completion.
    pub writes: Vec<DataRef>,
}

/// A `dataObject` declared in a process or subprocess body.
#[derive(Debug, Clone)]
pub struct DataObjectDecl {
    /// The `dataObject`'s BPMN `id`, also its variable name in task data.
    pub id: String,
    /// The `name` attribute (a label only).
    pub name: Option<String>,
}
