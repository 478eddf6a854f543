//! Where a terminal session draws: the terminal itself (`/dev/tty`), not
//! stdout or stderr. Menus, prompts, task tables, messages and errors all
//! go there, so `bpmn run … > out.json` still shows the whole session and
//! writes nothing but the result to the file (see [`super::run_session`]),
//! and `2> log` hides none of the prompts. Without a `/dev/tty` (not on
//! Unix, or no controlling terminal) stderr is used when it is a terminal.
//!
//! Colour follows that terminal too: on unless it is not a colour terminal,
//! `NO_COLOR` is set or `CLICOLOR=0` (`CLICOLOR_FORCE` forces it), whatever
//! stdout is.

use std::io::{IsTerminal, Write};

use dialoguer::console::{self, Term};

/// The terminal a session draws on.
pub struct Screen {
    /// For the prompts (console, dialoguer).
    pub term: Term,
    /// For everything else the session shows.
    pub out: Box<dyn Write>,
    /// For errors (the same terminal).
    pub err: Box<dyn Write>,
}

impl Screen {
    /// Opens the terminal, or `None` when there is none to draw on.
    pub fn open() -> Option<Screen> {
        #[cfg(unix)]
        if let Some(s) = Screen::tty() {
            return Some(s);
        }
        if !std::io::stderr().is_terminal() {
            return None;
        }
        Some(Screen {
            term: Term::stderr(),
            out: Box::new(std::io::stderr()),
            err: Box::new(std::io::stderr()),
        })
    }

    #[cfg(unix)]
    fn tty() -> Option<Screen> {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        if !tty.is_terminal() {
            return None;
        }
        let clone = || tty.try_clone().ok();
        Some(Screen {
            term: Term::read_write_pair(clone()?, clone()?),
            out: Box::new(clone()?),
            err: Box::new(tty),
        })
    }
}

/// Whether to use colour on `term`; also sets it for everything console
/// styles (the session's headings, dialoguer's themes), which would
/// otherwise look at stdout and stderr.
pub fn set_colour(term: &Term) -> bool {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let colour = (term.features().colors_supported() && var("CLICOLOR", "1") != "0")
        || var("CLICOLOR_FORCE", "0") != "0";
    console::set_colors_enabled(colour);
    console::set_colors_enabled_stderr(colour);
    colour
}
