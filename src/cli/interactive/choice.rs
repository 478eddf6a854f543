//! Choice lists on the terminal (one item, or any number of them), drawn
//! with dialoguer's themes but read key by key here: dialoguer's own lists
//! ignore Ctrl-D and cannot tell Esc from `q`, and the session needs Esc to
//! back out of a form ([`PromptError::Back`]) and Ctrl-D at a menu to leave
//! like Ctrl-C ([`PromptError::Quit`]).
//!
//! Keys: ↑/↓ (also k/j, Tab), Home/End, PgUp/PgDn to move; Enter chooses;
//! in a list of several choices space checks or unchecks the item. A list
//! longer than the terminal scrolls; its prompt then says where the
//! cursor is (`[3/20]`).

use std::io;

use dialoguer::console::{Key, Term, measure_text_width};
use dialoguer::theme::Theme;

use super::interrupt;
use super::prompter::{PromptError, PromptResult};

/// At most this many items show at once, however tall the terminal.
const MAX_SHOWN: usize = 15;

/// Asks for one of `items`; returns its index.
pub fn select(
    term: &Term,
    theme: &dyn Theme,
    prompt: &str,
    items: &[String],
    default: usize,
) -> PromptResult<usize> {
    let mut list = List {
        term,
        theme,
        prompt,
        items,
        sel: default.min(items.len().saturating_sub(1)),
        checked: None,
        first: 0,
        drawn: 0,
    };
    let chosen = list.run()?;
    let mut line = String::new();
    let _ = theme.format_select_prompt_selection(&mut line, prompt, &items[chosen]);
    term.write_line(&line)?;
    Ok(chosen)
}

/// Asks for any number of `items` (`checked` ones checked at first);
/// returns the indices checked, in item order.
pub fn multi_select(
    term: &Term,
    theme: &dyn Theme,
    prompt: &str,
    items: &[String],
    checked: &[bool],
) -> PromptResult<Vec<usize>> {
    let mut list = List {
        term,
        theme,
        prompt,
        items,
        sel: 0,
        checked: Some(
            (0..items.len())
                .map(|i| checked.get(i) == Some(&true))
                .collect(),
        ),
        first: 0,
        drawn: 0,
    };
    list.run()?;
    let marks = list.checked.unwrap_or_default();
    let chosen: Vec<usize> = (0..items.len()).filter(|&i| marks[i]).collect();
    let names: Vec<&str> = chosen.iter().map(|&i| items[i].as_str()).collect();
    let mut line = String::new();
    let _ = theme.format_multi_select_prompt_selection(&mut line, prompt, &names);
    term.write_line(&line)?;
    Ok(chosen)
}

struct List<'a> {
    term: &'a Term,
    theme: &'a dyn Theme,
    prompt: &'a str,
    items: &'a [String],
    /// The item under the cursor.
    sel: usize,
    /// Each item's mark, in a list of several choices.
    checked: Option<Vec<bool>>,
    /// The first item shown: the list scrolls only when the cursor leaves
    /// what shows.
    first: usize,
    /// Terminal rows the last drawing took, to clear it.
    drawn: usize,
}

impl List<'_> {
    /// Reads keys until Enter (the item under the cursor) or a key that
    /// leaves the list. The list is erased either way; the cursor, hidden
    /// meanwhile, is shown again.
    fn run(&mut self) -> PromptResult<usize> {
        if self.items.is_empty() {
            return Err(PromptError::Io(io::Error::other("nothing to choose from")));
        }
        self.term.hide_cursor()?;
        let outcome = self.keys();
        let erased = self.term.clear_last_lines(self.drawn);
        self.term.show_cursor()?;
        if matches!(outcome, Err(PromptError::Interrupted)) {
            // Below the list, where the messages that follow belong.
            self.term.write_line("")?;
        }
        erased?;
        outcome
    }

    fn keys(&mut self) -> PromptResult<usize> {
        let n = self.items.len();
        loop {
            let shown = self.draw()?;
            let key = match self.term.read_key_raw() {
                Ok(k) => k,
                // The terminal went away, or a Ctrl-D came before the
                // terminal was switched to reading keys: as Ctrl-D.
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(PromptError::Quit);
                }
                Err(e) => return Err(e.into()),
            };
            // A Ctrl-C between two keys arrives as a signal.
            if interrupt::take() {
                return Err(PromptError::Interrupted);
            }
            match key {
                Key::ArrowDown | Key::Tab | Key::Char('j') => self.sel = (self.sel + 1) % n,
                Key::ArrowUp | Key::BackTab | Key::Char('k') => self.sel = (self.sel + n - 1) % n,
                Key::Home => self.sel = 0,
                Key::End => self.sel = n - 1,
                Key::PageDown => self.sel = (self.sel + shown).min(n - 1),
                Key::PageUp => self.sel = self.sel.saturating_sub(shown),
                Key::Char(' ') if self.checked.is_some() => {
                    if let Some(marks) = &mut self.checked {
                        marks[self.sel] = !marks[self.sel];
                    }
                }
                Key::Enter | Key::Char(' ') => return Ok(self.sel),
                Key::Escape => return Err(PromptError::Back),
                Key::CtrlC => return Err(PromptError::Interrupted),
                Key::Char('\u{4}') => return Err(PromptError::Quit),
                _ => {}
            }
        }
    }

    /// Draws the prompt and the items that fit, over the last drawing;
    /// returns how many items show.
    fn draw(&mut self) -> io::Result<usize> {
        let (rows, cols) = self.term.size();
        let n = self.items.len();
        // One row for the prompt, one for the line the cursor rests on.
        let fit = (rows as usize).saturating_sub(2).clamp(1, MAX_SHOWN);
        if self.sel < self.first {
            self.first = self.sel;
        } else if self.sel >= self.first + fit {
            self.first = self.sel + 1 - fit;
        }
        self.first = self.first.min(n.saturating_sub(fit));
        let first = self.first;
        let mut lines = Vec::new();
        let mut line = String::new();
        let prompt = if n > fit {
            format!("{} [{}/{n}]", self.prompt, self.sel + 1)
        } else {
            self.prompt.to_string()
        };
        let _ = match self.checked {
            Some(_) => self.theme.format_multi_select_prompt(&mut line, &prompt),
            None => self.theme.format_select_prompt(&mut line, &prompt),
        };
        lines.push(line);
        for i in first..(first + fit).min(n) {
            let mut line = String::new();
            let active = i == self.sel;
            let _ = match &self.checked {
                Some(marks) => self.theme.format_multi_select_prompt_item(
                    &mut line,
                    &self.items[i],
                    marks[i],
                    active,
                ),
                None => self
                    .theme
                    .format_select_prompt_item(&mut line, &self.items[i], active),
            };
            lines.push(line);
        }
        self.term.clear_last_lines(self.drawn)?;
        self.drawn = 0;
        for l in &lines {
            self.term.write_line(l)?;
            // A line wider than the terminal wraps onto more rows.
            self.drawn += measure_text_width(l).div_ceil(cols.max(1) as usize).max(1);
        }
        self.term.flush()?;
        Ok((first + fit).min(n) - first)
    }
}
