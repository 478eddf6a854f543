//! The interactive runner behind `bpmn run` and `bpmn resume` without
//! `--answers`: engine tasks run by themselves, and each time a person is
//! needed the session shows the open tasks and a menu (run a task, list
//! tasks, view data, save, reset, quit); user tasks are asked as forms.
//!
//! Which input is used:
//!
//! - `--answers` or `--json`: no prompts at all (the scripted contract);
//! - stdin is a terminal: choice lists ([`choice`]) and rustyline for text
//!   ([`terminal`]), all drawn on the terminal itself ([`screen`]);
//! - otherwise, when stdin has data: plain line-based prompts ([`line`]),
//!   so `printf '…' | bpmn run …` works;
//! - stdin at end of input from the start (`< /dev/null`, CI): no session;
//!   the run stops at the first human task as a scripted run without
//!   answers does (exit 4).
//!
//! What goes where. A terminal session shows everything (tables, menus,
//! prompts, messages, errors) on the terminal, never on stdout or stderr:
//! with stdout redirected, the file gets only the result, the workflow's
//! data as JSON when it completed during the session (nothing when it did
//! not), so `bpmn run … > result.json` answers the forms on the terminal
//! and keeps what came out; with stdout on the terminal that is not
//! repeated. A line-based session writes what it shows to stdout and its
//! prompts and errors to stderr.
//!
//! Files: [`session`] (the loop), [`menu`], [`prompter`] (the trait) with
//! [`terminal`] (with [`choice`]) and [`line`], [`screen`], [`forms`],
//! [`templates`], [`render`], [`saving`], [`interrupt`].

mod choice;
mod forms;
mod interrupt;
mod line;
mod menu;
mod prompter;
mod render;
mod saving;
mod screen;
mod session;
mod templates;
mod terminal;

#[cfg(test)]
mod tests;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use bpmn_engine::Workflow;
use bpmn_engine::storage::Origin;

use super::CliError;
pub use forms::check_answers;
pub use session::{Options, take_start_next};

/// How a run gets its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// No prompts: answers come from `--answers` (or none).
    Scripted,
    /// A person at a terminal.
    Terminal,
    /// Lines from a pipe or file.
    Lines,
}

/// Chooses the input. `scripted` is true with `--answers` or `--json`.
/// Peeking at a piped stdin blocks until its first byte or its end.
pub fn choose_input(scripted: bool) -> Input {
    if scripted {
        return Input::Scripted;
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return if screen::Screen::open().is_some() {
            Input::Terminal
        } else {
            Input::Lines
        };
    }
    // Anything read here stays in stdin's buffer for the prompts.
    match stdin.lock().fill_buf() {
        Ok(buf) if !buf.is_empty() => Input::Lines,
        _ => Input::Scripted,
    }
}

/// Runs an interactive session on `wf`; returns the exit code.
pub fn run_session(
    wf: Workflow,
    origin: Origin,
    opts: Options,
    input: Input,
) -> Result<u8, CliError> {
    interrupt::install();
    if input == Input::Terminal
        && let Some(screen) = screen::Screen::open()
    {
        return on_screen(wf, origin, opts, screen);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut p = line::LinePrompter::new(
        std::io::stdin().lock(),
        std::io::stderr(),
        !std::io::stdin().is_terminal(),
    );
    session::Session::new(wf, origin, opts, &mut p, &mut out).run()
}

/// A session drawn on `screen`; stdout gets only the data of a workflow
/// that completed, and only when stdout is not the terminal.
fn on_screen(
    wf: Workflow,
    origin: Origin,
    opts: Options,
    screen: screen::Screen,
) -> Result<u8, CliError> {
    let screen::Screen {
        term,
        mut out,
        mut err,
    } = screen;
    let colour = screen::set_colour(&term);
    let mut p = terminal::TerminalPrompter::new(term, colour).map_err(CliError::usage)?;
    let mut s = session::Session::new(wf, origin, opts, &mut p, &mut out).errors_to(&mut err);
    let code = s.run()?;
    if s.workflow().is_completed() && !std::io::stdout().is_terminal() {
        outln!("{}", render::pretty(s.workflow().data()));
    }
    Ok(code)
}

/// Options from the command line.
pub fn options(step: bool, forms: Vec<PathBuf>, save: Option<PathBuf>, dirty: bool) -> Options {
    Options {
        step,
        forms,
        save_path: save,
        dirty,
        lock: None,
        shown_as: None,
        program: super::invocation::program(),
        store: super::target::existing_store(),
        instance: None,
        after_save: None,
        roles: None,
    }
}
