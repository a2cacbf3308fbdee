//! Every `unsafe` of the crate: creating memory maps.
//!
//! A memory map exposes a file's bytes as memory. Rust cannot promise that
//! nobody else changes those bytes: **another process (or another handle in
//! this one) modifying or truncating a mapped file is undefined behaviour**.
//! flatbox-store keeps its side of the bargain: it never shrinks a file
//! while it is mapped, and writes only through the map or before mapping.
//! Callers must not modify the files by other means while they are open.
#![allow(unsafe_code, reason = "memory maps are unsafe to create; this module is the only place")]

use std::fs::File;
use std::io;

use memmap2::{Mmap, MmapMut};

/// Maps `file` read-only (the record log writes with `pwrite` and reads
/// through the map; the page cache keeps both views the same).
pub(crate) fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: the file is opened by this crate and is not modified or
    // truncated through any other handle while the map lives (the caller's
    // contract, documented above). The log only writes bytes past what
    // readers are allowed to see, or zeroes a torn tail before any reader
    // exists, and never shrinks a segment.
    unsafe { Mmap::map(file) }
}

/// Maps `file` read-write.
pub(crate) fn map_mut(file: &File) -> io::Result<MmapMut> {
    // SAFETY: the file is opened by this crate and is not modified or
    // truncated through any other handle while the map lives (the caller's
    // contract, documented above). This crate writes to the file only
    // through its map and only ever grows it, which leaves existing maps
    // valid.
    unsafe { MmapMut::map_mut(file) }
}
