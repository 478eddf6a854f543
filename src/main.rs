//! `bpmn`: run BPMN diagrams from the shell. A thin client of the
//! `bpmn_runner` library; everything it does goes through the public API.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
