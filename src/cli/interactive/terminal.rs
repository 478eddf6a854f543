//! Prompts on a real terminal: choice lists ([`super::choice`], arrow
//! keys) and rustyline for free text and yes/no questions (line editing,
//! history within the session; a yes/no answer is a whole line, as in
//! [`super::line`]). Used when stdin is a terminal; everything is drawn on
//! the terminal of [`super::screen`], whatever stdout and stderr are.
//!
//! Esc at any question backs out ([`PromptError::Back`]); Ctrl-D at a
//! choice list leaves the session ([`PromptError::Quit`]), at a line it is
//! end of input.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dialoguer::console::{Key, Style, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;
use rustyline::{
    Cmd, ConditionalEventHandler, DefaultEditor, Event, EventContext, EventHandler, KeyCode,
    KeyEvent, Modifiers, RepeatCount,
};

use super::choice;
use super::interrupt;
use super::line::yes_no;
use super::prompter::{PromptError, PromptResult, Prompter};

/// How long rustyline waits after an Esc for the rest of a key's escape
/// sequence (arrow keys send Esc `[` `A` at once) before taking it as Esc.
const ESC_WAIT_MS: u16 = 100;

/// Esc in rustyline: ends the line as Ctrl-C would, and says it was Esc.
struct EscBack(Arc<AtomicBool>);

impl ConditionalEventHandler for EscBack {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, _: &EventContext) -> Option<Cmd> {
        self.0.store(true, Ordering::SeqCst);
        Some(Cmd::Interrupt)
    }
}

pub struct TerminalPrompter {
    editor: DefaultEditor,
    /// Set when the line being read ended with Esc.
    esc: Arc<AtomicBool>,
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
        let config = Config::builder()
            .behavior(Behavior::PreferTerm)
            .keyseq_timeout(Some(ESC_WAIT_MS))
            .build();
        let mut editor = DefaultEditor::with_config(config)
            .map_err(|e| format!("cannot use the terminal: {e}"))?;
        let esc = Arc::new(AtomicBool::new(false));
        editor.bind_sequence(
            KeyEvent(KeyCode::Esc, Modifiers::NONE),
            EventHandler::Conditional(Box::new(EscBack(esc.clone()))),
        );
        let theme: Box<dyn Theme> = if colour {
            Box::new(ColorfulTheme::default())
        } else {
            Box::new(SimpleTheme)
        };
        Ok(TerminalPrompter {
            editor,
            esc,
            term,
            theme,
            warn_style: Style::new().red().force_styling(colour),
        })
    }

    fn line(&mut self, prompt: &str) -> PromptResult<String> {
        pending_interrupt()?;
        self.esc.store(false, Ordering::SeqCst);
        let answer = self.editor.readline(prompt);
        if self.esc.swap(false, Ordering::SeqCst) {
            // rustyline leaves the cursor after the text typed.
            let _ = self.term.write_line("");
            return Err(PromptError::Back);
        }
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
}

/// A Ctrl-C that arrived as a signal (between prompts, or just before a
/// prompt switched the terminal to raw mode) counts as pressed at a prompt.
fn pending_interrupt() -> PromptResult<()> {
    if interrupt::take() {
        return Err(PromptError::Interrupted);
    }
    Ok(())
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
        pending_interrupt()?;
        choice::select(&self.term, self.theme.as_ref(), prompt, items, default)
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> PromptResult<Vec<usize>> {
        pending_interrupt()?;
        let prompt = format!("{prompt} (space toggles, Enter accepts)");
        choice::multi_select(&self.term, self.theme.as_ref(), &prompt, items, checked)
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

    fn height(&self) -> Option<u16> {
        self.term.size_checked().map(|(rows, _)| rows)
    }

    /// `-- more (Enter, q) --`: Enter, space or ↓ shows the next screen;
    /// q, Esc or Ctrl-D stop the listing. The line is erased after.
    fn more(&mut self) -> PromptResult<bool> {
        pending_interrupt()?;
        self.term.write_str("-- more (Enter, q) --")?;
        let go_on = loop {
            match self.term.read_key_raw() {
                Ok(Key::Enter | Key::Char(' ') | Key::ArrowDown | Key::PageDown) => break Ok(true),
                Ok(Key::Char('q' | 'Q' | '\u{4}') | Key::Escape) => break Ok(false),
                Ok(Key::CtrlC) => break Err(PromptError::Interrupted),
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break Ok(false),
                Err(e) => break Err(e.into()),
                Ok(_) => {}
            }
        };
        self.term.clear_line()?;
        go_on
    }
}
