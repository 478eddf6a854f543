//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use super::limits::LimitArgs;

/// Run BPMN 2.0 diagrams from the shell.
#[derive(Debug, Parser)]
#[command(name = "bpmn", version, about, long_about = None)]
pub struct Cli {
    /// The instance store that add, specs, start, instances, log, export,
    /// import and worker use, and where instance ids are looked up: an
    /// SQLite file, or a PostgreSQL database as postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "BPMN_STORE",
        value_name = "PATH|URL",
        default_value = "bpmn.db"
    )]
    pub store: String,
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
    /// Draw a saved instance: its diagrams as SVG (or an HTML page with its tasks and data), coloured by task state.
    #[command(
        after_help = "Each process is drawn from the diagram's BPMN DI (a process without one is laid out automatically). Flow nodes are coloured by the state of their tasks (completed, ready, waiting, started, error, cancelled; grey: never reached) with a count where one ran more than once; the sequence flows tokens took are drawn thick. The files are self-contained: open them in any browser.\n\nExit status:\n  0  written\n  2  bad usage, or a state that cannot be read"
    )]
    Show(ShowArgs),
    /// Move the clock of a saved instance forward and fire the timers due.
    Advance(AdvanceArgs),
    /// Deliver a message or signal to a saved instance; without one, a message starts a new instance of every library spec whose start event catches it.
    #[command(
        after_help = "Without FILE or ID, --message NAME starts a new stored instance of the latest version of every library spec whose process has a message start event catching NAME, delivers --payload to it as that start event's message, runs it and prints the new instance ids (one per line; --json: an array).\n\nExit status:\n  0  delivered (or instances started)\n  2  bad usage, no spec starting on the message, or a state that cannot be read\n  3  a workflow error\n  4  the workflow waits for input"
    )]
    Send(SendArgs),
    /// Start instances of library specs whose timer start events are due (run it from cron).
    #[command(
        after_help = "A timer start event of a library spec (the latest version of each) is scheduled from when that version was added: a timeDate is due at its date, a timeDuration that long after the add, a timeCycle R[n]/PERIOD one period after the add and every period after (n times). Each occurrence due and not yet started becomes a new stored instance, run until it waits; the store remembers what was started, so running tick again starts nothing twice. Prints the new instance ids (one per line; --json: an array)."
    )]
    Tick(TickArgs),
    /// Run what is due in the store, continuously: timers, queued messages and signals, pending work, timer start events. Several workers share one store.
    #[command(
        after_help = "A worker claims due instances of the store (--store, BPMN_STORE) for a while (--lease), runs them — fires their due timers on the wall clock, delivers their queued messages and signals (`bpmn send ID` queues one when a worker holds the instance, or always with --queue), runs pending engine work — and saves them. It also starts the instances of timer start events as they come due (as `bpmn tick`). Several workers, on one machine or many, share a PostgreSQL store (or an SQLite file on one machine): an instance is run by one worker at a time, and a killed worker's claims expire after --lease, so another one takes over from the last saved state. SIGTERM or Ctrl-C stops it gracefully: it finishes the instance it is running and releases the rest.\n\nQuiet by default (errors, and a line when it starts and stops); -v prints one line per instance it runs, -vv also its claims and idle waits.\n\nExit status:\n  0  stopped (a signal, or --once with nothing left to do)\n  2  bad usage, or the store cannot be opened"
    )]
    Worker(WorkerArgs),
    /// Finish a STARTED service task of a saved instance (one its connector accepted) with data or a BPMN error, then continue it.
    #[command(
        after_help = "A `--service NAME=COMMAND` connector that answers an object with \"accepted\": true leaves its task STARTED: the work goes on elsewhere. This command finishes it later, from any shell: --data JSON is merged into the task's result variable and the instance continues; --error CODE throws a BPMN error with that code from the task (an error boundary event or event subprocess catching it takes over; nothing catching it leaves the task in ERROR). A task that is not STARTED is refused and the state is left as it was.\n\nExit status (as for resume):\n  0  the workflow completed\n  2  bad usage, a task that is not STARTED, or a state that cannot be read\n  3  a workflow error (an uncaught --error, a failing script)\n  4  the workflow waits for input"
    )]
    Complete(CompleteArgs),
    /// Print (JSON) what a saved instance threw that nothing caught, and what it waits for.
    Events(EventsArgs),
    /// Compare two versions of a process: elements and flows added, removed, changed.
    #[command(name = "diff-spec")]
    DiffSpec(DiffSpecArgs),
    /// Show how a saved instance's tasks map onto a new version of its diagrams.
    #[command(name = "diff-instance")]
    DiffInstance(DiffInstanceArgs),
    /// Move a saved instance to a new version of its diagrams.
    #[command(
        after_help = "Live tasks (ready, waiting, started, in error) whose element is gone refuse the migration unless --force, which cancels and drops them. Completed tasks without a counterpart are kept as retired history. Without -d the DMN files embedded in the state are kept, and without --dialect the instance's dialect. A refused or failed migration leaves the state file unchanged; a migration keeps the previous state beside it (FILE.before-migrate.json).\n\nExit status:\n  0  migrated (or, with --dry-run, the migration would go through)\n  2  refused, bad usage, or files that cannot be read or do not load"
    )]
    Migrate(MigrateArgs),
    /// Evaluate a DMN decision against JSON data and print the result.
    Decide(DecideArgs),
    /// Run decision tests (DMN TCK test-case XML) against DMN models.
    #[command(
        name = "dmn-test",
        after_help = "Give the model under test and the models it imports (in any order; the test file's modelName says which is under test), then the test file.\n\nPrints one line per test case and a summary `N passed, N failed`. A case that expected an error and got one only because a decision did not load counts as failed; the summary says how many there are.\n\nExit status:\n  0  every case passed\n  1  some case failed\n  2  bad usage, or a file that cannot be read or parsed"
    )]
    DmnTest(DmnTestArgs),
    /// Run scenario files (process tests): pass or fail with the first difference.
    #[command(
        after_help = "A scenario file is JSON, one scenario or an array: {\"name\", \"diagrams\": [BPMN files], \"dmn\": [DMN files], \"process\" (or \"collaboration\"), \"data\", \"dialect\", \"start\" (virtual clock), \"answers\" (items or an answers file), \"expect\": {\"completed\", \"data\" (a subset), \"order\" (ids completed in this order, a subsequence), \"ready\", \"error\"}}. Paths are relative to the scenario file; unknown keys are errors. See README, \"Testing processes\".\n\nPrints `PASS name (file)` or `FAIL name (file): first difference: ...` per scenario, then `N passed, N failed`.\n\nExit status:\n  0  every scenario passed\n  1  some scenario failed\n  2  bad usage, or a scenario file that cannot be read or parsed"
    )]
    Test(TestArgs),
    /// Add BPMN (and DMN) files to the store's library as a spec; prints its id.
    Add(AddArgs),
    /// List the specs in the store's library.
    Specs(SpecsArgs),
    /// Start an instance of a library spec, kept in the store (same contract as run).
    Start(StartArgs),
    /// List the instances in the store.
    Instances(InstancesArgs),
    /// Print the task log of a stored instance: every task state change.
    Log(LogArgs),
    /// Write a stored instance to a state file.
    Export(ExportArgs),
    /// Put a state file into the store as a new instance; prints its id.
    Import(ImportArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Load it in the current shell, e.g.:\n  bash:  source <(bpmn completions bash)\n  zsh:   source <(bpmn completions zsh)\n  fish:  bpmn completions fish | source\n\nOr save it where the shell looks for completions (e.g. ~/.local/share/bash-completion/completions/bpmn)."
    )]
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["process", "collaboration"])))]
pub struct AddArgs {
    #[command(flatten)]
    pub files: FileArgs,
    /// The process the spec starts.
    #[arg(short = 'p', long = "process", value_name = "ID")]
    pub process: Option<String>,
    /// The collaboration the spec starts (one instance per participant).
    #[arg(short = 'c', long = "collaboration", value_name = "ID")]
    pub collaboration: Option<String>,
    /// A name for listings and for `start` (default: the process or
    /// collaboration id).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct SpecsArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// The spec: its id, or its name or process id (latest version).
    pub spec: String,
    #[command(flatten)]
    pub services: ServiceArgs,
    /// Initial data, a JSON object.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// A JSON array of answers, as for run.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print one JSON object: {"instance", "completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// Start on a virtual clock set to this ISO 8601 date-time.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<String>,
    #[command(flatten)]
    pub interactive: InteractiveArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct InstancesArgs {
    /// Only instances that have not completed.
    #[arg(long)]
    pub active: bool,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The instance id.
    pub id: i64,
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The instance id.
    pub id: i64,
    /// The state file to write (.json or .ron).
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The state file to read (.json or .ron).
    pub file: PathBuf,
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
    /// The language of scripts and conditions whose element does not say
    /// (python, juel, rhai); by default each file decides (Rhai otherwise).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<bpmn_engine::model::Dialect>,
}

/// How service tasks run.
#[derive(Debug, Args, Default)]
pub struct ServiceArgs {
    /// Map a service operation to a program that reads the parameters as
    /// JSON on stdin and answers JSON on stdout (repeatable).
    #[arg(long = "service", value_name = "NAME=COMMAND")]
    pub service: Vec<String>,
    /// Let the `shell` operation run commands.
    #[arg(long)]
    pub allow_shell: bool,
    /// Let the `file` operation read and write files inside DIR (paths are
    /// relative to it; nothing outside it, symbolic links followed). Without
    /// it the `file` operation is refused. (`--file-dir` is an old name.)
    #[arg(long, value_name = "DIR", alias = "file-dir")]
    pub allow_file: Option<PathBuf>,
    /// Let the `http` operation reach these hosts (HOST or HOST:PORT); with
    /// no HOST, any host. Without it the `http` operation is refused.
    #[arg(long, value_name = "HOST", num_args = 0.., value_delimiter = ',')]
    pub allow_http: Option<Vec<String>>,
    /// The directory holding one JSON file per BPMN data store (default:
    /// the directory of the state file, else the current directory).
    #[arg(long, value_name = "DIR")]
    pub data_store_dir: Option<PathBuf>,
    /// Send service tasks whose operator no local operation handles to this
    /// SpiffArena connector proxy (plain http://): its commands are listed
    /// (GET /v1/commands) when the diagram loads, and each task is a
    /// POST /v1/do/CONNECTOR/COMMAND. Without it nothing is sent.
    #[arg(long, value_name = "URL", env = "BPMN_CONNECTOR_PROXY")]
    pub connector_proxy: Option<String>,
    /// Seconds to wait for the connector proxy to connect or answer.
    #[arg(long, value_name = "SECS", default_value_t = super::connector_proxy::DEFAULT_TIMEOUT_SECS)]
    pub connector_timeout: f64,
    /// How many times to repeat a connector proxy request that got no
    /// answer (refused, reset, timed out, or 502/503/504 from a gateway).
    #[arg(long, value_name = "N", default_value_t = super::connector_proxy::DEFAULT_RETRIES)]
    pub connector_retries: u32,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub services: ServiceArgs,
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
    /// Use a virtual clock starting at this ISO 8601 date-time, so timers
    /// fire only when it (or an {"advance": "PT2H"} answer) passes them.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<String>,
    /// When another bpmn is using the --save file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub interactive: InteractiveArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// How an interactive session (no --answers, no --json) runs.
#[derive(Debug, Args)]
pub struct InteractiveArgs {
    /// Interactive: make every task, engine tasks too, wait for you, and
    /// show the last task's data after each step.
    #[arg(long, conflicts_with_all = ["answers", "json"])]
    pub step: bool,
    /// A folder to look for form files in (before the folder of the BPMN
    /// file and its forms/ subfolder), for the interactive forms and for
    /// checking --answers against them. May be repeated.
    #[arg(long, value_name = "DIR")]
    pub forms: Vec<PathBuf>,
    /// Act as NAME: only the ready tasks of the lanes NAME belongs to
    /// (see --roles) and tasks in no lane are offered, in the session and
    /// for --answers; the others are listed as waiting for someone else.
    #[arg(long = "as", value_name = "NAME", requires = "roles")]
    pub as_user: Option<String>,
    /// The roles file for --as: JSON, lane name to members, e.g.
    /// {"Customer": ["ann", "bob"], "Staff": ["carl"]}.
    #[arg(long, value_name = "FILE", requires = "as_user")]
    pub roles: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The saved state (.json or .ron), or an instance id in the store.
    pub file: PathBuf,
    #[command(flatten)]
    pub services: ServiceArgs,
    /// A JSON array of answers, as for run.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// Save to this file instead of back to FILE.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Set the (virtual) clock to this ISO 8601 date-time first.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<String>,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub interactive: InteractiveArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// The saved state (.json or .ron), or an instance id in the store; it
    /// is updated in place.
    pub file: PathBuf,
    /// An ISO 8601 duration, e.g. PT2H or P1DT30M.
    #[arg(long, value_name = "DURATION")]
    pub by: String,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("event").required(true).args(["message", "signal"])))]
pub struct SendArgs {
    /// The saved state (.json or .ron), or an instance id in the store; it
    /// is updated in place. Without it a message starts library specs.
    pub file: Option<PathBuf>,
    /// Deliver the message with this name.
    #[arg(long, value_name = "NAME")]
    pub message: Option<String>,
    /// Broadcast the signal with this name.
    #[arg(long, value_name = "NAME")]
    pub signal: Option<String>,
    /// The payload, JSON.
    #[arg(long, value_name = "JSON")]
    pub payload: Option<String>,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
    /// For a stored instance: queue the message or signal for a worker
    /// (`bpmn worker`) instead of delivering it now. Without it, it is
    /// queued only while a worker holds the instance or earlier ones wait.
    #[arg(long)]
    pub queue: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// How many instances to run at the same time (threads, each with its
    /// own connection to the store).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub concurrency: u32,
    /// The worker's name, shown by `bpmn instances` for what it holds
    /// (default: HOST-PID; with --concurrency, /1, /2… per thread).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Seconds a claim lasts: a worker killed while holding instances
    /// gives them up after this long.
    #[arg(long, value_name = "SECS", default_value_t = 60.0)]
    pub lease: f64,
    /// Seconds between looks at the store when nothing is due (a timer due
    /// sooner wakes it sooner).
    #[arg(long, value_name = "SECS", default_value_t = 1.0)]
    pub poll: f64,
    /// How many due instances a thread claims at once.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub batch: u32,
    /// Run what is due now, then stop (instead of running until a signal).
    #[arg(long)]
    pub once: bool,
    /// Print one line per instance run (-v), and claims and waits (-vv).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(flatten)]
    pub services: ServiceArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct TickArgs {
    /// The time to start what is due at (ISO 8601, e.g.
    /// 2026-01-01T09:00:00Z); the instances run on a clock set to it.
    /// Default: now.
    #[arg(long, value_name = "ISO")]
    pub now: Option<String>,
    /// Print the new instance ids as a JSON array.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("outcome").required(true).args(["data", "error"])))]
pub struct CompleteArgs {
    /// The saved state (.json or .ron), or an instance id in the store; it
    /// is updated in place.
    pub file: PathBuf,
    /// The STARTED task: a task id, id prefix or BPMN id.
    pub task: String,
    /// The task's result, a JSON object (merged into its result variable).
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// Fail the task with a BPMN error of this code.
    #[arg(long, value_name = "CODE")]
    pub error: Option<String>,
    /// Print one JSON object: {"completed", "data", "ready", "waiting"}.
    #[arg(long)]
    pub json: bool,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub services: ServiceArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// The saved state (.json or .ron), or an instance id in the store.
    pub file: PathBuf,
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
    /// The saved state (.json or .ron), or an instance id in the store.
    pub file: PathBuf,
    /// Which tasks to list.
    #[arg(long, value_enum, default_value = "all")]
    pub state: StateFilter,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("output").required(true).multiple(true).args(["svg", "html"])))]
pub struct ShowArgs {
    /// The saved state (.json or .ron), or an instance id in the store.
    pub file: PathBuf,
    /// Write the picture as SVG to this file (`-`: standard output).
    #[arg(long, value_name = "OUT.svg")]
    pub svg: Option<PathBuf>,
    /// Write one HTML page: the picture, the task list and the data (`-`: standard output).
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DataArgs {
    /// The saved state (.json or .ron), or an instance id in the store.
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
    /// The saved state (.json or .ron), or an instance id in the store; it
    /// is updated in place.
    pub file: PathBuf,
    /// The task to go back to: a task id, id prefix, or BPMN id (the most
    /// recent task with that id).
    #[arg(long, value_name = "ID")]
    pub task: String,
    /// A JSON object whose keys replace those of the task's data.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Args)]
pub struct DiffSpecArgs {
    /// Two spec versions in the store (ids, or names/process ids for the
    /// latest version): OLD NEW. Instead of -b … --new ….
    #[arg(value_name = "SPEC", num_args = 2, conflicts_with_all = ["old", "new"])]
    pub versions: Vec<String>,
    /// The old version's BPMN files.
    #[arg(
        short = 'b',
        long = "bpmn",
        value_name = "OLD",
        num_args = 1..,
        required_unless_present = "versions"
    )]
    pub old: Vec<PathBuf>,
    /// The new version's BPMN files.
    #[arg(
        long = "new",
        value_name = "NEW",
        num_args = 1..,
        required_unless_present = "versions"
    )]
    pub new: Vec<PathBuf>,
    /// The process to compare (default: the only executable process of the
    /// old files).
    #[arg(short = 'p', long = "process", value_name = "PROCESS_ID")]
    pub process: Option<String>,
    /// Compare the processes it calls (call activities) as well.
    #[arg(long)]
    pub deps: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// The language of scripts and conditions whose element does not say
    /// (python, juel, rhai).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<bpmn_engine::model::Dialect>,
}

/// The version an instance is compared with or moved to: files, or a
/// spec in the store.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("version").required(true).args(["bpmn", "spec"])))]
pub struct NewVersionArgs {
    /// The new version's BPMN files.
    #[arg(short = 'b', long = "bpmn", value_name = "FILE", num_args = 1..)]
    pub bpmn: Vec<PathBuf>,
    /// Its DMN files (default: those the instance embeds).
    #[arg(short = 'd', long = "dmn", value_name = "DMNFILE", num_args = 1..)]
    pub dmn: Vec<PathBuf>,
    /// The language of scripts and conditions whose element does not say
    /// (default: the instance's).
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<bpmn_engine::model::Dialect>,
    /// A spec in the store: its id, or a name or process id (latest version).
    #[arg(long, value_name = "SPEC")]
    pub spec: Option<String>,
}

impl NewVersionArgs {
    /// The files, as the loaders take them.
    pub fn files(&self) -> FileArgs {
        FileArgs {
            bpmn: self.bpmn.clone(),
            dmn: self.dmn.clone(),
            dialect: self.dialect,
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffInstanceArgs {
    /// The saved state (.json or .ron), or an instance id in the store.
    pub file: PathBuf,
    /// The new version.
    #[command(flatten)]
    pub new: NewVersionArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The saved state (.json or .ron), or an instance id in the store; it
    /// is updated in place.
    pub file: PathBuf,
    /// The new version.
    #[command(flatten)]
    pub new: NewVersionArgs,
    /// Cancel and drop live tasks that have no counterpart instead of
    /// refusing.
    #[arg(long)]
    pub force: bool,
    /// Say what the migration would do; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// When another bpmn is using the state file, wait for it to finish
    /// instead of refusing (exit 2).
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub files: FileArgs,
    /// The service operations to check service tasks against.
    #[command(flatten)]
    pub services: ServiceArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Prints the result as JSON: the output's value for a one-output table, a map by output name for several, a list for RULE ORDER, OUTPUT ORDER and COLLECT, null when no rule matches (or the default outputs).\n\nExit status:\n  0  success\n  2  bad usage, unreadable or invalid files, unknown decision\n  3  the evaluation failed (e.g. several rules match a UNIQUE table)"
)]
pub struct DecideArgs {
    /// DMN files to load (required decisions resolve across all of them).
    #[arg(short = 'd', long = "dmn", value_name = "FILE", num_args = 1.., required = true)]
    pub dmn: Vec<PathBuf>,
    /// Id of the decision to evaluate.
    #[arg(long, value_name = "ID")]
    pub decision: String,
    /// Input data, a JSON object, e.g. '{"product_name": "mug"}'.
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
    /// `python`: read the tables as SpiffWorkflow does, as when a Python
    /// diagram calls them: input expressions and cells that name no
    /// language are Python where they are Python (`item['x']`, `'gold'`,
    /// `"a" in ?`), FEEL elsewhere. Without it they are FEEL unless the file
    /// or table names Python.
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Option<bpmn_engine::model::Dialect>,
}

#[derive(Debug, Args)]
pub struct DmnTestArgs {
    /// The DMN files — the model under test (the test file's modelName
    /// picks it; else the first) and the models it imports — then, last,
    /// the test cases in the DMN TCK test-file format
    /// (testCases/testCase/inputNode/resultNode).
    #[arg(value_name = "MODEL.dmn… CASES.xml", num_args = 2.., required = true)]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Scenario files (JSON), run in the order given.
    #[arg(value_name = "SCENARIO", num_args = 1.., required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Print flow-node and sequence-flow coverage per process reached,
    /// summed over all scenarios, with what was never reached or taken.
    #[arg(long)]
    pub coverage: bool,
    /// Write the coverage as a heat map on the diagrams (implies
    /// --coverage).
    #[arg(long, value_name = "FILE.svg|FILE.html")]
    pub coverage_out: Option<PathBuf>,
    /// Write a JUnit XML report here (one testsuite per scenario file).
    #[arg(long, value_name = "OUT.xml")]
    pub junit: Option<PathBuf>,
    /// Print one JSON object: {"scenarios": [{"name", "file", "passed",
    /// "differences"}], "passed", "failed", "coverage"}.
    #[arg(long)]
    pub json: bool,
    /// The service operations service tasks may call, as for run.
    #[command(flatten)]
    pub services: ServiceArgs,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}
