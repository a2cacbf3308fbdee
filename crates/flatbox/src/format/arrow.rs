//! Arrow IPC and Parquet (the `flatbox-arrow` crate) as formats for tables
//! of serde rows.

use flatbox_arrow::{IpcCompression, IpcFile, ParquetCompression};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Error, Format, Result};

/// An Arrow IPC **file** of a table: `Vec<T>` of serde rows becomes one
/// record batch (columns traced from `T`), written with or without the
/// format's body compression, and decoded back to rows. See the
/// [`arrow`](crate::arrow) crate for zero-copy reads through a memory map.
///
/// - [`ArrowIpc::new`] (`arrow-ipc`): no compression.
/// - [`ArrowIpc::zstd`] (`arrow-ipc+zstd`): `ZSTD` body compression.
///
/// # Examples
///
/// ```
/// use flatbox::{ArrowIpc, Format};
///
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Row { id: u64, name: String }
///
/// let rows = vec![Row { id: 1, name: "a".into() }, Row { id: 2, name: "b".into() }];
/// let mut bytes = Vec::new();
/// ArrowIpc::new().encode(&rows, &mut bytes)?;
/// assert!(bytes.starts_with(b"ARROW1"));
/// let back: Vec<Row> = ArrowIpc::new().decode(&bytes)?;
/// assert_eq!(back, rows);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArrowIpc {
    compression: IpcCompression,
    name: &'static str,
}

impl ArrowIpc {
    /// The name of the uncompressed format: `arrow-ipc`.
    pub const NAME: &'static str = "arrow-ipc";
    /// The name of the zstd-compressed format: `arrow-ipc+zstd`.
    pub const ZSTD: &'static str = "arrow-ipc+zstd";

    /// No compression: reads can be zero-copy.
    pub const fn new() -> Self {
        ArrowIpc { compression: IpcCompression::None, name: Self::NAME }
    }

    /// `ZSTD` body compression.
    pub const fn zstd() -> Self {
        ArrowIpc { compression: IpcCompression::Zstd, name: Self::ZSTD }
    }
}

impl Default for ArrowIpc {
    /// [`ArrowIpc::new`].
    fn default() -> Self {
        ArrowIpc::new()
    }
}

impl<T: Serialize + DeserializeOwned> Format<Vec<T>> for ArrowIpc {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &Vec<T>, out: &mut Vec<u8>) -> Result<()> {
        let fields = flatbox_arrow::fields_of::<T>().map_err(|e| Error::encode(self.name, e))?;
        let batch = flatbox_arrow::to_batch_with_fields(&fields, value).map_err(|e| Error::encode(self.name, e))?;
        flatbox_arrow::write_file(out, &batch.schema(), &[batch], self.compression)
            .map(drop)
            .map_err(|e| Error::encode(self.name, e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<T>> {
        // `Format::decode` borrows its input; an IPC file is read from an
        // owned buffer, so this copies once (IpcFile::open maps instead).
        let file =
            IpcFile::from_bytes(bytes::Bytes::copy_from_slice(bytes)).map_err(|e| Error::decode(self.name, e))?;
        let batches = file.batches().map_err(|e| Error::decode(self.name, e))?;
        flatbox_arrow::from_batches(&batches).map_err(|e| Error::decode(self.name, e))
    }
}

/// A Parquet file of a table of serde rows, like [`ArrowIpc`].
///
/// - [`Parquet::new`] (`parquet`): encodings only, no compression.
/// - [`Parquet::zstd`] (`parquet+zstd`): zstd level 3.
///
/// # Examples
///
/// ```
/// use flatbox::{Format, Parquet};
///
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Row { id: u32, name: String }
///
/// let rows = vec![Row { id: 1, name: "a".into() }, Row { id: 2, name: "b".into() }];
/// let mut bytes = Vec::new();
/// Parquet::zstd().encode(&rows, &mut bytes)?;
/// assert!(bytes.starts_with(b"PAR1"));
/// let back: Vec<Row> = Parquet::zstd().decode(&bytes)?;
/// assert_eq!(back, rows);
/// # Ok::<(), flatbox::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parquet {
    compression: ParquetCompression,
    name: &'static str,
}

impl Parquet {
    /// The name of the uncompressed format: `parquet`.
    pub const NAME: &'static str = "parquet";
    /// The name of the zstd-compressed format: `parquet+zstd`.
    pub const ZSTD: &'static str = "parquet+zstd";

    /// No compression (Parquet's encodings only).
    pub const fn new() -> Self {
        Parquet { compression: ParquetCompression::None, name: Self::NAME }
    }

    /// zstd level 3.
    pub const fn zstd() -> Self {
        Parquet { compression: ParquetCompression::Zstd(3), name: Self::ZSTD }
    }
}

impl Default for Parquet {
    /// [`Parquet::new`].
    fn default() -> Self {
        Parquet::new()
    }
}

impl<T: Serialize + DeserializeOwned> Format<Vec<T>> for Parquet {
    fn name(&self) -> &str {
        self.name
    }

    fn encode(&self, value: &Vec<T>, out: &mut Vec<u8>) -> Result<()> {
        let fields = flatbox_arrow::fields_of::<T>().map_err(|e| Error::encode(self.name, e))?;
        let batch = flatbox_arrow::to_batch_with_fields(&fields, value).map_err(|e| Error::encode(self.name, e))?;
        flatbox_arrow::write_parquet(out, &batch.schema(), &[batch], self.compression)
            .map(drop)
            .map_err(|e| Error::encode(self.name, e))
    }

    fn decode(&self, bytes: &[u8]) -> Result<Vec<T>> {
        let (_, batches) = flatbox_arrow::read_parquet(bytes::Bytes::copy_from_slice(bytes))
            .map_err(|e| Error::decode(self.name, e))?;
        flatbox_arrow::from_batches(&batches).map_err(|e| Error::decode(self.name, e))
    }
}
