//! [`Value`]: any flatbox-wire value, owned, and its conversions to and
//! from `serde_json::Value`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::logical::{self, Decimal, Interval, TimeUnit};
use crate::magic;
use crate::packed::{Packed, elements_from_le};

/// Any flatbox-wire value: what a schema-less decoder sees.
///
/// Decoding into `Value` never needs the type that wrote the bytes: structs
/// come back as maps (keys in their order), enums as a string (unit
/// variants) or a one-entry map.
///
/// Integers are one variant, [`Value::Integer`], whatever their Rust type;
/// only values above `i128::MAX` need [`Value::BigUInt`].
///
/// # Examples
///
/// ```
/// use flatbox_wire::Value;
///
/// #[derive(serde::Serialize)]
/// struct Point { x: i32, y: i32 }
///
/// let bytes = flatbox_wire::to_vec(&Point { x: 1, y: -2 })?;
/// let value: Value = flatbox_wire::from_slice(&bytes)?;
/// assert_eq!(
///     value,
///     Value::Map(vec![
///         (Value::String("x".into()), Value::Integer(1)),
///         (Value::String("y".into()), Value::Integer(-2)),
///     ])
/// );
/// // A Value converts to JSON when JSON can hold it.
/// let json = serde_json::Value::try_from(value)?;
/// assert_eq!(json.to_string(), r#"{"x":1,"y":-2}"#);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Null: `()`, `None`, a unit struct.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer from `i128::MIN` to `i128::MAX`.
    Integer(i128),
    /// An integer above `i128::MAX` (only; smaller ones are
    /// [`Value::Integer`]).
    BigUInt(u128),
    /// A 32-bit float.
    F32(f32),
    /// A 64-bit float.
    F64(f64),
    /// A UTF-8 string.
    String(String),
    /// A byte string.
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A map, in the order its entries were written; keys may be any value.
    Map(Vec<(Value, Value)>),
    /// A point in time.
    Timestamp(Timestamp),
    /// Application-defined bytes with a type id.
    Extension(Extension),
    /// A packed numeric array.
    Packed(PackedArray),
    /// A 16-bit float (IEEE 754 half precision).
    F16(half::f16),
    /// A point in time as an integer count of `unit`s since the Unix epoch
    /// (1970-01-01T00:00:00), in time zone `tz` (an IANA name such as
    /// `Europe/Paris` or an offset such as `+02:00`), or with no zone (a
    /// wall-clock time, Arrow's timestamp without time zone).
    DateTime {
        /// Units since the epoch.
        value: i64,
        /// The unit.
        unit: TimeUnit,
        /// The time zone, if any.
        tz: Option<Arc<str>>,
    },
    /// A date: days since 1970-01-01 (Arrow's date32).
    Date32(i32),
    /// A date: milliseconds since 1970-01-01T00:00:00 (Arrow's date64).
    Date64(i64),
    /// A time of day: `unit`s since midnight.
    Time {
        /// Units since midnight.
        value: i64,
        /// The unit.
        unit: TimeUnit,
    },
    /// An elapsed time in `unit`s.
    Duration {
        /// How many units.
        value: i64,
        /// The unit.
        unit: TimeUnit,
    },
    /// A calendar interval.
    Interval(Interval),
    /// A decimal number with precision and scale, up to 256 bits.
    Decimal(Decimal),
    /// A value of a union, with the union's type id of its variant (Arrow's
    /// `i8` type ids).
    Union {
        /// The variant's type id.
        type_id: i8,
        /// The value.
        value: Box<Value>,
    },
}

impl Value {
    /// The name of the value's kind, for error messages: `null`, `bool`,
    /// `integer`, `f16`, `string`, `datetime[ms, UTC]`, `decimal(10, 2)`...
    pub fn type_name(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(_) => "bool".into(),
            Value::Integer(_) | Value::BigUInt(_) => "integer".into(),
            Value::F16(_) => "f16".into(),
            Value::F32(_) => "f32".into(),
            Value::F64(_) => "f64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "bytes".into(),
            Value::Array(_) => "array".into(),
            Value::Map(_) => "map".into(),
            Value::Timestamp(_) => "timestamp".into(),
            Value::Extension(e) => format!("extension {}", e.type_id),
            Value::Packed(_) => "packed array".into(),
            Value::DateTime { unit, tz: Some(tz), .. } => format!("datetime[{unit}, {tz}]"),
            Value::DateTime { unit, tz: None, .. } => format!("datetime[{unit}]"),
            Value::Date32(_) => "date32".into(),
            Value::Date64(_) => "date64".into(),
            Value::Time { unit, .. } => format!("time[{unit}]"),
            Value::Duration { unit, .. } => format!("duration[{unit}]"),
            Value::Interval(Interval::YearMonth { .. }) => "interval year-month".into(),
            Value::Interval(Interval::DayTime { .. }) => "interval day-time".into(),
            Value::Interval(Interval::MonthDayNano { .. }) => "interval month-day-nano".into(),
            Value::Decimal(d) => format!("decimal({}, {})", d.precision(), d.scale()),
            Value::Union { type_id, .. } => format!("union variant {type_id}"),
        }
    }
}

/// A point in time: seconds since the Unix epoch and nanoseconds.
///
/// # Examples
///
/// ```
/// use flatbox_wire::Timestamp;
///
/// let t = Timestamp::new(1_642_678_800, 500)?;
/// let bytes = flatbox_wire::to_vec(&t)?;
/// assert_eq!(bytes[0], 0xF2);
/// assert_eq!(flatbox_wire::from_slice::<Timestamp>(&bytes)?, t);
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

impl Timestamp {
    /// A timestamp `seconds` after the Unix epoch (negative: before) plus
    /// `nanos` nanoseconds.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] when `nanos` is 10^9 or more.
    pub fn new(seconds: i64, nanos: u32) -> Result<Self, Error> {
        if nanos >= 1_000_000_000 {
            return Err(ErrorKind::InvalidValue {
                offset: 0,
                what: "timestamp",
                reason: format!("nanoseconds {nanos} not below 10^9"),
            }
            .into());
        }
        Ok(Timestamp { seconds, nanos })
    }

    /// Seconds since the Unix epoch.
    pub fn seconds(&self) -> i64 {
        self.seconds
    }

    /// Nanoseconds within the second, below 10^9.
    pub fn nanos(&self) -> u32 {
        self.nanos
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            (self.seconds, self.nanos).serialize(serializer)
        } else {
            serializer.serialize_newtype_struct(
                magic::TIMESTAMP,
                &Bytes(&magic::timestamp_to_bytes(self.seconds, self.nanos)),
            )
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Timestamp, E> {
                let (seconds, nanos) =
                    magic::timestamp_from_bytes(v).ok_or_else(|| E::invalid_length(v.len(), &"12 bytes"))?;
                Timestamp::new(seconds, nanos).map_err(E::custom)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Timestamp, D::Error> {
                d.deserialize_bytes(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Timestamp, A::Error> {
                let seconds = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let nanos = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                Timestamp::new(seconds, nanos).map_err(de::Error::custom)
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_tuple(2, V)
        } else {
            deserializer.deserialize_newtype_struct(magic::TIMESTAMP, V)
        }
    }
}

/// Application-defined bytes, tagged with a type id the application
/// chooses (like MessagePack's ext types).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Extension {
    /// What the bytes are, by the application's numbering.
    pub type_id: u64,
    /// The bytes.
    pub data: Vec<u8>,
}

impl Serialize for Extension {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if logical::RESERVED_EXTENSION_IDS.contains(&self.type_id) {
            return Err(serde::ser::Error::custom(format_args!(
                "extension type id {:#x} is reserved for flatbox-wire's logical types ({:#x}..={:#x})",
                self.type_id,
                logical::RESERVED_EXTENSION_IDS.start(),
                logical::RESERVED_EXTENSION_IDS.end()
            )));
        }
        serialize_extension(self.type_id, &self.data, serializer)
    }
}

/// Writes an extension, reserved type ids included.
fn serialize_extension<S: Serializer>(type_id: u64, data: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
    if serializer.is_human_readable() {
        (type_id, data).serialize(serializer)
    } else {
        let mut payload = Vec::with_capacity(8 + data.len());
        payload.extend_from_slice(&type_id.to_le_bytes());
        payload.extend_from_slice(data);
        serializer.serialize_newtype_struct(magic::EXTENSION, &Bytes(&payload))
    }
}

/// A union: the pair (union marker, value).
struct UnionPair<'a>(i8, &'a Value);

impl Serialize for UnionPair<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(2))?;
        seq.serialize_element(&UnionMarker(self.0))?;
        seq.serialize_element(self.1)?;
        seq.end()
    }
}

struct UnionMarker(i8);

impl Serialize for UnionMarker {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_extension(logical::UNION, &self.0.to_le_bytes(), serializer)
    }
}

impl<'de> Deserialize<'de> for Extension {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Extension;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an extension")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Extension, E> {
                let (type_id, data) =
                    magic::extension_from_bytes(v).ok_or_else(|| E::invalid_length(v.len(), &"at least 8 bytes"))?;
                Ok(Extension { type_id, data: data.to_vec() })
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Extension, D::Error> {
                d.deserialize_bytes(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Extension, A::Error> {
                let type_id = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let data = seq.next_element()?.ok_or_else(|| de::Error::invalid_length(1, &self))?;
                Ok(Extension { type_id, data })
            }
        }
        if deserializer.is_human_readable() {
            deserializer.deserialize_tuple(2, V)
        } else {
            deserializer.deserialize_newtype_struct(magic::EXTENSION, V)
        }
    }
}

/// A packed numeric array held by a [`Value`].
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs, reason = "each variant is the element type it names")]
pub enum PackedArray {
    U8(Vec<u8>),
    I8(Vec<i8>),
    U16(Vec<u16>),
    I16(Vec<i16>),
    U32(Vec<u32>),
    I32(Vec<i32>),
    U64(Vec<u64>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl PackedArray {
    /// How many elements it has.
    pub fn len(&self) -> usize {
        match self {
            PackedArray::U8(v) => v.len(),
            PackedArray::I8(v) => v.len(),
            PackedArray::U16(v) => v.len(),
            PackedArray::I16(v) => v.len(),
            PackedArray::U32(v) => v.len(),
            PackedArray::I32(v) => v.len(),
            PackedArray::U64(v) => v.len(),
            PackedArray::I64(v) => v.len(),
            PackedArray::F32(v) => v.len(),
            PackedArray::F64(v) => v.len(),
        }
    }

    /// Whether it has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn from_kind(kind: u8, bytes: &[u8]) -> Option<Self> {
        Some(match kind {
            0x01 => PackedArray::U8(elements_from_le(bytes)),
            0x02 => PackedArray::I8(elements_from_le(bytes)),
            0x03 => PackedArray::U16(elements_from_le(bytes)),
            0x04 => PackedArray::I16(elements_from_le(bytes)),
            0x05 => PackedArray::U32(elements_from_le(bytes)),
            0x06 => PackedArray::I32(elements_from_le(bytes)),
            0x07 => PackedArray::U64(elements_from_le(bytes)),
            0x08 => PackedArray::I64(elements_from_le(bytes)),
            0x09 => PackedArray::F32(elements_from_le(bytes)),
            0x0A => PackedArray::F64(elements_from_le(bytes)),
            _ => return None,
        })
    }
}

impl Serialize for PackedArray {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PackedArray::U8(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::I8(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::U16(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::I16(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::U32(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::I32(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::U64(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::I64(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::F32(v) => Packed(&v[..]).serialize(serializer),
            PackedArray::F64(v) => Packed(&v[..]).serialize(serializer),
        }
    }
}

/// Serializes a byte slice as serde bytes.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// Deserializes serde bytes into a vector.
struct ByteBuf(Vec<u8>);

impl<'de> Deserialize<'de> for ByteBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ByteBuf;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                Ok(ByteBuf(v))
            }
        }
        deserializer.deserialize_byte_buf(V)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Integer(n) => {
                if let Ok(u) = u64::try_from(*n) {
                    serializer.serialize_u64(u)
                } else if let Ok(i) = i64::try_from(*n) {
                    serializer.serialize_i64(i)
                } else {
                    serializer.serialize_i128(*n)
                }
            }
            Value::BigUInt(n) => serializer.serialize_u128(*n),
            Value::F32(f) => serializer.serialize_f32(*f),
            Value::F64(f) => serializer.serialize_f64(*f),
            Value::String(s) => serializer.serialize_str(s),
            Value::Bytes(b) => serializer.serialize_bytes(b),
            // As a `Vec` serializes: an array of integers or floats of one
            // kind is then an array of numbers.
            Value::Array(items) => serializer.collect_seq(items),
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Value::Timestamp(t) => t.serialize(serializer),
            Value::Extension(e) => e.serialize(serializer),
            Value::Packed(p) => p.serialize(serializer),
            Value::Union { type_id, value } => UnionPair(*type_id, value).serialize(serializer),
            Value::F16(_)
            | Value::DateTime { .. }
            | Value::Date32(_)
            | Value::Date64(_)
            | Value::Time { .. }
            | Value::Duration { .. }
            | Value::Interval(_)
            | Value::Decimal(_) => {
                let (type_id, data) = logical::encode(self).expect("every logical variant has an encoding");
                serialize_extension(type_id, &data, serializer)
            }
        }
    }
}

/// Decodes a `Value`; `union_marker_ok` when it is the first element of an
/// array, where a union marker may start a union pair.
#[derive(Clone, Copy)]
struct ValueVisitor {
    union_marker_ok: bool,
}

impl<'de> de::DeserializeSeed<'de> for ValueVisitor {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(i128::from(v)))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Integer(i128::from(v)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::BigUInt(v), Value::Integer))
    }
    fn visit_f32<E>(self, v: f32) -> Result<Value, E> {
        Ok(Value::F32(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // The size hint is the declared count, already checked against the
        // input by flatbox-wire; cap it anyway for other deserializers.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        let Some(first) = seq.next_element_seed(ValueVisitor { union_marker_ok: true })? else {
            return Ok(Value::Array(items));
        };
        if let Value::Extension(Extension { type_id: logical::UNION, data }) = &first {
            let [type_id] = data[..] else {
                return Err(de::Error::custom(format_args!("union marker of {} bytes, expected 1", data.len())));
            };
            let value: Value = seq.next_element()?.ok_or_else(|| de::Error::custom("union marker without a value"))?;
            if seq.next_element::<de::IgnoredAny>()?.is_some() {
                return Err(de::Error::custom("union pair with more than 2 elements"));
            }
            return Ok(Value::Union { type_id: i8::from_le_bytes([type_id]), value: Box::new(value) });
        }
        items.push(first);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        let Some(first) = map.next_key::<Value>()? else {
            return Ok(Value::Map(entries));
        };
        if let Value::String(name) = &first
            && name.starts_with("$flatbox_wire::")
        {
            let ByteBuf(bytes) = map.next_value()?;
            let special = if name == magic::TIMESTAMP {
                magic::timestamp_from_bytes(&bytes).map(|(s, n)| Value::Timestamp(Timestamp { seconds: s, nanos: n }))
            } else if name == magic::EXTENSION {
                match magic::extension_from_bytes(&bytes) {
                    Some((logical::UNION, d)) if self.union_marker_ok => {
                        Some(Value::Extension(Extension { type_id: logical::UNION, data: d.to_vec() }))
                    }
                    Some((t, d)) if logical::RESERVED_EXTENSION_IDS.contains(&t) => {
                        return logical::decode(t, d).map_err(|reason| {
                            de::Error::custom(format_args!(
                                "malformed {} (extension {t:#x}): {reason}",
                                logical::name_of(t).unwrap_or("logical value")
                            ))
                        });
                    }
                    other => other.map(|(t, d)| Value::Extension(Extension { type_id: t, data: d.to_vec() })),
                }
            } else {
                magic::packed_kind_of_name(name).and_then(|k| PackedArray::from_kind(k, &bytes)).map(Value::Packed)
            };
            return special.ok_or_else(|| de::Error::custom(format_args!("malformed {name} payload")));
        }
        let value = map.next_value()?;
        entries.push((first, value));
        while let Some((k, v)) = map.next_entry()? {
            entries.push((k, v));
        }
        Ok(Value::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor { union_marker_ok: false })
    }
}

/// JSON to `Value`, losslessly: null, bools, strings, arrays as themselves;
/// integers as [`Value::Integer`]; other numbers as [`Value::F64`]; objects
/// as [`Value::Map`] with string keys, in the `serde_json::Map`'s order
/// (sorted by key unless `serde_json`'s `preserve_order` feature is on).
impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    Value::Integer(i128::from(u))
                } else if let Some(i) = n.as_i64() {
                    Value::Integer(i128::from(i))
                } else {
                    Value::F64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Map(map.into_iter().map(|(k, v)| (Value::String(k), Value::from(v))).collect())
            }
        }
    }
}

/// `Value` to JSON, where JSON can hold it without loss.
///
/// Null, bools, strings, arrays and maps with string keys convert as
/// themselves; integers that fit `i64` or `u64`; finite `F64`s; `F32`s widen
/// to f64 (exactly, though they come back as [`Value::F64`]); packed arrays
/// become arrays of numbers. Bytes, timestamps, extensions, non-string map
/// keys, integers beyond 64 bits and non-finite floats have no JSON form
/// and give [`ErrorKind::Message`] naming what could not be converted.
impl TryFrom<Value> for serde_json::Value {
    type Error = Error;

    fn try_from(value: Value) -> Result<Self, Error> {
        Ok(match value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(b),
            Value::Integer(n) => {
                if let Ok(u) = u64::try_from(n) {
                    u.into()
                } else if let Ok(i) = i64::try_from(n) {
                    i.into()
                } else {
                    return Err(ErrorKind::Message(format!("integer {n} does not fit JSON's 64-bit numbers")).into());
                }
            }
            Value::BigUInt(n) => {
                return Err(ErrorKind::Message(format!("integer {n} does not fit JSON's 64-bit numbers")).into());
            }
            Value::F32(f) => json_float(f64::from(f))?,
            Value::F64(f) => json_float(f)?,
            Value::String(s) => serde_json::Value::String(s),
            Value::Array(items) => {
                serde_json::Value::Array(items.into_iter().map(serde_json::Value::try_from).collect::<Result<_, _>>()?)
            }
            Value::Map(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for (k, v) in entries {
                    let Value::String(k) = k else {
                        return Err(
                            ErrorKind::Message(format!("map key {k:?} is not a string, which JSON requires")).into()
                        );
                    };
                    map.insert(k, serde_json::Value::try_from(v)?);
                }
                serde_json::Value::Object(map)
            }
            Value::Packed(p) => serde_json::to_value(&p).map_err(|e| ErrorKind::Message(e.to_string()))?,
            Value::Bytes(_) => return Err(ErrorKind::Message("bytes have no JSON form".into()).into()),
            Value::Timestamp(_) => return Err(ErrorKind::Message("timestamps have no JSON form".into()).into()),
            Value::Extension(_) => return Err(ErrorKind::Message("extensions have no JSON form".into()).into()),
            other => {
                return Err(ErrorKind::Message(format!(
                    "{} has no plain JSON form (flatbox::records::to_json writes one)",
                    other.type_name()
                ))
                .into());
            }
        })
    }
}

fn json_float(f: f64) -> Result<serde_json::Value, Error> {
    serde_json::Number::from_f64(f)
        .map(serde_json::Value::Number)
        .ok_or_else(|| ErrorKind::Message(format!("{f} is not a finite number, which JSON requires")).into())
}
