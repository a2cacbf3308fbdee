//! flatbox-proto: prost decoding of the generated messages; what decodes
//! encodes to bytes that decode to the same message, and re-encodes
//! identically (decode -> encode -> decode is stable).
#![no_main]

use flatbox_proto::v1::{HttpLog, MetricsBatch, NetworkEvent, Showcase, UserList};
use libfuzzer_sys::fuzz_target;
use prost::Message;

fn check<M: Message + Default + PartialEq + std::fmt::Debug>(data: &[u8]) {
    let Ok(message) = M::decode(data) else { return };
    let bytes = message.encode_to_vec();
    assert_eq!(bytes.len(), message.encoded_len(), "encoded_len is not the bytes written");
    let again = M::decode(&bytes[..]).expect("what prost wrote decodes");
    // Floats: NaN != NaN, so compare encodings.
    assert_eq!(again.encode_to_vec(), bytes, "decode -> encode -> decode is not stable");
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    match which % 5 {
        0 => check::<UserList>(rest),
        1 => check::<HttpLog>(rest),
        2 => check::<MetricsBatch>(rest),
        3 => check::<NetworkEvent>(rest),
        _ => check::<Showcase>(rest),
    }
});
