//! How much memory the running script holds, so a script can be stopped at
//! a memory limit without Rhai's own size checks, which walk a whole list on
//! every change to it (a loop of `push` becomes quadratic: 200,000 pushes
//! took 17 s).
//!
//! [`CountingAllocator`] wraps the system allocator and keeps, per thread,
//! the bytes allocated less the bytes freed. A script's use is the change of
//! that figure while it runs on its thread. The `bpmn` binary installs it;
//! a program embedding the library installs it too to get the memory limit
//! (without it the figure stays 0 and only the other limits apply).
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOC: bpmn_engine::scripting::CountingAllocator =
//!     bpmn_engine::scripting::CountingAllocator;
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

thread_local! {
    // Const-initialised and without a destructor: usable from inside the
    // allocator, where a lazily registered thread-local would allocate.
    static NET: Cell<isize> = const { Cell::new(0) };
}

/// The system allocator, counting each thread's net allocation.
pub struct CountingAllocator;

fn add(bytes: isize) {
    // During thread teardown the slot may be gone; nothing to count then.
    let _ = NET.try_with(|n| n.set(n.get().wrapping_add(bytes)));
}

// SAFETY: every call is forwarded to `System` unchanged; the counting only
// touches a thread-local integer.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Bytes this thread has allocated and not freed (0 where
/// [`CountingAllocator`] is not the global allocator).
pub fn thread_net_bytes() -> isize {
    NET.try_with(Cell::get).unwrap_or(0)
}
