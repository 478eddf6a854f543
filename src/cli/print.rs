//! Printing that a closed pipe cannot break. `bpmn tasks big.json | head`
//! closes stdout early; Rust's `println!` then panics, which would abort a
//! command before it saves. These macros write what they can and drop the
//! rest: a reader that went away is not an error.

use std::fmt;
use std::io::Write;

/// Writes to stdout; errors (a closed pipe, a full disk behind a
/// redirection) are ignored, as the reader is gone or cannot be helped.
pub fn stdout(args: fmt::Arguments<'_>) {
    let _ = std::io::stdout().lock().write_fmt(args);
}

/// Writes to stderr, ignoring errors likewise.
pub fn stderr(args: fmt::Arguments<'_>) {
    let _ = std::io::stderr().lock().write_fmt(args);
}

/// `print!` that a closed stdout cannot make panic.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::print::stdout(format_args!($($arg)*)) };
}

/// `println!` that a closed stdout cannot make panic.
macro_rules! outln {
    () => { $crate::cli::print::stdout(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::print::stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that a closed stderr cannot make panic.
macro_rules! errln {
    () => { $crate::cli::print::stderr(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::print::stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}
