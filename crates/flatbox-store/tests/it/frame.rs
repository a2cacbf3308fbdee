//! The record framing: every cut and every flipped byte is noticed.

use flatbox_store::frame::{self, Damage};
use proptest::prelude::*;

fn log_of(payloads: &[Vec<u8>]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    for p in payloads {
        starts.push(out.len());
        frame::encode(p, &mut out);
    }
    (out, starts)
}

fn payloads() -> Vec<Vec<u8>> {
    (0..12_u8)
        .map(|i| (0..u16::from(i) * 7).map(|j| i.wrapping_mul(31).wrapping_add(j.to_le_bytes()[0])).collect())
        .collect()
}

#[test]
fn frames_are_aligned_and_scan_back() {
    let payloads = payloads();
    let (mut bytes, starts) = log_of(&payloads);
    assert!(starts.iter().all(|s| s % 8 == 0));
    let end = bytes.len();
    // Preallocated, zero-filled room after the data is not damage.
    bytes.resize(end + 4096, 0);
    let scan = frame::scan(&bytes, 0);
    assert_eq!(scan.damage, None);
    assert_eq!(scan.end, end);
    let got: Vec<&[u8]> = scan.records.iter().map(|&(at, len)| &bytes[at..at + len]).collect();
    assert_eq!(got, payloads.iter().map(Vec::as_slice).collect::<Vec<_>>());
    assert!(scan.records.iter().all(|&(at, _)| at % 8 == 0), "payloads start 8-aligned");
    // Scanning can resume at any frame boundary.
    assert_eq!(frame::scan(&bytes, starts[5]).records.len(), payloads.len() - 5);
}

#[test]
fn a_cut_at_every_byte_of_the_last_records_keeps_everything_before_it() {
    let payloads = payloads();
    let (bytes, starts) = log_of(&payloads);
    for cut in starts[8]..bytes.len() {
        for room in [0, 64] {
            let mut torn = bytes[..cut].to_vec();
            torn.resize(cut + room, 0);
            let scan = frame::scan(&torn, 0);
            // A record is intact once its header and payload are there (its
            // padding is zeros and may be missing).
            let intact = starts.iter().zip(&payloads).filter(|&(&s, p)| s + frame::HEADER + p.len() <= cut).count();
            assert_eq!(scan.records.len(), intact, "cut at {cut}");
            for (i, &(at, len)) in scan.records.iter().enumerate() {
                assert_eq!(&torn[at..at + len], &payloads[i][..], "cut at {cut}");
            }
            match scan.damage {
                None => assert!(
                    intact == payloads.len() || starts[intact] >= cut,
                    "cut at {cut}: clean only between frames"
                ),
                Some(Damage::TornTail { offset, .. }) => assert_eq!(offset, starts[intact], "cut at {cut}"),
                Some(Damage::Corrupt { offset }) => panic!("cut at {cut} reported as corruption at {offset}"),
            }
            assert_eq!(scan.end, starts.get(intact).copied().unwrap_or(bytes.len()), "cut at {cut}");
        }
    }
}

#[test]
fn damage_before_the_tail_is_corruption_not_a_torn_tail() {
    let payloads = payloads();
    let (mut bytes, starts) = log_of(&payloads);
    bytes[starts[3] + 9] ^= 0x40; // inside payload 3
    let scan = frame::scan(&bytes, 0);
    assert_eq!(scan.damage, Some(Damage::Corrupt { offset: starts[3] }));
    assert_eq!(scan.records.len(), 3);
    assert_eq!(scan.end, starts[3]);
    // The same damage in the last frame is a torn tail.
    let (mut last, starts) = log_of(&payloads);
    let at = starts[11] + 10;
    last[at] ^= 0x01;
    assert!(matches!(frame::scan(&last, 0).damage, Some(Damage::TornTail { offset, .. }) if offset == starts[11]));
    // A zero header with data after it is damage too.
    let (mut zeroed, starts) = log_of(&payloads);
    zeroed[starts[4]..starts[4] + 8].fill(0);
    assert_eq!(frame::scan(&zeroed, 0).damage, Some(Damage::Corrupt { offset: starts[4] }));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn flipped_bytes_never_yield_a_wrong_payload(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..100), 1..20),
        flips in prop::collection::vec((any::<prop::sample::Index>(), 1_u8..=255), 1..4),
    ) {
        let (mut bytes, _) = log_of(&payloads);
        for (index, mask) in flips {
            let i = index.index(bytes.len());
            bytes[i] ^= mask;
        }
        let scan = frame::scan(&bytes, 0);
        // Whatever is returned is a prefix of what was written.
        for (i, &(at, len)) in scan.records.iter().enumerate() {
            prop_assert_eq!(&bytes[at..at + len], &payloads[i][..]);
        }
        prop_assert!(scan.records.len() < payloads.len() || scan.damage.is_none());
    }

    #[test]
    fn random_bytes_scan_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let scan = frame::scan(&bytes, 0);
        prop_assert!(scan.end <= bytes.len().next_multiple_of(8));
    }
}
