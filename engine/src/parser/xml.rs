//! A small namespace-resolved XML tree built with quick-xml's `NsReader`.
//!
//! BPMN and DMN files use any prefix (or none) for their namespaces, so every
//! element and attribute is stored with its resolved namespace URI. Byte
//! offsets are kept so diagnostics can point at `line:column`.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

/// One attribute, with its namespace URI resolved (`None` when unprefixed).
#[derive(Debug, Clone)]
pub struct Attr {
    /// The namespace URI of its prefix.
    pub ns: Option<String>,
    /// The name without prefix.
    pub local: String,
    /// The value, entities decoded.
    pub value: String,
}

/// One element of the tree.
#[derive(Debug, Clone)]
pub struct Element {
    /// The namespace URI of its prefix (or of the default namespace).
    pub ns: Option<String>,
    /// The name without prefix.
    pub local: String,
    /// Its attributes, in document order.
    pub attrs: Vec<Attr>,
    /// Its child elements, in document order.
    pub children: Vec<Element>,
    /// Concatenated character data directly inside this element (CDATA included).
    pub text: String,
    /// Byte offset of the `<` that opens this element.
    pub offset: usize,
    /// Byte offset of the first character of this element's text, if any.
    pub text_offset: Option<usize>,
}

impl Element {
    /// The value of the unprefixed attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.is_none() && a.local == name)
            .map(|a| a.value.as_str())
    }

    /// The value of attribute `name` in namespace `ns`.
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns.as_deref() == Some(ns) && a.local == name)
            .map(|a| a.value.as_str())
    }

    /// True when this element is `local` in one of the namespaces `nss`.
    pub fn is_in(&self, nss: &[&str], local: &str) -> bool {
        self.local == local && self.ns.as_deref().is_some_and(|n| nss.contains(&n))
    }

    /// Child elements in one of the namespaces `nss`.
    pub fn children_in<'a>(&'a self, nss: &'a [&'a str]) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.ns.as_deref().is_some_and(|n| nss.contains(&n)))
    }
}

/// Maps byte offsets to 1-based line and column (in characters).
///
/// Lookups are O(log lines) on ASCII lines; on other lines the column is
/// counted from the previous lookup on the same line when it was earlier,
/// so positions asked for in document order cost O(text) in all, even in a
/// file written on one line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Whether each line is ASCII (byte column = character column).
    ascii: Vec<bool>,
    /// The last lookup on a non-ASCII line: (line, byte offset, column).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl LineIndex {
    /// Indexes where each line of `text` starts.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii = starts
            .iter()
            .enumerate()
            .map(|(k, &a)| {
                let b = starts.get(k + 1).copied().unwrap_or(text.len());
                text.as_bytes()[a..b].is_ascii()
            })
            .collect();
        LineIndex {
            starts,
            ascii,
            last: std::cell::Cell::new((usize::MAX, 0, 0)),
        }
    }

    /// 1-based (line, column) of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = if self.ascii[line] {
            offset - start
        } else {
            let (l, from, col0) = self.last.get();
            let (from, col0) = if l == line && from <= offset {
                (from, col0)
            } else {
                (start, 0)
            };
            let col = col0
                + text
                    .get(from..offset)
                    .map(|s| s.chars().count())
                    .unwrap_or(offset - from);
            self.last.set((line, offset, col));
            col
        };
        (line as u32 + 1, col as u32 + 1)
    }
}

/// How deep elements may nest. Real BPMN and DMN files stay far below
/// (a subprocess adds two levels); the limit keeps every recursive walk of
/// the tree (and dropping it) within the stack.
pub const MAX_DEPTH: usize = 256;

/// A parse failure with the byte offset where it happened.
#[derive(Debug, Clone)]
pub struct XmlError {
    /// Byte offset in the text where parsing failed.
    pub offset: usize,
    /// What the XML reader said.
    pub message: String,
}

/// Parses `text` (already decoded, BOM removed) into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let (ns, event) = match reader.read_resolved_event() {
            Ok((res, ev)) => (resolve(res, pos)?, ev),
            Err(e) => {
                return Err(XmlError {
                    offset: reader.error_position() as usize,
                    message: e.to_string(),
                });
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let a = a.map_err(|err| XmlError {
                        offset: pos,
                        message: err.to_string(),
                    })?;
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (res, local) = reader.resolver().resolve_attribute(a.key);
                    let ans = match res {
                        ResolveResult::Bound(n) => Some(n.0.to_string()),
                        ResolveResult::Unbound => None,
                        // An undeclared attribute prefix (seen in some exports) is
                        // kept as a pseudo-namespace rather than failing the file.
                        ResolveResult::Unknown(p) => Some(format!("undeclared:{p}")),
                    };
                    let value = a
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|err| XmlError {
                            offset: pos,
                            message: format!("bad attribute value: {err}"),
                        })?;
                    attrs.push(Attr {
                        ns: ans,
                        local: local.as_ref().to_string(),
                        value: value.into_owned(),
                    });
                }
                let el = Element {
                    ns,
                    local: e.local_name().as_ref().to_string(),
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                    offset: pos,
                    text_offset: None,
                };
                if is_empty {
                    attach(&mut stack, &mut root, el, pos)?;
                } else {
                    if stack.len() >= MAX_DEPTH {
                        return Err(XmlError {
                            offset: pos,
                            message: format!(
                                "elements are nested more than {MAX_DEPTH} deep (here <{}>); no BPMN or DMN file needs that many levels",
                                el.local
                            ),
                        });
                    }
                    stack.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| XmlError {
                    offset: pos,
                    message: "closing tag without an opening tag".into(),
                })?;
                attach(&mut stack, &mut root, el, pos)?;
            }
            Event::Text(t) => push_text(&mut stack, pos, t.xml10_content()),
            Event::CData(c) => push_text(&mut stack, pos, c.xml10_content()),
            Event::GeneralRef(g) => {
                let resolved = if g.is_char_ref() {
                    g.resolve_char_ref()
                        .map_err(|err| XmlError {
                            offset: pos,
                            message: err.to_string(),
                        })?
                        .map(String::from)
                } else {
                    quick_xml::escape::resolve_predefined_entity(&g.xml10_content())
                        .map(String::from)
                };
                let s = resolved.ok_or_else(|| XmlError {
                    offset: pos,
                    message: format!("unknown entity &{};", g.xml10_content()),
                })?;
                push_text(&mut stack, pos, Cow::Owned(s));
            }
            Event::Eof => {
                if let Some(open) = stack.last() {
                    return Err(XmlError {
                        offset: open.offset,
                        message: format!("element <{}> is never closed", open.local),
                    });
                }
                return root.ok_or(XmlError {
                    offset: 0,
                    message: "the file holds no XML element".into(),
                });
            }
            _ => {}
        }
    }
}

fn resolve(res: ResolveResult<'_>, pos: usize) -> Result<Option<String>, XmlError> {
    match res {
        ResolveResult::Bound(n) => Ok(Some(n.0.to_string())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(p) => Err(XmlError {
            offset: pos,
            message: format!("namespace prefix `{p}` is not declared"),
        }),
    }
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    el: Element,
    pos: usize,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None if root.is_none() => *root = Some(el),
        None => {
            return Err(XmlError {
                offset: pos,
                message: "more than one root element".into(),
            });
        }
    }
    Ok(())
}

fn push_text(stack: &mut [Element], pos: usize, s: Cow<'_, str>) {
    if let Some(top) = stack.last_mut() {
        if top.text_offset.is_none() && !s.trim().is_empty() {
            top.text_offset = Some(pos);
        }
        top.text.push_str(&s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_prefixes_and_entities() {
        let x = r#"<a:r xmlns:a="urn:a" xmlns="urn:d"><b k="1 &amp; 2">x &lt; y<![CDATA[ && z]]></b></a:r>"#;
        let r = parse(x).unwrap();
        assert_eq!(r.ns.as_deref(), Some("urn:a"));
        let b = &r.children[0];
        assert_eq!(b.ns.as_deref(), Some("urn:d"));
        assert_eq!(b.attr("k"), Some("1 & 2"));
        assert_eq!(b.text, "x < y && z");
    }

    #[test]
    fn reports_unclosed_tag_position() {
        let x = "<r>\n  <a>\n</r>";
        let e = parse(x).unwrap_err();
        let (line, _) = LineIndex::new(x).line_col(x, e.offset);
        assert!(line >= 2, "{e:?}");
    }

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nçd<x";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_col(t, t.find('<').unwrap()), (2, 3));
    }
}
