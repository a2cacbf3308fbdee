//! Profiling aid for `valgrind --tool=callgrind` (instruction counts repeat
//! exactly on a noisy machine; wall time does not): encodes or decodes one
//! dataset of the suite through a crate's one-shot calls, `iterations`
//! times, and nothing else.
//!
//! `cargo build --profile profiling -p flatbox-bench --example wire_count`, then
//! `valgrind --tool=callgrind target/profiling/examples/wire_count <dataset> <wire|wire+strings|wire-plain-keys|postcard|msgpack> <enc|dec> <iterations>`
//! and subtract a run with 0 iterations (dataset generation) from it.
//!
//! With `WIRE_COUNT_TIME` set, it times each call and prints the fastest
//! and the median (the fastest of many calls in one process steadies a
//! comparison of two builds on a noisy machine; `cargo xtask bench` is the
//! measurement).
use flatbox_bench::datasets::{http_log, json_documents, shapes, tutorial};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn run<T: Serialize + DeserializeOwned>(value: &T, format: &str, op: &str, iterations: u32) {
    let encode = |v: &T| match format {
        "wire" => flatbox_wire::to_vec(v).expect("encodes"),
        "wire+strings" => {
            flatbox_wire::to_vec_with_config(v, flatbox_wire::Config::new().intern_strings(true)).expect("encodes")
        }
        "wire-plain-keys" => {
            flatbox_wire::to_vec_with_config(v, flatbox_wire::Config::new().intern_keys(false)).expect("encodes")
        }
        "postcard" => postcard::to_allocvec(v).expect("encodes"),
        "msgpack" => rmp_serde::to_vec_named(v).expect("encodes"),
        other => panic!("unknown format {other}"),
    };
    let bytes = encode(value);
    let timed = std::env::var_os("WIRE_COUNT_TIME").is_some();
    let mut elapsed = Vec::with_capacity(if timed { iterations as usize } else { 0 });
    for _ in 0..iterations {
        let start = timed.then(std::time::Instant::now);
        if op == "enc" {
            std::hint::black_box(encode(std::hint::black_box(value)));
        } else {
            let back: T = match format {
                "wire" | "wire+strings" | "wire-plain-keys" => {
                    flatbox_wire::from_slice(std::hint::black_box(&bytes)).expect("decodes")
                }
                "postcard" => postcard::from_bytes(std::hint::black_box(&bytes)).expect("decodes"),
                _ => rmp_serde::from_slice(std::hint::black_box(&bytes)).expect("decodes"),
            };
            std::hint::black_box(back);
        }
        if let Some(start) = start {
            elapsed.push(start.elapsed());
        }
    }
    eprintln!("{} bytes", bytes.len());
    if !elapsed.is_empty() {
        elapsed.sort();
        println!("fastest {:?} median {:?}", elapsed[0], elapsed[elapsed.len() / 2]);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dataset, format, op, iterations] = &args[..] else {
        panic!("usage: wire_count <dataset> <format> <enc|dec> <iterations>");
    };
    let n: u32 = iterations.parse().expect("a number of iterations");
    match dataset.as_str() {
        "shapes-arrays-options" => run(&shapes::arrays_options(), format, op, n),
        "shapes-enums-nested" => run(&shapes::enums_nested(), format, op, n),
        "shapes-vecs-maps" => run(&shapes::vecs_maps(), format, op, n),
        "shapes-text" => run(&shapes::text(), format, op, n),
        "social-timeline" => run(&shapes::social_timeline(), format, op, n),
        "event-catalog" => run(&shapes::event_catalog(), format, op, n),
        "geojson" => run(&shapes::geojson(), format, op, n),
        "http-log-10k" => run(&http_log::http_log_10k(), format, op, n),
        "msgpack-users" => run(&tutorial::msgpack_users(), format, op, n),
        "protobuf-users" => run(&tutorial::protobuf_users(), format, op, n),
        "pickle-example" => run(&tutorial::pickle_example(), format, op, n),
        "records-1m" => run(&tutorial::records_1m(), format, op, n),
        "pipeline-cache" => run(&tutorial::pipeline_cache(), format, op, n),
        "pipeline-network" => run(&tutorial::pipeline_network(), format, op, n),
        "range-10k" => run(&tutorial::range_10k(), format, op, n),
        "float-array-1m" => run(&tutorial::float_array_1m(), format, op, n),
        "pipeline-array" => run(&tutorial::pipeline_array(), format, op, n),
        "custom-test-data" => run(&tutorial::custom_test_data(), format, op, n),
        "table-100k" => run(&tutorial::table_100k(), format, op, n),
        // The real documents, from the folder in `FLATBOX_JSON_DOCUMENTS`
        // (`cargo xtask bench` fetches them into target/flatbox-peers/).
        "canada.json" => run(&json_documents::canada(), format, op, n),
        "citm_catalog.json" => run(&json_documents::citm_catalog(), format, op, n),
        "twitter.json" => run(&json_documents::twitter(), format, op, n),
        other => panic!("unknown dataset {other}"),
    }
}
