//! Automatic layout for processes whose file has no BPMN DI: a generated
//! [`Diagram`] per process (or per collaboration, its pools stacked), so
//! every process can be drawn.
//!
//! Each graph (a process body or an expanded subprocess's) is laid out
//! left to right by the layered placement in `layout/layered.rs`; bodies
//! are laid out first, innermost out, and their subprocess is sized to
//! hold them. Boundary events sit on their activity's bottom border (the
//! activity is widened when several must fit), and their flows leave
//! downwards; event subprocesses go below the flow of their graph. When
//! nodes of a process name lanes, the process becomes a pool with one
//! horizontal band per lane (in order of first use) and each node stays
//! inside its lane's band. Shapes copy what their symbol needs from the
//! model (type, name, event definitions, loop and compensation markers),
//! containers before their content.

mod layered;

use std::collections::{HashMap, HashSet};

use crate::model::{
    Bounds, Collaboration, Diagram, Edge, EventKind, EventPosition, GraphIdx, LoopMarker, Looping,
    Marks, Model, Node, NodeKind, Point, ProcessSpec, Shape, Trigger,
};
use layered::{EdgeKind, Input, LEdge};

/// Task and other activity size.
const TASK: (f64, f64) = (100.0, 80.0);
/// Event size.
const EVENT: (f64, f64) = (36.0, 36.0);
/// Gateway size.
const GATEWAY: (f64, f64) = (50.0, 50.0);
/// Room between an expanded subprocess's border and its body, left/right.
const SUB_PAD_X: f64 = 20.0;
/// Room above a subprocess's body (for its name).
const SUB_PAD_TOP: f64 = 30.0;
/// Room below a subprocess's body.
const SUB_PAD_BOTTOM: f64 = 20.0;
/// Horizontal room per boundary event on an activity's border.
const BOUNDARY_STEP: f64 = 44.0;
/// Room a name label takes below an event or gateway.
const LABEL: (f64, f64) = (90.0, 20.0);
/// Width of a pool's (and a lane's) name strip on the left.
const HEADER: f64 = 30.0;
/// Room between a pool's border and its content.
const POOL_PAD: f64 = 30.0;
/// Space between stacked pools.
const POOL_GAP: f64 = 30.0;
/// Height of a black-box pool (no process).
const BLACK_BOX: f64 = 80.0;
/// Where generated content starts.
const ORIGIN: f64 = 20.0;
/// Deeper subprocess nesting is drawn collapsed (the parser bounds it in
/// practice; this keeps the recursion bounded whatever the model says).
const MAX_DEPTH: usize = 64;

/// A generated diagram for `process`: its flow laid out left to right,
/// inside a pool with lane bands when its nodes name lanes.
pub fn layout_process(model: &Model, process: &ProcessSpec) -> Diagram {
    let block = layout_graph(model, process.graph, true, &mut Vec::new());
    let mut diagram = Diagram {
        id: process.id.clone(),
        name: process.name.clone(),
        file: process.file,
        plane: process.id.clone(),
        shapes: Vec::new(),
        edges: Vec::new(),
        generated: true,
    };
    if block.bands.is_empty() {
        let (shapes, edges) = block.moved(ORIGIN, ORIGIN);
        diagram.shapes = shapes;
        diagram.edges = edges;
    } else {
        let width = pool_width(&block);
        push_pool(
            &mut diagram,
            &process.id,
            process.name.clone(),
            Some(&block),
            ORIGIN,
            width,
        );
    }
    diagram
}

/// A generated diagram for `collaboration`: one pool per participant,
/// stacked top to bottom, each holding its process's layout (black-box
/// pools are empty). Message flows are not in the model, so none are drawn.
pub fn layout_collaboration(model: &Model, collaboration: &Collaboration) -> Diagram {
    let index = process_index(model);
    let blocks: Vec<Option<Block>> = collaboration
        .participants
        .iter()
        .map(|p| {
            let process = resolve(model, &index, collaboration.file, p.process_ref.as_deref())?;
            Some(layout_graph(model, process.graph, true, &mut Vec::new()))
        })
        .collect();
    let width = blocks
        .iter()
        .flatten()
        .map(pool_width)
        .fold(400.0, f64::max);
    let mut diagram = Diagram {
        id: collaboration.id.clone(),
        name: collaboration.name.clone(),
        file: collaboration.file,
        plane: collaboration.id.clone(),
        shapes: Vec::new(),
        edges: Vec::new(),
        generated: true,
    };
    let mut y = ORIGIN;
    for (p, block) in collaboration.participants.iter().zip(&blocks) {
        let height = push_pool(
            &mut diagram,
            &p.id,
            p.name.clone(),
            block.as_ref(),
            y,
            width,
        );
        y += height + POOL_GAP;
    }
    diagram
}

/// Generated diagrams for every top-level process that no diagram of
/// `model.diagrams` covers — covered: a plane of the process, of a
/// collaboration with a pool running it, or holding a shape of one of its
/// nodes. A collaboration with no DI at all is laid out whole (its pools
/// stacked); the other uncovered processes one by one.
pub fn missing_layouts(model: &Model) -> Vec<Diagram> {
    let mut drawn: HashSet<(u32, &str)> = HashSet::new();
    for d in &model.diagrams {
        drawn.insert((d.file, d.plane.as_str()));
        for s in &d.shapes {
            drawn.insert((d.file, s.element.as_str()));
        }
    }
    let index = process_index(model);
    let process_no = |p: &ProcessSpec| index.get(&(p.file, p.id.as_str())).copied();
    let mut covered = vec![false; model.processes.len()];
    for (i, p) in model.processes.iter().enumerate() {
        covered[i] = drawn.contains(&(p.file, p.id.as_str()))
            || model.graphs.get(p.graph.0 as usize).is_some_and(|g| {
                g.nodes
                    .iter()
                    .any(|n| drawn.contains(&(p.file, n.id.as_str())))
            });
    }
    let mut bare_collaborations = Vec::new();
    for c in &model.collaborations {
        let has_di = drawn.contains(&(c.file, c.id.as_str()))
            || c.participants
                .iter()
                .any(|p| drawn.contains(&(c.file, p.id.as_str())));
        if has_di {
            for p in &c.participants {
                if let Some(i) =
                    resolve(model, &index, c.file, p.process_ref.as_deref()).and_then(process_no)
                {
                    covered[i] = true;
                }
            }
        } else {
            bare_collaborations.push(c);
        }
    }
    let mut out = Vec::new();
    for c in bare_collaborations {
        let mine: Vec<usize> = c
            .participants
            .iter()
            .filter_map(|p| {
                resolve(model, &index, c.file, p.process_ref.as_deref()).and_then(process_no)
            })
            .filter(|&i| !covered[i])
            .collect();
        if mine.is_empty() {
            continue;
        }
        for i in mine {
            covered[i] = true;
        }
        out.push(layout_collaboration(model, c));
    }
    for (i, p) in model.processes.iter().enumerate() {
        if !covered[i] {
            out.push(layout_process(model, p));
        }
    }
    out
}

/// Processes by (file, id); the first declaration wins.
fn process_index(model: &Model) -> HashMap<(u32, &str), usize> {
    let mut index = HashMap::new();
    for (i, p) in model.processes.iter().enumerate() {
        index.entry((p.file, p.id.as_str())).or_insert(i);
    }
    index
}

/// The process a pool of `file` runs: the one of that file, else the
/// first loaded with that id.
fn resolve<'m>(
    model: &'m Model,
    index: &HashMap<(u32, &str), usize>,
    file: u32,
    id: Option<&str>,
) -> Option<&'m ProcessSpec> {
    let id = id?;
    index
        .get(&(file, id))
        .and_then(|&i| model.processes.get(i))
        .or_else(|| model.process(id))
}

/// The width a pool needs for `block`.
fn pool_width(block: &Block) -> f64 {
    let lanes = if block.bands.is_empty() { 0.0 } else { HEADER };
    HEADER + lanes + 2.0 * POOL_PAD + block.width
}

/// Adds a pool at `y` (with its lanes and content) and returns its height.
fn push_pool(
    diagram: &mut Diagram,
    element: &str,
    name: Option<String>,
    block: Option<&Block>,
    y: f64,
    width: f64,
) -> f64 {
    let height = match block {
        None => BLACK_BOX,
        Some(b) if b.bands.is_empty() => b.height + 2.0 * POOL_PAD,
        Some(b) => b.height,
    };
    diagram.shapes.push(Shape {
        element: element.to_string(),
        element_type: "participant".into(),
        name,
        bounds: Bounds {
            x: ORIGIN,
            y,
            width,
            height,
        },
        label: None,
        expanded: None,
        horizontal: Some(true),
        marks: Marks::default(),
    });
    let Some(block) = block else {
        return height;
    };
    for band in &block.bands {
        let Some(lane) = &band.lane else { continue };
        diagram.shapes.push(Shape {
            element: format!("lane:{lane}"),
            element_type: "lane".into(),
            name: Some(lane.clone()),
            bounds: Bounds {
                x: ORIGIN + HEADER,
                y: y + band.top,
                width: width - HEADER,
                height: band.height,
            },
            label: None,
            expanded: None,
            horizontal: Some(true),
            marks: Marks::default(),
        });
    }
    let (dx, dy) = if block.bands.is_empty() {
        (ORIGIN + HEADER + POOL_PAD, y + POOL_PAD)
    } else {
        (ORIGIN + 2.0 * HEADER + POOL_PAD, y)
    };
    let (shapes, edges) = block.moved(dx, dy);
    diagram.shapes.extend(shapes);
    diagram.edges.extend(edges);
    height
}

/// A laid-out graph with its top-left corner at (0, 0).
struct Block {
    shapes: Vec<Shape>,
    edges: Vec<Edge>,
    width: f64,
    height: f64,
    /// Lane bands (top, height), top to bottom; empty without lanes.
    bands: Vec<Band>,
}

/// One lane's band in a [`Block`].
struct Band {
    /// The lane's name; `None` for the nodes that name no lane.
    lane: Option<String>,
    top: f64,
    height: f64,
}

impl Block {
    /// Its shapes and edges moved by (dx, dy).
    fn moved(&self, dx: f64, dy: f64) -> (Vec<Shape>, Vec<Edge>) {
        let mut copy = Block {
            shapes: self.shapes.clone(),
            edges: self.edges.clone(),
            width: self.width,
            height: self.height,
            bands: Vec::new(),
        };
        copy.shift(dx, dy);
        (copy.shapes, copy.edges)
    }

    /// Moves its shapes and edges by (dx, dy).
    fn shift(&mut self, dx: f64, dy: f64) {
        for s in &mut self.shapes {
            shift_bounds(&mut s.bounds, dx, dy);
            if let Some(l) = &mut s.label {
                shift_bounds(l, dx, dy);
            }
        }
        for e in &mut self.edges {
            for p in &mut e.waypoints {
                p.x += dx;
                p.y += dy;
            }
        }
    }
}

fn shift_bounds(b: &mut Bounds, dx: f64, dy: f64) {
    b.x += dx;
    b.y += dy;
}

/// What each node of a graph is, for the layout.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Takes part in the layers.
    Main,
    /// A boundary event on the activity at this index.
    Boundary(usize),
    /// An event subprocess: placed below.
    EventSub,
}

/// Lays out graph `gi` (and, recursively, its subprocesses' bodies); with
/// `lanes`, nodes naming lanes are banded by lane. `path` holds the graphs
/// being laid out around this one: a body already on it (only a broken
/// model could say so) is drawn collapsed rather than recursed into.
fn layout_graph(model: &Model, gi: GraphIdx, lanes: bool, path: &mut Vec<GraphIdx>) -> Block {
    let Some(g) = model.graphs.get(gi.0 as usize) else {
        return Block {
            shapes: Vec::new(),
            edges: Vec::new(),
            width: 0.0,
            height: 0.0,
            bands: Vec::new(),
        };
    };
    let n = g.nodes.len();
    let role: Vec<Role> = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| match &node.kind {
            NodeKind::EventSubProcess { .. } => Role::EventSub,
            NodeKind::Event(e) => match e.position {
                EventPosition::Boundary { attached_to, .. }
                    if (attached_to.0 as usize) < n
                        && attached_to.0 as usize != i
                        && !is_boundary(&g.nodes[attached_to.0 as usize]) =>
                {
                    Role::Boundary(attached_to.0 as usize)
                }
                _ => Role::Main,
            },
            _ => Role::Main,
        })
        .collect();
    let mut boundaries: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, r) in role.iter().enumerate() {
        if let Role::Boundary(h) = *r {
            boundaries[h].push(i);
        }
    }

    // Bodies first: their size is their subprocess's.
    path.push(gi);
    let bodies: Vec<Option<Block>> = g
        .nodes
        .iter()
        .map(|node| match node.kind {
            NodeKind::SubProcess { graph, .. } | NodeKind::EventSubProcess { graph }
                if path.len() < MAX_DEPTH && !path.contains(&graph) =>
            {
                Some(layout_graph(model, graph, false, path))
            }
            _ => None,
        })
        .collect();
    path.pop();
    let size: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let (mut w, h) = match &bodies[i] {
                Some(b) => (
                    (b.width + 2.0 * SUB_PAD_X).max(TASK.0),
                    (b.height + SUB_PAD_TOP + SUB_PAD_BOTTOM).max(TASK.1),
                ),
                None => base_size(&g.nodes[i]),
            };
            let k = boundaries[i].len() as f64;
            w = w.max(k * BOUNDARY_STEP + 12.0);
            (w, h)
        })
        .collect();

    // The layered nodes and their lanes.
    let main: Vec<usize> = (0..n).filter(|&i| role[i] == Role::Main).collect();
    let mut slot = vec![usize::MAX; n];
    for (k, &i) in main.iter().enumerate() {
        slot[i] = k;
    }
    let banded = lanes && main.iter().any(|&i| g.nodes[i].lane.is_some());
    let mut lane_names: Vec<Option<&str>> = Vec::new();
    let mut lane_of_name: HashMap<Option<&str>, usize> = HashMap::new();
    let lane: Vec<usize> = main
        .iter()
        .map(|&i| {
            if !banded {
                return 0;
            }
            let name = g.nodes[i].lane.as_deref();
            *lane_of_name.entry(name).or_insert_with(|| {
                lane_names.push(name);
                lane_names.len() - 1
            })
        })
        .collect();
    let rep = |i: usize| match role[i] {
        Role::Boundary(h) => h,
        _ => i,
    };

    let mut edges = Vec::new();
    // Per flow: its layered edge, if both ends are layered.
    let mut flow_edge: Vec<Option<usize>> = Vec::with_capacity(g.flows.len());
    for f in &g.flows {
        let (s, t) = (f.source.0 as usize, f.target.0 as usize);
        if s >= n || t >= n || slot[rep(s)] == usize::MAX || slot[rep(t)] == usize::MAX {
            flow_edge.push(None);
            continue;
        }
        let drop = match role[s] {
            Role::Boundary(h) => size[h].1 / 2.0 + TASK.1,
            _ => 0.0,
        };
        flow_edge.push(Some(edges.len()));
        edges.push(LEdge {
            from: slot[rep(s)],
            to: slot[rep(t)],
            drawn: true,
            drop,
        });
    }
    // A link throw comes before its catch, though no flow joins them.
    let mut catches: HashMap<&str, Vec<usize>> = HashMap::new();
    for (name, c) in &g.links {
        if (c.0 as usize) < n && slot[c.0 as usize] != usize::MAX {
            catches
                .entry(name.as_str())
                .or_default()
                .push(slot[c.0 as usize]);
        }
    }
    for &i in &main {
        let Some(e) = g.nodes[i].kind.event() else {
            continue;
        };
        if e.position != EventPosition::Throw {
            continue;
        }
        for t in &e.triggers {
            if let Trigger::Link { name } = t {
                for &c in catches.get(name.as_str()).into_iter().flatten() {
                    edges.push(LEdge {
                        from: slot[i],
                        to: c,
                        drawn: false,
                        drop: 0.0,
                    });
                }
            }
        }
    }
    let roots = g
        .starts
        .iter()
        .chain(&g.trigger_starts)
        .map(|s| s.0 as usize)
        .filter(|&s| s < n && slot[s] != usize::MAX)
        .map(|s| slot[s])
        .collect();
    let input = Input {
        size: main.iter().map(|&i| size[i]).collect(),
        below: main
            .iter()
            .map(|&i| {
                let node = &g.nodes[i];
                if !boundaries[i].is_empty() {
                    EVENT.1 / 2.0 + LABEL.1 + 4.0
                } else if node.name.is_some() && !node.kind.is_activity() {
                    LABEL.1 + 4.0
                } else {
                    0.0
                }
            })
            .collect(),
        lane,
        lanes: lane_names.len().max(1),
        banded,
        edges,
        roots,
    };
    let placed = layered::place(&input);

    // Where every node goes: layered ones, boundary events on their
    // activity, event subprocesses below.
    let mut at = vec![Bounds::default(); n];
    for (k, &i) in main.iter().enumerate() {
        at[i] = placed.bounds[k];
    }
    for (h, list) in boundaries.iter().enumerate() {
        let k = list.len() as f64;
        let host = at[h];
        let first = host.center().x - (k - 1.0) * BOUNDARY_STEP / 2.0;
        for (j, &b) in list.iter().enumerate() {
            at[b] = Bounds {
                x: first + j as f64 * BOUNDARY_STEP - EVENT.0 / 2.0,
                y: host.bottom() - EVENT.1 / 2.0,
                width: EVENT.0,
                height: EVENT.1,
            };
        }
    }

    let mut routes: Vec<Vec<Point>> = vec![Vec::new(); g.flows.len()];
    let mut bottom = placed.bottom();
    for (fi, f) in g.flows.iter().enumerate() {
        let Some(e) = flow_edge[fi] else { continue };
        let s = f.source.0 as usize;
        let start = match role[s] {
            Role::Boundary(_) => Some(Point {
                x: at[s].center().x,
                y: at[s].bottom(),
            }),
            _ => None,
        };
        let mut pts = placed.route(e, start);
        if let Some(end) = pts.last_mut() {
            // A flow into a boundary event (not BPMN, but loadable) ends at it.
            let t = f.target.0 as usize;
            if matches!(role[t], Role::Boundary(_)) && placed.kind(e) == EdgeKind::Forward {
                *end = at[t].center();
            }
        }
        for p in &pts {
            bottom = bottom.max(p.y);
        }
        routes[fi] = pts;
    }
    if !bottom.is_finite() {
        bottom = 0.0;
    }
    let mut x = 0.0;
    for i in 0..n {
        if role[i] == Role::EventSub {
            let (w, h) = size[i];
            at[i] = Bounds {
                x,
                y: bottom + GAP_BELOW,
                width: w,
                height: h,
            };
            x += w + layered::GAP_X;
        }
    }
    // Flows the layers do not know (to or from an event subprocess: not
    // BPMN, but loadable) are straight lines between centres.
    for (fi, f) in g.flows.iter().enumerate() {
        if routes[fi].is_empty() {
            let (s, t) = (f.source.0 as usize, f.target.0 as usize);
            if s < n && t < n {
                routes[fi] = vec![at[s].center(), at[t].center()];
            }
        }
    }

    // Shapes: containers before their content, boundary events after
    // their activity.
    let mut shapes = Vec::with_capacity(n);
    let mut inner_edges = Vec::new();
    for i in 0..n {
        if matches!(role[i], Role::Boundary(_)) {
            continue;
        }
        shapes.push(node_shape(&g.nodes[i], at[i], bodies[i].is_some()));
        if let Some(body) = &bodies[i] {
            let (s, e) = body.moved(at[i].x + SUB_PAD_X, at[i].y + SUB_PAD_TOP);
            shapes.extend(s);
            inner_edges.extend(e);
        }
        for &b in &boundaries[i] {
            shapes.push(node_shape(&g.nodes[b], at[b], false));
        }
    }
    let mut edges: Vec<Edge> = g
        .flows
        .iter()
        .zip(routes)
        .map(|(f, waypoints)| {
            let source = g.nodes.get(f.source.0 as usize);
            Edge {
                element: f.id.clone(),
                element_type: "sequenceFlow".into(),
                name: f.name.clone(),
                waypoints,
                label: None,
                default: source.is_some_and(|s| {
                    s.default_flow
                        .is_some_and(|d| g.flows.get(d.0 as usize).is_some_and(|x| x.id == f.id))
                }),
                conditional: f.condition.is_some() && source.is_some_and(|s| s.kind.is_activity()),
            }
        })
        .collect();
    edges.extend(inner_edges);

    let bands: Vec<Band> = placed
        .bands
        .iter()
        .zip(&lane_names)
        .map(|(&(top, height), name)| Band {
            lane: name.map(str::to_string),
            top,
            height,
        })
        .collect();
    normalize(shapes, edges, bands)
}

/// Room between the flow of a graph and its event subprocesses.
const GAP_BELOW: f64 = 40.0;

/// Moves the content so its extent starts at (0, 0) (lane bands start at
/// 0 already) and makes the last band reach the bottom.
fn normalize(shapes: Vec<Shape>, edges: Vec<Edge>, mut bands: Vec<Band>) -> Block {
    let probe = Diagram {
        id: String::new(),
        name: None,
        file: 0,
        plane: String::new(),
        shapes,
        edges,
        generated: true,
    };
    let extent = probe.extent().unwrap_or_default();
    let min_y = if bands.is_empty() {
        extent.y
    } else {
        extent.y.min(0.0)
    };
    let mut block = Block {
        shapes: probe.shapes,
        edges: probe.edges,
        width: extent.width,
        height: extent.bottom() - min_y,
        bands: Vec::new(),
    };
    block.shift(-extent.x, -min_y);
    for b in &mut bands {
        b.top -= min_y;
    }
    if let Some(last) = bands.last_mut() {
        last.height = last.height.max(block.height - last.top);
        block.height = block.height.max(last.top + last.height);
    }
    block.bands = bands;
    block
}

fn is_boundary(node: &Node) -> bool {
    matches!(
        node.kind.event().map(|e| e.position),
        Some(EventPosition::Boundary { .. })
    )
}

/// The fixed size of a node's symbol.
fn base_size(node: &Node) -> (f64, f64) {
    let t = node.kind.element_type();
    if t.is_event() {
        EVENT
    } else if t.is_gateway() {
        GATEWAY
    } else {
        match local_name(node) {
            t if t.ends_with("Gateway") => GATEWAY,
            t if t.ends_with("Event") => EVENT,
            _ => TASK,
        }
    }
}

/// The XML local name of the node's element: an element the engine does
/// not run says what it is followed by why (`intermediateCatchEvent with
/// …`), and only the name is the symbol's type.
fn local_name(node: &Node) -> &str {
    let t = node.kind.element_type().as_str();
    t.split(' ').next().unwrap_or(t)
}

/// The shape of `node` at `bounds`.
fn node_shape(node: &Node, bounds: Bounds, expanded: bool) -> Shape {
    let local = local_name(node);
    let outside_label = local.ends_with("Event") || local.ends_with("Gateway");
    Shape {
        element: node.id.clone(),
        element_type: local.to_string(),
        name: node.name.clone(),
        bounds,
        label: (outside_label && node.name.is_some()).then(|| Bounds {
            x: bounds.center().x - LABEL.0 / 2.0,
            y: bounds.bottom() + 4.0,
            width: LABEL.0,
            height: LABEL.1,
        }),
        expanded: expanded.then_some(true),
        horizontal: None,
        marks: marks(node),
    }
}

/// What the node's symbol shows besides its type.
fn marks(node: &Node) -> Marks {
    let mut m = Marks::default();
    if let Some(e) = node.kind.event() {
        m.event_definitions = e
            .triggers
            .iter()
            .map(|t| definition_name(t.kind()).to_string())
            .collect();
        m.non_interrupting = matches!(
            e.position,
            EventPosition::Start {
                interrupting: false
            } | EventPosition::Boundary {
                cancel_activity: false,
                ..
            }
        );
    }
    m.looping = node.looping.as_deref().map(|l| match l {
        Looping::Standard(_) => LoopMarker::Standard,
        Looping::Multi(mi) if mi.sequential => LoopMarker::Sequential,
        Looping::Multi(_) => LoopMarker::Parallel,
    });
    m.for_compensation = node.for_compensation;
    m.triggered_by_event = matches!(node.kind, NodeKind::EventSubProcess { .. });
    m
}

/// The XML local name of an event definition.
fn definition_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Message => "messageEventDefinition",
        EventKind::Signal => "signalEventDefinition",
        EventKind::Timer => "timerEventDefinition",
        EventKind::Error => "errorEventDefinition",
        EventKind::Escalation => "escalationEventDefinition",
        EventKind::Cancel => "cancelEventDefinition",
        EventKind::Terminate => "terminateEventDefinition",
        EventKind::Conditional => "conditionalEventDefinition",
        EventKind::Link => "linkEventDefinition",
        EventKind::Compensation => "compensateEventDefinition",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write;

    /// Loads BPMN elements (without DI) wrapped in `definitions`.
    fn load(body: &str) -> Model {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="t">{body}</definitions>"#
        );
        let loaded = crate::parser::load_bytes(vec![("t.bpmn".into(), xml.into_bytes())]);
        assert!(
            !loaded.model.processes.is_empty(),
            "{:?}",
            loaded.diagnostics
        );
        loaded.model
    }

    fn process(body: &str) -> (Model, Diagram) {
        let model = load(&format!(
            r#"<process id="p" name="P" isExecutable="true">{body}</process>"#
        ));
        let d = layout_process(&model, &model.processes[0]);
        check(&model, &d);
        (model, d)
    }

    fn shape<'a>(d: &'a Diagram, id: &str) -> &'a Shape {
        d.shape(id).unwrap_or_else(|| panic!("no shape for {id}"))
    }

    fn edge<'a>(d: &'a Diagram, id: &str) -> &'a Edge {
        d.edge(id).unwrap_or_else(|| panic!("no edge for {id}"))
    }

    fn inside(p: Point, b: Bounds, slack: f64) -> bool {
        p.x >= b.x - slack
            && p.x <= b.right() + slack
            && p.y >= b.y - slack
            && p.y <= b.bottom() + slack
    }

    fn contains(outer: Bounds, inner: Bounds) -> bool {
        inner.x >= outer.x
            && inner.y >= outer.y
            && inner.right() <= outer.right()
            && inner.bottom() <= outer.bottom()
    }

    fn overlap(a: Bounds, b: Bounds) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    /// What every generated diagram must satisfy: one shape per flow node,
    /// no overlaps between the shapes of one graph (boundary events aside),
    /// one edge per flow from its source to its target, all finite.
    fn check(model: &Model, d: &Diagram) {
        check_except(model, d, &[]);
    }

    /// [`check`] leaving out the graphs with these ids.
    fn check_except(model: &Model, d: &Diagram, skip: &[&str]) {
        assert!(d.generated);
        for g in model
            .graphs
            .iter()
            .filter(|g| !skip.contains(&g.id.as_str()))
        {
            let shapes: Vec<(&Node, &Shape)> =
                g.nodes.iter().map(|n| (n, shape(d, &n.id))).collect();
            for (n, s) in &shapes {
                let b = s.bounds;
                assert!(b.x.is_finite() && b.y.is_finite(), "{}", n.id);
                assert_eq!(s.element_type, local_name(n));
            }
            // Sorted by x, so only neighbours in x are compared.
            let mut by_x: Vec<&(&Node, &Shape)> =
                shapes.iter().filter(|(n, _)| !is_boundary(n)).collect();
            by_x.sort_by(|a, b| a.1.bounds.x.total_cmp(&b.1.bounds.x));
            for (i, (na, a)) in by_x.iter().enumerate() {
                for (nb, b) in &by_x[i + 1..] {
                    if b.bounds.x >= a.bounds.right() {
                        break;
                    }
                    assert!(
                        !overlap(a.bounds, b.bounds),
                        "{} overlaps {}: {:?} {:?}",
                        na.id,
                        nb.id,
                        a.bounds,
                        b.bounds
                    );
                }
            }
            for f in &g.flows {
                let e = edge(d, &f.id);
                assert!(e.waypoints.len() >= 2, "{}", f.id);
                let s = shape(d, &g.node(f.source).id).bounds;
                let t = shape(d, &g.node(f.target).id).bounds;
                assert!(
                    inside(e.waypoints[0], s, 1.0),
                    "{} start {:?}",
                    f.id,
                    e.waypoints
                );
                let last = *e.waypoints.last().unwrap();
                assert!(
                    inside(last, t, 1.0),
                    "{} end {:?} {:?}",
                    f.id,
                    e.waypoints,
                    t
                );
                for w in e.waypoints.windows(2) {
                    let straight = (w[0].x - w[1].x).abs() < 0.01 || (w[0].y - w[1].y).abs() < 0.01;
                    assert!(straight, "{} not orthogonal: {:?}", f.id, e.waypoints);
                }
            }
        }
    }

    const SEQ: &str = r#"
        <startEvent id="a"/><task id="b" name="B"/><endEvent id="c"/>
        <sequenceFlow id="f1" sourceRef="a" targetRef="b"/>
        <sequenceFlow id="f2" sourceRef="b" targetRef="c"/>"#;

    #[test]
    fn a_sequence_runs_left_to_right_on_one_row() {
        let (_, d) = process(SEQ);
        assert_eq!((d.id.as_str(), d.plane.as_str(), d.file), ("p", "p", 0));
        assert_eq!(d.name.as_deref(), Some("P"));
        let (a, b, c) = (shape(&d, "a"), shape(&d, "b"), shape(&d, "c"));
        assert!(a.bounds.x < b.bounds.x && b.bounds.x < c.bounds.x);
        assert!(a.bounds.right() < b.bounds.x && b.bounds.right() < c.bounds.x);
        assert_eq!((b.bounds.width, b.bounds.height), (100.0, 80.0));
        assert_eq!((a.bounds.width, a.bounds.height), (36.0, 36.0));
        assert_eq!(a.element_type, "startEvent");
        assert_eq!(b.name.as_deref(), Some("B"));
        assert_eq!(a.bounds.center().y, b.bounds.center().y);
        // Straight flows: two points, right side to left side.
        let f1 = edge(&d, "f1");
        assert_eq!(f1.element_type, "sequenceFlow");
        assert_eq!(f1.waypoints.len(), 2);
        assert_eq!(f1.waypoints[0].x, a.bounds.right());
        assert_eq!(f1.waypoints[1].x, b.bounds.x);
    }

    #[test]
    fn parallel_branches_take_different_rows_and_join_after() {
        let (_, d) = process(
            r#"<startEvent id="s"/><parallelGateway id="split"/>
            <task id="x"/><task id="y"/><task id="z"/>
            <parallelGateway id="join"/><endEvent id="e"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="split"/>
            <sequenceFlow id="f1" sourceRef="split" targetRef="x"/>
            <sequenceFlow id="f2" sourceRef="split" targetRef="y"/>
            <sequenceFlow id="f3" sourceRef="split" targetRef="z"/>
            <sequenceFlow id="f4" sourceRef="x" targetRef="join"/>
            <sequenceFlow id="f5" sourceRef="y" targetRef="join"/>
            <sequenceFlow id="f6" sourceRef="z" targetRef="join"/>
            <sequenceFlow id="f7" sourceRef="join" targetRef="e"/>"#,
        );
        let ys: Vec<f64> = ["x", "y", "z"]
            .iter()
            .map(|id| shape(&d, id).bounds.y)
            .collect();
        assert!(ys[0] != ys[1] && ys[1] != ys[2] && ys[0] != ys[2], "{ys:?}");
        let xs: Vec<f64> = ["x", "y", "z"]
            .iter()
            .map(|id| shape(&d, id).bounds.x)
            .collect();
        assert!(xs.iter().all(|&x| x == xs[0]));
        let (split, join) = (shape(&d, "split").bounds, shape(&d, "join").bounds);
        assert!(split.right() < xs[0] && join.x > xs[0] + 100.0);
        // The fan is centred on the split: the middle branch on its row.
        assert_eq!(shape(&d, "y").bounds.center().y, split.center().y);
        assert_eq!(join.center().y, split.center().y);
        // Bent flows have their bends in the gap between the columns.
        let f1 = &edge(&d, "f1").waypoints;
        assert_eq!(f1.len(), 4, "{f1:?}");
        assert!(f1[1].x > split.right() && f1[1].x < xs[0]);
    }

    #[test]
    fn a_loop_back_edge_runs_below_and_the_rest_stays_in_order() {
        let (_, d) = process(
            r#"<startEvent id="s"/><exclusiveGateway id="merge"/><task id="work"/>
            <exclusiveGateway id="again" default="done"/><endEvent id="e"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="merge"/>
            <sequenceFlow id="f1" sourceRef="merge" targetRef="work"/>
            <sequenceFlow id="f2" sourceRef="work" targetRef="again"/>
            <sequenceFlow id="back" sourceRef="again" targetRef="merge">
              <conditionExpression>retry</conditionExpression></sequenceFlow>
            <sequenceFlow id="done" sourceRef="again" targetRef="e"/>"#,
        );
        let x = |id| shape(&d, id).bounds.x;
        assert!(x("s") < x("merge") && x("merge") < x("work") && x("work") < x("again"));
        assert!(x("again") < x("e"));
        let back = &edge(&d, "back").waypoints;
        let lowest = d
            .shapes
            .iter()
            .map(|s| s.bounds.bottom())
            .fold(f64::MIN, f64::max);
        assert!(back.iter().any(|p| p.y > lowest), "{back:?}");
        assert!(edge(&d, "done").default);
        assert!(!edge(&d, "back").default);
        // A condition on a gateway's flow is not the activity diamond.
        assert!(!edge(&d, "back").conditional);
    }

    #[test]
    fn self_loops_lonely_nodes_disconnected_parts_and_links_lay_out() {
        let (_, d) = process(
            r#"<startEvent id="s"/><task id="t"/><endEvent id="e"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="self" sourceRef="t" targetRef="t">
              <conditionExpression>again</conditionExpression></sequenceFlow>
            <sequenceFlow id="f1" sourceRef="t" targetRef="throw"/>
            <intermediateThrowEvent id="throw"><linkEventDefinition name="L"/></intermediateThrowEvent>
            <intermediateCatchEvent id="catch"><linkEventDefinition name="L"/></intermediateCatchEvent>
            <sequenceFlow id="f2" sourceRef="catch" targetRef="e"/>
            <task id="alone"/>
            <task id="p1"/><task id="p2"/>
            <sequenceFlow id="f3" sourceRef="p1" targetRef="p2"/>"#,
        );
        // The catch comes after its throw though no flow joins them.
        assert!(shape(&d, "catch").bounds.x > shape(&d, "throw").bounds.x);
        assert_eq!(
            shape(&d, "throw").marks.event_definitions,
            vec!["linkEventDefinition"]
        );
        assert!(edge(&d, "self").conditional);
        assert!(edge(&d, "self").waypoints.len() >= 4);
    }

    #[test]
    fn elements_the_engine_does_not_run_keep_their_type_and_size() {
        let (model, d) = process(
            r#"<startEvent id="s"/><complexGateway id="cx"/>
            <intermediateCatchEvent id="wait"><timerEventDefinition/></intermediateCatchEvent>
            <sequenceFlow id="f0" sourceRef="s" targetRef="cx"/>
            <sequenceFlow id="f1" sourceRef="cx" targetRef="wait"/>"#,
        );
        let g = &model.graphs[0];
        assert!(matches!(
            g.node(g.find("cx").unwrap()).kind,
            NodeKind::Unsupported { .. }
        ));
        let cx = shape(&d, "cx");
        assert_eq!(cx.element_type, "complexGateway");
        assert_eq!(cx.bounds.width, 50.0);
        let wait = shape(&d, "wait");
        assert_eq!(wait.element_type, "intermediateCatchEvent");
        assert_eq!(wait.bounds.width, 36.0);
    }

    #[test]
    fn an_expanded_subprocess_holds_its_body() {
        let (model, d) = process(
            r#"<startEvent id="s"/>
            <subProcess id="sub" name="Sub">
              <startEvent id="is"/><task id="it1"/><task id="it2"/><endEvent id="ie"/>
              <sequenceFlow id="i1" sourceRef="is" targetRef="it1"/>
              <sequenceFlow id="i2" sourceRef="it1" targetRef="it2"/>
              <sequenceFlow id="i3" sourceRef="it2" targetRef="ie"/>
              <subProcess id="inner"><task id="deep"/></subProcess>
              <sequenceFlow id="i4" sourceRef="it2" targetRef="inner"/>
            </subProcess>
            <endEvent id="e"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="sub"/>
            <sequenceFlow id="f1" sourceRef="sub" targetRef="e"/>"#,
        );
        let sub = shape(&d, "sub");
        assert_eq!(sub.expanded, Some(true));
        assert!(sub.bounds.width > 300.0);
        for id in ["is", "it1", "it2", "ie", "inner", "deep"] {
            assert!(contains(sub.bounds, shape(&d, id).bounds), "{id}");
        }
        assert!(contains(
            shape(&d, "inner").bounds,
            shape(&d, "deep").bounds
        ));
        for id in ["i1", "i2", "i3", "i4"] {
            for p in &edge(&d, id).waypoints {
                assert!(inside(*p, sub.bounds, 0.0), "{id}");
            }
        }
        // Containers come before their content.
        let at = |id: &str| d.shapes.iter().position(|s| s.element == id).unwrap();
        assert!(at("sub") < at("it1") && at("inner") < at("deep"));
        assert_eq!(d.edges.len(), 6);
        assert_eq!(model.graphs.len(), 3);
        assert!(shape(&d, "s").bounds.right() < sub.bounds.x);
    }

    #[test]
    fn boundary_events_sit_spread_on_the_bottom_border_with_their_flows() {
        let (_, d) = process(
            r#"<startEvent id="s"/><task id="t"/><endEvent id="e"/>
            <boundaryEvent id="b1" attachedToRef="t"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
            <boundaryEvent id="b2" attachedToRef="t" cancelActivity="false"><messageEventDefinition/></boundaryEvent>
            <task id="late"/><task id="nudge"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="t"/>
            <sequenceFlow id="f1" sourceRef="t" targetRef="e"/>
            <sequenceFlow id="f2" sourceRef="b1" targetRef="late"/>
            <sequenceFlow id="f3" sourceRef="b2" targetRef="nudge"/>"#,
        );
        let t = shape(&d, "t").bounds;
        let (b1, b2) = (shape(&d, "b1"), shape(&d, "b2"));
        for b in [b1, b2] {
            assert_eq!(b.bounds.center().y, t.bottom());
            assert!(b.bounds.center().x > t.x && b.bounds.center().x < t.right());
        }
        assert!(!overlap(b1.bounds, b2.bounds));
        assert_eq!(b1.marks.event_definitions, vec!["timerEventDefinition"]);
        assert!(!b1.marks.non_interrupting);
        assert_eq!(b2.marks.event_definitions, vec!["messageEventDefinition"]);
        assert!(b2.marks.non_interrupting);
        // The boundary flow leaves downwards from the event's bottom, and
        // its target goes below the main row (the end event), after the
        // activity.
        let f2 = &edge(&d, "f2").waypoints;
        assert_eq!(
            f2[0],
            Point {
                x: b1.bounds.center().x,
                y: b1.bounds.bottom()
            }
        );
        assert!(f2[1].y > f2[0].y);
        let late = shape(&d, "late").bounds;
        let end = shape(&d, "e").bounds;
        assert!(late.y > end.bottom() && late.center().y > t.center().y);
        assert!(late.x > t.right());
        let at = |id: &str| d.shapes.iter().position(|s| s.element == id).unwrap();
        assert!(at("t") < at("b1"));
    }

    #[test]
    fn many_boundary_events_widen_their_activity() {
        let mut body = String::from(r#"<task id="t"/>"#);
        for i in 0..5 {
            write!(body, r#"<boundaryEvent id="b{i}" attachedToRef="t"><signalEventDefinition/></boundaryEvent>"#).unwrap();
        }
        let (_, d) = process(&body);
        let t = shape(&d, "t").bounds;
        for i in 0..5 {
            let b = shape(&d, &format!("b{i}")).bounds;
            assert!(contains(
                Bounds {
                    y: b.y,
                    height: b.height,
                    ..t
                },
                b
            ));
            for j in 0..i {
                assert!(!overlap(b, shape(&d, &format!("b{j}")).bounds));
            }
        }
    }

    #[test]
    fn marks_come_from_the_model() {
        let (_, d) = process(
            r#"<startEvent id="s"><messageEventDefinition/></startEvent>
            <userTask id="mi"><multiInstanceLoopCharacteristics isSequential="true"><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics></userTask>
            <scriptTask id="par" scriptFormat="python"><multiInstanceLoopCharacteristics><loopCardinality>3</loopCardinality></multiInstanceLoopCharacteristics><script>x = 1</script></scriptTask>
            <task id="loop"><standardLoopCharacteristics/></task>
            <task id="undo" isForCompensation="true"/>
            <endEvent id="e"><terminateEventDefinition/></endEvent>
            <sequenceFlow id="f0" sourceRef="s" targetRef="mi"/>
            <sequenceFlow id="f1" sourceRef="mi" targetRef="par"/>
            <sequenceFlow id="f2" sourceRef="par" targetRef="loop"/>
            <sequenceFlow id="f3" sourceRef="loop" targetRef="e"/>
            <subProcess id="esp" triggeredByEvent="true">
              <startEvent id="es" isInterrupting="false"><timerEventDefinition><timeDuration>PT1M</timeDuration></timerEventDefinition></startEvent>
              <endEvent id="ee"/>
              <sequenceFlow id="ef" sourceRef="es" targetRef="ee"/>
            </subProcess>"#,
        );
        assert_eq!(
            shape(&d, "s").marks.event_definitions,
            vec!["messageEventDefinition"]
        );
        assert_eq!(shape(&d, "mi").marks.looping, Some(LoopMarker::Sequential));
        assert_eq!(shape(&d, "par").marks.looping, Some(LoopMarker::Parallel));
        assert_eq!(shape(&d, "loop").marks.looping, Some(LoopMarker::Standard));
        assert!(shape(&d, "undo").marks.for_compensation);
        assert_eq!(
            shape(&d, "e").marks.event_definitions,
            vec!["terminateEventDefinition"]
        );
        let esp = shape(&d, "esp");
        assert_eq!(esp.element_type, "eventSubProcess");
        assert!(esp.marks.triggered_by_event);
        assert_eq!(esp.expanded, Some(true));
        let es = shape(&d, "es");
        assert!(es.marks.non_interrupting);
        assert_eq!(es.marks.event_definitions, vec!["timerEventDefinition"]);
        assert!(contains(esp.bounds, es.bounds));
        // Below the main flow.
        let main_bottom = ["s", "mi", "par", "loop", "e", "undo"]
            .iter()
            .map(|id| shape(&d, id).bounds.bottom())
            .fold(f64::MIN, f64::max);
        assert!(esp.bounds.y > main_bottom);
    }

    #[test]
    fn lanes_become_bands_in_a_pool_and_keep_their_nodes() {
        let (_, d) = process(
            r#"<laneSet id="ls">
              <lane id="L1" name="Clerk"><flowNodeRef>s</flowNodeRef><flowNodeRef>fill</flowNodeRef><flowNodeRef>e</flowNodeRef></lane>
              <lane id="L2" name="Boss"><flowNodeRef>ok</flowNodeRef><flowNodeRef>gw</flowNodeRef><flowNodeRef>sub</flowNodeRef></lane>
            </laneSet>
            <startEvent id="s"/><task id="fill"/><task id="ok"/>
            <exclusiveGateway id="gw" default="yes"/><endEvent id="e"/>
            <subProcess id="sub"><task id="inner"/></subProcess>
            <task id="free"/>
            <sequenceFlow id="f0" sourceRef="s" targetRef="fill"/>
            <sequenceFlow id="f1" sourceRef="fill" targetRef="ok"/>
            <sequenceFlow id="f2" sourceRef="ok" targetRef="gw"/>
            <sequenceFlow id="yes" sourceRef="gw" targetRef="e"/>
            <sequenceFlow id="no" sourceRef="gw" targetRef="sub"><conditionExpression>x</conditionExpression></sequenceFlow>
            <sequenceFlow id="back" sourceRef="sub" targetRef="fill"/>"#,
        );
        let pool = shape(&d, "p");
        assert_eq!(pool.element_type, "participant");
        assert_eq!(d.shapes[0].element, "p");
        let clerk = shape(&d, "lane:Clerk");
        let boss = shape(&d, "lane:Boss");
        assert_eq!(clerk.element_type, "lane");
        assert_eq!(boss.name.as_deref(), Some("Boss"));
        assert!(contains(pool.bounds, clerk.bounds) && contains(pool.bounds, boss.bounds));
        assert!(!overlap(clerk.bounds, boss.bounds));
        for id in ["s", "fill", "e"] {
            assert!(contains(clerk.bounds, shape(&d, id).bounds), "{id}");
        }
        for id in ["ok", "gw", "sub", "inner"] {
            assert!(contains(boss.bounds, shape(&d, id).bounds), "{id}");
        }
        // A node in no lane gets a band of its own, without a lane shape.
        let free = shape(&d, "free").bounds;
        assert!(contains(pool.bounds, free));
        assert!(!overlap(free, clerk.bounds) && !overlap(free, boss.bounds));
        assert_eq!(
            d.shapes.iter().filter(|s| s.element_type == "lane").count(),
            2
        );
        for e in &d.edges {
            for p in &e.waypoints {
                assert!(inside(*p, pool.bounds, 0.0), "{}", e.element);
            }
        }
    }

    #[test]
    fn a_broken_model_still_lays_out() {
        let mut model = load(&format!(
            r#"<process id="p" isExecutable="true">{SEQ}<subProcess id="sub"><task id="i"/></subProcess></process>"#
        ));
        // A body that holds itself, a flow to nowhere, a boundary event on
        // itself, a lane-less graph index out of range.
        let sub = model.graphs[0].find("sub").unwrap();
        let outer = model.processes[0].graph;
        model.graphs[1].nodes[0].kind = NodeKind::SubProcess {
            graph: outer,
            transaction: false,
        };
        let mut flow = model.graphs[0].flows[0].clone();
        flow.target = crate::model::NodeIdx(99);
        model.graphs[0].flows.push(flow);
        let a = model.graphs[0].find("a").unwrap();
        if let NodeKind::Event(e) = &mut model.graphs[0].nodes[a.0 as usize].kind {
            e.position = EventPosition::Boundary {
                attached_to: a,
                cancel_activity: true,
            };
        }
        let d = layout_process(&model, &model.processes[0]);
        assert!(d.shapes.iter().any(|s| s.element == "i"));
        assert_eq!(
            shape(&d, &model.graphs[0].node(sub).id).expanded,
            Some(true)
        );
        let mut gone = model.processes[0].clone();
        gone.graph = GraphIdx(77);
        assert!(layout_process(&model, &gone).shapes.is_empty());
    }

    #[test]
    fn a_collaboration_without_di_stacks_its_pools() {
        let model = load(
            r#"<collaboration id="c">
              <participant id="buyer" name="Buyer" processRef="pb"/>
              <participant id="seller" name="Seller" processRef="ps"/>
              <participant id="bank" name="Bank"/>
            </collaboration>
            <process id="pb" isExecutable="true"><startEvent id="b1"/><task id="b2"/><sequenceFlow id="bf" sourceRef="b1" targetRef="b2"/></process>
            <process id="ps" isExecutable="true"><startEvent id="s1"/><endEvent id="s2"/><sequenceFlow id="sf" sourceRef="s1" targetRef="s2"/></process>
            <process id="alone" isExecutable="false"><task id="a1"/></process>"#,
        );
        let all = missing_layouts(&model);
        assert_eq!(all.len(), 2);
        let c = &all[0];
        assert_eq!((c.id.as_str(), c.plane.as_str()), ("c", "c"));
        check_except(&model, c, &["alone"]);
        let pools: Vec<&Shape> = c
            .shapes
            .iter()
            .filter(|s| s.element_type == "participant")
            .collect();
        assert_eq!(pools.len(), 3);
        assert_eq!(pools[0].name.as_deref(), Some("Buyer"));
        for w in pools.windows(2) {
            assert!(w[0].bounds.bottom() < w[1].bounds.y);
            assert_eq!(w[0].bounds.width, w[1].bounds.width);
        }
        assert!(contains(pools[0].bounds, shape(c, "b2").bounds));
        assert!(contains(pools[1].bounds, shape(c, "s2").bounds));
        assert!(c.shapes.iter().all(|s| s.element != "a1"));
        assert_eq!(all[1].plane, "alone");
    }

    #[test]
    fn processes_with_di_are_left_alone() {
        let mut model = load(
            r#"<process id="drawn" isExecutable="true"><task id="d1"/></process>
            <process id="shapes_only" isExecutable="true"><task id="s1"/></process>
            <process id="bare" isExecutable="true"><task id="b1"/></process>"#,
        );
        let mut di = layout_process(&model, &model.processes[0]);
        di.generated = false;
        model.diagrams.push(di.clone());
        di.plane = "elsewhere".into();
        di.shapes[0].element = "s1".into();
        model.diagrams.push(di);
        let missing = missing_layouts(&model);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].plane, "bare");
    }

    #[test]
    fn a_two_thousand_task_chain_lays_out() {
        let mut body = String::from(r#"<startEvent id="s"/>"#);
        let mut prev = "s".to_string();
        for i in 0..2000 {
            write!(
                body,
                r#"<task id="t{i}"/><sequenceFlow id="f{i}" sourceRef="{prev}" targetRef="t{i}"/>"#
            )
            .unwrap();
            prev = format!("t{i}");
        }
        let (_, d) = process(&body);
        assert_eq!(d.shapes.len(), 2001);
        assert_eq!(d.edges.len(), 2000);
        for i in 1..2000 {
            let (a, b) = (shape_at(&d, i), shape_at(&d, i + 1));
            assert!(a.bounds.right() < b.bounds.x);
            assert_eq!(a.bounds.y, b.bounds.y);
        }
    }

    fn shape_at(d: &Diagram, i: usize) -> &Shape {
        &d.shapes[i]
    }

    #[test]
    fn a_chain_whose_every_task_may_also_end_lays_out() {
        // 1,000 long edges spanning up to 1,000 layers: the dummies stay
        // within their budget and every flow still ends at its target.
        let mut body = String::from(r#"<startEvent id="s"/><endEvent id="e"/>"#);
        let mut prev = "s".to_string();
        for i in 0..1000 {
            write!(
                body,
                r#"<task id="t{i}"/><sequenceFlow id="f{i}" sourceRef="{prev}" targetRef="t{i}"/><sequenceFlow id="x{i}" sourceRef="t{i}" targetRef="e"/>"#
            )
            .unwrap();
            prev = format!("t{i}");
        }
        let (_, d) = process(&body);
        assert!(shape(&d, "e").bounds.x > shape(&d, "t999").bounds.right());
        assert_eq!(d.edges.len(), 2000);
    }

    #[test]
    fn a_five_hundred_way_split_lays_out() {
        let mut body = String::from(
            r#"<startEvent id="s"/><parallelGateway id="split"/><parallelGateway id="join"/><endEvent id="e"/>
            <sequenceFlow id="fs" sourceRef="s" targetRef="split"/>
            <sequenceFlow id="fe" sourceRef="join" targetRef="e"/>"#,
        );
        for i in 0..500 {
            write!(
                body,
                r#"<task id="t{i}"/><sequenceFlow id="a{i}" sourceRef="split" targetRef="t{i}"/><sequenceFlow id="b{i}" sourceRef="t{i}" targetRef="join"/>"#
            )
            .unwrap();
        }
        let (_, d) = process(&body);
        let x0 = shape(&d, "t0").bounds.x;
        let mut ys: Vec<f64> = (0..500)
            .map(|i| {
                let b = shape(&d, &format!("t{i}")).bounds;
                assert_eq!(b.x, x0);
                b.y
            })
            .collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup();
        assert_eq!(ys.len(), 500);
    }
}
