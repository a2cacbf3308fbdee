//! Names of the newtype structs through which [`Packed`](crate::Packed),
//! [`Timestamp`](crate::Timestamp) and [`Extension`](crate::Extension) reach
//! the serializer, and their payload layouts.
//!
//! serde's data model has no packed arrays, timestamps or extensions. These
//! types serialize as a newtype struct with a reserved name around a byte
//! string; flatbox-wire's serializer recognises the name and writes its own
//! tag. Every other binary format sees a newtype around bytes, and
//! human-readable formats (JSON) see a plain list or struct.

/// Newtype name of a timestamp; the payload is 12 bytes: seconds (i64 LE),
/// nanoseconds (u32 LE).
pub(crate) const TIMESTAMP: &str = "$flatbox_wire::Timestamp";
/// Newtype name of an extension; the payload is the type id (u64 LE), then
/// the data.
pub(crate) const EXTENSION: &str = "$flatbox_wire::Extension";

/// Element kinds of packed arrays: (kind byte, element size, newtype name).
pub(crate) const PACKED: [(u8, usize, &str); 10] = [
    (0x01, 1, "$flatbox_wire::Packed::u8"),
    (0x02, 1, "$flatbox_wire::Packed::i8"),
    (0x03, 2, "$flatbox_wire::Packed::u16"),
    (0x04, 2, "$flatbox_wire::Packed::i16"),
    (0x05, 4, "$flatbox_wire::Packed::u32"),
    (0x06, 4, "$flatbox_wire::Packed::i32"),
    (0x07, 8, "$flatbox_wire::Packed::u64"),
    (0x08, 8, "$flatbox_wire::Packed::i64"),
    (0x09, 4, "$flatbox_wire::Packed::f32"),
    (0x0A, 8, "$flatbox_wire::Packed::f64"),
];

/// The element size of a packed kind.
pub(crate) fn packed_size(kind: u8) -> Option<usize> {
    PACKED.iter().find(|p| p.0 == kind).map(|p| p.1)
}

/// The newtype name of a packed kind.
pub(crate) fn packed_name(kind: u8) -> Option<&'static str> {
    PACKED.iter().find(|p| p.0 == kind).map(|p| p.2)
}

/// The packed kind a newtype name stands for.
pub(crate) fn packed_kind_of_name(name: &str) -> Option<u8> {
    if !name.starts_with("$flatbox_wire::Packed::") {
        return None;
    }
    PACKED.iter().find(|p| p.2 == name).map(|p| p.0)
}

/// Splits a timestamp payload: `None` unless it is 12 bytes and its
/// nanoseconds are below 10^9 (what the `TIMESTAMP` tag can carry, so a
/// value decoded through the magic name encodes to bytes that decode).
pub(crate) fn timestamp_from_bytes(bytes: &[u8]) -> Option<(i64, u32)> {
    let secs = i64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    let nanos = u32::from_le_bytes(bytes.get(8..12)?.try_into().ok()?);
    (bytes.len() == 12 && nanos < 1_000_000_000).then_some((secs, nanos))
}

/// Builds a timestamp payload.
pub(crate) fn timestamp_to_bytes(secs: i64, nanos: u32) -> [u8; 12] {
    let mut out = [0; 12];
    out[..8].copy_from_slice(&secs.to_le_bytes());
    out[8..].copy_from_slice(&nanos.to_le_bytes());
    out
}

/// Splits an extension payload.
pub(crate) fn extension_from_bytes(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let type_id = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?);
    Some((type_id, &bytes[8..]))
}
