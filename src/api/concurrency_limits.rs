//! Tag concurrency limits, `/concurrency_limits` (v1). As in Prefect 3.8+, a tag limit is the v2 limit named
//! `tag:<tag>`, so the client's `tag:` slot requests through v2 and these routes see the same slots; a
//! limit's `active_slots` are the task runs holding a lease on it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::concurrency_limits_v2::retry_after;
use super::path_id;
use super::schemas::concurrency_limits::{
    ConcurrencyLimit, ConcurrencyLimitCreate, Reset, TAG_PREFIX, TagSlots, tag_limit_name,
};
use super::schemas::concurrency_limits_v2::{MinimalConcurrencyLimitResponse, Page};
use super::{ApiError, ApiResult, Body, Shared};
use crate::db::types::{Id, Timestamp};
use crate::store::concurrency_limits_v2::{
    self as store, Acquired, Changes, Holder, HolderKind, Key, Limit, NewLimit, SlotRequest,
};

/// Leases taken through v1 are never renewed (v1 clients cannot): they last as long as Prefect's, ~100 years.
const V1_LEASE_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/concurrency_limits/", post(create))
        .route("/concurrency_limits/filter", post(filter))
        .route("/concurrency_limits/increment", post(increment))
        .route("/concurrency_limits/decrement", post(decrement))
        .route(
            "/concurrency_limits/tag/{tag}",
            get(read_by_tag).delete(delete_by_tag),
        )
        .route("/concurrency_limits/tag/{tag}/reset", post(reset))
        .route("/concurrency_limits/{id}", get(read).delete(delete))
}

fn not_found() -> ApiError {
    ApiError::not_found_plain("Concurrency limit not found")
}

/// The v1 view of a v2 limit, with the task runs that hold its slots.
async fn view(state: &Shared, limit: &Limit) -> ApiResult<ConcurrencyLimit> {
    let holders = store::holders(&state.db, limit.id, HolderKind::TaskRun).await?;
    Ok(ConcurrencyLimit::of(limit, &holders))
}

/// Creates the tag's limit, or sets the limit of the one that exists (200 then, 201 for a new one).
async fn create(
    State(state): State<Shared>,
    Body(body): Body<ConcurrencyLimitCreate>,
) -> ApiResult<Response> {
    let key = Key::Name(tag_limit_name(&body.tag));
    let new = NewLimit {
        active: true,
        name: tag_limit_name(&body.tag),
        limit: body.concurrency_limit.0,
        active_slots: 0,
        denied_slots: 0,
        slot_decay_per_second: 0.0,
    };
    let (status, limit) = match store::create(&state.writer, &new).await? {
        Some(created) => {
            super::lifecycle::concurrency_limit(&state, "created", &created).await;
            (StatusCode::CREATED, created)
        }
        None => {
            let changes = Changes {
                limit: Some(body.concurrency_limit.0),
                ..Changes::default()
            };
            store::update(&state.writer, &key, &changes).await?;
            let limit = store::read(&state.db, &key).await?.ok_or_else(not_found)?;
            super::lifecycle::concurrency_limit(&state, "updated", &limit).await;
            (StatusCode::OK, limit)
        }
    };
    Ok((status, Json(view(&state, &limit).await?)).into_response())
}

/// A tag limit by id; a non-UUID is no route (404 "Not Found"), as Prefect's `{id:uuid}`.
async fn read(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<ConcurrencyLimit>> {
    let limit = store::read(&state.db, &Key::Id(path_id(&id)?))
        .await?
        .filter(|l| l.name.starts_with(TAG_PREFIX))
        .ok_or_else(not_found)?;
    Ok(Json(view(&state, &limit).await?))
}

async fn read_by_tag(
    State(state): State<Shared>,
    Path(tag): Path<String>,
) -> ApiResult<Json<ConcurrencyLimit>> {
    let limit = store::read(&state.db, &Key::Name(tag_limit_name(&tag)))
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(view(&state, &limit).await?))
}

async fn filter(
    State(state): State<Shared>,
    Body(page): Body<Page>,
) -> ApiResult<Json<Vec<ConcurrencyLimit>>> {
    let (limit, offset) = page.checked()?;
    let limits = store::read_page(&state.db, Some(TAG_PREFIX), limit, offset).await?;
    let mut views = Vec::with_capacity(limits.len());
    for limit in &limits {
        views.push(view(&state, limit).await?);
    }
    Ok(Json(views))
}

/// Drops every lease on the tag's limit; `slot_override` task runs then hold one slot each.
async fn reset(
    State(state): State<Shared>,
    Path(tag): Path<String>,
    Body(body): Body<Reset>,
) -> ApiResult<Json<()>> {
    let holders: Vec<Id> = body
        .slot_override
        .unwrap_or_default()
        .into_iter()
        .map(Id)
        .collect();
    let expiration = Timestamp::now().saturating_add_seconds(V1_LEASE_SECONDS);
    let key = Key::Name(tag_limit_name(&tag));
    if !store::reset(&state.writer, &key, &holders, expiration, state.slot_waits).await? {
        return Err(not_found());
    }
    Ok(Json(()))
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<()>> {
    let key = Key::Id(path_id(&id)?);
    let existing = store::read(&state.db, &key)
        .await?
        .filter(|l| l.name.starts_with(TAG_PREFIX));
    let Some(existing) = existing else {
        return Err(not_found());
    };
    if !store::delete(&state.writer, &key).await? {
        return Err(not_found());
    }
    super::lifecycle::concurrency_limit(&state, "deleted", &existing).await;
    Ok(Json(()))
}

async fn delete_by_tag(
    State(state): State<Shared>,
    Path(tag): Path<String>,
) -> ApiResult<Json<()>> {
    let key = Key::Name(tag_limit_name(&tag));
    let existing = store::read(&state.db, &key).await?;
    if !store::delete(&state.writer, &key).await? {
        return Err(not_found());
    }
    if let Some(limit) = &existing {
        super::lifecycle::concurrency_limit(&state, "deleted", limit).await;
    }
    Ok(Json(()))
}

/// One slot on each tag's limit for the task run, all or none; tags without a limit pass through.
async fn increment(
    State(state): State<Shared>,
    Body(body): Body<TagSlots>,
) -> Result<Json<Vec<MinimalConcurrencyLimitResponse>>, Response> {
    let names: Vec<String> = body.names.iter().map(|t| tag_limit_name(t)).collect();
    let request = SlotRequest {
        names,
        slots: 1,
        rate_limit: false,
        lease: Some((
            Timestamp::now().saturating_add_seconds(V1_LEASE_SECONDS),
            Some(Holder {
                kind: HolderKind::TaskRun,
                id: Id(body.task_run_id),
            }),
        )),
        count_denied: false,
    };
    let refuse = |e: sqlx::Error| ApiError::from(e).into_response();
    match store::acquire(&state.writer, &request, state.slot_waits)
        .await
        .map_err(refuse)?
    {
        Acquired::Taken { limits, .. } => Ok(Json(
            body.names
                .iter()
                .filter_map(|tag| {
                    let name = tag_limit_name(tag);
                    limits
                        .iter()
                        .find(|l| l.name == name && l.active)
                        .map(|l| MinimalConcurrencyLimitResponse::named(l, tag))
                })
                .collect(),
        )),
        // A limit of 0 (the only one smaller than one slot): waiting would never help.
        Acquired::MoreThanLimit(limit) => {
            let tag = tag_of(&limit);
            let detail = format!(
                "The concurrency limit on tag \"{tag}\" is 0 and will deadlock if the task tries to run again."
            );
            Err((
                StatusCode::LOCKED,
                Json(serde_json::json!({ "detail": detail })),
            )
                .into_response())
        }
        // Not asked for: v1 takes no rate limits.
        Acquired::NotDecaying(_) => Err(ApiError::internal().into_response()),
        Acquired::Locked { full, .. } => {
            let tag = tag_of(&full);
            Err(retry_after(
                state.slot_waits.tag_seconds,
                format!("Concurrency limit for the {tag} tag has been reached"),
            ))
        }
    }
}

fn tag_of(limit: &Limit) -> &str {
    limit.name.strip_prefix(TAG_PREFIX).unwrap_or(&limit.name)
}

/// Gives back the task run's slots on the tags' limits.
async fn decrement(
    State(state): State<Shared>,
    Body(body): Body<TagSlots>,
) -> ApiResult<Json<Vec<MinimalConcurrencyLimitResponse>>> {
    let mut limits = Vec::new();
    for tag in &body.names {
        if let Some(limit) = store::read(&state.db, &Key::Name(tag_limit_name(tag))).await? {
            limits.push(limit);
        }
    }
    let ids: Vec<Id> = limits.iter().map(|l| l.id).collect();
    if !ids.is_empty() {
        store::release_held(&state.writer, &ids, Id(body.task_run_id), state.slot_waits).await?;
    }
    Ok(Json(limits.iter().map(Into::into).collect()))
}
