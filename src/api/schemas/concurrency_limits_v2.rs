//! Global concurrency limits (`/v2/concurrency_limits`): Prefect's `ConcurrencyLimitV2Create` /
//! `ConcurrencyLimitV2Update` action models, the bodies of the slot routes (FastAPI `Body(...)` parameters, so
//! extra keys are ignored there, as in Prefect), and the response models.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::constraints::{
    LeaseSeconds, Name, NonEmpty, NonNegativeFloat, NonNegativeInt, PositiveFloat, PositiveInt,
};
use crate::api::ApiError;
use crate::store::concurrency_limits_v2::{Holder, HolderKind, Limit};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyLimitV2Create {
    #[serde(default = "yes")]
    pub active: bool,
    pub name: Name,
    pub limit: NonNegativeInt,
    #[serde(default = "zero")]
    pub active_slots: NonNegativeInt,
    #[serde(default = "zero")]
    pub denied_slots: NonNegativeInt,
    #[serde(default = "no_decay")]
    pub slot_decay_per_second: NonNegativeFloat,
}

fn yes() -> bool {
    true
}

fn zero() -> NonNegativeInt {
    NonNegativeInt(0)
}

fn no_decay() -> NonNegativeFloat {
    NonNegativeFloat(0.0)
}

/// Every field optional; `null` leaves a field as it is (Prefect would try to store NULL and fail).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConcurrencyLimitV2Update {
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub name: Option<Name>,
    #[serde(default)]
    pub limit: Option<NonNegativeInt>,
    #[serde(default)]
    pub active_slots: Option<NonNegativeInt>,
    #[serde(default)]
    pub denied_slots: Option<NonNegativeInt>,
    #[serde(default)]
    pub slot_decay_per_second: Option<NonNegativeFloat>,
}

/// `limit` and `offset` of a `/filter` body (`LimitBody()`, `Body(0, ge=0)`).
#[derive(Debug, Default, Deserialize)]
pub struct Page {
    #[serde(default)]
    limit: Option<i64>,
    #[serde(default)]
    offset: Option<NonNegativeInt>,
}

impl Page {
    /// PREFECT_SERVER_API_DEFAULT_LIMIT's default, which is also the most a page may hold.
    const DEFAULT_LIMIT: i64 = 200;

    /// `(limit, offset)`, or Prefect's 422 for a limit out of range (its check, not pydantic's).
    pub fn checked(&self) -> Result<(i64, i64), ApiError> {
        let limit = self.limit.unwrap_or(Self::DEFAULT_LIMIT);
        let refuse = |detail: &str| ApiError {
            status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            body: serde_json::json!({ "detail": detail }),
        };
        if limit < 0 {
            return Err(refuse("Invalid limit: must be greater than or equal to 0."));
        }
        if limit > Self::DEFAULT_LIMIT {
            return Err(refuse("Invalid limit: must be less than or equal to 200."));
        }
        Ok((limit, self.offset.map_or(0, |o| o.0)))
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Concurrency,
    RateLimit,
}

/// Who holds a lease (`ConcurrencyLeaseHolder`).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseHolder {
    #[serde(rename = "type")]
    pub kind: HolderKind,
    pub id: Uuid,
}

impl From<&LeaseHolder> for Holder {
    fn from(holder: &LeaseHolder) -> Self {
        Holder {
            kind: holder.kind,
            id: crate::db::types::Id(holder.id),
        }
    }
}

/// `POST /v2/concurrency_limits/increment` and `/increment-with-lease`. Prefect's deprecated
/// `create_if_missing` is ignored (an extra key, as in Prefect): a name without a limit passes straight through.
#[derive(Debug, Deserialize)]
pub struct Increment {
    pub slots: PositiveInt,
    pub names: NonEmpty<String>,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub lease_duration: LeaseSeconds,
    #[serde(default)]
    pub holder: Option<LeaseHolder>,
}

/// `POST /v2/concurrency_limits/decrement`.
#[derive(Debug, Deserialize)]
pub struct Decrement {
    pub slots: PositiveInt,
    pub names: NonEmpty<String>,
    #[serde(default)]
    pub occupancy_seconds: Option<PositiveFloat>,
}

/// `POST /v2/concurrency_limits/decrement-with-lease`.
#[derive(Debug, Deserialize)]
pub struct DecrementWithLease {
    pub lease_id: Uuid,
}

/// `POST /v2/concurrency_limits/leases/{lease_id}/renew`.
#[derive(Debug, Deserialize)]
pub struct Renew {
    #[serde(default)]
    pub lease_duration: LeaseSeconds,
}

/// The full model (`ConcurrencyLimitV2`), which `POST /v2/concurrency_limits/` answers.
#[derive(Debug, Serialize)]
pub struct ConcurrencyLimitV2 {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub active: bool,
    pub name: String,
    pub limit: i64,
    pub active_slots: i64,
    pub denied_slots: i64,
    pub slot_decay_per_second: f64,
    pub avg_slot_occupancy_seconds: f64,
}

impl From<&Limit> for ConcurrencyLimitV2 {
    fn from(limit: &Limit) -> Self {
        Self {
            id: limit.id.to_string(),
            created: limit.created.rfc3339(),
            updated: limit.updated.rfc3339(),
            active: limit.active,
            name: limit.name.clone(),
            limit: limit.limit,
            active_slots: limit.active_slots,
            denied_slots: limit.denied_slots,
            slot_decay_per_second: limit.slot_decay_per_second,
            avg_slot_occupancy_seconds: limit.avg_slot_occupancy_seconds,
        }
    }
}

/// What reads answer (`GlobalConcurrencyLimitResponse`): active slots after decay, no denied slots.
#[derive(Debug, Serialize)]
pub struct GlobalConcurrencyLimitResponse {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub active: bool,
    pub name: String,
    pub limit: i64,
    pub active_slots: i64,
    pub slot_decay_per_second: f64,
}

impl GlobalConcurrencyLimitResponse {
    pub fn at(limit: &Limit, now: crate::db::types::Timestamp) -> Self {
        Self {
            id: limit.id.to_string(),
            created: limit.created.rfc3339(),
            updated: limit.updated.rfc3339(),
            active: limit.active,
            name: limit.name.clone(),
            limit: limit.limit,
            active_slots: limit.active_slots_at(now),
            slot_decay_per_second: limit.slot_decay_per_second,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MinimalConcurrencyLimitResponse {
    pub id: String,
    pub name: String,
    pub limit: i64,
}

impl MinimalConcurrencyLimitResponse {
    pub fn named(limit: &Limit, name: &str) -> Self {
        Self {
            id: limit.id.to_string(),
            name: name.to_owned(),
            limit: limit.limit,
        }
    }
}

impl From<&Limit> for MinimalConcurrencyLimitResponse {
    fn from(limit: &Limit) -> Self {
        Self::named(limit, &limit.name)
    }
}

#[derive(Debug, Serialize)]
pub struct ConcurrencyLimitWithLeaseResponse {
    pub lease_id: String,
    pub limits: Vec<MinimalConcurrencyLimitResponse>,
}
