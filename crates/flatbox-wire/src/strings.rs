//! The encoder's table of interned strings: their bytes in one growing
//! arena, found by content through a hash table of (start, length, index),
//! so that interning a string allocates nothing of its own.
//!
//! Against a map with a `Box<str>` key per string, callgrind counts a third
//! fewer instructions for `wire+strings`' encode of the msgpack-users
//! dataset, and a fifth fewer for shapes-text.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Interned strings by content, each with its interning index.
#[derive(Default)]
pub(crate) struct StringTable {
    /// The bytes of every string in the table, one after another (bytes,
    /// not a `String`: slicing them needs no char-boundary checks).
    arena: Vec<u8>,
    /// (start in `arena`, length, interning index).
    table: HashTable<(usize, usize, u32)>,
}

impl StringTable {
    /// An empty table (no allocation).
    pub(crate) const fn new() -> Self {
        StringTable { arena: Vec::new(), table: HashTable::new() }
    }

    /// The index of `s`, if it is in the table.
    #[inline]
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        if self.table.is_empty() {
            return None;
        }
        let (arena, s) = (&self.arena, s.as_bytes());
        self.table
            .find(hash(s), |&(start, len, _)| arena.get(start..start + len) == Some(s))
            .map(|&(_, _, index)| index)
    }

    /// Empties the table, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.arena.clear();
        self.table.clear();
    }

    /// The larger of the strings and the string bytes it has room for.
    pub(crate) fn capacity(&self) -> usize {
        self.arena.capacity().max(self.table.capacity())
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
        let start = self.arena.len();
        self.arena.extend_from_slice(s.as_bytes());
        let arena = &self.arena;
        self.table.insert_unique(hash(s.as_bytes()), (start, s.len(), index), |&(start, len, _)| {
            hash(arena.get(start..start + len).unwrap_or_default())
        });
    }
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
}
