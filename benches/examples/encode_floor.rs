//! Measuring aid: how fast can a dataset's bytes be written at all, and
//! how far are the serde encoders from that floor?
//!
//! For two datasets of the suite it times, fastest of N calls in one
//! process (the rows taking turns, five rounds):
//!
//! - the one-shot encoders users call (`flatbox_wire::to_vec`, with
//!   `intern_strings` for `wire+strings`, and `postcard::to_allocvec`);
//! - hand-written writers of the same values: no serde and no tables
//!   beyond what the bytes need, each output checked (the plain wire
//!   writer's against `to_vec`'s bytes, byte for byte; the others by
//!   decoding them back to the value).
//!
//! The datasets:
//!
//! - http-log-10k (10,000 log entries, five strings each): what interning
//!   string values by content costs at the least. Four interning writers,
//!   each writing a reference to a string it has or a definition of one
//!   it has not:
//!   - one string table (`Interner`: an arena and a hash table, `FxHash`
//!     as the encoder's), every string interned: the very bytes that
//!     `wire+strings` writes, so its time over the plain writer's is the
//!     floor of `wire+strings` over `wire` for these bytes;
//!   - the same with the dates written plain (a date repeats only the
//!     entry before): fewer hashes and insertions, larger output;
//!   - no hash table at all (`SlotInterner`): each field keeps 1,024
//!     slots of its last strings, found by a key of a few of their words,
//!     and a string not in its slot is defined again. The cheapest
//!     interning by content there is, and the largest output of the four;
//!   - the same with the dates written plain.
//!
//!   Each prints its output's size beside the encoder's;
//! - pipeline-network (one three-field struct): what writing one small
//!   value costs when its field names come with it. One write is shorter
//!   than the timer's step, so each sample times 1,000 calls.
//!
//! `cargo run --release -p flatbox-bench --example encode_floor [calls]`.
//! It is not part of the product: the writers write these datasets and
//! nothing else, and its tests check that they still write what the
//! encoders write. `cargo xtask bench` is the measurement.
#![allow(
    clippy::inline_always,
    reason = "every writer is inlined into its loop, as a serde encoder's are into the serializer's"
)]

use std::hash::BuildHasher;
use std::hint::black_box;
use std::time::{Duration, Instant};

use flatbox_bench::datasets::http_log::{HttpLogEntry, http_log_10k};
use flatbox_bench::datasets::tutorial::{NetworkEvent, pipeline_network};
use hashbrown::HashTable;
use rounds::best_of_rounds;
use rustc_hash::FxBuildHasher;

#[path = "support/rounds.rs"]
mod rounds;

/// An output buffer with the wire and postcard primitives.
struct Out(Vec<u8>);

impl Out {
    /// A LEB128 varint.
    #[inline(always)]
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(low_byte(v) | 0x80);
            v >>= 7;
        }
        self.0.push(low_byte(v));
    }

    /// A wire unsigned integer: in the tag up to 63, else `F4 + n` and its
    /// n bytes, the fewest that hold it.
    #[inline(always)]
    fn wire_uint(&mut self, v: u64) {
        if v <= 0x3F {
            self.0.push(low_byte(v));
            return;
        }
        let n = 8 - v.leading_zeros() as usize / 8;
        let b = v.to_le_bytes();
        let len = self.0.len();
        self.0.extend_from_slice(&[0xF4 + low_byte(n as u64), b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        self.0.truncate(len + 1 + n);
    }

    /// A wire string that is not interned: `40 + len` up to 31 bytes, else
    /// `E9 varint(len)`.
    #[inline(always)]
    fn wire_str(&mut self, s: &str) {
        if s.len() <= 31 {
            self.0.push(0x40 + low_byte(s.len() as u64));
        } else {
            self.0.push(0xE9);
            self.varint(s.len() as u64);
        }
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A wire string, interned: a reference to it if the interning table
    /// had it (`Ok` with its index), else its definition (`Err`).
    #[inline(always)]
    fn wire_interned(&mut self, s: &str, found: Result<u32, u32>) {
        match found {
            Ok(i) if i <= 63 => self.0.push(0x80 + low_byte(u64::from(i))),
            Ok(i) => {
                self.0.push(0xEE);
                self.varint(u64::from(i));
            }
            Err(_) => {
                self.0.push(0xED);
                self.varint(s.len() as u64);
                self.0.extend_from_slice(s.as_bytes());
            }
        }
    }

    /// A postcard string: a varint length and the bytes.
    #[inline(always)]
    fn postcard_str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

/// A table a writer interns strings by content in.
trait Interning {
    /// `s`'s index, found in `field`'s strings or in all: `Ok` if it was
    /// there, `Err` with its new index if not.
    fn intern(&mut self, field: usize, s: &str) -> Result<u32, u32>;

    /// Empties the table for the next value, keeping its memory.
    fn clear(&mut self);
}

/// The least an interning table of a serde encoder needs: a serializer is
/// handed each string for the length of one call, so a new string is
/// copied into an arena, and the hash table holds where it is there (and
/// its index). One hash a string (`FxHash`, as the encoder's table), for
/// the look-up and the insertion.
#[derive(Default)]
struct Interner {
    arena: Vec<u8>,
    /// (start in `arena`, length, index).
    table: HashTable<(u32, u32, u32)>,
}

impl Interning for Interner {
    #[inline(always)]
    fn intern(&mut self, _field: usize, s: &str) -> Result<u32, u32> {
        let arena = &self.arena;
        let text = |&(start, len, _): &(u32, u32, u32)| &arena[start as usize..(start + len) as usize];
        let hash = FxBuildHasher.hash_one(s.as_bytes());
        if let Some(&(_, _, index)) = self.table.find(hash, |e| text(e) == s.as_bytes()) {
            return Ok(index);
        }
        let index = u32::try_from(self.table.len()).expect("fewer than 2^32 strings");
        let start = u32::try_from(self.arena.len()).expect("an arena under 4 GiB");
        let len = u32::try_from(s.len()).expect("a string under 4 GiB");
        self.arena.extend_from_slice(s.as_bytes());
        let arena = &self.arena;
        self.table.insert_unique(hash, (start, len, index), |&(start, len, _)| {
            FxBuildHasher.hash_one(&arena[start as usize..(start + len) as usize])
        });
        Err(index)
    }

    fn clear(&mut self) {
        self.arena.clear();
        self.table.clear();
    }
}

/// Interning with no hash table: each field keeps [`SlotInterner::SLOTS`]
/// slots, found by a key of the string's first, second and last eight
/// bytes (as the encoder's sites find theirs), each holding the last
/// string that fell in it. A string not in its slot is defined again under
/// a new index, even if another slot or another field has it.
struct SlotInterner {
    /// The bytes of every string longer than eight bytes defined so far.
    arena: Vec<u8>,
    /// Per field, its slots.
    slots: Vec<Vec<Recent>>,
    generation: u32,
    next_index: u32,
}

/// A slot of [`SlotInterner`]: the last string that fell in it.
#[derive(Clone, Copy, Default)]
struct Recent {
    key: u64,
    len: u32,
    /// Where its bytes are in the arena, if it is longer than eight.
    start: u32,
    index: u32,
    /// The value it belongs to: a slot of an earlier one is empty.
    generation: u32,
}

impl SlotInterner {
    /// Slots per field.
    const SLOTS: usize = 1024;

    fn new(fields: usize) -> Self {
        let empty = vec![Recent::default(); Self::SLOTS];
        SlotInterner { arena: Vec::new(), slots: vec![empty; fields], generation: 1, next_index: 0 }
    }

    /// A string of up to eight bytes itself, else its first, second (if
    /// it has more than 16) and last eight bytes mixed.
    #[inline(always)]
    fn key(b: &[u8]) -> u64 {
        let n = b.len();
        if n <= 8 {
            let mut word = [0; 8];
            word[..n].copy_from_slice(b);
            return u64::from_le_bytes(word);
        }
        let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"));
        let second = if n > 16 { word(8) } else { 0 };
        word(0) ^ word(n - 8).rotate_left(29) ^ second.rotate_left(47)
    }
}

impl Interning for SlotInterner {
    #[inline(always)]
    #[allow(clippy::cast_possible_truncation, reason = "the shift leaves log2(SLOTS) bits")]
    fn intern(&mut self, field: usize, s: &str) -> Result<u32, u32> {
        let b = s.as_bytes();
        let len = u32::try_from(b.len()).expect("a string under 4 GiB");
        let key = Self::key(b);
        let at = ((key ^ u64::from(len)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::SLOTS.trailing_zeros()))
            as usize;
        let slot = &mut self.slots[field][at];
        if slot.generation == self.generation
            && slot.len == len
            && slot.key == key
            && (b.len() <= 8 || self.arena[slot.start as usize..][..b.len()] == *b)
        {
            return Ok(slot.index);
        }
        let index = self.next_index;
        self.next_index += 1;
        let start = u32::try_from(self.arena.len()).expect("an arena under 4 GiB");
        if b.len() > 8 {
            self.arena.extend_from_slice(b);
        }
        *slot = Recent { key, len, start, index, generation: self.generation };
        Err(index)
    }

    fn clear(&mut self) {
        self.arena.clear();
        self.generation += 1;
        self.next_index = 0;
    }
}

/// The low byte of `v`.
#[inline(always)]
fn low_byte(v: u64) -> u8 {
    v.to_le_bytes()[0]
}

/// The field names of a log entry, in order.
const LOG_KEYS: [&str; 7] = ["ip", "identity", "user_id", "date", "request", "status", "size"];

/// Writes the log as `flatbox_wire::to_vec` does, its strings plain (or,
/// with `table`, interned: the dates too if `dates`): an array, the first
/// entry defining the shape with its keys, every later one `C0` and its
/// values.
#[inline(always)]
fn wire_log<I: Interning>(entries: &[HttpLogEntry], mut table: Option<&mut I>, dates: bool) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(64));
    if entries.len() <= 15 {
        out.0.push(0x60 + low_byte(entries.len() as u64));
    } else {
        out.0.push(0xEB);
        out.varint(entries.len() as u64);
    }
    for (i, e) in entries.iter().enumerate() {
        let defining = i == 0;
        if defining {
            out.0.extend_from_slice(&[0xEF, 7]);
        } else {
            out.0.push(0xC0);
        }
        let key = |out: &mut Out, k: usize| {
            if defining {
                out.wire_str(LOG_KEYS[k]);
            }
        };
        for (k, s) in [&e.ip, &e.identity, &e.user_id, &e.date, &e.request].into_iter().enumerate() {
            key(&mut out, k);
            match table.as_deref_mut() {
                Some(t) if k != 3 || dates => out.wire_interned(s, t.intern(k, s)),
                _ => out.wire_str(s),
            }
        }
        key(&mut out, 5);
        out.wire_uint(u64::from(e.status));
        key(&mut out, 6);
        out.wire_uint(e.size);
    }
    out.0
}

/// The plain writer (`wire`).
#[inline(never)]
fn wire_plain(entries: &[HttpLogEntry]) -> Vec<u8> {
    wire_log::<Interner>(entries, None, false)
}

/// An interning writer, its table emptied and kept from call to call, as
/// the encoder keeps its tables.
#[inline(never)]
fn wire_interning(entries: &[HttpLogEntry], table: &mut impl Interning, dates: bool) -> Vec<u8> {
    table.clear();
    wire_log(entries, Some(table), dates)
}

/// Writes the log as `postcard::to_allocvec` does.
#[inline(never)]
fn postcard_log(entries: &[HttpLogEntry]) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(64));
    out.varint(entries.len() as u64);
    for e in entries {
        for s in [&e.ip, &e.identity, &e.user_id, &e.date, &e.request] {
            out.postcard_str(s);
        }
        out.varint(u64::from(e.status));
        out.varint(e.size);
    }
    out.0
}

/// Writes the event as `flatbox_wire::to_vec` does: a struct that defines
/// its shape, each value after its key.
#[inline(never)]
fn wire_event(e: &NetworkEvent) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(64));
    out.0.extend_from_slice(&[0xEF, 3]);
    out.wire_str("user_id");
    out.wire_uint(e.user_id);
    out.wire_str("action");
    out.wire_str(&e.action);
    out.wire_str("timestamp");
    out.wire_uint(e.timestamp);
    out.0
}

/// Writes the event as `postcard::to_allocvec` does.
#[inline(never)]
fn postcard_event(e: &NetworkEvent) -> Vec<u8> {
    let mut out = Out(Vec::with_capacity(64));
    out.varint(e.user_id);
    out.postcard_str(&e.action);
    out.varint(e.timestamp);
    out.0
}

/// The fastest of `samples` runs of `f`, each `batch` calls in a row, a
/// call's time.
fn fastest(samples: u32, batch: u32, mut f: impl FnMut() -> Vec<u8>) -> Duration {
    (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..batch {
                black_box(f());
            }
            start.elapsed() / batch
        })
        .min()
        .unwrap_or_default()
}

/// Prints each row's fastest time and its ratio to the row `base`.
fn report(title: &str, rows: &[(&str, Duration)], base: usize) {
    println!("{title}");
    let base_time = rows[base].1.as_secs_f64();
    for (name, t) in rows {
        println!(
            "  {name:44} {:>11.3} µs  {:.2}x {}",
            t.as_secs_f64() * 1e6,
            t.as_secs_f64() / base_time,
            rows[base].0
        );
    }
}

fn main() {
    let calls: u32 = std::env::args().nth(1).map_or(1000, |n| n.parse().expect("a number of calls"));
    let strings = flatbox_wire::Config::new().intern_strings(true);

    let log = http_log_10k();
    let (mut table, mut slots) = (Interner::default(), SlotInterner::new(5));
    println!("http-log-10k, bytes written:");
    let sizes = [
        ("wire+strings: to_vec_with_config", flatbox_wire::to_vec_with_config(&log, strings).expect("encodes").len()),
        ("one string table", wire_interning(&log, &mut table, true).len()),
        ("one string table, dates plain", wire_interning(&log, &mut table, false).len()),
        ("no hash table, 1,024 slots a field", wire_interning(&log, &mut slots, true).len()),
        ("no hash table, dates plain", wire_interning(&log, &mut slots, false).len()),
        ("wire: to_vec", flatbox_wire::to_vec(&log).expect("encodes").len()),
    ];
    for (name, bytes) in sizes {
        println!("  {name:44} {bytes:>11}");
    }
    let best = best_of_rounds(|| {
        [
            fastest(calls, 1, || flatbox_wire::to_vec(black_box(&log)).expect("encodes")),
            fastest(calls, 1, || flatbox_wire::to_vec_with_config(black_box(&log), strings).expect("encodes")),
            fastest(calls, 1, || postcard::to_allocvec(black_box(&log)).expect("encodes")),
            fastest(calls, 1, || wire_plain(black_box(&log))),
            fastest(calls, 1, || wire_interning(black_box(&log), &mut table, true)),
            fastest(calls, 1, || wire_interning(black_box(&log), &mut table, false)),
            fastest(calls, 1, || wire_interning(black_box(&log), &mut slots, true)),
            fastest(calls, 1, || wire_interning(black_box(&log), &mut slots, false)),
            fastest(calls, 1, || postcard_log(black_box(&log))),
        ]
    });
    let names = [
        "wire: flatbox_wire::to_vec",
        "wire+strings: to_vec_with_config",
        "postcard: postcard::to_allocvec",
        "wire: hand-written",
        "wire+strings: hand-written, one string table",
        "  the same, dates plain",
        "  no hash table, 1,024 slots a field",
        "  no hash table, dates plain",
        "postcard: hand-written",
    ];
    let rows: Vec<_> = names.into_iter().zip(best).collect();
    report(&format!("http-log-10k: fastest of {calls} calls, 5 rounds; against wire's to_vec"), &rows, 0);
    report("  the same rows against the hand-written plain writer", &rows, 3);

    let event = pipeline_network();
    let samples = calls / 5;
    let best = best_of_rounds(|| {
        [
            fastest(samples, 1000, || flatbox_wire::to_vec(black_box(&event)).expect("encodes")),
            fastest(samples, 1000, || postcard::to_allocvec(black_box(&event)).expect("encodes")),
            fastest(samples, 1000, || wire_event(black_box(&event))),
            fastest(samples, 1000, || postcard_event(black_box(&event))),
        ]
    });
    let names = [
        "wire: flatbox_wire::to_vec",
        "postcard: postcard::to_allocvec",
        "wire: hand-written",
        "postcard: hand-written",
    ];
    let rows: Vec<_> = names.into_iter().zip(best).collect();
    let title = format!("pipeline-network: a call's time in the fastest of {samples} runs of 1,000 calls, 5 rounds");
    report(&title, &rows, 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain writers write what the encoders write, byte for byte,
    /// and so does the interning writer with one string table; the other
    /// interning writers' bytes decode to the log.
    #[test]
    fn every_writer_writes_what_the_encoders_write() {
        let log = http_log_10k();
        let plain = wire_plain(&log);
        assert_eq!(plain, flatbox_wire::to_vec(&log).expect("encodes"));
        assert_eq!(postcard_log(&log), postcard::to_allocvec(&log).expect("encodes"));
        let strings = flatbox_wire::Config::new().intern_strings(true);
        let encoded = flatbox_wire::to_vec_with_config(&log, strings).expect("encodes");
        let mut table = Interner::default();
        assert_eq!(wire_interning(&log, &mut table, true), encoded);
        let mut slots = SlotInterner::new(5);
        for dates in [false, true] {
            let by_table = [wire_interning(&log, &mut table, dates), wire_interning(&log, &mut table, dates)];
            let by_slots = [wire_interning(&log, &mut slots, dates), wire_interning(&log, &mut slots, dates)];
            for [interned, again] in [by_table, by_slots] {
                assert_eq!(flatbox_wire::from_slice::<Vec<HttpLogEntry>>(&interned).expect("decodes"), log);
                // Interned, and smaller for it: the entries repeat their
                // addresses, users and requests.
                assert!(interned.len() < plain.len() * 3 / 4, "{} bytes", interned.len());
                // The table emptied between calls: the same bytes again.
                assert_eq!(again, interned);
            }
        }

        let event = pipeline_network();
        assert_eq!(wire_event(&event), flatbox_wire::to_vec(&event).expect("encodes"));
        assert_eq!(postcard_event(&event), postcard::to_allocvec(&event).expect("encodes"));
    }
}
