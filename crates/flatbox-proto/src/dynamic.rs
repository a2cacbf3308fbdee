//! Dynamic messages: a `.proto` given at run time (compiled with protox,
//! no protoc), and any of its messages converted between JSON (the proto3
//! JSON mapping) and protobuf binary, through prost-reflect.

use std::path::Path;

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, ReflectMessage};

use crate::error::{Error, Result};

/// A set of message types to convert with.
///
/// # Examples
///
/// ```
/// use flatbox_proto::Schema;
///
/// let schema = Schema::builtin();
/// let bytes = schema.json_to_protobuf("flatbox.v1.User", r#"{"id": 150, "name": "ada", "tags": ["x"]}"#)?;
/// assert_eq!(&bytes[..3], [0x08, 0x96, 0x01]); // field 1 = 150
/// let json = schema.protobuf_to_json("flatbox.v1.User", &bytes)?;
/// assert_eq!(json, r#"{"id":150,"name":"ada","tags":["x"]}"#);
/// # Ok::<(), flatbox_proto::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Schema {
    pool: DescriptorPool,
}

impl Schema {
    /// flatbox's own schemas (`proto/flatbox/v1/*.proto`), from the
    /// descriptor set `cargo xtask codegen` wrote.
    ///
    /// # Panics
    ///
    /// Never: the embedded descriptor set is generated and tested.
    pub fn builtin() -> Self {
        let pool = DescriptorPool::decode(crate::FILE_DESCRIPTOR_SET).expect("the generated descriptor set decodes");
        Schema { pool }
    }

    /// Compiles a `.proto` file (and what it imports, searched beside it and
    /// in `includes`) at run time.
    ///
    /// # Errors
    ///
    /// [`Error::Schema`] with protox's message (file, line, column).
    pub fn compile(file: &Path, includes: &[&Path]) -> Result<Self> {
        let schema_error = |message: String| Error::Schema { file: file.display().to_string(), message };
        let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = file.file_name().ok_or_else(|| schema_error("not a file".into()))?;
        let mut paths = vec![dir];
        paths.extend_from_slice(includes);
        let descriptors = protox::compile([name], paths).map_err(|e| schema_error(e.to_string()))?;
        let pool =
            DescriptorPool::decode(descriptors.encode_to_vec().as_slice()).map_err(|e| schema_error(e.to_string()))?;
        Ok(Schema { pool })
    }

    /// The fully qualified names of the messages it knows.
    pub fn message_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.pool.all_messages().map(|m| m.full_name().to_owned()).collect();
        names.sort();
        names
    }

    /// The message called `name` (fully qualified, or unqualified when that
    /// is unambiguous).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownMessage`], listing the names it knows.
    pub fn message(&self, name: &str) -> Result<MessageDescriptor> {
        if let Some(m) = self.pool.get_message_by_name(name) {
            return Ok(m);
        }
        let mut matches = self.pool.all_messages().filter(|m| m.name() == name);
        match (matches.next(), matches.next()) {
            (Some(m), None) => Ok(m),
            _ => Err(Error::UnknownMessage { name: name.to_owned(), known: self.message_names().join(", ") }),
        }
    }

    /// Decodes protobuf binary as `message`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownMessage`], or [`Error::Decode`] with prost's reason.
    pub fn decode(&self, message: &str, bytes: &[u8]) -> Result<DynamicMessage> {
        let descriptor = self.message(message)?;
        DynamicMessage::decode(descriptor.clone(), bytes)
            .map_err(|e| Error::Decode { message: descriptor.full_name().to_owned(), reason: e.to_string() })
    }

    /// Converts JSON (proto3 JSON mapping: camelCase or original field
    /// names, enums by name, 64-bit integers as strings or numbers) to
    /// protobuf binary.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownMessage`], or [`Error::Json`] with the position.
    pub fn json_to_protobuf(&self, message: &str, json: &str) -> Result<Vec<u8>> {
        let descriptor = self.message(message)?;
        let json_error =
            |e: serde_json::Error| Error::Json { message: descriptor.full_name().to_owned(), reason: e.to_string() };
        let mut deserializer = serde_json::Deserializer::from_str(json);
        let dynamic = DynamicMessage::deserialize(descriptor.clone(), &mut deserializer).map_err(json_error)?;
        deserializer.end().map_err(json_error)?;
        Ok(dynamic.encode_to_vec())
    }

    /// Converts protobuf binary to JSON under the proto3 JSON mapping.
    ///
    /// # Errors
    ///
    /// As [`Schema::decode`].
    pub fn protobuf_to_json(&self, message: &str, bytes: &[u8]) -> Result<String> {
        let dynamic = self.decode(message, bytes)?;
        serde_json::to_string(&dynamic)
            .map_err(|e| Error::Json { message: dynamic.descriptor().full_name().to_owned(), reason: e.to_string() })
    }
}
