//! The encoder: a serde [`Serializer`] that writes flatbox-wire into a
//! `Vec<u8>`.
//!
//! The hot paths (a struct of the same type as the last one, its fields,
//! short strings, small integers) are `#[inline(always)]`: measured with
//! callgrind on 1000 records, inlining them removed a store-forwarding stall
//! on the returned `StructSerializer` and cut encode time by about a fifth.
#![allow(clippy::inline_always, reason = "measured; see the module documentation")]

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use serde::ser::{self, Serialize};
use smallvec::SmallVec;

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::magic;
use crate::numbers::{self, Number, Probed};
use crate::strings::{StringTable, same_bytes};
use crate::tag;
use crate::varint;

/// A shape the encoder has defined: the field names of a struct, in order,
/// at `key_pool[first..first + declared]` (reserved when the definition
/// starts, so nested definitions cannot interleave with it).
struct Shape {
    first: usize,
    declared: usize,
    /// The (name address, field count) of the struct type that defined it.
    cache_key: (usize, usize),
}

/// Tables up to this size are searched linearly and live inline in the
/// serializer, so small messages allocate nothing; beyond it a hash map
/// takes over.
const LINEAR: usize = 16;

/// Slots of the direct-mapped cache of `&'static str` keys (a power of 2).
/// Sixteen thrashed on the field and variant names of three nested struct
/// types and an enum (callgrind, shapes-enums-nested: 64 encode it in 4 %
/// fewer instructions, and no dataset in more).
const KEY_SLOTS: usize = 64;

/// The direct-mapped cache of `&'static str` keys: see [`Tables`].
struct KeySlots {
    /// (address, length, interning index plus one) of a key, by
    /// [`key_slot`]; 0 for an empty slot.
    slots: [(usize, usize, u32); KEY_SLOTS],
    /// Whether a slot has been written since the cache was last emptied.
    /// A serializer that wrote none does not empty the 64 slots (1.5 KiB)
    /// again when it is done: on a thread that had cached names once, every
    /// later `to_vec` of pipeline-network took 18 ns longer (72 -> 90 ns,
    /// 1.3x -> 1.6x postcard's time).
    written: bool,
}

impl KeySlots {
    const EMPTY: KeySlots = KeySlots { slots: [(0, 0, 0); KEY_SLOTS], written: false };
}

/// Something a magic newtype asked the next `serialize_bytes` to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Packed(u8),
    Timestamp,
    Extension,
}

/// Serializes Rust values into flatbox-wire, appending to a `Vec<u8>`.
///
/// Most callers want [`to_vec`](crate::to_vec). A serializer is made by
/// [`with_serializer`](crate::with_serializer), for appending to a buffer
/// of the caller's (reused from message to message), for a non-default
/// [`Config`], or for driving serde by hand (a transcoder).
///
/// One serializer writes one top-level value: the interning tables start
/// empty, and a second value written with the same serializer would refer
/// to strings the decoder of that second value has never seen.
pub struct Serializer<'a> {
    out: &'a mut Vec<u8>,
    /// `out.len()` when the value started: packed data is aligned relative
    /// to it.
    base: usize,
    config: Config,
    /// Interned `&'static str`s (field and variant names): the first
    /// [`LINEAR`] inline, searched by address, then by content.
    static_keys: SmallVec<[(&'static str, u32); LINEAR]>,
    /// All interned `&'static str`s by address, once there are more than
    /// [`LINEAR`].
    static_index: FxHashMap<(usize, usize), u32>,
    string_count: usize,
    /// The [`Site`] of the string values being written, less one: the slot
    /// in `key_pool` of the field of a shape whose value was started last,
    /// or `usize::MAX` before any; not restored when the field ends. Set
    /// for every field, whatever the config: callgrind counts about one
    /// instruction a field (records-1m: 1.7 % more), where sending every
    /// field of `intern_strings` to `field_slow` instead doubled its
    /// instructions there.
    site: usize,
    /// Whether every interned `&'static str` is in `tables.strings` too
    /// (see [`Self::statics_to_strings`]).
    statics_in_strings: bool,
    /// Shapes, interned strings and the rest: see [`Tables`]. Borrowed
    /// from the thread's, in place, for the serializer's life.
    tables: &'a mut Tables,
    /// `tables.key_pool`, moved here for the serializer's life and given
    /// back when it is dropped: every field of a struct that follows a
    /// known shape reads it, and through `tables` that cost a load more
    /// (callgrind: shapes-arrays-options encodes in 4 % more instructions,
    /// event-catalog and `citm_catalog.json` in 2.7 % more).
    key_pool: Vec<&'static str>,
    /// The shape last used for a struct, by (name address, field count):
    /// the first [`LINEAR`] inline, the rest in `shape_index`.
    shape_cache: SmallVec<[((usize, usize), u32); LINEAR]>,
    shape_index: FxHashMap<(usize, usize), u32>,
    /// The most recent shape found by a search, with its shape's keys: a
    /// sequence of one struct type hits it without a search or a look-up.
    /// Nested struct types are found by their site first (`site_shapes` in
    /// [`Tables`]).
    last_shape: LastShape,
    key_next: bool,
    pending: Pending,
}

impl<'a> Serializer<'a> {
    /// A serializer that appends to `out` and works in `tables`, which
    /// must be empty ([`Tables::reset`]).
    #[inline(always)]
    fn with_tables(out: &'a mut Vec<u8>, config: Config, tables: &'a mut Tables) -> Self {
        let base = out.len();
        Serializer {
            out,
            base,
            config,
            static_keys: SmallVec::new(),
            static_index: FxHashMap::default(),
            string_count: 0,
            statics_in_strings: false,
            site: usize::MAX,
            key_pool: std::mem::take(&mut tables.key_pool),
            tables,
            shape_cache: SmallVec::new(),
            shape_index: FxHashMap::default(),
            last_shape: LastShape::NONE,
            key_next: false,
            pending: Pending::None,
        }
    }

    #[inline(always)]
    fn write_u64(&mut self, v: u64) {
        if v <= u64::from(tag::UINT_INLINE_MAX) {
            self.out.push(tag::UINT_INLINE | low_byte(v));
        } else {
            // The tag and all eight bytes in one write of a fixed nine
            // bytes (one capacity check, no call to memcpy), cut back to
            // the bytes the value needs.
            let (t, n) = tag::uint_fixed_of(v);
            let mut buf = [t, 0, 0, 0, 0, 0, 0, 0, 0];
            for (slot, b) in buf[1..].iter_mut().zip(v.to_le_bytes()) {
                *slot = b;
            }
            let len = self.out.len();
            self.out.extend_from_slice(&buf);
            self.out.truncate(len + 1 + n);
        }
    }

    /// A tag and a varint in one write of a fixed eleven bytes (one
    /// capacity check, no call to memcpy), cut back to their length.
    #[inline(always)]
    fn write_tagged_varint(&mut self, t: u8, v: u64) {
        let mut buf = [0_u8; 1 + varint::MAX_LEN_U64];
        buf[0] = t;
        let (_, rest) = buf.split_first_mut().expect("eleven bytes");
        let rest: &mut [u8; varint::MAX_LEN_U64] = rest.try_into().expect("ten bytes");
        let n = varint::encode_u64(v, rest);
        let len = self.out.len();
        self.out.extend_from_slice(&buf);
        self.out.truncate(len + 1 + n);
    }

    /// A tag and a varint below 2^14 (a count, a length, an index) in one
    /// write of two or three bytes, the rest out of line. Through a push
    /// and `varint::write_u64`, each cost a call and two capacity checks
    /// (callgrind, product build: `wire+strings` encodes http-log-10k in
    /// 2.8 % fewer instructions this way and social-timeline in 1.6 %
    /// fewer; `wire` encodes pipeline-network in 2.5 % fewer). A shape
    /// reference above 31 keeps the push and the call: through this,
    /// shapes-arrays-options, which has none, took 2.5 % more to encode,
    /// its struct code compiled differently.
    ///
    /// [`Self::write_tagged_varint`] is for values of any size (a negative
    /// integer's zigzag): it encodes the varint in a loop before its one
    /// write, which these small counts need not pay.
    #[inline]
    fn write_tag_and_varint(&mut self, t: u8, v: u64) {
        if v < 0x80 {
            self.out.extend_from_slice(&[t, low_byte(v)]);
        } else if v < 1 << 14 {
            self.out.extend_from_slice(&[t, low_byte(v) | 0x80, low_byte(v >> 7)]);
        } else {
            write_tag_and_long_varint(self.out, t, v);
        }
    }

    #[inline]
    fn write_i64(&mut self, v: i64) {
        if let Ok(u) = u64::try_from(v) {
            self.write_u64(u);
        } else {
            self.write_tagged_varint(tag::NEG_INT, varint::zigzag_i64(v));
        }
    }

    /// A count in the tag when it fits (`inline_max`), else `long` + varint.
    #[inline(always)]
    fn write_header(&mut self, inline: u8, inline_max: u8, long: u8, n: usize) {
        if n <= usize::from(inline_max) {
            self.out.push(inline | low_byte(n as u64));
        } else {
            self.write_tag_and_varint(long, n as u64);
        }
    }

    #[inline(always)]
    fn write_plain_str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        if let &[b] = bytes {
            // One byte ("-", a flag, a letter): the commonest short string.
            self.out.extend_from_slice(&[tag::STR_INLINE | 1, b]);
        } else if bytes.len() <= 8 {
            // Short strings: gather the bytes in a register, write a fixed
            // nine bytes (no call to memcpy), then cut back to the length.
            let v = crate::strings::short_word(bytes).to_le_bytes();
            let word = [tag::STR_INLINE | low_byte(bytes.len() as u64), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]];
            let len = self.out.len();
            self.out.extend_from_slice(&word);
            self.out.truncate(len + 1 + bytes.len());
        } else if bytes.len() <= usize::from(tag::STR_INLINE_MAX) {
            self.out.push(tag::STR_INLINE | low_byte(bytes.len() as u64));
            self.out.extend_from_slice(bytes);
        } else {
            self.write_tag_and_varint(tag::STR, bytes.len() as u64);
            self.out.extend_from_slice(bytes);
        }
    }

    /// Always inlined: out of line, its call was most of what a repeated
    /// string costs (callgrind, `intern_strings`: http-log-10k encodes in
    /// 4.6 % fewer instructions inlined, table-100k 3.0 %).
    #[inline(always)]
    fn write_ref(&mut self, index: u32) {
        if index <= u32::from(tag::STR_REF_INLINE_MAX) {
            self.out.push(tag::STR_REF_INLINE | low_byte(u64::from(index)));
        } else {
            self.write_tag_and_varint(tag::STR_REF, u64::from(index));
        }
    }

    /// Writes `s` as the next interned string's definition; its index, or
    /// `None` (nothing written) once `max_interned` strings are defined.
    fn write_define(&mut self, s: &str) -> Option<u32> {
        self.write_define_inline(s)
    }

    /// [`Self::write_define`], inlined where a message's first field names
    /// are written (callgrind, pipeline-network: the call cost about 20
    /// instructions a name).
    #[inline(always)]
    fn write_define_inline(&mut self, s: &str) -> Option<u32> {
        if self.string_count >= self.config.max_interned {
            return None;
        }
        let index = u32::try_from(self.string_count).ok()?;
        self.string_count += 1;
        if let Ok(len @ 0..=8) = u8::try_from(s.len()) {
            // A short name ("id", "name"): tag, length and the bytes
            // gathered in a register, one fixed write cut back to the
            // length, as in `write_plain_str` (callgrind: a first struct of
            // three fields cost 20 instructions a key in `memcpy`).
            let v = crate::strings::short_word(s.as_bytes()).to_le_bytes();
            let start = self.out.len();
            self.out.extend_from_slice(&[tag::STR_DEFINE, len, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]]);
            self.out.truncate(start + 2 + usize::from(len));
            return Some(index);
        }
        self.write_tag_and_varint(tag::STR_DEFINE, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        Some(index)
    }

    /// A string that may be interned (a key, or any string when string
    /// interning is on); whether it was found in the table (and written as
    /// a reference), and its index and place in the table, if it is there.
    #[inline(always)]
    fn write_interned(&mut self, s: &str) -> (bool, Option<(u32, usize)>) {
        if !self.statics_in_strings {
            self.statics_to_strings();
        }
        // Hashed once, for the look-up and for the insertion after a miss.
        let hash = StringTable::hash(s);
        if let Some((index, start)) = self.tables.strings.find_hashed(s, hash) {
            self.write_ref(index);
            return (true, Some((index, start)));
        }
        if let Some(index) = self.write_define(s) {
            (false, Some((index, self.tables.strings.insert_new_hashed(s, hash, index))))
        } else {
            self.write_plain_str(s);
            (false, None)
        }
    }

    /// Puts the field and variant names interned so far in `strings` too,
    /// and has [`Self::remember_static`] put later ones there: from the
    /// first string interned by content on, a miss in `strings` is a new
    /// string, with no search of `static_keys` (callgrind: a new string
    /// costs about 40 fewer instructions with eight field names). Not
    /// before: a message with no such string does not pay for the hashing.
    #[cold]
    fn statics_to_strings(&mut self) {
        self.statics_in_strings = true;
        for &(k, index) in &self.static_keys {
            self.tables.strings.get_or_insert(k, index);
        }
    }

    /// The interning index of a `&'static str` in `key_slots`, if it is
    /// there.
    #[inline(always)]
    fn cached_static_index(&self, s: &'static str) -> Option<u32> {
        let slots = &self.tables.key_slots.as_ref()?.slots;
        // Two ways: the key's slot, then its neighbour.
        let at = key_slot(s);
        [slots[at], slots[at ^ 1]]
            .into_iter()
            .find(|&(address, len, index)| address == s.as_ptr() as usize && len == s.len() && index != 0)
            .map(|(_, _, index)| index - 1)
    }

    /// The interning index of a `&'static str`, if it has one.
    #[inline]
    fn static_index_of(&mut self, s: &'static str) -> Option<u32> {
        if let Some(index) = self.cached_static_index(s) {
            return Some(index);
        }
        let index = self.static_index_search(s)?;
        // Met again (or its text was): cached from now on, where the
        // inline path of a variant's name finds it (see
        // `write_variant_key`). A message whose names each appear once
        // makes no cache.
        self.cache_key(s, index);
        Some(index)
    }

    /// Puts `s` and its `index` in `key_slots`: in its slot, or in the
    /// neighbour when its slot holds another key and the neighbour is free.
    #[cold]
    fn cache_key(&mut self, s: &'static str, index: u32) {
        if let Some(plus_one) = index.checked_add(1) {
            let cache = self.tables.key_slots.get_or_insert_with(|| Box::new(KeySlots::EMPTY));
            cache.written = true;
            let slots = &mut cache.slots;
            let at = key_slot(s);
            let at = if slots[at].2 != 0 && slots[at ^ 1].2 == 0 { at ^ 1 } else { at };
            slots[at] = (s.as_ptr() as usize, s.len(), plus_one);
        }
    }

    /// [`Self::static_index_of`] without the cache.
    #[inline]
    fn static_index_search(&mut self, s: &'static str) -> Option<u32> {
        if let Some(&(_, index)) = self.static_keys.iter().find(|(k, _)| std::ptr::eq(*k, s)) {
            return Some(index);
        }
        // Not hashed while the index is empty: a message's first names
        // are searched for in vain.
        if !self.static_index.is_empty()
            && let Some(&index) = self.static_index.get(&(s.as_ptr() as usize, s.len()))
        {
            return Some(index);
        }
        // Not by address: the same text at another address (or interned as
        // a plain string) must still get the same index.
        let by_content = self
            .static_keys
            .iter()
            .find(|(k, _)| same_bytes(k.as_bytes(), s.as_bytes()))
            .map(|&(_, i)| i)
            .or_else(|| self.tables.strings.get(s))?;
        self.remember_static(s, by_content);
        Some(by_content)
    }

    #[inline(always)]
    fn remember_static(&mut self, s: &'static str, index: u32) {
        if self.static_keys.len() < LINEAR {
            self.static_keys.push((s, index));
            if self.statics_in_strings {
                self.tables.strings.get_or_insert(s, index);
            }
        } else {
            self.static_index.insert((s.as_ptr() as usize, s.len()), index);
            // Content lookups for dynamic strings fall back to `strings`.
            self.tables.strings.get_or_insert(s, index);
        }
    }

    /// A `&'static str` key (field or variant name), looked up by address
    /// first.
    #[inline]
    fn write_static_key(&mut self, s: &'static str) {
        if !self.config.intern_keys {
            self.write_plain_str(s);
            return;
        }
        if let Some(index) = self.static_index_of(s) {
            self.write_ref(index);
        } else if let Some(index) = self.write_define_inline(s) {
            self.remember_static(s, index);
        } else {
            self.write_plain_str(s);
        }
    }

    /// A variant's name, after `MAP_INLINE | 1` when a value follows
    /// (`with_value`). The common case, a name already in `key_slots` with
    /// an index that fits the tag, is inline, its bytes one write; the
    /// rest is [`Self::write_static_key`], out of line (callgrind,
    /// shapes-enums-nested: the call, whose entry and exit save every
    /// register for its slow paths, was 50 instructions a variant). The
    /// inline case writes its own reference tag, not [`Self::write_ref`]
    /// after a push: as two writes, shapes-enums-nested took 15 more
    /// instructions a record to encode (573 -> 588, callgrind, product
    /// build).
    #[inline(always)]
    fn write_variant_key(&mut self, variant: &'static str, with_value: bool) {
        if self.config.intern_keys
            && let Some(index) = self.cached_static_index(variant)
            && index <= u32::from(tag::STR_REF_INLINE_MAX)
        {
            let name = tag::STR_REF_INLINE | low_byte(u64::from(index));
            if with_value {
                self.out.extend_from_slice(&[tag::MAP_INLINE | 1, name]);
            } else {
                self.out.push(name);
            }
            return;
        }
        if with_value {
            self.out.push(tag::MAP_INLINE | 1);
        }
        self.write_static_key(variant);
    }

    #[inline(always)]
    fn write_str_value(&mut self, s: &str) {
        let as_key = std::mem::take(&mut self.key_next);
        // A map key: interned whenever either option is on, never subject
        // to a site's count. A value at a site whose interning is off is
        // written by the one plain write, as `wire`'s are: in a copy of its
        // own, LLVM left that copy's `extend_from_slice` and varint out of
        // line, and social-timeline's encode with `intern_strings` took
        // 5.6 % more instructions (callgrind).
        let plain = if as_key {
            !(self.config.intern_keys || self.config.intern_strings)
        } else {
            !self.config.intern_strings || self.site_is_off()
        };
        if plain {
            self.write_plain_str(s);
        } else if as_key {
            self.write_interned(s);
        } else {
            self.write_value_interned(s);
        }
    }

    /// Makes the current site live ([`Serializer::new_site`]) and tells
    /// whether interning is off for its string values.
    #[inline(always)]
    fn site_is_off(&mut self) -> bool {
        // `usize::MAX` (no field yet) is site 0.
        let site = self.site.wrapping_add(1);
        if site >= self.tables.sites_live {
            self.new_site(site);
        }
        self.tables.sites.get(site).is_none_or(|st| st.off)
    }

    /// A string value with `intern_strings` on, at a live site
    /// ([`Serializer::site_is_off`]) whose interning is on.
    #[inline(always)]
    fn write_value_interned(&mut self, s: &str) {
        // `usize::MAX` (no field yet) is site 0.
        let site = self.site.wrapping_add(1);
        let tables = &*self.tables;
        // Read in place: a copy of the site (its recent strings) cost more
        // than the look-up it saves.
        let st = &tables.sites[site];
        let (seen, found) = (st.seen, st.found);
        // A string the field had lately (a log's "-", the same host, a
        // category that takes turns with others): found in the site's
        // slot for it, with no hash and no look-up in the table. Up to
        // eight bytes, the length and the key are the string; a longer one
        // is compared with the bytes the slot points to.
        let key = crate::strings::slot_key(s.as_bytes());
        let slot = Site::slot_of(key, s.len());
        let r = &st.slots[slot];
        let found_recent = (st.filled >> slot & 1 != 0
            && r.len as usize == s.len()
            && r.key == key
            && (s.len() <= 8 || tables.strings.is_at(s, r.start as usize, s.len())))
        .then_some(r.index);
        let hit = if let Some(index) = found_recent {
            self.write_ref(index);
            true
        } else {
            let (hit, at) = self.write_interned(s);
            self.tables.sites[site].remember(slot, at, s.len(), key);
            hit
        };
        let st = &mut self.tables.sites[site];
        if seen + 1 == SITE_WINDOW {
            st.off = found + u8::from(hit) < SITE_MIN_FOUND;
            (st.seen, st.found) = (0, 0);
        } else {
            (st.seen, st.found) = (seen + 1, found + u8::from(hit));
        }
    }

    /// Makes `site` and those before it live: room for them in `sites`,
    /// and the state a value before this one left in them cleared.
    #[cold]
    fn new_site(&mut self, site: usize) {
        let tables = &mut *self.tables;
        if tables.sites.len() <= site {
            tables.sites.resize(site + 1, Site::default());
        }
        for st in tables.sites.get_mut(tables.sites_live..=site).unwrap_or_default() {
            st.clear();
        }
        tables.sites_live = site + 1;
    }

    /// Starts a struct: the common case (a struct type seen before) inline,
    /// the rest out of line.
    #[inline(always)]
    fn start_struct(&mut self, name: &'static str, len: usize) -> StructState {
        let cache_key = (name.as_ptr() as usize, len);
        // Without key interning no shape is ever defined, so no struct type
        // is found, and the slow path writes a map: no test of the config
        // here.
        if self.last_shape.cache_key == cache_key {
            return self.predicted(self.last_shape);
        }
        // A nested struct type: most often the one last started in the
        // same field of the same shape (its site). Without this, each
        // struct of a nested record missed `last_shape` and searched
        // `shape_cache` (callgrind, shapes-enums-nested: three searches a
        // record, 90 of its 730 instructions).
        let site = self.site.wrapping_add(1);
        if let Some(&at_site) = self.tables.site_shapes.get(site)
            && at_site.cache_key == cache_key
        {
            return self.predicted(at_site);
        }
        self.start_struct_search(site, name, len)
    }

    /// Another known struct type (an enum's variant, a struct first met at
    /// this site): a search, out of line, but no more.
    #[inline(never)]
    fn start_struct_search(&mut self, site: usize, name: &'static str, len: usize) -> StructState {
        let cache_key = (name.as_ptr() as usize, len);
        let Some(shape) = self.find_shape(cache_key) else {
            return self.start_struct_slow(name, len);
        };
        let found = self.remember_shape(cache_key, shape);
        let site_shapes = &mut self.tables.site_shapes;
        if site >= site_shapes.len() {
            site_shapes.resize(site + 1, LastShape::NONE);
        }
        site_shapes[site] = found;
        self.predicted(found)
    }

    /// Makes `shape` the one a struct of `cache_key` hits first, and
    /// returns its entry.
    #[inline]
    fn remember_shape(&mut self, cache_key: (usize, usize), shape: u32) -> LastShape {
        let s = &self.tables.shapes[shape as usize];
        self.last_shape = LastShape { cache_key, shape, first: s.first, len: s.declared };
        self.last_shape
    }

    /// The shape defined for a struct type, by (name address, field count).
    #[inline(never)]
    fn find_shape(&self, cache_key: (usize, usize)) -> Option<u32> {
        self.shape_cache
            .iter()
            .find(|(k, _)| *k == cache_key)
            .map(|&(_, s)| s)
            .or_else(|| if self.shape_index.is_empty() { None } else { self.shape_index.get(&cache_key).copied() })
    }

    /// Writes a reference to a known shape and expects its fields.
    #[inline(always)]
    fn predicted(&mut self, known: LastShape) -> StructState {
        let LastShape { shape, first, len, .. } = known;
        let start = self.out.len();
        if shape <= u32::from(tag::SHAPE_REF_INLINE_MAX) {
            self.out.push(tag::SHAPE_REF_INLINE | low_byte(u64::from(shape)));
        } else {
            self.out.push(tag::SHAPE_REF);
            varint::write_u32(self.out, shape);
        }
        StructState { next_key: first, keys_end: first + len, start, shape, slow: StructState::PREDICTED }
    }

    /// A struct written as a map: its field counts kept in `slow_structs`.
    fn slow_struct(&mut self, map: MapFields) -> StructState {
        // As many as there are structs written as maps nested inside each
        // other: the stack's depth bounds it far below `u32::MAX - 1`
        // ([`StructState::DEFINING`]).
        let slow = u32::try_from(self.tables.slow_structs.len()).unwrap_or(u32::MAX - 2);
        self.tables.slow_structs.push(map);
        StructState { next_key: usize::MAX, keys_end: 0, start: 0, shape: 0, slow }
    }

    #[inline(never)]
    fn start_struct_slow(&mut self, name: &'static str, len: usize) -> StructState {
        if !self.config.intern_keys {
            self.write_header(tag::MAP_INLINE, tag::MAP_INLINE_MAX, tag::MAP, len);
            return self.slow_struct(MapFields { declared: len, written: 0 });
        }
        let cache_key = (name.as_ptr() as usize, len);
        if self.tables.shapes.len() < self.config.max_shapes
            && let Ok(shape) = u32::try_from(self.tables.shapes.len())
        {
            let first = self.key_pool.len();
            self.key_pool.resize(first + len, "");
            self.tables.shapes.push(Shape { first, declared: len, cache_key });
            self.write_tag_and_varint(tag::SHAPE_DEFINE, len as u64);
            return StructState { next_key: usize::MAX, keys_end: 0, start: first, shape, slow: StructState::DEFINING };
        }
        self.write_header(tag::MAP_INLINE, tag::MAP_INLINE_MAX, tag::MAP, len);
        self.slow_struct(MapFields { declared: len, written: 0 })
    }

    /// Rewrites a struct begun as a reference to a predicted shape as a map
    /// with explicit keys, when its fields turned out not to match. The
    /// values written so far are found again by walking the bytes.
    fn predicted_to_map(&mut self, shape: u32, start: usize, fields: usize, declared: usize) -> Result<()> {
        let tail = self.out.split_off(start);
        let shape_len = |i: u64| self.tables.shapes.get(usize::try_from(i).ok()?).map(|s| s.declared);
        let mut pos =
            if tail[0] == tag::SHAPE_REF { 1 + varint::read_u64(&tail[1..]).map_or(0, |(_, n)| n) } else { 1 };
        let mut bounds = Vec::with_capacity(fields);
        let mut packed = Vec::new();
        for _ in 0..fields {
            let end = crate::skip::skip_value(&tail, pos, start - self.base, &shape_len, &mut packed)
                .ok_or_else(|| ErrorKind::Message("internal error: could not re-read a written value".into()))?;
            bounds.push((pos, end));
            pos = end;
        }
        self.write_header(tag::MAP_INLINE, tag::MAP_INLINE_MAX, tag::MAP, declared);
        for (i, (from, to)) in bounds.into_iter().enumerate() {
            let key = self.key_pool[self.tables.shapes[shape as usize].first + i];
            self.write_static_key(key);
            self.append_moved(&tail, from, to, &packed);
        }
        Ok(())
    }

    /// Appends `tail[from..to]`, values that were written elsewhere, padding
    /// the packed arrays in them (`packed`, from `skip_value`) again for the
    /// offset they now start at.
    fn append_moved(&mut self, tail: &[u8], from: usize, to: usize, packed: &[(usize, usize, usize)]) {
        let mut at = from;
        // An empty packed array with no padding ends its value: its padding
        // is at `to` itself, and may need bytes where it lands.
        for &(pad_at, pad_len, size) in packed.iter().filter(|p| from < p.0 && p.0 <= to) {
            self.out.extend_from_slice(&tail[at..pad_at]);
            let misalignment = (self.out.len() - self.base) % size;
            if misalignment != 0 {
                self.out.resize(self.out.len() + size - misalignment, 0);
            }
            at = pad_at + pad_len;
        }
        self.out.extend_from_slice(&tail[at..to]);
    }
}

/// The slot of `s` in the serializer's `key_slots`, from its address: its
/// low six bits folded with the next twelve, so that names laid out next to
/// each other (a type's field and variant names, often a few bytes apart)
/// take different slots, and a second way beside it ([`Serializer::cache_key`]).
/// Which names shared a slot used to change with the binary's layout: after
/// an unrelated change to the decoder, shapes-enums-nested's encode searched
/// its key list for variant names (callgrind: 7 % more instructions).
#[inline]
fn key_slot(s: &'static str) -> usize {
    let address = s.as_ptr() as usize;
    (address ^ (address >> 6) ^ (address >> 12)) % KEY_SLOTS
}

/// The low byte of `v`, for tags that carry a small number.
#[inline]
#[allow(clippy::cast_possible_truncation, reason = "callers pass values that fit in the tag's low bits")]
const fn low_byte(v: u64) -> u8 {
    v as u8
}

/// The encoder's tables that live on the heap: shapes, their keys, the
/// interned strings and the key cache. When a serializer is done they are
/// emptied and kept per thread (in [`SPARE`]) for the next one, so that
/// `to_vec` of a struct allocates its output and nothing else, and keys are
/// read from a plain `Vec` (a `SmallVec`'s inline-or-heap test on every
/// field read cost more than the allocation it saved).
#[derive(Default)]
struct Tables {
    shapes: Vec<Shape>,
    /// The field names of every shape, each shape's in one run.
    key_pool: Vec<&'static str>,
    /// Interned strings that are not `&'static` (map keys, values), by
    /// content.
    strings: StringTable,
    /// Interned `&'static str`s by (address, length), direct-mapped, with
    /// their index plus one (0: an empty slot): a hit costs one compare,
    /// not a search of `static_keys`. Made once a name is met again (a
    /// small message allocates nothing more).
    key_slots: Option<Box<KeySlots>>,
    /// How interning has fared in each field of each shape, by
    /// [`Serializer::site`] plus one (`intern_strings` only).
    sites: Vec<Site>,
    /// How many of `sites` this value has used: those after hold what an
    /// earlier value left, and are cleared as they are reached. Emptied
    /// instead, `sites` was filled anew by every message, a whole default
    /// `Site` for each site up to its string's (callgrind,
    /// pipeline-network: 90 instructions a message; cleared, 56).
    sites_live: usize,
    /// The struct type last started at each site, by
    /// [`Serializer::site`] plus one (as `sites`), with its shape.
    site_shapes: Vec<LastShape>,
    /// The field counts of the structs being written as maps, innermost
    /// last: see [`StructState`].
    slow_structs: Vec<MapFields>,
}

/// How interning has fared for the string values of one field of one shape
/// (or, at index 0, for those outside any field of a shape): of the last
/// [`SITE_WINDOW`] values, how many were found in the table. A window with
/// fewer than [`SITE_MIN_FOUND`] turns the site's interning off for the rest
/// of the value: a new string costs a hash, a look-up and an insertion
/// (callgrind: about 220 instructions, a plain string about 20), and a field
/// of ids or timestamps would pay it for every value and gain no byte.
///
/// A site also keeps the strings it had lately, in [`SLOTS`] slots
/// chosen by a hash of each string's length and first, second and last
/// eight bytes ([`slot_key`](crate::strings::slot_key)): a field that
/// repeats one of them costs a multiplication and a comparison or two, not
/// a hash and a look-up in the table. Against the last four strings kept
/// in turn (all four compared up to eight bytes, the last only beyond),
/// callgrind counts 5 % fewer instructions on social-timeline (whose
/// users' places take 41 values) and twitter.json, 10 % fewer on
/// http-log-10k, 18 % fewer on shapes-text, and 6 % more on geojson; the
/// times are in the note of the change. Two strings that fall in the same
/// slot push each other out.
#[derive(Clone, Copy)]
struct Site {
    /// The site's recent strings, each in the slot [`Site::slot_of`]
    /// gives it, the last one there replacing any before.
    slots: [Slot; SLOTS],
    /// Which of `slots` hold a string of this value (bit `i` for slot `i`):
    /// cleared in one write for each new value.
    filled: u32,
    seen: u8,
    found: u8,
    off: bool,
}

impl Default for Site {
    fn default() -> Self {
        Site { slots: [Slot::default(); SLOTS], filled: 0, seen: 0, found: 0, off: false }
    }
}

/// One of a [`Site`]'s recent strings.
#[derive(Clone, Copy, Default)]
struct Slot {
    /// [`slot_key`](crate::strings::slot_key) of the string.
    key: u64,
    len: u32,
    /// Where its bytes are in the string table's arena.
    start: u32,
    /// Its interning index.
    index: u32,
}

/// How many strings a [`Site`] keeps (a power of two, at most 32: one bit
/// each in [`Site::filled`]). With 16, social-timeline took 2.3 % more
/// instructions than with 32 (callgrind); with 64, 0.3 % fewer, for twice
/// the memory: a site is 776 bytes.
const SLOTS: usize = 32;

const _: () = assert!(SLOTS.is_power_of_two() && SLOTS <= 32);

impl Site {
    /// The slot of a string of `len` bytes and [`slot_key`](crate::strings::slot_key)
    /// `key`: the top bits of a multiplicative hash.
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, reason = "the shift leaves log2(SLOTS) bits")]
    fn slot_of(key: u64, len: usize) -> usize {
        ((key ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// Forgets the site's strings and counts, for a new value.
    #[inline]
    fn clear(&mut self) {
        (self.filled, self.seen, self.found, self.off) = (0, 0, 0, false);
    }

    /// Puts the string of `len` bytes and key `key`, with interning index
    /// and place `at`, in `slot` (unless `at` is `None` or does not fit).
    fn remember(&mut self, slot: usize, at: Option<(u32, usize)>, len: usize, key: u64) {
        let fits = at.and_then(|(index, start)| {
            Some(Slot { key, len: u32::try_from(len).ok()?, start: u32::try_from(start).ok()?, index })
        });
        if let Some(entry) = fits {
            self.slots[slot] = entry;
            self.filled |= 1 << slot;
        }
    }
}

/// See [`Site`].
const SITE_WINDOW: u8 = 32;

/// See [`Site`]: a quarter of [`SITE_WINDOW`].
const SITE_MIN_FOUND: u8 = 8;

/// Tables with room for more shapes or keys than this, or for more than
/// [`SPARE_SITES`] sites, are freed, not kept (the string table has its own
/// bounds, [`StringTable::worth_keeping`]): a thread keeps at most about
/// 1.5 MiB (shapes 128 KiB, keys 64 KiB, the struct type last seen at each
/// site 160 KiB, sites 390 KiB, strings 780 KiB).
const SPARE_MAX: usize = 4096;

/// See [`SPARE_MAX`]: 512 [`Site`]s of 776 bytes (twitter.json's values have
/// 116 sites).
const SPARE_SITES: usize = 512;

thread_local! {
    /// The thread's tables, empty between serializers, lent to one
    /// serializer at a time.
    static SPARE: RefCell<Tables> = const {
        RefCell::new(Tables {
            shapes: Vec::new(),
            key_pool: Vec::new(),
            strings: StringTable::new(),
            key_slots: None,
            sites: Vec::new(),
            sites_live: 0,
            site_shapes: Vec::new(),
            slow_structs: Vec::new(),
        })
    };
}

impl Tables {
    /// Empties the tables for the next serializer, keeping their memory,
    /// unless they have grown past [`SPARE_MAX`] or the string table's
    /// bounds: then they are freed.
    fn reset(&mut self) {
        let (shapes, keys) = (self.shapes.capacity(), self.key_pool.capacity());
        if shapes > SPARE_MAX
            || keys > SPARE_MAX
            || self.sites.capacity() > SPARE_SITES
            || !self.strings.worth_keeping()
        {
            *self = Tables::default();
            return;
        }
        self.shapes.clear();
        self.key_pool.clear();
        self.strings.clear();
        self.sites_live = 0;
        self.site_shapes.clear();
        self.slow_structs.clear();
        if let Some(cache) = &mut self.key_slots
            && cache.written
        {
            **cache = KeySlots::EMPTY;
        }
    }
}

impl Drop for Serializer<'_> {
    /// Gives the keys back to the tables and empties them, on unwinding
    /// too, so that the next serializer starts from empty tables.
    fn drop(&mut self) {
        self.tables.key_pool = std::mem::take(&mut self.key_pool);
        self.tables.reset();
    }
}

/// Calls `f` with a serializer that appends to `out` with `config`, and
/// returns what `f` returns.
///
/// The serializer works in the thread's tables (shapes, field names,
/// interned strings), borrowed in place and emptied when `f` returns, so
/// that encoding a message allocates nothing but its output. Tables larger
/// than about 1 MiB are freed instead: a thread keeps at most that. So is
/// a string table that the value filled to less than an eighth, so that
/// small values after a large one do not pay for emptying it. A
/// serializer made while another is at work on the same thread (a
/// `Serialize` impl that encodes something itself), or while the thread
/// ends, gets tables of its own.
///
/// `f` should write one value: see [`Serializer`].
///
/// # Examples
///
/// Encoding into a buffer that is reused from message to message:
///
/// ```
/// use flatbox_wire::Config;
/// use serde::Serialize;
///
/// let mut out = Vec::new();
/// for message in [(1_u8, "a"), (2, "b")] {
///     out.clear();
///     flatbox_wire::with_serializer(&mut out, Config::default(), |ser| message.serialize(ser))?;
///     assert_eq!(flatbox_wire::from_slice::<(u8, &str)>(&out)?, message);
/// }
/// assert_eq!(out, [0x62, 0x02, 0x41, b'b']);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[inline(always)]
pub fn with_serializer<R>(out: &mut Vec<u8>, config: Config, f: impl FnOnce(&mut Serializer<'_>) -> R) -> R {
    // Borrowed in place, not moved: taken out of a `Cell` and swapped back
    // (23 words each way), they cost pipeline-network's `to_vec`, one
    // three-field struct, 94 instructions more (1,222 against 1,128,
    // callgrind) and 10 ns more in the bench (82.5 against 72.4 ns).
    let mut job = Some((out, f));
    let done = SPARE.try_with(|cell| {
        let mut tables = cell.try_borrow_mut().ok()?;
        let (out, f) = job.take()?;
        Some(f(&mut Serializer::with_tables(out, config, &mut tables)))
    });
    match (done, job) {
        (Ok(Some(result)), _) => result,
        (_, Some((out, f))) => f(&mut Serializer::with_tables(out, config, &mut Tables::default())),
        (_, None) => unreachable!("the job is taken only to be done"),
    }
}

/// The shape a struct type used last, and where its keys are.
#[derive(Clone, Copy)]
struct LastShape {
    cache_key: (usize, usize),
    shape: u32,
    first: usize,
    len: usize,
}

impl LastShape {
    /// No struct type: no name is at address 0.
    const NONE: LastShape = LastShape { cache_key: (0, usize::MAX), shape: 0, first: 0, len: 0 };
}

/// A struct written as a map (its keys inline), kept in the serializer's
/// `slow_structs`: the fields it declared, and those written so far.
#[derive(Clone, Copy)]
struct MapFields {
    declared: usize,
    written: usize,
}

/// Where a struct's serialization is. Plain numbers, copied in and out of
/// its slow paths rather than reached through a pointer, so that on the
/// fast path it stays in registers: with the mode in it as an enum, or
/// with a pointer to it passed to the slow paths, every struct stored it
/// and loaded it back whole (perf, records-1m encode: a quarter to a third
/// of the samples on that load).
#[derive(Clone, Copy)]
struct StructState {
    /// In a predicted struct, where in `key_pool` the key the next field
    /// must have is, and where the shape's keys end: the fast path's whole
    /// state, so that a field costs no test of the mode. Otherwise
    /// `usize::MAX` and 0, which no field and no end matches.
    next_key: usize,
    keys_end: usize,
    /// In a predicted struct, where its shape reference was written, and
    /// the shape; in a struct defining a shape, the slot in `key_pool` of
    /// its next field's name, and the shape.
    start: usize,
    shape: u32,
    /// [`Self::PREDICTED`], [`Self::DEFINING`], or where in `slow_structs`
    /// this struct's field counts are (a map).
    slow: u32,
}

impl StructState {
    /// `slow` of a struct that follows a shape it predicted.
    const PREDICTED: u32 = u32::MAX;
    /// `slow` of a struct that defines its shape: all it needs is in the
    /// state and the shape, none of it in `slow_structs` (callgrind:
    /// pipeline-network, one three-field struct, encodes in 70 fewer
    /// instructions, 1,128 -> 1,058).
    const DEFINING: u32 = u32::MAX - 1;
}

/// Serializes the fields of a struct or struct variant.
#[doc(hidden)]
pub struct StructSerializer<'s, 'a> {
    ser: &'s mut Serializer<'a>,
    state: StructState,
}

impl StructSerializer<'_, '_> {
    #[inline(always)]
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        // Both bounds: past the shape's last key, `key_pool` holds other
        // shapes' keys (or slots not yet filled), and a field must not be
        // taken for one of them.
        let next_key = self.state.next_key;
        if next_key < self.state.keys_end
            && let Some(&expected) = self.ser.key_pool.get(next_key)
            && std::ptr::eq(expected, key)
        {
            self.ser.site = next_key;
            self.state.next_key = next_key + 1;
        } else if self.state.slow == StructState::DEFINING {
            define_field(self.ser, key, self.state.start, self.state.shape)?;
            self.state.start += 1;
        } else {
            // The state goes in as numbers, not as one struct: passed
            // whole, it was copied to the stack at every struct's start,
            // as one 16-byte load of fields stored separately just before
            // (a store forwarding stall, a third of records-1m's encode
            // samples).
            let StructState { next_key, keys_end, start, shape, slow } = self.state;
            let (result, state) = field_slow(self.ser, key, next_key, keys_end, start, shape, slow);
            self.state = state;
            result?;
        }
        // The value's one call, on both paths: called from the slow path
        // too, an `Option` or array field's `serialize` had two callers,
        // and LLVM kept it out of line (callgrind, shapes-arrays-options).
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn finish(self) -> Result<()> {
        if self.state.next_key == self.state.keys_end {
            return Ok(());
        }
        let StructState { next_key, keys_end, start, shape, slow } = self.state;
        finish_slow(self.ser, next_key, keys_end, start, shape, slow)
    }
}

/// A field of a struct that defines its shape: its name goes in the
/// shape's `slot` in `key_pool` and into the output, before its value.
/// Out of line, but apart from [`field_slow`]: with fewer arguments, and
/// a `Result` for all it returns, pipeline-network's three fields cost 72
/// fewer instructions (callgrind: 1,058 -> 986 a message).
#[inline(never)]
fn define_field(ser: &mut Serializer<'_>, key: &'static str, slot: usize, shape: u32) -> Result<()> {
    let s = &ser.tables.shapes[shape as usize];
    if slot == s.first + s.declared {
        return Err(too_many_fields(s.declared));
    }
    ser.key_pool[slot] = key;
    // A plain string, not interned: every later struct of the shape refers
    // to the shape, not to its keys, so interning them cost a look-up by
    // content and a definition each and gained nothing (callgrind, product
    // build: pipeline-network, one three-field struct a message, encodes in
    // 21 % fewer instructions this way, and its message is 3 bytes
    // shorter). A name two struct types share is spelled out in each
    // definition.
    ser.write_plain_str(key);
    ser.site = slot;
    Ok(())
}

/// A field off the fast path, given the struct's [`StructState`] field by
/// field: checks it and writes its key where the struct needs one; returns
/// the state after it. The caller then writes the value.
#[inline(never)]
#[allow(clippy::too_many_arguments, reason = "a struct's state, as numbers: see `StructSerializer::field`")]
fn field_slow(
    ser: &mut Serializer<'_>,
    key: &'static str,
    next_key: usize,
    keys_end: usize,
    start: usize,
    shape: u32,
    slow: u32,
) -> (Result<()>, StructState) {
    let mut state = StructState { next_key, keys_end, start, shape, slow };
    if state.slow == StructState::PREDICTED {
        let declared = ser.tables.shapes[state.shape as usize].declared;
        let field = declared - (state.keys_end - state.next_key);
        if field == declared {
            return (Err(too_many_fields(declared)), state);
        }
        if ser.key_pool[state.next_key] == key {
            ser.site = state.next_key;
            state.next_key += 1;
            return (Ok(()), state);
        }
        if let Err(e) = ser.predicted_to_map(state.shape, state.start, field, declared) {
            return (Err(e), state);
        }
        // Off the fast path: `field` and `finish` now always go to their
        // slow halves.
        let StructState { next_key, keys_end, start, shape, slow } =
            ser.slow_struct(MapFields { declared, written: field });
        return field_slow(ser, key, next_key, keys_end, start, shape, slow);
    }
    let MapFields { declared, written } = &mut ser.tables.slow_structs[state.slow as usize];
    if *written == *declared {
        return (Err(too_many_fields(*declared)), state);
    }
    *written += 1;
    ser.write_static_key(key);
    (Ok(()), state)
}

/// The end of a struct off the fast path (a shape defined, a map, or a
/// field count that does not match), given its [`StructState`] field by
/// field as [`field_slow`] is.
#[inline(never)]
fn finish_slow(
    ser: &mut Serializer<'_>,
    next_key: usize,
    keys_end: usize,
    start: usize,
    shape: u32,
    slow: u32,
) -> Result<()> {
    let state = StructState { next_key, keys_end, start, shape, slow };
    if state.slow == StructState::PREDICTED {
        let expected = ser.tables.shapes[state.shape as usize].declared;
        let field = expected - (state.keys_end - state.next_key);
        return Err(ErrorKind::Message(format!(
            "struct declared {expected} fields but serialized {field} (at byte {} of the output)",
            state.start
        ))
        .into());
    }
    if state.slow == StructState::DEFINING {
        let &Shape { first, declared, cache_key } = &ser.tables.shapes[state.shape as usize];
        if state.start != first + declared {
            return Err(fewer_fields(declared, state.start - first));
        }
        if ser.shape_cache.len() < LINEAR {
            ser.shape_cache.push((cache_key, state.shape));
        } else {
            ser.shape_index.insert(cache_key, state.shape);
        }
        ser.remember_shape(cache_key, state.shape);
        return Ok(());
    }
    let slow = state.slow as usize;
    let MapFields { declared, written } = ser.tables.slow_structs[slow];
    // This struct's counts and any left by inner maps that failed.
    ser.tables.slow_structs.truncate(slow);
    if written == declared { Ok(()) } else { Err(fewer_fields(declared, written)) }
}

impl ser::SerializeStruct for StructSerializer<'_, '_> {
    type Ok = ();
    type Error = Error;

    #[inline(always)]
    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.field(key, value)
    }

    #[inline(always)]
    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for StructSerializer<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

/// The error for a struct that serializes more fields than the `declared`
/// it began with, whether its shape is being defined, predicted or written
/// as a map.
#[cold]
fn too_many_fields(declared: usize) -> Error {
    ErrorKind::Message(format!("struct has more fields than the {declared} it declared")).into()
}

/// The error for a struct whose serialization ended after `written` of
/// the `declared` fields.
#[cold]
fn fewer_fields(declared: usize, written: usize) -> Error {
    ErrorKind::Message(format!("struct declared {declared} fields but serialized {written}")).into()
}

#[cold]
fn too_many_items(declared: usize, map: bool) -> Error {
    let what = if map { "map has more entries" } else { "sequence has more elements" };
    ErrorKind::Message(format!("{what} than the {declared} it declared")).into()
}

/// Serializes the elements of a sequence, tuple or map.
#[doc(hidden)]
pub struct Compound<'s, 'a> {
    ser: &'s mut Serializer<'a>,
    /// The declared count, and the items written: an item costs one
    /// comparison, which LLVM drops where it sees that the caller's loop
    /// is as long as the count it declared (a `Vec`'s), and a sequence
    /// that never stops is stopped at the first item too many.
    /// `declared` is `usize::MAX` for an unknown length, which no sequence
    /// in memory reaches.
    declared: usize,
    written: usize,
    /// For a sequence or map of unknown length, where its header goes;
    /// otherwise `usize::MAX`.
    unknown_start: usize,
    map: bool,
}

impl Compound<'_, '_> {
    /// A compound of `declared` items, or of an unknown count whose header
    /// goes at `unknown_start`.
    #[inline(always)]
    fn new<'s, 'a>(ser: &'s mut Serializer<'a>, declared: Option<usize>, map: bool) -> Compound<'s, 'a> {
        if let Some(n) = declared {
            Compound { ser, declared: n, written: 0, unknown_start: usize::MAX, map }
        } else {
            let unknown_start = ser.out.len();
            Compound { ser, declared: usize::MAX, written: 0, unknown_start, map }
        }
    }

    /// Counts an item, or fails if it is one more than declared.
    #[inline(always)]
    fn count(&mut self) -> Result<()> {
        if self.written == self.declared {
            return Err(too_many_items(self.declared, self.map));
        }
        self.written += 1;
        Ok(())
    }

    #[inline(always)]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.count()?;
        value.serialize(&mut *self.ser)
    }

    /// Ends the sequence: the common case (a known length, kept to) inline,
    /// since a sequence of small tuples ends one every few bytes. The rest
    /// goes out of line with the state as numbers, so that no pointer to
    /// it keeps it out of registers (see [`StructState`]).
    #[inline(always)]
    fn finish(self) -> Result<()> {
        if self.written == self.declared {
            return Ok(());
        }
        compound_finish_slow(self.ser, self.declared, self.written, self.unknown_start, self.map)
    }
}

/// The end of a sequence or map of unknown length, or of one with fewer
/// items than it declared.
#[inline(never)]
fn compound_finish_slow(
    ser: &mut Serializer<'_>,
    declared: usize,
    written: usize,
    unknown_start: usize,
    map: bool,
) -> Result<()> {
    if unknown_start != usize::MAX {
        // The count is known only now: write the header and move the items
        // after it, padding packed arrays in them again.
        let body = ser.out.split_off(unknown_start);
        let mut packed = Vec::new();
        let items = if map { 2 * written } else { written };
        let shapes = &ser.tables.shapes;
        let shape_len = |i: u64| shapes.get(usize::try_from(i).ok()?).map(|s| s.declared);
        let mut pos = 0;
        for _ in 0..items {
            pos = crate::skip::skip_value(&body, pos, unknown_start - ser.base, &shape_len, &mut packed)
                .ok_or_else(|| ErrorKind::Message("internal error: could not re-read a written value".into()))?;
        }
        if map {
            ser.write_header(tag::MAP_INLINE, tag::MAP_INLINE_MAX, tag::MAP, written);
        } else {
            ser.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, written);
        }
        ser.append_moved(&body, 0, body.len(), &packed);
        return Ok(());
    }
    Err(ErrorKind::Message(if map {
        format!("map declared {declared} entries but serialized {written}")
    } else {
        format!("sequence declared {declared} elements but serialized {written}")
    })
    .into())
}

/// An array of numbers of `kind` and `n` elements, `first` (a number of
/// that kind) and those in `iter`: writes every element without a tag
/// while each is a number of the kind, and returns how many it wrote and
/// the element it stopped at. At one that is not a number of the kind, the
/// elements so far are written again as a plain array ([`plain_array_of`])
/// for the caller to go on with. It stops after `n` elements: the caller's
/// count check then fails at an element too many, and its end at too few.
#[inline(never)]
#[allow(clippy::type_complexity, reason = "the count, the element stopped at, and the iterator given back")]
fn numbers_seq<I>(
    ser: &mut Serializer<'_>,
    n: usize,
    kind: u8,
    first: I::Item,
    mut iter: I,
) -> Result<(usize, Option<I::Item>, I)>
where
    I: Iterator,
    I::Item: Serialize,
{
    let at = ser.out.len();
    ser.out.extend_from_slice(&[tag::NUMBERS, kind]);
    varint::write_u64(ser.out, n as u64);
    reserve_elements(ser.out, kind, n);
    let mut item = first;
    let mut written = 0;
    let mut staged = Staged([0; Staged::SIZE]);
    let mut len = 0;
    loop {
        if written == n {
            staged.flush(ser.out, len);
            return Ok((written, Some(item), iter));
        }
        let Some(new_len) = staged.element(ser.out, len, kind, item.serialize(numbers::Probe)?) else {
            staged.flush(ser.out, len);
            plain_array_of(ser, kind, 0, at, n, written)?;
            return Ok((written, Some(item), iter));
        };
        len = new_len;
        written += 1;
        let Some(next) = iter.next() else {
            staged.flush(ser.out, len);
            return Ok((written, None, iter));
        };
        item = next;
    }
}

/// Makes room in `out` for `n` elements of `kind` at once (a varint's
/// least size, one byte, for the varint kinds): a `Vec<f64>` of a million
/// grows the output once, not through every power of two (float-array-1m
/// encoded in about 25 % less time). At most [`MAX_RESERVE`] bytes, and
/// only if the allocator has them: `n` is an iterator's exact size hint,
/// which `repeat(x).take(usize::MAX)` gives too.
#[inline]
fn reserve_elements(out: &mut Vec<u8>, kind: u8, n: usize) {
    let size = numbers::element_size(kind).unwrap_or(0).max(1);
    // Failing, the output grows as it goes, as it would have.
    let _ = out.try_reserve(n.saturating_mul(size).min(MAX_RESERVE));
}

/// How many elements of a long sequence are written before the rest of
/// it is first estimated ([`reserve_by_sample`]).
const SIZE_SAMPLE: usize = 64;

/// Makes room in `out` for the `declared - done` elements of a sequence
/// still to come, estimated from the `done` written since `start`, when
/// the room left is less than that: room for the estimate plus an eighth,
/// and at least a quarter more than the capacity, so that sequences
/// nested in each other, each sampled, grow the output geometrically. At
/// most [`MAX_RESERVE`] bytes, and only if the allocator has them.
///
/// Called after 64 elements and again each time the count doubles: the
/// first elements can be smaller than the rest (records numbered from 0,
/// whose varints grow: records-1m's first 64 take 87 % of the average bytes).
///
/// An output grown by doubling alone reallocates and copies about as many
/// bytes as it ends with, and ends with up to twice the room it needs: an
/// output of 16 to 32 MiB then has 32 MiB, which glibc's `malloc` maps
/// fresh from the kernel on every call (its largest threshold for that),
/// so each call pays a page fault per 4 KiB written.
///
/// An estimate larger than what follows costs address space more than
/// memory: pages of the output that are never written are never touched.
#[cold]
#[inline(never)]
fn reserve_by_sample(out: &mut Vec<u8>, start: usize, done: usize, declared: usize) {
    let sample = (out.len() - start) as u128;
    let rest = sample * (declared - done) as u128 / done as u128;
    let bounded = |n: u128| usize::try_from(n).unwrap_or(usize::MAX).min(MAX_RESERVE);
    if out.capacity() - out.len() < bounded(rest) {
        let room = bounded(rest + rest / 8).max(out.capacity() / 4);
        let _ = out.try_reserve_exact(room);
    }
}

/// The most [`reserve_elements`] reserves at once: 256 MiB.
const MAX_RESERVE: usize = 1 << 28;

/// An array of numbers' elements on their way to the output, gathered on
/// the stack: a run of them costs one capacity check and one copy, not a
/// check and a length update each (callgrind: a `Vec<f64>` element 17
/// instructions written straight to the output with `extend_from_slice`,
/// 14 staged, postcard's 13; room made in the output itself and cut back
/// took 17, its zeroing costing what the checks had). The length is the
/// caller's, passed in and returned, so that it stays in a register.
struct Staged([u8; Staged::SIZE]);

impl Staged {
    const SIZE: usize = 256;

    /// Adds `element` to an array of numbers of `kind` after the `len`
    /// bytes staged, first moving them to `out` if it might not fit;
    /// returns the new length, or `None`, adding nothing, when it is not a
    /// number of that kind.
    #[inline(always)]
    fn element(&mut self, out: &mut Vec<u8>, len: usize, kind: u8, element: Probed) -> Option<usize> {
        let at = if len > Self::SIZE - varint::MAX_LEN_U64 { self.flush(out, len) } else { len };
        self.element_at(at, kind, element)
    }

    /// Adds `element` to an array of numbers of `kind` at `at` (room for
    /// one more element left, not checked); returns where it ends, or
    /// `None` when it is not a number of that kind.
    #[inline(always)]
    fn element_at(&mut self, at: usize, kind: u8, element: Probed) -> Option<usize> {
        Some(match (kind, element) {
            (numbers::F64, Probed::F64(v)) => self.put(at, v.to_le_bytes()),
            (numbers::F32, Probed::F32(v)) => self.put(at, v.to_le_bytes()),
            _ => match element.element(kind)? {
                v if kind == numbers::U8 || kind == numbers::I8 || v < 0x80 => self.put(at, [low_byte(v)]),
                v if v < 0x4000 => self.put(at, [low_byte(v) | 0x80, low_byte(v >> 7)]),
                v => {
                    let mut varint = [0_u8; varint::MAX_LEN_U64];
                    let n = varint::encode_u64(v, &mut varint);
                    self.put(at, varint) - varint::MAX_LEN_U64 + n
                }
            },
        })
    }

    /// Writes `bytes` at `at` (at most `SIZE - MAX_LEN_U64`, so they fit);
    /// returns where they end.
    #[inline(always)]
    fn put<const N: usize>(&mut self, at: usize, bytes: [u8; N]) -> usize {
        if let Some(slot) = self.0.get_mut(at..at + N) {
            slot.copy_from_slice(&bytes);
        }
        at + N
    }

    /// Moves the `len` bytes staged to `out`; returns the new length, 0.
    #[inline]
    fn flush(&self, out: &mut Vec<u8>, len: usize) -> usize {
        out.extend_from_slice(&self.0[..len]);
        0
    }
}

/// An array of rows of `width` numbers of `kind`, `n` of them, `first` (a
/// tuple that [`Probed::Row`] found to be one) and those in `iter`: as
/// [`numbers_seq`], a row at a time. A row is staged whole or not at all,
/// so at an element that is not a row of the kind and width, the rows so
/// far are written again as a plain array of plain arrays.
#[inline(never)]
#[allow(clippy::type_complexity, reason = "the count, the element stopped at, and the iterator given back")]
fn rows_seq<I>(
    ser: &mut Serializer<'_>,
    n: usize,
    kind: u8,
    width: usize,
    first: I::Item,
    mut iter: I,
) -> Result<(usize, Option<I::Item>, I)>
where
    I: Iterator,
    I::Item: Serialize,
{
    let at = ser.out.len();
    ser.out.extend_from_slice(&[tag::NUMBERS, kind | numbers::ROWS]);
    varint::write_u64(ser.out, n as u64);
    varint::write_u64(ser.out, width as u64);
    reserve_elements(ser.out, kind, n.saturating_mul(width));
    let mut item = first;
    let mut written = 0;
    let mut staged = Staged([0; Staged::SIZE]);
    let mut len = 0;
    loop {
        if written == n {
            staged.flush(ser.out, len);
            return Ok((written, Some(item), iter));
        }
        if len > Staged::SIZE - width * varint::MAX_LEN_U64 {
            len = staged.flush(ser.out, len);
        }
        let mut row = RowWriter { staged: &mut staged, len, kind, width };
        if !matches!(item.serialize(&mut row)?, Probed::Row { .. }) {
            staged.flush(ser.out, len);
            plain_array_of(ser, kind, width, at, n, written)?;
            return Ok((written, Some(item), iter));
        }
        len = row.len;
        written += 1;
        let Some(next) = iter.next() else {
            staged.flush(ser.out, len);
            return Ok((written, None, iter));
        };
        item = next;
    }
}

/// Stages a tuple of `width` numbers of `kind` as a row, after the `len`
/// bytes staged (with room for the whole row): answers a [`Probed::Row`]
/// and moves `len` past it when it is one, [`Probed::Not`] (and `len`
/// unchanged) when not.
struct RowWriter<'a> {
    staged: &'a mut Staged,
    len: usize,
    kind: u8,
    width: usize,
}

/// A row's elements on their way to [`RowWriter::staged`].
struct RowElements<'r, 'a> {
    row: &'r mut RowWriter<'a>,
    /// Where the next element goes, `None` once one was not a number of
    /// the kind.
    at: Option<usize>,
    seen: usize,
}

impl RowElements<'_, '_> {
    #[inline(always)]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let element = value.serialize(numbers::Probe)?;
        self.seen += 1;
        self.at = match self.at {
            Some(at) if self.seen <= self.row.width => self.row.staged.element_at(at, self.row.kind, element),
            _ => None,
        };
        Ok(())
    }

    #[inline(always)]
    fn end(self) -> Probed {
        match self.at {
            Some(at) if self.seen == self.row.width => {
                self.row.len = at;
                // `width` came from a `Probed::Row`: it fits a byte.
                Probed::Row { kind: self.row.kind, width: u8::try_from(self.row.width).unwrap_or(u8::MAX) }
            }
            _ => Probed::Not,
        }
    }
}

numbers::row_compound!(RowElements<'_, '_>);

impl<'r, 'a> ser::Serializer for &'r mut RowWriter<'a> {
    type Ok = Probed;
    type Error = Error;
    type SerializeSeq = numbers::NotNumber;
    type SerializeTuple = RowElements<'r, 'a>;
    type SerializeTupleStruct = RowElements<'r, 'a>;
    type SerializeTupleVariant = numbers::NotNumber;
    type SerializeMap = numbers::NotNumber;
    type SerializeStruct = numbers::NotNumber;
    type SerializeStructVariant = numbers::NotNumber;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline(always)]
    fn serialize_tuple(self, len: usize) -> Result<RowElements<'r, 'a>> {
        let at = self.len;
        Ok(RowElements { at: (len == self.width).then_some(at), row: self, seen: 0 })
    }

    #[inline(always)]
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<RowElements<'r, 'a>> {
        self.serialize_tuple(len)
    }

    /// A newtype around a row is the row, as the serializer writes it.
    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> Result<Probed> {
        if name.starts_with("$flatbox_wire::") {
            return Ok(Probed::Not);
        }
        value.serialize(self)
    }

    // A number is not a row.
    numbers::not_a_number! {
        serialize_i8(v: i8),
        serialize_i16(v: i16),
        serialize_i32(v: i32),
        serialize_i64(v: i64),
        serialize_u8(v: u8),
        serialize_u16(v: u16),
        serialize_u32(v: u32),
        serialize_u64(v: u64),
        serialize_f32(v: f32),
        serialize_f64(v: f64),
    }

    numbers::neither_number_nor_row!();
}

/// Makes the array of numbers of `kind` at `at` (`declared` elements,
/// `done` of them written; rows of `width` numbers each, or numbers when
/// `width` is 0) a plain array: its header, and those elements again, each
/// as it is written alone (a number with its tag, a row of fewer than
/// [`numbers::MIN_TUPLE`] as a plain array of them, a wider one as an
/// array of numbers), byte for byte as if it had never been tried.
#[cold]
#[inline(never)]
fn plain_array_of(
    ser: &mut Serializer<'_>,
    kind: u8,
    width: usize,
    at: usize,
    declared: usize,
    done: usize,
) -> Result<()> {
    let mut header = 2 + varint::encoded_len_u64(declared as u64);
    if width > 0 {
        header += varint::encoded_len_u64(width as u64);
    }
    let body = ser.out.split_off(at + header);
    ser.out.truncate(at);
    ser.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, declared);
    let mut pos = 0;
    let reread = || Error::from(ErrorKind::Message("internal error: could not re-read a written number".into()));
    for _ in 0..done {
        if width >= numbers::MIN_TUPLE {
            // A row as the tuple it is would be written alone: an array
            // of numbers of the kind.
            let start = pos;
            for _ in 0..width {
                pos += body.get(pos..).and_then(|b| numbers::element_at(kind, b)).ok_or_else(reread)?.1;
            }
            ser.out.extend_from_slice(&[tag::NUMBERS, kind]);
            varint::write_u64(ser.out, width as u64);
            ser.out.extend_from_slice(&body[start..pos]);
            continue;
        }
        if width > 0 {
            ser.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, width);
        }
        for _ in 0..width.max(1) {
            let (number, len) = body.get(pos..).and_then(|b| numbers::element_at(kind, b)).ok_or_else(reread)?;
            pos += len;
            match number {
                Number::Unsigned(v) => ser.write_u64(v),
                Number::Signed(v) => ser.write_i64(v),
                Number::F32(v) => ser::Serializer::serialize_f32(&mut *ser, v)?,
                Number::F64(v) => ser::Serializer::serialize_f64(&mut *ser, v)?,
            }
        }
    }
    Ok(())
}

macro_rules! compound_impl {
    ($type:ident, $trait:ident, $method:ident) => {
        impl ser::$trait for $type<'_, '_> {
            type Ok = ();
            type Error = Error;

            #[inline(always)]
            fn $method<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
                self.element(value)
            }

            #[inline(always)]
            fn end(self) -> Result<()> {
                self.finish()
            }
        }
    };
}

compound_impl!(Compound, SerializeSeq, serialize_element);
compound_impl!(Compound, SerializeTupleVariant, serialize_field);

/// [`Tuple::kind`] of a tuple written as a plain array.
const TUPLE_PLAIN: u8 = 0;
/// [`Tuple::kind`] of a tuple whose first element is yet to be seen.
const TUPLE_UNDECIDED: u8 = 0xFF;

/// Serializes the elements of a tuple, fixed array or tuple struct: an
/// array of numbers (`FORMAT.md`) when it has at least
/// [`numbers::MIN_TUPLE`] elements and each is a number that fits the kind
/// of the first, else a plain array.
///
/// The form is chosen at the first element, which is probed before
/// anything is written; at a later element that is not a number of the
/// kind, the elements so far are written again as a plain array
/// ([`plain_array_of`]) and the rest go on plainly.
#[doc(hidden)]
pub struct Tuple<'s, 'a> {
    ser: &'s mut Serializer<'a>,
    len: usize,
    written: usize,
    /// Where the tuple starts in the output.
    at: usize,
    /// [`TUPLE_PLAIN`], [`TUPLE_UNDECIDED`], or the kind of the array of
    /// numbers being written.
    kind: u8,
}

impl Tuple<'_, '_> {
    #[inline(always)]
    fn element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        if self.written == self.len {
            return Err(too_many_items(self.len, false));
        }
        self.written += 1;
        if self.kind == TUPLE_PLAIN {
            return value.serialize(&mut *self.ser);
        }
        let probed = value.serialize(numbers::Probe)?;
        if self.kind == TUPLE_UNDECIDED {
            let Some(kind) = probed.kind() else {
                self.kind = TUPLE_PLAIN;
                self.ser.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, self.len);
                return value.serialize(&mut *self.ser);
            };
            self.kind = kind;
            if let Ok(len) = u8::try_from(self.len)
                && len < 0x80
            {
                self.ser.out.extend_from_slice(&[tag::NUMBERS, kind, len]);
            } else {
                self.ser.out.extend_from_slice(&[tag::NUMBERS, kind]);
                varint::write_u64(self.ser.out, self.len as u64);
            }
        }
        if push_number(self.ser.out, self.kind, probed) {
            return Ok(());
        }
        plain_array_of(self.ser, self.kind, 0, self.at, self.len, self.written - 1)?;
        self.kind = TUPLE_PLAIN;
        value.serialize(&mut *self.ser)
    }

    #[inline(always)]
    fn finish(self) -> Result<()> {
        if self.written == self.len {
            return Ok(());
        }
        if self.kind == TUPLE_UNDECIDED {
            // No element at all: the plain header the elements never came
            // after, so that the error below names the count.
            self.ser.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, self.len);
        }
        compound_finish_slow(self.ser, self.len, self.written, usize::MAX, false)
    }
}

/// Writes `element` as an element of an array of numbers of `kind`;
/// `false`, writing nothing, when it is not a number of that kind.
#[inline(always)]
fn push_number(out: &mut Vec<u8>, kind: u8, element: Probed) -> bool {
    match (kind, element) {
        (numbers::F64, Probed::F64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (numbers::F32, Probed::F32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        _ => match element.element(kind) {
            None => return false,
            Some(v) if kind == numbers::U8 || kind == numbers::I8 => out.push(low_byte(v)),
            Some(v) => varint::write_u64(out, v),
        },
    }
    true
}

compound_impl!(Tuple, SerializeTuple, serialize_element);
compound_impl!(Tuple, SerializeTupleStruct, serialize_field);

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.count()?;
        self.ser.key_next = true;
        let result = key.serialize(&mut *self.ser);
        self.ser.key_next = false;
        result
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<()> {
        self.finish()
    }
}

impl<'s, 'a> ser::Serializer for &'s mut Serializer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'s, 'a>;
    type SerializeTuple = Tuple<'s, 'a>;
    type SerializeTupleStruct = Tuple<'s, 'a>;
    type SerializeTupleVariant = Compound<'s, 'a>;
    type SerializeMap = Compound<'s, 'a>;
    type SerializeStruct = StructSerializer<'s, 'a>;
    type SerializeStructVariant = StructSerializer<'s, 'a>;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out.push(if v { tag::TRUE } else { tag::FALSE });
        Ok(())
    }

    #[inline]
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.write_i64(i64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.write_i64(i64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.write_i64(i64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.write_i64(v);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<()> {
        if let Ok(v) = i64::try_from(v) {
            self.write_i64(v);
        } else if let Ok(u) = u128::try_from(v) {
            return self.serialize_u128(u);
        } else {
            self.out.push(tag::NEG_INT128);
            varint::write_i128(self.out, v);
        }
        Ok(())
    }

    #[inline]
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.write_u64(u64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.write_u64(u64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.write_u64(u64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.write_u64(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<()> {
        if let Ok(v) = u64::try_from(v) {
            self.write_u64(v);
        } else {
            self.out.push(tag::UINT128);
            varint::write_u128(self.out, v);
        }
        Ok(())
    }

    #[inline]
    fn serialize_f32(self, v: f32) -> Result<()> {
        // One write of tag and value: one capacity check, not two.
        let [b0, b1, b2, b3] = v.to_le_bytes();
        self.out.extend_from_slice(&[tag::F32, b0, b1, b2, b3]);
        Ok(())
    }

    #[inline]
    fn serialize_f64(self, v: f64) -> Result<()> {
        let [b0, b1, b2, b3, b4, b5, b6, b7] = v.to_le_bytes();
        self.out.extend_from_slice(&[tag::F64, b0, b1, b2, b3, b4, b5, b6, b7]);
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<()> {
        let mut buf = [0; 4];
        self.write_str_value(v.encode_utf8(&mut buf));
        Ok(())
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<()> {
        self.write_str_value(v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::None => {
                self.out.push(tag::BYTES);
                varint::write_u64(self.out, v.len() as u64);
                self.out.extend_from_slice(v);
            }
            Pending::Packed(kind) => {
                let size = magic::packed_size(kind)
                    .ok_or_else(|| ErrorKind::Message(format!("unknown packed kind {kind}")))?;
                if !v.len().is_multiple_of(size) {
                    return Err(ErrorKind::Message(format!(
                        "packed data of {} bytes is not a whole number of {size}-byte elements",
                        v.len()
                    ))
                    .into());
                }
                self.out.push(tag::PACKED);
                self.out.push(kind);
                varint::write_u64(self.out, (v.len() / size) as u64);
                let misalignment = (self.out.len() - self.base) % size;
                if misalignment != 0 {
                    self.out.resize(self.out.len() + size - misalignment, 0);
                }
                self.out.extend_from_slice(v);
            }
            Pending::Timestamp => {
                let (secs, nanos) = magic::timestamp_from_bytes(v).ok_or_else(|| {
                    ErrorKind::Message("a timestamp payload must be 12 bytes, nanoseconds below 10^9".into())
                })?;
                self.out.push(tag::TIMESTAMP);
                varint::write_i64(self.out, secs);
                varint::write_u32(self.out, nanos);
            }
            Pending::Extension => {
                let (type_id, data) = magic::extension_from_bytes(v).ok_or_else(|| {
                    ErrorKind::Message("an extension payload must start with an 8-byte type id".into())
                })?;
                self.out.push(tag::EXTENSION);
                varint::write_u64(self.out, type_id);
                varint::write_u64(self.out, data.len() as u64);
                self.out.extend_from_slice(data);
            }
        }
        Ok(())
    }

    #[inline]
    fn serialize_none(self) -> Result<()> {
        self.out.push(tag::NULL);
        Ok(())
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<()> {
        let start = self.out.len();
        value.serialize(&mut *self)?;
        if matches!(self.out.get(start), Some(&(tag::NULL | tag::SOME))) {
            insert_some(self.out, start);
        }
        Ok(())
    }

    fn serialize_unit(self) -> Result<()> {
        self.out.push(tag::NULL);
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.out.push(tag::NULL);
        Ok(())
    }

    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result<()> {
        self.write_variant_key(variant, false);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, name: &'static str, value: &T) -> Result<()> {
        if let Some(pending) = magic_pending(name) {
            self.pending = pending;
            let result = value.serialize(&mut *self);
            let left = std::mem::replace(&mut self.pending, Pending::None);
            result?;
            if left != Pending::None {
                return Err(ErrorKind::Message(format!("{name} must serialize as bytes")).into());
            }
            return Ok(());
        }
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<()> {
        self.write_variant_key(variant, true);
        value.serialize(self)
    }

    #[inline(always)]
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'s, 'a>> {
        if let Some(n) = len {
            self.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, n);
        }
        Ok(Compound::new(self, len, false))
    }

    /// A `Vec`, slice or set: an array of numbers (`FORMAT.md`) when it
    /// has a known length of at least four and its first element is a
    /// number (an integer of 8 to 64 bits, an `f32` or an `f64`), else a
    /// plain array.
    ///
    /// Only the first element is probed here, and an array of numbers is
    /// written by a loop of its own out of line, so a sequence of anything
    /// else runs the plain loop it always ran.
    ///
    /// Never inlined: inlined into the struct that holds the sequence, a
    /// `Vec<Vec<(f32, f32)>>` field's loops shared its registers, and
    /// reloaded the output on every element (callgrind and perf, geojson:
    /// 10 % more instructions, 16 % slower).
    #[inline(never)]
    fn collect_seq<I>(self, iter: I) -> Result<()>
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        let mut iter = iter.into_iter();
        let len = match iter.size_hint() {
            (lo, Some(hi)) if lo == hi => Some(lo),
            _ => None,
        };
        // The element to write next: the first is taken before the header,
        // to be probed.
        let mut next = iter.next();
        let mut seq = 'plain: {
            if let Some(n) = len
                && n >= numbers::MIN_COUNT
                && self.pending == Pending::None
                && let Some(first) = &next
                && let Some((kind, width)) = numbers::run_of(first.serialize(numbers::Probe)?)
                && let Some(first) = next.take()
            {
                let (written, left, rest) = if width == 0 {
                    numbers_seq(self, n, kind, first, iter)?
                } else {
                    rows_seq(self, n, kind, width, first, iter)?
                };
                if left.is_none() && written == n {
                    return Ok(());
                }
                (next, iter) = (left, rest);
                break 'plain Compound { ser: self, declared: n, written, unknown_start: usize::MAX, map: false };
            }
            ser::Serializer::serialize_seq(self, len)?
        };
        // Where the output's size is estimated from a sample of the
        // elements (`reserve_by_sample`), first and then at each doubling:
        // never, unless the count is known and well past the first sample.
        let start = seq.ser.out.len();
        let mut sample = if seq.written == 0 && seq.declared >= 2 * SIZE_SAMPLE && seq.declared != usize::MAX {
            SIZE_SAMPLE
        } else {
            usize::MAX
        };
        // One loop, so that the element's `serialize` is called from one
        // place (called from two, LLVM kept it out of line: 15 % more
        // instructions for a `Vec` of structs).
        while let Some(item) = next {
            seq.element(&item)?;
            if seq.written == sample {
                reserve_by_sample(seq.ser.out, start, sample, seq.declared);
                sample *= 2;
            }
            next = iter.next();
        }
        seq.finish()
    }

    /// A tuple, fixed array or tuple struct (`Tuple`): an array of
    /// numbers when it has at least three elements, all
    /// numbers of the first's kind; else a plain array.
    #[inline(always)]
    fn serialize_tuple(self, len: usize) -> Result<Tuple<'s, 'a>> {
        let at = self.out.len();
        let kind = if len >= numbers::MIN_TUPLE && self.pending == Pending::None {
            TUPLE_UNDECIDED
        } else {
            self.write_header(tag::ARRAY_INLINE, tag::ARRAY_INLINE_MAX, tag::ARRAY, len);
            TUPLE_PLAIN
        };
        Ok(Tuple { ser: self, len, written: 0, at, kind })
    }

    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Tuple<'s, 'a>> {
        self.serialize_tuple(len)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'s, 'a>> {
        self.write_variant_key(variant, true);
        self.serialize_seq(Some(len))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Compound<'s, 'a>> {
        if let Some(n) = len {
            self.write_header(tag::MAP_INLINE, tag::MAP_INLINE_MAX, tag::MAP, n);
        }
        Ok(Compound::new(self, len, true))
    }

    #[inline(always)]
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<StructSerializer<'s, 'a>> {
        let state = self.start_struct(name, len);
        Ok(StructSerializer { ser: self, state })
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<StructSerializer<'s, 'a>> {
        self.write_variant_key(variant, true);
        let state = self.start_struct(variant, len);
        Ok(StructSerializer { ser: self, state })
    }
}

/// [`Serializer::write_tag_and_varint`] of a varint of three bytes or more.
#[cold]
#[inline(never)]
fn write_tag_and_long_varint(out: &mut Vec<u8>, t: u8, v: u64) {
    out.push(t);
    varint::write_u64(out, v);
}

/// Marks the option written at `start` (a null or an option itself) as
/// `Some` of it. Out of line: inlined, `Vec::insert`'s code made every
/// `Option` field's `serialize` too big to inline (callgrind,
/// shapes-arrays-options).
#[cold]
#[inline(never)]
fn insert_some(out: &mut Vec<u8>, start: usize) {
    out.insert(start, tag::SOME);
}

fn magic_pending(name: &str) -> Option<Pending> {
    if name == magic::TIMESTAMP {
        Some(Pending::Timestamp)
    } else if name == magic::EXTENSION {
        Some(Pending::Extension)
    } else {
        magic::packed_kind_of_name(name).map(Pending::Packed)
    }
}
