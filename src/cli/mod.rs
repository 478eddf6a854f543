//! The command line: argument parsing, commands, and how results are shown.
//! Exit codes are part of the contract (see [`exit`]).

#[macro_use]
mod print;
mod answers;
mod args;
mod complete;
mod completions;
mod connector_proxy;
mod decide;
mod dmn_test;
mod events;
mod exit;
mod inspect;
mod interactive;
mod invocation;
mod library;
mod library_starts;
mod limits;
mod load;
mod lock;
mod migrate;
mod output;
mod reset;
mod resume;
mod roles;
mod run;
mod services;
mod show;
mod table;
mod target;
mod test;
mod validate;
mod worker;

use std::process::ExitCode;

use clap::Parser;

pub use exit::CliError;

/// Entry point of the `bpmn` binary.
pub fn main() -> ExitCode {
    let cli = match args::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    target::set_store(cli.store);
    let result = match cli.command {
        args::Command::Run(a) => run::run(a),
        args::Command::Validate(a) => validate::validate(a),
        args::Command::Resume(a) => resume::resume(a),
        args::Command::Tasks(a) => inspect::tasks(a),
        args::Command::Data(a) => inspect::data(a),
        args::Command::Reset(a) => reset::reset(a),
        args::Command::Show(a) => show::show(a),
        args::Command::Advance(a) => events::advance(a),
        args::Command::Send(a) => events::send(a),
        args::Command::Tick(a) => library_starts::tick(a),
        args::Command::Worker(a) => worker::worker(a),
        args::Command::Complete(a) => complete::complete(a),
        args::Command::Events(a) => events::events(a),
        args::Command::DiffSpec(a) => migrate::diff_spec(a),
        args::Command::DiffInstance(a) => migrate::diff_instance(a),
        args::Command::Migrate(a) => migrate::migrate(a),
        args::Command::Decide(a) => decide::decide(a),
        args::Command::DmnTest(a) => dmn_test::dmn_test(a),
        args::Command::Test(a) => test::test(a),
        args::Command::Add(a) => library::add(a),
        args::Command::Specs(a) => library::specs(a),
        args::Command::Start(a) => library::start(a),
        args::Command::Instances(a) => library::instances(a),
        args::Command::Log(a) => library::log(a),
        args::Command::Export(a) => library::export(a),
        args::Command::Import(a) => library::import(a),
        args::Command::Completions(a) => completions::completions(a),
    };
    // "Start from the library" in a session: a new session on a new
    // instance of the chosen spec, once the first has ended and saved.
    let mut result = result;
    while result.is_ok() {
        let Some(spec) = interactive::take_start_next() else {
            break;
        };
        result = library::start_chosen(spec);
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            errln!("error: {e}");
            ExitCode::from(e.code)
        }
    }
}
