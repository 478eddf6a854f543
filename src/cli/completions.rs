//! `bpmn completions SHELL`: a completion script for the shell, generated
//! from the same clap definitions that parse the arguments.

use clap::CommandFactory;

use super::CliError;
use super::args::{Cli, CompletionsArgs};
use super::exit::COMPLETED;

pub fn completions(args: CompletionsArgs) -> Result<u8, CliError> {
    // clap_complete panics when its writer fails; a buffer cannot, and
    // out! then drops what a closed stdout does not take.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "bpmn", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(COMPLETED)
}
