//! Text in the drawings: escaping for XML and HTML, numbers written
//! compactly, and labels wrapped to a width.
//!
//! Pictures carry no fonts, so wrapping estimates a sans-serif glyph's
//! width from the font size: good enough to keep a task's name inside its
//! rectangle in any renderer, never exact.

use std::fmt::{self, Display, Write};

use crate::model::Bounds;

/// Font size of element names.
pub(crate) const FONT_SIZE: f64 = 12.0;
/// Font size of flow labels and badges.
pub(crate) const SMALL_FONT: f64 = 11.0;
/// The colour of text.
pub(crate) const INK: &str = "#212121";
/// Average width of a sans-serif glyph, relative to the font size.
const GLYPH_WIDTH: f64 = 0.58;
/// Distance between baselines, relative to the font size.
const LINE_HEIGHT: f64 = 1.2;

/// Text escaped for XML and HTML content and attribute values (both
/// quotes escaped). Characters XML 1.0 forbids (control characters other
/// than tab and line breaks, U+FFFE, U+FFFF) are dropped: a name holding
/// one must not make the whole document unreadable.
pub(crate) struct Esc<'a>(pub &'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A coordinate written with at most two decimals and no exponent; a
/// non-finite value (which the model should never hold) is written as 0
/// so the document stays valid.
#[derive(Clone, Copy)]
pub(crate) struct Num(pub f64);

impl Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if !x.is_finite() {
            return f.write_str("0");
        }
        let r = (x * 100.0).round() / 100.0;
        let r = if r.is_finite() { r } else { x };
        if r == 0.0 {
            f.write_str("0")
        } else if r.fract() == 0.0 && r.abs() < 1e15 {
            write!(f, "{}", r as i64)
        } else {
            write!(f, "{r}")
        }
    }
}

/// Words this short are never cut, whatever the width (see [`wrap`]).
const SHORT_WORD: usize = 12;

/// `text` broken into lines no wider than `width` at font size `size`:
/// at line breaks in the text, between words, and inside a word longer
/// than a line. Empty lines of the text are kept; an empty text gives no
/// lines.
pub(crate) fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let per_line = if width.is_finite() && size > 0.0 {
        ((width / (size * GLYPH_WIDTH)).floor() as usize).max(1)
    } else {
        usize::MAX
    };
    let mut lines = Vec::new();
    if text.trim().is_empty() {
        return lines;
    }
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut len = 0;
        for word in paragraph.split_whitespace() {
            let mut rest = word;
            let mut rest_len = word.chars().count();
            let short = rest_len <= SHORT_WORD;
            if len > 0 && len + 1 + rest_len > per_line {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            // Only a word longer than a whole line gets here with the line
            // empty. It is broken after a hyphen when one fits; else it may
            // overflow by half a line (a guessed glyph width should not cut
            // "Sub-Process" into "Sub-Proce" and "ss"), and a short word
            // (at most SHORT_WORD glyphs) is never cut: DI label boxes are
            // measured with the editor's font, so "no" may get a box one
            // of our guessed glyphs wide. Longer words are cut.
            while len == 0 && rest_len > per_line {
                let hyphen = rest
                    .char_indices()
                    .take(per_line)
                    .filter(|&(i, c)| c == '-' && i > 0)
                    .last()
                    .map(|(i, _)| i + 1);
                let cut = match hyphen {
                    Some(cut) => cut,
                    None if short || rest_len * 2 <= per_line * 3 => break,
                    None => rest
                        .char_indices()
                        .nth(per_line)
                        .map_or(rest.len(), |(i, _)| i),
                };
                line.push_str(&rest[..cut]);
                lines.push(std::mem::take(&mut line));
                rest_len -= rest[..cut].chars().count();
                rest = &rest[cut..];
            }
            line.push_str(rest);
            len += rest_len;
        }
        lines.push(line);
    }
    lines
}

/// How a label sits in its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// Centred horizontally and vertically (task names, flow labels).
    Centre,
    /// Centred horizontally, from the top (labels below events).
    Top,
    /// Left-aligned, from the top (annotations, expanded subprocesses).
    TopLeft,
}

/// Writes `text` as a `<text>` element wrapped into `area`, turned a
/// quarter left around the area's centre when `rotated` (pool and lane
/// names read bottom to top).
pub(crate) fn label(
    out: &mut String,
    text: &str,
    area: Bounds,
    place: Place,
    size: f64,
    rotated: bool,
) {
    let c = area.center();
    // A rotated label is laid out in the area turned a quarter round its
    // centre, then the whole text turned back.
    let area = if rotated {
        Bounds {
            x: c.x - area.height / 2.0,
            y: c.y - area.width / 2.0,
            width: area.height,
            height: area.width,
        }
    } else {
        area
    };
    let lines = wrap(text, area.width - 4.0, size);
    if lines.is_empty() {
        return;
    }
    let line_height = size * LINE_HEIGHT;
    let total = line_height * lines.len() as f64;
    let top = match place {
        Place::Centre => area.y + (area.height - total) / 2.0,
        Place::Top | Place::TopLeft => area.y + 2.0,
    };
    let (x, anchor) = match place {
        Place::TopLeft => (area.x + 4.0, "start"),
        _ => (c.x, "middle"),
    };
    let _ = write!(
        out,
        r#"<text font-family="sans-serif" font-size="{}" fill="{INK}" text-anchor="{anchor}""#,
        Num(size)
    );
    if rotated {
        let _ = write!(out, r#" transform="rotate(-90 {} {})""#, Num(c.x), Num(c.y));
    }
    out.push('>');
    for (i, line) in lines.iter().enumerate() {
        // The baseline sits about 0.8 of the font size below the top of
        // its line box.
        let y = top + line_height * i as f64 + size * 0.95;
        let _ = write!(
            out,
            r#"<tspan x="{}" y="{}">{}</tspan>"#,
            Num(x),
            Num(y),
            Esc(line)
        );
    }
    out.push_str("</text>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_drops_forbidden_characters() {
        assert_eq!(
            Esc("a<b & \"c\" 'd'>\u{1}\u{FFFF}é").to_string(),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;é"
        );
    }

    #[test]
    fn numbers_are_short_and_always_valid() {
        assert_eq!(Num(12.0).to_string(), "12");
        assert_eq!(Num(12.345).to_string(), "12.35");
        assert_eq!(Num(-0.001).to_string(), "0");
        assert_eq!(Num(f64::NAN).to_string(), "0");
        assert_eq!(Num(1e20).to_string(), "100000000000000000000");
        assert!(!Num(1e300).to_string().contains('e'));
    }

    #[test]
    fn wraps_between_words_after_hyphens_and_inside_very_long_words() {
        // 7 glyphs of 0.58 × 10 per line at width 41.
        assert_eq!(wrap("ab cd efg hi", 41.0, 10.0), ["ab cd", "efg hi"]);
        // A word a little too long overflows; a much longer one is cut.
        assert_eq!(wrap("ab abcdefghij", 41.0, 10.0), ["ab", "abcdefghij"]);
        assert_eq!(
            wrap("abcdefghijklmnopqrstuvw", 41.0, 10.0),
            ["abcdefg", "hijklmn", "opqrstuvw"]
        );
        // Hyphenated words break after a hyphen that fits (10 a line).
        assert_eq!(
            wrap("Non-Interrupting Sub-Process-Of-Mine", 58.0, 10.0),
            ["Non-", "Interrupting", "Sub-", "Process-", "Of-Mine"]
        );
        assert_eq!(wrap("one\ntwo", 1000.0, 10.0), ["one", "two"]);
        assert!(wrap("  ", 100.0, 10.0).is_empty());
        // A short word in a box too narrow for it stays whole ("no" on a
        // flow whose DI label box is 7 px wide).
        assert_eq!(wrap("no", 7.0, 11.0), ["no"]);
        // No room at all: a long word one glyph per line, never a loop
        // without end.
        assert_eq!(wrap("abcdefghijklm", 0.0, 10.0).len(), 13);
    }

    #[test]
    fn labels_are_escaped_lines() {
        let mut out = String::new();
        let area = Bounds {
            x: 0.0,
            y: 0.0,
            width: 100.0,
            height: 80.0,
        };
        label(&mut out, "A <b> & c", area, Place::Centre, 12.0, true);
        assert!(out.contains("A &lt;b&gt; &amp; c"), "{out}");
        assert!(out.contains("rotate(-90 50 40)"), "{out}");
    }
}
