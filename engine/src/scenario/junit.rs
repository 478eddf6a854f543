//! JUnit XML for CI systems: one `testsuite` per scenario file, one
//! `testcase` per scenario; a failing scenario has a `failure` whose
//! `message` is its first difference and whose text lists them all (its
//! `type` is `error` when the run stopped with an error it did not
//! expect, `difference` otherwise).

use std::fmt::Write;
use std::path::PathBuf;

use super::run::Outcome;

/// The JUnit XML report of `outcomes`, files in the order they first
/// appear.
pub fn junit_xml(outcomes: &[Outcome]) -> String {
    let mut files: Vec<(&PathBuf, Vec<&Outcome>)> = Vec::new();
    for o in outcomes {
        match files.iter_mut().find(|(f, _)| *f == &o.file) {
            Some((_, v)) => v.push(o),
            None => files.push((&o.file, vec![o])),
        }
    }
    let failed = |os: &[&Outcome]| os.iter().filter(|o| !o.passed()).count();
    let time = |os: &[&Outcome]| os.iter().map(|o| o.elapsed.as_secs_f64()).sum::<f64>();
    let all: Vec<&Outcome> = outcomes.iter().collect();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"bpmn test\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">",
        all.len(),
        failed(&all),
        time(&all)
    );
    for (file, os) in &files {
        let file = escape(&file.display().to_string());
        let _ = writeln!(
            x,
            "  <testsuite name=\"{file}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">",
            os.len(),
            failed(os),
            time(os)
        );
        for o in os {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{file}\" time=\"{:.3}\"",
                escape(&o.name),
                o.elapsed.as_secs_f64()
            );
            match o.first_difference() {
                None => x.push_str("/>\n"),
                Some(first) => {
                    let kind = if first.path == "error" && o.observed.error.is_some() {
                        "error"
                    } else {
                        "difference"
                    };
                    let text: Vec<String> = o.differences.iter().map(|d| d.to_string()).collect();
                    let _ = writeln!(
                        x,
                        ">\n      <failure message=\"{}\" type=\"{kind}\">{}</failure>\n    </testcase>",
                        escape(&first.to_string()),
                        escape(&text.join("\n"))
                    );
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// Escapes text for an attribute or element; characters XML 1.0 cannot
/// hold at all (controls other than tab and newlines) become `?`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use quick_xml::Reader;
    use quick_xml::events::Event;

    use super::*;
    use crate::scenario::{Difference, Observed};

    fn outcome(file: &str, name: &str, diffs: &[(&str, &str)], error: Option<&str>) -> Outcome {
        Outcome {
            name: name.into(),
            file: file.into(),
            differences: diffs
                .iter()
                .map(|&(p, m)| Difference {
                    path: p.into(),
                    message: m.into(),
                })
                .collect(),
            observed: Observed {
                error: error.map(String::from),
                ..Observed::default()
            },
            elapsed: Duration::from_millis(5),
            workflow: None,
        }
    }

    /// An element: name, attributes, text.
    type El = (String, Vec<(String, String)>, String);

    /// Every element, in document order.
    fn parse(xml: &str) -> Vec<El> {
        let mut r = Reader::from_str(xml);
        let mut out: Vec<El> = Vec::new();
        let text = |out: &mut Vec<El>, t: &str| {
            if let Some(last) = out.last_mut() {
                last.2.push_str(t);
            }
        };
        loop {
            match r.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) => {
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0);
                            (a.key.as_ref().to_string(), value.unwrap().into_owned())
                        })
                        .collect();
                    out.push((e.name().as_ref().to_string(), attrs, String::new()));
                }
                Event::Text(t) => text(&mut out, &t.xml10_content()),
                Event::GeneralRef(g) => {
                    // quick-xml hands entity and character references over
                    // separately from the text around them.
                    let c = if g.is_char_ref() {
                        g.resolve_char_ref().unwrap().unwrap().to_string()
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&g.xml10_content())
                            .expect("a predefined entity")
                            .to_string()
                    };
                    text(&mut out, &c);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    fn attr<'a>(el: &'a El, key: &str) -> &'a str {
        &el.1.iter().find(|(k, _)| k == key).unwrap().1
    }

    #[test]
    fn writes_suites_cases_and_failures_that_parse_back() {
        let xml = junit_xml(&[
            outcome("a.json", "passes", &[], None),
            outcome(
                "b.json",
                "data <&> \"quoted\"",
                &[
                    ("data.total", "expected 55.5, got 54"),
                    ("order", "X never completed"),
                ],
                None,
            ),
            outcome(
                "a.json",
                "stops",
                &[("error", "script failed: x < 1")],
                Some("script failed: x < 1"),
            ),
        ]);
        let els = parse(&xml);
        let names: Vec<&str> = els.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "testsuites",
                "testsuite",
                "testcase",
                "testcase",
                "failure",
                "testsuite",
                "testcase",
                "failure"
            ]
        );
        assert_eq!(attr(&els[0], "tests"), "3");
        assert_eq!(attr(&els[0], "failures"), "2");
        assert_eq!(attr(&els[1], "name"), "a.json");
        assert_eq!(attr(&els[1], "tests"), "2");
        assert_eq!(attr(&els[1], "failures"), "1");
        assert_eq!(attr(&els[2], "name"), "passes");
        assert_eq!(attr(&els[2], "time"), "0.005");
        assert_eq!(attr(&els[4], "type"), "error");
        assert_eq!(attr(&els[4], "message"), "error: script failed: x < 1");
        assert_eq!(attr(&els[6], "name"), "data <&> \"quoted\"");
        assert_eq!(attr(&els[6], "classname"), "b.json");
        assert_eq!(attr(&els[7], "type"), "difference");
        assert_eq!(
            attr(&els[7], "message"),
            "data.total: expected 55.5, got 54"
        );
        // The whitespace after it is collected by this simple reader too.
        assert_eq!(
            els[7].2.trim_end(),
            "data.total: expected 55.5, got 54\norder: X never completed"
        );
    }

    #[test]
    fn control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a\u{1}b\tc"), "a?b\tc");
        let xml = junit_xml(&[outcome(
            "f\u{7}.json",
            "n",
            &[("error", "bad\u{0}")],
            Some("bad"),
        )]);
        assert_eq!(parse(&xml).len(), 4);
    }
}
