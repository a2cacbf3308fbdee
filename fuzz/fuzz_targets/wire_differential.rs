//! flatbox-wire, differential: `from_slice`, `from_reader` and `inspect`
//! agree on one value. `from_slice` Ok <=> `from_reader` Ok (the same value)
//! <=> `inspect` Ok; on a structural error, all three fail, `from_slice` and
//! `inspect` at the same byte offset. (`from_reader` cannot check a declared
//! length against what remains, since a stream has no known end: where
//! `from_slice` reports `LengthExceedsInput` at the declaration, the reader
//! reads on and reports where the input ran out, so its offset is only
//! required not to come before `from_slice`'s.) (Errors that are `Value`'s own judgement of well-formed bytes,
//! a malformed payload behind a `$flatbox_wire::` name, are not the
//! disassembler's business and are only required of the two decoders.)
#![no_main]

use flatbox_wire::{ErrorKind, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.is_empty() {
        // No value: both decoders want one; `inspect` lists a sequence of
        // values, and an empty one is its documented empty listing.
        assert!(matches!(flatbox_wire::from_slice::<Value>(data).map_err(flatbox_wire::Error::into_kind), Err(ErrorKind::Eof { .. })));
        assert_eq!(flatbox_wire::inspect(data).ok().as_deref(), Some(""));
        return;
    }
    let slice = flatbox_wire::from_slice::<Value>(data);
    let mut rest = data;
    let reader = flatbox_wire::from_reader::<_, Value>(&mut rest);
    let listing = flatbox_wire::inspect(data);
    match slice.as_ref().map_err(flatbox_wire::Error::kind) {
        Ok(value) => {
            // Debug forms, not `==`: NaN is not equal to itself.
            let read = reader.as_ref().map(|v| format!("{v:?}")).ok();
            assert_eq!(read, Some(format!("{value:?}")), "from_reader disagrees: {reader:?}");
            assert!(rest.is_empty(), "from_reader left {} bytes of a whole value", rest.len());
            assert!(listing.is_ok(), "inspect refuses what from_slice accepts: {listing:?}");
        }
        Err(ErrorKind::TrailingBytes { offset, .. }) => {
            // One value, then more: the reader stops where the value ends.
            let value = reader.as_ref().expect("from_reader reads the first value");
            assert_eq!(data.len() - rest.len(), *offset, "from_reader's value ends elsewhere: {value:?}");
        }
        Err(e @ (ErrorKind::Custom { .. } | ErrorKind::Message(_))) => {
            let r = reader.as_ref().expect_err("from_reader accepts what from_slice refuses");
            assert!(r.offset() >= e.offset(), "from_slice: {e}; from_reader: {r}");
        }
        Err(e) => {
            let r = reader.as_ref().expect_err("from_reader accepts what from_slice refuses");
            assert!(r.offset() >= e.offset(), "from_slice: {e}; from_reader: {r}");
            let i = listing.as_ref().expect_err("inspect accepts what from_slice refuses");
            assert_eq!(i.offset(), e.offset(), "from_slice: {e}; inspect: {i}");
        }
    }
});
