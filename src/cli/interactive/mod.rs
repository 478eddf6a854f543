//! The interactive runner behind `bpmn run` and `bpmn resume` without
//! `--answers`: engine tasks run by themselves, and each time a person is
//! needed the session shows the open tasks and a menu (run a task, list
//! tasks, view data, save, reset, quit); user tasks are asked as forms.
//!
//! Which input is used:
//!
//! - `--answers` or `--json`: no prompts at all (the scripted contract);
//! - stdin and stderr are terminals: menus with dialoguer, text with
//!   rustyline ([`terminal`]);
//! - otherwise, when stdin has data: plain line-based prompts ([`line`]),
//!   so `printf '…' | bpmn run …` works;
//! - stdin at end of input from the start (`< /dev/null`, CI): no session;
//!   the run stops at the first human task as a scripted run without
//!   answers does (exit 4).
//!
//! Files: [`session`] (the loop), [`menu`], [`prompter`] (the trait) with
//! [`terminal`] and [`line`], [`forms`], [`templates`], [`render`],
//! [`saving`], [`interrupt`].

mod forms;
mod interrupt;
mod line;
mod menu;
mod prompter;
mod render;
mod saving;
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
pub use session::Options;

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
        return if std::io::stderr().is_terminal() {
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
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut term;
    let mut lines;
    let p: &mut dyn prompter::Prompter = match input {
        Input::Terminal => match terminal::TerminalPrompter::new() {
            Ok(t) => {
                term = t;
                &mut term
            }
            Err(e) => return Err(CliError::usage(e)),
        },
        _ => {
            lines = line::LinePrompter::new(
                std::io::stdin().lock(),
                std::io::stderr(),
                !std::io::stdin().is_terminal(),
            );
            &mut lines
        }
    };
    session::Session::new(wf, origin, opts, p, &mut out).run()
}

/// Options from the command line.
pub fn options(step: bool, forms: Vec<PathBuf>, save: Option<PathBuf>, dirty: bool) -> Options {
    Options {
        step,
        forms,
        save_path: save,
        dirty,
        lock: None,
        program: super::invocation::program(),
    }
}
