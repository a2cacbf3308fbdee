//! Every `unsafe` of the crate: mapping a file, and the explicit opt-outs
//! of arrow-rs's validation for trusted input
//! ([`IpcFile::open_unchecked`], [`IpcStreamReader::new_unchecked`], whose
//! `impl` blocks live here so that no other module holds an `unsafe`).
//!
//! A memory map exposes a file's bytes as memory. Rust cannot promise that
//! nobody else changes those bytes: **another process (or another handle in
//! this one) modifying or truncating a mapped file is undefined
//! behaviour**. flatbox-arrow only ever reads through its maps; callers must
//! not modify or truncate an IPC file while an [`IpcFile`] (or any batch or
//! array decoded from it, which point into the map) is alive.
#![allow(unsafe_code, reason = "memory maps and skipping validation are unsafe; this module is the only place")]

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use arrow_ipc::reader::{FileDecoder, StreamDecoder};
use memmap2::Mmap;

use crate::file::map_path;
use crate::{IpcFile, IpcStreamReader, ReadLimits, Result};

/// Maps `file` read-only.
pub(crate) fn map(file: &File) -> io::Result<Mmap> {
    // SAFETY: the map is only read. The file must not be modified or
    // truncated by anyone while the map (or a buffer sharing it) lives: the
    // caller's contract, documented on `IpcFile` and in this module.
    unsafe { Mmap::map(file) }
}

/// Proof that a caller promised, through an `unsafe` constructor, that the
/// input is valid and trusted: only this module can make one.
#[derive(Debug)]
pub(crate) struct SkipValidation(());

impl SkipValidation {
    /// `decoder` with arrow-rs's array validation turned off.
    #[allow(clippy::unused_self, reason = "the token is the proof of the caller's promise; it is consumed")]
    pub(crate) fn file(self, decoder: FileDecoder) -> FileDecoder {
        // SAFETY: a `SkipValidation` exists only inside
        // `IpcFile::open_unchecked`, whose caller promised a valid file from
        // a trusted writer (its `# Safety` contract).
        unsafe { decoder.with_skip_validation(true) }
    }
}

impl IpcFile {
    /// [`open`](IpcFile::open) without arrow-rs's validation of the arrays
    /// (offsets, UTF-8, lengths): faster for big string columns. The framing
    /// checks and limits still apply.
    ///
    /// # Safety
    ///
    /// The file must be a valid Arrow IPC file from a trusted writer:
    /// reading a crafted or damaged file this way is undefined behaviour.
    /// And, as for every mapped file, it must not change while mapped.
    ///
    /// # Errors
    ///
    /// As for [`open`](IpcFile::open).
    pub unsafe fn open_unchecked(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let data = map_path(path)?;
        Self::from_buffer(path.display().to_string(), data, ReadLimits::default(), Some(SkipValidation(())))
    }
}

impl<R: Read> IpcStreamReader<R> {
    /// [`new`](IpcStreamReader::new) without arrow-rs's validation of the
    /// arrays. Framing checks and limits still apply.
    ///
    /// # Safety
    ///
    /// The stream must be valid Arrow IPC from a trusted writer: a crafted
    /// or damaged stream read this way is undefined behaviour.
    ///
    /// # Errors
    ///
    /// As for [`new`](IpcStreamReader::new).
    pub unsafe fn new_unchecked(reader: R) -> Result<Self> {
        // SAFETY: our caller promised a valid stream from a trusted writer
        // (this function's `# Safety` contract).
        let decoder = unsafe { StreamDecoder::new().with_skip_validation(true) };
        Self::start(reader, decoder, ReadLimits::default())
    }
}
