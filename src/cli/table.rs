//! Task tables (comfy-table) and short task ids.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};

/// One row of a task listing.
pub struct Row {
    pub id: Option<String>,
    pub bpmn_id: String,
    pub name: String,
    pub kind: String,
    pub lane: String,
    pub state: String,
}

/// The shortest prefix length (at least 4) that keeps every id unique, like
/// git's short hashes.
pub fn short_len<'a>(ids: impl Iterator<Item = &'a str> + Clone) -> usize {
    let mut len = 4;
    while len < 8 {
        let mut v: Vec<&str> = ids.clone().map(|s| &s[..len.min(s.len())]).collect();
        v.sort_unstable();
        let n = v.len();
        v.dedup();
        if v.len() == n {
            break;
        }
        len += 1;
    }
    len
}

/// Renders rows as a table; ids are shortened to a unique prefix.
pub fn render(rows: &[Row]) -> String {
    let len = short_len(rows.iter().filter_map(|r| r.id.as_deref()));
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["id", "BPMN id", "name", "type", "lane", "state"]);
    for r in rows {
        t.add_row([
            r.id.as_deref()
                .map(|s| s[..len.min(s.len())].to_string())
                .unwrap_or_else(|| "-".into()),
            r.bpmn_id.clone(),
            r.name.clone(),
            r.kind.clone(),
            r.lane.clone(),
            r.state.clone(),
        ]);
    }
    t.to_string()
}

/// Renders a table of plain text cells under `header`.
pub fn render_plain(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().copied());
    for r in rows {
        t.add_row(r.iter().cloned());
    }
    t.to_string()
}
