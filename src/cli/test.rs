//! `bpmn test`: run scenario files (format: `bpmn_engine::scenario`) and
//! print one line per scenario — `PASS name (file)` or `FAIL name (file):
//! first difference: …` — then `N passed, N failed`; with `--coverage`
//! the flow-node and sequence-flow coverage of each process reached,
//! summed over every scenario; with `--junit` a JUnit XML file.
//!
//! Every file is read before anything runs: a scenario file that does not
//! parse (a typo in a key included) is bad usage, not a failing test.

use std::path::{Path, PathBuf};

use bpmn_engine::Specs;
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::picture::Overlay;
use bpmn_engine::scenario::{Coverage, Outcome, ProcessCoverage, Runner, Scenario, parse_file};
use serde_json::{Value, json};

use super::CliError;
use super::args::TestArgs;
use super::exit::{COMPLETED, FAILED};
use super::services::CliServices;

pub fn test(args: TestArgs) -> Result<u8, CliError> {
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut bad = Vec::new();
    for f in &args.scenarios {
        match parse_file(f) {
            Ok(s) => scenarios.extend(s),
            Err(e) => bad.push(e.to_string()),
        }
    }
    if !bad.is_empty() {
        return Err(CliError::usage(bad.join("\nerror: ")));
    }
    let services = CliServices::from_args(&args.services)?;
    let mut runner = Runner::with_prepare(Box::new(move |specs, wf| {
        services.clone().install(specs, wf).map_err(|e| e.message)
    }));
    let coverage_wanted = args.coverage || args.coverage_out.is_some();
    let mut coverage = Coverage::new();
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(scenarios.len());
    for s in &scenarios {
        let mut o = runner.run(s);
        // The instance is needed only for its overlay; dropped at once so
        // a long suite holds one instance at a time.
        if let Some(wf) = o.workflow.take()
            && coverage_wanted
        {
            coverage.add(wf.specs().model(), &Overlay::of_instance(&wf));
        }
        if !args.json {
            print_outcome(&o);
        }
        outcomes.push(o);
    }
    let failed = outcomes.iter().filter(|o| !o.passed()).count();
    let passed = outcomes.len() - failed;
    if args.json {
        let mut v = json!({
            "scenarios": outcomes.iter().map(outcome_json).collect::<Vec<_>>(),
            "passed": passed,
            "failed": failed,
        });
        if coverage_wanted {
            v["coverage"] = coverage.processes().map(coverage_json).collect();
        }
        outln!("{v}");
    } else {
        outln!("{passed} passed, {failed} failed");
        if coverage_wanted {
            print_coverage(&coverage);
        }
    }
    if let Some(out) = &args.junit {
        std::fs::write(out, bpmn_engine::scenario::junit_xml(&outcomes))
            .map_err(|e| CliError::usage(format!("--junit {}: {e}", out.display())))?;
    }
    if let Some(out) = &args.coverage_out {
        let specs = union_of(&scenarios);
        let overlay = coverage.overlay_for(specs.model());
        write_heat_map(out, &specs, &overlay)?;
    }
    Ok(if failed == 0 { COMPLETED } else { FAILED })
}

/// INTEGRATION POINT for the coverage heat map (`--coverage-out
/// FILE.svg|FILE.html`): `overlay` is the coverage summed over every
/// scenario (style Heat: node counts and flow counts added, unreached
/// elements absent) on `specs`, which holds every diagram the scenarios
/// loaded. When `picture::svg` (and `picture::html`) land, draw it here
/// and write the file; until then the option says it cannot draw yet.
fn write_heat_map(out: &Path, specs: &Specs, overlay: &Overlay) -> Result<(), CliError> {
    let _ = (specs, overlay);
    Err(CliError::usage(format!(
        "--coverage-out {}: drawing the heat map is not available in this build yet (the coverage figures above are)",
        out.display()
    )))
}

/// One model of every diagram the scenarios load (each file once), for
/// drawing the summed coverage on.
fn union_of(scenarios: &[Scenario]) -> std::sync::Arc<Specs> {
    let mut seen = std::collections::HashSet::new();
    let files: Vec<&PathBuf> = scenarios
        .iter()
        .flat_map(|s| &s.diagrams)
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .collect();
    Specs::load_all::<_, &Path>(&files, &[], &LoadOptions::default())
}

fn print_outcome(o: &Outcome) {
    let file = o.file.display();
    match o.first_difference() {
        None => outln!("PASS {} ({file})", o.name),
        Some(d) => outln!("FAIL {} ({file}): first difference: {d}", o.name),
    }
}

fn outcome_json(o: &Outcome) -> Value {
    json!({
        "name": o.name,
        "file": o.file.display().to_string(),
        "passed": o.passed(),
        "differences": o.differences.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "seconds": o.elapsed.as_secs_f64(),
    })
}

/// A path as short as it can be said: relative to the current folder
/// when under it.
fn shown(p: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let cwd = cwd.and_then(|c| std::fs::canonicalize(c).ok());
    match cwd.as_deref().and_then(|c| p.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => p.display().to_string(),
    }
}

fn print_coverage(c: &Coverage) {
    let n = c.runs();
    outln!(
        "Coverage over {n} scenario{}:",
        if n == 1 { "" } else { "s" }
    );
    let mut any = false;
    for p in c.processes() {
        any = true;
        outln!(
            "  {} ({}): flow nodes {}/{} ({:.1}%), sequence flows {}/{} ({:.1}%)",
            p.process,
            shown(&p.file),
            p.nodes_reached(),
            p.nodes.len(),
            p.node_percent(),
            p.flows_taken(),
            p.flows.len(),
            p.flow_percent()
        );
        let unreached = p.unreached_nodes();
        if !unreached.is_empty() {
            outln!("    never reached: {}", unreached.join(", "));
        }
        let untaken = p.untaken_flows();
        if !untaken.is_empty() {
            outln!("    never taken: {}", untaken.join(", "));
        }
    }
    if !any {
        outln!("  no process was reached");
    }
}

fn coverage_json(p: &ProcessCoverage) -> Value {
    json!({
        "process": p.process,
        "file": shown(&p.file),
        "nodes": {"reached": p.nodes_reached(), "total": p.nodes.len(), "percent": p.node_percent()},
        "flows": {"taken": p.flows_taken(), "total": p.flows.len(), "percent": p.flow_percent()},
        "unreached_nodes": p.unreached_nodes(),
        "untaken_flows": p.untaken_flows(),
    })
}
