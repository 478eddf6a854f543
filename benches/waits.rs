//! Wait benchmarks (divan): finding what waits must cost the same per wait
//! whether 2,000 or 16,000 wait (issue #13: 16,000 costs at most 12× the
//! 2,000 case). Each benchmark prepares an instance with `n` waits outside
//! the timing, then times only the event side:
//!
//! - `timers`: `n` parallel timer catch events, all due at once, fired by
//!   one clock advance;
//! - `messages_by_name`: `n` parallel message catch events, each for its
//!   own message, each receiving one;
//! - `messages_by_correlation`: a parallel multi-instance receive task of
//!   `n` instances, each expecting the message with its own order id;
//! - `signals`: `n` parallel signal catch events, one broadcast;
//! - `boundary_complete`: `n` parallel user tasks, each with a timer
//!   boundary event, completed (each completion cancels its boundary);
//! - `boundary_fire`: the same boundary timers firing (each interrupts its
//!   task);
//! - `event_gateways`: `n` parallel event-based gateways, each choosing
//!   between a message and a timer; the messages win and cancel the
//!   timers;
//! - `event_subprocess_timers`: a parallel multi-instance subprocess of `n`
//!   instances, each with an interrupting timer event subprocess (`n` armed
//!   start events), all due at once.
//!
//! The parallel join of `n` branches is `engine::parallel_fan_in`.

use std::sync::Arc;

use bpmn_engine::{Data, Specs, Workflow};
use jiff::Timestamp;
use serde_json::json;

fn main() {
    divan::main();
}

const SIZES: [usize; 2] = [2_000, 16_000];

fn specs(xml: String) -> Arc<Specs> {
    let s = Specs::from_sources(vec![("bench.bpmn".into(), xml.into_bytes())]);
    assert!(s.diagnostics().is_empty(), "{:?}", s.diagnostics());
    s
}

fn t0() -> Timestamp {
    "2030-01-01T00:00:00Z".parse().unwrap()
}

/// A process whose parallel split sends one token to each of `n` copies of
/// the elements `branch(k)` (entered at `w{k}`, leaving to `end`).
fn split_into(n: usize, branch: impl Fn(usize) -> String, extra: &str) -> String {
    let mut body = String::new();
    for k in 0..n {
        body.push_str(&branch(k));
        body.push_str(&format!(
            "<sequenceFlow id=\"a{k}\" sourceRef=\"split\" targetRef=\"w{k}\"/>"
        ));
    }
    format!(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">{extra}
<process id="p" isExecutable="true"><startEvent id="s"/><parallelGateway id="split"/>
<endEvent id="end"/>{body}
<sequenceFlow id="f0" sourceRef="s" targetRef="split"/></process></definitions>"#
    )
}

/// An instance of `s` started at `t0` and run until everything waits.
fn waiting(s: &Arc<Specs>, data: Data) -> Workflow {
    let mut wf = s.start_at("p", data, Some(t0())).unwrap();
    wf.run().unwrap();
    assert!(!wf.is_completed());
    wf
}

fn timer_catches(n: usize) -> String {
    split_into(
        n,
        |k| {
            format!(
                "<intermediateCatchEvent id=\"w{k}\"><timerEventDefinition>\
                 <timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent><sequenceFlow id=\"b{k}\" sourceRef=\"w{k}\" targetRef=\"end\"/>"
            )
        },
        "",
    )
}

/// `n` timers due at once, fired by one advance of the clock.
#[divan::bench(sample_count = 10, args = SIZES)]
fn timers(b: divan::Bencher, n: usize) {
    let s = specs(timer_catches(n));
    b.with_inputs(|| waiting(&s, Data::new()))
        .bench_local_values(|mut wf| {
            wf.advance("PT1H").unwrap();
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

fn message_catches(n: usize) -> String {
    let mut messages = String::new();
    for k in 0..n {
        messages.push_str(&format!("<message id=\"m{k}\" name=\"msg{k}\"/>"));
    }
    split_into(
        n,
        |k| {
            format!(
                "<intermediateCatchEvent id=\"w{k}\">\
                 <messageEventDefinition messageRef=\"m{k}\"/></intermediateCatchEvent><sequenceFlow id=\"b{k}\" sourceRef=\"w{k}\" targetRef=\"end\"/>"
            )
        },
        &messages,
    )
}

/// `n` catchers, each for its own message; each message sent once.
#[divan::bench(sample_count = 10, args = SIZES)]
fn messages_by_name(b: divan::Bencher, n: usize) {
    send_each_message(b, &specs(message_catches(n)), n);
}

fn correlated_receive() -> String {
    r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
 xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d">
<process id="p" isExecutable="true"><startEvent id="s"/>
<receiveTask id="r" messageRef="pay"><extensionElements>
<spiffworkflow:messageVariable>payment</spiffworkflow:messageVariable>
<spiffworkflow:processVariableCorrelation><spiffworkflow:propertyId>order</spiffworkflow:propertyId>
<spiffworkflow:expression>order_id</spiffworkflow:expression></spiffworkflow:processVariableCorrelation>
</extensionElements>
<multiInstanceLoopCharacteristics><loopDataInputRef>order_ids</loopDataInputRef>
<loopDataOutputRef>payments</loopDataOutputRef><inputDataItem id="order_id" name="order_id"/>
<outputDataItem id="payment" name="payment"/></multiInstanceLoopCharacteristics></receiveTask>
<endEvent id="end"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="r"/><sequenceFlow id="f1" sourceRef="r" targetRef="end"/>
</process>
<message id="pay" name="payment"/>
<correlationProperty id="order" name="order"><correlationPropertyRetrievalExpression messageRef="pay">
<formalExpression>order_id</formalExpression></correlationPropertyRetrievalExpression></correlationProperty>
</definitions>"#
        .to_string()
}

/// `n` instances of a receive task, each expecting its own order id; the
/// payments arrive in reverse order.
#[divan::bench(sample_count = 10, args = SIZES)]
fn messages_by_correlation(b: divan::Bencher, n: usize) {
    let s = specs(correlated_receive());
    let ids: Vec<usize> = (0..n).collect();
    b.with_inputs(|| waiting(&s, data(json!({ "order_ids": ids }))))
        .bench_local_values(|mut wf| {
            for k in (0..n).rev() {
                wf.send_message("payment", json!({ "order_id": k }))
                    .unwrap();
            }
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

fn signal_catches(n: usize) -> String {
    split_into(
        n,
        |k| {
            format!(
                "<intermediateCatchEvent id=\"w{k}\">\
                 <signalEventDefinition signalRef=\"go\"/></intermediateCatchEvent><sequenceFlow id=\"b{k}\" sourceRef=\"w{k}\" targetRef=\"end\"/>"
            )
        },
        "<signal id=\"go\" name=\"go\"/>",
    )
}

/// `n` catchers of one signal, one broadcast.
#[divan::bench(sample_count = 10, args = SIZES)]
fn signals(b: divan::Bencher, n: usize) {
    let s = specs(signal_catches(n));
    b.with_inputs(|| waiting(&s, Data::new()))
        .bench_local_values(|mut wf| {
            wf.send_signal("go", json!({})).unwrap();
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

/// `n` user tasks, each with an interrupting timer boundary event.
fn guarded_user_tasks(n: usize) -> String {
    split_into(
        n,
        |k| {
            format!(
                "<userTask id=\"w{k}\"/><boundaryEvent id=\"g{k}\" attachedToRef=\"w{k}\">\
                 <timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition>\
                 </boundaryEvent><sequenceFlow id=\"c{k}\" sourceRef=\"g{k}\" targetRef=\"end\"/><sequenceFlow id=\"b{k}\" sourceRef=\"w{k}\" targetRef=\"end\"/>"
            )
        },
        "",
    )
}

/// `n` user tasks completed, each cancelling its boundary timer.
#[divan::bench(sample_count = 10, args = SIZES)]
fn boundary_complete(b: divan::Bencher, n: usize) {
    let s = specs(guarded_user_tasks(n));
    b.with_inputs(|| waiting(&s, Data::new()))
        .bench_local_values(|mut wf| {
            let ids: Vec<_> = wf.ready_human_tasks().iter().map(|t| t.id).collect();
            assert_eq!(ids.len(), n);
            for id in ids {
                wf.complete_task(id, Data::new()).unwrap();
            }
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

/// `n` boundary timers firing at once, each interrupting its user task.
#[divan::bench(sample_count = 10, args = SIZES)]
fn boundary_fire(b: divan::Bencher, n: usize) {
    let s = specs(guarded_user_tasks(n));
    b.with_inputs(|| waiting(&s, Data::new()))
        .bench_local_values(|mut wf| {
            wf.advance("PT1H").unwrap();
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

/// `n` event-based gateways, each between its own message and a timer.
fn gateway_choices(n: usize) -> String {
    let mut messages = String::new();
    for k in 0..n {
        messages.push_str(&format!("<message id=\"m{k}\" name=\"msg{k}\"/>"));
    }
    split_into(
        n,
        |k| {
            format!(
                "<eventBasedGateway id=\"w{k}\"/>\
                 <intermediateCatchEvent id=\"m{k}c\"><messageEventDefinition messageRef=\"m{k}\"/>\
                 </intermediateCatchEvent>\
                 <intermediateCatchEvent id=\"t{k}c\"><timerEventDefinition>\
                 <timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>\
                 <sequenceFlow id=\"gm{k}\" sourceRef=\"w{k}\" targetRef=\"m{k}c\"/>\
                 <sequenceFlow id=\"gt{k}\" sourceRef=\"w{k}\" targetRef=\"t{k}c\"/>\
                 <sequenceFlow id=\"me{k}\" sourceRef=\"m{k}c\" targetRef=\"end\"/>\
                 <sequenceFlow id=\"te{k}\" sourceRef=\"t{k}c\" targetRef=\"end\"/>"
            )
        },
        &messages,
    )
}

/// `n` gateways: each message wins over its timer, which is cancelled.
#[divan::bench(sample_count = 10, args = SIZES)]
fn event_gateways(b: divan::Bencher, n: usize) {
    send_each_message(b, &specs(gateway_choices(n)), n);
}

/// Sends `msg0`…`msg{n-1}` once each to an instance of `s`, which must then
/// complete.
fn send_each_message(b: divan::Bencher, s: &Arc<Specs>, n: usize) {
    let names: Vec<String> = (0..n).map(|k| format!("msg{k}")).collect();
    b.with_inputs(|| waiting(s, Data::new()))
        .bench_local_values(|mut wf| {
            for name in &names {
                wf.send_message(name, json!({})).unwrap();
            }
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

/// A multi-instance subprocess of `count` instances whose body waits for a
/// person, each interrupted by its timer event subprocess.
fn interrupted_instances() -> String {
    r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
<process id="p" isExecutable="true"><startEvent id="s"/>
<subProcess id="sub"><multiInstanceLoopCharacteristics><loopCardinality>count</loopCardinality>
</multiInstanceLoopCharacteristics>
<startEvent id="bs"/><userTask id="work"/><endEvent id="be"/>
<sequenceFlow id="b0" sourceRef="bs" targetRef="work"/><sequenceFlow id="b1" sourceRef="work" targetRef="be"/>
<subProcess id="esp" triggeredByEvent="true"><startEvent id="es" isInterrupting="true">
<timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></startEvent>
<endEvent id="ee"/><sequenceFlow id="e0" sourceRef="es" targetRef="ee"/></subProcess>
</subProcess><endEvent id="end"/>
<sequenceFlow id="f0" sourceRef="s" targetRef="sub"/><sequenceFlow id="f1" sourceRef="sub" targetRef="end"/>
</process></definitions>"#
        .to_string()
}

/// `n` event subprocess timers due at once, each interrupting its instance.
#[divan::bench(sample_count = 10, args = SIZES)]
fn event_subprocess_timers(b: divan::Bencher, n: usize) {
    let s = specs(interrupted_instances());
    b.with_inputs(|| waiting(&s, data(json!({ "count": n }))))
        .bench_local_values(|mut wf| {
            wf.advance("PT1H").unwrap();
            wf.run().unwrap();
            assert!(wf.is_completed());
            wf
        });
}

fn data(v: serde_json::Value) -> Data {
    v.as_object().unwrap().clone().into()
}
