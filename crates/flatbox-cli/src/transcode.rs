//! Transcoding: any serde `Deserializer` straight into any `Serializer`,
//! with no value tree in between (the serde-transcode technique). The
//! NDJSON-to-binary fast path of `flatbox convert` uses it: each line is
//! parsed and written in one pass, keys in their input order.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};

/// A `Serialize` that pulls its value from a `Deserializer`, once.
pub(crate) struct Transcoder<D>(RefCell<Option<D>>);

impl<D> Transcoder<D> {
    pub(crate) fn new(deserializer: D) -> Self {
        Transcoder(RefCell::new(Some(deserializer)))
    }
}

impl<'de, D: Deserializer<'de>> Serialize for Transcoder<D> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let deserializer =
            self.0.borrow_mut().take().ok_or_else(|| ser::Error::custom("a transcoder can only be used once"))?;
        deserializer.deserialize_any(Transcode(serializer)).map_err(ser::Error::custom)
    }
}

struct Transcode<S>(S);

fn ser_err<E: de::Error>(e: impl fmt::Display) -> E {
    E::custom(e)
}

impl<'de, S: Serializer> Visitor<'de> for Transcode<S> {
    type Value = S::Ok;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<S::Ok, E> {
        self.0.serialize_bool(v).map_err(ser_err)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S::Ok, E> {
        self.0.serialize_i64(v).map_err(ser_err)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S::Ok, E> {
        self.0.serialize_u64(v).map_err(ser_err)
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<S::Ok, E> {
        self.0.serialize_i128(v).map_err(ser_err)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<S::Ok, E> {
        self.0.serialize_u128(v).map_err(ser_err)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S::Ok, E> {
        self.0.serialize_f64(v).map_err(ser_err)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S::Ok, E> {
        self.0.serialize_str(v).map_err(ser_err)
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<S::Ok, E> {
        self.0.serialize_bytes(v).map_err(ser_err)
    }
    fn visit_unit<E: de::Error>(self) -> Result<S::Ok, E> {
        self.0.serialize_unit().map_err(ser_err)
    }
    fn visit_none<E: de::Error>(self) -> Result<S::Ok, E> {
        self.0.serialize_none().map_err(ser_err)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<S::Ok, D::Error> {
        self.0.serialize_some(&Transcoder::new(d)).map_err(ser_err)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<S::Ok, D::Error> {
        Transcoder::new(d).serialize(self.0).map_err(ser_err)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S::Ok, A::Error> {
        let mut out = self.0.serialize_seq(seq.size_hint()).map_err(ser_err)?;
        while seq.next_element_seed(SeqSeed(&mut out))?.is_some() {}
        out.end().map_err(ser_err)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Ok, A::Error> {
        let mut out = self.0.serialize_map(map.size_hint()).map_err(ser_err)?;
        while map.next_key_seed(KeySeed(&mut out))?.is_some() {
            map.next_value_seed(ValueSeed(&mut out))?;
        }
        out.end().map_err(ser_err)
    }
}

struct SeqSeed<'a, S>(&'a mut S);

impl<'de, S: SerializeSeq> DeserializeSeed<'de> for SeqSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.serialize_element(&Transcoder::new(d)).map_err(ser_err)
    }
}

struct KeySeed<'a, S>(&'a mut S);

impl<'de, S: SerializeMap> DeserializeSeed<'de> for KeySeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.serialize_key(&Transcoder::new(d)).map_err(ser_err)
    }
}

struct ValueSeed<'a, S>(&'a mut S);

impl<'de, S: SerializeMap> DeserializeSeed<'de> for ValueSeed<'_, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.0.serialize_value(&Transcoder::new(d)).map_err(ser_err)
    }
}
