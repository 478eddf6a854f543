//! Ctrl-C outside a raw-mode prompt (while scripts run, while a pipe is
//! read, between two keys of a choice list) must not kill the session and
//! lose its unsaved work: a handler records it, and the session notices at
//! the next prompt and saves before leaving.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT handler (once per process; later calls do nothing).
pub fn install() {
    // An error means a handler is already installed, which is what we want.
    let _ = ctrlc::try_set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// Whether Ctrl-C was pressed since the last call; clears the flag.
pub fn take() -> bool {
    INTERRUPTED.swap(false, Ordering::SeqCst)
}
