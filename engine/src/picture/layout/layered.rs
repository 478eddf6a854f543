//! The layered (Sugiyama-style) placement behind `layout.rs`, on an
//! abstract graph of boxes: break cycles, assign layers, order each layer,
//! place the boxes and route the edges orthogonally, left to right.
//!
//! - Cycles: a depth-first search from the roots marks the edges that close
//!   a cycle (back edges); they are left out of the layering and drawn
//!   below the boxes, from the source's bottom to the target's bottom.
//! - Layers: longest path over the remaining edges (a topological order,
//!   so O(nodes + edges)).
//! - Edges spanning several layers get a dummy box per layer crossed (up
//!   to a budget proportional to the graph, so a pathological graph cannot
//!   blow up), which reserves the edge's row there.
//! - Order: a few barycenter sweeps down and up, keeping each lane's boxes
//!   together.
//! - Rows: each box wants the mean centre of its predecessors (plus a drop
//!   for flows from boundary events, which go below their activity);
//!   overlaps are resolved by isotonic regression (pool adjacent
//!   violators), which keeps a fan of branches centred on its split.
//! - Lanes: boxes are placed lane by lane, then each lane becomes a band
//!   tall enough for its boxes; a box never leaves its band.
//!
//! Every step is linear in boxes, dummies and edges per sweep (plus the
//! per-layer sorts), so thousands of nodes lay out in milliseconds.

use crate::model::{Bounds, Point};

/// Space between two layers (columns).
pub(super) const GAP_X: f64 = 50.0;
/// Space between two boxes of a layer (rows).
pub(super) const GAP_Y: f64 = 50.0;
/// Space between an edge's reserved row and a neighbour.
const GAP_DUMMY: f64 = 20.0;
/// Padding above and below the boxes of a lane band.
const BAND_PAD: f64 = 25.0;
/// How far below the boxes a back edge runs.
const BACK_DROP: f64 = 20.0;
/// Smallest band height.
const MIN_BAND: f64 = 100.0;

/// An edge of the abstract graph.
pub(super) struct LEdge {
    /// Source box.
    pub from: usize,
    /// Target box.
    pub to: usize,
    /// False for an edge that only orders layers (a link throw before its
    /// catch): it gets no dummies and no route.
    pub drawn: bool,
    /// How far below the source's centre the target would like its centre
    /// (flows leaving a boundary event hang below the activity).
    pub drop: f64,
}

/// The abstract graph to place.
pub(super) struct Input {
    /// Width and height of each box.
    pub size: Vec<(f64, f64)>,
    /// Extra room each box needs below it (boundary events, labels).
    pub below: Vec<f64>,
    /// Lane (band) index of each box; all 0 without lanes.
    pub lane: Vec<usize>,
    /// Number of lanes; boxes are banded only when `banded`.
    pub lanes: usize,
    /// Make a band per lane (with padding) and keep each box inside it.
    pub banded: bool,
    /// The edges.
    pub edges: Vec<LEdge>,
    /// Where the depth-first search starts (start events), before the
    /// boxes without incoming edges and then every other box.
    pub roots: Vec<usize>,
}

/// How an edge was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EdgeKind {
    /// Goes to a later layer.
    Forward,
    /// Closes a cycle: drawn below.
    Back,
    /// From a box to itself.
    SelfLoop,
}

/// The placed boxes, and what routing needs.
pub(super) struct Placed {
    /// Where each box is.
    pub bounds: Vec<Bounds>,
    /// Each lane's band: top and height (empty unless banded).
    pub bands: Vec<(f64, f64)>,
    layer: Vec<usize>,
    col_x: Vec<f64>,
    col_w: Vec<f64>,
    layer_bottom: Vec<f64>,
    kind: Vec<EdgeKind>,
    via: Vec<Vec<Point>>,
    ends: Vec<(usize, usize)>,
    /// Back edges routed so far (for their stagger).
    back_seen: std::cell::Cell<usize>,
}

/// Places the boxes of `input`.
pub(super) fn place(input: &Input) -> Placed {
    let n = input.size.len();
    let m = input.edges.len();
    let valid = |e: &LEdge| e.from < n && e.to < n;

    // Out-edges per box, for the search.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut has_in = vec![false; n];
    for (i, e) in input.edges.iter().enumerate() {
        if valid(e) && e.from != e.to {
            out[e.from].push(i);
            has_in[e.to] = true;
        }
    }

    // Depth-first search: discovery order (the initial order in a layer)
    // and back edges.
    let mut state = vec![0u8; n];
    let mut discovered = vec![0usize; n];
    let mut counter = 0;
    let mut back = vec![false; m];
    let roots = input
        .roots
        .iter()
        .copied()
        .filter(|&r| r < n)
        .chain((0..n).filter(|&v| !has_in[v]))
        .chain(0..n);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for r in roots {
        if state[r] != 0 {
            continue;
        }
        state[r] = 1;
        discovered[r] = counter;
        counter += 1;
        stack.push((r, 0));
        while let Some(top) = stack.last_mut() {
            let (v, k) = *top;
            if k < out[v].len() {
                top.1 += 1;
                let e = out[v][k];
                let w = input.edges[e].to;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        discovered[w] = counter;
                        counter += 1;
                        stack.push((w, 0));
                    }
                    1 => back[e] = true,
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }

    // Longest-path layers over the forward edges (Kahn's order).
    let mut indeg = vec![0usize; n];
    for (i, e) in input.edges.iter().enumerate() {
        if valid(e) && e.from != e.to && !back[i] {
            indeg[e.to] += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut queue: Vec<usize> = (0..n).filter(|&v| indeg[v] == 0).collect();
    let mut head = 0;
    while head < queue.len() {
        let v = queue[head];
        head += 1;
        for &e in &out[v] {
            if back[e] {
                continue;
            }
            let w = input.edges[e].to;
            layer[w] = layer[w].max(layer[v] + 1);
            indeg[w] -= 1;
            if indeg[w] == 0 {
                queue.push(w);
            }
        }
    }

    let kind: Vec<EdgeKind> = input
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            if !valid(e) || e.from == e.to {
                EdgeKind::SelfLoop
            } else if back[i] || layer[e.to] <= layer[e.from] {
                EdgeKind::Back
            } else {
                EdgeKind::Forward
            }
        })
        .collect();

    // Items: the boxes, then dummies on long forward edges.
    let mut item_layer = layer.clone();
    let mut item_lane = input.lane.clone();
    item_lane.resize(n, 0);
    let mut item_size = input.size.clone();
    let mut item_key: Vec<f64> = discovered.iter().map(|&d| d as f64).collect();
    let mut preds: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut budget = 20 * (n + m) + 1000;
    for (i, e) in input.edges.iter().enumerate() {
        if kind[i] != EdgeKind::Forward || !e.drawn {
            continue;
        }
        let span = layer[e.to] - layer[e.from];
        if span > 1 && span - 1 > budget {
            continue;
        }
        let mut prev = e.from;
        let mut drop = e.drop;
        for l in layer[e.from] + 1..layer[e.to] {
            budget -= 1;
            let d = item_layer.len();
            item_layer.push(l);
            item_lane.push(item_lane[e.from]);
            item_size.push((0.0, 0.0));
            item_key.push(discovered[e.from] as f64 + 0.5);
            preds.push(vec![(prev, drop)]);
            succs.push(Vec::new());
            succs[prev].push(d);
            chains[i].push(d);
            prev = d;
            drop = 0.0;
        }
        preds[e.to].push((prev, drop));
        succs[prev].push(e.to);
    }
    let items = item_layer.len();
    let layers = item_layer.iter().map(|&l| l + 1).max().unwrap_or(0);

    // Order within layers: lane first, then a few barycenter sweeps.
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for it in 0..items {
        by_layer[item_layer[it]].push(it);
    }
    let mut pos = vec![0usize; items];
    let sort_layer = |row: &mut Vec<usize>, key: &[f64], pos: &mut [usize]| {
        row.sort_by(|&a, &b| {
            item_lane[a]
                .cmp(&item_lane[b])
                .then(key[a].total_cmp(&key[b]))
        });
        for (i, &it) in row.iter().enumerate() {
            pos[it] = i;
        }
    };
    for row in by_layer.iter_mut() {
        sort_layer(row, &item_key, &mut pos);
    }
    let mut key = vec![0.0; items];
    for sweep in 0..7 {
        let down = sweep % 2 == 0;
        let order: Box<dyn Iterator<Item = usize>> = if down {
            Box::new(1..layers)
        } else {
            Box::new((0..layers.saturating_sub(1)).rev())
        };
        for l in order {
            for &it in &by_layer[l] {
                let (sum, count) = if down {
                    preds[it]
                        .iter()
                        .fold((0.0, 0), |(s, c), &(p, _)| (s + pos[p] as f64, c + 1))
                } else {
                    succs[it]
                        .iter()
                        .fold((0.0, 0), |(s, c), &p| (s + pos[p] as f64, c + 1))
                };
                key[it] = if count == 0 {
                    pos[it] as f64
                } else {
                    sum / count as f64
                };
            }
            sort_layer(&mut by_layer[l], &key, &mut pos);
        }
    }

    // Rows: lane-local centres, layer by layer.
    let mut center = vec![0.0; items];
    let mut desired: Vec<f64> = Vec::new();
    let mut heights: Vec<(f64, bool)> = Vec::new();
    for row in &by_layer {
        let mut start = 0;
        while start < row.len() {
            let lane = item_lane[row[start]];
            let mut end = start;
            while end < row.len() && item_lane[row[end]] == lane {
                end += 1;
            }
            let run = &row[start..end];
            desired.clear();
            heights.clear();
            for &it in run {
                let mut sum = 0.0;
                let mut count = 0;
                for &(p, drop) in &preds[it] {
                    if item_lane[p] == lane {
                        sum += center[p] + drop;
                        count += 1;
                    }
                }
                let h = item_size[it].1;
                let dummy = it >= n;
                let want = if count > 0 {
                    sum / count as f64
                } else if let (Some(&prev), Some(&(ph, pd))) = (desired.last(), heights.last()) {
                    prev + ph / 2.0 + gap(pd, dummy) + h / 2.0
                } else {
                    h / 2.0
                };
                desired.push(want);
                heights.push((h, dummy));
            }
            let placed = spread(&desired, &heights);
            for (&it, c) in run.iter().zip(placed) {
                center[it] = c;
            }
            start = end;
        }
    }

    // Bands: each lane as tall as its boxes need.
    let lanes = item_lane
        .iter()
        .map(|&l| l + 1)
        .max()
        .unwrap_or(0)
        .max(input.lanes);
    let mut top = vec![f64::INFINITY; lanes];
    let mut bottom = vec![f64::NEG_INFINITY; lanes];
    for it in 0..items {
        let h = item_size[it].1;
        let below = input.below.get(it).copied().unwrap_or(0.0);
        let l = item_lane[it];
        top[l] = top[l].min(center[it] - h / 2.0);
        bottom[l] = bottom[l].max(center[it] + h / 2.0 + below);
    }
    let mut shift = vec![0.0; lanes];
    let mut bands = Vec::new();
    let mut y = 0.0;
    for l in 0..lanes {
        let content = if top[l].is_finite() {
            bottom[l] - top[l]
        } else {
            0.0
        };
        if input.banded {
            let height = (content + 2.0 * BAND_PAD).max(MIN_BAND);
            let offset = (height - content) / 2.0;
            shift[l] = if top[l].is_finite() {
                y + offset - top[l]
            } else {
                0.0
            };
            bands.push((y, height));
            y += height;
        } else if top[l].is_finite() {
            shift[l] = y - top[l];
            y += content + GAP_Y;
        }
    }

    // Columns.
    let mut col_w = vec![0.0f64; layers];
    for it in 0..items {
        col_w[item_layer[it]] = col_w[item_layer[it]].max(item_size[it].0);
    }
    let mut col_x = Vec::with_capacity(layers);
    let mut x = 0.0;
    for &w in &col_w {
        col_x.push(x);
        x += w + GAP_X;
    }

    let item_bounds = |it: usize| {
        let (w, h) = item_size[it];
        let l = item_layer[it];
        Bounds {
            x: col_x[l] + (col_w[l] - w) / 2.0,
            y: center[it] + shift[item_lane[it]] - h / 2.0,
            width: w,
            height: h,
        }
    };
    let bounds: Vec<Bounds> = (0..n).map(item_bounds).collect();
    let mut layer_bottom = vec![f64::NEG_INFINITY; layers];
    for (it, &l) in item_layer.iter().enumerate() {
        let b = item_bounds(it);
        let below = input.below.get(it).copied().unwrap_or(0.0);
        layer_bottom[l] = layer_bottom[l].max(b.bottom() + below);
    }
    let via = chains
        .iter()
        .map(|c| c.iter().map(|&d| item_bounds(d).center()).collect())
        .collect();
    Placed {
        bounds,
        bands,
        layer,
        col_x,
        col_w,
        layer_bottom,
        kind,
        via,
        ends: input.edges.iter().map(|e| (e.from, e.to)).collect(),
        back_seen: std::cell::Cell::new(0),
    }
}

/// The space wanted between two neighbours of a layer.
fn gap(a_dummy: bool, b_dummy: bool) -> f64 {
    if a_dummy || b_dummy { GAP_DUMMY } else { GAP_Y }
}

/// Centres as close to `desired` as the boxes' heights allow, keeping
/// their order: pool adjacent violators on the desired centres minus each
/// box's minimal offset from the first (least squares, linear time).
fn spread(desired: &[f64], heights: &[(f64, bool)]) -> Vec<f64> {
    let k = desired.len();
    let mut offset = vec![0.0; k];
    for i in 1..k {
        let (ha, da) = heights[i - 1];
        let (hb, db) = heights[i];
        offset[i] = offset[i - 1] + ha / 2.0 + gap(da, db) + hb / 2.0;
    }
    // Blocks of (sum, count, value).
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(k);
    for i in 0..k {
        blocks.push((desired[i] - offset[i], 1));
        while blocks.len() > 1 {
            let (s2, c2) = blocks[blocks.len() - 1];
            let (s1, c1) = blocks[blocks.len() - 2];
            if s1 / c1 as f64 > s2 / c2 as f64 {
                blocks.pop();
                let last = blocks.len() - 1;
                blocks[last] = (s1 + s2, c1 + c2);
            } else {
                break;
            }
        }
    }
    let mut out = Vec::with_capacity(k);
    for (s, c) in blocks {
        let v = s / c as f64;
        for _ in 0..c {
            out.push(v + offset[out.len()]);
        }
    }
    out
}

impl Placed {
    /// How edge `e` was classified.
    pub(super) fn kind(&self, e: usize) -> EdgeKind {
        self.kind[e]
    }

    /// The lowest point any box (with what hangs below it) reaches.
    pub(super) fn bottom(&self) -> f64 {
        self.layer_bottom
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// The orthogonal route of edge `e`. `start` replaces the source's
    /// anchor for a flow leaving a boundary event (it then leaves
    /// downwards, from the event's bottom). Back edges are staggered in the
    /// order they are routed, so two do not share one line.
    pub(super) fn route(&self, e: usize, start: Option<Point>) -> Vec<Point> {
        let (from, to) = self.ends[e];
        let n = self.bounds.len();
        if from >= n || to >= n {
            return Vec::new();
        }
        let s = self.bounds[from];
        let t = self.bounds[to];
        let mut pts = Vec::new();
        match self.kind[e] {
            EdgeKind::SelfLoop => {
                let x = s.right() + GAP_X / 3.0;
                let y = s.bottom() + 20.0;
                match start {
                    Some(p) => {
                        let y = p.y.max(s.bottom()) + 20.0;
                        pts.extend([p, pt(p.x, y), pt(x, y), pt(x, s.center().y)]);
                        pts.push(pt(s.right(), s.center().y));
                    }
                    None => {
                        let c = s.center();
                        pts.extend([pt(s.right(), c.y), pt(x, c.y), pt(x, y), pt(c.x, y)]);
                        pts.push(pt(c.x, s.bottom()));
                    }
                }
            }
            EdgeKind::Back => {
                let (lo, hi) = {
                    let (a, b) = (self.layer[from], self.layer[to]);
                    (a.min(b), a.max(b))
                };
                let k = self.back_seen.get();
                self.back_seen.set(k + 1);
                let y = self.layer_bottom[lo..=hi]
                    .iter()
                    .copied()
                    .fold(f64::NEG_INFINITY, f64::max)
                    + BACK_DROP
                    + 8.0 * (k % 4) as f64;
                let p = start.unwrap_or(pt(s.center().x, s.bottom()));
                let tc = t.center().x;
                pts.extend([p, pt(p.x, y), pt(tc, y), pt(tc, t.bottom())]);
            }
            EdgeKind::Forward => {
                let mut down = start.is_some();
                let mut cur = start.unwrap_or(pt(s.right(), s.center().y));
                pts.push(cur);
                let first = self.layer[from];
                let stops = self.via[e]
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| (p, first + 1 + i))
                    .chain(std::iter::once((pt(t.x, t.center().y), self.layer[to])));
                // Edges bend in the gap between columns. Edges from one
                // source share a line there (a fan keeps one trunk), edges
                // from different sources take one of three lines, and a
                // boundary event's flow its own, so a line running up or
                // down is not hidden under another's.
                let channel = if start.is_some() {
                    -12.0
                } else {
                    [0.0, 6.0, -6.0][from % 3]
                };
                for (p, l) in stops {
                    let xm =
                        (self.col_x[l - 1] + self.col_w[l - 1] + self.col_x[l]) / 2.0 + channel;
                    if down {
                        down = false;
                        if p.y > cur.y + 1.0 {
                            pts.push(pt(cur.x, p.y));
                        } else {
                            let y = cur.y + 20.0;
                            pts.extend([pt(cur.x, y), pt(xm, y), pt(xm, p.y)]);
                        }
                        cur = p;
                    } else if (p.y - cur.y).abs() > 0.5 {
                        pts.extend([pt(xm, cur.y), pt(xm, p.y)]);
                        cur = p;
                    } else {
                        // Off by a rounding: stay on the line (still on the
                        // target's border, or the dummy's row).
                        cur = pt(p.x, cur.y);
                    }
                    pts.push(cur);
                }
            }
        }
        simplify(pts)
    }
}

fn pt(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// Drops repeated points and the middle of three collinear ones (dummies
/// on a straight run), keeping the ends.
fn simplify(pts: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(pts.len());
    for p in pts {
        if out
            .last()
            .is_some_and(|last| (last.x - p.x).abs() < 0.01 && (last.y - p.y).abs() < 0.01)
        {
            continue;
        }
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = ((a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01)
                || ((a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01);
            if straight {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_centres_a_fan_on_its_wish_and_keeps_gaps() {
        let c = spread(&[0.0, 0.0, 0.0], &[(80.0, false); 3]);
        assert_eq!(c, vec![-130.0, 0.0, 130.0]);
        let c = spread(&[0.0, 500.0], &[(80.0, false); 2]);
        assert_eq!(c, vec![0.0, 500.0]);
    }

    #[test]
    fn simplify_drops_collinear_and_repeated_points() {
        let p = simplify(vec![
            pt(0.0, 0.0),
            pt(5.0, 0.0),
            pt(5.0, 0.0),
            pt(10.0, 0.0),
            pt(10.0, 10.0),
        ]);
        assert_eq!(p, vec![pt(0.0, 0.0), pt(10.0, 0.0), pt(10.0, 10.0)]);
    }
}
