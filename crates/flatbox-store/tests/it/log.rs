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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("flatbox-log-tests-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
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
    let seg = last_segment(&dir);
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

#[test]
fn corruption_before_the_tail_is_refused_unless_repairing() {
    let dir = temp_dir("corrupt");
    let (mut log, _) = RecordLog::open(&dir).unwrap();
    for i in 0..20 {
        log.append(&payload(i)).unwrap();
    }
    let target = log.get(RecordId(10)).unwrap().unwrap().as_ptr() as usize
        - log.get(RecordId(0)).unwrap().unwrap().as_ptr() as usize
        + 8;
    drop(log);
    let seg = last_segment(&dir);
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[target + 3] ^= 0x10;
    std::fs::write(&seg, &bytes).unwrap();
    let err = RecordLog::open(&dir).err().unwrap();
    assert!(
        matches!(err, Error::Corrupt { ref path, offset } if *path == seg && offset as usize == target - 8),
        "{err:?}"
    );
    assert!(err.to_string().contains("corrupt record at byte"), "{err}");
    let (log, report) = RecordLog::open_with(&dir, LogOptions { repair: true, ..LogOptions::default() }).unwrap();
    assert!(report.repaired && report.bytes_cut > 0);
    assert_eq!(log.len(), 10);
    assert_eq!(log.get(RecordId(9)).unwrap(), Some(payload(9).as_slice()));
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
    std::fs::write(not_a_log.join("notes.txt"), "hello").unwrap();
    assert!(matches!(RecordLog::open(&not_a_log), Err(Error::NotALog { .. })));

    let (mut log, _) = RecordLog::open_with(temp_dir("big"), small()).unwrap();
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

/// The child of the SIGKILL test: appends synced batches forever, printing
/// each synced batch's last id. Run by `a_writer_killed_with_sigkill...`.
#[test]
#[ignore = "the child process of a_writer_killed_with_sigkill_loses_no_synced_record"]
fn sigkill_child() {
    let dir = std::env::var("FLATBOX_SIGKILL_DIR").expect("run by the parent test");
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
    let dir = temp_dir("sigkill");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "log::sigkill_child", "--ignored", "--nocapture", "--test-threads", "1"])
            .env("FLATBOX_SIGKILL_DIR", &dir)
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
    Get(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600).prop_map(Op::Append),
        prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..20).prop_map(Op::Batch),
        Just(Op::Reopen),
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
