//! The record model in protobuf, through prost-reflect's dynamic messages.

use std::collections::HashMap;

use flatbox_proto::prost_reflect::{
    DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, ReflectMessage as _, Value as Proto,
};
use flatbox_wire::Value;
use prost::Message as _;

use crate::{Error, Result};

/// A protobuf message (binary) as a record: a [`Value::Map`] with one entry
/// per field of `message`, keyed by the field's name as the `.proto`
/// spells it, in declaration order.
///
/// Integers are [`Value::Integer`], `float` and `double` are
/// [`Value::F32`] and [`Value::F64`], `bytes` are [`Value::Bytes`], enums
/// are their value's name (the proto3 JSON mapping's choice; the number
/// when the schema does not name it), messages are maps, repeated fields
/// arrays, and map fields maps with keys of their own type, in key order.
/// A field without a value is its default (proto3), or [`Value::Null`]
/// when the field tracks presence (a message, an `optional` field, a
/// member of a `oneof`).
///
/// # Errors
///
/// [`Error::Decode`] when `bytes` is not a `message` (prost's reason).
///
/// # Examples
///
/// ```
/// use flatbox::proto::Schema;
/// use flatbox::records;
/// use flatbox::wire::Value;
///
/// let user = Schema::builtin().message("flatbox.v1.User")?;
/// let row = records::from_protobuf(&user, &[0x08, 0x96, 0x01])?;
/// let Value::Map(fields) = &row else { unreachable!() };
/// assert_eq!(fields[0], (Value::String("id".into()), Value::Integer(150)));
/// assert_eq!(records::to_protobuf(&user, &row)?, [0x08, 0x96, 0x01]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn from_protobuf(message: &MessageDescriptor, bytes: &[u8]) -> Result<Value> {
    let decoded = DynamicMessage::decode(message.clone(), bytes).map_err(|e| Error::decode("protobuf", e))?;
    Ok(message_value(&decoded))
}

fn message_value(message: &DynamicMessage) -> Value {
    let descriptor = message.descriptor();
    Value::Map(
        descriptor
            .fields()
            .map(|field| {
                let value = if field.supports_presence() && !message.has_field(&field) {
                    Value::Null
                } else {
                    field_value(&field, &message.get_field(&field))
                };
                (Value::String(field.name().to_owned()), value)
            })
            .collect(),
    )
}

fn field_value(field: &FieldDescriptor, value: &Proto) -> Value {
    match value {
        Proto::List(items) => Value::Array(items.iter().map(|v| single(field, v)).collect()),
        Proto::Map(entries) => {
            let value_field = field.kind().as_message().map(MessageDescriptor::map_entry_value_field);
            let mut entries: Vec<(&MapKey, &Proto)> = entries.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        let key = match k {
                            MapKey::Bool(b) => Value::Bool(*b),
                            MapKey::I32(n) => Value::Integer((*n).into()),
                            MapKey::I64(n) => Value::Integer((*n).into()),
                            MapKey::U32(n) => Value::Integer((*n).into()),
                            MapKey::U64(n) => Value::Integer((*n).into()),
                            MapKey::String(s) => Value::String(s.clone()),
                        };
                        let value = value_field.as_ref().map_or(Value::Null, |f| single(f, v));
                        (key, value)
                    })
                    .collect(),
            )
        }
        single_value => single(field, single_value),
    }
}

fn single(field: &FieldDescriptor, value: &Proto) -> Value {
    match value {
        Proto::Bool(b) => Value::Bool(*b),
        Proto::I32(n) => Value::Integer((*n).into()),
        Proto::I64(n) => Value::Integer((*n).into()),
        Proto::U32(n) => Value::Integer((*n).into()),
        Proto::U64(n) => Value::Integer((*n).into()),
        Proto::F32(f) => Value::F32(*f),
        Proto::F64(f) => Value::F64(*f),
        Proto::String(s) => Value::String(s.clone()),
        Proto::Bytes(b) => Value::Bytes(b.to_vec()),
        Proto::EnumNumber(n) => match field.kind().as_enum().and_then(|e| e.get_value(*n)) {
            Some(v) => Value::String(v.name().to_owned()),
            None => Value::Integer((*n).into()),
        },
        Proto::Message(m) => message_value(m),
        list_or_map => field_value(field, list_or_map),
    }
}

/// A record as a protobuf message (binary): the inverse of
/// [`from_protobuf`]. `record` is a [`Value::Map`] keyed by field names
/// (as the `.proto` spells them, or their JSON names); a [`Value::Null`]
/// leaves the field unset.
///
/// Values must fit their field exactly: an integer in range for the field's
/// type, a float that the field's width holds exactly, an enum by name or
/// number. Two conventions of the JSON side are accepted so that JSON
/// records convert too: a 64-bit integer as a decimal string (the proto3
/// JSON mapping), and `bytes` as a lowercase hex string (the record model's
/// JSON convention, RECORDS.md).
///
/// # Errors
///
/// [`Error::Unrepresentable`] naming the field (with its path) and what it
/// expected: a key that is no field of the message, a value of another
/// type, an integer out of range.
pub fn to_protobuf(message: &MessageDescriptor, record: &Value) -> Result<Vec<u8>> {
    Ok(build_message(message, record, "")?.encode_to_vec())
}

fn mismatch(path: &str, expected: &str, found: &Value) -> Error {
    Error::Unrepresentable {
        format: "protobuf",
        what: format!("field {path}: expected {expected}, found {}", found.type_name()),
    }
}

fn build_message(descriptor: &MessageDescriptor, record: &Value, path: &str) -> Result<DynamicMessage> {
    let Value::Map(entries) = record else {
        return Err(mismatch(if path.is_empty() { "(the record)" } else { path }, "a map of fields", record));
    };
    let mut message = DynamicMessage::new(descriptor.clone());
    for (key, value) in entries {
        let Value::String(name) = key else {
            return Err(mismatch(path, "field names (strings) as keys", key));
        };
        let field_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        let Some(field) = descriptor.get_field_by_name(name).or_else(|| descriptor.get_field_by_json_name(name)) else {
            return Err(Error::Unrepresentable {
                format: "protobuf",
                what: format!("field {field_path}: {} has no such field", descriptor.full_name()),
            });
        };
        if matches!(value, Value::Null) {
            continue;
        }
        let proto = if field.is_map() {
            build_map(&field, value, &field_path)?
        } else if field.is_list() {
            let items = match value {
                Value::Array(items) => items.clone(),
                Value::Packed(p) => super::packed_items(p),
                other => return Err(mismatch(&field_path, "an array (a repeated field)", other)),
            };
            Proto::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| build_single(&field.kind(), item, &format!("{field_path}[{i}]")))
                    .collect::<Result<_>>()?,
            )
        } else {
            build_single(&field.kind(), value, &field_path)?
        };
        message.set_field(&field, proto);
    }
    Ok(message)
}

fn build_map(field: &FieldDescriptor, value: &Value, path: &str) -> Result<Proto> {
    let Value::Map(entries) = value else { return Err(mismatch(path, "a map", value)) };
    let Some(entry) = field.kind().as_message().cloned() else { return Err(mismatch(path, "a map field", value)) };
    let (key_field, value_field) = (entry.map_entry_key_field(), entry.map_entry_value_field());
    let mut map = HashMap::with_capacity(entries.len());
    for (k, v) in entries {
        let key_path = format!("{path}{{key}}");
        let key = match build_single(&key_field.kind(), k, &key_path)? {
            Proto::Bool(b) => MapKey::Bool(b),
            Proto::I32(n) => MapKey::I32(n),
            Proto::I64(n) => MapKey::I64(n),
            Proto::U32(n) => MapKey::U32(n),
            Proto::U64(n) => MapKey::U64(n),
            Proto::String(s) => MapKey::String(s),
            _ => return Err(mismatch(&key_path, "a map key", k)),
        };
        map.insert(key, build_single(&value_field.kind(), v, &format!("{path}{{value}}"))?);
    }
    Ok(Proto::Map(map))
}

fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Integer(n) => Some(*n),
        Value::BigUInt(n) => i128::try_from(*n).ok(),
        // The proto3 JSON mapping writes 64-bit integers as strings.
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn build_single(kind: &Kind, value: &Value, path: &str) -> Result<Proto> {
    let int = |what: &str| integer(value).ok_or_else(|| mismatch(path, what, value));
    let range = |n: i128, what: &str| Error::Unrepresentable {
        format: "protobuf",
        what: format!("field {path}: {n} is out of range for {what}"),
    };
    Ok(match kind {
        Kind::Bool => match value {
            Value::Bool(b) => Proto::Bool(*b),
            _ => return Err(mismatch(path, "a bool", value)),
        },
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => {
            let n = int("an int32")?;
            Proto::I32(i32::try_from(n).map_err(|_| range(n, "int32"))?)
        }
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => {
            let n = int("an int64")?;
            Proto::I64(i64::try_from(n).map_err(|_| range(n, "int64"))?)
        }
        Kind::Uint32 | Kind::Fixed32 => {
            let n = int("a uint32")?;
            Proto::U32(u32::try_from(n).map_err(|_| range(n, "uint32"))?)
        }
        Kind::Uint64 | Kind::Fixed64 => {
            let n = int("a uint64")?;
            Proto::U64(u64::try_from(n).map_err(|_| range(n, "uint64"))?)
        }
        Kind::Double => Proto::F64(match value {
            Value::F64(f) => *f,
            Value::F32(f) => f64::from(*f),
            Value::F16(f) => f64::from(f.to_f32()),
            #[allow(clippy::cast_precision_loss, reason = "within 2^53, exact")]
            Value::Integer(n) if n.unsigned_abs() <= 1 << 53 => *n as f64,
            _ => return Err(mismatch(path, "a double (or an integer within 2^53)", value)),
        }),
        Kind::Float => Proto::F32(match value {
            Value::F32(f) => *f,
            Value::F16(f) => f.to_f32(),
            #[allow(clippy::cast_possible_truncation, reason = "checked to be exact")]
            Value::F64(f) if f64::from(*f as f32).to_bits() == f.to_bits() || f.is_nan() => *f as f32,
            #[allow(clippy::cast_precision_loss, reason = "within 2^24, exact")]
            Value::Integer(n) if n.unsigned_abs() <= 1 << 24 => *n as f32,
            _ => return Err(mismatch(path, "a float that 32 bits hold exactly", value)),
        }),
        Kind::String => match value {
            Value::String(s) => Proto::String(s.clone()),
            _ => return Err(mismatch(path, "a string", value)),
        },
        Kind::Bytes => match value {
            Value::Bytes(b) => Proto::Bytes(b.clone().into()),
            Value::String(s) => Proto::Bytes(
                hex::decode(s)
                    .map_err(|_| mismatch(path, "bytes, or bytes as a hex string (the JSON convention)", value))?
                    .into(),
            ),
            _ => return Err(mismatch(path, "bytes", value)),
        },
        Kind::Enum(e) => {
            if let Value::String(name) = value {
                let known = e.get_value_by_name(name).ok_or_else(|| Error::Unrepresentable {
                    format: "protobuf",
                    what: format!("field {path}: {} has no value {name:?}", e.full_name()),
                })?;
                Proto::EnumNumber(known.number())
            } else {
                let n = int("an enum value (a name or a number)")?;
                Proto::EnumNumber(i32::try_from(n).map_err(|_| range(n, "an enum"))?)
            }
        }
        Kind::Message(m) => Proto::Message(build_message(m, value, path)?),
    })
}
