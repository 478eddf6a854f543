//! A JSON layout that is pretty near the top and compact below a depth, so a
//! state file is readable (one task per line) without one line per number.

use std::io;

use serde_json::ser::Formatter;

/// Pretty-prints containers up to `max_depth` levels deep, compact below.
pub struct LayeredFormatter {
    depth: usize,
    max_depth: usize,
    /// Whether each open container (up to max_depth) has had a value.
    has_value: Vec<bool>,
}

impl LayeredFormatter {
    pub fn new(max_depth: usize) -> Self {
        LayeredFormatter {
            depth: 0,
            max_depth,
            has_value: Vec::new(),
        }
    }

    fn pretty(&self) -> bool {
        self.depth <= self.max_depth
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, c: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value.push(false);
        w.write_all(c)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, c: &[u8]) -> io::Result<()> {
        let had = self.has_value.pop().unwrap_or(false);
        if self.pretty() && had {
            w.write_all(b"\n")?;
            indent(w, self.depth - 1)?;
        }
        self.depth -= 1;
        w.write_all(c)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if let Some(h) = self.has_value.last_mut() {
            *h = true;
        }
        if !first {
            w.write_all(b",")?;
        }
        if self.pretty() {
            w.write_all(b"\n")?;
            indent(w, self.depth)?;
        }
        Ok(())
    }
}

fn indent<W: ?Sized + io::Write>(w: &mut W, n: usize) -> io::Result<()> {
    for _ in 0..n {
        w.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for LayeredFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty() { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }
}

/// Serializes `value` with a [`LayeredFormatter`].
pub fn to_vec<T: serde::Serialize>(value: &T, max_depth: usize) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut out, LayeredFormatter::new(max_depth));
    value.serialize(&mut ser)?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn pretty_at_the_top_compact_below() {
        let v = json!({"a": 1, "rows": [[1, 2, {"x": [3]}], []], "e": {}});
        let s = String::from_utf8(super::to_vec(&v, 2).unwrap()).unwrap();
        assert_eq!(
            s,
            "{\n  \"a\": 1,\n  \"rows\": [\n    [1,2,{\"x\":[3]}],\n    []\n  ],\n  \"e\": {}\n}\n"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
