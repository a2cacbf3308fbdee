//! `RecordLog`: appends, segments, reopening, torn tails, corruption, the
//! single-writer lock, racing readers, a crash by SIGKILL, and a model test.
#![allow(clippy::cast_possible_truncation, reason = "test sizes are small; 64-bit targets")]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use flatbox_store::{Durability, Error, LogOptions, RecordId, RecordLog};
use proptest::prelude::*;

/// A fresh temporary directory (`tempfile`), removed when dropped; `name`
/// says which test made it.
fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("flatbox-log-{name}-")).tempdir().expect("makes a temporary directory")
}

/// Record `i`'s payload: its id and a length that varies.
fn payload(i: u64) -> Vec<u8> {
    let mut p = i.to_le_bytes().to_vec();
    p.resize(8 + (i as usize * 37) % 300, (i % 251) as u8);
    p
}

fn small() -> LogOptions {
    LogOptions { segment_size: 8192, ..LogOptions::default() }
}

#[test]
fn appends_roll_segments_and_survive_reopening() {
    let dir = temp_dir("roll");
    let (mut log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert_eq!(report.records, 0);
    for i in 0..500 {
        assert_eq!(log.append(&payload(i)).unwrap(), RecordId(i));
    }
    let batch: Vec<Vec<u8>> = (500..1000).map(payload).collect();
    assert_eq!(log.append_batch(&batch).unwrap(), RecordId(500));
    log.sync().unwrap();
    assert!(log.segments() > 10, "{} segments", log.segments());
    for i in [0, 1, 499, 500, 999] {
        assert_eq!(log.get(RecordId(i)).unwrap(), Some(payload(i).as_slice()));
    }
    assert_eq!(log.get(RecordId(1000)).unwrap(), None);
    drop(log);
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert_eq!((report.records, report.bytes_cut, report.repaired), (1000, 0, false));
    let all: Vec<(RecordId, Vec<u8>)> = log.iter().map(|r| r.map(|(id, p)| (id, p.to_vec())).unwrap()).collect();
    assert_eq!(all.len(), 1000);
    assert!(all.iter().all(|(id, p)| *p == payload(id.0)));
    assert_eq!(log.iter_from(RecordId(990)).count(), 10);
    // Payloads are served from the map, 8-byte aligned.
    assert!(log.iter().all(|r| r.unwrap().1.as_ptr().align_offset(8) == 0));
}

fn last_segment(dir: &Path) -> PathBuf {
    let mut segs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "seg"))
        .collect();
    segs.sort();
    segs.pop().unwrap()
}

#[test]
fn a_crash_at_every_byte_of_the_last_records_keeps_what_was_whole() {
    let dir = temp_dir("torn");
    let options = LogOptions { segment_size: 1 << 16, ..LogOptions::default() };
    let (mut log, _) = RecordLog::open_with(&dir, options).unwrap();
    for i in 0..40 {
        log.append(&payload(i)).unwrap();
    }
    drop(log);
    let seg = last_segment(dir.path());
    let original = std::fs::read(&seg).unwrap();
    let written = original.iter().rposition(|&b| b != 0).unwrap() + 1;
    // The last five records: find where record 35 starts.
    let (log, _) = RecordLog::open_with(&dir, options).unwrap();
    // Record 0's frame starts at 0, so a payload's distance from record
    // 0's payload is its frame's offset.
    let start_35 = log.get(RecordId(35)).unwrap().unwrap().as_ptr() as usize
        - log.get(RecordId(0)).unwrap().unwrap().as_ptr() as usize;
    drop(log);
    for cut in start_35..=written {
        // The crash: everything from `cut` on never reached the disk.
        let mut bytes = original.clone();
        bytes[cut..].fill(0);
        std::fs::write(&seg, &bytes).unwrap();
        let (log, report) = RecordLog::open_with(&dir, options).unwrap();
        let kept = log.len();
        assert!((35..=40).contains(&kept), "cut at {cut}: {kept} records");
        for i in 0..kept {
            assert_eq!(log.get(RecordId(i)).unwrap(), Some(payload(i).as_slice()), "cut at {cut}");
        }
        assert!(!report.repaired);
        drop(log);
        // Opening again finds the same records and nothing more to cut.
        let (log, report) = RecordLog::open_with(&dir, options).unwrap();
        assert_eq!((log.len(), report.bytes_cut), (kept, 0), "cut at {cut}");
    }
    // A segment file cut short (not just zeroed) opens too.
    std::fs::write(&seg, &original[..written - 5]).unwrap();
    let (log, _) = RecordLog::open_with(&dir, options).unwrap();
    assert_eq!(log.len(), 39);
}

/// A crash: the writer is gone without its clean-shutdown marker.
fn crash(dir: &Path) {
    let _ = std::fs::remove_file(dir.join("CLEAN"));
}

/// The offset of record `id`'s frame in its segment (for logs whose
/// record 0 starts the same segment).
fn frame_offset(log: &RecordLog, id: u64) -> usize {
    log.get(RecordId(id)).unwrap().unwrap().as_ptr() as usize - log.get(RecordId(0)).unwrap().unwrap().as_ptr() as usize
}

#[test]
fn corruption_before_the_tail_is_refused_unless_repairing() {
    let dir = temp_dir("corrupt");
    let (mut log, _) = RecordLog::open(&dir).unwrap();
    for i in 0..20 {
        log.append(&payload(i)).unwrap();
    }
    let target = frame_offset(&log, 10) + 8;
    drop(log);
    let seg = last_segment(dir.path());
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[target + 3] ^= 0x10;
    std::fs::write(&seg, &bytes).unwrap();

    // After a clean shutdown nothing is scanned, but the damaged record is
    // never served: reads and `verify` report it.
    let (log, report) = RecordLog::open(&dir).unwrap();
    assert!(report.clean);
    assert_eq!(log.get(RecordId(9)).unwrap(), Some(payload(9).as_slice()));
    let err = log.get(RecordId(10)).unwrap_err();
    assert!(
        matches!(err, Error::Corrupt { ref path, offset } if *path == seg && offset as usize == target - 8),
        "{err:?}"
    );
    assert!(matches!(log.verify(), Err(Error::Corrupt { .. })));
    assert_eq!(log.iter().filter(Result::is_err).count(), 1);
    drop(log);

    // After a crash, the recovery scan refuses to open it.
    crash(dir.path());
    let err = RecordLog::open(&dir).err().unwrap();
    assert!(
        matches!(err, Error::Corrupt { ref path, offset } if *path == seg && offset as usize == target - 8),
        "{err:?}"
    );
    assert!(err.to_string().contains("corrupt record at byte"), "{err}");
    let (log, report) = RecordLog::open_with(&dir, LogOptions { repair: true, ..LogOptions::default() }).unwrap();
    assert!(report.repaired && report.bytes_cut > 0 && !report.clean);
    assert_eq!(log.len(), 10);
    assert_eq!(log.get(RecordId(9)).unwrap(), Some(payload(9).as_slice()));
    assert_eq!(log.verify().unwrap().records, 10);
}

#[test]
fn a_clean_open_scans_nothing_and_a_crash_is_recovered_by_a_scan() {
    let dir = temp_dir("clean");
    let (mut log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(!report.clean);
    let batch: Vec<Vec<u8>> = (0..300).map(payload).collect();
    log.append_batch(&batch).unwrap();
    let written = log.written_bytes();
    assert_eq!(written, log.verify().unwrap().frame_bytes);
    log.close().unwrap();

    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(report.clean, "{report:?}");
    assert_eq!((report.records, report.bytes_scanned, log.written_bytes()), (300, 0, written));
    drop(log);

    crash(dir.path());
    let (mut log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(!report.clean);
    assert_eq!((report.records, report.bytes_scanned, report.bytes_cut), (300, written, 0));
    // The index was rebuilt: reads work, and appends go after the records.
    assert_eq!(log.append(&payload(300)).unwrap(), RecordId(300));
    drop(log);
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(report.clean);
    assert!(log.iter().all(|r| r.is_ok_and(|(id, p)| p == payload(id.0))));
    assert_eq!(log.len(), 301);
}

#[test]
fn a_stale_or_damaged_marker_or_index_is_noticed_and_recovered() {
    let dir = temp_dir("stale");
    let (mut log, _) = RecordLog::open_with(&dir, small()).unwrap();
    for i in 0..50 {
        log.append(&payload(i)).unwrap();
    }
    drop(log);
    let marker = std::fs::read(dir.path().join("CLEAN")).unwrap();
    // A marker that did not get removed before more records were written
    // (say, a crash before the removal reached the disk).
    let (mut log, _) = RecordLog::open_with(&dir, small()).unwrap();
    for i in 50..400 {
        log.append(&payload(i)).unwrap();
    }
    drop(log);
    std::fs::write(dir.path().join("CLEAN"), &marker).unwrap();
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(!report.clean, "the stale marker was trusted");
    assert_eq!(log.len(), 400);
    drop(log);

    // A garbage marker, a missing index, a damaged index entry.
    std::fs::write(dir.path().join("CLEAN"), b"garbage").unwrap();
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert_eq!((report.clean, log.len()), (false, 400));
    drop(log);
    let index = last_segment(dir.path()).with_extension("idx");
    std::fs::remove_file(&index).unwrap();
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert_eq!((report.clean, log.len()), (false, 400));
    drop(log);
    let first_index = dir.path().join("00000000000000000000.idx");
    let mut bytes = std::fs::read(&first_index).unwrap();
    bytes[5 * 4] = bytes[6 * 4]; // entry 5 now points at record 6's frame
    std::fs::write(&first_index, &bytes).unwrap();
    let (log, report) = RecordLog::open_with(&dir, small()).unwrap();
    assert!(report.clean, "a middle entry is checked when read, not on open");
    assert!(matches!(log.get(RecordId(5)), Err(Error::Corrupt { ref path, .. }) if *path == first_index));
    assert_eq!(log.get(RecordId(6)).unwrap(), Some(payload(6).as_slice()));
    // The last entry of a sealed segment, pointing at the record before.
    let second = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| Path::new(n).extension().is_some_and(|e| e == "seg"))
        .min_by_key(|n| n.trim_end_matches(".seg").parse::<u64>().unwrap().wrapping_sub(1))
        .unwrap();
    let count: usize = second.trim_end_matches(".seg").parse().unwrap();
    assert!(count > 2, "segment 0 holds {count} records");
    drop(log);
    let last = (count - 1) * 4;
    bytes.copy_within(last - 4..last, last);
    std::fs::write(&first_index, &bytes).unwrap();
    let (log, _) = RecordLog::open_with(&dir, small()).unwrap();
    let id = RecordId(count as u64 - 1);
    assert!(matches!(log.get(id), Err(Error::Corrupt { ref path, .. }) if *path == first_index), "{:?}", log.get(id));
    drop(log);
    let (log, report) = RecordLog::open_with(&dir, LogOptions { repair: true, ..small() }).unwrap();
    assert_eq!((report.clean, report.repaired, log.len()), (false, false, 400));
    assert_eq!(log.verify().unwrap().records, 400);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Random bytes flipped in a closed log's segments and indexes: opening either
    /// succeeds or reports corruption, and every read gives the right
    /// payload or an error, never another payload.
    #[test]
    fn flipped_bytes_never_yield_a_wrong_payload(
        flips in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<bool>(), any::<prop::sample::Index>(), 1_u8..=255),
            1..4,
        ),
        crashed in any::<bool>(),
        case in any::<u64>(),
    ) {
        let dir = temp_dir(&format!("flip-{case}"));
        let options = LogOptions { segment_size: 4096, ..LogOptions::default() };
        let (mut log, _) = RecordLog::open_with(&dir, options).unwrap();
        let batch: Vec<Vec<u8>> = (0..60).map(payload).collect();
        log.append_batch(&batch).unwrap();
        drop(log);
        let mut segments: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "seg"))
            .collect();
        segments.sort();
        prop_assert!(segments.len() > 1);
        for (which, in_index, at, mask) in flips {
            let seg = &segments[which.index(segments.len())];
            let file = if in_index { seg.with_extension("idx") } else { seg.clone() };
            let mut bytes = std::fs::read(&file).unwrap();
            // Flip within the written part, where it matters.
            let written = bytes.iter().rposition(|&b| b != 0).map_or(1, |p| p + 1);
            bytes[at.index(written)] ^= mask;
            std::fs::write(&file, &bytes).unwrap();
        }
        if crashed {
            crash(dir.path());
        }
        match RecordLog::open_with(&dir, options) {
            Ok((log, _)) => {
                for i in 0..log.len() + 2 {
                    match log.get(RecordId(i)) {
                        Ok(Some(p)) => prop_assert!(p == payload(i).as_slice(), "record {} served a wrong payload", i),
                        Ok(None) => prop_assert!(i >= log.len()),
                        Err(e) => prop_assert!(matches!(e, Error::Corrupt { .. }), "{e:?}"),
                    }
                }
            }
            Err(e) => prop_assert!(matches!(e, Error::Corrupt { .. }), "{e:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn one_writer_per_directory_and_clear_errors() {
    let dir = temp_dir("lock");
    let (log, _) = RecordLog::open(&dir).unwrap();
    let err = RecordLog::open(&dir).err().unwrap();
    assert!(matches!(err, Error::Locked { .. }), "{err:?}");
    assert!(err.to_string().contains("open for writing elsewhere"), "{err}");
    drop(log);
    assert!(RecordLog::open(&dir).is_ok(), "the lock goes with the writer");

    let not_a_log = temp_dir("other");
    std::fs::create_dir_all(&not_a_log).unwrap();
    std::fs::write(not_a_log.path().join("notes.txt"), "hello").unwrap();
    assert!(matches!(RecordLog::open(&not_a_log), Err(Error::NotALog { .. })));

    let big = temp_dir("big");
    let (mut log, _) = RecordLog::open_with(&big, small()).unwrap();
    assert!(matches!(log.append(&vec![0; 9000]), Err(Error::RecordTooLarge { len: 9000, .. })));
    assert_eq!(log.len(), 0);
}

#[test]
fn readers_racing_a_writer_never_see_a_partial_record() {
    let dir = temp_dir("race");
    let (mut log, _) = RecordLog::open_with(&dir, small()).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let reader = log.reader();
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let mut checked = 0_u64;
                while !done.load(Ordering::Relaxed) {
                    let n = reader.len();
                    if n > 0 {
                        let last = RecordId(n - 1);
                        assert_eq!(reader.get(last).unwrap(), Some(payload(last.0).as_slice()));
                        checked += 1;
                    }
                    assert_eq!(reader.get(RecordId(1_000_000)).unwrap(), None);
                }
                checked
            })
        })
        .collect();
    for i in 0..3000 {
        log.append(&payload(i)).unwrap();
    }
    done.store(true, Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() > 0);
    }
}

/// The child's part of the SIGKILL test: appends synced batches forever,
/// printing each synced batch's last id. The parent test runs its own test
/// binary again, filtered to itself, with `FLATBOX_SIGKILL_DIR` set.
fn sigkill_child(dir: &str) -> ! {
    let options = LogOptions { segment_size: 1 << 16, durability: Durability::EveryBatch, repair: false };
    let (mut log, _) = RecordLog::open_with(dir, options).unwrap();
    let mut next = log.len();
    loop {
        let batch: Vec<Vec<u8>> = (next..next + 7).map(payload).collect();
        log.append_batch(&batch).unwrap();
        next += 7;
        println!("{}", next - 1);
    }
}

#[test]
fn a_writer_killed_with_sigkill_loses_no_synced_record() {
    if let Ok(dir) = std::env::var("FLATBOX_SIGKILL_DIR") {
        sigkill_child(&dir);
    }
    let dir = temp_dir("sigkill");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "log::a_writer_killed_with_sigkill_loses_no_synced_record",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("FLATBOX_SIGKILL_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut synced = None;
        for line in stdout.lines().take(50 + round * 37) {
            if let Ok(id) = line.unwrap().trim().parse::<u64>() {
                synced = Some(id);
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let synced = synced.expect("the child synced something");
        let (log, _) = RecordLog::open(&dir).unwrap();
        assert!(log.len() > synced, "round {round}: synced up to {synced}, reopened with {}", log.len());
        for i in 0..log.len() {
            assert_eq!(log.get(RecordId(i)).unwrap(), Some(payload(i).as_slice()), "round {round}");
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Append(Vec<u8>),
    Batch(Vec<Vec<u8>>),
    Reopen,
    Crash,
    Get(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600).prop_map(Op::Append),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..20).prop_map(Op::Batch),
        Just(Op::Reopen),
        Just(Op::Crash),
        any::<u64>().prop_map(Op::Get),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_log_behaves_like_a_vec(ops in prop::collection::vec(op(), 1..40), case in any::<u64>()) {
        let dir = temp_dir(&format!("model-{case}"));
        let options = LogOptions { segment_size: 4096, ..LogOptions::default() };
        let mut model: Vec<Vec<u8>> = Vec::new();
        let (mut log, _) = RecordLog::open_with(&dir, options).unwrap();
        for op in ops {
            match op {
                Op::Append(p) => {
                    prop_assert_eq!(log.append(&p).unwrap(), RecordId(model.len() as u64));
                    model.push(p);
                }
                Op::Batch(ps) => {
                    log.append_batch(&ps).unwrap();
                    model.extend(ps);
                }
                Op::Reopen => {
                    drop(log);
                    log = RecordLog::open_with(&dir, options).unwrap().0;
                }
                Op::Crash => {
                    drop(log);
                    crash(dir.path());
                    log = RecordLog::open_with(&dir, options).unwrap().0;
                }
                Op::Get(i) => {
                    let i = if model.is_empty() { i } else { i % (model.len() as u64 + 2) };
                    prop_assert_eq!(log.get(RecordId(i)).unwrap(), model.get(i as usize).map(Vec::as_slice));
                }
            }
            prop_assert_eq!(log.len(), model.len() as u64);
        }
        drop(log);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
