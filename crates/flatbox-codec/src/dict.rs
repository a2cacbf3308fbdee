//! zstd dictionaries: training, and a set to look frames' dictionaries up in.

use std::collections::HashMap;

use crate::error::{Error, Result};

/// A zstd dictionary: trained from samples of small messages, it lets each
/// message compress as if the others came before it.
///
/// # Examples
///
/// ```
/// use flatbox_codec::{Compressor, Decompressor, Dictionary, DictionarySet, Limits};
///
/// let samples: Vec<Vec<u8>> = (0..500)
///     .map(|i| format!(r#"{{"user":"user{}","action":"login","ok":true,"ms":{}}}"#, i % 37, i * 7 % 300).into_bytes())
///     .collect();
/// let dictionary = Dictionary::train(&samples, 4096)?;
///
/// let mut with_dict = Compressor::with_dictionary(3, &dictionary)?;
/// let mut plain = Compressor::new(flatbox_codec::Codec::Zstd { level: 3 });
/// let message = br#"{"user":"user5","action":"login","ok":true,"ms":42}"#;
/// assert!(with_dict.compress(message).len() < plain.compress(message).len());
///
/// let mut set = DictionarySet::new();
/// set.insert(dictionary);
/// let mut decompressor = Decompressor::with_dictionaries(Limits::default(), set);
/// assert_eq!(decompressor.decompress(&with_dict.compress(message))?, message);
/// # Ok::<(), flatbox_codec::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dictionary {
    bytes: Vec<u8>,
    id: u32,
}

impl Dictionary {
    /// Trains a dictionary of at most `max_size` bytes (a few KiB to 100 KiB
    /// is usual) from samples (hundreds to thousands of typical messages).
    ///
    /// # Errors
    ///
    /// [`Error::Training`] when zstd cannot build one (too few samples, or
    /// samples too small or too alike).
    pub fn train<S: AsRef<[u8]>>(samples: &[S], max_size: usize) -> Result<Self> {
        let bytes = zstd::dict::from_samples(samples, max_size).map_err(|e| Error::Training(e.to_string()))?;
        Dictionary::from_bytes(bytes)
    }

    /// A dictionary from its bytes (as `zstd --train` writes them).
    ///
    /// # Errors
    ///
    /// [`Error::Training`] when the bytes are not a zstd dictionary with an
    /// id (raw-content dictionaries have none to look frames up by).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        let id = zstd::zstd_safe::get_dict_id_from_dict(&bytes)
            .ok_or_else(|| Error::Training("not a zstd dictionary with a dictionary id".into()))?
            .get();
        Ok(Dictionary { bytes, id })
    }

    /// The id zstd writes into each frame compressed with it.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The dictionary's bytes, to store or hand to `zstd -D`.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

/// Dictionaries by id: decoders look up the dictionary a frame names.
#[derive(Debug, Clone, Default)]
pub struct DictionarySet {
    by_id: HashMap<u32, Dictionary>,
}

impl DictionarySet {
    /// An empty set.
    pub fn new() -> Self {
        DictionarySet::default()
    }

    /// Adds a dictionary (replacing one with the same id).
    pub fn insert(&mut self, dictionary: Dictionary) {
        self.by_id.insert(dictionary.id, dictionary);
    }

    /// The dictionary with this id.
    pub fn get(&self, id: u32) -> Option<&Dictionary> {
        self.by_id.get(&id)
    }

    /// How many dictionaries it holds.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
