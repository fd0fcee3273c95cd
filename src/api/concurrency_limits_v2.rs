//! Global concurrency limits, `/v2/concurrency_limits`: CRUD by id or name, and slots taken and given back,
//! with or without a lease. Names without a limit pass straight through (every tagged task asks for `tag:<tag>`
//! slots), as in Prefect.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::schemas::concurrency_limits_v2::{
    ConcurrencyLimitV2, ConcurrencyLimitV2Create, ConcurrencyLimitV2Update,
    ConcurrencyLimitWithLeaseResponse, Decrement, DecrementWithLease,
    GlobalConcurrencyLimitResponse, Increment, MinimalConcurrencyLimitResponse, Mode, Page, Renew,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::{Id, Timestamp};
use crate::store::concurrency_limits_v2::{
    self as store, Acquired, Changes, Key, NewLimit, SlotRequest,
};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/concurrency_limits/", post(create))
        .route("/v2/concurrency_limits/filter", post(filter))
        .route("/v2/concurrency_limits/increment", post(increment))
        .route(
            "/v2/concurrency_limits/increment-with-lease",
            post(increment_with_lease),
        )
        .route("/v2/concurrency_limits/decrement", post(decrement))
        .route(
            "/v2/concurrency_limits/decrement-with-lease",
            post(decrement_with_lease),
        )
        .route(
            "/v2/concurrency_limits/leases/{lease_id}/renew",
            post(renew),
        )
        .route(
            "/v2/concurrency_limits/{id_or_name}",
            get(read).patch(update).delete(delete),
        )
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Concurrency Limit not found")
}

async fn create(
    State(state): State<Shared>,
    Body(body): Body<ConcurrencyLimitV2Create>,
) -> ApiResult<Response> {
    let new = NewLimit {
        active: body.active,
        name: body.name.0,
        limit: body.limit.0,
        active_slots: body.active_slots.0,
        denied_slots: body.denied_slots.0,
        slot_decay_per_second: body.slot_decay_per_second.0,
    };
    let created = store::create(&state.writer, &new)
        .await?
        .ok_or_else(ApiError::integrity_conflict)?;
    super::lifecycle::concurrency_limit(&state, "created", &created).await;
    Ok((
        StatusCode::CREATED,
        Json(ConcurrencyLimitV2::from(&created)),
    )
        .into_response())
}

async fn read(
    State(state): State<Shared>,
    Path(id_or_name): Path<String>,
) -> ApiResult<Json<GlobalConcurrencyLimitResponse>> {
    let limit = store::read(&state.db, &Key::parse(&id_or_name))
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(GlobalConcurrencyLimitResponse::at(
        &limit,
        Timestamp::now(),
    )))
}

async fn filter(
    State(state): State<Shared>,
    Body(page): Body<Page>,
) -> ApiResult<Json<Vec<GlobalConcurrencyLimitResponse>>> {
    let (limit, offset) = page.checked()?;
    let limits = store::read_page(&state.db, None, limit, offset).await?;
    let now = Timestamp::now();
    Ok(Json(
        limits
            .iter()
            .map(|l| GlobalConcurrencyLimitResponse::at(l, now))
            .collect(),
    ))
}

async fn update(
    State(state): State<Shared>,
    Path(id_or_name): Path<String>,
    Body(body): Body<ConcurrencyLimitV2Update>,
) -> ApiResult<StatusCode> {
    let changes = Changes {
        active: body.active,
        name: body.name.map(|n| n.0),
        limit: body.limit.map(|l| l.0),
        active_slots: body.active_slots.map(|s| s.0),
        denied_slots: body.denied_slots.map(|s| s.0),
        slot_decay_per_second: body.slot_decay_per_second.map(|d| d.0),
    };
    let key = Key::parse(&id_or_name);
    let updated = store::update(&state.writer, &key, &changes)
        .await
        .map_err(conflict_or_error)?;
    if !updated {
        return Err(not_found());
    }
    // The limit as it is now (renamed, maybe: then by id), for its lifecycle event.
    let key = match (&key, &changes.name) {
        (Key::Name(_), Some(name)) => Key::Name(name.clone()),
        _ => key,
    };
    if let Some(limit) = store::read(&state.db, &key).await? {
        super::lifecycle::concurrency_limit(&state, "updated", &limit).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A rename onto a taken name is Prefect's 409.
fn conflict_or_error(error: sqlx::Error) -> ApiError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => ApiError::integrity_conflict(),
        _ => ApiError::from(error),
    }
}

async fn delete(
    State(state): State<Shared>,
    Path(id_or_name): Path<String>,
) -> ApiResult<StatusCode> {
    let key = Key::parse(&id_or_name);
    let existing = store::read(&state.db, &key).await?;
    if !store::delete(&state.writer, &key).await? {
        return Err(not_found());
    }
    if let Some(limit) = &existing {
        super::lifecycle::concurrency_limit(&state, "deleted", limit).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Takes slots (with a lease when `lease` is given); the limits taken, or Prefect's 422 or 423 answer.
async fn take(
    state: &Shared,
    body: &Increment,
    lease: Option<Timestamp>,
) -> Result<(Vec<MinimalConcurrencyLimitResponse>, Option<Id>), Response> {
    let request = SlotRequest {
        names: body.names.0.clone(),
        slots: body.slots.0,
        rate_limit: body.mode == Mode::RateLimit,
        lease: lease.map(|expiration| (expiration, body.holder.as_ref().map(|h| h.into()))),
        count_denied: true,
    };
    let acquired = store::acquire(&state.writer, &request, state.slot_waits)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    match acquired {
        Acquired::Taken { limits, lease } => Ok((limits.iter().map(Into::into).collect(), lease)),
        Acquired::MoreThanLimit(_) => {
            Err(unprocessable("Slots requested is greater than the limit").into_response())
        }
        Acquired::NotDecaying(names) => Err(unprocessable(&format!(
            "Only concurrency limits with slot decay can be used for rate limiting. The following limits do \
             not have a decay configured: '{}'",
            names.join(",")
        ))
        .into_response()),
        Acquired::Locked { retry_after, .. } => Err(locked(retry_after, None)),
    }
}

fn unprocessable(detail: &str) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail }),
    }
}

/// 423 with a jittered `Retry-After` around `average_seconds` (Prefect's `clamped_poisson_interval`), so
/// refused clients do not all come back at once.
fn locked(average_seconds: f64, detail: Option<String>) -> Response {
    retry_after(
        clamped_poisson_interval(average_seconds),
        detail.unwrap_or_else(|| "Locked".into()),
    )
}

/// 423 with `detail`, telling the client to come back after `seconds`.
pub fn retry_after(seconds: f64, detail: String) -> Response {
    let mut response = (StatusCode::LOCKED, Json(json!({ "detail": detail }))).into_response();
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert("retry-after", value);
    }
    response
}

/// An exponential variate around `average` clamped to `[lower, 1.3 × average]`, its mean kept near `average`.
fn clamped_poisson_interval(average: f64) -> f64 {
    if average.is_nan() || average <= 0.0 {
        return 0.0;
    }
    let upper_multiple: f64 = 1.3;
    let lower_multiple = (2f64.powf(upper_multiple) / (2f64.powf(upper_multiple) - 1.0)).log2();
    let cdf = |x: f64| 1.0 - (-x / average).exp();
    let (lower, upper) = (cdf(average * lower_multiple), cdf(average * upper_multiple));
    let uniform = lower + (upper - lower) * random_unit();
    -(1.0 - uniform).max(1e-10).ln() * average
}

/// A uniform number in [0, 1): from the OS, or the clock's nanoseconds if that fails (jitter, not secrets).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    if crate::fsutil::random_bytes(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        bytes = u64::from(nanos).to_le_bytes();
    }
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

async fn increment(
    State(state): State<Shared>,
    Body(body): Body<Increment>,
) -> Result<Json<Vec<MinimalConcurrencyLimitResponse>>, Response> {
    let (limits, _) = take(&state, &body, None).await?;
    Ok(Json(limits))
}

async fn increment_with_lease(
    State(state): State<Shared>,
    Body(body): Body<Increment>,
) -> Result<Json<ConcurrencyLimitWithLeaseResponse>, Response> {
    let expiration = Timestamp::now().saturating_add_seconds(body.lease_duration.0);
    let (limits, lease) = take(&state, &body, Some(expiration)).await?;
    let lease_id = lease.ok_or_else(|| ApiError::internal().into_response())?;
    Ok(Json(ConcurrencyLimitWithLeaseResponse {
        lease_id: lease_id.to_string(),
        limits,
    }))
}

async fn decrement(
    State(state): State<Shared>,
    Body(body): Body<Decrement>,
) -> ApiResult<Json<Vec<MinimalConcurrencyLimitResponse>>> {
    let occupancy = body.occupancy_seconds.map(|o| o.0);
    let limits = store::decrement(
        &state.writer,
        &body.names.0,
        body.slots.0,
        occupancy,
        state.slot_waits,
    )
    .await?;
    Ok(Json(limits.iter().map(Into::into).collect()))
}

/// An unknown (or already released) lease is no error, as in Prefect.
async fn decrement_with_lease(
    State(state): State<Shared>,
    Body(body): Body<DecrementWithLease>,
) -> ApiResult<StatusCode> {
    store::release(&state.writer, Id(body.lease_id), state.slot_waits).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn renew(
    State(state): State<Shared>,
    Path(lease_id): Path<String>,
    Body(body): Body<Renew>,
) -> ApiResult<StatusCode> {
    let lease = uuid::Uuid::parse_str(&lease_id).map(Id).map_err(|e| {
        ApiError::validation(
            &json!(["path", "lease_id"]),
            &format!("Input should be a valid UUID, {e}"),
            "uuid_parsing",
            &json!(lease_id),
        )
    })?;
    let expiration = Timestamp::now().saturating_add_seconds(body.lease_duration.0);
    if !store::renew(&state.writer, lease, expiration).await? {
        return Err(ApiError {
            status: StatusCode::GONE,
            body: json!({ "detail": "Lease not found - it may have expired or been revoked" }),
        });
    }
    Ok(StatusCode::NO_CONTENT)
}
