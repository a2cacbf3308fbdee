//! Every `unsafe` of the crate: mapping a file, and the explicit opt-out of
//! arrow-rs's validation for trusted files.
//!
//! A memory map exposes a file's bytes as memory. Rust cannot promise that
//! nobody else changes those bytes: **another process (or another handle in
//! this one) modifying or truncating a mapped file is undefined
//! behaviour**. flatbox-arrow only ever reads through its maps; callers must
//! not modify or truncate an IPC file while an [`IpcFile`](crate::IpcFile)
//! (or any batch or array decoded from it, which point into the map) is
//! alive.
#![allow(unsafe_code, reason = "memory maps and skipping validation are unsafe; this module is the only place")]

use std::fs::File;
use std::io;

use arrow_ipc::reader::{FileDecoder, StreamDecoder};
use memmap2::Mmap;

/// Maps `file` read-only.
pub(crate) fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: the map is only read. The file must not be modified or
    // truncated by anyone while the map (or a buffer sharing it) lives: the
    // caller's contract, documented on `IpcFile::open` and in this module.
    unsafe { Mmap::map(file) }
}

/// `decoder` with arrow-rs's array validation turned off.
///
/// # Safety
///
/// The data decoded with the result must be a valid Arrow IPC file written
/// by a trusted writer: invalid offsets or UTF-8 then cause undefined
/// behaviour when the arrays are used.
pub(crate) unsafe fn skip_file_validation(decoder: FileDecoder) -> FileDecoder {
    // SAFETY: our caller promises the input is trusted and valid (this
    // function's contract, forwarded from `IpcFile::open_unchecked`).
    unsafe { decoder.with_skip_validation(true) }
}

/// `decoder` with arrow-rs's array validation turned off.
///
/// # Safety
///
/// As for [`skip_file_validation`]: the stream must be trusted and valid.
pub(crate) unsafe fn skip_stream_validation(decoder: StreamDecoder) -> StreamDecoder {
    // SAFETY: our caller promises the input is trusted and valid (this
    // function's contract, forwarded from `IpcStreamReader::new_unchecked`).
    unsafe { decoder.with_skip_validation(true) }
}
