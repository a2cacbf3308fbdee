//! The logical types of the record model ([`Value`]'s variants beyond
//! serde's data model) and their encoding as extensions with reserved type
//! ids.
//!
//! Each logical value is written as an extension (tag `F3`) whose type id is
//! in [`RESERVED_EXTENSION_IDS`]; the payload layouts are specified in
//! FORMAT.md, section "Logical types". No new tag is involved, so any
//! version-1 decoder reads them (as extensions) and skips them.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::value::Value;

/// The extension type ids flatbox-wire reserves for its logical types:
/// `0x10_0000..=0x10_00FF` (a 3-byte varint). A [`Value::Extension`] with an
/// id in this range is refused by the encoder; ids outside it stay the
/// application's.
pub const RESERVED_EXTENSION_IDS: RangeInclusive<u64> = 0x10_0000..=0x10_00FF;

pub(crate) const F16: u64 = 0x10_0000;
pub(crate) const DATETIME: u64 = 0x10_0001;
pub(crate) const DATE32: u64 = 0x10_0002;
pub(crate) const DATE64: u64 = 0x10_0003;
pub(crate) const TIME: u64 = 0x10_0004;
pub(crate) const DURATION: u64 = 0x10_0005;
pub(crate) const INTERVAL_YEAR_MONTH: u64 = 0x10_0006;
pub(crate) const INTERVAL_DAY_TIME: u64 = 0x10_0007;
pub(crate) const INTERVAL_MONTH_DAY_NANO: u64 = 0x10_0008;
pub(crate) const DECIMAL: u64 = 0x10_0009;
pub(crate) const UNION: u64 = 0x10_000A;

/// The name of a reserved extension type id, for `inspect` and errors.
pub(crate) fn name_of(type_id: u64) -> Option<&'static str> {
    Some(match type_id {
        F16 => "f16",
        DATETIME => "datetime",
        DATE32 => "date32",
        DATE64 => "date64",
        TIME => "time",
        DURATION => "duration",
        INTERVAL_YEAR_MONTH => "interval year-month",
        INTERVAL_DAY_TIME => "interval day-time",
        INTERVAL_MONTH_DAY_NANO => "interval month-day-nano",
        DECIMAL => "decimal",
        UNION => "union marker",
        _ => return None,
    })
}

/// The resolution of a [`Value::DateTime`], [`Value::Time`] or
/// [`Value::Duration`]: what one unit of its integer value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// Seconds.
    Second,
    /// Milliseconds (10⁻³ s).
    Millisecond,
    /// Microseconds (10⁻⁶ s).
    Microsecond,
    /// Nanoseconds (10⁻⁹ s).
    Nanosecond,
}

impl TimeUnit {
    /// The unit's byte in the wire payloads: 0 (s) to 3 (ns).
    pub fn code(self) -> u8 {
        match self {
            TimeUnit::Second => 0,
            TimeUnit::Millisecond => 1,
            TimeUnit::Microsecond => 2,
            TimeUnit::Nanosecond => 3,
        }
    }

    /// The unit of a payload byte, if it is one.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => TimeUnit::Second,
            1 => TimeUnit::Millisecond,
            2 => TimeUnit::Microsecond,
            3 => TimeUnit::Nanosecond,
            _ => return None,
        })
    }

    /// The unit's short name: `s`, `ms`, `us`, `ns`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Second => "s",
            TimeUnit::Millisecond => "ms",
            TimeUnit::Microsecond => "us",
            TimeUnit::Nanosecond => "ns",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar interval, in Arrow's three layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Interval {
    /// A number of months.
    YearMonth {
        /// Months.
        months: i32,
    },
    /// Days and milliseconds.
    DayTime {
        /// Days.
        days: i32,
        /// Milliseconds.
        millis: i32,
    },
    /// Months, days and nanoseconds.
    MonthDayNano {
        /// Months.
        months: i32,
        /// Days.
        days: i32,
        /// Nanoseconds.
        nanos: i64,
    },
}

/// A decimal number: an integer of up to 256 bits (two's complement) and
/// its precision (significant digits, 1 to 76) and scale (digits after the
/// point; negative: the integer is multiplied by a power of ten).
///
/// The value is `integer × 10^(−scale)`. Arrow's decimal32/64/128/256 all
/// fit; the width is a property of the column, not of the value.
///
/// # Examples
///
/// ```
/// use flatbox_wire::{Decimal, Value};
///
/// let price = Decimal::from_i128(1234, 4, 2)?; // 12.34
/// assert_eq!(price.to_i128(), Some(1234));
/// let bytes = flatbox_wire::to_vec(&Value::Decimal(price))?;
/// assert_eq!(flatbox_wire::from_slice::<Value>(&bytes)?, Value::Decimal(price));
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    le_bytes: [u8; 32],
    precision: u8,
    scale: i8,
}

/// The largest precision of a decimal (Arrow's decimal256).
pub const MAX_DECIMAL_PRECISION: u8 = 76;

impl Decimal {
    /// A decimal from its integer as 32 little-endian two's complement bytes.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] when `precision` is not in 1..=76.
    pub fn from_le_bytes(le_bytes: [u8; 32], precision: u8, scale: i8) -> Result<Self, Error> {
        if precision == 0 || precision > MAX_DECIMAL_PRECISION {
            return Err(ErrorKind::InvalidValue {
                offset: 0,
                what: "decimal",
                reason: format!("precision {precision} not in 1..={MAX_DECIMAL_PRECISION}"),
            }
            .into());
        }
        Ok(Decimal { le_bytes, precision, scale })
    }

    /// A decimal from a 128-bit integer.
    ///
    /// # Errors
    ///
    /// As for [`Decimal::from_le_bytes`].
    pub fn from_i128(value: i128, precision: u8, scale: i8) -> Result<Self, Error> {
        let mut le_bytes = if value < 0 { [0xFF; 32] } else { [0; 32] };
        le_bytes[..16].copy_from_slice(&value.to_le_bytes());
        Decimal::from_le_bytes(le_bytes, precision, scale)
    }

    /// The integer, as 32 little-endian two's complement bytes.
    pub fn to_le_bytes(&self) -> [u8; 32] {
        self.le_bytes
    }

    /// The integer, when it fits 128 bits.
    pub fn to_i128(&self) -> Option<i128> {
        let low = i128::from_le_bytes(self.le_bytes[..16].try_into().ok()?);
        let fill = if low < 0 { 0xFF } else { 0 };
        self.le_bytes[16..].iter().all(|&b| b == fill).then_some(low)
    }

    /// Significant digits, 1 to 76.
    pub fn precision(&self) -> u8 {
        self.precision
    }

    /// Digits after the decimal point.
    pub fn scale(&self) -> i8 {
        self.scale
    }
}

/// Encodes a logical value as an extension (type id, payload), or `None`
/// when `value` is not one of the logical variants.
pub(crate) fn encode(value: &Value) -> Option<(u64, Vec<u8>)> {
    Some(match value {
        Value::F16(f) => (F16, f.to_bits().to_le_bytes().to_vec()),
        Value::DateTime { value, unit, tz } => {
            let mut out = Vec::with_capacity(9 + tz.as_ref().map_or(0, |t| t.len()));
            out.push(unit.code() | if tz.is_some() { 0x80 } else { 0 });
            out.extend_from_slice(&value.to_le_bytes());
            if let Some(tz) = tz {
                out.extend_from_slice(tz.as_bytes());
            }
            (DATETIME, out)
        }
        Value::Date32(d) => (DATE32, d.to_le_bytes().to_vec()),
        Value::Date64(d) => (DATE64, d.to_le_bytes().to_vec()),
        Value::Time { value, unit } => (TIME, unit_and_i64(*unit, *value)),
        Value::Duration { value, unit } => (DURATION, unit_and_i64(*unit, *value)),
        Value::Interval(Interval::YearMonth { months }) => (INTERVAL_YEAR_MONTH, months.to_le_bytes().to_vec()),
        Value::Interval(Interval::DayTime { days, millis }) => {
            (INTERVAL_DAY_TIME, [days.to_le_bytes(), millis.to_le_bytes()].concat())
        }
        Value::Interval(Interval::MonthDayNano { months, days, nanos }) => {
            (INTERVAL_MONTH_DAY_NANO, [&months.to_le_bytes()[..], &days.to_le_bytes(), &nanos.to_le_bytes()].concat())
        }
        Value::Decimal(d) => {
            // The shortest two's complement: drop high bytes that only
            // repeat the sign.
            let mut len = 32;
            while len > 1 {
                let top = d.le_bytes[len - 1];
                let sign_of_next = if d.le_bytes[len - 2] & 0x80 == 0 { 0 } else { 0xFF };
                if top != sign_of_next {
                    break;
                }
                len -= 1;
            }
            let mut out = Vec::with_capacity(2 + len);
            out.push(d.precision);
            out.extend_from_slice(&d.scale.to_le_bytes());
            out.extend_from_slice(&d.le_bytes[..len]);
            (DECIMAL, out)
        }
        _ => return None,
    })
}

fn unit_and_i64(unit: TimeUnit, value: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(9);
    out.push(unit.code());
    out.extend_from_slice(&value.to_le_bytes());
    out
}

fn fixed<const N: usize>(data: &[u8], what: &str) -> Result<[u8; N], String> {
    data.try_into().map_err(|_| format!("{what} payload of {} bytes, expected {N}", data.len()))
}

fn unit_i64(data: &[u8], what: &str) -> Result<(TimeUnit, i64), String> {
    let [code, rest @ ..] = data else { return Err(format!("empty {what} payload")) };
    let unit = TimeUnit::from_code(*code).ok_or_else(|| format!("{what} time unit {code}, expected 0 to 3"))?;
    Ok((unit, i64::from_le_bytes(fixed(rest, what)?)))
}

/// Decodes the payload of a reserved extension id (`type_id` in
/// [`RESERVED_EXTENSION_IDS`]) into its value. The union marker is not a
/// value on its own and is handled by the caller.
pub(crate) fn decode(type_id: u64, data: &[u8]) -> Result<Value, String> {
    Ok(match type_id {
        F16 => Value::F16(half::f16::from_bits(u16::from_le_bytes(fixed(data, "f16")?))),
        DATETIME => {
            let [code, rest @ ..] = data else { return Err("empty datetime payload".into()) };
            let unit = TimeUnit::from_code(code & 0x7F)
                .ok_or_else(|| format!("datetime time unit {}, expected 0 to 3", code & 0x7F))?;
            let (value, tz) = rest.split_at_checked(8).ok_or("datetime payload shorter than 9 bytes")?;
            let value = i64::from_le_bytes(fixed(value, "datetime")?);
            let tz = if code & 0x80 == 0 {
                if !tz.is_empty() {
                    return Err("datetime without a time zone has bytes after its value".into());
                }
                None
            } else {
                Some(Arc::from(std::str::from_utf8(tz).map_err(|_| "datetime time zone is not UTF-8")?))
            };
            Value::DateTime { value, unit, tz }
        }
        DATE32 => Value::Date32(i32::from_le_bytes(fixed(data, "date32")?)),
        DATE64 => Value::Date64(i64::from_le_bytes(fixed(data, "date64")?)),
        TIME => {
            let (unit, value) = unit_i64(data, "time")?;
            Value::Time { value, unit }
        }
        DURATION => {
            let (unit, value) = unit_i64(data, "duration")?;
            Value::Duration { value, unit }
        }
        INTERVAL_YEAR_MONTH => {
            Value::Interval(Interval::YearMonth { months: i32::from_le_bytes(fixed(data, "interval")?) })
        }
        INTERVAL_DAY_TIME => {
            let b: [u8; 8] = fixed(data, "interval")?;
            Value::Interval(Interval::DayTime {
                days: i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                millis: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            })
        }
        INTERVAL_MONTH_DAY_NANO => {
            let b: [u8; 16] = fixed(data, "interval")?;
            Value::Interval(Interval::MonthDayNano {
                months: i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
                days: i32::from_le_bytes([b[4], b[5], b[6], b[7]]),
                nanos: i64::from_le_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]),
            })
        }
        DECIMAL => {
            let [precision, scale, int @ ..] = data else { return Err("decimal payload shorter than 3 bytes".into()) };
            if int.is_empty() || int.len() > 32 {
                return Err(format!("decimal integer of {} bytes, expected 1 to 32", int.len()));
            }
            if int.len() > 1 {
                let top = int[int.len() - 1];
                let sign_of_next = if int[int.len() - 2] & 0x80 == 0 { 0 } else { 0xFF };
                if top == sign_of_next {
                    return Err("decimal integer has a redundant sign byte (not the shortest form)".into());
                }
            }
            let fill = if int[int.len() - 1] & 0x80 == 0 { 0 } else { 0xFF };
            let mut le_bytes = [fill; 32];
            le_bytes[..int.len()].copy_from_slice(int);
            let scale = i8::from_le_bytes([*scale]);
            Value::Decimal(Decimal::from_le_bytes(le_bytes, *precision, scale).map_err(|e| e.to_string())?)
        }
        UNION => return Err("a union marker outside a union pair".into()),
        _ => return Err(format!("extension type id {type_id:#x} is reserved and unassigned")),
    })
}

/// The type id of the union marker (see FORMAT.md, "Logical types"): a
/// [`Value::Union`] is the pair `[marker(type_id), value]`.
pub const UNION_MARKER_ID: u64 = UNION;

/// The reserved extension (type id, payload) that encodes a logical value
/// ([`Value::F16`], [`Value::DateTime`], dates, times, durations,
/// intervals, decimals), as flatbox-wire writes it; `None` for every other
/// variant (a [`Value::Union`] is a pair, not one extension). Other formats
/// with extension types (MessagePack) reuse these payloads.
///
/// # Examples
///
/// ```
/// use flatbox_wire::Value;
///
/// let (id, payload) = flatbox_wire::to_logical_extension(&Value::Date32(19_012)).unwrap();
/// assert_eq!(flatbox_wire::from_logical_extension(id, &payload)?, Value::Date32(19_012));
/// # Ok::<(), flatbox_wire::Error>(())
/// ```
pub fn to_logical_extension(value: &Value) -> Option<(u64, Vec<u8>)> {
    encode(value)
}

/// The logical value of a reserved extension's payload: the inverse of
/// [`to_logical_extension`].
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] naming the type when the payload is malformed
/// or the id is not a logical value's.
pub fn from_logical_extension(type_id: u64, data: &[u8]) -> Result<Value, Error> {
    decode(type_id, data).map_err(|reason| {
        ErrorKind::InvalidValue { offset: 0, what: name_of(type_id).unwrap_or("logical value"), reason }.into()
    })
}
