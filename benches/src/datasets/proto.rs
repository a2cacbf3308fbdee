//! The datasets that have a protobuf schema, as the generated messages of
//! `flatbox-proto` (`proto/flatbox/v1/*.proto`), so protobuf is measured on
//! the same data as every other format.

use flatbox_proto::v1;

use super::{http_log, tutorial};

/// [`tutorial::protobuf_users`] as a `flatbox.v1.UserList`.
pub fn user_list() -> v1::UserList {
    v1::UserList {
        users: tutorial::protobuf_users()
            .users
            .into_iter()
            .map(|u| v1::User { id: u.id, name: u.name, active: u.active, tags: u.tags })
            .collect(),
    }
}

/// [`http_log::http_log_10k`] as a `flatbox.v1.HttpLog`.
pub fn http_log() -> v1::HttpLog {
    v1::HttpLog {
        entries: http_log::http_log_10k()
            .into_iter()
            .map(|e| v1::HttpLogEntry {
                ip: e.ip,
                identity: e.identity,
                user_id: e.user_id,
                date: e.date,
                request: e.request,
                status: u32::from(e.status),
                size: e.size,
            })
            .collect(),
    }
}

/// [`tutorial::pipeline_network`] as a `flatbox.v1.NetworkEvent`.
pub fn network_event() -> v1::NetworkEvent {
    let e = tutorial::pipeline_network();
    v1::NetworkEvent { user_id: e.user_id, action: e.action, timestamp: e.timestamp }
}
