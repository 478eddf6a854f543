//! How deep a written state file nests, measured on its bytes.
//!
//! The JSON and RON readers refuse documents nested deeper than 128 levels.
//! The engine keeps task data well inside that (see
//! [`crate::model::MAX_DATA_DEPTH`]), and this is the last check before a
//! save replaces a file: a state that could not be read back is refused, so
//! the previous file stays. One pass over the bytes costs far less than
//! reading the document back.

/// The deepest a saved file may nest: the readers' 128, less a margin for
/// the wrappers a reader may add (an enum or an option in RON).
pub const MAX_FILE_DEPTH: usize = 120;

/// How state files are read and written as RON. RON's reader counts two
/// steps per level and stops at 128 steps by default (64 levels, less than
/// task data may nest); this lets it read what JSON reads.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_recursion_limit(2 * 128)
}

/// The deepest nesting of `[`, `{` and `(` in `bytes`, outside string
/// literals (`"…"` with backslash escapes, as both JSON and RON write them).
pub fn bracket_depth(bytes: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_inside_strings_do_not_count() {
        assert_eq!(bracket_depth(br#"{"a": [1, {"b": "[[[\"]]"}]}"#), 3);
        assert_eq!(bracket_depth(b"(a: [Some((1))])"), 4);
        assert_eq!(bracket_depth(b"1"), 0);
    }

    #[test]
    fn a_file_the_reader_refuses_is_deeper_than_the_limit() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(serde_json::from_str::<serde_json::Value>(&deep).is_err());
        assert!(bracket_depth(deep.as_bytes()) > MAX_FILE_DEPTH);
        let ok = format!(
            "{}{}",
            "[".repeat(MAX_FILE_DEPTH),
            "]".repeat(MAX_FILE_DEPTH)
        );
        assert!(serde_json::from_str::<serde_json::Value>(&ok).is_ok());
        assert!(ron_options().from_str::<serde_json::Value>(&ok).is_ok());
    }
}
