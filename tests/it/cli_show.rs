//! `bpmn show` end to end on the built binary: the SVG colours each flow
//! node by its state and marks the flows tokens took, the HTML page adds
//! the tasks and data, the state file is not touched, and bad input is a
//! clear usage error that writes nothing.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").expect("the bpmn binary is built")
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bpmn")
}

/// The gateway tutorial saved after three answers: the shipping method
/// still to choose, the address given, the parallel join half full.
fn saved_gateways(dir: &Path) -> PathBuf {
    let answers = dir.join("answers.json");
    std::fs::write(
        &answers,
        r#"[{"task": "select_product_and_quantity", "data": {"product_name": "t_shirt", "product_quantity": 2}},
            {"task": "select_product_color", "data": {"product_color": "navy"}},
            {"task": "enter_shipping_address", "data": {"shipping_address": {"name": "Jane Doe", "street": "221B Baker Street", "postal_code": "NW1 6XE", "city": "London", "country": "GB"}}}]"#,
    )
    .unwrap();
    let state = dir.join("order.json");
    bpmn()
        .current_dir(examples())
        .args(["run", "-b", "gateway_types.bpmn", "-d"])
        .args(["../dmn/product_prices.dmn", "../dmn/shipping_costs.dmn"])
        .args(["-p", "order_product_gateways", "--answers"])
        .arg(&answers)
        .arg("--save")
        .arg(&state)
        .assert()
        .code(4);
    state
}

/// The `<g>` groups of an SVG that show an element: element id → (class,
/// data-count).
fn groups(svg: &str) -> HashMap<String, (String, Option<u32>)> {
    crate::support::svg_groups(svg)
}

fn has_class(g: &HashMap<String, (String, Option<u32>)>, id: &str, class: &str) -> bool {
    let (c, _) = g
        .get(id)
        .unwrap_or_else(|| panic!("no group for {id} in the SVG"));
    c.split_whitespace().any(|w| w == class)
}

#[test]
fn the_svg_colours_nodes_by_state_and_marks_taken_flows() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_gateways(dir.path());
    let before = std::fs::read(&state).unwrap();
    let svg_path = dir.path().join("order.svg");
    let html_path = dir.path().join("order.html");
    bpmn()
        .arg("show")
        .arg(&state)
        .arg("--svg")
        .arg(&svg_path)
        .arg("--html")
        .arg(&html_path)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read(&state).unwrap(),
        before,
        "show must not change the state"
    );
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    let g = groups(&svg);
    for (id, class) in [
        ("begin_order", "state-completed"),
        ("select_product_and_quantity", "state-completed"),
        ("look_up_product_price", "state-completed"),
        ("select_product_color", "state-completed"),
        ("enter_shipping_address", "state-completed"),
        ("select_shipping_method", "state-ready"),
        ("shipping_info_complete", "state-waiting"),
        ("review_order", "state-none"),
        ("order_placed", "state-none"),
    ] {
        assert!(has_class(&g, id, "node"), "{id} is drawn as a node");
        assert!(has_class(&g, id, class), "{id}: {:?}, want {class}", g[id]);
    }
    for id in [
        "flow_begin_to_select",
        "flow_choose_color",
        "flow_color_to_merge",
        "flow_address_to_join",
    ] {
        assert!(has_class(&g, id, "taken"), "{id} was taken: {:?}", g[id]);
    }
    for id in [
        "flow_no_color",
        "flow_method_to_join",
        "flow_total_to_review",
    ] {
        assert!(has_class(&g, id, "flow"), "{id} is drawn as a flow");
        assert!(!has_class(&g, id, "taken"), "{id} was not taken");
    }
    // Every flow node and sequence flow of the diagram has its group.
    let bpmn_text = std::fs::read_to_string(examples().join("gateway_types.bpmn")).unwrap();
    for kind in ["<bpmn:userTask id=\"", "<bpmn:sequenceFlow id=\""] {
        for part in bpmn_text.split(kind).skip(1) {
            let id = &part[..part.find('"').unwrap()];
            assert!(g.contains_key(id), "{id} is drawn");
        }
    }

    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<svg"), "the page holds the picture");
    assert!(html.contains("select_shipping_method") && html.contains("READY"));
    assert!(html.contains("t_shirt"), "the page shows the data");
}

#[test]
fn a_task_that_ran_more_than_once_shows_its_count() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("loop.bpmn");
    std::fs::write(
        &model,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <process id="p" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="inc"/>
    <scriptTask id="inc"><script>i = i + 1;</script></scriptTask>
    <sequenceFlow id="f2" sourceRef="inc" targetRef="more"/>
    <exclusiveGateway id="more" default="f_out"/>
    <sequenceFlow id="f_back" sourceRef="more" targetRef="inc"><conditionExpression>i &lt; 4</conditionExpression></sequenceFlow>
    <sequenceFlow id="f_out" sourceRef="more" targetRef="ask"/>
    <userTask id="ask"/>
  </process>
</definitions>"#,
    )
    .unwrap();
    let state = dir.path().join("s.json");
    bpmn()
        .args(["run", "-b"])
        .arg(&model)
        .args(["-p", "p", "--data", r#"{"i": 0}"#, "--answers"])
        .arg(write_empty_answers(dir.path()))
        .arg("--save")
        .arg(&state)
        .assert()
        .code(4);
    // No DI in the file: the picture is laid out, to standard output.
    let out = bpmn()
        .arg("show")
        .arg(&state)
        .args(["--svg", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let svg = String::from_utf8(out.stdout).unwrap();
    let g = groups(&svg);
    assert_eq!(g["inc"].1, Some(4), "{:?}", g["inc"]);
    assert!(has_class(&g, "inc", "state-completed"));
    assert!(has_class(&g, "ask", "state-ready"));
    assert!(has_class(&g, "f_back", "taken") && has_class(&g, "f_out", "taken"));
}

fn write_empty_answers(dir: &Path) -> PathBuf {
    let p = dir.join("none.json");
    std::fs::write(&p, "[]").unwrap();
    p
}

#[test]
fn bad_input_is_a_usage_error_that_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_gateways(dir.path());
    // No output asked for.
    let out = bpmn().arg("show").arg(&state).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--svg"));
    // A state that is not there.
    let missing = dir.path().join("nope.json");
    let svg = dir.path().join("x.svg");
    let out = bpmn()
        .arg("show")
        .arg(&missing)
        .arg("--svg")
        .arg(&svg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.json"));
    assert!(!svg.exists());
    // A folder that does not exist.
    let out = bpmn()
        .arg("show")
        .arg(&state)
        .arg("--svg")
        .arg(dir.path().join("no/such/dir/x.svg"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.svg"));
}

/// The README's picture is what `bpmn show` draws for the gateway tutorial
/// after three answers; `BPMN_UPDATE_PICTURES=1` rewrites it after a
/// change to the drawing.
#[test]
fn the_readme_picture_is_what_show_draws() {
    let dir = tempfile::tempdir().unwrap();
    let state = saved_gateways(dir.path());
    let out = bpmn()
        .arg("show")
        .arg(&state)
        .args(["--svg", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    crate::support::assert_committed_picture("gateway_types.svg", &out.stdout, "bpmn show");
}
