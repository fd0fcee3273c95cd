//! `/automations`: create, read, replace (`PUT`), enable or disable (`PATCH`), delete, filter, count, the
//! automations related to a resource (`related-to`, which `deployment inspect` reads) and the deletion of those a
//! resource owns (`owned-by`, which `.deploy()` and `serve()` call before recreating their triggers), as
//! Prefect's `api/automations.py` answers them, with its `prefect.automation.{created,updated,deleted}` events.
//! Also `/templates/validate` (and its old path under `/automations`), which the UI calls while a user types
//! a notification's template.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::common::page;
use super::schemas::automations::{
    Automation, AutomationCore, AutomationCreate, AutomationPartialUpdate, AutomationUpdate,
    CountBody, FilterBody, check_template,
};
use super::schemas::fields::LaxInt;
use super::{ApiError, ApiResult, Body, Shared, events, path_id};
use crate::db::types::{Id, Timestamp};
use crate::store::automations as store;
use crate::store::new_v7;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/automations/", post(create))
        .route("/automations/filter", post(filter))
        .route("/automations/count", post(count))
        .route(
            "/automations/{id}",
            get(read).put(replace).patch(set_enabled).delete(remove),
        )
        .route("/automations/related-to/{resource_id}", get(related_to))
        .route("/automations/owned-by/{resource_id}", delete(owned_by))
        .route("/templates/validate", post(validate_template))
        .route("/automations/templates/validate", post(validate_template))
}

/// Prefect's 404 for an automation id that does not exist.
fn not_found() -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "exception_message": "Automation not found" }),
    }
}

/// Checks Prefect makes of a whole automation that serde cannot: the run-deployment loop, and (ours) that
/// every notification or webhook block it names is one we can send through.
async fn check(state: &Shared, core: &AutomationCore, body: &Value) -> ApiResult<()> {
    if let Some(message) = core.run_deployment_loop() {
        let detail = json!([{
            "type": "value_error",
            "loc": ["body"],
            "msg": format!("Value error, {message}"),
            "input": body,
            "ctx": { "error": {} },
        }]);
        return Err(ApiError::unprocessable(detail, body.clone()));
    }
    for action in core.all_actions() {
        let Some(block_id) = action.block_document_id() else {
            continue;
        };
        // A block that does not exist (yet) is Prefect's to refuse when the action runs.
        let Some(document) =
            crate::store::block_documents::get(&state.db, Id(block_id), false).await?
        else {
            continue;
        };
        if let Some(refusal) =
            crate::services::actions::block_refusal(action, &document.block_type.slug)
        {
            return Err(ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                body: json!({ "detail": format!("Error creating automation: {refusal}") }),
            });
        }
    }
    Ok(())
}

/// `prefect.automation.created` / `updated` / `deleted`, its payload the automation as the API shows it.
async fn lifecycle(state: &Shared, action: &str, automation: &Automation) {
    let event = json!({
        "occurred": Timestamp::now().rfc3339(),
        "event": format!("prefect.automation.{action}"),
        "resource": {
            "prefect.resource.id": format!("prefect.automation.{}", automation.id),
            "prefect.resource.name": automation.name,
        },
        "related": [],
        "payload": automation,
        "id": new_v7().to_string(),
        "follows": null,
    });
    events::receive(state, event).await;
}

fn original(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or(Value::Null)
}

async fn create(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Response> {
    let Body(create): Body<AutomationCreate> = read_body(&state, &bytes)?;
    let (mut core, owner) = create.into_core();
    core.trigger.reset_ids();
    check(&state, &core, &original(&bytes)).await?;
    let automation = store::create(&state.writer, &core, owner.as_deref()).await?;
    lifecycle(&state, "created", &automation).await;
    Ok((StatusCode::CREATED, Json(automation)).into_response())
}

/// The body as `Body<T>` reads it, from bytes the handler also keeps (for the 422's `input`).
fn read_body<T: serde::de::DeserializeOwned>(state: &Shared, bytes: &[u8]) -> ApiResult<Body<T>> {
    if bytes.len() > state.http.max_body_bytes {
        return Err(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            body: json!({ "detail": "Request body too large" }),
        });
    }
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { bytes };
    super::schemas::from_body(bytes).map(Body)
}

async fn replace(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let Body(update): Body<AutomationUpdate> = read_body(&state, &bytes)?;
    let mut core = update.into_core();
    core.trigger.reset_ids();
    check(&state, &core, &original(&bytes)).await?;
    let automation = store::update(&state.writer, id, &core)
        .await?
        .ok_or_else(not_found)?;
    lifecycle(&state, "updated", &automation).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_enabled(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(partial): Body<AutomationPartialUpdate>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let current = store::read(&state.db, id).await?.ok_or_else(not_found)?;
    // Enabling re-checks what only enabled automations must pass (Prefect validates the patched whole).
    let core = AutomationCore {
        name: current.name,
        description: current.description,
        enabled: partial.enabled,
        tags: current.tags,
        trigger: current.trigger,
        actions: current.actions,
        actions_on_trigger: current.actions_on_trigger,
        actions_on_resolve: current.actions_on_resolve,
    };
    if let Some(message) = core.run_deployment_loop() {
        let detail = json!([{ "type": "value_error", "loc": [], "msg": format!("Value error, {message}"),
                              "input": { "enabled": partial.enabled }, "ctx": { "error": {} } }]);
        return Err(ApiError::unprocessable(
            detail,
            json!({ "enabled": partial.enabled }),
        ));
    }
    let automation = store::set_enabled(&state.writer, id, partial.enabled)
        .await?
        .ok_or_else(not_found)?;
    lifecycle(&state, "updated", &automation).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let automation = store::delete(&state.writer, id)
        .await?
        .ok_or_else(not_found)?;
    lifecycle(&state, "deleted", &automation).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Automation>> {
    let id = path_id(&id)?;
    let automation = store::read(&state.db, id).await?.ok_or_else(not_found)?;
    Ok(Json(automation))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<Vec<Automation>>> {
    let (limit, offset) = page(body.limit, body.offset.map(|o| LaxInt(o.0)))?;
    let automations = store::filter(
        &state.db,
        body.automations.as_ref(),
        body.sort.unwrap_or_default(),
        limit,
        offset,
    )
    .await?;
    Ok(Json(automations))
}

async fn count(State(state): State<Shared>, Body(body): Body<CountBody>) -> ApiResult<Json<i64>> {
    Ok(Json(
        store::count(&state.db, body.automations.as_ref()).await?,
    ))
}

async fn related_to(
    State(state): State<Shared>,
    Path(resource_id): Path<String>,
) -> ApiResult<Json<Vec<Automation>>> {
    Ok(Json(store::related_to(&state.db, &resource_id).await?))
}

/// 202, as Prefect answers; only automations created before this request go (a deploy recreates its own).
async fn owned_by(
    State(state): State<Shared>,
    Path(resource_id): Path<String>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let deleted = store::delete_owned_by(&state.writer, &resource_id, Timestamp::now()).await?;
    for automation in &deleted {
        lifecycle(&state, "deleted", automation).await;
    }
    Ok((StatusCode::ACCEPTED, Json(Value::Null)))
}

/// 204 for a template that parses; else 422 with `{"error": {"line", "message", "source"}}`.
async fn validate_template(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Response> {
    let template: String = if bytes.is_empty() {
        String::new()
    } else {
        read_body::<String>(&state, &bytes)?.0
    };
    match check_template(&template) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err((line, message)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": { "line": line, "message": message, "source": template } })),
        )
            .into_response()),
    }
}
