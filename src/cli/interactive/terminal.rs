//! Prompts on a real terminal: dialoguer for menus (arrow keys), rustyline
//! for free text and yes/no questions (line editing, history within the
//! session; a yes/no answer is a whole line, as in [`super::line`]). Used
//! when stdin is a terminal; everything is drawn on the terminal of
//! [`super::screen`], whatever stdout and stderr are.

use dialoguer::console::{Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{MultiSelect, Select};
use rustyline::DefaultEditor;
use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;

use super::interrupt;
use super::line::yes_no;
use super::prompter::{PromptError, PromptResult, Prompter};

pub struct TerminalPrompter {
    editor: DefaultEditor,
    /// The terminal the menus and messages are drawn on.
    term: Term,
    theme: Box<dyn Theme>,
    warn_style: Style,
}

impl TerminalPrompter {
    /// Prompts on `term`, in colour or not.
    pub fn new(term: Term, colour: bool) -> Result<Self, String> {
        // rustyline reads and draws on /dev/tty too (it would otherwise
        // print its prompts on stdout).
        let config = Config::builder().behavior(Behavior::PreferTerm).build();
        let editor = DefaultEditor::with_config(config)
            .map_err(|e| format!("cannot use the terminal: {e}"))?;
        let theme: Box<dyn Theme> = if colour {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Ok(TerminalPrompter {
            editor,
            term,
            theme,
            warn_style: Style::new().red().force_styling(colour),
        })
    }

    fn line(&mut self, prompt: &str) -> PromptResult<String> {
        pending_interrupt()?;
        let answer = self.editor.readline(prompt);
        pending_interrupt()?;
        match answer {
            Ok(l) => {
                if !l.trim().is_empty() {
                    let _ = self.editor.add_history_entry(l.as_str());
                }
                Ok(l.trim().to_string())
            }
            Err(ReadlineError::Interrupted) => Err(PromptError::Interrupted),
            Err(ReadlineError::Eof) => Err(PromptError::Eof),
            Err(ReadlineError::Io(e)) => Err(e.into()),
            Err(e) => Err(PromptError::Io(std::io::Error::other(e.to_string()))),
        }
    }

    /// Runs a dialoguer prompt, honouring a Ctrl-C pressed just before it
    /// (outside raw mode, where it arrives as a signal) or during it.
    fn dialog<T>(
        &self,
        run: impl FnOnce(&dyn Theme, &Term) -> dialoguer::Result<T>,
    ) -> PromptResult<T> {
        pending_interrupt()?;
        let answer =
            run(self.theme.as_ref(), &self.term).map_err(|e| dialoguer_error(&self.term, e))?;
        pending_interrupt()?;
        Ok(answer)
    }
}

/// A Ctrl-C that arrived as a signal (between prompts, or just before a
/// prompt switched the terminal to raw mode) counts as pressed at a prompt.
fn pending_interrupt() -> PromptResult<()> {
    if interrupt::take() {
        return Err(PromptError::Interrupted);
    }
    Ok(())
}

/// dialoguer re-raises Ctrl-C as SIGINT (our handler records it) and
/// returns an `Interrupted` error with the cursor still hidden.
fn dialoguer_error(term: &Term, e: dialoguer::Error) -> PromptError {
    let dialoguer::Error::IO(io) = e;
    let err = PromptError::from(io);
    if matches!(err, PromptError::Interrupted) {
        interrupt::consume_raised();
        let _ = term.show_cursor();
        let _ = term.write_line("");
    }
    err
}

impl Prompter for TerminalPrompter {
    fn text(&mut self, prompt: &str, default: Option<&str>) -> PromptResult<String> {
        let p = match default {
            Some(d) => format!("{prompt} [{d}]: "),
            None => format!("{prompt}: "),
        };
        let a = self.line(&p)?;
        Ok(match (a.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => a,
        })
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> PromptResult<usize> {
        self.dialog(|theme, term| {
            Select::with_theme(theme)
                .with_prompt(prompt)
                .items(items)
                .default(default)
                .max_length(15)
                .interact_on(term)
        })
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> PromptResult<Vec<usize>> {
        self.dialog(|theme, term| {
            MultiSelect::with_theme(theme)
                .with_prompt(format!("{prompt} (space toggles, Enter accepts)"))
                .items(items)
                .defaults(checked)
                .max_length(15)
                .interact_on(term)
        })
    }

    /// Reads a whole line (y, yes, n, no; Enter for the default), never a
    /// single key: a key-at-a-time question took the `n` of `no⏎` and left
    /// `o⏎` to answer whatever came next.
    fn confirm(&mut self, prompt: &str, default: bool) -> PromptResult<bool> {
        let p = format!("{prompt} [{}]: ", if default { "Y/n" } else { "y/N" });
        loop {
            let a = self.line(&p)?;
            if a.is_empty() {
                return Ok(default);
            }
            match yes_no(&a) {
                Some(b) => return Ok(b),
                None => self.warn("answer y or n"),
            }
        }
    }

    fn pause(&mut self, prompt: &str) -> PromptResult<()> {
        self.line(&format!("{prompt} ")).map(|_| ())
    }

    fn warn(&mut self, message: &str) {
        let styled = self.warn_style.apply_to(format!("! {message}"));
        let _ = self.term.write_line(&format!("  {styled}"));
    }

    fn note(&mut self, message: &str) {
        let _ = self.term.write_line(message);
    }

    fn width(&self) -> Option<u16> {
        self.term.size_checked().map(|(_, cols)| cols)
    }
}
