//! BPMN DI → [`crate::model::Diagram`]s: where each element of a file is
//! drawn (`bpmndi:BPMNDiagram` / `BPMNPlane`, its `BPMNShape`s with
//! `dc:Bounds` and `BPMNEdge`s with `di:waypoint`s), with what each symbol
//! needs copied from the element it shows (type, name, event definitions,
//! loop markers, default and conditional flows).
//!
//! A picture is not needed to run, so nothing here is an error: a shape or
//! edge without usable coordinates is left out with a warning naming it,
//! and a reference to an element the file does not have keeps an empty
//! element type. The elements are found through one id → element map built
//! by a single walk of the file, so the cost is linear in the file's size.

use std::collections::HashMap;

use super::BPMN_NS;
use super::context::{FileCx, qname_local};
use super::xml::Element;
use crate::model::{Bounds, Diagram, Edge, LoopMarker, Marks, Point, Shape};

/// The BPMN DI namespace (`bpmndi:`).
const BPMNDI_NS: &[&str] = &["http://www.omg.org/spec/BPMN/20100524/DI"];
/// The Diagram Common namespace (`dc:Bounds`).
const DC_NS: &[&str] = &["http://www.omg.org/spec/DD/20100524/DC"];
/// The Diagram Interchange namespace (`di:waypoint`).
const DI_NS: &[&str] = &["http://www.omg.org/spec/DD/20100524/DI"];

/// Every BPMN element of a file that has an id, by id (the first one when
/// an id is repeated; the model parser reports duplicates).
type IdMap<'a> = HashMap<&'a str, &'a Element>;

/// Reads every `BPMNDiagram` of the file at `root` into
/// `cx.loaded.model.diagrams`, one [`Diagram`] per plane.
pub(super) fn parse(cx: &mut FileCx<'_>, root: &Element) {
    let diagrams: Vec<&Element> = root
        .children_in(BPMNDI_NS)
        .filter(|c| c.local == "BPMNDiagram")
        .collect();
    if diagrams.is_empty() {
        return;
    }
    let mut ids = IdMap::new();
    index_ids(root, &mut ids);
    for d in diagrams {
        for plane in d.children_in(BPMNDI_NS).filter(|c| c.local == "BPMNPlane") {
            let diagram = parse_plane(cx, &ids, d, plane);
            cx.loaded.model.diagrams.push(diagram);
        }
    }
}

/// Fills `ids` with the BPMN elements at and below `root`, iteratively (no
/// recursion, whatever the nesting).
fn index_ids<'a>(root: &'a Element, ids: &mut IdMap<'a>) {
    let mut stack = vec![root];
    while let Some(el) = stack.pop() {
        for c in el.children_in(BPMN_NS) {
            if let Some(id) = c.attr("id").map(str::trim).filter(|i| !i.is_empty()) {
                // A repeated id is the model parser's error to report;
                // keep one element for it.
                ids.entry(id).or_insert(c);
            }
            stack.push(c);
        }
    }
}

fn parse_plane(
    cx: &mut FileCx<'_>,
    ids: &IdMap<'_>,
    diagram: &Element,
    plane: &Element,
) -> Diagram {
    let mut shapes = Vec::new();
    let mut edges = Vec::new();
    for c in plane.children_in(BPMNDI_NS) {
        match c.local.as_str() {
            "BPMNShape" => shapes.extend(parse_shape(cx, ids, c)),
            "BPMNEdge" => edges.extend(parse_edge(cx, ids, c)),
            _ => {}
        }
    }
    Diagram {
        id: diagram.attr("id").unwrap_or_default().to_string(),
        name: diagram.attr("name").map(str::to_string),
        file: cx.file,
        plane: plane
            .attr("bpmnElement")
            .map(qname_local)
            .unwrap_or_default(),
        shapes,
        edges,
        generated: false,
    }
}

/// What a DI element names: its `bpmnElement`, else its own id (for
/// diagnostics only).
fn di_name(el: &Element) -> String {
    el.attr("bpmnElement")
        .map(qname_local)
        .or_else(|| el.attr("id").map(str::to_string))
        .unwrap_or_default()
}

fn parse_shape(cx: &mut FileCx<'_>, ids: &IdMap<'_>, el: &Element) -> Option<Shape> {
    let element = el.attr("bpmnElement").map(qname_local).unwrap_or_default();
    let Some(bounds) = child_bounds(el) else {
        cx.warn(
            el.offset,
            Some(&di_name(el)),
            format!(
                "BPMNShape for `{}` has no usable dc:Bounds (x, y, width and height must be numbers): it is left out of the picture",
                di_name(el)
            ),
            Some("save the diagram again with a BPMN editor to rewrite its layout"),
        );
        return None;
    };
    let target = ids.get(element.as_str()).copied();
    Some(Shape {
        element_type: target.map(|t| t.local.clone()).unwrap_or_default(),
        name: target.and_then(element_name),
        bounds,
        label: label_bounds(el),
        expanded: flag(el, "isExpanded"),
        horizontal: flag(el, "isHorizontal"),
        marks: target.map(|t| marks(ids, t)).unwrap_or_default(),
        element,
    })
}

fn parse_edge(cx: &mut FileCx<'_>, ids: &IdMap<'_>, el: &Element) -> Option<Edge> {
    let element = el.attr("bpmnElement").map(qname_local).unwrap_or_default();
    let mut waypoints = Vec::new();
    let mut bad = 0;
    for w in el.children_in(DI_NS).filter(|c| c.local == "waypoint") {
        match (number(w, "x"), number(w, "y")) {
            (Some(x), Some(y)) => waypoints.push(Point { x, y }),
            _ => bad += 1,
        }
    }
    if waypoints.len() < 2 {
        cx.warn(
            el.offset,
            Some(&di_name(el)),
            format!(
                "BPMNEdge for `{}` has {} usable di:waypoint(s) (x and y must be numbers; a line needs 2): it is left out of the picture",
                di_name(el),
                waypoints.len()
            ),
            Some("save the diagram again with a BPMN editor to rewrite its layout"),
        );
        return None;
    }
    if bad > 0 {
        cx.warn(
            el.offset,
            Some(&di_name(el)),
            format!(
                "BPMNEdge for `{}`: {bad} di:waypoint(s) without numeric x and y are skipped",
                di_name(el)
            ),
            None,
        );
    }
    let target = ids.get(element.as_str()).copied();
    let (default, conditional) = target.map(|t| flow_marks(ids, t)).unwrap_or_default();
    Some(Edge {
        element_type: target.map(|t| t.local.clone()).unwrap_or_default(),
        name: target.and_then(element_name),
        waypoints,
        label: label_bounds(el),
        default,
        conditional,
        element,
    })
}

/// The element's `name`, or a text annotation's `text`.
fn element_name(el: &Element) -> Option<String> {
    if el.local == "textAnnotation" {
        return el
            .children_in(BPMN_NS)
            .find(|c| c.local == "text")
            .map(|t| t.text.trim().to_string());
    }
    el.attr("name").map(str::to_string)
}

/// Whether a sequence flow is its source's default flow, and whether it is
/// a conditional flow leaving something other than a gateway (where the
/// condition is drawn as a small diamond).
fn flow_marks(ids: &IdMap<'_>, flow: &Element) -> (bool, bool) {
    let Some(id) = flow.attr("id").map(str::trim) else {
        return (false, false);
    };
    let source = flow
        .attr("sourceRef")
        .map(qname_local)
        .and_then(|s| ids.get(s.as_str()).copied());
    let default = source
        .and_then(|s| s.attr("default"))
        .is_some_and(|d| qname_local(d) == id);
    let conditional = flow.local == "sequenceFlow"
        && flow
            .children_in(BPMN_NS)
            .any(|c| c.local == "conditionExpression")
        && source.is_some_and(|s| !s.local.ends_with("Gateway"));
    (default, conditional)
}

/// What the symbol of `el` shows besides its type.
fn marks(ids: &IdMap<'_>, el: &Element) -> Marks {
    let mut m = Marks::default();
    for c in el.children_in(BPMN_NS) {
        match c.local.as_str() {
            l if l.ends_with("EventDefinition") => m.event_definitions.push(l.to_string()),
            // A definition declared at the top of the file and referred to.
            "eventDefinitionRef" => {
                if let Some(d) = ids.get(qname_local(&c.text).as_str()) {
                    if d.local.ends_with("EventDefinition") {
                        m.event_definitions.push(d.local.clone());
                    }
                }
            }
            "standardLoopCharacteristics" => m.looping = Some(LoopMarker::Standard),
            "multiInstanceLoopCharacteristics" => {
                m.looping = Some(if is_true(c, "isSequential") {
                    LoopMarker::Sequential
                } else {
                    LoopMarker::Parallel
                })
            }
            _ => {}
        }
    }
    m.non_interrupting = is_false(el, "cancelActivity") || is_false(el, "isInterrupting");
    m.for_compensation = is_true(el, "isForCompensation");
    m.triggered_by_event = is_true(el, "triggeredByEvent");
    m.collection = is_true(el, "isCollection")
        || (el.local == "dataObjectReference"
            && el
                .attr("dataObjectRef")
                .map(qname_local)
                .and_then(|r| ids.get(r.as_str()).copied())
                .is_some_and(|o| is_true(o, "isCollection")));
    m
}

fn is_true(el: &Element, attr: &str) -> bool {
    flag(el, attr) == Some(true)
}

fn is_false(el: &Element, attr: &str) -> bool {
    flag(el, attr) == Some(false)
}

/// An `xsd:boolean` attribute; `None` when absent or not a boolean.
fn flag(el: &Element, attr: &str) -> Option<bool> {
    match el.attr(attr)?.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A finite number attribute; `None` when absent or malformed.
fn number(el: &Element, attr: &str) -> Option<f64> {
    el.attr(attr)?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// The `dc:Bounds` of `el` (x, y and a non-negative size); `None` when it
/// has none or they are not numbers.
fn bounds(el: &Element) -> Option<Bounds> {
    let b = Bounds {
        x: number(el, "x")?,
        y: number(el, "y")?,
        width: number(el, "width")?,
        height: number(el, "height")?,
    };
    (b.width >= 0.0 && b.height >= 0.0).then_some(b)
}

/// The first `dc:Bounds` child of `el`, if usable.
fn child_bounds(el: &Element) -> Option<Bounds> {
    el.children_in(DC_NS)
        .find(|c| c.local == "Bounds")
        .and_then(bounds)
}

/// The bounds of `el`'s `BPMNLabel`, when it has usable ones (a label
/// without them is placed by the drawing, so no warning).
fn label_bounds(el: &Element) -> Option<Bounds> {
    el.children_in(BPMNDI_NS)
        .find(|c| c.local == "BPMNLabel")
        .and_then(child_bounds)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::diagnostic::Severity;
    use crate::model::{Bounds, Diagram, Edge, LoopMarker, Point, Shape};
    use crate::parser::{Loaded, load_bytes};

    /// A collaboration (a pool with two lanes and a black-box pool) whose
    /// process has a task with a non-interrupting boundary timer, a
    /// sequential multi-instance task, an expanded subprocess, a default
    /// flow from a gateway, a conditional flow from a task, a text
    /// annotation, a collection data object, a message flow and a
    /// collapsed subprocess drawn on a plane of its own.
    const FILE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs" targetNamespace="urn:t">
  <bpmn:collaboration id="Collab">
    <bpmn:participant id="Pool" name="Shop" processRef="Proc" />
    <bpmn:participant id="Bank" name="Bank" />
    <bpmn:messageFlow id="Pay" name="payment" sourceRef="Send" targetRef="Bank" />
  </bpmn:collaboration>
  <bpmn:process id="Proc" isExecutable="true">
    <bpmn:laneSet id="Lanes">
      <bpmn:lane id="LaneA" name="Clerk">
        <bpmn:flowNodeRef>Start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Check</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Late</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Gw</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>End</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="LaneB" name="Packer">
        <bpmn:flowNodeRef>Each</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Pack</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Send</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Wrap</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Ship</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:dataObject id="Items" isCollection="true" />
    <bpmn:dataObjectReference id="ItemsRef" name="items" dataObjectRef="Items" />
    <bpmn:startEvent id="Start" />
    <bpmn:task id="Check" name="Check order" />
    <bpmn:boundaryEvent id="Late" attachedToRef="Check" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:exclusiveGateway id="Gw" default="ToEach" />
    <bpmn:task id="Each" name="Each item">
      <bpmn:multiInstanceLoopCharacteristics isSequential="true">
        <bpmn:loopCardinality>3</bpmn:loopCardinality>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:task>
    <bpmn:task id="Send" name="Ask for payment" />
    <bpmn:subProcess id="Pack" name="Pack">
      <bpmn:startEvent id="PackStart" />
      <bpmn:task id="Box" name="Box" />
      <bpmn:endEvent id="PackEnd" />
      <bpmn:sequenceFlow id="P1" sourceRef="PackStart" targetRef="Box" />
      <bpmn:sequenceFlow id="P2" sourceRef="Box" targetRef="PackEnd" />
    </bpmn:subProcess>
    <bpmn:subProcess id="Wrap" name="Wrap">
      <bpmn:startEvent id="WrapStart" />
      <bpmn:endEvent id="WrapEnd" />
      <bpmn:sequenceFlow id="W1" sourceRef="WrapStart" targetRef="WrapEnd" />
    </bpmn:subProcess>
    <bpmn:task id="Ship" name="Ship" />
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="Gw" />
    <bpmn:sequenceFlow id="ToEach" name="usual" sourceRef="Gw" targetRef="Each" />
    <bpmn:sequenceFlow id="ToSend" name="unpaid" sourceRef="Gw" targetRef="Send">
      <bpmn:conditionExpression>paid == false</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" sourceRef="Each" targetRef="Pack" />
    <bpmn:sequenceFlow id="F4" sourceRef="Pack" targetRef="Wrap" />
    <bpmn:sequenceFlow id="Express" sourceRef="Wrap" targetRef="Ship">
      <bpmn:conditionExpression>express</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F5" sourceRef="Wrap" targetRef="End" />
    <bpmn:sequenceFlow id="F6" sourceRef="Ship" targetRef="End" />
    <bpmn:sequenceFlow id="F7" sourceRef="Send" targetRef="End" />
    <bpmn:sequenceFlow id="F8" sourceRef="Late" targetRef="End" />
    <bpmn:textAnnotation id="Note"><bpmn:text>Check twice</bpmn:text></bpmn:textAnnotation>
    <bpmn:association id="NoteLink" sourceRef="Check" targetRef="Note" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Main" name="Shop view">
    <bpmndi:BPMNPlane id="MainPlane" bpmnElement="Collab">
      <bpmndi:BPMNShape id="Pool_di" bpmnElement="Pool" isHorizontal="true">
        <dc:Bounds x="100" y="50" width="1200" height="400" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="LaneA_di" bpmnElement="LaneA" isHorizontal="true">
        <dc:Bounds x="130" y="50" width="1170" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="LaneB_di" bpmnElement="LaneB" isHorizontal="true">
        <dc:Bounds x="130" y="250" width="1170" height="200" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Bank_di" bpmnElement="Bank" isHorizontal="true">
        <dc:Bounds x="100" y="500" width="1200" height="60" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start">
        <dc:Bounds x="180" y="100" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="170" y="143" width="56" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Check_di" bpmnElement="Check">
        <dc:Bounds x="260" y="78" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Late_di" bpmnElement="Late">
        <dc:Bounds x="292" y="140" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Gw_di" bpmnElement="Gw" isMarkerVisible="true">
        <dc:Bounds x="400" y="93" width="50" height="50" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Each_di" bpmnElement="Each">
        <dc:Bounds x="400" y="300" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Send_di" bpmnElement="Send">
        <dc:Bounds x="500" y="78" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Pack_di" bpmnElement="Pack" isExpanded="true">
        <dc:Bounds x="540" y="260" width="300" height="160" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="PackStart_di" bpmnElement="PackStart">
        <dc:Bounds x="560" y="322" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Box_di" bpmnElement="Box">
        <dc:Bounds x="630" y="300" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="PackEnd_di" bpmnElement="PackEnd">
        <dc:Bounds x="780" y="322" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Wrap_di" bpmnElement="Wrap" isExpanded="false">
        <dc:Bounds x="880" y="300" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Ship_di" bpmnElement="Ship">
        <dc:Bounds x="1020" y="300" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_di" bpmnElement="End">
        <dc:Bounds x="1200" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Note_di" bpmnElement="Note">
        <dc:Bounds x="260" y="0" width="100" height="30" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="ItemsRef_di" bpmnElement="ItemsRef">
        <dc:Bounds x="182" y="300" width="36" height="50" />
        <bpmndi:BPMNLabel><dc:Bounds x="185" y="357" width="30" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1">
        <di:waypoint x="216" y="118" /><di:waypoint x="260" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2">
        <di:waypoint x="360" y="118" /><di:waypoint x="400" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="ToEach_di" bpmnElement="ToEach">
        <di:waypoint x="425" y="143" /><di:waypoint x="425" y="220" /><di:waypoint x="450" y="300" />
        <bpmndi:BPMNLabel><dc:Bounds x="430" y="200" width="30" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="ToSend_di" bpmnElement="ToSend">
        <di:waypoint x="450" y="118" /><di:waypoint x="500" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3">
        <di:waypoint x="500" y="340" /><di:waypoint x="540" y="340" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="P1_di" bpmnElement="P1">
        <di:waypoint x="596" y="340" /><di:waypoint x="630" y="340" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="P2_di" bpmnElement="P2">
        <di:waypoint x="730" y="340" /><di:waypoint x="780" y="340" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F4_di" bpmnElement="F4">
        <di:waypoint x="840" y="340" /><di:waypoint x="880" y="340" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Express_di" bpmnElement="Express">
        <di:waypoint x="980" y="340" /><di:waypoint x="1020" y="340" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F5_di" bpmnElement="F5">
        <di:waypoint x="930" y="300" /><di:waypoint x="930" y="118" /><di:waypoint x="1200" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F6_di" bpmnElement="F6">
        <di:waypoint x="1120" y="340" /><di:waypoint x="1218" y="340" /><di:waypoint x="1218" y="136" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F7_di" bpmnElement="F7">
        <di:waypoint x="600" y="118" /><di:waypoint x="1200" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F8_di" bpmnElement="F8">
        <di:waypoint x="310" y="176" /><di:waypoint x="310" y="200" /><di:waypoint x="1218" y="200" /><di:waypoint x="1218" y="136" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="NoteLink_di" bpmnElement="NoteLink">
        <di:waypoint x="310" y="78" /><di:waypoint x="310" y="30" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Pay_di" bpmnElement="Pay">
        <di:waypoint x="550" y="78" /><di:waypoint x="550" y="40" /><di:waypoint x="1280" y="40" /><di:waypoint x="1280" y="500" />
        <bpmndi:BPMNLabel><dc:Bounds x="900" y="22" width="50" height="14" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
  <bpmndi:BPMNDiagram id="WrapDiagram">
    <bpmndi:BPMNPlane id="WrapPlane" bpmnElement="Wrap">
      <bpmndi:BPMNShape id="WrapStart_di" bpmnElement="WrapStart">
        <dc:Bounds x="100" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="WrapEnd_di" bpmnElement="WrapEnd">
        <dc:Bounds x="200" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="W1_di" bpmnElement="W1">
        <di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"#;

    fn load(text: &str) -> Loaded {
        load_bytes(vec![(PathBuf::from("shop.bpmn"), text.as_bytes().to_vec())])
    }

    fn shape<'a>(d: &'a Diagram, id: &str) -> &'a Shape {
        d.shape(id).unwrap_or_else(|| panic!("no shape for {id}"))
    }

    fn edge<'a>(d: &'a Diagram, id: &str) -> &'a Edge {
        d.edge(id).unwrap_or_else(|| panic!("no edge for {id}"))
    }

    fn b(x: f64, y: f64, width: f64, height: f64) -> Bounds {
        Bounds {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn reads_every_plane_with_shapes_and_edges() {
        let loaded = load(FILE);
        assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
        let ds = &loaded.model.diagrams;
        assert_eq!(ds.len(), 2);
        let main = &ds[0];
        assert_eq!(main.id, "Main");
        assert_eq!(main.name.as_deref(), Some("Shop view"));
        assert_eq!(main.plane, "Collab");
        assert_eq!(main.file, 0);
        assert!(!main.generated);
        assert_eq!(main.shapes.len(), 19);
        assert_eq!(main.edges.len(), 15);
        // Document order: the pool before its lanes and content.
        let order: Vec<&str> = main.shapes[..4]
            .iter()
            .map(|s| s.element.as_str())
            .collect();
        assert_eq!(order, ["Pool", "LaneA", "LaneB", "Bank"]);

        let pool = shape(main, "Pool");
        assert_eq!(pool.element_type, "participant");
        assert_eq!(pool.name.as_deref(), Some("Shop"));
        assert_eq!(pool.bounds, b(100.0, 50.0, 1200.0, 400.0));
        assert_eq!(pool.horizontal, Some(true));
        let lane = shape(main, "LaneB");
        assert_eq!(lane.element_type, "lane");
        assert_eq!(lane.name.as_deref(), Some("Packer"));
        assert_eq!(lane.bounds, b(130.0, 250.0, 1170.0, 200.0));

        let start = shape(main, "Start");
        assert_eq!(start.element_type, "startEvent");
        assert_eq!(start.name, None);
        assert_eq!(start.label, Some(b(170.0, 143.0, 56.0, 14.0)));
        assert!(start.marks.event_definitions.is_empty());
        assert_eq!(shape(main, "Check").label, None);

        // The collapsed subprocess: drawn small here, its content on its
        // own plane.
        let wrap = shape(main, "Wrap");
        assert_eq!(wrap.element_type, "subProcess");
        assert_eq!(wrap.expanded, Some(false));
        let sub = &ds[1];
        assert_eq!(
            (sub.id.as_str(), sub.plane.as_str()),
            ("WrapDiagram", "Wrap")
        );
        assert_eq!(sub.name, None);
        assert_eq!(sub.shapes.len(), 2);
        assert_eq!(shape(sub, "WrapEnd").element_type, "endEvent");
        assert_eq!(shape(sub, "WrapEnd").bounds, b(200.0, 100.0, 36.0, 36.0));
        assert_eq!(
            edge(sub, "W1").waypoints,
            [Point { x: 136.0, y: 118.0 }, Point { x: 200.0, y: 118.0 }]
        );
    }

    #[test]
    fn marks_come_from_the_elements_shown() {
        let loaded = load(FILE);
        let main = &loaded.model.diagrams[0];
        let late = shape(main, "Late");
        assert_eq!(late.element_type, "boundaryEvent");
        assert_eq!(late.marks.event_definitions, ["timerEventDefinition"]);
        assert!(late.marks.non_interrupting);
        assert!(!shape(main, "Start").marks.non_interrupting);

        let each = shape(main, "Each");
        assert_eq!(each.marks.looping, Some(LoopMarker::Sequential));
        assert_eq!(shape(main, "Check").marks.looping, None);

        let pack = shape(main, "Pack");
        assert_eq!(pack.expanded, Some(true));
        assert_eq!(pack.bounds, b(540.0, 260.0, 300.0, 160.0));
        assert_eq!(shape(main, "Box").element_type, "task");
        assert_eq!(shape(main, "Gw").element_type, "exclusiveGateway");
        assert_eq!(shape(main, "Gw").expanded, None);

        let note = shape(main, "Note");
        assert_eq!(note.element_type, "textAnnotation");
        assert_eq!(note.name.as_deref(), Some("Check twice"));

        let items = shape(main, "ItemsRef");
        assert_eq!(items.element_type, "dataObjectReference");
        assert!(items.marks.collection);
        assert_eq!(items.label, Some(b(185.0, 357.0, 30.0, 14.0)));
    }

    #[test]
    fn edges_know_default_and_conditional_flows() {
        let loaded = load(FILE);
        let main = &loaded.model.diagrams[0];
        let to_each = edge(main, "ToEach");
        assert_eq!(to_each.element_type, "sequenceFlow");
        assert_eq!(to_each.name.as_deref(), Some("usual"));
        assert!(to_each.default && !to_each.conditional);
        assert_eq!(
            to_each.waypoints,
            [
                Point { x: 425.0, y: 143.0 },
                Point { x: 425.0, y: 220.0 },
                Point { x: 450.0, y: 300.0 }
            ]
        );
        assert_eq!(to_each.label, Some(b(430.0, 200.0, 30.0, 14.0)));
        // A condition on a gateway's flow is the gateway's choice: no
        // diamond.
        let to_send = edge(main, "ToSend");
        assert!(!to_send.default && !to_send.conditional);
        // A condition on a flow leaving a subprocess is a conditional flow.
        assert!(edge(main, "Express").conditional);
        assert!(!edge(main, "F5").conditional && !edge(main, "F5").default);

        let pay = edge(main, "Pay");
        assert_eq!(pay.element_type, "messageFlow");
        assert_eq!(pay.name.as_deref(), Some("payment"));
        assert_eq!(pay.waypoints.len(), 4);
        assert_eq!(pay.label, Some(b(900.0, 22.0, 50.0, 14.0)));
        assert!(!pay.default && !pay.conditional);
        assert_eq!(edge(main, "NoteLink").element_type, "association");
        assert_eq!(edge(main, "P2").waypoints[1], Point { x: 780.0, y: 340.0 });
    }

    /// Event definitions in document order, referred ones included, and the
    /// other flags a symbol shows.
    #[test]
    fn event_definitions_refs_and_flags() {
        let text = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="D" targetNamespace="urn:t">
  <signal id="Sig" name="go" />
  <messageEventDefinition id="SharedMsg" />
  <process id="P" isExecutable="false">
    <startEvent id="S">
      <signalEventDefinition signalRef="Sig" />
      <eventDefinitionRef>SharedMsg</eventDefinitionRef>
    </startEvent>
    <task id="Again"><standardLoopCharacteristics /></task>
    <task id="Fan"><multiInstanceLoopCharacteristics /></task>
    <task id="Undo" isForCompensation="true" />
    <subProcess id="OnErr" triggeredByEvent="true">
      <startEvent id="ES" isInterrupting="false"><messageEventDefinition /></startEvent>
    </subProcess>
  </process>
  <bpmndi:BPMNDiagram id="BD">
    <bpmndi:BPMNPlane bpmnElement="P">
      <bpmndi:BPMNShape bpmnElement="S"><dc:Bounds x="0" y="0" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Again"><dc:Bounds x="1" y="0" width="1" height="1" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Fan"><dc:Bounds x="2" y="0" width="1" height="1" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Undo"><dc:Bounds x="3" y="0" width="1" height="1" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="OnErr"><dc:Bounds x="4" y="0" width="1" height="1" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="ES"><dc:Bounds x="5" y="0" width="1" height="1" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape bpmnElement="Ghost"><dc:Bounds x="6" y="0" width="1" height="1" /></bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>"#;
        let loaded = load(text);
        let d = &loaded.model.diagrams[0];
        assert_eq!(
            shape(d, "S").marks.event_definitions,
            ["signalEventDefinition", "messageEventDefinition"]
        );
        assert_eq!(shape(d, "Again").marks.looping, Some(LoopMarker::Standard));
        assert_eq!(shape(d, "Fan").marks.looping, Some(LoopMarker::Parallel));
        assert!(shape(d, "Undo").marks.for_compensation);
        assert!(shape(d, "OnErr").marks.triggered_by_event);
        assert!(!shape(d, "OnErr").marks.non_interrupting);
        assert!(shape(d, "ES").marks.non_interrupting);
        // A shape for an element the file lacks is kept, untyped.
        let ghost = shape(d, "Ghost");
        assert_eq!(ghost.element_type, "");
        assert_eq!(ghost.name, None);
    }

    /// Broken coordinates never stop loading: the shape or edge is left out
    /// with a warning naming it and its line; a broken label is dropped.
    #[test]
    fn malformed_coordinates_are_warnings() {
        let text = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="D" targetNamespace="urn:t">
  <process id="P" isExecutable="true">
    <startEvent id="S" /><endEvent id="E" />
    <sequenceFlow id="F" sourceRef="S" targetRef="E" />
    <sequenceFlow id="G" sourceRef="S" targetRef="E" />
  </process>
  <bpmndi:BPMNDiagram id="BD">
    <bpmndi:BPMNPlane bpmnElement="P">
      <bpmndi:BPMNShape id="S_di" bpmnElement="S"><dc:Bounds x="a" y="0" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="E_di" bpmnElement="E">
        <dc:Bounds x="100" y="0" width="36" height="36" />
        <bpmndi:BPMNLabel><dc:Bounds x="1" y="NaN" /></bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="None_di" bpmnElement="S" />
      <bpmndi:BPMNEdge id="F_di" bpmnElement="F"><di:waypoint x="36" y="18" /><di:waypoint y="18" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="G_di" bpmnElement="G"><di:waypoint x="36" y="18" /><di:waypoint x="" y="1" /><di:waypoint x="100" y="18" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</definitions>"#;
        let loaded = load(text);
        assert!(!loaded.has_errors(), "{:#?}", loaded.diagnostics);
        let d = &loaded.model.diagrams[0];
        assert_eq!(d.shapes.len(), 1);
        assert_eq!(d.shapes[0].element, "E");
        assert_eq!(d.shapes[0].label, None);
        assert_eq!(d.edges.len(), 1);
        assert_eq!(d.edges[0].element, "G");
        assert_eq!(d.edges[0].waypoints.len(), 2);
        let warnings: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|w| w.severity == Severity::Warning)
            .map(|w| (w.line, w.element.clone().unwrap_or_default(), &w.message))
            .collect();
        assert_eq!(warnings.len(), 4, "{warnings:#?}");
        assert_eq!((warnings[0].0, warnings[0].1.as_str()), (12, "S"));
        assert!(warnings[0].2.contains("dc:Bounds"), "{}", warnings[0].2);
        assert_eq!((warnings[1].0, warnings[1].1.as_str()), (17, "S"));
        assert_eq!((warnings[2].0, warnings[2].1.as_str()), (18, "F"));
        assert!(warnings[2].2.contains("waypoint"), "{}", warnings[2].2);
        assert_eq!((warnings[3].0, warnings[3].1.as_str()), (19, "G"));
    }

    #[test]
    fn a_file_without_di_has_no_diagram() {
        let text = r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D">
  <process id="P"><startEvent id="S" /></process>
</definitions>"#;
        assert!(load(text).model.diagrams.is_empty());
    }
}
