//! The last line of defence: a panic inside arrow-rs or parquet, on input
//! that flatbox-arrow's own checks let through, becomes an
//! [`Error::Panicked`] instead of unwinding into the caller.
//!
//! `std::panic::catch_unwind` stops the unwinding, but the panic hook runs
//! before it does and by default prints the message to stderr. So the
//! first contained call installs a hook (once per process) that stays
//! silent while the current thread is inside [`contain`] and hands every
//! other panic to the hook that was installed before it. A program that
//! installs its own hook after that replaces ours, and contained panics
//! print again (they are still contained). With `panic = "abort"` nothing
//! can be contained.

use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::{Error, Result};

thread_local! {
    /// Whether this thread is inside [`contain`] (the hook stays silent).
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Runs `f`, a call into `library` (arrow-rs or parquet) on `context` (the
/// input and what was being read), turning a panic into
/// [`Error::Panicked`].
pub(crate) fn contain<T>(context: impl FnOnce() -> String, library: &'static str, f: impl FnOnce() -> T) -> Result<T> {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let outer = CONTAINED.with(|c| c.replace(true));
    // The decoders' state may be half-updated after a panic: callers stop
    // using what panicked (a stream or Parquet reader ends; an `IpcFile`'s
    // decoder is only read from).
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(outer));
    result.map_err(|payload| Error::Panicked { context: context(), library, message: message(payload.as_ref()) })
}

/// The text of a panic's payload.
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
