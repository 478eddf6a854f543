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
    /// Start a process and run it: interactively, or with answers from --answers.
    Run(RunArgs),
    /// Parse and check BPMN files; print each problem on its own line.
    Validate(ValidateArgs),
    /// Continue a saved instance (same answers contract and exit codes as run).
    Resume(ResumeArgs),
    /// List the tasks of a saved instance.
    Tasks(TasksArgs),
    /// Print the data of a saved instance or of one of its tasks.
    Data(DataArgs),
    /// Go back to an earlier task of a saved instance and redo from there.
    Reset(ResetArgs),
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
    /// Save the instance state here when the run stops (.json or .ron).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    #[command(flatten)]
    pub interactive: InteractiveArgs,
}

/// How an interactive session (no --answers, no --json) runs.
#[derive(Debug, Args)]
pub struct InteractiveArgs {
    /// Interactive: make every task, engine tasks too, wait for you, and
    /// show the last task's data after each step.
    #[arg(long, conflicts_with_all = ["answers", "json"])]
    pub step: bool,
    /// Interactive: a folder to look for form files in (before the folder
    /// of the BPMN file and its forms/ subfolder). May be repeated.
    #[arg(long, value_name = "DIR")]
    pub forms: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The saved state (.json or .ron).
    pub file: PathBuf,
    /// A JSON array of answers, as for run.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// Save to this file instead of back to FILE.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    #[command(flatten)]
    pub interactive: InteractiveArgs,
}

/// Which tasks `bpmn tasks` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StateFilter {
    Ready,
    Waiting,
    Started,
    Completed,
    Cancelled,
    Error,
    Future,
    All,
}

#[derive(Debug, Args)]
pub struct TasksArgs {
    /// The saved state (.json or .ron).
    pub file: PathBuf,
    /// Which tasks to list.
    #[arg(long, value_enum, default_value = "all")]
    pub state: StateFilter,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// The saved state (.json or .ron).
    pub file: PathBuf,
    /// A task id, id prefix or BPMN id; without it, the workflow's data.
    #[arg(long, value_name = "ID")]
    pub task: Option<String>,
    /// Print compact JSON on one line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The saved state (.json or .ron); it is updated in place.
    pub file: PathBuf,
    /// The task to go back to: a task id, id prefix, or BPMN id (the most
    /// recent task with that id).
    #[arg(long, value_name = "ID")]
    pub task: String,
    /// A JSON object whose keys replace those of the task's data.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub files: FileArgs,
}
