//! Text for people: sizes, dumps cut to a number of lines, JSON type names.

use std::fmt::Write as _;

/// A byte count in SI units.
pub(crate) fn bytes(n: usize) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.2} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

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
