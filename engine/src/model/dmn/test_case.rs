//! Decision tests in the DMN TCK test-file format (`testCases`), which other
//! DMN tools read too.

use std::path::PathBuf;

use crate::model::SourcePos;

/// A `testCases` file.
#[derive(Debug, Clone)]
pub struct TestSuite {
    /// The test file's path, as given.
    pub path: PathBuf,
    /// The `modelName` element: the DMN file the cases were written for.
    pub model_name: Option<String>,
    /// Its `testCase`s, in file order.
    pub cases: Vec<TestCase>,
}

/// One `testCase`: input values and the expected decision results.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// The `id` attribute, else the case's number in the file.
    pub id: String,
    /// The `description` child, trimmed.
    pub description: Option<String>,
    /// `decision` (the default), `decisionService` (the service named by
    /// `invocable` is invoked with the inputs as its parameters) or another
    /// kind this engine does not run.
    pub kind: String,
    /// `invocableName`: the decision service a `decisionService` case runs.
    pub invocable: Option<String>,
    /// The `inputNode`s: the input data the decisions are evaluated with.
    pub inputs: Vec<InputNode>,
    /// The expected results, one per decision checked.
    pub results: Vec<ResultNode>,
    /// Where the `testCase` element starts (`file` is always 0).
    pub pos: SourcePos,
}

/// An `inputNode`: the value of an input data (or, for a decision
/// service, of a parameter).
#[derive(Debug, Clone)]
pub struct InputNode {
    /// The input data's name.
    pub name: String,
    /// `namespace`: the model the input data belongs to, when it is an
    /// imported one.
    pub namespace: Option<String>,
    /// Its value.
    pub value: TestValue,
}

/// A `resultNode`: the expected value of one decision.
#[derive(Debug, Clone)]
pub struct ResultNode {
    /// Decision name (or id).
    pub name: String,
    /// The case expects the evaluation to fail.
    pub error_result: bool,
    /// The `expected` child's value; `None` when there is none.
    pub expected: Option<TestValue>,
    /// Where the `resultNode` element starts (`file` is always 0).
    pub pos: SourcePos,
}

/// A typed value of a test file.
#[derive(Debug, Clone, PartialEq)]
pub enum TestValue {
    /// `xsi:nil="true"`, or an empty element.
    Nil,
    /// A `value` with its `xsi:type` local name (`decimal`, `string`, `date`…).
    Simple {
        /// The `xsi:type` without its prefix; `None` when untyped.
        xsi_type: Option<String>,
        /// The element's text.
        text: String,
    },
    /// A `list` of `item`s.
    List(Vec<TestValue>),
    /// Named `component`s: a structure.
    Components(Vec<(String, TestValue)>),
}
