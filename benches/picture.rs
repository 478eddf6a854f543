//! Picture benchmarks (divan): drawing a finished instance of a process of
//! `n` script tasks (in rows of ten parallel branches) as SVG — from its
//! BPMN DI (`with_di`), and laid out automatically because the file has
//! none (`generated_layout`). The instance runs outside the timing; each
//! iteration reads its overlay, picks the diagrams and writes the SVG,
//! what `bpmn show --svg` does after loading the state.

use std::fmt::Write;
use std::sync::Arc;

use bpmn_engine::picture::InstancePicture;
use bpmn_engine::{Specs, Workflow};

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [100, 1_000];

/// `n` script tasks in `n / 10` stages, each stage a parallel split into
/// ten tasks and a join; with DI shapes and edges when `di`.
fn process(n: usize, di: bool) -> String {
    let stages = n / 10;
    let mut body = String::from(r#"<startEvent id="s"/>"#);
    let mut shapes = String::new();
    let mut edges = String::new();
    let mut shape = |id: &str, x: usize, y: usize, w: usize, h: usize| {
        let _ = write!(
            shapes,
            r#"<bpmndi:BPMNShape bpmnElement="{id}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/></bpmndi:BPMNShape>"#
        );
    };
    shape("s", 0, 500, 36, 36);
    let mut flow = |body: &mut String,
                    id: String,
                    from: &str,
                    to: &str,
                    a: (usize, usize),
                    b: (usize, usize)| {
        let _ = write!(
            body,
            r#"<sequenceFlow id="{id}" sourceRef="{from}" targetRef="{to}"/>"#
        );
        let _ = write!(
            edges,
            r#"<bpmndi:BPMNEdge bpmnElement="{id}"><di:waypoint x="{}" y="{}"/><di:waypoint x="{}" y="{}"/></bpmndi:BPMNEdge>"#,
            a.0, a.1, b.0, b.1
        );
    };
    let mut prev = "s".to_string();
    for st in 0..stages {
        let x = 100 + st * 400;
        let (split, join) = (format!("split{st}"), format!("join{st}"));
        let _ = write!(
            body,
            r#"<parallelGateway id="{split}"/><parallelGateway id="{join}"/>"#
        );
        shape(&split, x, 493, 50, 50);
        shape(&join, x + 300, 493, 50, 50);
        flow(
            &mut body,
            format!("in{st}"),
            &prev,
            &split,
            (x - 50, 518),
            (x, 518),
        );
        for k in 0..10 {
            let t = format!("t{st}_{k}");
            let _ = write!(
                body,
                r#"<scriptTask id="{t}"><script>x = {k};</script></scriptTask>"#
            );
            let y = k * 100;
            shape(&t, x + 100, y, 100, 80);
            flow(
                &mut body,
                format!("a{st}_{k}"),
                &split,
                &t,
                (x + 25, 518),
                (x + 100, y + 40),
            );
            flow(
                &mut body,
                format!("b{st}_{k}"),
                &t,
                &join,
                (x + 200, y + 40),
                (x + 325, 518),
            );
        }
        prev = join;
    }
    let end_x = 100 + stages * 400;
    body.push_str(r#"<endEvent id="e"/>"#);
    shape("e", end_x, 500, 36, 36);
    flow(
        &mut body,
        "out".into(),
        &prev,
        "e",
        (end_x - 50, 518),
        (end_x, 518),
    );
    let diagram = if di {
        format!(
            r#"<bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="p">{shapes}{edges}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"#
        )
    } else {
        String::new()
    };
    format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="d"><process id="p" isExecutable="true">{body}</process>{diagram}</definitions>"#
    )
}

fn finished(n: usize, di: bool) -> Workflow {
    let specs: Arc<Specs> =
        Specs::from_sources(vec![("bench.bpmn".into(), process(n, di).into_bytes())]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let mut wf = specs.start("p", serde_json::Map::new()).unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    wf
}

#[divan::bench(args = SIZES)]
fn with_di(bencher: divan::Bencher, n: usize) {
    let wf = finished(n, true);
    bencher.bench_local(|| InstancePicture::of(&wf).svg().len());
}

#[divan::bench(args = SIZES)]
fn generated_layout(bencher: divan::Bencher, n: usize) {
    let wf = finished(n, false);
    bencher.bench_local(|| InstancePicture::of(&wf).svg().len());
}
