//! Text for people: sizes, dumps cut to a number of lines, JSON type names.

use std::fmt::Write as _;

/// A byte count in SI units.
pub(crate) use flatbox::recommend::bytes;

/// The JSON type of `v`, for messages.
pub(crate) fn json_type(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

/// `text` cut to `max` lines, saying how many were left out.
pub(crate) fn limit_lines(text: &str, max: usize) -> String {
    let total = text.lines().count();
    if total <= max {
        return text.to_owned();
    }
    let mut s: String = text.lines().take(max).flat_map(|l| [l, "\n"]).collect();
    let _ = writeln!(s, "... ({} more lines; raise --max-lines)", total - max);
    s
}
