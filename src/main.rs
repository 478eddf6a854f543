//! `bpmn`: run BPMN diagrams from the shell. A thin client of the
//! `bpmn_engine` library; everything it does goes through the public API.

mod cli;

// Counts what each thread holds, so a script can be stopped at
// --max-script-memory.
#[global_allocator]
static ALLOC: bpmn_engine::scripting::CountingAllocator = bpmn_engine::scripting::CountingAllocator;

fn main() -> std::process::ExitCode {
    cli::main()
}
