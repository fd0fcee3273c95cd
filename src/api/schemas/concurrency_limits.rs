//! Tag concurrency limits (`/concurrency_limits`, v1). Since Prefect 3.8 they are v2 limits named `tag:<tag>`;
//! these are the v1 shapes the client and CLI still speak.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::constraints::NonNegativeInt;
use crate::db::types::Id;
use crate::store::concurrency_limits_v2::Limit;

/// `ConcurrencyLimitCreate`. Prefect takes any integer here and then fails every task of the tag on a
/// negative one; we refuse it as the v2 model it becomes does.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyLimitCreate {
    pub tag: String,
    pub concurrency_limit: NonNegativeInt,
}

/// `POST /concurrency_limits/increment` and `/decrement`.
#[derive(Debug, Deserialize)]
pub struct TagSlots {
    pub names: Vec<String>,
    pub task_run_id: Uuid,
}

/// `POST /concurrency_limits/tag/{tag}/reset`.
#[derive(Debug, Default, Deserialize)]
pub struct Reset {
    #[serde(default)]
    pub slot_override: Option<Vec<Uuid>>,
}

/// `ConcurrencyLimit`: `active_slots` lists the task runs holding a slot.
#[derive(Debug, Serialize)]
pub struct ConcurrencyLimit {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub tag: String,
    pub concurrency_limit: i64,
    pub active_slots: Vec<String>,
}

impl ConcurrencyLimit {
    /// The v1 view of the v2 limit `tag:<tag>`.
    pub fn of(limit: &Limit, holders: &[Id]) -> Self {
        Self {
            id: limit.id.to_string(),
            created: limit.created.rfc3339(),
            updated: limit.updated.rfc3339(),
            tag: limit
                .name
                .strip_prefix(TAG_PREFIX)
                .unwrap_or(&limit.name)
                .to_owned(),
            concurrency_limit: limit.limit,
            active_slots: holders.iter().map(Id::to_string).collect(),
        }
    }
}

/// The v2 name of a tag's limit.
pub const TAG_PREFIX: &str = "tag:";

pub fn tag_limit_name(tag: &str) -> String {
    format!("{TAG_PREFIX}{tag}")
}
