//! Decision-table cells read as SpiffWorkflow reads them: as Python.
//!
//! SpiffWorkflow evaluates every input expression and output entry as a
//! Python expression, and tests an input entry `e` against the input's
//! value like this (`DMNEngine.evaluate`):
//! - `-` or empty: any value matches;
//! - `e` has a `?` outside quotes: `e` with the value in place of each `?`
//!   (`1 < ? <= 3`, `"a" in ?`, `? in ['cd', 'dvd']`);
//! - `e` is a Python expression: `value == (e)` (`'gold'`, `5`, `True`,
//!   `None`, `x['y']`);
//! - otherwise `e` begins with an operator: `value e` (`> 5`, `!= 'x'`,
//!   `not in items`). SpiffWorkflow pastes the input's text and `e` together
//!   without a space, so its `in [1, 2]` becomes the name `xin`; here the
//!   value and `e` are kept apart, so `in [1, 2]` works.
//!
//! The code goes through the Python subset of the BPMN scripts
//! ([`crate::scripting::python`]) and is compiled once, at load. The value
//! under test is the variable `dmninputexpr`, SpiffWorkflow's name for it.
//! Which cells are read this way is decided in `compile.rs`, from the file
//! and from the [`PythonHint`] the loader gives.

use std::collections::HashSet;

use crate::scripting::TranslateError;
use crate::scripting::python::translate_condition;

/// Which DMN files were written for SpiffWorkflow although they do not say
/// so: their tables' expressions that name no language are read as
/// SpiffWorkflow reads them (Python, else FEEL). A file that names its
/// language, in an element or in `definitions`, is read in that language
/// whatever the hint.
///
/// The BPMN loader ([`crate::Specs`]) gives `All` under `--dialect python`
/// and otherwise names the decisions that business rule tasks of Python
/// diagrams call; `bpmn decide --dialect python` gives `All`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PythonHint {
    /// Plain DMN: FEEL unless a file or table says otherwise.
    #[default]
    None,
    /// Every file.
    All,
    /// The files that define these decisions (by id).
    Decisions(HashSet<String>),
}

/// The variable holding the value an input entry tests.
pub(crate) const INPUT: &str = "dmninputexpr";

/// The Python condition that tests an input entry, by SpiffWorkflow's
/// rules (see the module documentation). The entry must not be empty or
/// `-`. An error is the entry's own: not Python, or outside the subset.
pub(crate) fn test_source(entry: &str) -> Result<String, TranslateError> {
    let entry = entry.trim();
    if let Some(replaced) = replace_placeholder(entry) {
        translate_condition(&replaced)?;
        return Ok(replaced);
    }
    match translate_condition(entry) {
        Ok(_) => Ok(format!("{INPUT} == ({entry})")),
        Err(e) if e.construct != "syntax" => Err(e),
        Err(e) => {
            let operator = format!("{INPUT} {entry}");
            match translate_condition(&operator) {
                Ok(_) => Ok(operator),
                Err(_) => Err(e),
            }
        }
    }
}

/// `text` with every `?` outside quoted strings replaced by [`INPUT`], or
/// `None` when it has none.
fn replace_placeholder(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 16);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut replaced = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push_str(INPUT);
                replaced = true;
            }
            None => out.push(c),
        }
    }
    replaced.then_some(out)
}

/// True when Python code reads one of the names FEEL spells its literals
/// with (`true`, `false`, `null`): the author wrote FEEL, since in Python
/// these names are undefined.
pub(crate) fn reads_feel_literals(code: &crate::scripting::Compiled) -> bool {
    code.data_names()
        .any(|n| matches!(n, "true" | "false" | "null"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_conditions_as_in_spiffworkflow() {
        assert_eq!(test_source("'gold'").unwrap(), "dmninputexpr == ('gold')");
        assert_eq!(test_source("True").unwrap(), "dmninputexpr == (True)");
        assert_eq!(test_source("> 5").unwrap(), "dmninputexpr > 5");
        assert_eq!(test_source("!= None").unwrap(), "dmninputexpr != None");
        assert_eq!(test_source("in [1, 2]").unwrap(), "dmninputexpr in [1, 2]");
        assert_eq!(test_source("1 < ? <= 3").unwrap(), "1 < dmninputexpr <= 3");
        assert_eq!(
            test_source("'a?' in ?").unwrap(),
            "'a?' in dmninputexpr",
            "a ? inside quotes stays"
        );
        assert_eq!(
            test_source(r#""say \"?\"" == ?"#).unwrap(),
            r#""say \"?\"" == dmninputexpr"#
        );
    }

    #[test]
    fn feel_only_entries_are_not_python() {
        for feel in ["[1..10]", "= 5", "]0..1["] {
            let e = test_source(feel).unwrap_err();
            assert_eq!(e.construct, "syntax", "{feel}: {e}");
        }
        // Python syntax, outside the subset: its own error.
        let e = test_source("lambda: 1").unwrap_err();
        assert_ne!(e.construct, "syntax", "{e}");
    }
}
