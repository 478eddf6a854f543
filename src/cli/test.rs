//! `bpmn test`: run scenario files (format: `bpmn_engine::scenario`) and
//! print one line per scenario — `PASS name (file)` or `FAIL name (file):
//! first difference: …` — then `N passed, N failed`; with `--coverage`
//! the flow-node and sequence-flow coverage of each process reached,
//! summed over every scenario, and with `--coverage-out` the same as a heat
//! map on the diagrams (SVG, or an HTML page with the figures); with
//! `--junit` a JUnit XML file.
//!
//! Every file is read before anything runs: a scenario file that does not
//! parse (a typo in a key included) is bad usage, not a failing test.

use std::path::{Path, PathBuf};

use bpmn_engine::Specs;
use bpmn_engine::parser::LoadOptions;
use bpmn_engine::picture::{self, Overlay, Page, Section, SectionBody};
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
    // A file name that cannot be written is said before anything runs.
    let heat_map = args
        .coverage_out
        .as_deref()
        .map(heat_map_kind)
        .transpose()?;
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
        // Whole or not at all, as every file bpmn writes.
        super::show::write(out, &bpmn_engine::scenario::junit_xml(&outcomes))?;
    }
    if let (Some(out), Some(kind)) = (&args.coverage_out, heat_map) {
        let specs = union_of(&scenarios);
        let overlay = coverage.overlay_for(specs.model());
        write_heat_map(out, kind, &specs, &overlay, &coverage, &outcomes)?;
    }
    Ok(if failed == 0 { COMPLETED } else { FAILED })
}

/// What `--coverage-out` writes, by the file's extension.
#[derive(Clone, Copy)]
enum HeatMap {
    Svg,
    Html,
}

fn heat_map_kind(out: &Path) -> Result<HeatMap, CliError> {
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("svg") => Ok(HeatMap::Svg),
        Some("html" | "htm") => Ok(HeatMap::Html),
        _ => Err(CliError::usage(format!(
            "--coverage-out {}: give a .svg or .html file",
            out.display()
        ))),
    }
}

/// The coverage heat map: `overlay` is the coverage summed over every
/// scenario (style Heat: counts added, unreached elements absent, drawn as
/// gaps) on `specs`, which holds every diagram the scenarios loaded; the
/// HTML page adds the figures and the scenarios' results.
fn write_heat_map(
    out: &Path,
    kind: HeatMap,
    specs: &Specs,
    overlay: &Overlay,
    coverage: &Coverage,
    outcomes: &[Outcome],
) -> Result<(), CliError> {
    let svg = picture::svg(&picture::diagrams_of(specs.model()), overlay);
    let text = match kind {
        HeatMap::Svg => svg,
        HeatMap::Html => {
            let processes = coverage
                .processes()
                .map(|p| {
                    vec![
                        p.process.clone(),
                        shown(&p.file),
                        format!("{}/{}", p.nodes_reached(), p.nodes.len()),
                        format!("{:.1}%", p.node_percent()),
                        format!("{}/{}", p.flows_taken(), p.flows.len()),
                        format!("{:.1}%", p.flow_percent()),
                        p.unreached_nodes().join(", "),
                        p.untaken_flows().join(", "),
                    ]
                })
                .collect();
            let scenarios = outcomes
                .iter()
                .map(|o| {
                    vec![
                        o.name.clone(),
                        o.file.display().to_string(),
                        if o.passed() { "PASS" } else { "FAIL" }.to_string(),
                        o.first_difference()
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = |h: &[&str]| h.iter().map(|s| s.to_string()).collect();
            Page {
                title: format!("Coverage over {} scenarios", coverage.runs()),
                svg: Some(svg),
                sections: vec![
                    Section {
                        heading: "Processes".into(),
                        body: SectionBody::Table {
                            headers: headers(&[
                                "process",
                                "file",
                                "flow nodes",
                                "%",
                                "sequence flows",
                                "%",
                                "never reached",
                                "never taken",
                            ]),
                            rows: processes,
                        },
                    },
                    Section {
                        heading: "Scenarios".into(),
                        body: SectionBody::Table {
                            headers: headers(&["scenario", "file", "result", "first difference"]),
                            rows: scenarios,
                        },
                    },
                ],
            }
            .html()
        }
    };
    super::show::write(out, &text)
}

/// One model of every diagram and decision file the scenarios load (each
/// file once), for drawing the summed coverage on.
fn union_of(scenarios: &[Scenario]) -> std::sync::Arc<Specs> {
    let bpmn = once(scenarios.iter().flat_map(|s| &s.diagrams));
    let dmn = once(scenarios.iter().flat_map(|s| &s.dmn));
    Specs::load_all(&bpmn, &dmn, &LoadOptions::default())
}

/// `paths` without repeats (one file named two ways counts once).
fn once<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> Vec<&'a PathBuf> {
    let mut seen = std::collections::HashSet::new();
    paths
        .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())))
        .collect()
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
