//! Lanes: which lane (innermost, by name) holds each flow node.

use std::collections::HashMap;

use super::BPMN_NS;
use super::xml::Element;

/// Maps flow node ids to the name of the innermost lane listing them.
pub fn lane_map(container: &Element) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for ls in container
        .children_in(BPMN_NS)
        .filter(|c| c.local == "laneSet")
    {
        walk_lane_set(ls, &mut out);
    }
    out
}

fn walk_lane_set(ls: &Element, out: &mut HashMap<String, String>) {
    for lane in ls.children_in(BPMN_NS).filter(|c| c.local == "lane") {
        let name = lane
            .attr("name")
            .or_else(|| lane.attr("id"))
            .unwrap_or_default()
            .to_string();
        for r in lane
            .children_in(BPMN_NS)
            .filter(|c| c.local == "flowNodeRef")
        {
            out.insert(r.text.trim().to_string(), name.clone());
        }
        // Inner lanes are visited after the outer lane's refs: innermost wins.
        for child in lane
            .children_in(BPMN_NS)
            .filter(|c| c.local == "childLaneSet")
        {
            walk_lane_set(child, out);
        }
    }
}
