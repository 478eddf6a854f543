//! One writer per state file: an exclusive advisory lock that a command
//! holds for the whole read-modify-write of a state (load, run, save), so
//! two processes resuming the same file cannot both succeed and silently
//! drop one's answers.
//!
//! The lock is taken on a sidecar file beside the state (`order.json` →
//! `.order.json.lock`), not on the state itself: every save replaces the
//! state file by a rename, and a lock on the old inode would no longer
//! guard the new one. The sidecar holds the pid of the process that holds
//! the lock, for the message that refuses the next one, and is left in
//! place afterwards (removing it would let a waiting process lock a file
//! nobody else can see). A state file reached through a symbolic link is
//! locked beside its target. The lock goes away when the process ends,
//! however it ends.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::atomic::resolve_links;

/// An exclusive lock on a state file, held until dropped.
#[derive(Debug)]
pub struct StateLock {
    file: File,
    /// The sidecar, canonical: the identity of the lock.
    lock_path: PathBuf,
}

/// Why a state file could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock (its pid, when it wrote it).
    #[error("{} is in use by another bpmn{}; try again when it finishes, or pass --wait", state.display(), holder.map(|pid| format!(" (pid {pid})")).unwrap_or_default())]
    Busy {
        /// The state file.
        state: PathBuf,
        /// The holder's process id, when it wrote one.
        holder: Option<u32>,
    },
    /// The sidecar could not be created, opened or locked.
    #[error("{}: cannot lock the state file ({}): {error}", state.display(), lock_path(state).map(|p| p.display().to_string()).unwrap_or_default())]
    Io {
        /// The state file.
        state: PathBuf,
        /// What the operating system said.
        #[source]
        error: io::Error,
    },
}

/// The sidecar that locks `state`: `.{name}.lock` beside the file (beside
/// its target when `state` is a symbolic link).
pub fn lock_path(state: &Path) -> io::Result<PathBuf> {
    let real = resolve_links(state)?;
    let name = real
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?
        .to_string_lossy()
        .into_owned();
    Ok(real.with_file_name(format!(".{name}.lock")))
}

impl StateLock {
    /// Locks `state`, or says who holds it ([`LockError::Busy`]).
    pub fn try_acquire(state: &Path) -> Result<StateLock, LockError> {
        let (file, lock_path) = open(state)?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => Self::held(state, file, lock_path),
            Err(fs4::TryLockError::WouldBlock) => Err(LockError::Busy {
                state: state.to_path_buf(),
                holder: holder(&file),
            }),
            Err(fs4::TryLockError::Error(error)) => Err(LockError::Io {
                state: state.to_path_buf(),
                error,
            }),
        }
    }

    /// Locks `state`, waiting for the process that holds it to finish.
    /// `waiting` is called once, with the holder, when it has to wait.
    pub fn acquire(
        state: &Path,
        waiting: impl FnOnce(Option<u32>),
    ) -> Result<StateLock, LockError> {
        match Self::try_acquire(state) {
            Err(LockError::Busy { holder: pid, .. }) => {
                waiting(pid);
                let (file, lock_path) = open(state)?;
                fs4::FileExt::lock(&file).map_err(|error| LockError::Io {
                    state: state.to_path_buf(),
                    error,
                })?;
                Self::held(state, file, lock_path)
            }
            other => other,
        }
    }

    /// Whether this lock is the one that guards `state`.
    pub fn covers(&self, state: &Path) -> bool {
        lock_path(state)
            .and_then(fs::canonicalize)
            .is_ok_and(|p| p == self.lock_path)
    }

    fn held(state: &Path, mut file: File, lock_path: PathBuf) -> Result<StateLock, LockError> {
        // Who holds it, for the message another process will show.
        let wrote = file
            .set_len(0)
            .and_then(|()| file.rewind())
            .and_then(|()| write!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
        wrote.map_err(|error| LockError::Io {
            state: state.to_path_buf(),
            error,
        })?;
        Ok(StateLock { file, lock_path })
    }
}

impl Drop for StateLock {
    fn drop(&mut self) {
        // No pid left behind for a process that no longer holds the lock;
        // closing the file releases the lock.
        let _ = self.file.set_len(0);
        let _ = fs4::FileExt::unlock(&self.file);
    }
}

/// Opens (creating) the sidecar of `state`; returns it and its canonical path.
fn open(state: &Path) -> Result<(File, PathBuf), LockError> {
    let io_error = |error| LockError::Io {
        state: state.to_path_buf(),
        error,
    };
    let path = lock_path(state).map_err(io_error)?;
    // Not truncated on open: the holder's pid is in it.
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_error)?;
    let canonical = fs::canonicalize(&path).map_err(io_error)?;
    Ok((file, canonical))
}

/// The pid the holder wrote in the sidecar, if it did yet.
fn holder(mut file: &File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holder_then_granted() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("order.json");
        let first = StateLock::try_acquire(&state).unwrap();
        assert!(dir.path().join(".order.json.lock").exists());
        assert!(first.covers(&state));
        assert!(first.covers(&dir.path().join(".").join("order.json")));
        assert!(!first.covers(&dir.path().join("other.json")));
        // flock locks are per open file, so the same process is refused too.
        match StateLock::try_acquire(&state) {
            Err(e @ LockError::Busy { .. }) => {
                let LockError::Busy { holder, .. } = &e else {
                    unreachable!()
                };
                assert_eq!(*holder, Some(std::process::id()));
                let msg = e.to_string();
                assert!(
                    msg.ends_with(&format!(
                        "order.json is in use by another bpmn (pid {}); try again when it finishes, or pass --wait",
                        std::process::id()
                    )),
                    "{msg}"
                );
            }
            other => panic!("{other:?}"),
        }
        let waiter = {
            let state = state.clone();
            std::thread::spawn(move || {
                let mut waited = None;
                let lock = StateLock::acquire(&state, |pid| waited = Some(pid)).unwrap();
                (waited, lock)
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        drop(first);
        let (waited, _lock) = waiter.join().unwrap();
        assert_eq!(waited, Some(Some(std::process::id())));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_locked_beside_its_target() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("keep")).unwrap();
        let link = dir.path().join("current.json");
        std::os::unix::fs::symlink("keep/s.json", &link).unwrap();
        let lock = StateLock::try_acquire(&link).unwrap();
        assert!(dir.path().join("keep/.s.json.lock").exists());
        assert!(lock.covers(&dir.path().join("keep/s.json")));
        assert!(matches!(
            StateLock::try_acquire(&dir.path().join("keep/s.json")),
            Err(LockError::Busy { .. })
        ));
    }
}
