//! An annotated disassembly of flatbox-wire bytes, one line per token, in the
//! manner of Python's `pickletools.dis`: [`inspect`].
//!
//! The disassembler walks the input with an explicit stack (no recursion), so
//! no input can overflow the stack; nesting is bounded by
//! [`Limits::DEFAULT_MAX_DEPTH`], and every declared length or count is
//! checked against the bytes that remain before anything is read or
//! allocated. It keeps the interning table and the shape table exactly as the
//! decoder does, so string and shape references resolve to what they name.

use std::fmt::Write as _;

use crate::config::Limits;
use crate::error::{ErrorKind, Result};
use crate::header::{self, Header, Source};
use crate::magic;
use crate::numbers;
use crate::tag;

/// How many raw bytes of a token the hex column shows.
const HEX_BYTES: usize = 8;
/// Width of the hex column: `HEX_BYTES` bytes as `XX` separated by spaces.
const HEX_WIDTH: usize = 3 * HEX_BYTES - 1;
/// Nesting levels that are shown as indentation; deeper levels are numbered.
const MAX_INDENT_LEVELS: usize = 32;
/// Characters of a string shown before it is cut short.
const MAX_STR_CHARS: usize = 60;
/// Characters of a struct key shown when it labels a value.
const MAX_LABEL_CHARS: usize = 32;
/// Elements of a packed array, bytes of a byte string or keys of a shape
/// shown before "... n more".
const PREVIEW_ITEMS: usize = 8;

/// Disassembles `bytes` into a human-readable listing, one line per token.
///
/// Each line shows the token's byte offset (decimal), its first bytes in
/// hex (the tag, its varints and the start of its payload; `..` when there
/// are more than eight), indentation by nesting depth (two spaces a level),
/// and what the token means. Values inside a struct are labelled with their
/// field name, string references with their index and the string they
/// resolve to, shape references with their index and field names. Strings
/// longer than 60 characters are cut short and their length in bytes given.
/// Timestamps are shown with their UTC date, packed arrays with their
/// padding and first elements, byte strings and extensions with their first
/// bytes. Non-canonical encodings (a small integer written with `0xF5`, say) are
/// decoded and marked `(non-canonical: ...)`.
///
/// The input may hold several top-level values one after another (as
/// written by repeated calls to the encoder); they are disassembled in turn,
/// each introduced by a `--- value n ---` line, until the input ends. Every
/// top-level value starts with empty interning and shape tables, as it does
/// for the decoder, and packed-array padding is computed from the start of
/// its own top-level value. Empty input gives an empty listing.
///
/// # Errors
///
/// The first problem the decoder would also report, with its byte offset:
/// [`ErrorKind::Eof`] for a truncated value, [`ErrorKind::UnknownTag`] for the
/// reserved tags `0xFE..=0xFF`, [`ErrorKind::Varint`] for a truncated,
/// overlong or overflowing varint, [`ErrorKind::LengthExceedsInput`] for a length or count
/// larger than the rest of the input could hold, [`ErrorKind::InvalidUtf8`],
/// [`ErrorKind::BadStringRef`], [`ErrorKind::BadShapeRef`], [`ErrorKind::KeyNotString`],
/// [`ErrorKind::DepthLimit`] beyond [`Limits::DEFAULT_MAX_DEPTH`] levels,
/// [`ErrorKind::TableFull`] beyond the default table sizes, and
/// [`ErrorKind::InvalidValue`] for a malformed timestamp or packed array.
///
/// # Examples
///
/// ```
/// // A Vec of two `Person { name: String, age: u8 }`.
/// let bytes = [
///     0x62, 0xEF, 0x02, 0x44, b'n', b'a', b'm', b'e', 0x45, b'A', b'l', b'i', b'c', b'e',
///     0x43, b'a', b'g', b'e', 0x1E, 0xC0, 0x43, b'B', b'o', b'b', 0x19,
/// ];
/// let listing = flatbox_wire::inspect(&bytes)?;
/// assert!(listing.contains("struct, defines shape 0 (2 fields)"));
/// assert!(listing.contains("struct, shape 0 (name, age)"));
/// assert!(listing.contains(r#"name: "Bob""#));
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub fn inspect(bytes: &[u8]) -> Result<String> {
    let mut dis = Disassembler {
        bytes,
        pos: 0,
        base: 0,
        out: String::new(),
        strings: Vec::new(),
        shapes: Vec::new(),
        stack: Vec::new(),
    };
    let mut index = 0_usize;
    while dis.pos < bytes.len() {
        index += 1;
        if index > 1 {
            let _ = writeln!(dis.out, "{:>6}: --- value {index} (string and shape tables reset) ---", dis.pos);
        }
        dis.value()?;
    }
    Ok(dis.out)
}

/// A shape: the key list of a struct, in order.
#[derive(Default)]
struct Shape<'a> {
    /// The keys read so far.
    keys: Vec<&'a str>,
    /// Whether the defining struct has ended; only complete shapes may be
    /// referenced.
    complete: bool,
}

/// A container being read: what its next value is.
enum Frame {
    /// An array with `left` values to go.
    Array { left: usize },
    /// A map with `left` entries to go; `key_next` when the key of the next
    /// entry comes next (else its value).
    Map { left: usize, key_next: bool },
    /// A struct defining shape `shape`, with `left` fields to go.
    ShapeDefine { shape: usize, left: usize, key_next: bool },
    /// A struct of shape `shape`; `next` is the index of the next field.
    ShapeRef { shape: usize, next: usize },
    /// The content of a `Some` marker; `done` once it has been started.
    Some { done: bool },
}

/// What the next token is, seen from its container.
enum Slot {
    /// A value with no label: top level, array element, map value, `Some`.
    Plain,
    /// A map key (any value).
    MapKey,
    /// A struct key in a shape definition (a string token).
    ShapeKey(usize),
    /// The value of field `.1` of shape `.0`.
    Field(usize, usize),
}

impl Frame {
    /// Whether all the container's values have been started.
    fn finished(&self, shapes: &[Shape<'_>]) -> bool {
        match *self {
            Frame::Array { left } | Frame::Map { left, .. } | Frame::ShapeDefine { left, .. } => left == 0,
            Frame::ShapeRef { shape, next } => next >= shapes.get(shape).map_or(0, |s| s.keys.len()),
            Frame::Some { done } => done,
        }
    }

    /// Claims the next slot of an unfinished container.
    fn next_slot(&mut self, shapes: &[Shape<'_>]) -> Slot {
        match self {
            Frame::Array { left } => {
                *left = left.saturating_sub(1);
                Slot::Plain
            }
            Frame::Map { left, key_next } => {
                if *key_next {
                    *key_next = false;
                    Slot::MapKey
                } else {
                    *key_next = true;
                    *left = left.saturating_sub(1);
                    Slot::Plain
                }
            }
            Frame::ShapeDefine { shape, left, key_next } => {
                if *key_next {
                    *key_next = false;
                    Slot::ShapeKey(*shape)
                } else {
                    *key_next = true;
                    *left = left.saturating_sub(1);
                    let field = shapes.get(*shape).map_or(0, |s| s.keys.len().saturating_sub(1));
                    Slot::Field(*shape, field)
                }
            }
            Frame::ShapeRef { shape, next } => {
                let field = *next;
                *next += 1;
                Slot::Field(*shape, field)
            }
            Frame::Some { done } => {
                *done = true;
                Slot::Plain
            }
        }
    }
}

/// The disassembler's state.
struct Disassembler<'a> {
    /// The whole input.
    bytes: &'a [u8],
    /// The next byte to read.
    pos: usize,
    /// Where the current top-level value starts (packed padding is relative
    /// to it).
    base: usize,
    /// The listing so far.
    out: String,
    /// The interning table of the current top-level value.
    strings: Vec<&'a str>,
    /// The shape table of the current top-level value.
    shapes: Vec<Shape<'a>>,
    /// The containers being read, innermost last.
    stack: Vec<Frame>,
}

impl<'a> Disassembler<'a> {
    /// Disassembles one top-level value starting at `pos`.
    fn value(&mut self) -> Result<()> {
        self.base = self.pos;
        self.strings.clear();
        self.shapes.clear();
        self.stack.clear();
        let mut started = false;
        loop {
            while let Some(frame) = self.stack.last() {
                if !frame.finished(&self.shapes) {
                    break;
                }
                if let Frame::ShapeDefine { shape, .. } = *frame
                    && let Some(shape) = self.shapes.get_mut(shape)
                {
                    shape.complete = true;
                }
                self.stack.pop();
            }
            let slot = match self.stack.last_mut() {
                None if started => return Ok(()),
                None => Slot::Plain,
                Some(frame) => frame.next_slot(&self.shapes),
            };
            started = true;
            match slot {
                Slot::Plain => {
                    self.token("")?;
                }
                Slot::MapKey => {
                    self.token("key: ")?;
                }
                Slot::ShapeKey(shape) => self.shape_key(shape)?,
                Slot::Field(shape, field) => {
                    let key = self.shapes.get(shape).and_then(|s| s.keys.get(field)).copied().unwrap_or("?");
                    let prefix = format!("{}: ", label(key));
                    self.token(&prefix)?;
                }
            }
        }
    }

    /// Reads a struct key of a shape definition and appends it to the shape.
    fn shape_key(&mut self, shape: usize) -> Result<()> {
        let at = self.pos;
        let Some(&t) = self.rest().first() else {
            return Err(ErrorKind::Eof { offset: at, needed: 1, what: "struct key" }.into());
        };
        if t >= tag::FIRST_RESERVED {
            return Err(ErrorKind::UnknownTag { offset: at, tag: t }.into());
        }
        if !header::is_string_tag(t) {
            return Err(ErrorKind::KeyNotString { offset: at, tag: t }.into());
        }
        let key = self.token("key: ")?;
        if let (Some(key), Some(shape)) = (key, self.shapes.get_mut(shape)) {
            shape.keys.push(key);
        }
        Ok(())
    }

    /// Reads one token, writes its line(s), and opens a container if it
    /// starts one. Returns the string if the token is a string (literal,
    /// definition or reference).
    fn token(&mut self, prefix: &str) -> Result<Option<&'a str>> {
        let depth = self.stack.len();
        let start = self.pos;
        // The tag itself, for the non-canonical notes: the header says
        // what it means.
        let t = self.rest().first().copied();
        let inline = t.is_some_and(header::is_inline_tag);
        let h = header::header(self)?;
        let mut string = None;
        let desc = match h {
            Header::Uint(v) => format!("{v}{}", uint_note(t, v)),
            Header::NegInt(v) => format!("{v}{}", non_canonical(v >= 0, "not negative")),
            Header::Uint128(v) => format!("{v}{}", non_canonical(v <= u128::from(u64::MAX), "fits in 64 bits")),
            Header::NegInt128(v) => format!("{v}{}", non_canonical(v >= i128::from(i64::MIN), "fits in 64 bits")),
            Header::F32(v) => format!("{v:?} (f32)"),
            Header::F64(v) => format!("{v:?} (f64)"),
            Header::Null => "null".to_owned(),
            Header::Bool(b) => b.to_string(),
            Header::Str(len) => {
                let s = self.text(len)?;
                string = Some(s);
                let fits = !inline && len <= usize::from(tag::STR_INLINE_MAX);
                format!("{}{}", quote(s), non_canonical(fits, "fits in the tag"))
            }
            Header::StrDefine(len) => {
                let s = self.text(len)?;
                if self.strings.len() >= Limits::DEFAULT_MAX_INTERNED {
                    return Err(ErrorKind::TableFull {
                        offset: start,
                        what: "interned strings",
                        limit: Limits::DEFAULT_MAX_INTERNED,
                    }
                    .into());
                }
                let index = self.strings.len();
                self.strings.push(s);
                string = Some(s);
                format!("define string #{index} {}", quote(s))
            }
            Header::StrRef(index) => {
                let s = self.string_ref(start, index)?;
                string = Some(s);
                let fits = !inline && index <= u64::from(tag::STR_REF_INLINE_MAX);
                format!("string #{index} {}{}", quote(s), non_canonical(fits, "fits in the tag"))
            }
            Header::Bytes(len) => {
                let b = self.take(len, "bytes")?;
                format!("bytes({len}){}", hex_preview(b))
            }
            Header::Array(n) => {
                self.open(start, Frame::Array { left: n })?;
                let fits = !inline && n <= usize::from(tag::ARRAY_INLINE_MAX);
                format!("array({n}){}", non_canonical(fits, "fits in the tag"))
            }
            Header::Map(n) => {
                self.open(start, Frame::Map { left: n, key_next: true })?;
                let fits = !inline && n <= usize::from(tag::MAP_INLINE_MAX);
                format!("map({n}){}", non_canonical(fits, "fits in the tag"))
            }
            Header::ShapeDefine(n) => {
                let index = self.shapes.len();
                if index >= Limits::DEFAULT_MAX_SHAPES {
                    return Err(ErrorKind::TableFull {
                        offset: start,
                        what: "shapes",
                        limit: Limits::DEFAULT_MAX_SHAPES,
                    }
                    .into());
                }
                self.open(start, Frame::ShapeDefine { shape: index, left: n, key_next: true })?;
                self.shapes.push(Shape::default());
                format!("struct, defines shape {index} ({n} field{})", plural(n))
            }
            Header::ShapeRef(index) => {
                let fits = !inline && index <= u64::from(tag::SHAPE_REF_INLINE_MAX);
                self.shape_ref(start, index, &non_canonical(fits, "fits in the tag"))?
            }
            Header::Some => {
                self.open(start, Frame::Some { done: false })?;
                match self.rest().first() {
                    Some(&next) if next != tag::NULL && next != tag::SOME => {
                        format!("some{}", non_canonical(true, &format!("content is a {}", tag::describe(next))))
                    }
                    _ => "some".to_owned(),
                }
            }
            Header::Timestamp { secs, nanos } => format!("timestamp {secs} s {nanos} ns = {}", utc(secs, nanos)),
            Header::Extension { type_id, len } => {
                let b = self.take(len, "extension data")?;
                let logical = crate::logical::name_of(type_id).map_or(String::new(), |n| format!(" ({n})"));
                format!("extension type {type_id}{logical}, {len} byte{}{}", plural(len), hex_preview(b))
            }
            Header::Packed { kind, size, padding, count } => {
                self.packed(start, depth, prefix, (kind, size, padding, count))?;
                return Ok(None);
            }
            Header::Numbers { kind, count, width, .. } => {
                self.numbers(start, depth, prefix, kind, count, width)?;
                return Ok(None);
            }
        };
        self.line(start, self.pos, depth, prefix, &desc);
        Ok(string)
    }

    /// Reads a packed array's data after its header, at `start`: a header
    /// line, then a line with the first elements.
    fn packed(
        &mut self,
        start: usize,
        depth: usize,
        prefix: &str,
        (kind, size, padding, n): (u8, usize, usize, usize),
    ) -> Result<()> {
        let name = magic::packed_name(kind).and_then(|n| n.rsplit("::").next()).unwrap_or("?");
        let data_at = self.pos;
        let data = self.take(n * size, "packed array data")?;
        let desc = format!("packed {name}[{n}], {padding} byte{} of padding, data at byte {data_at}", plural(padding));
        self.line(start, data_at, depth, prefix, &desc);
        if n > 0 {
            let mut elements = String::from("[");
            for (i, chunk) in data.chunks_exact(size).take(PREVIEW_ITEMS).enumerate() {
                if i > 0 {
                    elements.push_str(", ");
                }
                elements.push_str(&packed_element(kind, chunk));
            }
            if n > PREVIEW_ITEMS {
                let _ = write!(elements, ", ... {} more", n - PREVIEW_ITEMS);
            }
            elements.push(']');
            self.line(data_at, self.pos, depth + 1, "", &elements);
        }
        Ok(())
    }

    /// Reads an array of numbers' elements after its header, at `start`:
    /// a header line, then a line with the elements (the first few shown),
    /// each row of `width` of them in brackets of its own when `width` is
    /// not 0.
    fn numbers(&mut self, start: usize, depth: usize, prefix: &str, kind: u8, n: usize, width: usize) -> Result<()> {
        let data_at = self.pos;
        let name = numbers::kind_name(kind);
        let desc = if width == 0 {
            format!("array({n}) of {name} numbers")
        } else {
            format!("array({n}) of rows of {width} {name} numbers")
        };
        self.line(start, data_at, depth, prefix, &desc);
        if n > 0 {
            let mut elements = String::from("[");
            for i in 0..n {
                let shown = i < PREVIEW_ITEMS;
                if shown && i > 0 {
                    elements.push_str(", ");
                }
                if shown && width > 0 {
                    elements.push('[');
                }
                for j in 0..width.max(1) {
                    let e = numbers::read(self, kind)?;
                    // A row shows its first elements too.
                    if shown && j == PREVIEW_ITEMS {
                        let _ = write!(elements, ", ... {} more", width - PREVIEW_ITEMS);
                    }
                    if shown && j < PREVIEW_ITEMS {
                        if j > 0 {
                            elements.push_str(", ");
                        }
                        let _ = match e {
                            numbers::Number::Unsigned(v) => write!(elements, "{v}"),
                            numbers::Number::Signed(v) => write!(elements, "{v}"),
                            numbers::Number::F32(v) => write!(elements, "{v:?}"),
                            numbers::Number::F64(v) => write!(elements, "{v:?}"),
                        };
                    }
                }
                if shown && width > 0 {
                    elements.push(']');
                }
            }
            if n > PREVIEW_ITEMS {
                let _ = write!(elements, ", ... {} more", n - PREVIEW_ITEMS);
            }
            elements.push(']');
            self.line(data_at, self.pos, depth + 1, "", &elements);
        }
        Ok(())
    }

    /// Resolves a string reference.
    fn string_ref(&self, offset: usize, index: u64) -> Result<&'a str> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.strings.get(i))
            .copied()
            .ok_or(ErrorKind::BadStringRef { offset, index, defined: self.strings.len() }.into())
    }

    /// Resolves a shape reference and opens the struct; returns the line's
    /// description.
    fn shape_ref(&mut self, offset: usize, index: u64, note: &str) -> Result<String> {
        let found = usize::try_from(index).ok().and_then(|i| self.shapes.get(i).filter(|s| s.complete).map(|s| (i, s)));
        let Some((i, shape)) = found else {
            return Err(ErrorKind::BadShapeRef {
                offset,
                index,
                defined: self.shapes.iter().take_while(|s| s.complete).count(),
            }
            .into());
        };
        let desc = format!("struct, shape {i} ({}){note}", key_list(&shape.keys));
        let fields = shape.keys.len();
        header::check_count(self, offset, "struct field count", fields as u64, 1)?;
        self.open(offset, Frame::ShapeRef { shape: i, next: 0 })?;
        Ok(desc)
    }

    /// Enters a container that starts at `offset`, if the depth allows.
    fn open(&mut self, offset: usize, frame: Frame) -> Result<()> {
        if self.stack.len() >= Limits::DEFAULT_MAX_DEPTH {
            return Err(ErrorKind::DepthLimit { offset, limit: Limits::DEFAULT_MAX_DEPTH }.into());
        }
        self.stack.push(frame);
        Ok(())
    }

    /// Writes one line of the listing for the bytes `start..end`.
    fn line(&mut self, start: usize, end: usize, depth: usize, prefix: &str, desc: &str) {
        let hex = hex_column(self.bytes.get(start..end).unwrap_or_default());
        let indent = 2 * depth.min(MAX_INDENT_LEVELS);
        let _ = write!(self.out, "{start:>6}: {hex:<HEX_WIDTH$}  {:indent$}", "");
        if depth > MAX_INDENT_LEVELS {
            let _ = write!(self.out, "<depth {depth}> ");
        }
        let _ = writeln!(self.out, "{prefix}{desc}");
    }

    /// The input not yet read.
    fn rest(&self) -> &'a [u8] {
        let bytes: &'a [u8] = self.bytes;
        bytes.get(self.pos..).unwrap_or_default()
    }

    /// Reads `len` bytes of UTF-8.
    fn text(&mut self, len: usize) -> Result<&'a str> {
        let at = self.pos;
        let bytes = self.take(len, "string")?;
        std::str::from_utf8(bytes).map_err(|_| ErrorKind::InvalidUtf8 { offset: at }.into())
    }

    /// Reads `n` bytes, or fails with [`ErrorKind::Eof`].
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8]> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(ErrorKind::Eof { offset: self.pos, needed: n - rest.len(), what }.into()),
        }
    }
}

impl Source for Disassembler<'_> {
    fn offset(&self) -> usize {
        self.pos
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&[u8]> {
        Disassembler::take(self, n, what)
    }

    fn unread(&self) -> Option<&[u8]> {
        Some(self.rest())
    }

    fn aligned_offset(&self) -> usize {
        // Each top-level value aligns from its own start.
        self.pos - self.base
    }
}

/// `"s"` unless `n` is 1.
fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Why an unsigned integer `v` written with tag `t` is not canonical, as
/// ` (non-canonical: why)`; nothing when it is.
fn uint_note(t: Option<u8>, v: u64) -> String {
    let small = v <= u64::from(tag::UINT_INLINE_MAX);
    match t {
        Some(t) if small && !header::is_inline_tag(t) => non_canonical(true, "fits in the tag"),
        Some(tag::UINT_VARINT) if !small => non_canonical(true, "format version 1's varint form"),
        Some(t) if !small && t != tag::uint_fixed_of(v).0 => non_canonical(true, "fits in fewer bytes"),
        _ => String::new(),
    }
}

/// ` (non-canonical: why)` when `flag`, else nothing.
fn non_canonical(flag: bool, why: &str) -> String {
    if flag { format!(" (non-canonical: {why})") } else { String::new() }
}

/// One packed element, little-endian, of a known kind.
fn packed_element(kind: u8, chunk: &[u8]) -> String {
    /// The first `N` bytes of `chunk` (zero-filled if shorter).
    fn le<const N: usize>(chunk: &[u8]) -> [u8; N] {
        let mut out = [0; N];
        for (o, b) in out.iter_mut().zip(chunk) {
            *o = *b;
        }
        out
    }
    match kind {
        0x01 => u8::from_le_bytes(le(chunk)).to_string(),
        0x02 => i8::from_le_bytes(le(chunk)).to_string(),
        0x03 => u16::from_le_bytes(le(chunk)).to_string(),
        0x04 => i16::from_le_bytes(le(chunk)).to_string(),
        0x05 => u32::from_le_bytes(le(chunk)).to_string(),
        0x06 => i32::from_le_bytes(le(chunk)).to_string(),
        0x07 => u64::from_le_bytes(le(chunk)).to_string(),
        0x08 => i64::from_le_bytes(le(chunk)).to_string(),
        0x09 => format!("{:?}", f32::from_le_bytes(le(chunk))),
        _ => format!("{:?}", f64::from_le_bytes(le(chunk))),
    }
}

/// The hex column: up to [`HEX_BYTES`] bytes, or the first ones and `..`.
fn hex_column(bytes: &[u8]) -> String {
    let shown = if bytes.len() > HEX_BYTES { HEX_BYTES - 1 } else { bytes.len() };
    let mut out = String::with_capacity(HEX_WIDTH);
    for (i, b) in bytes.iter().take(shown).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{b:02X}");
    }
    if shown < bytes.len() {
        out.push_str(" ..");
    }
    out
}

/// `: 01 02 03` with the first bytes of a payload, `...` if there are more.
fn hex_preview(bytes: &[u8]) -> String {
    let mut out = String::new();
    if !bytes.is_empty() {
        out.push(':');
    }
    for b in bytes.iter().take(PREVIEW_ITEMS) {
        let _ = write!(out, " {b:02X}");
    }
    if bytes.len() > PREVIEW_ITEMS {
        out.push_str(" ...");
    }
    out
}

/// A string in quotes with Rust escapes, cut short after
/// [`MAX_STR_CHARS`] characters (then followed by its length in bytes).
fn quote(s: &str) -> String {
    quote_limited(s, MAX_STR_CHARS)
}

/// [`quote`] with a given limit; the escaped text is also kept below twice
/// the limit, so control characters cannot blow up a line.
fn quote_limited(s: &str, max_chars: usize) -> String {
    let mut out = String::from("\"");
    let mut cut = false;
    for (i, c) in s.chars().enumerate() {
        if i >= max_chars || out.len() > 2 * max_chars {
            cut = true;
            break;
        }
        if c == '\'' {
            out.push(c);
        } else {
            out.extend(c.escape_debug());
        }
    }
    out.push('"');
    if cut {
        let _ = write!(out, "... ({} bytes)", s.len());
    }
    out
}

/// A struct key as a label: bare if it is a short identifier, else quoted.
fn label(key: &str) -> String {
    let bare =
        !key.is_empty() && key.len() <= MAX_LABEL_CHARS && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare { key.to_owned() } else { quote_limited(key, MAX_LABEL_CHARS) }
}

/// The first keys of a shape, comma-separated.
fn key_list(keys: &[&str]) -> String {
    let mut out = String::new();
    for (i, key) in keys.iter().take(PREVIEW_ITEMS).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&label(key));
    }
    if keys.len() > PREVIEW_ITEMS {
        let _ = write!(out, ", ... {} more", keys.len() - PREVIEW_ITEMS);
    }
    out
}

/// A timestamp as an RFC 3339 UTC date (proleptic Gregorian calendar, no
/// leap seconds), from Howard Hinnant's `civil_from_days`.
fn utc(seconds: i64, nanos: u32) -> String {
    let days = seconds.div_euclid(86_400);
    let time = seconds.rem_euclid(86_400);
    // Days since 0000-03-01; i64 has room to spare (|days| < 1.1e14).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let mut out =
        format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}", time / 3_600, time % 3_600 / 60, time % 60);
    if nanos > 0 {
        let fraction = format!("{nanos:09}");
        let _ = write!(out, ".{}", fraction.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::varint::{self, VarintError};

    /// The notes' example: a `Vec<Person>` of Alice (30) and Bob (25).
    const PEOPLE: [u8; 27] = [
        0x62, 0xEF, 0x02, 0xED, 0x04, b'n', b'a', b'm', b'e', 0x45, b'A', b'l', b'i', b'c', b'e', 0xED, 0x03, b'a',
        b'g', b'e', 0x1E, 0xC0, 0x43, b'B', b'o', b'b', 0x19,
    ];

    fn ok(bytes: &[u8]) -> String {
        match inspect(bytes) {
            Ok(listing) => listing,
            Err(err) => panic!("inspect failed: {err}"),
        }
    }

    fn err(bytes: &[u8]) -> ErrorKind {
        match inspect(bytes) {
            Ok(listing) => panic!("inspect succeeded:\n{listing}"),
            Err(err) => err.into_kind(),
        }
    }

    /// `ED len bytes`: a string definition (len < 128).
    fn define(out: &mut Vec<u8>, s: &str) {
        out.push(0xED);
        out.push(u8::try_from(s.len()).unwrap());
        out.extend_from_slice(s.as_bytes());
    }

    #[test]
    fn person_example() {
        let expected = "     0: 62                       array(2)
     1: EF 02                      struct, defines shape 0 (2 fields)
     3: ED 04 6E 61 6D 65            key: define string #0 \"name\"
     9: 45 41 6C 69 63 65            name: \"Alice\"
    15: ED 03 61 67 65               key: define string #1 \"age\"
    20: 1E                           age: 30
    21: C0                         struct, shape 0 (name, age)
    22: 43 42 6F 62                  name: \"Bob\"
    26: 19                           age: 25
";
        assert_eq!(ok(&PEOPLE), expected);
    }

    #[test]
    fn nested_arrays_maps_and_scalars() {
        // [[1, [true, null]], {"k": -3, 7: 1.5f32}, 300, "" ]
        let mut bytes = vec![0x64, 0x62, 0x01, 0x62, 0xE2, 0xE0];
        bytes.extend_from_slice(&[0x72, 0x41, b'k', 0xE4, 0x05, 0x07, 0xE7]);
        bytes.extend_from_slice(&1.5_f32.to_le_bytes());
        bytes.extend_from_slice(&[0xF6, 0x2C, 0x01, 0x40]);
        let listing = ok(&bytes);
        let lines: Vec<&str> = listing.lines().collect();
        assert_eq!(lines.len(), 13, "{listing}");
        assert!(lines[0].ends_with("  array(4)"), "{listing}");
        assert!(lines[1].ends_with("    array(2)"), "{listing}");
        assert!(lines[2].ends_with("      1"), "{listing}");
        assert!(lines[4].ends_with("        true"), "{listing}");
        assert!(lines[5].ends_with("        null"), "{listing}");
        assert!(lines[6].ends_with("    map(2)"), "{listing}");
        assert!(lines[7].ends_with("      key: \"k\""), "{listing}");
        assert!(lines[8].ends_with("      -3"), "{listing}");
        assert!(lines[9].ends_with("      key: 7"), "{listing}");
        assert!(lines[10].ends_with("      1.5 (f32)"), "{listing}");
        assert!(lines[11].starts_with("    17: F6 2C 01"), "{listing}");
        assert!(lines[11].ends_with("    300"), "{listing}");
        assert!(lines[12].ends_with("    \"\""), "{listing}");
    }

    #[test]
    fn string_ref_at_64_and_above() {
        // An array of 65 definitions "s00".."s64", then a reference to #64
        // (EE 40) and to #3 (83).
        let mut bytes = vec![0xEB, 67];
        for i in 0..65 {
            define(&mut bytes, &format!("s{i:02}"));
        }
        bytes.extend_from_slice(&[0xEE, 0x40, 0x83]);
        let listing = ok(&bytes);
        assert!(listing.contains("define string #64 \"s64\""), "{listing}");
        assert!(listing.contains("   327: EE 40                      string #64 \"s64\"\n"), "{listing}");
        assert!(listing.contains("string #3 \"s03\"\n"), "{listing}");
        // A reference past the table.
        let bad = [0x62, 0xED, 0x01, b'x', 0x81];
        assert!(matches!(err(&bad), ErrorKind::BadStringRef { offset: 4, index: 1, defined: 1 }));
        // EE with a small index is decoded but flagged.
        let small = [0x62, 0xED, 0x01, b'x', 0xEE, 0x00];
        assert!(ok(&small).contains("string #0 \"x\" (non-canonical: fits in the tag)"));
    }

    #[test]
    fn shape_ref_at_32_and_above() {
        // An array of 33 one-field structs each defining its shape (fields
        // "f0".."f32"), then a struct of shape 32 (F0 20) and of shape 1 (C1).
        let mut bytes = vec![0xEB, 35];
        for i in 0..33 {
            bytes.extend_from_slice(&[0xEF, 0x01]);
            define(&mut bytes, &format!("f{i}"));
            bytes.push(0x00);
        }
        bytes.extend_from_slice(&[0xF0, 0x20, 0x05, 0xC1, 0x06]);
        let listing = ok(&bytes);
        assert!(listing.contains("struct, defines shape 32 (1 field)\n"), "{listing}");
        assert!(listing.contains("F0 20                      struct, shape 32 (f32)\n"), "{listing}");
        assert!(listing.contains("    f32: 5\n"), "{listing}");
        assert!(listing.contains("struct, shape 1 (f1)\n"), "{listing}");
        assert!(listing.contains("    f1: 6\n"), "{listing}");
    }

    #[test]
    fn shape_refs_need_complete_shapes() {
        // A struct defining shape 0 whose only value refers to shape 0.
        let bytes = [0xEF, 0x01, 0x41, b'a', 0xC0];
        assert!(matches!(err(&bytes), ErrorKind::BadShapeRef { offset: 4, index: 0, defined: 0 }));
        // Keys must be strings.
        let bytes = [0xEF, 0x01, 0x01, 0x02];
        assert!(matches!(err(&bytes), ErrorKind::KeyNotString { offset: 2, tag: 0x01 }));
        // A shape defined inside another completes first and can be used
        // while the outer one is still open.
        let bytes = [0xEF, 0x02, 0x41, b'a', 0xEF, 0x01, 0x41, b'b', 0x01, 0x41, b'c', 0xC1, 0x02];
        let listing = ok(&bytes);
        assert!(listing.contains("defines shape 1 (1 field)"), "{listing}");
        assert!(listing.contains("c: struct, shape 1 (b)\n"), "{listing}");
        assert!(listing.contains("b: 2\n"), "{listing}");
    }

    #[test]
    fn packed_f64_with_padding() {
        // F4 0A 02 at offsets 0..3, five bytes of padding, data at 8.
        let mut bytes = vec![0xF4, 0x0A, 0x02, 0, 0, 0, 0, 0];
        bytes.extend_from_slice(&1.5_f64.to_le_bytes());
        bytes.extend_from_slice(&2.0_f64.to_le_bytes());
        let listing = ok(&bytes);
        assert_eq!(
            listing,
            "     0: F4 0A 02 00 00 00 00 00  packed f64[2], 5 bytes of padding, data at byte 8
     8: 00 00 00 00 00 00 F8 ..    [1.5, 2.0]
"
        );
        // Inside an array the padding shrinks: the count ends at byte 4.
        let mut bytes = vec![0x61, 0xF4, 0x05, 0x03];
        for v in [7_u32, 8, 9] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        assert!(ok(&bytes).contains("packed u32[3], 0 bytes of padding, data at byte 4"));
        // Non-zero padding, a bad kind, a count beyond the input.
        assert!(matches!(err(&[0xF4, 0x0A, 0x00, 0, 0, 1, 0, 0]), ErrorKind::InvalidValue { offset: 3, .. }));
        assert!(matches!(err(&[0xF4, 0x0B, 0x00]), ErrorKind::InvalidValue { offset: 1, .. }));
        assert!(matches!(
            err(&[0xF4, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00]),
            ErrorKind::LengthExceedsInput { offset: 2, declared: 0xFFFF_FFFF, remaining: 1, .. }
        ));
        // Many elements: the first eight are shown.
        let mut bytes = vec![0xF4, 0x01, 20];
        bytes.extend(0..20_u8);
        assert!(ok(&bytes).contains("[0, 1, 2, 3, 4, 5, 6, 7, ... 12 more]"));
    }

    #[test]
    fn timestamp_extension_bytes_and_big_integers() {
        // 1_700_000_000 s (zigzag 3_400_000_000), 500_000_000 ns.
        let mut bytes = vec![0xF2];
        varint::write_u64(&mut bytes, varint::zigzag_i64(1_700_000_000));
        varint::write_u32(&mut bytes, 500_000_000);
        let listing = ok(&bytes);
        assert!(listing.contains("timestamp 1700000000 s 500000000 ns = 2023-11-14T22:13:20.5Z"), "{listing}");
        // Before the epoch: -1 s is 1969-12-31T23:59:59Z.
        assert!(ok(&[0xF2, 0x01, 0x00]).contains("timestamp -1 s 0 ns = 1969-12-31T23:59:59Z"));
        assert!(ok(&[0xF2, 0x00, 0x00]).contains("= 1970-01-01T00:00:00Z"));
        // Extreme seconds do not overflow.
        let mut bytes = vec![0xF2];
        varint::write_u64(&mut bytes, varint::zigzag_i64(i64::MIN));
        bytes.push(0x00);
        ok(&bytes);
        // Nanos out of range.
        let mut bytes = vec![0xF2, 0x00];
        varint::write_u32(&mut bytes, 1_000_000_000);
        assert!(matches!(err(&bytes), ErrorKind::InvalidValue { offset: 2, what: "timestamp", .. }));
        // Extension type 7 with three bytes; bytes; 128-bit integers.
        assert!(ok(&[0xF3, 0x07, 0x03, 1, 2, 3]).contains("extension type 7, 3 bytes: 01 02 03"));
        assert!(ok(&[0xEA, 0x02, 0xAB, 0xCD]).contains("bytes(2): AB CD"));
        let mut bytes = vec![0xE5];
        varint::write_u128(&mut bytes, u128::MAX);
        assert!(ok(&bytes).contains(&u128::MAX.to_string()));
        let mut bytes = vec![0xE6];
        varint::write_i128(&mut bytes, i128::MIN);
        assert!(ok(&bytes).contains(&i128::MIN.to_string()));
        assert!(ok(&[0xF5, 0x05]).contains("5 (non-canonical: fits in the tag)"));
        assert!(ok(&[0xF6, 0x2C, 0x00]).contains("44 (non-canonical: fits in the tag)"));
        assert!(ok(&[0xF6, 0xFF, 0x00]).contains("255 (non-canonical: fits in fewer bytes)"));
        assert!(!ok(&[0xF6, 0x00, 0x01]).contains("non-canonical"));
        assert!(ok(&[0xE3, 0xAC, 0x02]).contains("300 (non-canonical: format version 1's varint form)"));
    }

    #[test]
    fn options_and_long_strings() {
        // Some(None), then Some(Some(())).
        let listing = ok(&[0x62, 0xF1, 0xE0, 0xF1, 0xF1, 0xE0]);
        assert!(listing.contains("    some\n"), "{listing}");
        assert!(listing.contains("      null\n"), "{listing}");
        assert!(listing.contains("        null\n"), "{listing}");
        // A string of 100 'a': 60 shown, then its length.
        let mut bytes = vec![0xE9, 100];
        bytes.extend_from_slice(&[b'a'; 100]);
        let listing = ok(&bytes);
        assert!(listing.contains(&format!("\"{}\"... (100 bytes)", "a".repeat(60))), "{listing}");
        assert!(listing.starts_with("     0: E9 64 61 61 61 61 61 .."), "{listing}");
        // Invalid UTF-8.
        assert!(matches!(err(&[0x42, 0xC3, 0x28]), ErrorKind::InvalidUtf8 { offset: 1 }));
    }

    #[test]
    fn sequences_of_top_level_values_reset_the_tables() {
        let mut bytes = PEOPLE.to_vec();
        bytes.extend_from_slice(&[0x01, 0xED, 0x01, b'z']);
        let listing = ok(&bytes);
        assert!(listing.contains("    27: --- value 2 (string and shape tables reset) ---\n"), "{listing}");
        assert!(listing.contains("    28: --- value 3 (string and shape tables reset) ---\n"), "{listing}");
        assert!(listing.contains("define string #0 \"z\""), "{listing}");
        // A value 4 (`80`) referring to string 0, which value 3 defined: the
        // table was reset, so the reference is bad.
        bytes.push(0x80);
        assert!(matches!(err(&bytes), ErrorKind::BadStringRef { offset: 31, index: 0, defined: 0 }));
        assert_eq!(ok(&[]), "");
    }

    #[test]
    fn truncated_input_reports_the_offset() {
        for len in 0..PEOPLE.len() {
            let Some(offset) = inspect(&PEOPLE[..len]).err().and_then(|e| e.offset()) else {
                assert_eq!(len, 0, "truncated at {len} but no error");
                continue;
            };
            assert!(offset <= len, "offset {offset} past the end at {len}");
        }
        // The array needs two values; "Bob" is cut after "Bo".
        assert!(matches!(err(&PEOPLE[..25]), ErrorKind::Eof { offset: 23, needed: 1, what: "string" }));
        assert!(matches!(err(&PEOPLE[..21]), ErrorKind::Eof { offset: 21, .. }));
        // A truncated varint, and a truncated fixed-width integer.
        assert!(matches!(err(&[0xE4, 0x80]), ErrorKind::Varint { offset: 1, source: VarintError::Truncated }));
        assert!(matches!(err(&[0xF7, 0x01, 0x02]), ErrorKind::Eof { offset: 1, .. }));
        // An inline count larger than the rest of the input, as the decoder
        // reports it.
        assert!(matches!(err(&[0x63, 0x01]), ErrorKind::LengthExceedsInput { offset: 0, what: "array count", .. }));
        // An overlong varint.
        assert!(matches!(err(&[0xE4, 0x80, 0x00]), ErrorKind::Varint { offset: 1, source: VarintError::Overlong }));
    }

    #[test]
    fn reserved_tags_are_unknown() {
        for t in 0xFE..=0xFF_u8 {
            assert!(matches!(err(&[0x61, t]), ErrorKind::UnknownTag { offset: 1, tag } if tag == t));
        }
    }

    #[test]
    fn deep_nesting_is_a_depth_error_not_a_stack_overflow() {
        let bytes = vec![0x61; 1_000_000];
        assert!(matches!(err(&bytes), ErrorKind::DepthLimit { offset: 128, limit: 128 }));
        let bytes = vec![0xF1; 1_000_000];
        assert!(matches!(err(&bytes), ErrorKind::DepthLimit { offset: 128, limit: 128 }));
        // 128 levels are fine.
        let mut bytes = vec![0x61; 127];
        bytes.push(0x60);
        let listing = ok(&bytes);
        assert!(listing.contains("<depth 127> array(0)"), "{listing}");
    }

    #[test]
    fn huge_declared_lengths_fail_before_allocating() {
        let bytes = [0xEB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        assert!(matches!(
            err(&bytes),
            ErrorKind::LengthExceedsInput {
                offset: 1,
                what: "array count",
                declared: 0x0FFF_FFFF_FFFF_FFFF,
                remaining: 0
            }
        ));
        for t in [0xE9, 0xEA, 0xEC, 0xED, 0xEF] {
            let mut bytes = bytes;
            bytes[0] = t;
            assert!(matches!(err(&bytes), ErrorKind::LengthExceedsInput { offset: 1, .. }), "tag {t:02X}");
        }
        let mut bytes = vec![0xF3, 0x01];
        bytes.extend_from_slice(&[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        assert!(matches!(err(&bytes), ErrorKind::LengthExceedsInput { offset: 2, what: "extension length", .. }));
        // A map of 2 entries needs at least 4 bytes.
        assert!(matches!(err(&[0xEC, 0x02, 0, 0, 0]), ErrorKind::LengthExceedsInput { offset: 1, declared: 2, .. }));
    }

    #[test]
    fn long_keys_and_strings_stay_short_in_the_listing() {
        // One shape with a 1000-byte key, referenced 200 times.
        let key = "k".repeat(1000);
        let mut bytes = vec![0xEB, 0xC9, 0x01, 0xEF, 0x01, 0xE9, 0xE8, 0x07];
        bytes.extend_from_slice(key.as_bytes());
        bytes.push(0x00);
        for _ in 0..200 {
            bytes.extend_from_slice(&[0xC0, 0x01]);
        }
        let listing = ok(&bytes);
        assert!(listing.lines().all(|line| line.len() < 200), "{listing}");
    }

    proptest! {
        #[test]
        fn never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = inspect(&bytes);
        }

        #[test]
        fn never_panics_on_tag_heavy_bytes(
            bytes in proptest::collection::vec(
                prop_oneof![0xE0..=0xF4_u8, 0x00..=0x03_u8, 0x40..=0x43_u8, 0x60..=0x63_u8, 0x80..=0x81_u8, 0xC0..=0xC1_u8, any::<u8>()],
                0..256,
            )
        ) {
            let _ = inspect(&bytes);
        }

        #[test]
        fn truncations_of_valid_input_fail_cleanly(cut in 0..27_usize) {
            let result = inspect(&PEOPLE[..cut]);
            if cut == 0 {
                prop_assert_eq!(result.ok(), Some(String::new()));
            } else {
                prop_assert!(result.is_err());
            }
        }
    }
}
