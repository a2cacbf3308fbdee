//! Round trips (proptest) for every message, through protobuf and serde.

use std::collections::BTreeMap;

use flatbox_proto::google::protobuf::Timestamp;
use flatbox_proto::v1::showcase::{Location, Payload};
use flatbox_proto::v1::{
    HttpLog, HttpLogEntry, MetricsBatch, NetworkEvent, Severity, Showcase, SystemMetrics, User, UserList,
};
use proptest::prelude::*;
use prost::Message;

fn finite() -> impl Strategy<Value = f64> {
    any::<f64>().prop_filter("finite", |f| f.is_finite())
}

prop_compose! {
    fn user()(id in any::<i32>(), name in ".{0,20}", active in any::<bool>(), tags in prop::collection::vec(".{0,8}", 0..4)) -> User {
        User { id, name, active, tags }
    }
}

prop_compose! {
    fn entry()(ip in "[0-9.]{7,15}", user_id in ".{0,8}", date in ".{0,26}", request in ".{0,40}", status in 100_u32..600, size in any::<u64>()) -> HttpLogEntry {
        HttpLogEntry { ip, identity: "-".into(), user_id, date, request, status, size }
    }
}

prop_compose! {
    fn showcase()(
        id in any::<u64>(),
        severity in 0_i32..4,
        at in prop::option::of((any::<i64>(), 0_i32..1_000_000_000)),
        location in prop::option::of((finite(), finite())),
        payload in prop::option::of(prop_oneof![".{0,10}".prop_map(Payload::Text), prop::collection::vec(any::<u8>(), 0..10).prop_map(Payload::Blob)]),
        labels in prop::collection::btree_map(".{0,5}", ".{0,5}", 0..4),
        counters in prop::collection::btree_map(".{0,5}", any::<i64>(), 0..4),
        samples in prop::collection::vec(finite(), 0..8),
        deltas in prop::collection::vec(any::<i32>(), 0..8),
        retries in prop::option::of(any::<u32>()),
        checksum in prop::collection::vec(any::<u8>(), 0..16),
    ) -> Showcase {
        Showcase {
            id, severity,
            at: at.map(|(seconds, nanos)| Timestamp { seconds, nanos }),
            location: location.map(|(latitude, longitude)| Location { latitude, longitude }),
            payload, labels, counters, samples, deltas, retries, checksum,
        }
    }
}

fn round_trip<M: Message + Default + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned>(
    m: &M,
) {
    let bytes = m.encode_to_vec();
    assert_eq!(bytes.len(), m.encoded_len(), "encoded_len equals the bytes written");
    assert_eq!(&M::decode(&bytes[..]).unwrap(), m);
    // The serde derives carry the same message through other formats.
    let wire = flatbox_wire::to_vec(m).unwrap();
    assert_eq!(&flatbox_wire::from_slice::<M>(&wire).unwrap(), m);
}

proptest! {
    #[test]
    fn users_round_trip(users in prop::collection::vec(user(), 0..5)) {
        round_trip(&UserList { users });
    }

    #[test]
    fn log_entries_round_trip(entries in prop::collection::vec(entry(), 0..5)) {
        round_trip(&HttpLog { entries });
    }

    #[test]
    fn metrics_and_events_round_trip(samples in prop::collection::vec((finite(), finite(), finite()), 0..5), user_id in any::<u64>(), action in ".{0,8}", timestamp in any::<u64>()) {
        round_trip(&MetricsBatch { samples: samples.into_iter().map(|(cpu, memory, disk)| SystemMetrics { cpu, memory, disk }).collect() });
        round_trip(&NetworkEvent { user_id, action, timestamp });
    }

    #[test]
    fn showcases_round_trip(s in showcase()) {
        round_trip(&s);
    }
}

#[test]
fn enums_and_optional_fields_behave() {
    let s = Showcase {
        severity: Severity::Warning as i32,
        retries: Some(0),
        labels: BTreeMap::new(),
        ..Default::default()
    };
    let back = Showcase::decode(&s.encode_to_vec()[..]).unwrap();
    assert_eq!(back.severity(), Severity::Warning);
    assert_eq!(back.retries, Some(0), "proto3 optional keeps an explicit zero");
    assert_eq!(Showcase::default().encode_to_vec(), Vec::<u8>::new());
}

/// Map fields are `BTreeMap`s (`cargo xtask codegen` asks prost-build for
/// them): entries are written in key order, so decode -> encode is stable.
/// With `HashMap`s the `proto_messages` fuzz target found this input's two
/// `counters` entries written in either order.
#[test]
fn maps_encode_in_key_order_so_reencoding_is_stable() {
    let found: &[u8] = &[
        16, 16, 16, 16, 16, 16, 16, 24, 16, 24, 66, 16, 16, 29, 10, 0, 10, 10, 0, 16, 0, 0, 0, 11, 16, 112, 26, 24, 66,
        16, 16, 29, 10, 0, 10, 10, 0, 16, 0, 0, 0, 11, 16, 112, 26, 16,
    ];
    let message = Showcase::decode(found).unwrap();
    assert!(message.labels.len() + message.counters.len() >= 2, "{message:?}");
    let bytes = message.encode_to_vec();
    assert_eq!(Showcase::decode(&bytes[..]).unwrap().encode_to_vec(), bytes);
    let s = Showcase {
        labels: [("b", "2"), ("a", "1"), ("c", "3")].map(|(k, v)| (k.to_owned(), v.to_owned())).into_iter().collect(),
        ..Default::default()
    };
    // Field 7, length 6: key "a", value "1"; then "b" and "c".
    assert_eq!(&s.encode_to_vec()[..8], &[0x3A, 6, 0x0A, 1, b'a', 0x12, 1, b'1']);
}
