//! Writing a file so that it is either the old content or the new, never a
//! mix: temporary file in the same directory, fsync, rename over the target.
//!
//! The file keeps its nature: a symbolic link is followed and its target
//! replaced (the link stays a link), the target's permission bits carry
//! over to the new content, and temporaries that a killed process left
//! behind (`.{name}.tmp-{pid}`) are removed by the next save of that file.
//!
//! It sits below both [`crate::storage`] (state files, which re-exports it)
//! and [`crate::runtime`] (the JSON files of data stores), so neither
//! reaches into the other for it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Fault injection for the tests that check a failed or interrupted save
/// loses nothing: `abort-before-rename` aborts the process after the
/// temporary file is written and before it replaces the target;
/// `fail-write` makes the write fail as a full disk would.
pub const FAULT_ENV: &str = "BPMN_RUNNER_FAULT";

/// A temporary file whose writer's liveness cannot be checked (no `/proc`)
/// is taken as abandoned after this long.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// Replaces `path` with `bytes` atomically. When `path` is a symbolic link,
/// the file it points to is replaced; an existing file keeps its
/// permission bits.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let path = &resolve_links(path)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    remove_stale_temporaries(dir, &name);
    let existing = match fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let tmp = dir.join(temporary_name(&name, std::process::id()));
    let result = (|| {
        // A leftover of an earlier process that had our pid.
        let _ = fs::remove_file(&tmp);
        let mut f = create_new(&tmp, existing.as_ref())?;
        if std::env::var(FAULT_ENV).as_deref() == Ok("fail-write") {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (injected)",
            ));
        }
        f.write_all(bytes)?;
        if let Some(perms) = &existing {
            // Exactly the target's bits, whatever the umask did at creation.
            f.set_permissions(perms.clone())?;
        }
        f.sync_all()?;
        drop(f);
        if std::env::var(FAULT_ENV).as_deref() == Ok("abort-before-rename") {
            std::process::abort();
        }
        fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a
        // directory, which is harmless.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `path` with symbolic links of its last component followed to the file
/// they point to (which need not exist yet), so a save replaces the target
/// and keeps the link. Folders on the way are left as they are: a rename
/// inside a linked folder lands in the folder it points to anyway.
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

fn temporary_name(name: &str, pid: u32) -> String {
    format!(".{name}.tmp-{pid}")
}

/// Creates `tmp`, never through an existing file or link; on Unix with the
/// target's mode from the start, so the new content is never readable by
/// more people than the old (a new file gets the process's default).
fn create_new(tmp: &Path, existing: Option<&fs::Permissions>) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(perms) = existing {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        o.mode(perms.mode() & 0o7777);
    }
    #[cfg(not(unix))]
    let _ = existing;
    o.open(tmp)
}

/// Removes `.{name}.tmp-{pid}` files in `dir` that no running process
/// writes: on Linux those whose process is gone; elsewhere (or when `/proc`
/// is not there) those older than an hour. Failures are ignored: this is
/// tidying, not part of the save.
fn remove_stale_temporaries(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    let proc_fs = Path::new("/proc/self").exists();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let stale = if proc_fs {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > STALE_AFTER)
        };
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_save_keeps_the_permission_bits() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        fs::write(&p, "old").unwrap();
        for mode in [0o600, 0o640, 0o755] {
            fs::set_permissions(&p, fs::Permissions::from_mode(mode)).unwrap();
            write_atomic(&p, b"new").unwrap();
            let got = fs::metadata(&p).unwrap().permissions().mode() & 0o7777;
            assert_eq!(got, mode, "{got:o} != {mode:o}");
        }
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_link_replaces_its_target_and_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real_dir = dir.path().join("real");
        fs::create_dir(&real_dir).unwrap();
        let target = real_dir.join("s.json");
        fs::write(&target, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real/s.json", &link).unwrap();
        // A link to the link.
        let link2 = dir.path().join("link2.json");
        std::os::unix::fs::symlink(&link, &link2).unwrap();
        write_atomic(&link2, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::symlink_metadata(&link2)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        // The temporary was next to the target, and is gone.
        let names = |d: &Path| -> Vec<String> {
            fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names(&real_dir), ["s.json"]);
        // A dangling link gets its target created.
        let dangling = dir.path().join("dangling.json");
        std::os::unix::fs::symlink("real/new.json", &dangling).unwrap();
        write_atomic(&dangling, b"first").unwrap();
        assert_eq!(
            fs::read_to_string(real_dir.join("new.json")).unwrap(),
            "first"
        );
        assert!(
            fs::symlink_metadata(&dangling)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn stale_temporaries_of_the_file_go_and_others_stay() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        // No process has this pid (above Linux's pid_max).
        let dead = temporary_name("s.json", 4_194_305);
        let mine = temporary_name("s.json", std::process::id());
        let other_file = temporary_name("t.json", 4_194_305);
        for n in [&dead, &other_file, &"s.json.tmp-1".to_string()] {
            fs::write(dir.path().join(n), "x").unwrap();
        }
        write_atomic(&p, b"new").unwrap();
        assert!(!dir.path().join(&mine).exists());
        if Path::new("/proc/self").exists() {
            assert!(
                !dir.path().join(&dead).exists(),
                "the stale temporary stays"
            );
        }
        assert!(dir.path().join(&other_file).exists(), "another file's");
        assert!(dir.path().join("s.json.tmp-1").exists(), "not a temporary");
    }
}
