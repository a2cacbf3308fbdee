//! The tutorial's datasets, one generator each, in the order the tutorial
//! introduces them. Python dicts become structs; Python ints become the
//! narrowest Rust integer that holds every value the tutorial puts there.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::rng;

/// "Python's Built-in Pickle": `{'numbers': list(range(1000)), 'nested':
/// {'a': [1, 2, 3], 'b': {'x': 42}}, 'string': 'Hello' * 100}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickleExample {
    /// `list(range(1000))`.
    pub numbers: Vec<u32>,
    /// `{'a': [1, 2, 3], 'b': {'x': 42}}`.
    pub nested: PickleNested,
    /// `'Hello' * 100`.
    pub string: String,
}

/// The `nested` dict of [`PickleExample`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickleNested {
    /// `[1, 2, 3]`.
    pub a: Vec<u32>,
    /// `{'x': 42}`.
    pub b: PickleInner,
}

/// The innermost dict of [`PickleExample`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickleInner {
    /// `42`.
    pub x: u32,
}

/// The pickle example dict.
pub fn pickle_example() -> PickleExample {
    PickleExample {
        numbers: (0..1000).collect(),
        nested: PickleNested { a: vec![1, 2, 3], b: PickleInner { x: 42 } },
        string: "Hello".repeat(100),
    }
}

/// "Pickle Protocols and Performance": `list(range(10000))`.
pub fn range_10k() -> Vec<u32> {
    (0..10_000).collect()
}

/// "MessagePack: Binary JSON Alternative": 1000 users and a metadata dict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsgpackExample {
    /// `[{'id': i, 'name': f'user_{i}', 'active': True} for i in range(1000)]`.
    pub users: Vec<SimpleUser>,
    /// `{'version': '1.0', 'timestamp': 1642678800, 'features': [...]}`.
    pub metadata: Metadata,
}

/// One user of [`MsgpackExample`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleUser {
    /// `i`.
    pub id: u32,
    /// `f'user_{i}'`.
    pub name: String,
    /// Always `True`.
    pub active: bool,
}

/// The `metadata` dict of [`MsgpackExample`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// `'1.0'`.
    pub version: String,
    /// `1642678800`.
    pub timestamp: u64,
    /// `['auth', 'logging', 'cache']`.
    pub features: Vec<String>,
}

/// The MessagePack example's data.
pub fn msgpack_users() -> MsgpackExample {
    MsgpackExample {
        users: (0..1000).map(|i| SimpleUser { id: i, name: format!("user_{i}"), active: true }).collect(),
        metadata: Metadata {
            version: "1.0".into(),
            timestamp: 1_642_678_800,
            features: vec!["auth".into(), "logging".into(), "cache".into()],
        },
    }
}

/// "Protocol Buffers": `message UserList { repeated User users = 1; }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserList {
    /// The users.
    pub users: Vec<User>,
}

/// "Protocol Buffers": `message User { int32 id = 1; string name = 2; bool
/// active = 3; repeated string tags = 4; }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// `int32 id = 1`.
    pub id: i32,
    /// `string name = 2`.
    pub name: String,
    /// `bool active = 3`.
    pub active: bool,
    /// `repeated string tags = 4`.
    pub tags: Vec<String>,
}

/// The protobuf example's 1000 users, each tagged `['tag1', 'tag2']`.
pub fn protobuf_users() -> UserList {
    UserList {
        users: (0..1000)
            .map(|i| User { id: i, name: format!("user_{i}"), active: true, tags: vec!["tag1".into(), "tag2".into()] })
            .collect(),
    }
}

/// "Understanding Zero-Copy Serialization":
/// `np.random.random(1_000_000).astype(np.float64)`, uniform in [0, 1).
pub fn float_array_1m() -> Vec<f64> {
    let mut rng = rng(0x5EED_0001);
    (0..1_000_000).map(|_| rng.random::<f64>()).collect()
}

/// One row of the Arrow section's 100k-row `DataFrame`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// `range(100_000)`.
    pub id: u64,
    /// `np.random.random(100_000)`.
    pub value: f64,
    /// `['A', 'B', 'C'] * 33334`, truncated to 100k.
    pub category: String,
    /// `pd.date_range('2025-01-01', periods=100_000, freq='1min')`, as pandas
    /// stores it: nanoseconds since the Unix epoch.
    pub timestamp: i64,
}

/// 2025-01-01T00:00:00Z in nanoseconds since the Unix epoch.
const JAN_1_2025_NS: i64 = 1_735_689_600 * 1_000_000_000;

/// "Apache Arrow": the 100k-row table (id, value, category, timestamp).
pub fn table_100k() -> Vec<TableRow> {
    let mut rng = rng(0x5EED_0002);
    (0..100_000_u32)
        .zip(["A", "B", "C"].iter().cycle())
        .map(|(i, category)| TableRow {
            id: u64::from(i),
            value: rng.random::<f64>(),
            category: (*category).to_owned(),
            timestamp: JAN_1_2025_NS + i64::from(i) * 60 * 1_000_000_000,
        })
        .collect()
}

/// "Memory-Mapped Files": a record of id (4 bytes), value (8 bytes) and
/// timestamp (4 bytes), 16 bytes of payload.
///
/// The tutorial packs it with `struct.pack('IfI', ...)`, which is 12 bytes
/// (an `f` is a 4-byte float); its comment and `record_size = 16` ask for an
/// 8-byte value, which is what this dataset holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// `i`.
    pub id: u32,
    /// `i * 1.5`.
    pub value: f64,
    /// `1640995200 + i`.
    pub timestamp: u32,
}

/// "Memory-Mapped Files": the 1M fixed-size records.
pub fn records_1m() -> Vec<Record> {
    (0..1_000_000_u32).map(|i| Record { id: i, value: f64::from(i) * 1.5, timestamp: 1_640_995_200 + i }).collect()
}

/// "Custom Binary Protocols": the custom serializer's `test_data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomTestData {
    /// `list(range(1000))`.
    pub numbers: Vec<u32>,
    /// `[i * 1.5 for i in range(500)]`.
    pub metrics: Vec<f64>,
    /// `[f'item_{i}' for i in range(100)]`.
    pub labels: Vec<String>,
    /// `{'config': {'enabled': True, 'timeout': 30}}`.
    pub nested: CustomNested,
}

/// The `nested` dict of [`CustomTestData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomNested {
    /// `{'enabled': True, 'timeout': 30}`.
    pub config: CustomConfig,
}

/// The `config` dict of [`CustomTestData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomConfig {
    /// `True`.
    pub enabled: bool,
    /// `30`.
    pub timeout: u32,
}

/// The custom serializer's benchmark data.
pub fn custom_test_data() -> CustomTestData {
    CustomTestData {
        numbers: (0..1000).collect(),
        metrics: (0..500).map(|i| f64::from(i) * 1.5).collect(),
        labels: (0..100).map(|i| format!("item_{i}")).collect(),
        nested: CustomNested { config: CustomConfig { enabled: true, timeout: 30 } },
    }
}

/// "Compression Integration": logs, metrics and timestamps with patterns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompressionData {
    /// 1000 errors, 2000 infos, 1500 debugs.
    pub logs: Vec<String>,
    /// `[{'cpu': 45.6, 'memory': 78.2, 'disk': 23.1}] * 500`.
    pub metrics: Vec<SystemMetrics>,
    /// `list(range(1640995200, 1640995200 + 4000))`.
    pub timestamps: Vec<u64>,
}

/// One metrics sample of [`CompressionData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemMetrics {
    /// CPU use in percent.
    pub cpu: f64,
    /// Memory use in percent.
    pub memory: f64,
    /// Disk use in percent.
    pub disk: f64,
}

/// The compression comparison's data.
pub fn compression_mix() -> CompressionData {
    let mut logs = Vec::with_capacity(4500);
    logs.extend(std::iter::repeat_n("ERROR: Connection failed".to_owned(), 1000));
    logs.extend(std::iter::repeat_n("INFO: Request processed".to_owned(), 2000));
    logs.extend(std::iter::repeat_n("DEBUG: Cache hit".to_owned(), 1500));
    CompressionData {
        logs,
        metrics: vec![SystemMetrics { cpu: 45.6, memory: 78.2, disk: 23.1 }; 500],
        timestamps: (1_640_995_200..1_640_995_200 + 4000).collect(),
    }
}

/// "Real-World Performance Optimization": the cache payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheData {
    /// `list(range(10000))`.
    pub results: Vec<u32>,
    /// `{'version': 1}`.
    pub metadata: CacheMetadata,
}

/// The `metadata` dict of [`CacheData`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheMetadata {
    /// `1`.
    pub version: u32,
}

/// The pipeline's `cache_data`.
pub fn pipeline_cache() -> CacheData {
    CacheData { results: (0..10_000).collect(), metadata: CacheMetadata { version: 1 } }
}

/// "Real-World Performance Optimization": the network message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkEvent {
    /// `123`.
    pub user_id: u64,
    /// `'login'`.
    pub action: String,
    /// `1642678800`.
    pub timestamp: u64,
}

/// The pipeline's `network_data`.
pub fn pipeline_network() -> NetworkEvent {
    NetworkEvent { user_id: 123, action: "login".into(), timestamp: 1_642_678_800 }
}

/// A row-major matrix of `f64`, the Rust shape of a 2-D numpy array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Matrix {
    /// Number of rows.
    pub rows: u32,
    /// Number of columns.
    pub cols: u32,
    /// `rows * cols` values, row after row.
    pub data: Vec<f64>,
}

/// The pipeline's `large_array`: `np.random.random((1000, 1000))`.
pub fn pipeline_array() -> Matrix {
    let mut rng = rng(0x5EED_0003);
    Matrix { rows: 1000, cols: 1000, data: (0..1_000_000).map(|_| rng.random::<f64>()).collect() }
}

/// [`MsgpackExample`] with its strings borrowed from the input, for
/// zero-copy decoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsgpackExampleRef<'a> {
    /// As [`MsgpackExample::users`].
    #[serde(borrow)]
    pub users: Vec<SimpleUserRef<'a>>,
    /// As [`MsgpackExample::metadata`].
    #[serde(borrow)]
    pub metadata: MetadataRef<'a>,
}

/// [`SimpleUser`] with a borrowed name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimpleUserRef<'a> {
    /// As [`SimpleUser::id`].
    pub id: u32,
    /// As [`SimpleUser::name`].
    pub name: &'a str,
    /// As [`SimpleUser::active`].
    pub active: bool,
}

/// [`Metadata`] with borrowed strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetadataRef<'a> {
    /// As [`Metadata::version`].
    pub version: &'a str,
    /// As [`Metadata::timestamp`].
    pub timestamp: u64,
    /// As [`Metadata::features`].
    #[serde(borrow)]
    pub features: Vec<&'a str>,
}

/// [`UserList`] with borrowed strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserListRef<'a> {
    /// As [`UserList::users`].
    #[serde(borrow)]
    pub users: Vec<UserRef<'a>>,
}

/// [`User`] with borrowed strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRef<'a> {
    /// As [`User::id`].
    pub id: i32,
    /// As [`User::name`].
    pub name: &'a str,
    /// As [`User::active`].
    pub active: bool,
    /// As [`User::tags`].
    #[serde(borrow)]
    pub tags: Vec<&'a str>,
}
