//! Multi-instance benchmarks (divan): a parallel and a sequential
//! multi-instance script task over 10,000 items, start to end. Per-instance
//! cost = time / 10,000.

use std::sync::Arc;

use bpmn_engine::{Data, Specs};
use serde_json::json;

fn main() {
    divan::main();
}

const N: usize = 10_000;

fn specs(sequential: bool) -> Arc<Specs> {
    let xml = format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true"><startEvent id="start"/>
<scriptTask id="t"><multiInstanceLoopCharacteristics isSequential="{sequential}">
<loopDataInputRef>items</loopDataInputRef><loopDataOutputRef>results</loopDataOutputRef>
<inputDataItem id="item"/><outputDataItem id="result"/></multiInstanceLoopCharacteristics>
<script>result = item * 2;</script></scriptTask><endEvent id="end"/>
<sequenceFlow id="f1" sourceRef="start" targetRef="t"/><sequenceFlow id="f2" sourceRef="t" targetRef="end"/>
</process></definitions>"#
    );
    let s = Specs::from_sources(vec![("bench.bpmn".into(), xml.into_bytes())]);
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    s
}

fn data() -> Data {
    let items: Vec<usize> = (0..N).collect();
    json!({ "items": items })
        .as_object()
        .unwrap()
        .clone()
        .into()
}

fn run(specs: &Arc<Specs>, data: &Data) {
    let mut wf = specs.start("p", data.clone()).unwrap();
    wf.run().unwrap();
    assert_eq!(wf.data()["results"].as_array().map(Vec::len), Some(N));
}

#[divan::bench(sample_count = 10)]
fn parallel_10k(b: divan::Bencher) {
    let s = specs(false);
    let d = data();
    b.bench(|| run(&s, &d));
}

#[divan::bench(sample_count = 10)]
fn sequential_10k(b: divan::Bencher) {
    let s = specs(true);
    let d = data();
    b.bench(|| run(&s, &d));
}
