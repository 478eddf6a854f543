//! `bpmn validate`: report every problem in every file.

use bpmn_engine::Severity;
use bpmn_engine::model::DialectReason;

use super::CliError;
use super::args::ValidateArgs;
use super::exit::{COMPLETED, USAGE};
use super::load::load;

pub fn validate(args: ValidateArgs) -> Result<u8, CliError> {
    let specs = load(&args.files)?;
    let services = super::services::CliServices::from_args(&args.services)?;
    let service_problems = specs.check_services(&services);
    let mut errors = 0;
    let mut warnings = 0;
    for d in specs.diagnostics().iter().chain(&service_problems) {
        outln!("{d}");
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
    }
    let model = specs.model();
    for f in &model.files {
        match &f.dialect {
            Some(d) if d.reason == DialectReason::NoCode => errln!(
                "{}: every script and condition names its language",
                f.path.display()
            ),
            Some(d) => errln!("{}: scripts and conditions are {d}", f.path.display()),
            None => {}
        }
    }
    let executable = model.processes.iter().filter(|p| p.executable).count();
    errln!(
        "{} file(s), {} process(es) ({} executable): {errors} error(s), {warnings} warning(s)",
        args.files.bpmn.len(),
        model.processes.len(),
        executable
    );
    Ok(if errors > 0 { USAGE } else { COMPLETED })
}
