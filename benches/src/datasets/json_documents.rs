//! Three real JSON documents that the suite did not make: `canada.json`,
//! `citm_catalog.json` and `twitter.json`, the documents `serde_json`'s and
//! simdjson's benchmarks read, parsed into typed serde structs.
//!
//! `cargo xtask bench` fetches them from the npm registry (the `simdjson`
//! package, version [`PACKAGE`], carries them in `jsonexamples/`) into
//! `target/`, and hands their folder to the runner in [`DIR_ENV`]. Without
//! it the runner measures the rest and says so.
//!
//! Each model is checked against its document when it is loaded: the typed
//! value, written back as JSON, must be the document (keys in any order, a
//! key the model writes as `null` where the document has none). A model
//! that dropped a field would measure less than the document holds.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::shapes::FeatureCollection;

/// The npm package, `name@version`, whose `jsonexamples/` holds the
/// documents.
pub const PACKAGE: &str = "simdjson@0.9.2";

/// The environment variable that names the folder holding the documents.
pub const DIR_ENV: &str = "FLATBOX_JSON_DOCUMENTS";

/// The documents' file names.
pub const FILES: [&str; 3] = ["canada.json", "citm_catalog.json", "twitter.json"];

/// The folder holding all of [`FILES`], when [`DIR_ENV`] names one.
pub fn dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os(DIR_ENV)?);
    FILES.iter().all(|f| dir.join(f).is_file()).then_some(dir)
}

/// `file` of [`dir`], parsed as `T` and checked to hold all of it.
///
/// # Panics
///
/// When the folder or the file is missing, or the model does not fit the
/// document: the runner registers these datasets only when [`dir`] finds
/// them, and a model that loses data must not be measured.
pub fn load<T: Serialize + for<'de> Deserialize<'de>>(file: &str) -> T {
    let path = dir().expect("the JSON documents' folder").join(file);
    let text = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    parse_whole(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `text` parsed as `T`, if `T` holds all of it: written back as JSON, the
/// value is the document (keys in any order, `null` for an absent key).
///
/// # Errors
///
/// A parse error, or which part of the document the model lost.
pub fn parse_whole<T: Serialize + for<'de> Deserialize<'de>>(text: &[u8]) -> Result<T, String> {
    let value: T = serde_json::from_slice(text).map_err(|e| format!("parsing: {e}"))?;
    let document: serde_json::Value = serde_json::from_slice(text).map_err(|e| format!("parsing: {e}"))?;
    let written = serde_json::to_value(&value).map_err(|e| format!("writing the model back: {e}"))?;
    let (written, document) = (without_nulls(written), without_nulls(document));
    if written == document {
        Ok(value)
    } else {
        Err(format!(
            "the model does not hold the whole document: it writes {written:.200}, the document is {document:.200}"
        ))
    }
}

/// `value` with every object's `null` members removed, and every whole
/// float below 2^53 written as an integer (a model's `f64` writes `-65.0`
/// where the document says `-65`).
fn without_nulls(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        Value::Number(n) => match n.as_f64() {
            #[allow(clippy::cast_possible_truncation, reason = "a whole number below 2^53")]
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 => Value::from(f as i64),
            _ => Value::Number(n),
        },
        other => other,
    }
}

/// `canada.json`: one `GeoJSON` feature, Canada's borders, 480 rings and
/// 55,563 points (the suite's own `geojson` has the same types with `f32`
/// points).
pub fn canada() -> FeatureCollection<(f64, f64)> {
    load("canada.json")
}

/// `citm_catalog.json`: a ticketing catalog, 184 events and 243
/// performances, many maps keyed by ids written as strings.
pub fn citm_catalog() -> CitmCatalog {
    load("citm_catalog.json")
}

/// `twitter.json`: 100 statuses of a search, with their users and
/// entities, much of it non-ASCII.
pub fn twitter() -> Twitter {
    load("twitter.json")
}

/// `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmCatalog {
    /// Area names by id.
    pub area_names: BTreeMap<String, String>,
    /// Audience names by id.
    pub audience_sub_category_names: BTreeMap<String, String>,
    /// Block names by id (empty).
    pub block_names: BTreeMap<String, String>,
    /// Events by id.
    pub events: BTreeMap<String, CitmEvent>,
    /// Performances of the events.
    pub performances: Vec<CitmPerformance>,
    /// Seat category names by id.
    pub seat_category_names: BTreeMap<String, String>,
    /// Subtopic names by id.
    pub sub_topic_names: BTreeMap<String, String>,
    /// Subject names by id (empty).
    pub subject_names: BTreeMap<String, String>,
    /// Topic names by id.
    pub topic_names: BTreeMap<String, String>,
    /// Subtopic ids by topic id.
    pub topic_sub_topics: BTreeMap<String, Vec<u64>>,
    /// Venue names by code.
    pub venue_names: BTreeMap<String, String>,
}

/// An event of `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmEvent {
    /// Always `null`.
    pub description: Option<String>,
    /// Its id.
    pub id: u64,
    /// An image path, or `null`.
    pub logo: Option<String>,
    /// Its name.
    pub name: String,
    /// Subtopic ids.
    pub sub_topic_ids: Vec<u64>,
    /// Always `null`.
    pub subject_code: Option<String>,
    /// Always `null`.
    pub subtitle: Option<String>,
    /// Topic ids.
    pub topic_ids: Vec<u64>,
}

/// A performance of `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmPerformance {
    /// The event performed.
    pub event_id: u64,
    /// Its id.
    pub id: u64,
    /// An image path, or `null`.
    pub logo: Option<String>,
    /// Mostly `null`.
    pub name: Option<String>,
    /// Prices by seat category and audience.
    pub prices: Vec<CitmPrice>,
    /// Seat categories and their areas.
    pub seat_categories: Vec<CitmSeatCategory>,
    /// Always `null`.
    pub seat_map_image: Option<String>,
    /// Milliseconds since the epoch.
    pub start: u64,
    /// The venue's code.
    pub venue_code: String,
}

/// A price of `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmPrice {
    /// In cents.
    pub amount: u32,
    /// The audience.
    pub audience_sub_category_id: u64,
    /// The seat category.
    pub seat_category_id: u64,
}

/// A seat category of `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmSeatCategory {
    /// Its areas.
    pub areas: Vec<CitmArea>,
    /// Its id.
    pub seat_category_id: u64,
}

/// An area of `citm_catalog.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CitmArea {
    /// Its id.
    pub area_id: u64,
    /// Its blocks (always empty).
    pub block_ids: Vec<u64>,
}

/// `twitter.json`: a search's statuses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Twitter {
    /// The statuses found.
    pub statuses: Vec<Status>,
    /// About the search.
    pub search_metadata: SearchMetadata,
}

/// A status (tweet).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Status {
    pub metadata: StatusMetadata,
    pub created_at: String,
    pub id: u64,
    pub id_str: String,
    pub text: String,
    pub source: String,
    pub truncated: bool,
    pub in_reply_to_status_id: Option<u64>,
    pub in_reply_to_status_id_str: Option<String>,
    pub in_reply_to_user_id: Option<u64>,
    pub in_reply_to_user_id_str: Option<String>,
    pub in_reply_to_screen_name: Option<String>,
    pub user: User,
    /// Always `null` here.
    pub geo: Option<()>,
    /// Always `null` here.
    pub coordinates: Option<()>,
    /// Always `null` here.
    pub place: Option<()>,
    /// Always `null` here.
    pub contributors: Option<()>,
    #[serde(default)]
    pub retweeted_status: Option<Box<Status>>,
    pub retweet_count: u32,
    pub favorite_count: u32,
    pub entities: StatusEntities,
    pub favorited: bool,
    pub retweeted: bool,
    #[serde(default)]
    pub possibly_sensitive: Option<bool>,
    pub lang: String,
}

/// A status's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct StatusMetadata {
    pub result_type: String,
    pub iso_language_code: String,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
#[allow(clippy::struct_excessive_bools, reason = "the Twitter API's own flags")]
pub struct User {
    pub id: u64,
    pub id_str: String,
    pub name: String,
    pub screen_name: String,
    pub location: String,
    pub description: String,
    pub url: Option<String>,
    pub entities: UserEntities,
    pub protected: bool,
    pub followers_count: u32,
    pub friends_count: u32,
    pub listed_count: u32,
    pub created_at: String,
    pub favourites_count: u32,
    pub utc_offset: Option<i32>,
    pub time_zone: Option<String>,
    pub geo_enabled: bool,
    pub verified: bool,
    pub statuses_count: u32,
    pub lang: String,
    pub contributors_enabled: bool,
    pub is_translator: bool,
    pub is_translation_enabled: bool,
    pub profile_background_color: String,
    pub profile_background_image_url: String,
    pub profile_background_image_url_https: String,
    pub profile_background_tile: bool,
    pub profile_image_url: String,
    pub profile_image_url_https: String,
    #[serde(default)]
    pub profile_banner_url: Option<String>,
    pub profile_link_color: String,
    pub profile_sidebar_border_color: String,
    pub profile_sidebar_fill_color: String,
    pub profile_text_color: String,
    pub profile_use_background_image: bool,
    pub default_profile: bool,
    pub default_profile_image: bool,
    pub following: bool,
    pub follow_request_sent: bool,
    pub notifications: bool,
}

/// The URLs in a user's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct UserEntities {
    #[serde(default)]
    pub url: Option<UserUrls>,
    pub description: UserUrls,
}

/// A list of URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct UserUrls {
    pub urls: Vec<Url>,
}

/// A URL in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Url {
    pub url: String,
    pub expanded_url: String,
    pub display_url: String,
    pub indices: (u16, u16),
}

/// What a status's text refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct StatusEntities {
    pub hashtags: Vec<Hashtag>,
    /// Always empty here.
    pub symbols: Vec<()>,
    pub urls: Vec<Url>,
    pub user_mentions: Vec<UserMention>,
    #[serde(default)]
    pub media: Option<Vec<Media>>,
}

/// A hashtag in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Hashtag {
    pub text: String,
    pub indices: (u16, u16),
}

/// A user mentioned in a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct UserMention {
    pub screen_name: String,
    pub name: String,
    pub id: u64,
    pub id_str: String,
    pub indices: (u16, u16),
}

/// A picture in a status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Media {
    pub id: u64,
    pub id_str: String,
    pub indices: (u16, u16),
    pub media_url: String,
    pub media_url_https: String,
    pub url: String,
    pub display_url: String,
    pub expanded_url: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sizes: Sizes,
    #[serde(default)]
    pub source_status_id: Option<u64>,
    #[serde(default)]
    pub source_status_id_str: Option<String>,
}

/// A picture's sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Sizes {
    pub medium: Size,
    pub small: Size,
    pub thumb: Size,
    pub large: Size,
}

/// One size of a picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct Size {
    pub w: u16,
    pub h: u16,
    pub resize: String,
}

/// About a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, reason = "the Twitter API's own field names")]
pub struct SearchMetadata {
    pub completed_in: f64,
    pub max_id: u64,
    pub max_id_str: String,
    pub next_results: String,
    pub query: String,
    pub refresh_url: String,
    pub count: u32,
    pub since_id: u64,
    pub since_id_str: String,
}

#[cfg(test)]
mod tests {
    use super::{CitmArea, FeatureCollection, parse_whole};

    type Canada = FeatureCollection<(f64, f64)>;

    #[test]
    fn a_model_that_holds_the_whole_document_parses_it() {
        let text = br#"{"type": "FeatureCollection", "features": [{"type": "Feature",
            "properties": {"name": "Canada"},
            "geometry": {"type": "Polygon", "coordinates": [[[-65, 43.25], [-65.5, 43]]]}}]}"#;
        let value: Canada = parse_whole(text).unwrap();
        assert_eq!(value.features[0].geometry.coordinates[0], [(-65.0, 43.25), (-65.5, 43.0)]);
        // An absent key the model writes as null is no loss.
        let area: CitmArea = parse_whole(br#"{"areaId": 7, "blockIds": []}"#).unwrap();
        assert_eq!(area.area_id, 7);
    }

    #[test]
    fn a_model_that_drops_a_field_is_refused() {
        let err = parse_whole::<CitmArea>(br#"{"areaId": 7, "blockIds": [], "name": "stalls"}"#).unwrap_err();
        assert!(err.contains("does not hold the whole document"), "{err}");
        let err = parse_whole::<CitmArea>(br#"{"areaId": "7", "blockIds": []}"#).unwrap_err();
        assert!(err.starts_with("parsing: invalid type"), "{err}");
    }
}
