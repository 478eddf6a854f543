//! Writing a file so that it is either the old content or the new, never a
//! mix: temporary file in the same directory, fsync, rename over the target.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

/// Fault injection for the tests that check a failed or interrupted save
/// loses nothing: `abort-before-rename` aborts the process after the
/// temporary file is written and before it replaces the target;
/// `fail-write` makes the write fail as a full disk would.
pub const FAULT_ENV: &str = "BPMN_RUNNER_FAULT";

/// Replaces `path` with `bytes` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = File::create(&tmp)?;
        if std::env::var(FAULT_ENV).as_deref() == Ok("fail-write") {
            return Err(io::Error::new(
                io::ErrorKind::StorageFull,
                "no space left on device (injected)",
            ));
        }
        f.write_all(bytes)?;
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
