//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Run BPMN 2.0 diagrams from the shell.
#[derive(Debug, Parser)]
#[command(name = "bpmn", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a process and run it; answer human tasks from --answers.
    Run(RunArgs),
    /// Parse and check BPMN files; print each problem on its own line.
    Validate(ValidateArgs),
}

/// Which diagram files to load.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// BPMN files to load (call activities resolve across all of them).
    #[arg(short = 'b', long = "bpmn", value_name = "FILE", num_args = 1.., required = true)]
    pub bpmn: Vec<PathBuf>,
    /// DMN decision files to load.
    #[arg(short = 'd', long = "dmn", value_name = "DMNFILE", num_args = 1..)]
    pub dmn: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub files: FileArgs,
    /// Id of the process to start.
    #[arg(
        short = 'p',
        long = "process",
        value_name = "PROCESS_ID",
        conflicts_with = "collaboration",
        required_unless_present = "collaboration"
    )]
    pub process: Option<String>,
    /// Id of a collaboration: start every executable participant's process.
    #[arg(short = 'c', long = "collaboration", value_name = "COLLABORATION_ID")]
    pub collaboration: Option<String>,
    /// Initial data, a JSON object.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// A JSON array of answers applied in order:
    /// {"task": "<BPMN id>", "data": {...}}.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub files: FileArgs,
}
