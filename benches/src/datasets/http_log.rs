//! A dataset of our own: 10k lines of an HTTP server's access log, in the
//! Common Log Format's fields, with the skew a real log has.
//!
//! - **Clients**: 1500 IPv4 addresses, drawn with a Zipf law (s = 1.2), so a
//!   few crawlers and office NATs make most requests.
//! - **Identity**: `-` (nobody runs identd any more) but for 0.2 %.
//! - **User id**: `-` for 88 % of requests, else one of 200 user names.
//! - **Date**: a busy two hours from 2025-01-15 08:00:00 +0000, exponential
//!   gaps with a mean of 0.7 s, in the `15/Jan/2025:08:00:00 +0000` layout.
//! - **Request**: method by weight (GET 86 %, POST 9 %, ...), path from 400
//!   paths under Zipf (s = 1.1) of pages, assets, API calls with ids and
//!   query strings, protocol HTTP/1.1 mostly.
//! - **Status**: 200 for 81 %, then 304, 404, 301, 302, 500, 403, 206, 400.
//! - **Size**: 0 for 304 and HEAD; log-normal around 4 KiB for pages and
//!   assets, smaller for API responses, tiny for errors.

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_distr::{Distribution, Exp, LogNormal, Zipf};
use serde::{Deserialize, Serialize};

use super::rng;

/// One access-log line: `ip identity user [date] "request" status size`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpLogEntry {
    /// Client IPv4 address, dotted.
    pub ip: String,
    /// RFC 1413 identity, almost always `-`.
    pub identity: String,
    /// Authenticated user, or `-`.
    pub user_id: String,
    /// `dd/Mon/yyyy:HH:MM:SS +zzzz`.
    pub date: String,
    /// The request line: method, path, protocol.
    pub request: String,
    /// HTTP status code.
    pub status: u16,
    /// Response body size in bytes.
    pub size: u64,
}

/// [`HttpLogEntry`] with its strings borrowed from the input, for
/// zero-copy decoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpLogEntryRef<'a> {
    /// As [`HttpLogEntry::ip`].
    pub ip: &'a str,
    /// As [`HttpLogEntry::identity`].
    pub identity: &'a str,
    /// As [`HttpLogEntry::user_id`].
    pub user_id: &'a str,
    /// As [`HttpLogEntry::date`].
    pub date: &'a str,
    /// As [`HttpLogEntry::request`].
    pub request: &'a str,
    /// As [`HttpLogEntry::status`].
    pub status: u16,
    /// As [`HttpLogEntry::size`].
    pub size: u64,
}

/// Number of entries in [`http_log_10k`].
pub const ENTRIES: usize = 10_000;

const START_HOUR: u32 = 8;

/// The 10k-entry HTTP access log.
///
/// # Panics
///
/// Never: the distribution parameters are constants that are valid.
pub fn http_log_10k() -> Vec<HttpLogEntry> {
    http_log(0x5EED_0100, ENTRIES)
}

/// `n` entries of an HTTP access log drawn with `seed` (each seed its own
/// clients, users and paths); [`http_log_10k`] is seed `0x5EED_0100`.
/// `flatbox-bench` streams blocks of these to disk for the convert
/// measurement.
///
/// # Panics
///
/// Never: the distribution parameters are constants that are valid.
pub fn http_log(seed: u64, n: usize) -> Vec<HttpLogEntry> {
    let mut rng = rng(seed);

    let clients: Vec<String> = (0..1500)
        .map(|_| {
            let first = *[66_u8, 73, 98, 104, 151, 172, 185, 203, 212].choose(&mut rng).expect("non-empty");
            format!("{first}.{}.{}.{}", rng.random::<u8>(), rng.random::<u8>(), rng.random_range(1..255))
        })
        .collect();
    let users: Vec<String> = (0..200)
        .map(|i| match i % 4 {
            0 => format!("user{}", rng.random_range(1000..99_999)),
            1 => format!("{}.{}", NAMES[i % NAMES.len()], SURNAMES[(i / 4) % SURNAMES.len()]),
            2 => NAMES[(i * 7) % NAMES.len()].to_lowercase(),
            _ => format!("{}{}", NAMES[(i * 3) % NAMES.len()].to_lowercase(), rng.random_range(1..99)),
        })
        .collect();
    let paths = paths(&mut rng);

    let client_zipf = Zipf::new(clients.len() as f64, 1.2).expect("valid zipf");
    let path_zipf = Zipf::new(paths.len() as f64, 1.1).expect("valid zipf");
    let gap = Exp::new(1.0 / 0.7).expect("valid rate");
    let page_size = LogNormal::new(8.3, 0.9).expect("valid log-normal"); // median ~4 KiB
    let api_size = LogNormal::new(6.0, 1.1).expect("valid log-normal"); // median ~400 B

    let mut seconds = 0.0_f64;
    (0..n)
        .map(|_| {
            seconds += gap.sample(&mut rng);
            let ip = clients[zipf_index(&client_zipf, &mut rng)].clone();
            let identity = if rng.random_bool(0.002) { "ident".to_owned() } else { "-".to_owned() };
            let user_id =
                if rng.random_bool(0.12) { users.choose(&mut rng).expect("non-empty").clone() } else { "-".to_owned() };
            let method = *METHODS.choose_weighted(&mut rng, |m| m.1).expect("weights are positive");
            let path = &paths[zipf_index(&path_zipf, &mut rng)];
            let protocol = *PROTOCOLS.choose_weighted(&mut rng, |p| p.1).expect("weights are positive");
            let status = STATUSES.choose_weighted(&mut rng, |s| s.1).expect("weights are positive").0;
            let size = match (status, method.0) {
                (304, _) | (_, "HEAD") => 0,
                (200 | 206, _) if path.starts_with("/api/") => whole(api_size.sample(&mut rng)),
                (200 | 206, _) => whole(page_size.sample(&mut rng)),
                _ => rng.random_range(150..600),
            };
            HttpLogEntry {
                ip,
                identity,
                user_id,
                date: clf_date(seconds),
                request: format!("{} {path} {}", method.0, protocol.0),
                status,
                size,
            }
        })
        .collect()
}

/// A 0-based index from a Zipf distribution over `1..=n`.
fn zipf_index(zipf: &Zipf<f64>, rng: &mut impl Rng) -> usize {
    // Zipf samples whole numbers in 1..=n as f64.
    usize::try_from(whole(zipf.sample(rng))).expect("n fits in usize") - 1
}

/// A sample of a distribution over non-negative numbers, as a whole number.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "samples are non-negative and far below u64::MAX; float-to-int `as` saturates anyway"
)]
fn whole(x: f64) -> u64 {
    x as u64
}

/// `15/Jan/2025:HH:MM:SS +0000`, `seconds` after 08:00:00; the log spans
/// about two hours, so the day never changes.
fn clf_date(seconds: f64) -> String {
    let total = whole(seconds);
    let (h, m, s) = (u64::from(START_HOUR) + total / 3600, (total / 60) % 60, total % 60);
    format!("15/Jan/2025:{h:02}:{m:02}:{s:02} +0000")
}

fn paths(rng: &mut impl Rng) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/",
        "/index.html",
        "/favicon.ico",
        "/robots.txt",
        "/login",
        "/logout",
        "/search",
        "/cart",
        "/checkout",
        "/about",
        "/contact",
        "/static/css/main.css",
        "/static/js/app.js",
        "/static/js/vendor.js",
        "/static/img/logo.png",
        "/api/v1/session",
        "/api/v1/cart",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sections = ["products", "blog", "docs", "category", "help"];
    let api = ["users", "orders", "products", "reviews", "inventory"];
    let terms = ["shoes", "laptop", "coffee", "red+dress", "usb-c", "desk", "lamp"];
    while paths.len() < 400 {
        let path = match rng.random_range(0..5) {
            0 => format!("/{}/{}", sections.choose(rng).expect("non-empty"), rng.random_range(1..5000)),
            1 => format!("/api/v1/{}/{}", api.choose(rng).expect("non-empty"), rng.random_range(1..100_000)),
            2 => format!("/search?q={}&page={}", terms.choose(rng).expect("non-empty"), rng.random_range(1..6)),
            3 => format!("/static/img/p{:05}.jpg", rng.random_range(0..20_000)),
            _ => format!(
                "/{}/{}?ref={}",
                sections.choose(rng).expect("non-empty"),
                rng.random_range(1..5000),
                ["home", "email", "ad", "social"].choose(rng).expect("non-empty")
            ),
        };
        paths.push(path);
    }
    paths
}

const METHODS: [(&str, u32); 6] =
    [("GET", 860), ("POST", 90), ("HEAD", 30), ("PUT", 10), ("DELETE", 6), ("OPTIONS", 4)];
const PROTOCOLS: [(&str, u32); 3] = [("HTTP/1.1", 90), ("HTTP/2.0", 8), ("HTTP/1.0", 2)];
const STATUSES: [(u16, u32); 9] =
    [(200, 810), (304, 80), (404, 45), (301, 20), (302, 20), (500, 8), (403, 7), (206, 5), (400, 5)];
const NAMES: [&str; 12] =
    ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory", "Oscar"];
const SURNAMES: [&str; 8] = ["smith", "jones", "garcia", "miller", "davis", "lopez", "wilson", "moore"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_stay_on_one_day_and_increase() {
        let log = http_log_10k();
        assert_eq!(log.len(), ENTRIES);
        assert!(log.windows(2).all(|w| w[0].date <= w[1].date), "dates are in order");
        assert!(log.iter().all(|e| e.date.starts_with("15/Jan/2025:")));
        let last_hour: u32 = log[ENTRIES - 1].date[12..14].parse().unwrap();
        assert!((START_HOUR..24).contains(&last_hour));
    }

    #[test]
    fn distributions_are_skewed_like_a_real_log() {
        let log = http_log_10k();
        let share = |f: &dyn Fn(&HttpLogEntry) -> bool| log.iter().filter(|e| f(e)).count() as f64 / ENTRIES as f64;
        let ok = share(&|e| e.status == 200);
        assert!((0.76..0.86).contains(&ok), "200s: {ok}");
        let anonymous = share(&|e| e.user_id == "-");
        assert!((0.84..0.92).contains(&anonymous), "anonymous: {anonymous}");
        assert!(log.iter().filter(|e| e.status == 304).all(|e| e.size == 0));
        // A Zipf law over clients: the busiest client makes far more than an
        // even share (1/1500) of requests.
        let mode = log_mode(&log);
        let busiest = log.iter().filter(|e| e.ip == mode).count();
        assert!(busiest > 200, "busiest client made {busiest} requests");
        assert!(log.iter().all(|e| e.ip.split('.').count() == 4));
    }

    fn log_mode(log: &[HttpLogEntry]) -> String {
        let mut counts = std::collections::HashMap::new();
        for e in log {
            *counts.entry(e.ip.as_str()).or_insert(0) += 1;
        }
        counts.into_iter().max_by_key(|(_, c)| *c).map(|(ip, _)| ip.to_owned()).unwrap()
    }
}
