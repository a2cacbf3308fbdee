//! Integration tests of flatbox-wire: one test binary, a module per topic.

mod bad_input;
mod golden;
mod interning;
mod logical;
mod numbers;
mod reader;
mod roundtrip;

/// Encodes `value`, checks the exact bytes, then decodes them back and
/// checks the value (postcard's `check` pattern).
pub(crate) fn check<T>(value: &T, expected: &[u8])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let bytes = flatbox_wire::to_vec(value).unwrap();
    assert_eq!(hex(&bytes), hex(expected), "encoding of {value:?}");
    let back: T = flatbox_wire::from_slice(&bytes).unwrap();
    assert_eq!(&back, value);
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}
