//! The prompt layer: everything the session asks a person goes through the
//! [`Prompter`] trait, so the session and the forms never touch a terminal
//! themselves. Implementations: [`super::terminal::TerminalPrompter`]
//! (dialoguer menus, rustyline text), [`super::line::LinePrompter`] (plain
//! lines, for pipes) and, in unit tests, [`ScriptedPrompter`].

use std::fmt;
use std::io;

/// Why a prompt returned no answer.
#[derive(Debug)]
pub enum PromptError {
    /// The person pressed Ctrl-C.
    Interrupted,
    /// End of input (Ctrl-D at a line, or the pipe ran dry).
    Eof,
    /// The person pressed Esc: no answer; back to the menu, out of the
    /// form the question belongs to.
    Back,
    /// The person pressed Ctrl-D at a menu: leave the session, saving as
    /// after Ctrl-C.
    Quit,
    /// The terminal failed.
    Io(io::Error),
}

impl fmt::Display for PromptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromptError::Interrupted => f.write_str("interrupted"),
            PromptError::Eof => f.write_str("end of input"),
            PromptError::Back => f.write_str("back to the menu"),
            PromptError::Quit => f.write_str("quit"),
            PromptError::Io(e) => write!(f, "terminal error: {e}"),
        }
    }
}

impl From<io::Error> for PromptError {
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::Interrupted => PromptError::Interrupted,
            io::ErrorKind::UnexpectedEof => PromptError::Eof,
            _ => PromptError::Io(e),
        }
    }
}

pub type PromptResult<T> = Result<T, PromptError>;

/// Asks a person for input.
pub trait Prompter {
    /// A line of free text. An empty answer returns `default` when there is
    /// one (the prompt shows it), else the empty string.
    fn text(&mut self, prompt: &str, default: Option<&str>) -> PromptResult<String>;

    /// One of `items`; returns its index. `default` is preselected.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> PromptResult<usize>;

    /// Any number of `items` (checked ones preselected); returns the indices
    /// chosen, in item order.
    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> PromptResult<Vec<usize>>;

    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> PromptResult<bool>;

    /// Waits until the person presses Enter.
    fn pause(&mut self, prompt: &str) -> PromptResult<()>;

    /// Shows a short problem with the last answer (then the caller asks again).
    fn warn(&mut self, message: &str);

    /// Shows a line of context next to the prompts (a form's title, a hint).
    fn note(&mut self, message: &str);

    /// The width of the terminal the session is drawn on, for tables;
    /// `None` off a terminal (tables then take the width they need).
    fn width(&self) -> Option<u16> {
        None
    }

    /// The height of the terminal, for paging long listings; `None` off a
    /// terminal (listings then come whole).
    fn height(&self) -> Option<u16> {
        None
    }

    /// Between two screens of a long listing: asks whether to show the
    /// next one.
    fn more(&mut self) -> PromptResult<bool> {
        Ok(true)
    }
}

/// Answers given in advance, for unit tests: each prompt takes the next
/// answer (a select takes an index, or an item's text; a confirm `y`/`n`;
/// an empty answer takes the default; `^C`, `Esc` and `^D` are those keys,
/// `^D` as pressed at a menu). Records every prompt and warning.
#[cfg(test)]
pub struct ScriptedPrompter {
    pub answers: std::collections::VecDeque<String>,
    pub asked: Vec<String>,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

#[cfg(test)]
impl ScriptedPrompter {
    pub fn new<S: Into<String>>(answers: impl IntoIterator<Item = S>) -> Self {
        ScriptedPrompter {
            answers: answers.into_iter().map(Into::into).collect(),
            asked: Vec::new(),
            warnings: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn next(&mut self, prompt: &str) -> PromptResult<String> {
        self.asked.push(prompt.to_string());
        match self.answers.pop_front() {
            Some(a) if a == "^C" => Err(PromptError::Interrupted),
            Some(a) if a == "Esc" => Err(PromptError::Back),
            Some(a) if a == "^D" => Err(PromptError::Quit),
            Some(a) => Ok(a),
            None => Err(PromptError::Eof),
        }
    }
}

#[cfg(test)]
impl Prompter for ScriptedPrompter {
    fn text(&mut self, prompt: &str, default: Option<&str>) -> PromptResult<String> {
        let a = self.next(prompt)?;
        Ok(match (a.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => a,
        })
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> PromptResult<usize> {
        let a = self.next(prompt)?;
        if a.is_empty() {
            return Ok(default);
        }
        if let Ok(i) = a.parse::<usize>() {
            assert!(i < items.len(), "{prompt}: no item {i} in {items:?}");
            return Ok(i);
        }
        let found = items.iter().position(|it| it.contains(&a));
        Ok(found.unwrap_or_else(|| panic!("{prompt}: no item like {a:?} in {items:?}")))
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> PromptResult<Vec<usize>> {
        let a = self.next(prompt)?;
        if a.is_empty() {
            return Ok((0..items.len()).filter(|&i| checked[i]).collect());
        }
        Ok(a.split(',').map(|s| s.trim().parse().unwrap()).collect())
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> PromptResult<bool> {
        let a = self.next(prompt)?;
        Ok(match a.as_str() {
            "" => default,
            "y" => true,
            "n" => false,
            other => panic!("{prompt}: confirm answer {other:?}"),
        })
    }

    fn pause(&mut self, prompt: &str) -> PromptResult<()> {
        self.next(prompt).map(|_| ())
    }

    fn warn(&mut self, message: &str) {
        self.warnings.push(message.to_string());
    }

    fn note(&mut self, message: &str) {
        self.notes.push(message.to_string());
    }
}
