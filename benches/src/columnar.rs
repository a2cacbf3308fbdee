//! Arrow IPC and Parquet on the tabular datasets (the tutorial's "Apache
//! Arrow" section and its "Arrow/Parquet for analytical workloads").
//!
//! - [`columnar_formats`]: `arrow-ipc`, `arrow-ipc+zstd`, `parquet` and
//!   `parquet+zstd` as [`Format`]s of `Vec<Row>`, decoding back to the Rust
//!   rows like every other format (so the harness checks the round trip).
//! - [`MMAP_READ`]: the columns alone, as the tutorial measures Arrow: a
//!   record batch written as an IPC file into a reused buffer, and the file
//!   on disk read back through the memory map (`IpcFile::open` + every batch, zero-copy and validated),
//!   with no conversion from or back to rows (what an analytical reader
//!   does). The rows-to-columns cost is in the `arrow-ipc` row.
//! - [`SMALL`] against [`LARGE`]: opening an IPC file and reading one column of one batch
//!   costs the same for 1 GiB as for 1 MiB.

use std::path::PathBuf;
use std::sync::Arc;

use flatbox::arrow::arrow_array::{Array, Float64Array, Int64Array, RecordBatch};
use flatbox::arrow::{IpcCompression, IpcFile};
use flatbox::profile::{FormatReport, Prepared, ProfileConfig, measure};
use flatbox::{ArrowIpc, Error, Format, Parquet, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::suite::Experiment;

/// The row that measures the columns alone, as the tutorial does (it times
/// the conversion to an Arrow table apart from the IPC write and read):
/// encode writes the record batch as an IPC file into a reused buffer in
/// memory (the tutorial's `BufferOutputStream`), decode maps the file
/// written to disk and decodes its batch (zero-copy, validated).
pub const MMAP_READ: &str = "arrow-ipc columns (write to memory / mmap read)";

/// The columnar formats, as formats of `Vec<R>`.
pub fn columnar_formats<R: Serialize + DeserializeOwned + 'static>() -> Vec<Box<dyn Format<Vec<R>>>> {
    vec![Box::new(ArrowIpc::new()), Box::new(ArrowIpc::zstd()), Box::new(Parquet::new()), Box::new(Parquet::zstd())]
}

/// The names of [`columnar_formats`].
pub fn columnar_names() -> Vec<String> {
    columnar_formats::<u8>().iter().map(|f| f.name().to_owned()).collect()
}

/// Another experiment plus the columnar rows on `rows` (and, with `mmap`,
/// the [`MMAP_READ`] row).
pub(crate) struct WithColumnar<R> {
    pub(crate) inner: Box<dyn Experiment>,
    pub(crate) rows: Vec<R>,
    pub(crate) formats: Vec<Box<dyn Format<Vec<R>>>>,
    pub(crate) mmap: bool,
}

impl<R: Serialize + DeserializeOwned + PartialEq + 'static> Experiment for WithColumnar<R> {
    fn prepare(&self, format: &str, config: &ProfileConfig) -> Option<Result<Prepared<'_>>> {
        if self.mmap && format == MMAP_READ {
            return Some(self.prepare_mmap());
        }
        match self.formats.iter().find(|f| f.name() == format) {
            Some(f) => Some(Prepared::format(&**f, &self.rows)),
            None => self.inner.prepare(format, config),
        }
    }

    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<Result<FormatReport>> {
        crate::suite::measure_alone(self.prepare(format, config), config).or_else(|| self.inner.profile(format, config))
    }
}

impl<R: Serialize + DeserializeOwned + PartialEq> WithColumnar<R> {
    /// Encode: the rows' record batch (built once, outside the timing) as an
    /// IPC file into a reused buffer. Decode: map the file (written to disk
    /// once) and decode its batches.
    fn prepare_mmap(&self) -> Result<Prepared<'_>> {
        fn read(path: &TempPath) -> Result<Vec<RecordBatch>> {
            IpcFile::open(&path.0).and_then(|f| f.batches()).map_err(|e| Error::decode(MMAP_READ, e))
        }
        let path = TempPath::new("table.arrow");
        let fields = flatbox::arrow::fields_of::<R>().map_err(|e| Error::encode(MMAP_READ, e))?;
        let batch =
            flatbox::arrow::to_batch_with_fields(&fields, &self.rows).map_err(|e| Error::encode(MMAP_READ, e))?;
        flatbox::arrow::write_file_to_path(
            &path.0,
            &batch.schema(),
            std::slice::from_ref(&batch),
            IpcCompression::None,
        )
        .map_err(|e| Error::encode(MMAP_READ, e))?;
        let mut buffer = Vec::new();
        let mut write = move || -> Result<usize> {
            buffer.clear();
            flatbox::arrow::write_file(&mut buffer, &batch.schema(), std::slice::from_ref(&batch), IpcCompression::None)
                .map(|out| out.len())
                .map_err(|e| Error::encode(MMAP_READ, e))
        };
        let size = usize::try_from(std::fs::metadata(&path.0).map_err(|e| Error::decode(MMAP_READ, e))?.len())
            .unwrap_or(usize::MAX);
        // The buffer gets the same bytes as the file, and the file reads
        // back to the rows.
        let back = flatbox::arrow::from_batches::<R>(&read(&path)?).map_err(|e| Error::decode(MMAP_READ, e))?;
        if write()? != size || back != self.rows {
            return Err(Error::RoundTrip { format: MMAP_READ.to_owned(), size });
        }
        // The read owns the file, which is removed when the row is dropped.
        Ok(Prepared::new(MMAP_READ, size, write, move || read(&path)))
    }
}

/// A file in the temporary folder, removed when dropped.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> Self {
        TempPath(std::env::temp_dir().join(format!("flatbox-bench-{}-{name}", std::process::id())))
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The small file's row (the baseline).
pub const SMALL: &str = "ipc 1 MiB";
/// The large file's row: 1 GiB in full mode, 256 MiB with `--quick`.
pub const LARGE: &str = "ipc 1 GiB (256 MiB if --quick)";

/// Rows per batch: 64k rows of an `i64` and an `f64`, 1 MiB per batch.
const BATCH_ROWS: i64 = 65_536;

/// Opening an IPC file of 1 batch (1 MiB) or of 1024 (1 GiB): the encode
/// column times `IpcFile::open` alone, the decode column open + one column
/// of the middle batch, summed. Each file is written when its row is
/// measured and removed after.
pub(crate) struct LargeFile;

impl LargeFile {
    fn batches(name: &str, config: &ProfileConfig) -> usize {
        // Quick mode (shorter samples than the full run's) uses a smaller
        // large file so `--quick` stays quick.
        let quick = config.sample_time < ProfileConfig::thorough().sample_time;
        match (name, quick) {
            (SMALL, _) => 1,
            (_, true) => 256,
            (_, false) => 1024,
        }
    }

    fn read_column(path: &std::path::Path) -> Result<i64> {
        let err = |e: flatbox::arrow::Error| Error::decode(LARGE, e);
        let file = IpcFile::open(path).map_err(err)?;
        let batch = file.batch(file.num_batches() / 2).map_err(err)?;
        let ids = batch
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| Error::decode(LARGE, "column 0 is not an Int64Array"))?;
        Ok(ids.values().iter().sum::<i64>() + i64::try_from(ids.len()).unwrap_or(0))
    }
}

impl Experiment for LargeFile {
    fn profile(&self, format: &str, config: &ProfileConfig) -> Option<Result<FormatReport>> {
        if format != SMALL && format != LARGE {
            return None;
        }
        let result = (|| {
            let path = TempPath::new(&format!("open-{}.arrow", Self::batches(format, config)));
            let ids = Int64Array::from_iter_values(0..BATCH_ROWS);
            let values = Float64Array::from_iter_values((0..BATCH_ROWS).map(|i| i as f64));
            let batch = RecordBatch::try_from_iter([("id", Arc::new(ids) as _), ("value", Arc::new(values) as _)])
                .map_err(|e| Error::encode(format, e))?;
            let all = vec![batch.clone(); Self::batches(format, config)];
            flatbox::arrow::write_file_to_path(&path.0, &batch.schema(), &all, IpcCompression::None)
                .map_err(|e| Error::encode(format, e))?;
            if Self::read_column(&path.0)? != (0..BATCH_ROWS).sum::<i64>() + BATCH_ROWS {
                return Err(Error::RoundTrip { format: format.to_owned(), size: 0 });
            }
            let size = usize::try_from(std::fs::metadata(&path.0).map_err(|e| Error::decode(format, e))?.len())
                .unwrap_or(usize::MAX);
            let encode = measure(config, size, || IpcFile::open(&path.0).map_err(|e| Error::decode(format, e)))?;
            let decode = measure(config, size, || Self::read_column(&path.0))?;
            Ok(FormatReport { format: format.to_owned(), size, encode, decode })
        })();
        Some(result)
    }
}
