//! Diagrams: where each element of a process is drawn — the BPMN DI
//! (`bpmndi:BPMNDiagram`) of a file, or a layout made for a process that
//! has none (`picture/layout.rs`).
//!
//! A [`Diagram`] is one plane: shapes (flow nodes, pools, lanes, data
//! objects, annotations) with their bounds, and edges (sequence flows,
//! message flows, associations) with their waypoints. Each shape and edge
//! carries what its symbol needs (element type, name, event definitions,
//! loop markers…) copied from the element it shows, so a picture is drawn
//! from the diagram alone; the instance's states are laid over it by the
//! element ids (`picture/overlay.rs`).

/// A point in diagram coordinates (DI units: pixels at 100 %, y downwards).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position (downwards).
    pub y: f64,
}

/// A rectangle in diagram coordinates: its top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bounds {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Bounds {
    /// The centre of the rectangle.
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.width / 2.0,
            y: self.y + self.height / 2.0,
        }
    }

    /// The right edge.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
}

/// How an activity repeats, as its marker shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopMarker {
    /// `standardLoopCharacteristics`: a circular arrow.
    Standard,
    /// Parallel multi-instance: three vertical bars.
    Parallel,
    /// Sequential multi-instance: three horizontal bars.
    Sequential,
}

/// What a shape's symbol shows besides its element type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Marks {
    /// Local names of the event's definitions, in document order
    /// (`timerEventDefinition`, `messageEventDefinition`…); several make a
    /// multiple event. Empty for a none event and for non-events.
    pub event_definitions: Vec<String>,
    /// True for a non-interrupting boundary event (`cancelActivity="false"`)
    /// or event-subprocess start event (`isInterrupting="false"`): drawn
    /// dashed.
    pub non_interrupting: bool,
    /// The activity's loop or multi-instance marker.
    pub looping: Option<LoopMarker>,
    /// `isForCompensation="true"`: the compensation marker.
    pub for_compensation: bool,
    /// `triggeredByEvent="true"`: an event subprocess (dotted border).
    pub triggered_by_event: bool,
    /// A data object reference whose data object is a collection.
    pub collection: bool,
}

/// One shape of a diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// `bpmnElement`: the id of the element it shows.
    pub element: String,
    /// The XML local name of that element (`userTask`, `participant`,
    /// `lane`, `textAnnotation`, `dataObjectReference`…); empty when the
    /// element is not found in the file.
    pub element_type: String,
    /// The element's `name` (a text annotation's text).
    pub name: Option<String>,
    /// Where the shape is drawn.
    pub bounds: Bounds,
    /// Where its label is drawn, when the DI says (events, gateways and
    /// data objects label outside their symbol).
    pub label: Option<Bounds>,
    /// `isExpanded`: a subprocess drawn with its content (`None`: not said).
    pub expanded: Option<bool>,
    /// `isHorizontal`: a pool or lane with its name on the left (`None`:
    /// not said; pools and lanes are horizontal by default).
    pub horizontal: Option<bool>,
    /// What the symbol shows besides its type.
    pub marks: Marks,
}

/// One edge of a diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    /// `bpmnElement`: the id of the flow or association it shows.
    pub element: String,
    /// The XML local name of that element (`sequenceFlow`, `messageFlow`,
    /// `association`, `dataInputAssociation`, `dataOutputAssociation`…).
    pub element_type: String,
    /// The element's `name` (the label of a gateway's choice).
    pub name: Option<String>,
    /// The line, from source to target.
    pub waypoints: Vec<Point>,
    /// Where its label is drawn, when the DI says.
    pub label: Option<Bounds>,
    /// The default flow of its source (drawn with a slash at its start).
    pub default: bool,
    /// A conditional flow leaving an activity (drawn with a small diamond).
    pub conditional: bool,
}

/// One plane to draw: a `BPMNDiagram` of a file, or a generated layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// The `BPMNDiagram`'s id (for a generated layout: the process id).
    pub id: String,
    /// The `BPMNDiagram`'s name, or the process's name.
    pub name: Option<String>,
    /// Index in [`crate::model::Model::files`] of the file it belongs to:
    /// element ids are unique only within a file.
    pub file: u32,
    /// The plane's `bpmnElement`: a process, collaboration or subprocess id.
    pub plane: String,
    /// Shapes in document order (containers come before what they hold,
    /// as editors write them, so drawing in order paints pools first).
    pub shapes: Vec<Shape>,
    /// Edges in document order.
    pub edges: Vec<Edge>,
    /// True for a layout made by the engine (the file had no DI for it).
    pub generated: bool,
}

impl Diagram {
    /// The shape of element `id`, if the diagram draws it (a search:
    /// for lookups in a loop, build a map).
    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.iter().find(|s| s.element == id)
    }

    /// The edge of flow `id`, if the diagram draws it (a search).
    pub fn edge(&self, id: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.element == id)
    }

    /// The smallest rectangle holding every shape, edge point and label;
    /// `None` for an empty diagram.
    pub fn extent(&self) -> Option<Bounds> {
        let mut min = (f64::INFINITY, f64::INFINITY);
        let mut max = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let mut add = |x: f64, y: f64| {
            if x.is_finite() && y.is_finite() {
                min = (min.0.min(x), min.1.min(y));
                max = (max.0.max(x), max.1.max(y));
            }
        };
        for s in &self.shapes {
            add(s.bounds.x, s.bounds.y);
            add(s.bounds.right(), s.bounds.bottom());
            if let Some(l) = s.label {
                add(l.x, l.y);
                add(l.right(), l.bottom());
            }
        }
        for e in &self.edges {
            for p in &e.waypoints {
                add(p.x, p.y);
            }
            if let Some(l) = e.label {
                add(l.x, l.y);
                add(l.right(), l.bottom());
            }
        }
        (min.0 <= max.0).then_some(Bounds {
            x: min.0,
            y: min.1,
            width: max.0 - min.0,
            height: max.1 - min.1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extent_covers_shapes_edges_and_labels() {
        let d = Diagram {
            id: "d".into(),
            name: None,
            file: 0,
            plane: "p".into(),
            shapes: vec![Shape {
                element: "a".into(),
                element_type: "task".into(),
                name: None,
                bounds: Bounds {
                    x: 10.0,
                    y: 20.0,
                    width: 100.0,
                    height: 80.0,
                },
                label: Some(Bounds {
                    x: 0.0,
                    y: 110.0,
                    width: 5.0,
                    height: 5.0,
                }),
                expanded: None,
                horizontal: None,
                marks: Marks::default(),
            }],
            edges: vec![Edge {
                element: "f".into(),
                element_type: "sequenceFlow".into(),
                name: None,
                waypoints: vec![Point { x: 110.0, y: 60.0 }, Point { x: 300.0, y: 60.0 }],
                label: None,
                default: false,
                conditional: false,
            }],
            generated: false,
        };
        assert_eq!(
            d.extent(),
            Some(Bounds {
                x: 0.0,
                y: 20.0,
                width: 300.0,
                height: 95.0
            })
        );
        let empty = Diagram {
            shapes: vec![],
            edges: vec![],
            ..d
        };
        assert_eq!(empty.extent(), None);
    }
}
