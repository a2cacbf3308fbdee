//! The encoder's table of interned strings: their bytes in one growing
//! arena, found by content through a hash table of (start, length, index),
//! so that interning a string allocates nothing of its own.
//!
//! Each string is hashed once per value written (the look-up and, on a
//! miss, the insertion share the hash), and entries keep their hash, so
//! growing the table reads no string again.
//!
//! Against a map with a `Box<str>` key per string, callgrind counts a third
//! fewer instructions for `wire+strings`' encode of the msgpack-users
//! dataset, and a fifth fewer for shapes-text.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// The most string bytes a table kept between serializers has room for.
pub(crate) const KEEP_BYTES: usize = 256 << 10;

/// The most entries a table kept between serializers has room for (32
/// bytes each).
pub(crate) const KEEP_ENTRIES: usize = 16 << 10;

/// Interned strings by content, each with its interning index.
#[derive(Default)]
pub(crate) struct StringTable {
    /// The bytes of every string in the table, one after another (bytes,
    /// not a `String`: slicing them needs no char-boundary checks).
    arena: Vec<u8>,
    /// Where each string is in `arena`, with its index and hash.
    table: HashTable<Entry>,
}

impl StringTable {
    /// An empty table (no allocation).
    pub(crate) const fn new() -> Self {
        StringTable { arena: Vec::new(), table: HashTable::new() }
    }

    /// The index of `s`, if it is in the table.
    #[inline]
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        // No hash for an empty table (a message's first field names).
        if self.table.is_empty() {
            return None;
        }
        self.find_hashed(s, hash(s.as_bytes())).map(|(index, _)| index)
    }

    /// The index of `s`, whose [`StringTable::hash`] is `hash`, and where
    /// its bytes are (for [`StringTable::is_at`]), if it is in the table.
    #[inline]
    pub(crate) fn find_hashed(&self, s: &str, hash: u64) -> Option<(u32, usize)> {
        if self.table.is_empty() {
            return None;
        }
        let (arena, s) = (&self.arena, s.as_bytes());
        self.table
            .find(hash, |e| arena.get(e.start..e.start + e.len).is_some_and(|t| same_bytes(t, s)))
            .map(|e| (e.index, e.start))
    }

    /// Whether `s` is the string of `len` bytes at `start` (a place
    /// [`StringTable::find_hashed`] or [`StringTable::insert_new_hashed`]
    /// returned since the table was last cleared).
    #[inline]
    pub(crate) fn is_at(&self, s: &str, start: usize, len: usize) -> bool {
        len == s.len() && self.arena.get(start..start + len).is_some_and(|t| same_bytes(t, s.as_bytes()))
    }

    /// The hash a string is found by.
    #[inline]
    pub(crate) fn hash(s: &str) -> u64 {
        hash(s.as_bytes())
    }

    /// Empties the table, keeping its memory, unless it holds less than an
    /// eighth of what it has room for: then its entries are freed.
    ///
    /// Emptying a hash table writes all of its control bytes, however few
    /// entries it has. A table grown by a large value and kept for the
    /// thread's next serializers made each later small value pay for that:
    /// pipeline-network with `intern_strings`, after a value of 10,000
    /// strings on the same thread, took 255 ns to encode, not 108. A table
    /// that grew for its own value is at least a third full, so it is kept.
    pub(crate) fn clear(&mut self) {
        self.arena.clear();
        if !self.table.is_empty() && self.table.len() < self.table.capacity() / 8 {
            self.table = HashTable::new();
        } else {
            self.table.clear();
        }
    }

    /// Whether the table is small enough to keep for the next serializer:
    /// room for at most [`KEEP_BYTES`] of strings and [`KEEP_ENTRIES`]
    /// entries, about 1 MiB in all.
    pub(crate) fn worth_keeping(&self) -> bool {
        self.arena.capacity() <= KEEP_BYTES && self.table.capacity() <= KEEP_ENTRIES
    }

    /// Adds `s` with `index`, unless `s` is already there; returns the index
    /// `s` has in the table.
    pub(crate) fn get_or_insert(&mut self, s: &str, index: u32) -> u32 {
        if let Some(existing) = self.get(s) {
            return existing;
        }
        self.insert_new(s, index);
        index
    }

    /// Adds `s`, which is not in the table, with `index`.
    #[inline]
    pub(crate) fn insert_new(&mut self, s: &str, index: u32) {
        self.insert_new_hashed(s, hash(s.as_bytes()), index);
    }

    /// Adds `s`, whose [`StringTable::hash`] is `hash` and which is not in
    /// the table, with `index`. The hash is kept with the entry, so growing
    /// the table reads no string again. Returns where its bytes are (for
    /// [`StringTable::is_at`]).
    #[inline]
    pub(crate) fn insert_new_hashed(&mut self, s: &str, hash: u64, index: u32) -> usize {
        let start = self.arena.len();
        self.arena.extend_from_slice(s.as_bytes());
        self.table.insert_unique(hash, Entry { start, len: s.len(), index, hash }, |e| e.hash);
        start
    }
}

/// A string of the table: where its bytes are in the arena, its interning
/// index, and its hash.
struct Entry {
    start: usize,
    len: usize,
    index: u32,
    hash: u64,
}

/// The 0 to 8 bytes of `bytes` as a little-endian word, in two loads that
/// may overlap (as `memcpy` does for short copies), with no call. In the
/// encoder, a loop of byte copies in its place compiled differently with
/// every change around it: one such change made `wire`'s encode of
/// social-timeline 7 % slower.
#[inline(always)]
#[allow(clippy::inline_always, reason = "measured: see the comment")]
pub(crate) fn short_word(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let u32_at =
        |at: usize| bytes.get(at..at + 4).and_then(|w| <[u8; 4]>::try_from(w).ok()).map_or(0, u32::from_le_bytes);
    if n >= 4 {
        u64::from(u32_at(0)) | (u64::from(u32_at(n - 4)) << ((n - 4) * 8))
    } else if n > 0 {
        let byte = |at: usize| bytes.get(at).map_or(0, |&b| u64::from(b));
        byte(0) | (byte(n / 2) << (n / 2 * 8)) | (byte(n - 1) << ((n - 1) * 8))
    } else {
        0
    }
}

/// A word that is the string itself up to eight bytes ([`short_word`]:
/// two strings of the same length up to eight bytes have the same key only
/// if they are the same), else its first and last eight bytes mixed, and
/// beyond sixteen bytes its second eight too: the first alone would be the
/// same for every URL, and the second tells apart dates that differ in the
/// day only (`Mon Jan 01 10:00:00 +0000 2014`, social-timeline's users',
/// which otherwise all took one slot and were found by a look-up in the
/// table). Against the first and last words only, callgrind counts 2.8 %
/// fewer instructions for social-timeline's encode with `intern_strings`
/// and 0.8 % more for http-log-10k's; both took about 2 % less time. With
/// a fourth word too (the second-to-last), social-timeline took more time
/// and http-log-10k 3 % more instructions.
#[inline(always)]
#[allow(clippy::inline_always, reason = "on the encoder's path for every interned string value")]
pub(crate) fn slot_key(bytes: &[u8]) -> u64 {
    match (bytes.first_chunk::<8>(), bytes.last_chunk::<8>()) {
        (Some(f), Some(l)) if bytes.len() > 8 => {
            let second = if bytes.len() > 16 {
                bytes.get(8..16).and_then(|w| <[u8; 8]>::try_from(w).ok()).map_or(0, u64::from_le_bytes)
            } else {
                0
            };
            u64::from_le_bytes(*f) ^ u64::from_le_bytes(*l).rotate_left(29) ^ second.rotate_left(47)
        }
        _ => short_word(bytes),
    }
}

/// Whether `a` and `b` are the same bytes: up to 8 bytes as one word, up to
/// 32 in words of eight (the last word overlapping the one before), with
/// no call to
/// `memcmp`, which was a tenth of `wire+strings`' encode of http-log-10k
/// (callgrind), its strings being 1 to 40 bytes long.
#[inline(always)]
#[allow(clippy::inline_always, reason = "measured: out of line, the call cost what memcmp's did")]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n <= 8 {
        return short_word(a) == short_word(b);
    }
    if n > 32 {
        return a == b;
    }
    let word =
        |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// The hash of a string's bytes (the same for a lookup and for regrowing).
#[inline]
fn hash(bytes: &[u8]) -> u64 {
    FxBuildHasher.hash_one(bytes)
}

#[cfg(test)]
mod tests {
    use super::StringTable;

    #[test]
    fn strings_are_found_by_content_and_keep_their_first_index() {
        let mut table = StringTable::default();
        assert_eq!(table.get("a"), None);
        // Enough strings to make the table grow (and rehash from the arena)
        // several times; prefixes of each other share no entry.
        let words: Vec<String> = (0..1000).map(|i| "x".repeat(i % 7) + &i.to_string()).collect();
        for (i, w) in words.iter().enumerate() {
            table.insert_new(w, u32::try_from(i).unwrap());
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(table.get(w), Some(u32::try_from(i).unwrap()), "{w}");
        }
        assert_eq!(table.get("x"), None);
        assert_eq!(table.get(""), None);
        assert_eq!(table.get_or_insert(&words[5], 99), 5);
        assert_eq!(table.get_or_insert("new", 1000), 1000);
        assert_eq!(table.get("new"), Some(1000));
    }

    #[test]
    fn a_cleared_table_keeps_its_room_unless_a_small_value_used_a_large_table() {
        let mut table = StringTable::default();
        let words: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
        for (i, w) in words.iter().enumerate() {
            table.insert_new(w, u32::try_from(i).unwrap());
        }
        let room = table.table.capacity();
        assert!(room >= 1000, "{room}");
        // Well filled: kept, emptied.
        table.clear();
        assert_eq!((table.table.len(), table.table.capacity()), (0, room));
        // Unused since: kept as it is.
        table.clear();
        assert_eq!(table.table.capacity(), room);
        // A few strings in the large table: the table is freed, and the
        // next strings go into a small one.
        for (i, w) in words.iter().take(room / 8 - 1).enumerate() {
            table.insert_new(w, u32::try_from(i).unwrap());
        }
        table.clear();
        assert_eq!(table.table.capacity(), 0);
        assert_eq!(table.get(&words[0]), None);
        table.insert_new("again", 0);
        assert_eq!(table.get("again"), Some(0));
        assert!(table.table.capacity() < room / 8, "{}", table.table.capacity());
    }

    #[test]
    fn same_bytes_compares_every_byte_of_every_length() {
        for n in 0..=40_usize {
            let a: Vec<u8> = (0..n).map(|i| u8::try_from((i * 7 + 1) % 251).unwrap()).collect();
            assert!(super::same_bytes(&a, &a.clone()), "{n}");
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 0x80;
                assert!(!super::same_bytes(&a, &b), "{n} bytes, differing at {i}");
            }
            assert!(!super::same_bytes(&a, &a[..n.saturating_sub(1)]) || n == 0, "{n}");
        }
    }

    #[test]
    fn short_word_holds_every_byte_of_every_short_string() {
        for n in 0..=8_usize {
            let bytes: Vec<u8> = (0..n).map(|i| 0xA0 + u8::try_from(i).unwrap()).collect();
            let mut expected = [0_u8; 8];
            expected[..n].copy_from_slice(&bytes);
            assert_eq!(super::short_word(&bytes), u64::from_le_bytes(expected), "{n} bytes");
        }
    }
}
