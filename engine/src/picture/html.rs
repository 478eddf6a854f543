//! One self-contained HTML page: a title, a picture inline, then sections
//! of tables, JSON or text — what `bpmn show --html` and the coverage
//! report write.
//!
//! The page needs nothing else: its style sheet is inline, it has no
//! scripts, fonts or links, and every text is escaped. It is also
//! well-formed XML, so tests read it back with an XML parser.

use std::fmt::Write;

use super::paint::STATES;
use super::text::Esc;

/// An HTML page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The page title, also its first heading.
    pub title: String,
    /// SVG markup made by [`svg`](super::svg), inlined as is (an XML
    /// declaration before `<svg` is dropped); `None`: no picture.
    pub svg: Option<String>,
    /// The sections below the picture, in order.
    pub sections: Vec<Section>,
}

/// One section of a [`Page`]: a heading and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The section's heading.
    pub heading: String,
    /// What it shows.
    pub body: SectionBody,
}

/// What a [`Section`] shows.
#[derive(Debug, Clone, PartialEq)]
pub enum SectionBody {
    /// A table. A cell holding a task state's name (`COMPLETED`, `READY`…)
    /// is tinted with the state's colour in the picture.
    Table {
        /// Column headings.
        headers: Vec<String>,
        /// Rows of cells; a short row is padded with empty cells.
        rows: Vec<Vec<String>>,
    },
    /// A JSON value, pretty-printed.
    Json(serde_json::Value),
    /// Preformatted text (line breaks kept, long lines wrapped).
    Text(String),
}

/// The page's style sheet: plain, readable, printable.
const STYLE: &str = "body{font-family:sans-serif;margin:1.5em;color:#212121}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.5em}\
.picture{overflow:auto;border:1px solid #e0e0e0;margin:1em 0}\
table{border-collapse:collapse;font-size:0.9em}\
th,td{border:1px solid #bdbdbd;padding:0.25em 0.6em;text-align:left;vertical-align:top}\
th{background:#f5f5f5}\
pre{background:#fafafa;border:1px solid #e0e0e0;padding:0.6em;white-space:pre-wrap;word-break:break-word}\
.empty{color:#757575;font-style:italic}";

impl Page {
    /// The page as one HTML document.
    pub fn html(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{title}</title><style>{STYLE}{states}</style></head>\n<body><h1>{title}</h1>\n",
            title = Esc(&self.title),
            states = state_style(),
        );
        if let Some(svg) = &self.svg {
            // An XML declaration has no place inside an HTML body.
            let svg = svg.find("<svg").map_or(svg.as_str(), |i| &svg[i..]);
            out.push_str("<div class=\"picture\">");
            out.push_str(svg.trim_end());
            out.push_str("</div>\n");
        }
        for section in &self.sections {
            section.write(&mut out);
        }
        out.push_str("</body></html>\n");
        out
    }
}

/// Style rules tinting table cells that name a state, in the picture's
/// colours.
fn state_style() -> String {
    let mut css = String::new();
    for (state, class, fill, stroke, _) in STATES {
        if state.is_some() {
            let _ = write!(css, "td.{class}{{background:{fill};color:{stroke}}}");
        }
    }
    css
}

/// The class of a table cell naming a task state (upper case, as
/// listings write them).
fn state_class(cell: &str) -> Option<&'static str> {
    STATES
        .iter()
        .find(|s| s.0.is_some_and(|state| state.name() == cell))
        .map(|s| s.1)
}

impl Section {
    fn write(&self, out: &mut String) {
        let _ = writeln!(out, "<section><h2>{}</h2>", Esc(&self.heading));
        match &self.body {
            SectionBody::Table { headers, rows } => {
                if rows.is_empty() {
                    out.push_str("<p class=\"empty\">(none)</p>");
                } else {
                    table(out, headers, rows);
                }
            }
            SectionBody::Json(value) => {
                // Serializing a Value cannot fail: its keys are strings.
                let text = serde_json::to_string_pretty(value).unwrap_or_default();
                let _ = write!(out, "<pre class=\"json\">{}</pre>", Esc(&text));
            }
            SectionBody::Text(text) => {
                let _ = write!(out, "<pre class=\"text\">{}</pre>", Esc(text));
            }
        }
        out.push_str("</section>\n");
    }
}

/// A table; rows shorter than the headers are padded.
fn table(out: &mut String, headers: &[String], rows: &[Vec<String>]) {
    out.push_str("<table>");
    if !headers.is_empty() {
        out.push_str("<thead><tr>");
        for h in headers {
            let _ = write!(out, "<th>{}</th>", Esc(h));
        }
        out.push_str("</tr></thead>");
    }
    out.push_str("<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            match state_class(cell) {
                Some(class) => {
                    let _ = write!(out, "<td class=\"{class}\">{}</td>", Esc(cell));
                }
                None => {
                    let _ = write!(out, "<td>{}</td>", Esc(cell));
                }
            }
        }
        for _ in row.len()..headers.len() {
            out.push_str("<td></td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::xml::{self, Element};

    fn find<'a>(e: &'a Element, local: &str, out: &mut Vec<&'a Element>) {
        if e.local == local {
            out.push(e);
        }
        for c in &e.children {
            find(c, local, out);
        }
    }

    fn page() -> Page {
        Page {
            title: "Instance <1> & \"friends\"".into(),
            svg: Some(
                "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n"
                    .into(),
            ),
            sections: vec![
                Section {
                    heading: "Tasks & states".into(),
                    body: SectionBody::Table {
                        headers: vec!["Task".into(), "State".into(), "Note".into()],
                        rows: vec![
                            vec!["Review <draft>".into(), "COMPLETED".into()],
                            vec!["Ship".into(), "READY".into(), "a 'b'".into()],
                        ],
                    },
                },
                Section {
                    heading: "Data".into(),
                    body: SectionBody::Json(serde_json::json!({"html": "<script>alert(1)</script>"})),
                },
                Section {
                    heading: "Log".into(),
                    body: SectionBody::Text("line 1 <b>\nline 2 &".into()),
                },
                Section {
                    heading: "Nothing".into(),
                    body: SectionBody::Table {
                        headers: vec!["A".into()],
                        rows: vec![],
                    },
                },
            ],
        }
    }

    #[test]
    fn the_page_is_well_formed_with_everything_escaped() {
        let html = page().html();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(!html.contains("<script") && !html.contains("<?xml"));
        assert!(!html.contains("<draft>") && !html.contains("<b>"));
        let root = xml::parse(&html).expect("well-formed");
        let mut titles = Vec::new();
        find(&root, "title", &mut titles);
        assert_eq!(titles[0].text, "Instance <1> & \"friends\"");
        let mut h2 = Vec::new();
        find(&root, "h2", &mut h2);
        let headings: Vec<&str> = h2.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headings, ["Tasks & states", "Data", "Log", "Nothing"]);
        let mut svgs = Vec::new();
        find(&root, "svg", &mut svgs);
        assert_eq!(svgs.len(), 1);
        let mut pres = Vec::new();
        find(&root, "pre", &mut pres);
        assert!(
            pres[0]
                .text
                .contains(r#""html": "<script>alert(1)</script>""#)
        );
        assert_eq!(pres[1].text, "line 1 <b>\nline 2 &");
    }

    #[test]
    fn tables_pad_rows_and_tint_states() {
        let root = xml::parse(&page().html()).unwrap();
        let mut rows = Vec::new();
        find(&root, "tr", &mut rows);
        assert_eq!(rows.len(), 3);
        for row in &rows {
            assert_eq!(row.children.len(), 3, "padded to the headers");
        }
        let state = &rows[1].children[1];
        assert_eq!(state.text, "COMPLETED");
        assert_eq!(state.attr("class"), Some("state-completed"));
        assert_eq!(rows[2].children[1].attr("class"), Some("state-ready"));
        assert_eq!(rows[1].children[0].attr("class"), None);
        let mut empty = Vec::new();
        find(&root, "p", &mut empty);
        assert_eq!(empty[0].text, "(none)");
    }
}
