//! TCK-format decision test files: `testCases` / `testCase` / `inputNode` /
//! `resultNode` / `expected`, with values, lists and components.
//!
//! The elements are matched by local name in any namespace: the TCK uses
//! `http://www.omg.org/spec/DMN/20160719/testcase`, with or without a prefix,
//! and hand-written files often leave it out.

use std::path::{Path, PathBuf};

use super::document;
use crate::diagnostic::Diagnostic;
use crate::model::SourcePos;
use crate::model::dmn::{InputNode, ResultNode, TestCase, TestSuite, TestValue};
use crate::parser::xml::Element;

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Reads and parses a test file. Problems that stop the whole file are
/// returned as errors; nothing in a readable file is fatal.
pub fn load_test_suite(path: &Path) -> Result<TestSuite, Box<Diagnostic>> {
    let bytes = super::read_source(path)?;
    parse_test_suite(path.to_path_buf(), &bytes)
}

/// Parses the test file `bytes`; `path` is used in diagnostics.
pub fn parse_test_suite(path: PathBuf, bytes: &[u8]) -> Result<TestSuite, Box<Diagnostic>> {
    let doc = document::parse(&path, bytes, "DMN test-case XML")?;
    let root = &doc.root;
    if root.local != "testCases" {
        let (line, col) = doc.lines.line_col(doc.text, root.offset);
        let mut d = document::file_error(
            &path,
            line,
            col,
            format!(
                "not a decision test file: the root element is `{}`, expected `testCases`",
                root.local
            ),
            "DMN test-case XML",
        );
        d.help = Some(
            "write <testCases><testCase><inputNode>…</inputNode><resultNode>…</resultNode></testCase></testCases> (the DMN TCK format)"
                .into(),
        );
        return Err(Box::new(d));
    }
    let pos = |offset: usize| -> SourcePos {
        let (line, col) = doc.lines.line_col(doc.text, offset);
        SourcePos { file: 0, line, col }
    };
    let cases = children(root, "testCase")
        .enumerate()
        .map(|(i, tc)| TestCase {
            id: tc
                .attr("id")
                .map(str::to_string)
                .unwrap_or_else(|| format!("{}", i + 1)),
            description: child(tc, "description").map(|d| d.text.trim().to_string()),
            kind: tc.attr("type").unwrap_or("decision").to_string(),
            invocable: tc.attr("invocableName").map(str::to_string),
            inputs: children(tc, "inputNode")
                .map(|n| InputNode {
                    name: n.attr("name").unwrap_or_default().to_string(),
                    namespace: n.attr("namespace").map(str::to_string),
                    value: value_of(n),
                })
                .collect(),
            results: children(tc, "resultNode")
                .map(|r| ResultNode {
                    name: r.attr("name").unwrap_or_default().to_string(),
                    error_result: r.attr("errorResult").map(str::trim) == Some("true"),
                    expected: child(r, "expected").map(value_of),
                    pos: pos(r.offset),
                })
                .collect(),
            pos: pos(tc.offset),
        })
        .collect();
    Ok(TestSuite {
        path,
        model_name: child(root, "modelName").map(|m| m.text.trim().to_string()),
        cases,
    })
}

fn child<'a>(el: &'a Element, local: &str) -> Option<&'a Element> {
    el.children.iter().find(|c| c.local == local)
}

fn children<'a>(el: &'a Element, local: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
    el.children.iter().filter(move |c| c.local == local)
}

/// The value held by an `inputNode`, `expected`, `component` or `item`.
fn value_of(el: &Element) -> TestValue {
    if let Some(v) = child(el, "value") {
        return simple(v);
    }
    if let Some(l) = child(el, "list") {
        return TestValue::List(children(l, "item").map(value_of).collect());
    }
    let comps: Vec<(String, TestValue)> = children(el, "component")
        .map(|c| (c.attr("name").unwrap_or_default().to_string(), value_of(c)))
        .collect();
    if !comps.is_empty() {
        return TestValue::Components(comps);
    }
    // Nothing inside (or xsi:nil="true"): null.
    TestValue::Nil
}

fn simple(v: &Element) -> TestValue {
    if v.attr_ns(XSI, "nil").map(str::trim) == Some("true") {
        return TestValue::Nil;
    }
    // Some files nest structures inside <value>.
    if v.children
        .iter()
        .any(|c| c.local == "list" || c.local == "component")
    {
        return value_of(v);
    }
    let xsi_type = v
        .attr_ns(XSI, "type")
        .map(|t| t.rsplit(':').next().unwrap_or(t).to_string());
    if xsi_type.is_none() && v.text.trim().is_empty() {
        return TestValue::Nil;
    }
    TestValue::Simple {
        xsi_type,
        text: v.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_lists_and_components() {
        let x = r#"<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
          <modelName>m.dmn</modelName>
          <testCase id="a">
            <inputNode name="Age"><value xsi:type="xsd:decimal">18</value></inputNode>
            <inputNode name="Gone"><value xsi:nil="true"/></inputNode>
            <resultNode name="R"><expected><list>
              <item><component name="s"><value xsi:type="xsd:string">x</value></component></item>
            </list></expected></resultNode>
          </testCase>
          <testCase><resultNode name="E" errorResult="true"/></testCase>
        </testCases>"#;
        let s = parse_test_suite("t.xml".into(), x.as_bytes()).unwrap();
        assert_eq!(s.model_name.as_deref(), Some("m.dmn"));
        assert_eq!(s.cases.len(), 2);
        let c = &s.cases[0];
        assert_eq!(
            c.inputs[0].value,
            TestValue::Simple {
                xsi_type: Some("decimal".into()),
                text: "18".into()
            }
        );
        assert_eq!(c.inputs[1].value, TestValue::Nil);
        let TestValue::List(items) = c.results[0].expected.clone().unwrap() else {
            panic!("not a list")
        };
        assert!(matches!(&items[0], TestValue::Components(v) if v[0].0 == "s"));
        assert_eq!(s.cases[1].id, "2");
        assert!(s.cases[1].results[0].error_result);
    }

    #[test]
    fn rejects_other_roots_with_position() {
        let e = parse_test_suite("t.xml".into(), b"<x/>").unwrap_err();
        assert!(e.message.contains("testCases"), "{e}");
        let e = parse_test_suite("t.xml".into(), b"<testCases>\n<a></testCases>").unwrap_err();
        assert!(e.message.contains("malformed"), "{e}");
    }
}
