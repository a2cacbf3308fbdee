//! What the encoder interns ([`Config`]) and what the decoder accepts
//! ([`Limits`]).

/// Encoder settings.
///
/// # Examples
///
/// ```
/// use flatbox_wire::Config;
///
/// // Intern repeated string values too: smaller for logs, a little slower.
/// let config = Config::default().intern_strings(true);
/// let bytes = flatbox_wire::to_vec_with_config(&vec!["-", "-", "-"], config)?;
/// // array(3), define "-", ref 0, ref 0
/// assert_eq!(bytes, [0x63, 0xED, 0x01, b'-', 0x80, 0x80]);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    pub(crate) intern_keys: bool,
    pub(crate) intern_strings: bool,
    pub(crate) max_interned: usize,
    pub(crate) max_shapes: usize,
}

impl Config {
    /// Key interning on, string-value interning off, tables as large as the
    /// default [`Limits`] accept.
    pub const fn new() -> Self {
        Config {
            intern_keys: true,
            intern_strings: false,
            max_interned: Limits::DEFAULT_MAX_INTERNED,
            max_shapes: Limits::DEFAULT_MAX_SHAPES,
        }
    }

    /// Whether structs share *shapes* (their list of field names, spelled
    /// out once, in the first struct of a type), and map keys and enum
    /// variant names are written once and then referenced. On by default;
    /// off, structs are maps with their keys spelled out every time.
    #[must_use]
    pub const fn intern_keys(mut self, on: bool) -> Self {
        self.intern_keys = on;
        self
    }

    /// Whether string *values* are interned too: each distinct string is
    /// written once, then referenced by index. Off by default: it pays for
    /// repetitive strings (log levels, hosts, user agents) and costs a hash
    /// lookup per string.
    ///
    /// The encoder keeps count, per field of each struct, of how many of
    /// its string values were found in the table: a field where fewer than
    /// 8 of 32 were is written plain from then on (FORMAT.md, "Interning"),
    /// so that a field of ids or timestamps costs no more than without
    /// interning.
    #[must_use]
    pub const fn intern_strings(mut self, on: bool) -> Self {
        self.intern_strings = on;
        self
    }

    /// The most strings the encoder interns; further strings are written in
    /// full. Must not exceed the decoder's [`Limits::max_interned`].
    #[must_use]
    pub const fn max_interned(mut self, n: usize) -> Self {
        self.max_interned = n;
        self
    }

    /// The most shapes the encoder defines; further structs are written as
    /// maps. Must not exceed the decoder's [`Limits::max_shapes`].
    #[must_use]
    pub const fn max_shapes(mut self, n: usize) -> Self {
        self.max_shapes = n;
        self
    }
}

impl Default for Config {
    /// [`Config::new`].
    fn default() -> Self {
        Config::new()
    }
}

/// Decoder limits: what an input may ask of the decoder.
///
/// Beyond these, every length and count in the input is checked against the
/// bytes that remain before anything is allocated.
///
/// # Examples
///
/// ```
/// use flatbox_wire::{Deserializer, Limits};
/// use serde::Deserialize;
///
/// // [[[1]]] is three levels deep.
/// let bytes = [0x61, 0x61, 0x61, 0x01];
/// let mut de = Deserializer::from_slice(&bytes).with_limits(Limits::default().max_depth(2));
/// let err = Vec::<Vec<Vec<u8>>>::deserialize(&mut de).unwrap_err();
/// assert!(err.to_string().starts_with("nesting deeper than 2 levels"), "{err}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_field_names, reason = "the fields mirror the builder methods, all maxima")]
pub struct Limits {
    pub(crate) max_depth: usize,
    pub(crate) max_interned: usize,
    pub(crate) max_shapes: usize,
    pub(crate) max_reader_bytes: usize,
}

impl Limits {
    /// Default nesting limit: 128 levels.
    pub const DEFAULT_MAX_DEPTH: usize = 128;
    /// Default interning table size: 1 Mi strings.
    pub const DEFAULT_MAX_INTERNED: usize = 1 << 20;
    /// Default shape table size: 64 Ki shapes.
    pub const DEFAULT_MAX_SHAPES: usize = 1 << 16;
    /// Default bound on one value read by `from_reader`: 1 GiB.
    pub const DEFAULT_MAX_READER_BYTES: usize = 1 << 30;

    /// The defaults.
    pub const fn new() -> Self {
        Limits {
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_interned: Self::DEFAULT_MAX_INTERNED,
            max_shapes: Self::DEFAULT_MAX_SHAPES,
            max_reader_bytes: Self::DEFAULT_MAX_READER_BYTES,
        }
    }

    /// How deeply arrays, maps, structs and options may nest.
    ///
    /// A typed decode counts an option's content and a newtype's content
    /// as a level each too, so a linked list through `Option<Box<Node>>`
    /// takes two levels a node: a type such as
    /// `struct Chain(Option<Box<Chain>>)` recurses without reading a byte,
    /// and only this limit ends it. An enum adds no level of its own; its
    /// variant's content counts one.
    #[must_use]
    pub const fn max_depth(mut self, n: usize) -> Self {
        self.max_depth = n;
        self
    }

    /// How many strings an input may intern.
    #[must_use]
    pub const fn max_interned(mut self, n: usize) -> Self {
        self.max_interned = n;
        self
    }

    /// How many shapes an input may define.
    #[must_use]
    pub const fn max_shapes(mut self, n: usize) -> Self {
        self.max_shapes = n;
        self
    }

    /// How many bytes `from_reader` reads for one value at most.
    #[must_use]
    pub const fn max_reader_bytes(mut self, n: usize) -> Self {
        self.max_reader_bytes = n;
        self
    }
}

impl Default for Limits {
    /// [`Limits::new`].
    fn default() -> Self {
        Limits::new()
    }
}
