//! Profiling aid, not a benchmark (`cargo xtask bench` and the criterion
//! benches are): encodes or decodes one small dataset in a loop so that
//! `perf record` and `valgrind --tool=callgrind` see nothing else.
//!
//! `cargo run --profile profiling -p flatbox-wire --example perf_loop -- <ints|floats|net|users|tags|http> <wire|postcard|msgpack> <enc|dec> <iterations>`
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct E {
    ip: String,
    identity: String,
    user_id: String,
    date: String,
    request: String,
    status: u16,
    size: u64,
}
#[derive(Serialize, Deserialize)]
struct N {
    user_id: u64,
    action: String,
    timestamp: u64,
}
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct T {
    id: i32,
    name: String,
    active: bool,
    tags: Vec<String>,
}
#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct U {
    id: u32,
    name: String,
    active: bool,
}

fn run<T: Serialize + DeserializeOwned>(rows: &T, format: &str, op: &str, n: u32) {
    let encode = |rows: &T, buf: &mut Vec<u8>| match format {
        "wire" => {
            flatbox_wire::with_serializer(buf, flatbox_wire::Config::default(), |ser| rows.serialize(ser)).unwrap();
        }
        "postcard" => *buf = postcard::to_extend(rows, std::mem::take(buf)).unwrap(),
        _ => rmp_serde::encode::write_named(buf, rows).unwrap(),
    };
    let mut bytes = Vec::new();
    encode(rows, &mut bytes);
    let mut buf = Vec::with_capacity(bytes.len());
    let t = std::time::Instant::now();
    for _ in 0..n {
        if op == "enc" {
            buf.clear();
            encode(rows, &mut buf);
            std::hint::black_box(&buf);
        } else {
            let v: T = match format {
                "wire" => flatbox_wire::from_slice(std::hint::black_box(&bytes)).unwrap(),
                "postcard" => postcard::from_bytes(std::hint::black_box(&bytes)).unwrap(),
                _ => rmp_serde::from_slice(std::hint::black_box(&bytes)).unwrap(),
            };
            std::hint::black_box(v);
        }
    }
    eprintln!("{format} {op}: {:?} per op", t.elapsed() / n.max(1));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = args[4].parse().unwrap();
    if args[1] == "ints" {
        let rows: Vec<u32> = (0..10_000).collect();
        run(&rows, &args[2], &args[3], n);
    } else if args[1] == "floats" {
        let rows: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.37).collect();
        run(&rows, &args[2], &args[3], n);
    } else if args[1] == "net" {
        let event = N { user_id: 123, action: "login".to_owned(), timestamp: 1_642_678_800 };
        run(&event, &args[2], &args[3], n);
    } else if args[1] == "tags" {
        let rows: Vec<T> = (0..1000)
            .map(|i| T { id: i, name: format!("user_{i}"), active: true, tags: vec!["tag1".into(), "tag2".into()] })
            .collect();
        run(&rows, &args[2], &args[3], n);
    } else if args[1] == "users" {
        let rows: Vec<U> = (0..1000).map(|i| U { id: i, name: format!("user_{i}"), active: true }).collect();
        run(&rows, &args[2], &args[3], n);
    } else {
        let rows: Vec<E> = (0..10000_u64)
            .map(|i| E {
                ip: format!("66.{}.{}.{}", i % 250, i % 7, i % 13),
                identity: "-".into(),
                user_id: "-".into(),
                date: format!("15/Jan/2025:08:{:02}:{:02} +0000", i % 60, i % 60),
                request: format!("GET /products/{i}?ref=home HTTP/1.1"),
                status: 200,
                size: 1000 + i,
            })
            .collect();
        run(&rows, &args[2], &args[3], n);
    }
}
