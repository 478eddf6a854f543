//! Tests of the drawings: diagrams built by hand, the SVG read back as XML
//! for its structure (states, counts, taken flows, escaping), and
//! rendered with resvg for its colours.

use std::collections::HashMap;

use crate::model::{Bounds, Diagram, Edge, LoopMarker, Marks, Point, Shape};
use crate::parser::xml::{self, Element};
use crate::runtime::TaskState;

use super::paint::{COMPLETED_FILL, GAP_STROKE, NONE_FILL, READY_FILL, TAKEN_STROKE};
use super::{ElementKey, NodeMark, Overlay, OverlayStyle, svg};

pub(super) fn shape(id: &str, element_type: &str, x: f64, y: f64, w: f64, h: f64) -> Shape {
    Shape {
        element: id.into(),
        element_type: element_type.into(),
        name: None,
        bounds: Bounds {
            x,
            y,
            width: w,
            height: h,
        },
        label: None,
        expanded: None,
        horizontal: None,
        marks: Marks::default(),
    }
}

pub(super) fn named(mut s: Shape, name: &str) -> Shape {
    s.name = Some(name.into());
    s
}

pub(super) fn with_definitions(mut s: Shape, definitions: &[&str]) -> Shape {
    s.marks.event_definitions = definitions.iter().map(|d| d.to_string()).collect();
    s
}

pub(super) fn edge(id: &str, element_type: &str, points: &[(f64, f64)]) -> Edge {
    Edge {
        element: id.into(),
        element_type: element_type.into(),
        name: None,
        waypoints: points.iter().map(|&(x, y)| Point { x, y }).collect(),
        label: None,
        default: false,
        conditional: false,
    }
}

/// A pool with two lanes: a message start event, a user task with markup
/// in its name, a gateway, a service task and a script task on its two
/// branches, a terminate end event, a non-interrupting timer on the user
/// task, an annotation.
fn order_diagram() -> Diagram {
    let mut review = named(
        shape("review", "userTask", 200.0, 60.0, 100.0, 80.0),
        r#"Review <draft> & "sign""#,
    );
    review.marks.looping = Some(LoopMarker::Parallel);
    let mut timer = with_definitions(
        shape("remind", "boundaryEvent", 262.0, 122.0, 36.0, 36.0),
        &["timerEventDefinition"],
    );
    timer.marks.non_interrupting = true;
    let mut yes = edge("yes", "sequenceFlow", &[(375.0, 100.0), (450.0, 100.0)]);
    yes.name = Some("yes & <go>".into());
    let mut no = edge(
        "no",
        "sequenceFlow",
        &[(350.0, 125.0), (350.0, 240.0), (450.0, 240.0)],
    );
    no.default = true;
    Diagram {
        id: "d1".into(),
        name: Some("Order & <handling>".into()),
        file: 0,
        plane: "collab".into(),
        shapes: vec![
            named(
                shape("pool", "participant", 50.0, 20.0, 600.0, 300.0),
                "Shop",
            ),
            named(shape("lane1", "lane", 80.0, 20.0, 570.0, 160.0), "Clerk"),
            named(shape("lane2", "lane", 80.0, 180.0, 570.0, 140.0), "System"),
            named(
                with_definitions(
                    shape("start", "startEvent", 110.0, 82.0, 36.0, 36.0),
                    &["messageEventDefinition"],
                ),
                "Order in",
            ),
            review,
            timer,
            named(
                shape("ok", "exclusiveGateway", 325.0, 75.0, 50.0, 50.0),
                "OK?",
            ),
            shape("ship", "serviceTask", 450.0, 60.0, 100.0, 80.0),
            shape("reject", "scriptTask", 450.0, 200.0, 100.0, 80.0),
            with_definitions(
                shape("end", "endEvent", 590.0, 82.0, 36.0, 36.0),
                &["terminateEventDefinition"],
            ),
            named(
                shape("note", "textAnnotation", 450.0, 0.0, 120.0, 20.0),
                "Checks <b>all</b>",
            ),
        ],
        edges: vec![
            edge("f1", "sequenceFlow", &[(146.0, 100.0), (200.0, 100.0)]),
            edge("f2", "sequenceFlow", &[(300.0, 100.0), (325.0, 100.0)]),
            yes,
            no,
            edge("f3", "sequenceFlow", &[(550.0, 100.0), (590.0, 100.0)]),
            edge("a1", "association", &[(500.0, 60.0), (500.0, 20.0)]),
        ],
        generated: false,
    }
}

/// The instance: the start event and the review completed (review twice),
/// the gateway completed through `yes`, shipping ready; the rest never
/// reached.
fn order_overlay() -> Overlay {
    let mut o = Overlay::default();
    let mut node = |id: &str, state, count| {
        o.nodes
            .insert(ElementKey::new(0, id), NodeMark { state, count });
    };
    node("start", TaskState::Completed, 1);
    node("review", TaskState::Completed, 2);
    node("ok", TaskState::Completed, 1);
    node("ship", TaskState::Ready, 1);
    for f in ["f1", "f2", "yes"] {
        o.flows.insert(ElementKey::new(0, f), 1);
    }
    o
}

/// Every element of `root`, depth first.
fn walk<'a>(e: &'a Element, out: &mut Vec<&'a Element>) {
    out.push(e);
    for c in &e.children {
        walk(c, out);
    }
}

/// The `g` elements of class `class`, by their `data-element`.
fn groups<'a>(all: &[&'a Element], class: &str) -> HashMap<String, &'a Element> {
    let mut map = HashMap::new();
    for e in all {
        let classes = e.attr("class").unwrap_or("");
        if e.local == "g" && classes.split(' ').next() == Some(class) {
            let id = e.attr("data-element").expect("data-element").to_string();
            assert!(map.insert(id, *e).is_none(), "one group per element");
        }
    }
    map
}

/// All text inside `e`.
fn text_of(e: &Element) -> String {
    let mut s = e.text.clone();
    for c in &e.children {
        s.push_str(&text_of(c));
    }
    s
}

#[test]
fn every_flow_node_has_its_state_and_count() {
    let doc = svg(&[order_diagram()], &order_overlay());
    let root = xml::parse(&doc).expect("well-formed SVG");
    assert_eq!(root.local, "svg");
    assert!(root.attr("viewBox").is_some() && root.attr("width").is_some());
    let mut all = Vec::new();
    walk(&root, &mut all);
    let nodes = groups(&all, "node");
    let class = |id: &str| nodes[id].attr("class").unwrap().to_string();
    let count = |id: &str| nodes[id].attr("data-count").unwrap().to_string();
    assert_eq!(nodes.len(), 7, "{:?}", nodes.keys());
    assert_eq!(class("start"), "node state-completed");
    assert_eq!(class("review"), "node state-completed");
    assert_eq!(count("review"), "2");
    assert_eq!(class("ship"), "node state-ready");
    assert_eq!(class("reject"), "node state-none");
    assert_eq!(count("reject"), "0");
    assert_eq!(class("remind"), "node state-none");
    // A badge only where a node ran more than once.
    let badged: Vec<&str> = nodes
        .iter()
        .filter(|(_, g)| g.children.iter().any(|c| c.attr("class") == Some("count")))
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(badged, ["review"]);
    let badge = nodes["review"]
        .children
        .iter()
        .find(|c| c.attr("class") == Some("count"))
        .unwrap();
    assert_eq!(text_of(badge), "2");
    // Pools, lanes and annotations are shapes, not nodes.
    let others = groups(&all, "shape");
    assert_eq!(others.len(), 4);
    assert_eq!(others["pool"].attr("class"), Some("shape participant"));
}

#[test]
fn taken_flows_are_marked_and_drawn_thicker() {
    let doc = svg(&[order_diagram()], &order_overlay());
    let root = xml::parse(&doc).unwrap();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let flows = groups(&all, "flow");
    assert_eq!(flows.len(), 5);
    for (id, taken) in [
        ("f1", true),
        ("f2", true),
        ("yes", true),
        ("no", false),
        ("f3", false),
    ] {
        let g = flows[id];
        let class = g.attr("class").unwrap();
        assert_eq!(class == "flow taken", taken, "{id}: {class}");
        let line = g.children.iter().find(|c| c.local == "polyline").unwrap();
        assert_eq!(line.attr("stroke") == Some(TAKEN_STROKE), taken, "{id}");
        let width: f64 = line.attr("stroke-width").unwrap().parse().unwrap();
        assert_eq!(width > 3.0, taken, "{id}");
    }
    // The default flow has its slash, the association is no flow.
    assert!(
        flows["no"]
            .children
            .iter()
            .any(|c| c.attr("class") == Some("default"))
    );
    assert_eq!(groups(&all, "association").len(), 1);
}

#[test]
fn names_with_markup_are_escaped_text() {
    let doc = svg(&[order_diagram()], &order_overlay());
    assert!(!doc.contains("<draft>") && !doc.contains("<b>") && !doc.contains("<go>"));
    let root = xml::parse(&doc).unwrap();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let texts: Vec<String> = all
        .iter()
        .filter(|e| e.local == "text")
        .map(|e| {
            // Wrapped lines are one tspan each: join them with spaces.
            e.children
                .iter()
                .map(text_of)
                .chain(std::iter::once(e.text.clone()))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    for name in [
        r#"Review <draft> & "sign""#,
        "Order & <handling>",
        "yes & <go>",
        "Checks <b>all</b>",
        "Shop",
    ] {
        assert!(texts.iter().any(|t| t == name), "{name} in {texts:?}");
    }
    // Every text names its generic font family and nothing else is needed.
    assert!(
        all.iter()
            .filter(|e| e.local == "text")
            .all(|e| e.attr("font-family") == Some("sans-serif"))
    );
    for banned in ["<script", "<image", "href", "@import", "url("] {
        assert!(!doc.contains(banned), "{banned}");
    }
}

#[test]
fn symbols_show_their_types_and_definitions() {
    let doc = svg(&[order_diagram()], &order_overlay());
    let root = xml::parse(&doc).unwrap();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let nodes = groups(&all, "node");
    let markers = |id: &str| {
        let mut inside = Vec::new();
        walk(nodes[id], &mut inside);
        inside
            .iter()
            .filter_map(|e| e.attr("class"))
            .filter_map(|c| c.strip_prefix("marker "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(markers("start"), ["message"]);
    assert_eq!(markers("review"), ["user", "parallel-mi"]);
    assert_eq!(markers("remind"), ["timer"]);
    assert_eq!(markers("ok"), ["exclusive"]);
    assert_eq!(markers("ship"), ["service"]);
    assert_eq!(markers("reject"), ["script"]);
    assert_eq!(markers("end"), ["terminate"]);
    // The non-interrupting boundary event is dashed; the end event thick.
    let circle = |id: &str| {
        nodes[id]
            .children
            .iter()
            .find(|c| c.local == "circle")
            .unwrap()
    };
    assert!(circle("remind").attr("stroke-dasharray").is_some());
    assert!(circle("start").attr("stroke-dasharray").is_none());
    assert_eq!(circle("end").attr("stroke-width"), Some("3.5"));
}

#[test]
fn heat_maps_shade_covered_nodes_and_mark_gaps() {
    let mut o = order_overlay();
    o.style = OverlayStyle::Heat;
    let doc = svg(&[order_diagram()], &o);
    let root = xml::parse(&doc).unwrap();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let nodes = groups(&all, "node");
    assert_eq!(nodes["review"].attr("class"), Some("node heat-covered"));
    assert_eq!(nodes["reject"].attr("class"), Some("node heat-gap"));
    let body = |id: &str| nodes[id].children.first().unwrap();
    assert_eq!(body("reject").attr("stroke"), Some(GAP_STROKE));
    assert!(body("reject").attr("stroke-dasharray").is_some());
    // The most run node gets the darkest shade, the others lighter.
    assert_eq!(body("review").attr("fill"), Some("#388e3c"));
    assert_ne!(body("start").attr("fill"), Some("#388e3c"));
    let flows = groups(&all, "flow");
    assert_eq!(flows["f1"].attr("class"), Some("flow heat-covered"));
    assert_eq!(flows["no"].attr("class"), Some("flow heat-gap"));
}

#[test]
fn expanded_activities_are_painted_before_their_content_whatever_the_order() {
    // An editor wrote the content first, then the call activity shown
    // expanded around it, then a subprocess inside it.
    let mut outer = shape("outer", "callActivity", 0.0, 0.0, 600.0, 300.0);
    outer.expanded = Some(true);
    let mut inner = shape("inner", "subProcess", 250.0, 50.0, 300.0, 200.0);
    inner.expanded = Some(true);
    let d = Diagram {
        id: "d".into(),
        name: None,
        file: 0,
        plane: "p".into(),
        shapes: vec![
            shape("a", "task", 50.0, 100.0, 100.0, 80.0),
            shape("b", "task", 300.0, 100.0, 100.0, 80.0),
            outer,
            inner,
        ],
        edges: vec![],
        generated: false,
    };
    let doc = svg(&[d], &Overlay::default());
    let at = |id: &str| {
        doc.find(&format!("data-element=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} drawn"))
    };
    assert!(at("outer") < at("inner"), "largest container first");
    assert!(
        at("inner") < at("a") && at("inner") < at("b"),
        "then content"
    );
}

#[test]
fn odd_diagrams_give_valid_pictures() {
    let mut lonely = edge("one", "sequenceFlow", &[(5.0, 5.0)]);
    lonely.name = Some("alone".into());
    let odd = Diagram {
        id: "odd".into(),
        name: None,
        file: 3,
        plane: String::new(),
        shapes: vec![
            shape("zero", "task", 10.0, 10.0, 0.0, 0.0),
            named(shape("neg", "startEvent", 10.0, 10.0, -5.0, -5.0), "n"),
            named(shape("zg", "parallelGateway", 0.0, 0.0, 0.0, 0.0), "z"),
            named(shape("unknown", "", 0.0, 0.0, 10.0, 10.0), "?"),
            named(shape("p", "participant", 0.0, 0.0, 0.0, 0.0), "p"),
        ],
        edges: vec![
            lonely,
            edge("none", "messageFlow", &[]),
            edge("same", "sequenceFlow", &[(1.0, 1.0), (1.0, 1.0)]),
        ],
        generated: true,
    };
    let empty = Diagram {
        id: "empty".into(),
        shapes: vec![],
        edges: vec![],
        ..odd.clone()
    };
    for diagrams in [vec![], vec![empty.clone()], vec![odd, empty]] {
        let doc = svg(&diagrams, &Overlay::default());
        let root = xml::parse(&doc).expect("well-formed");
        let mut all = Vec::new();
        walk(&root, &mut all);
        assert_eq!(
            all.iter()
                .filter(|e| e.attr("class") == Some("diagram"))
                .count(),
            diagrams.len()
        );
        assert!(!doc.contains("NaN") && !doc.contains("inf"), "{doc}");
    }
}

#[test]
fn huge_diagrams_cost_linear_time() {
    // 20,000 tasks in a row, each joined to the next: drawn in one walk.
    let n = 20_000;
    let mut d = Diagram {
        id: "big".into(),
        name: None,
        file: 0,
        plane: "p".into(),
        shapes: Vec::with_capacity(n),
        edges: Vec::with_capacity(n),
        generated: false,
    };
    let mut o = Overlay::default();
    for i in 0..n {
        let x = i as f64 * 150.0;
        d.shapes.push(named(
            shape(&format!("t{i}"), "task", x, 0.0, 100.0, 80.0),
            "Work",
        ));
        d.edges.push(edge(
            &format!("f{i}"),
            "sequenceFlow",
            &[(x + 100.0, 40.0), (x + 150.0, 40.0)],
        ));
        o.nodes.insert(
            ElementKey::new(0, format!("t{i}")),
            NodeMark {
                state: TaskState::Completed,
                count: 1,
            },
        );
    }
    let start = std::time::Instant::now();
    let doc = svg(&[d], &o);
    assert_eq!(doc.matches("state-completed").count(), n + 1); // + the legend
    assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
}

/// Every task type, event definition and gateway type, with their
/// marker's class.
#[test]
fn every_symbol_has_its_marker() {
    let mut shapes = Vec::new();
    let mut expected: Vec<(String, Vec<&str>)> = Vec::new();
    let tasks = [
        ("task", vec![]),
        ("userTask", vec!["user"]),
        ("manualTask", vec!["manual"]),
        ("scriptTask", vec!["script"]),
        ("serviceTask", vec!["service"]),
        ("businessRuleTask", vec!["business-rule"]),
        ("sendTask", vec!["send"]),
        ("receiveTask", vec!["receive"]),
        ("callActivity", vec![]),
        ("subProcess", vec!["collapsed"]),
        ("transaction", vec!["collapsed"]),
        ("adHocSubProcess", vec!["ad-hoc", "collapsed"]),
    ];
    for (i, (t, markers)) in tasks.into_iter().enumerate() {
        shapes.push(shape(
            &format!("t{i}"),
            t,
            120.0 * i as f64,
            0.0,
            100.0,
            80.0,
        ));
        expected.push((format!("t{i}"), markers));
    }
    let definitions = [
        "message",
        "timer",
        "signal",
        "error",
        "escalation",
        "conditional",
        "link",
        "compensate",
        "terminate",
        "cancel",
    ];
    for (i, d) in definitions.iter().enumerate() {
        let definition = format!("{d}EventDefinition");
        let s = shape(
            &format!("e{i}"),
            "endEvent",
            60.0 * i as f64,
            100.0,
            36.0,
            36.0,
        );
        shapes.push(with_definitions(s, &[definition.as_str()]));
        expected.push((format!("e{i}"), vec![*d]));
    }
    let multiple = shape("multi", "startEvent", 0.0, 150.0, 36.0, 36.0);
    shapes.push(with_definitions(
        multiple,
        &["messageEventDefinition", "signalEventDefinition"],
    ));
    expected.push(("multi".into(), vec!["multiple"]));
    let gateways = [
        ("exclusiveGateway", "exclusive"),
        ("parallelGateway", "parallel"),
        ("inclusiveGateway", "inclusive"),
        ("complexGateway", "complex"),
        ("eventBasedGateway", "event-based"),
    ];
    for (i, (t, marker)) in gateways.into_iter().enumerate() {
        shapes.push(shape(
            &format!("g{i}"),
            t,
            60.0 * i as f64,
            200.0,
            50.0,
            50.0,
        ));
        expected.push((format!("g{i}"), vec![marker]));
    }
    let mut looping = shape("loop", "task", 0.0, 300.0, 100.0, 80.0);
    looping.marks.looping = Some(LoopMarker::Standard);
    looping.marks.for_compensation = true;
    shapes.push(looping);
    expected.push(("loop".into(), vec!["loop", "compensation"]));
    let mut sequential = shape("seq", "subProcess", 120.0, 300.0, 300.0, 200.0);
    sequential.marks.looping = Some(LoopMarker::Sequential);
    sequential.expanded = Some(true);
    shapes.push(sequential);
    expected.push(("seq".into(), vec!["sequential-mi"]));
    let d = Diagram {
        id: "all".into(),
        name: None,
        file: 0,
        plane: "p".into(),
        shapes,
        edges: vec![],
        generated: false,
    };
    let doc = svg(&[d], &Overlay::default());
    let root = xml::parse(&doc).unwrap();
    let mut all = Vec::new();
    walk(&root, &mut all);
    let nodes = groups(&all, "node");
    for (id, markers) in expected {
        let mut inside = Vec::new();
        walk(nodes[id.as_str()], &mut inside);
        let found: Vec<&str> = inside
            .iter()
            .filter_map(|e| e.attr("class")?.strip_prefix("marker "))
            .collect();
        assert_eq!(found, markers, "{id}");
    }
    // The call activity's border is thick, the transaction's double.
    let first = |id: &str| nodes[id].children.first().unwrap();
    assert_eq!(first("t8").attr("stroke-width"), Some("4"));
    assert_eq!(
        nodes["t10"]
            .children
            .iter()
            .filter(|c| c.local == "rect")
            .count(),
        2
    );
}

#[test]
fn diagrams_are_stacked_under_their_headings() {
    let mut second = order_diagram();
    second.id = "d2".into();
    second.name = None;
    second.plane = "Process_2".into();
    second.file = 1;
    let doc = svg(&[order_diagram(), second], &order_overlay());
    let root = xml::parse(&doc).unwrap();
    let sections: Vec<&Element> = root
        .children
        .iter()
        .filter(|c| c.attr("class") == Some("diagram"))
        .collect();
    assert_eq!(sections.len(), 2);
    assert_eq!(sections[1].attr("data-file"), Some("1"));
    let heading = |s: &Element| text_of(&s.children[0]);
    assert_eq!(heading(sections[0]), "Order & <handling>");
    assert_eq!(heading(sections[1]), "Process_2");
    let dy = |s: &Element| -> f64 {
        let t = s.children[1].attr("transform").unwrap();
        t.trim_end_matches(')')
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // The extent is 320 high (the annotation at 0 to the pool's bottom).
    assert!(dy(sections[1]) >= dy(sections[0]) + 320.0);
    let height: f64 = root.attr("height").unwrap().parse().unwrap();
    assert!(height >= dy(sections[1]) + 320.0);
    assert_eq!(
        root.attr("viewBox"),
        Some(format!("0 0 {} {height}", root.attr("width").unwrap()).as_str())
    );
    // The same element id in another file is another element: the overlay
    // only marks file 0.
    let mut all = Vec::new();
    walk(sections[1], &mut all);
    let nodes = groups(&all, "node");
    assert_eq!(nodes["review"].attr("class"), Some("node state-none"));
}

mod render {
    //! The picture rendered by resvg (no text, no fonts): colours are where
    //! the overlay put them, in a renderer that knows no style sheets.

    use super::*;

    /// The RGB of the rendered picture at diagram point (`x`, `y`) of the
    /// first diagram.
    fn rendered(doc: &str) -> impl Fn(f64, f64) -> (u8, u8, u8) {
        let root = xml::parse(doc).unwrap();
        let mut all = Vec::new();
        walk(&root, &mut all);
        let diagram = all
            .iter()
            .find(|e| e.attr("class") == Some("diagram"))
            .unwrap();
        // The diagram's content is translated into place.
        let transform = diagram
            .children
            .iter()
            .find_map(|c| c.attr("transform"))
            .unwrap();
        let (dx, dy) = transform
            .trim_start_matches("translate(")
            .trim_end_matches(')')
            .split_once(' ')
            .unwrap();
        let (dx, dy): (f64, f64) = (dx.parse().unwrap(), dy.parse().unwrap());
        let tree = resvg::usvg::Tree::from_str(doc, &resvg::usvg::Options::default()).unwrap();
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::default(),
            &mut pixmap.as_mut(),
        );
        move |x, y| {
            let p = pixmap
                .pixel((x + dx).round() as u32, (y + dy).round() as u32)
                .unwrap()
                .demultiply();
            (p.red(), p.green(), p.blue())
        }
    }

    fn rgb(hex: &str) -> (u8, u8, u8) {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
        ((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    #[test]
    fn states_are_painted_where_the_overlay_says() {
        let doc = svg(&[order_diagram()], &order_overlay());
        let at = rendered(&doc);
        // Centres of the tasks (names are text, which resvg without fonts
        // leaves out; icons sit in the corners).
        assert_eq!(at(250.0, 100.0), rgb(COMPLETED_FILL), "completed review");
        assert_eq!(at(500.0, 100.0), rgb(READY_FILL), "ready shipping");
        assert_eq!(at(500.0, 240.0), rgb(NONE_FILL), "never reached rejection");
        assert_eq!(
            at(128.0, 112.0),
            rgb(COMPLETED_FILL),
            "completed start event"
        );
        // On taken flows, and beside a flow never taken: the lane.
        assert_eq!(at(170.0, 100.0), rgb(TAKEN_STROKE), "taken f1");
        assert_eq!(at(400.0, 100.0), rgb(TAKEN_STROKE), "taken yes");
        assert_ne!(at(570.0, 100.0), rgb(TAKEN_STROKE), "f3 not taken");
        assert_eq!(at(570.0, 95.0), (255, 255, 255), "beside f3: the pool");
    }

    #[test]
    fn heat_map_gaps_are_red_outlined() {
        let mut o = order_overlay();
        o.style = OverlayStyle::Heat;
        let doc = svg(&[order_diagram()], &o);
        let at = rendered(&doc);
        assert_eq!(at(250.0, 100.0), rgb("#388e3c"), "most run");
        assert_eq!(at(500.0, 240.0), (255, 255, 255), "gap inside");
        // The gap's outline, on a dash (the dashes start where the top
        // edge leaves the rounded corner), mostly red: a 1.5-wide line
        // covers its pixel row only in part.
        let (r, g, b) = at(462.0, 200.0);
        let (gr, gg, gb) = rgb(GAP_STROKE);
        assert!(
            r >= gr && g <= gg + 60 && b <= gb + 60,
            "gap outline {:?}",
            (r, g, b)
        );
    }
}
