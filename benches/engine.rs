//! Engine benchmarks (divan): a process of five script tasks from start to
//! end, a 100,000-iteration gateway loop, and a parallel split into n
//! branches joined again (the join's cost per arrival must not grow with n).
//! Per-task cost = time / tasks. And the scripting layer alone: one loop
//! iteration's script and condition, beside a list they do not touch.

use std::sync::Arc;

use bpmn_engine::model::ExprKind;
use bpmn_engine::scripting::ScriptEngine;
use bpmn_engine::{Data, Specs};
use serde_json::json;

fn main() {
    divan::main();
}

fn specs(xml: String) -> Arc<Specs> {
    let s = Specs::from_sources(vec![("bench.bpmn".into(), xml.into_bytes())]);
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    s
}

fn five_scripts() -> String {
    let mut nodes = String::new();
    let mut flows = String::new();
    let mut prev = "start".to_string();
    for k in 0..5 {
        nodes.push_str(&format!(
            "<scriptTask id=\"t{k}\"><script>x{k} = amount * {k} + 1;</script></scriptTask>"
        ));
        flows.push_str(&format!(
            "<sequenceFlow id=\"f{k}\" sourceRef=\"{prev}\" targetRef=\"t{k}\"/>"
        ));
        prev = format!("t{k}");
    }
    format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true"><startEvent id="start"/>{nodes}<endEvent id="end"/>{flows}
<sequenceFlow id="fe" sourceRef="{prev}" targetRef="end"/></process></definitions>"#
    )
}

fn counting_loop() -> String {
    r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true">
<startEvent id="s"/><exclusiveGateway id="merge"/>
<scriptTask id="inc"><script>i += 1;</script></scriptTask>
<exclusiveGateway id="check" default="out"/><endEvent id="end"/>
<sequenceFlow id="a" sourceRef="s" targetRef="merge"/>
<sequenceFlow id="b" sourceRef="merge" targetRef="inc"/>
<sequenceFlow id="c" sourceRef="inc" targetRef="check"/>
<sequenceFlow id="back" sourceRef="check" targetRef="merge"><conditionExpression>i &lt; n</conditionExpression></sequenceFlow>
<sequenceFlow id="out" sourceRef="check" targetRef="end"/>
</process></definitions>"#
        .to_string()
}

fn data(v: serde_json::Value) -> Data {
    v.as_object().unwrap().clone().into()
}

/// Start to end of a 7-task process (start, 5 script tasks, end).
#[divan::bench]
fn five_script_tasks(b: divan::Bencher) {
    let s = specs(five_scripts());
    b.bench(|| {
        let mut wf = s.start("p", data(json!({"amount": 3}))).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        wf
    });
}

/// 100,000 iterations = 300,003 tasks (merge, script, exclusive split per iteration).
#[divan::bench(sample_count = 10)]
fn loop_100k_iterations(b: divan::Bencher) {
    let s = specs(counting_loop());
    b.bench(|| {
        let mut wf = s.start("p", data(json!({"i": 0, "n": 100_000}))).unwrap();
        wf.run().unwrap();
        assert_eq!(wf.data()["i"], json!(100_000));
        wf
    });
}

/// 1,000,000 iterations = 3,000,003 tasks, the whole history kept (issue
/// #13's goal: under 1 s; peak memory is measured on the CLI, see README).
#[divan::bench(sample_count = 3)]
fn loop_1m_iterations(b: divan::Bencher) {
    let s = specs(counting_loop());
    b.bench(|| {
        let mut wf = s.start("p", data(json!({"i": 0, "n": 1_000_000}))).unwrap();
        wf.run().unwrap();
        assert_eq!(wf.data()["i"], json!(1_000_000));
        wf
    });
}

/// A parallel split into `n` script-task branches, joined by one parallel
/// gateway.
fn fan_in(n: usize) -> String {
    let mut body = String::new();
    for k in 0..n {
        body.push_str(&format!(
            "<scriptTask id=\"t{k}\"><script>x = {k};</script></scriptTask>\
             <sequenceFlow id=\"a{k}\" sourceRef=\"split\" targetRef=\"t{k}\"/>\
             <sequenceFlow id=\"b{k}\" sourceRef=\"t{k}\" targetRef=\"join\"/>"
        ));
    }
    format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true"><startEvent id="s"/><parallelGateway id="split"/>
<parallelGateway id="join"/><endEvent id="end"/>{body}
<sequenceFlow id="f0" sourceRef="s" targetRef="split"/>
<sequenceFlow id="f1" sourceRef="join" targetRef="end"/></process></definitions>"#
    )
}

/// n branches: 2n + 4 tasks; time per branch stays flat as n grows
/// (issue #13: 16,000 branches cost at most 12× 2,000).
#[divan::bench(sample_count = 10, args = [1_000, 2_000, 10_000, 16_000])]
fn parallel_fan_in(b: divan::Bencher, n: usize) {
    let s = specs(fan_in(n));
    b.bench(|| {
        let mut wf = s.start("p", Data::new()).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        wf
    });
}

/// `i += 1` then `i < n` run on data that also holds a 10,000-number list
/// (what one loop iteration asks of the scripting layer).
#[divan::bench]
fn script_and_condition(b: divan::Bencher) {
    let e = ScriptEngine::default();
    let script = e.compile("i += 1", ExprKind::Script).unwrap();
    let condition = e.compile("i < n", ExprKind::Condition).unwrap();
    let big: Vec<u32> = (0..10_000).collect();
    let mut d = data(json!({"i": 0, "n": i64::MAX, "big": big}));
    b.bench_local(|| {
        e.run(&script, &mut d).unwrap();
        e.eval_bool(&condition, &d).unwrap()
    });
}
