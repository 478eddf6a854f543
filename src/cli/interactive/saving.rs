//! Where a session saves: the file name it remembers (from `--save`, the
//! resumed file, or the last "Save state"), or, when it has none and must
//! save on its own (Ctrl-C, end of input), a fresh name in the current
//! directory that does not overwrite anything.

use std::path::{Path, PathBuf};

use bpmn_engine::storage::Origin;

/// `<process or collaboration id>.state.json`, or `….state-2.json`… when
/// that file exists already.
pub fn fresh_name(origin: &Origin, dir: &Path) -> PathBuf {
    let id = match origin {
        Origin::Process(p) => p,
        Origin::Collaboration(c) => c,
    };
    let safe: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{safe}.state.json")
        } else {
            format!("{safe}.state-{n}.json")
        };
        let p = dir.join(name);
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_name_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let o = Origin::Process("order product".into());
        let first = fresh_name(&o, dir.path());
        assert_eq!(first.file_name().unwrap(), "order_product.state.json");
        std::fs::write(&first, "x").unwrap();
        assert_eq!(
            fresh_name(&o, dir.path()).file_name().unwrap(),
            "order_product.state-2.json"
        );
    }
}
