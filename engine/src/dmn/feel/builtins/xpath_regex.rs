//! Regular expressions as FEEL's `matches`, `replace` and `split` read them:
//! the XML Schema / XPath 3.1 dialect (F&O §5.6), translated into the
//! syntax of the `fancy-regex` crate.
//!
//! The dialects differ in ways that change results, so the pattern is
//! rewritten rather than passed through: `.` excludes `\r` as well as `\n`;
//! `\s`, `\w`, `\i`, `\c` have XML meanings; `\p{IsBasicLatin}` names a
//! Unicode block; `[A-Z-[OI]]` subtracts a class; the `x` flag strips
//! whitespace outside classes; `q` makes the whole pattern literal; and
//! anything the XPath grammar refuses (an unknown flag, `\0`, a back
//! reference to a group not yet closed, a back reference inside a class)
//! is an error, which FEEL turns into null. `fancy-regex` is used rather
//! than `regex` because XPath patterns may hold back references (`(a)\1`).

use fancy_regex::Regex;

/// A compiled XPath regular expression.
pub(super) struct XPathRegex {
    re: Regex,
}

/// The flags `matches`, `replace` and `split` accept (F&O §5.6.2).
#[derive(Default)]
struct Flags {
    dot_all: bool,
    multi_line: bool,
    case_insensitive: bool,
    extended: bool,
    literal: bool,
}

impl Flags {
    fn parse(flags: &str) -> Option<Flags> {
        let mut f = Flags::default();
        for c in flags.chars() {
            match c {
                's' => f.dot_all = true,
                'm' => f.multi_line = true,
                'i' => f.case_insensitive = true,
                'x' => f.extended = true,
                'q' => f.literal = true,
                _ => return None,
            }
        }
        Some(f)
    }
}

impl XPathRegex {
    /// Compiles `pattern` with `flags`; `None` when either is invalid.
    pub fn new(pattern: &str, flags: &str) -> Option<XPathRegex> {
        let flags = Flags::parse(flags)?;
        let mut out = String::new();
        if flags.case_insensitive {
            out.push_str("(?i)");
        }
        if flags.literal {
            // `q` turns every other flag but `i` off.
            out.push_str(&fancy_regex::escape(pattern));
        } else {
            if flags.multi_line {
                out.push_str("(?m)");
            }
            let stripped;
            let pattern = if flags.extended {
                stripped = strip_whitespace(pattern);
                &stripped
            } else {
                pattern
            };
            Translator {
                chars: pattern.chars().collect(),
                i: 0,
                out: &mut out,
                dot_all: flags.dot_all,
                groups_opened: 0,
                open: Vec::new(),
                closed: Vec::new(),
            }
            .run()?;
        }
        Regex::new(&out).ok().map(|re| XPathRegex { re })
    }

    /// Whether the pattern matches somewhere in `input`.
    pub fn is_match(&self, input: &str) -> Option<bool> {
        self.re.is_match(input).ok()
    }

    /// `input` with every match replaced by `replacement`, in which `$N`
    /// is the N-th group and `\$`, `\\` are literal; `None` when the
    /// replacement is malformed or the pattern matches the empty string
    /// (both errors in XPath).
    pub fn replace(&self, input: &str, replacement: &str) -> Option<String> {
        let parts = parse_replacement(replacement, self.re.captures_len() - 1)?;
        if self.re.is_match("").ok()? {
            return None;
        }
        let mut out = String::new();
        let mut last = 0;
        for caps in self.re.captures_iter(input) {
            let caps = caps.ok()?;
            let whole = caps.get(0)?;
            out.push_str(&input[last..whole.start()]);
            for part in &parts {
                match part {
                    Part::Text(t) => out.push_str(t),
                    Part::Group(g) => out.push_str(caps.get(*g).map_or("", |m| m.as_str())),
                }
            }
            last = whole.end();
        }
        out.push_str(&input[last..]);
        Some(out)
    }

    /// The pieces of `input` between matches (XPath `tokenize`); `None`
    /// when the pattern matches the empty string.
    pub fn split(&self, input: &str) -> Option<Vec<String>> {
        if self.re.is_match("").ok()? {
            return None;
        }
        self.re
            .split(input)
            .map(|piece| piece.ok().map(str::to_string))
            .collect()
    }
}

/// A piece of a replacement string.
enum Part {
    Text(String),
    Group(usize),
}

/// Reads `$N`, `\$` and `\\` in a replacement (F&O `fn:replace`): the
/// digits after `$` are taken while they name an existing group, or while
/// N ≤ 9 (a group beyond the count is empty); further digits are literal.
fn parse_replacement(r: &str, groups: usize) -> Option<Vec<Part>> {
    let chars: Vec<char> = r.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => match chars.get(i + 1) {
                Some(c @ ('\\' | '$')) => {
                    text.push(*c);
                    i += 2;
                }
                _ => return None,
            },
            '$' => {
                let first = chars.get(i + 1)?.to_digit(10)? as usize;
                let mut n = first;
                i += 2;
                while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                    let longer = n * 10 + d as usize;
                    if longer > groups {
                        break;
                    }
                    n = longer;
                    i += 1;
                }
                parts.push(Part::Text(std::mem::take(&mut text)));
                if n <= groups {
                    parts.push(Part::Group(n));
                }
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    parts.push(Part::Text(text));
    Some(parts)
}

/// The `x` flag: whitespace is removed except inside character classes.
fn strip_whitespace(p: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut escaped = false;
    for c in p.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') && depth == 0 {
            continue;
        }
        out.push(c);
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '[' {
            depth += 1;
        } else if c == ']' && depth > 0 {
            depth -= 1;
        }
    }
    out
}

/// Walks an XPath pattern and writes its `fancy-regex` equivalent.
struct Translator<'o> {
    chars: Vec<char>,
    i: usize,
    out: &'o mut String,
    dot_all: bool,
    groups_opened: usize,
    /// The numbers of the groups still open (0 for `(?:…)`).
    open: Vec<usize>,
    /// The numbers of the groups closed so far: only those may be referred to.
    closed: Vec<usize>,
}

impl Translator<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn run(mut self) -> Option<()> {
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                '.' => self
                    .out
                    .push_str(if self.dot_all { "(?s:.)" } else { r"[^\n\r]" }),
                '\\' => {
                    let esc = self.escape(false)?;
                    self.out.push_str(&esc);
                }
                '[' => {
                    let class = self.class()?;
                    self.out.push_str(&class);
                }
                '(' => {
                    if self.peek() == Some('?') {
                        // XPath 3.1 allows only the non-capturing `(?:`.
                        if self.chars.get(self.i + 1) != Some(&':') {
                            return None;
                        }
                        self.i += 2;
                        self.out.push_str("(?:");
                        self.open.push(0);
                    } else {
                        self.groups_opened += 1;
                        self.open.push(self.groups_opened);
                        self.out.push('(');
                    }
                }
                ')' => {
                    let n = self.open.pop()?;
                    if n > 0 {
                        self.closed.push(n);
                    }
                    self.out.push(')');
                }
                '{' => {
                    // A quantifier: digits, optionally `,` and more digits.
                    self.out.push('{');
                    while let Some(d) = self.peek() {
                        self.i += 1;
                        self.out.push(d);
                        if d == '}' {
                            break;
                        }
                        if !d.is_ascii_digit() && d != ',' {
                            return None;
                        }
                    }
                }
                ']' | '}' => return None,
                '^' | '$' | '|' | '*' | '+' | '?' => self.out.push(c),
                // The characters `fancy-regex` reads specially outside
                // classes are XPath's too, but for `#`, which only matters
                // in its `x` mode (never enabled here).
                other => self.out.push(other),
            }
        }
        self.open.is_empty().then_some(())
    }

    /// The escape after a `\`, as pattern text; inside a class the result
    /// is a class item (a nested class where a set is meant).
    fn escape(&mut self, in_class: bool) -> Option<String> {
        let c = self.peek()?;
        self.i += 1;
        Some(match c {
            'n' => r"\n".into(),
            'r' => r"\r".into(),
            't' => r"\t".into(),
            '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')' | '[' | ']'
            | '$' => format!("\\{c}"),
            's' => r"[ \t\n\r]".into(),
            'S' => r"[^ \t\n\r]".into(),
            'd' => r"\p{Nd}".into(),
            'D' => r"\P{Nd}".into(),
            // Everything but punctuation, separators and "other" (F&O §5.6.1).
            'w' => r"[^\p{P}\p{Z}\p{C}]".into(),
            'W' => r"[\p{P}\p{Z}\p{C}]".into(),
            // XML name characters, approximated by their Unicode categories.
            'i' => r"[\p{L}_:]".into(),
            'I' => r"[^\p{L}_:]".into(),
            'c' => r"[\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-\x{B7}]".into(),
            'C' => r"[^\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-\x{B7}]".into(),
            'p' | 'P' => self.property(c == 'P')?,
            '1'..='9' if !in_class => self.back_reference(c)?,
            _ => return None,
        })
    }

    /// `\N`: a back reference, to a group that has already closed. More
    /// digits extend N while the longer number is such a group.
    fn back_reference(&mut self, first: char) -> Option<String> {
        let mut n = first.to_digit(10)? as usize;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            let longer = n * 10 + d as usize;
            if !self.closed.contains(&longer) {
                break;
            }
            n = longer;
            self.i += 1;
        }
        if !self.closed.contains(&n) {
            return None;
        }
        // The group is wrapped so a following digit stays a literal.
        Some(format!("(?:\\{n})"))
    }

    /// `\p{…}` / `\P{…}`: a general category (`Lu`, `Nd`) or a block
    /// (`IsBasicLatin`).
    fn property(&mut self, negated: bool) -> Option<String> {
        if self.peek() != Some('{') {
            return None;
        }
        let start = self.i + 1;
        let end = start + self.chars[start..].iter().position(|&c| c == '}')?;
        let name: String = self.chars[start..end].iter().collect();
        self.i = end + 1;
        if let Some(block) = name.strip_prefix("Is") {
            let (lo, hi) = block_range(block)?;
            let caret = if negated { "^" } else { "" };
            return Some(format!("[{caret}\\x{{{lo:X}}}-\\x{{{hi:X}}}]"));
        }
        let valid = name.len() <= 2
            && name.chars().all(|c| c.is_ascii_alphabetic())
            && name.starts_with(|c: char| c.is_ascii_uppercase());
        if !valid {
            return None;
        }
        let p = if negated { 'P' } else { 'p' };
        Some(format!("\\{p}{{{name}}}"))
    }

    /// A character class after its `[`, with XPath's subtraction
    /// `[base-[sub]]` written as `fancy-regex`'s `[[base]--[sub]]`.
    fn class(&mut self) -> Option<String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.i += 1;
        }
        let mut items = String::new();
        let mut count = 0;
        let mut subtracted = None;
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                ']' if count > 0 => break,
                '-' if self.peek() == Some('[') && count > 0 => {
                    self.i += 1;
                    subtracted = Some(self.class()?);
                    if self.peek() != Some(']') {
                        return None;
                    }
                    self.i += 1;
                    break;
                }
                '[' => return None,
                '\\' => {
                    let esc = self.escape(true)?;
                    items.push_str(&esc);
                    count += 1;
                }
                c => {
                    // `a-z`: a range when a plain character follows the `-`.
                    let next = self.chars.get(self.i + 1).copied();
                    if self.peek() == Some('-') && next.is_some_and(|n| n != ']' && n != '[') {
                        self.i += 1;
                        let hi = match self.peek()? {
                            '\\' => {
                                self.i += 1;
                                let esc = self.escape(true)?;
                                // Only a single-character escape ends a range.
                                if esc.starts_with('[') || esc.starts_with("\\p") {
                                    return None;
                                }
                                esc
                            }
                            h => {
                                self.i += 1;
                                class_literal(h)
                            }
                        };
                        items.push_str(&class_literal(c));
                        items.push('-');
                        items.push_str(&hi);
                    } else {
                        items.push_str(&class_literal(c));
                    }
                    count += 1;
                }
            }
        }
        let caret = if negated { "^" } else { "" };
        Some(match subtracted {
            Some(sub) => format!("[[{caret}{items}]--{sub}]"),
            None => format!("[{caret}{items}]"),
        })
    }
}

/// A character inside a class, escaped where `fancy-regex` gives it a role.
fn class_literal(c: char) -> String {
    if matches!(c, '[' | ']' | '\\' | '^' | '-' | '&' | '~') {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

/// The code points of a Unicode block named as in XML Schema
/// (`\p{IsBasicLatin}`): the blocks of the Basic Multilingual Plane
/// patterns name in practice. An unknown name is an error.
fn block_range(name: &str) -> Option<(u32, u32)> {
    const BLOCKS: &[(&str, u32, u32)] = &[
        ("BasicLatin", 0x0000, 0x007F),
        ("Latin-1Supplement", 0x0080, 0x00FF),
        ("LatinExtended-A", 0x0100, 0x017F),
        ("LatinExtended-B", 0x0180, 0x024F),
        ("IPAExtensions", 0x0250, 0x02AF),
        ("SpacingModifierLetters", 0x02B0, 0x02FF),
        ("CombiningDiacriticalMarks", 0x0300, 0x036F),
        ("Greek", 0x0370, 0x03FF),
        ("GreekandCoptic", 0x0370, 0x03FF),
        ("Cyrillic", 0x0400, 0x04FF),
        ("Armenian", 0x0530, 0x058F),
        ("Hebrew", 0x0590, 0x05FF),
        ("Arabic", 0x0600, 0x06FF),
        ("Devanagari", 0x0900, 0x097F),
        ("Thai", 0x0E00, 0x0E7F),
        ("HangulJamo", 0x1100, 0x11FF),
        ("LatinExtendedAdditional", 0x1E00, 0x1EFF),
        ("GreekExtended", 0x1F00, 0x1FFF),
        ("GeneralPunctuation", 0x2000, 0x206F),
        ("SuperscriptsandSubscripts", 0x2070, 0x209F),
        ("CurrencySymbols", 0x20A0, 0x20CF),
        ("LetterlikeSymbols", 0x2100, 0x214F),
        ("NumberForms", 0x2150, 0x218F),
        ("Arrows", 0x2190, 0x21FF),
        ("MathematicalOperators", 0x2200, 0x22FF),
        ("BoxDrawing", 0x2500, 0x257F),
        ("GeometricShapes", 0x25A0, 0x25FF),
        ("MiscellaneousSymbols", 0x2600, 0x26FF),
        ("CJKSymbolsandPunctuation", 0x3000, 0x303F),
        ("Hiragana", 0x3040, 0x309F),
        ("Katakana", 0x30A0, 0x30FF),
        ("CJKUnifiedIdeographs", 0x4E00, 0x9FFF),
        ("HangulSyllables", 0xAC00, 0xD7AF),
        ("PrivateUseArea", 0xE000, 0xF8FF),
        ("AlphabeticPresentationForms", 0xFB00, 0xFB4F),
        ("HalfwidthandFullwidthForms", 0xFF00, 0xFFEF),
        ("Specials", 0xFFF0, 0xFFFF),
    ];
    BLOCKS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(_, lo, hi)| (lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(input: &str, pattern: &str, flags: &str) -> Option<bool> {
        XPathRegex::new(pattern, flags)?.is_match(input)
    }

    #[test]
    fn dot_and_anchors_follow_xpath() {
        assert_eq!(m("a\rb", "a.b", ""), Some(false));
        assert_eq!(m("a\rb", "a.b", "s"), Some(true));
        assert_eq!(m("one\ntwo", "^two$", ""), Some(false));
        assert_eq!(m("one\ntwo", "^two$", "m"), Some(true));
        assert_eq!(m("Hello", "hello", "i"), Some(true));
        assert_eq!(m("ab", "a b", "x"), Some(true));
        assert_eq!(m("a b", "a[ ]b", "x"), Some(true));
    }

    #[test]
    fn classes_subtract_and_escapes_mean_xml() {
        assert_eq!(m("E", "^[A-Z-[AEIOU]]$", ""), Some(false));
        assert_eq!(m("B", "^[A-Z-[AEIOU]]$", ""), Some(true));
        assert_eq!(m("é", r"^\p{IsBasicLatin}$", ""), Some(false));
        assert_eq!(m("e", r"^\p{IsBasicLatin}$", ""), Some(true));
        assert_eq!(m("x-y", "^[a-z-]+$", ""), Some(true));
        assert_eq!(m("a.b", "[.]", ""), Some(true));
        assert_eq!(m("a+b", r"\+", ""), Some(true));
    }

    #[test]
    fn literal_flag_and_back_references() {
        assert_eq!(m("1+1", "1+1", "q"), Some(true));
        assert_eq!(m("11", "1+1", "q"), Some(false));
        assert_eq!(m("abab", r"(ab)\1", ""), Some(true));
        assert_eq!(m("abAB", r"(ab)\1", "i"), Some(true));
    }

    #[test]
    fn invalid_patterns_and_flags_are_refused() {
        assert!(XPathRegex::new("a", "g").is_none());
        assert!(XPathRegex::new(r"(a)\2", "").is_none());
        assert!(XPathRegex::new(r"\0", "").is_none());
        assert!(XPathRegex::new(r"(a)[\1]", "").is_none());
        assert!(XPathRegex::new("(?=a)", "").is_none());
        assert!(XPathRegex::new("(a", "").is_none());
        assert!(XPathRegex::new(r"\p{IsNoSuchBlock}", "").is_none());
    }

    #[test]
    fn replacement_groups() {
        let re = XPathRegex::new("(a)(b)?", "").unwrap();
        assert_eq!(re.replace("ac", "<$1|$2>").unwrap(), "<a|>c");
        assert_eq!(re.replace("ab", r"\$$0").unwrap(), "$ab");
        // $12 with two groups: group 1 then the literal 2.
        assert_eq!(re.replace("ab", "$12").unwrap(), "a2");
        assert!(re.replace("ab", "$x").is_none());
        assert!(re.replace("ab", r"\n").is_none());
        let empty = XPathRegex::new("a*", "").unwrap();
        assert!(empty.replace("bbb", "x").is_none());
    }

    #[test]
    fn split_on_a_pattern() {
        let re = XPathRegex::new(r"\s*;\s*", "").unwrap();
        assert_eq!(re.split("a ; b;;c").unwrap(), vec!["a", "b", "", "c"]);
    }
}
