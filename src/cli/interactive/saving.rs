//! Where a session saves: the file name it remembers (from `--save`, the
//! resumed file, or the last "Save state"), or, when it has none and must
//! save on its own (Ctrl-C, end of input), a fresh name in the current
//! directory that does not overwrite anything.
//!
//! And what it may overwrite: the session keeps a [`Fingerprint`] of each
//! file it loaded or wrote, so before writing over a file it can tell
//! whether the file still holds what the session left there. The lock the
//! session holds keeps other bpmn commands away, but not a `mv` or `cp`
//! from another shell (undoing a reset puts the previous state back with
//! `mv`); modification times alone would miss a change within the same
//! second, so the bytes are compared.

use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use bpmn_engine::storage::{Origin, resolve_links};

/// What a file held: its length and a hash of its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    len: usize,
    hash: u64,
}

impl Fingerprint {
    pub fn of(bytes: &[u8]) -> Fingerprint {
        // DefaultHasher::new() has fixed keys: the same bytes always hash
        // alike within the process, which is all a session compares.
        let mut h = DefaultHasher::new();
        h.write(bytes);
        Fingerprint {
            len: bytes.len(),
            hash: h.finish(),
        }
    }

    /// The fingerprint of the file at `path` now; `None` when there is none.
    pub fn of_file(path: &Path) -> io::Result<Option<Fingerprint>> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(Fingerprint::of(&bytes))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The file `path` names, as one name: links followed and the folder made
/// absolute, so `order.json` and `./order.json` compare equal. The file
/// itself need not exist.
pub fn identity(path: &Path) -> PathBuf {
    let real = resolve_links(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match (std::fs::canonicalize(&dir), real.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => real,
    }
}

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
    fn one_file_under_two_names_is_one_identity() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("s.json");
        let b = dir.path().join(".").join("s.json");
        assert_eq!(identity(&a), identity(&b));
        assert_ne!(identity(&a), identity(&dir.path().join("t.json")));
    }

    #[test]
    fn a_fingerprint_tells_contents_apart() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.json");
        assert_eq!(Fingerprint::of_file(&f).unwrap(), None);
        std::fs::write(&f, "one").unwrap();
        assert_eq!(
            Fingerprint::of_file(&f).unwrap(),
            Some(Fingerprint::of(b"one"))
        );
        assert_ne!(Fingerprint::of(b"one"), Fingerprint::of(b"two"));
    }

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
