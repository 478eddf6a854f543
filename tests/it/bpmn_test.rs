//! End-to-end tests of `bpmn test`, running the built binary: the
//! scenarios of the `bpmn/` examples pass, a failing scenario prints its
//! first difference and exits 1, `--junit` writes the right counts,
//! `--coverage` prints exact figures for a fixture whose nodes and flows
//! are counted by hand (`tests/fixtures/scenarios/amounts.bpmn`: 6 flow
//! nodes, 5 sequence flows).

use std::path::PathBuf;

use assert_cmd::Command;
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `bpmn test ARGS…` in `dir` (relative to the repository root).
fn bpmn_test(dir: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("bpmn")
        .unwrap()
        .current_dir(root().join(dir))
        .arg("test")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const EXAMPLES: [&str; 4] = [
    "tests/task_types.json",
    "tests/gateway_types.json",
    "tests/top_level.json",
    "tests/call_activity.json",
];

#[test]
fn the_example_scenarios_pass_and_cover_every_node_and_flow() {
    let mut args = EXAMPLES.to_vec();
    args.push("--coverage");
    let (code, out, err) = bpmn_test("bpmn", &args);
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("PASS ")).count(),
        10,
        "{out}"
    );
    assert!(out.contains("PASS three mugs, as in the tutorial (tests/task_types.json)\n"));
    assert!(out.contains("\n10 passed, 0 failed\n"), "{out}");
    // Each example has a scenario per branch; the call activity's process
    // is reached both on its own and from top_level.
    for line in [
        "  customize_product (call_activity.bpmn): flow nodes 8/8 (100.0%), sequence flows 9/9 (100.0%)",
        "  order_product_gateways (gateway_types.bpmn): flow nodes 19/19 (100.0%), sequence flows 22/22 (100.0%)",
        "  order_product_task_types (task_types.bpmn): flow nodes 6/6 (100.0%), sequence flows 5/5 (100.0%)",
        "  order_product (top_level.bpmn): flow nodes 20/20 (100.0%), sequence flows 19/19 (100.0%)",
    ] {
        assert!(
            out.contains(&format!("{line}\n")),
            "{line} missing from\n{out}"
        );
    }
}

#[test]
fn a_failing_scenario_prints_its_first_difference_and_exits_1() {
    let (code, out, _) = bpmn_test("tests/fixtures/scenarios", &["failing.json"]);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(
        out,
        "FAIL doubles wrongly (failing.json): first difference: data.total: expected 401, got 400\n\
         FAIL answers a task that is not ready (failing.json): first difference: error: answer #1 is for task `double_it`, which is not a ready human task; ready: ask_amount\n\
         PASS waits (failing.json)\n\
         1 passed, 2 failed\n"
    );
}

#[test]
fn coverage_figures_are_exact() {
    let (code, out, _) = bpmn_test("tests/fixtures/scenarios", &["small.json", "--coverage"]);
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        out,
        "PASS a small amount ends at once (small.json)\n\
         1 passed, 0 failed\n\
         Coverage over 1 scenario:\n  \
           amounts (amounts.bpmn): flow nodes 4/6 (66.7%), sequence flows 3/5 (60.0%)\n    \
             never reached: double_it, end_big\n    \
             never taken: f_big, f_double_end\n"
    );
    // Summed across files and scenarios (the failing ones count too: they ran).
    let (code, out, _) = bpmn_test(
        "tests/fixtures/scenarios",
        &["small.json", "both.json", "--coverage"],
    );
    assert_eq!(code, Some(0));
    assert!(out.ends_with(
        "Coverage over 3 scenarios:\n  amounts (amounts.bpmn): flow nodes 6/6 (100.0%), sequence flows 5/5 (100.0%)\n"
    ), "{out}");
}

#[test]
fn json_output_carries_results_and_coverage() {
    let (code, out, _) = bpmn_test(
        "tests/fixtures/scenarios",
        &["failing.json", "small.json", "--json", "--coverage"],
    );
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&out).expect("one JSON object");
    assert_eq!(v["passed"], 2);
    assert_eq!(v["failed"], 2);
    assert_eq!(v["scenarios"].as_array().unwrap().len(), 4);
    assert_eq!(v["scenarios"][0]["passed"], false);
    assert_eq!(
        v["scenarios"][0]["differences"][0],
        "data.total: expected 401, got 400"
    );
    let c = &v["coverage"][0];
    assert_eq!(c["process"], "amounts");
    // failing.json's three runs: big (all but end_small), not ready (start,
    // ask) and waits; small.json: the small branch. Everything is reached.
    assert_eq!(c["nodes"]["reached"], 6);
    assert_eq!(c["nodes"]["total"], 6);
    assert_eq!(c["flows"]["taken"], 5);
}

#[test]
fn junit_reports_every_scenario_and_failure() {
    let dir = tempfile::tempdir().unwrap();
    let xml_path = dir.path().join("report.xml");
    let (code, _, _) = bpmn_test(
        "tests/fixtures/scenarios",
        &[
            "both.json",
            "failing.json",
            "--junit",
            xml_path.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1));
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let mut r = Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures) = (Vec::new(), 0, Vec::new());
    let mut top = None;
    loop {
        match r.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &str| {
                    e.try_get_attribute(k)
                        .unwrap()
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap_or_default()
                };
                match e.name().as_ref() {
                    "testsuites" => top = Some((attr("tests"), attr("failures"))),
                    "testsuite" => suites.push((attr("name"), attr("tests"), attr("failures"))),
                    "testcase" => cases += 1,
                    "failure" => failures.push(attr("message")),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(top, Some(("5".into(), "2".into())));
    assert_eq!(
        suites,
        [
            ("both.json".to_string(), "2".to_string(), "0".to_string()),
            ("failing.json".into(), "3".into(), "2".into())
        ]
    );
    assert_eq!(cases, 5);
    assert_eq!(failures[0], "data.total: expected 401, got 400");
    assert!(failures[1].starts_with("error: answer #1 is for task `double_it`"));
}

#[test]
fn a_typo_in_a_scenario_file_is_bad_usage_before_anything_runs() {
    let (code, out, err) = bpmn_test("tests/fixtures/scenarios", &["small.json", "typo.json"]);
    assert_eq!(code, Some(2));
    assert_eq!(out, "", "nothing ran");
    assert_eq!(
        err,
        "error: typo.json:6:9: unknown field `dta`, expected one of `completed`, `data`, `order`, `ready`, `error`\n"
    );
    let (code, _, err) = bpmn_test("tests/fixtures/scenarios", &["nothing.json"]);
    assert_eq!(code, Some(2));
    assert_eq!(err, "error: nothing.json: no such file (check the path)\n");
}

/// The opening `<g …>` tag of the element drawn for BPMN id `id`.
fn tag_of<'a>(svg: &'a str, kind: &str, id: &str) -> &'a str {
    let at = svg
        .find(&format!("data-element=\"{id}\""))
        .unwrap_or_else(|| panic!("{id} is not drawn"));
    let start = svg[..at].rfind("<g ").unwrap();
    let tag = &svg[start..start + svg[start..].find('>').unwrap()];
    assert!(tag.contains(&format!("class=\"{kind}")), "{tag}");
    tag
}

#[test]
fn coverage_out_draws_the_heat_map_with_gaps() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("coverage.svg");
    let html_path = dir.path().join("coverage.html");
    for path in [&svg_path, &html_path] {
        let (code, out, err) = bpmn_test(
            "tests/fixtures/scenarios",
            &["small.json", "--coverage-out", path.to_str().unwrap()],
        );
        assert_eq!(code, Some(0), "{err}");
        // --coverage-out prints the figures too.
        assert!(out.contains("flow nodes 4/6 (66.7%)"), "{out}");
    }
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(tag_of(&svg, "node", "ask_amount").contains("heat-covered"));
    assert!(tag_of(&svg, "node", "double_it").contains("heat-gap"));
    assert!(tag_of(&svg, "flow", "f_small").contains("heat-covered"));
    assert!(tag_of(&svg, "flow", "f_big").contains("heat-gap"));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<svg"));
    for cell in [
        "<td>4/6</td>",
        "<td>66.7%</td>",
        "<td>3/5</td>",
        "<td>double_it, end_big</td>",
        "<td>PASS</td>",
    ] {
        assert!(html.contains(cell), "{cell} missing");
    }
    // A file it cannot write is bad usage, said before anything runs.
    let (code, out, err) = bpmn_test(
        "tests/fixtures/scenarios",
        &["small.json", "--coverage-out", "coverage.png"],
    );
    assert_eq!((code, out.as_str()), (Some(2), ""));
    assert!(err.contains("give a .svg or .html file"), "{err}");
}

/// The spiff-example-cli tutorial runs (`support::tutorial_cases`, when
/// the corpus is next to the crate), written as one scenario file that
/// points at the corpus's diagrams: each passes, coverage is reported
/// for every process they reach, and the heat map draws them.
#[test]
fn the_spiff_tutorial_runs_pass_as_scenarios() {
    let cases = crate::support::tutorial_cases();
    if cases.is_empty() {
        return; // skipped with a message by support::spiff_corpus
    }
    let scenarios: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            let mut s = serde_json::json!({
                "name": c.name,
                "diagrams": c.files,
                "dmn": c.dmn,
                "data": c.data,
                "answers": c.answers,
                "expect": {"completed": c.expect.status == "completed"}
            });
            for (key, value) in [
                ("process", &c.process),
                ("collaboration", &c.collaboration),
                ("dialect", &c.dialect),
                ("start", &c.now),
            ] {
                if let Some(v) = value {
                    s[key] = serde_json::json!(v);
                }
            }
            s
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("spiff.json");
    std::fs::write(&file, serde_json::to_string_pretty(&scenarios).unwrap()).unwrap();
    let heat = dir.path().join("heat.svg");
    let (code, out, err) = bpmn_test(
        ".",
        &[
            file.to_str().unwrap(),
            "--coverage",
            "--coverage-out",
            heat.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    let n = cases.len();
    assert!(out.contains(&format!("\n{n} passed, 0 failed\n")), "{out}");
    let coverage: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains("flow nodes"))
        .collect();
    assert!(coverage.len() >= 10, "{out}");
    let svg = std::fs::read_to_string(&heat).unwrap();
    assert!(
        svg.matches("class=\"node heat-covered").count() > 50,
        "{svg}"
    );
}

/// The README's heat map is what `bpmn test --coverage-out` draws for the
/// scenarios of `bpmn/tests/`; `BPMN_UPDATE_PICTURES=1` rewrites it after
/// a change to the drawing.
#[test]
fn the_readme_heat_map_is_what_test_draws() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("coverage.svg");
    let mut args = EXAMPLES.to_vec();
    args.extend(["--coverage-out", out.to_str().unwrap()]);
    let (code, stdout, err) = bpmn_test("bpmn", &args);
    assert_eq!(code, Some(0), "{stdout}{err}");
    let drawn = std::fs::read(&out).unwrap();
    crate::support::assert_committed_picture("coverage.svg", &drawn, "bpmn test --coverage-out");
}
