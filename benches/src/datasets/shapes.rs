//! The shapes family: what real serde structs hold, one kind of field per
//! dataset, and three documents shaped like real JSON APIs. Each is sized to
//! a few hundred kilobytes, so a pair measures in about a second.
//!
//! - [`arrays_options`]: fixed arrays (`[u8; 4]`, `[f32; 3]`), options that
//!   are mostly `None` and options that are mostly `Some`;
//! - [`enums_nested`]: enums of all four variant kinds, structs three deep;
//! - [`vecs_maps`]: `Vec<f32>` / `Vec<f64>` / `Vec<u8>` inside structs,
//!   `HashMap<String, u32>`, `BTreeMap<u32, String>`;
//! - [`text`]: non-ASCII strings, `char`, `i128`;
//! - [`social_timeline`]: a timeline of posts with nested users and
//!   entities, most optional fields `None`, `(u8, u8)` index pairs;
//! - [`event_catalog`]: a ticketing catalog, maps keyed by ids rendered as
//!   strings, many small structs with repeated keys and integer ids;
//! - [`geojson`]: a `GeoJSON` feature collection of polygons, deep arrays of
//!   `(f32, f32)` pairs, string properties.

use std::collections::{BTreeMap, HashMap};

use rand::Rng;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};

use super::rng;

/// One reading of [`arrays_options`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// A device id.
    pub id: u64,
    /// An IPv4 address.
    pub addr: [u8; 4],
    /// A position.
    pub position: [f32; 3],
    /// An error code, `None` for 90 % of readings.
    pub error: Option<u32>,
    /// A label, `Some` for 90 % of readings.
    pub label: Option<String>,
    /// A battery level, `Some` for 95 % of readings.
    pub battery: Option<u8>,
}

/// 5000 readings: fixed arrays and options.
pub fn arrays_options() -> Vec<Reading> {
    let mut rng = rng(0x5EED_0300);
    (0..5000)
        .map(|i| Reading {
            id: 1_000_000 + i,
            addr: [10, rng.random(), rng.random(), rng.random()],
            position: [rng.random::<f32>() * 100.0, rng.random::<f32>() * 100.0, rng.random::<f32>()],
            error: rng.random_bool(0.1).then(|| rng.random_range(1..600)),
            label: rng.random_bool(0.9).then(|| format!("sensor-{}", rng.random_range(0..300))),
            battery: rng.random_bool(0.95).then(|| rng.random_range(0..=100)),
        })
        .collect()
}

/// An enum with every kind of variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// A unit variant.
    Stop,
    /// A newtype variant.
    Move(u32),
    /// A tuple variant.
    Turn(u16, i32),
    /// A struct variant.
    Say {
        /// Loudness.
        volume: i64,
        /// What is said.
        text: String,
    },
}

/// The outer struct of [`enums_nested`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Sequence number.
    pub seq: u32,
    /// What happens.
    pub action: Action,
    /// Two levels below.
    pub context: Context,
}

/// The middle struct of [`enums_nested`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    /// Who.
    pub actor: Actor,
    /// A weight.
    pub weight: f64,
}

/// The innermost struct of [`enums_nested`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// An id.
    pub id: u32,
    /// A name.
    pub name: String,
    /// Whether it is a robot.
    pub robot: bool,
}

/// 5000 steps: an enum of four variant kinds, structs three deep.
///
/// # Panics
///
/// Never: choices are drawn from constant, non-empty lists.
pub fn enums_nested() -> Vec<Step> {
    let mut rng = rng(0x5EED_0301);
    let names = ["ada", "grace", "linus", "barbara", "ken", "margaret"];
    (0..5000)
        .map(|seq| Step {
            seq,
            action: match rng.random_range(0..4) {
                0 => Action::Stop,
                1 => Action::Move(rng.random_range(0..10_000)),
                2 => Action::Turn(rng.random_range(0..360), rng.random_range(-1000..1000)),
                _ => Action::Say { volume: rng.random_range(-5..100), text: format!("hello {}", rng.random::<u16>()) },
            },
            context: Context {
                actor: Actor {
                    id: rng.random_range(0..500),
                    name: (*names.choose(&mut rng).expect("not empty")).to_owned(),
                    robot: rng.random_bool(0.3),
                },
                weight: rng.random::<f64>(),
            },
        })
        .collect()
}

/// One sample of [`vecs_maps`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// An id.
    pub id: u32,
    /// Eight `f32` features.
    pub features: Vec<f32>,
    /// Four `f64` coordinates.
    pub coordinates: Vec<f64>,
    /// A 16-byte digest, as a plain `Vec<u8>`.
    pub digest: Vec<u8>,
    /// Counters by name.
    pub counters: HashMap<String, u32>,
    /// Names by code.
    pub codes: BTreeMap<u32, String>,
}

/// 2000 samples: numeric vectors and maps inside structs.
pub fn vecs_maps() -> Vec<Sample> {
    let mut rng = rng(0x5EED_0302);
    let counter_names = ["hits", "misses", "errors", "retries", "timeouts"];
    (0..2000)
        .map(|id| Sample {
            id,
            features: (0..8).map(|_| rng.random::<f32>()).collect(),
            coordinates: (0..4).map(|_| rng.random::<f64>() * 180.0).collect(),
            digest: (0..16).map(|_| rng.random()).collect(),
            counters: counter_names[..rng.random_range(1..=counter_names.len())]
                .iter()
                .map(|n| ((*n).to_owned(), rng.random_range(0..100_000)))
                .collect(),
            codes: (0..rng.random_range(0..4)).map(|_| (rng.random_range(0..2000), format!("C{}", id % 97))).collect(),
        })
        .collect()
}

/// One entry of [`text`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// A non-ASCII word.
    pub word: String,
    /// Its first character.
    pub initial: char,
    /// A 128-bit value that does not fit 64 bits.
    pub big: i128,
    /// A 128-bit value that does.
    pub small: i128,
}

/// 5000 words: non-ASCII strings, `char`, `i128`.
///
/// # Panics
///
/// Never: choices are drawn from constant, non-empty lists.
pub fn text() -> Vec<Word> {
    let mut rng = rng(0x5EED_0303);
    let words = ["Straße", "naïve", "日本語", "Ελληνικά", "русский", "español", "emoji 🦀", "Kraków", "ħello", "ﬁne"];
    (0..5000)
        .map(|i| {
            let word = format!("{} {i}", words.choose(&mut rng).expect("not empty"));
            let initial = word.chars().next().expect("not empty");
            Word {
                word,
                initial,
                big: i128::from(rng.random::<i64>()) * i128::from(u64::MAX) - 7,
                small: i128::from(rng.random_range(-1_000_000_i64..1_000_000)),
            }
        })
        .collect()
}

/// A post of [`social_timeline`], in the layout of a social network's API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// Numeric id.
    pub id: u64,
    /// The id as a string, as such APIs also send it.
    pub id_str: String,
    /// `Wed Aug 27 13:08:45 +0000 2008`.
    pub created_at: String,
    /// The text.
    pub text: String,
    /// HTML of the client that posted it.
    pub source: String,
    /// Whether the text was cut.
    pub truncated: bool,
    /// The post replied to, mostly `None`.
    pub in_reply_to_status_id: Option<u64>,
    /// Its author, mostly `None`.
    pub in_reply_to_user_id: Option<u64>,
    /// Its author's name, mostly `None`.
    pub in_reply_to_screen_name: Option<String>,
    /// The author.
    pub user: PostUser,
    /// Hashtags, mentions and links in the text.
    pub entities: Entities,
    /// Always `None` in practice.
    pub geo: Option<String>,
    /// Always `None` in practice.
    pub place: Option<String>,
    /// Repost count.
    pub retweet_count: u32,
    /// Like count.
    pub favorite_count: u32,
    /// Whether the reader liked it.
    pub favorited: bool,
    /// Whether the reader reposted it.
    pub retweeted: bool,
    /// `en`, `ja`, ...
    pub lang: String,
}

/// The author of a [`Post`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostUser {
    /// Numeric id.
    pub id: u64,
    /// Display name.
    pub name: String,
    /// Handle.
    pub screen_name: String,
    /// Where, often empty.
    pub location: String,
    /// Profile text.
    pub description: String,
    /// Home page, mostly `None`.
    pub url: Option<String>,
    /// Whether the account is protected.
    pub protected: bool,
    /// Follower count.
    pub followers_count: u32,
    /// Following count.
    pub friends_count: u32,
    /// When the account was made.
    pub created_at: String,
    /// Whether it is verified.
    pub verified: bool,
    /// Avatar URL.
    pub profile_image_url: String,
}

/// The entities of a [`Post`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entities {
    /// Hashtags.
    pub hashtags: Vec<Hashtag>,
    /// Links.
    pub urls: Vec<Link>,
    /// Mentions.
    pub user_mentions: Vec<Mention>,
}

/// A hashtag of [`Entities`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hashtag {
    /// The tag without `#`.
    pub text: String,
    /// Where it is in the text.
    pub indices: (u8, u8),
}

/// A link of [`Entities`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    /// The short URL.
    pub url: String,
    /// The full URL.
    pub expanded_url: String,
    /// Where it is in the text.
    pub indices: (u8, u8),
}

/// A mention of [`Entities`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    /// Handle.
    pub screen_name: String,
    /// Numeric id.
    pub id: u64,
    /// Where it is in the text.
    pub indices: (u8, u8),
}

/// 1000 posts by 150 users.
///
/// # Panics
///
/// Never: choices are drawn from constant, non-empty lists.
pub fn social_timeline() -> Vec<Post> {
    let mut rng = rng(0x5EED_0304);
    let langs = ["en", "en", "en", "ja", "es", "pt"];
    let sources = ["<a href=\"https://mobile.example\" rel=\"nofollow\">Example for iPhone</a>", "web"];
    let tags = ["rustlang", "serde", "perf", "news", "jobs", "music", "今日"];
    let users: Vec<PostUser> = (0..150_u64)
        .map(|i| PostUser {
            id: 10_000_000 + i * 7919,
            name: format!("User Number {i}"),
            screen_name: format!("user_{i}"),
            location: if i % 3 == 0 { String::new() } else { format!("City {}", i % 40) },
            description: format!("I post about things, mostly topic {} and sometimes {}.", i % 11, i % 5),
            url: (i % 5 == 0).then(|| format!("https://example.org/~user{i}")),
            protected: false,
            followers_count: rng.random_range(0..50_000),
            friends_count: rng.random_range(0..2_000),
            created_at: format!("Mon Jan {:02} 10:00:00 +0000 2014", 1 + i % 28),
            verified: i % 37 == 0,
            profile_image_url: format!("https://img.example/profile/{i}/normal.jpg"),
        })
        .collect();
    (0..1000_u64)
        .map(|i| {
            let id = 500_000_000_000 + i * 104_729;
            let reply = rng.random_bool(0.15);
            let n_tags = rng.random_range(0..3);
            Post {
                id,
                id_str: id.to_string(),
                created_at: format!("Sun Aug 31 {:02}:{:02}:{:02} +0000 2014", i / 60 % 24, i % 60, (i * 7) % 60),
                text: format!("Post {i}: something happened today, read more at the link"),
                source: (*sources.choose(&mut rng).expect("not empty")).to_owned(),
                truncated: false,
                in_reply_to_status_id: reply.then(|| id - 1000),
                in_reply_to_user_id: reply.then(|| 10_000_000 + rng.random_range(0..150) * 7919),
                in_reply_to_screen_name: reply.then(|| format!("user_{}", rng.random_range(0..150))),
                user: users.choose(&mut rng).expect("not empty").clone(),
                entities: Entities {
                    hashtags: (0..n_tags)
                        .map(|k| Hashtag {
                            text: (*tags.choose(&mut rng).expect("not empty")).to_owned(),
                            indices: (10 + 12 * k, 20 + 12 * k),
                        })
                        .collect(),
                    urls: (0..u8::from(rng.random_bool(0.4)))
                        .map(|_| Link {
                            url: format!("https://t.example/{:x}", rng.random::<u32>()),
                            expanded_url: format!("https://news.example/article/{}", rng.random_range(0..10_000)),
                            indices: (60, 83),
                        })
                        .collect(),
                    user_mentions: (0..u8::from(reply))
                        .map(|_| Mention { screen_name: format!("user_{}", i % 150), id: 10_000_000, indices: (0, 9) })
                        .collect(),
                },
                geo: None,
                place: None,
                retweet_count: rng.random_range(0..20),
                favorite_count: rng.random_range(0..50),
                favorited: false,
                retweeted: false,
                lang: (*langs.choose(&mut rng).expect("not empty")).to_owned(),
            }
        })
        .collect()
}

/// A ticketing catalog, in the layout of the well-known `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Area names by id (the id rendered as a string).
    pub area_names: BTreeMap<String, String>,
    /// Seat category names by id.
    pub seat_category_names: BTreeMap<String, String>,
    /// Events by id.
    pub events: BTreeMap<String, CatalogEvent>,
    /// Performances of the events.
    pub performances: Vec<Performance>,
    /// Topic ids by subtopic id.
    pub topic_sub_topics: BTreeMap<String, Vec<u32>>,
}

/// An event of a [`Catalog`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogEvent {
    /// Numeric id.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Mostly `None`.
    pub description: Option<String>,
    /// Image path, sometimes `None`.
    pub logo: Option<String>,
    /// Subtopic ids.
    pub sub_topic_ids: Vec<u32>,
    /// Mostly `None`.
    pub subject_code: Option<String>,
    /// Mostly `None`.
    pub subtitle: Option<String>,
    /// Topic ids.
    pub topic_ids: Vec<u32>,
}

/// A performance of a [`Catalog`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    /// Numeric id.
    pub id: u64,
    /// The event performed.
    pub event_id: u64,
    /// Image path, mostly `None`.
    pub logo: Option<String>,
    /// Mostly `None`.
    pub name: Option<String>,
    /// Prices by seat category.
    pub prices: Vec<Price>,
    /// Seat categories and their areas.
    pub seat_categories: Vec<SeatCategory>,
    /// Always `None` in practice.
    pub seat_map_image: Option<String>,
    /// Start, in milliseconds since the epoch.
    pub start: u64,
    /// Venue code.
    pub venue_code: String,
}

/// A price of a [`Performance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// In cents.
    pub amount: u32,
    /// Audience.
    pub audience_sub_category_id: u64,
    /// Seat category.
    pub seat_category_id: u64,
}

/// A seat category of a [`Performance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeatCategory {
    /// Areas and their blocks.
    pub areas: Vec<Area>,
    /// The category.
    pub seat_category_id: u64,
}

/// An area of a [`SeatCategory`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    /// The area.
    pub area_id: u64,
    /// Its blocks, mostly empty.
    pub block_ids: Vec<u32>,
}

/// A catalog of 180 events and 250 performances.
///
/// # Panics
///
/// Never: choices are drawn from constant, non-empty lists.
pub fn event_catalog() -> Catalog {
    let mut rng = rng(0x5EED_0305);
    let area_ids: Vec<u64> = (0..60).map(|i| 205_705_993 + i * 3).collect();
    let seat_ids: Vec<u64> = (0..20).map(|i| 338_937_235 + i * 7).collect();
    let event_ids: Vec<u64> = (0..180).map(|i| 138_586_341 + i * 13).collect();
    Catalog {
        area_names: area_ids.iter().map(|id| (id.to_string(), format!("Area {}", id % 1000))).collect(),
        seat_category_names: seat_ids.iter().map(|id| (id.to_string(), format!("Category {}", id % 100))).collect(),
        events: event_ids
            .iter()
            .map(|&id| {
                let event = CatalogEvent {
                    id,
                    name: format!("Concert {}", id % 10_000),
                    description: rng.random_bool(0.05).then(|| "A long description of the evening.".to_owned()),
                    logo: rng.random_bool(0.6).then(|| format!("/images/UE0AAAAACEKo6QAAAAZDSVRN/{id}")),
                    sub_topic_ids: (0..rng.random_range(1..4)).map(|_| 337_184_262 + rng.random_range(0..30)).collect(),
                    subject_code: None,
                    subtitle: rng.random_bool(0.05).then(|| "Matinee".to_owned()),
                    topic_ids: (0..rng.random_range(1..3)).map(|_| 324_846_098 + rng.random_range(0..10)).collect(),
                };
                (id.to_string(), event)
            })
            .collect(),
        performances: (0..250_u64)
            .map(|i| {
                let n_cats = rng.random_range(1..5);
                let cats: Vec<u64> = seat_ids.choose_multiple(&mut rng, n_cats).copied().collect();
                Performance {
                    id: 339_887_544 + i,
                    event_id: *event_ids.choose(&mut rng).expect("not empty"),
                    logo: rng.random_bool(0.1).then(|| format!("/images/UE0AAAAACEKo6QAAAAZDSVRN/p{i}")),
                    name: None,
                    prices: cats
                        .iter()
                        .map(|&c| Price {
                            amount: rng.random_range(10..200) * 950,
                            audience_sub_category_id: 337_100_890,
                            seat_category_id: c,
                        })
                        .collect(),
                    seat_categories: cats
                        .iter()
                        .map(|&c| {
                            let n_areas = rng.random_range(2..12);
                            SeatCategory {
                                areas: area_ids
                                    .choose_multiple(&mut rng, n_areas)
                                    .map(|&a| Area { area_id: a, block_ids: Vec::new() })
                                    .collect(),
                                seat_category_id: c,
                            }
                        })
                        .collect(),
                    seat_map_image: None,
                    start: 1_372_616_400_000 + i * 86_400_000,
                    venue_code: "PLEYEL_PLEYEL".to_owned(),
                }
            })
            .collect(),
        topic_sub_topics: (0..30)
            .map(|i| ((324_846_098 + i).to_string(), (0..3).map(|k| 337_184_262 + k * 10 + i).collect()))
            .collect(),
    }
}

/// A `GeoJSON` `FeatureCollection`, as a typed document, its points of
/// type `P` (the real `canada.json`'s are `(f64, f64)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureCollection<P = (f32, f32)> {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The features.
    pub features: Vec<Feature<P>>,
}

/// A `GeoJSON` `Feature`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feature<P = (f32, f32)> {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// String properties.
    pub properties: BTreeMap<String, String>,
    /// The shape.
    pub geometry: Geometry<P>,
}

/// A `GeoJSON` `Polygon`: rings of longitude, latitude pairs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geometry<P = (f32, f32)> {
    /// `Polygon`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Rings, each a closed list of points.
    pub coordinates: Vec<Vec<P>>,
}

/// 40 polygons of 1 to 4 rings, 50k points in all (as in `canada.json`,
/// whose one feature has 480 rings).
pub fn geojson() -> FeatureCollection {
    let mut rng = rng(0x5EED_0306);
    FeatureCollection {
        kind: "FeatureCollection".to_owned(),
        features: (0..40)
            .map(|i| Feature {
                kind: "Feature".to_owned(),
                properties: [("name", format!("Region {i}")), ("iso", format!("R{i:03}")), ("source", "survey".into())]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
                geometry: Geometry {
                    kind: "Polygon".to_owned(),
                    coordinates: {
                        let rings: usize = rng.random_range(1..=4);
                        (0..rings)
                            .map(|r| {
                                let n = if r == 0 { 1250 - 100 * (rings - 1) } else { 100 };
                                let (cx, cy) = (rng.random_range(-140.0..-50.0_f32), rng.random_range(42.0..83.0_f32));
                                (0..n)
                                    .map(|k| {
                                        let angle = k as f32 / n as f32 * std::f32::consts::TAU;
                                        let radius = 2.0 + rng.random::<f32>() * 0.1;
                                        (cx + radius * angle.cos(), cy + radius * angle.sin())
                                    })
                                    .collect()
                            })
                            .collect()
                    },
                },
            })
            .collect(),
    }
}
