//! `/block_types`: create, read by id or slug, filter, update, delete, and the documents of a type by slug.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::block_documents::{include_secrets, not_found, path_id};
use super::schemas::blocks::{
    BlockDocument, BlockType, BlockTypeCreate, BlockTypeQuery, BlockTypeUpdate, SecretsParam, page,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::block_documents::{self, BlockDocumentFilter, Selection, Sort};
use crate::store::block_schemas::IdsAny;
use crate::store::block_types::{self, Details};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/block_types/", post(create))
        .route("/block_types/filter", post(filter))
        .route("/block_types/{id}", get(read).patch(update).delete(delete))
        .route("/block_types/slug/{slug}", get(read_by_slug))
        .route(
            "/block_types/install_system_block_types",
            post(install_system_block_types),
        )
        .route(
            "/block_types/slug/{slug}/block_documents",
            get(documents_of_type),
        )
        .route(
            "/block_types/slug/{slug}/block_documents/name/{name}",
            get(document_by_name),
        )
}

/// Prefect's `Name`: not empty and none of `/ % & > <`.
pub fn check_name(name: &str, loc: Value) -> ApiResult<()> {
    if name.is_empty() || name.contains(['/', '%', '&', '>', '<']) {
        return Err(ApiError::validation(
            &loc,
            "String should match pattern '^[^/%&><]+$'",
            "string_pattern_mismatch",
            &json!(name),
        ));
    }
    Ok(())
}

/// Prefect's rule for slugs and document names: lowercase letters, numbers and dashes only.
pub fn check_dashed(value: &str, what: &str, loc: Value) -> ApiResult<()> {
    if !value
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        let message = format!("{what} must only contain lowercase letters, numbers, and dashes.");
        return Err(value_error(loc, &message, json!(value)));
    }
    Ok(())
}

/// A validator's `ValueError` as pydantic reports it.
pub fn value_error(loc: Value, message: &str, input: Value) -> ApiError {
    let detail = json!([{
        "type": "value_error",
        "loc": loc,
        "msg": format!("Value error, {message}"),
        "input": input,
        "ctx": { "error": {} },
    }]);
    ApiError::unprocessable(detail, Value::Null)
}

/// Python's `html.escape(text, quote=False)`, which Prefect applies to a new type's description and example.
fn html_escape(text: Option<String>) -> Option<String> {
    text.map(|t| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    })
}

async fn create(
    State(state): State<Shared>,
    Body(body): Body<BlockTypeCreate>,
) -> ApiResult<Response> {
    check_name(&body.name, json!(["body", "name"]))?;
    check_dashed(&body.slug, "Block type slug", json!(["body", "slug"]))?;
    // Names beginning with "Prefect" are reserved for Prefect's own block types.
    if body.name.to_lowercase().starts_with("prefect") {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            body: json!({ "detail": "Block type names beginning with 'Prefect' are reserved." }),
        });
    }
    let details = Details {
        logo_url: body.logo_url,
        documentation_url: body.documentation_url,
        description: html_escape(body.description),
        code_example: html_escape(body.code_example),
    };
    let created =
        block_types::create(&state.writer, &body.name, &body.slug, &details, false).await?;
    let created = created.ok_or_else(|| ApiError {
        status: StatusCode::CONFLICT,
        body: json!({ "detail": format!("Block type with name \"{}\" already exists", body.name) }),
    })?;
    Ok((StatusCode::CREATED, Json(BlockType::from(&created))).into_response())
}

fn type_not_found() -> ApiError {
    not_found("Block type not found")
}

async fn read(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<BlockType>> {
    let found = block_types::get(&state.db, path_id(&id)?)
        .await?
        .ok_or_else(type_not_found)?;
    Ok(Json(BlockType::from(&found)))
}

async fn read_by_slug(
    State(state): State<Shared>,
    Path(slug): Path<String>,
) -> ApiResult<Json<BlockType>> {
    let found = block_types::get_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(type_not_found)?;
    Ok(Json(BlockType::from(&found)))
}

async fn filter(
    State(state): State<Shared>,
    Body(body): Body<BlockTypeQuery>,
) -> ApiResult<Json<Vec<BlockType>>> {
    let (limit, offset) = page(body.limit, body.offset)?;
    let mut w = crate::store::filter::Where::new(state.db.dialect());
    let schemas = body
        .block_schemas
        .as_ref()
        .and_then(|f| f.condition(&mut w, "bs"));
    let filter = body.block_types.unwrap_or_default();
    let found = block_types::filter(&state.db, w, &filter, schemas, limit, offset).await?;
    Ok(Json(found.iter().map(BlockType::from).collect()))
}

/// Only the fields sent that differ from what is stored are written (Prefect's `_should_update_block_type`).
async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Body(body): Body<BlockTypeUpdate>,
) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let current = block_types::get(&state.db, id)
        .await?
        .ok_or_else(type_not_found)?;
    let proposed = [
        ("logo_url", body.logo_url, &current.logo_url),
        (
            "documentation_url",
            body.documentation_url,
            &current.documentation_url,
        ),
        ("description", body.description, &current.description),
        ("code_example", body.code_example, &current.code_example),
    ];
    let changes: Vec<(&'static str, Option<String>)> = proposed
        .into_iter()
        .filter_map(|(column, sent, stored)| sent.filter(|v| v != stored).map(|v| (column, v)))
        .collect();
    if !changes.is_empty() {
        block_types::update(&state.writer, id, &changes).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn delete(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = path_id(&id)?;
    let current = block_types::get(&state.db, id)
        .await?
        .ok_or_else(type_not_found)?;
    if current.is_protected {
        return Err(ApiError {
            status: StatusCode::FORBIDDEN,
            body: json!({ "detail": "protected block types cannot be deleted." }),
        });
    }
    block_types::delete(&state.writer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Installs Prefect's own block types again, as the server does at start.
async fn install_system_block_types(State(state): State<Shared>) -> ApiResult<Json<Value>> {
    crate::store::block_seed::install(&state.db, &state.writer).await?;
    Ok(Json(Value::Null))
}

async fn documents_of_type(
    State(state): State<Shared>,
    Path(slug): Path<String>,
    Query(query): Query<SecretsParam>,
) -> ApiResult<Json<Vec<BlockDocument>>> {
    let secrets = include_secrets(&query)?;
    let block_type = block_types::get_by_slug(&state.db, &slug)
        .await?
        .ok_or_else(type_not_found)?;
    let selection = Selection {
        documents: BlockDocumentFilter {
            block_type_id: Some(IdsAny {
                any_: Some(vec![block_type.id.0]),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let found =
        block_documents::read(&state.db, &selection, secrets, Sort::NameAsc, i64::MAX, 0).await?;
    Ok(Json(found.iter().map(BlockDocument::from).collect()))
}

async fn document_by_name(
    State(state): State<Shared>,
    Path((slug, name)): Path<(String, String)>,
    Query(query): Query<SecretsParam>,
) -> ApiResult<Json<BlockDocument>> {
    let secrets = include_secrets(&query)?;
    let found = block_documents::get_by_name(&state.db, &slug, &name, secrets).await?;
    let found = found.ok_or_else(|| not_found("Block document not found"))?;
    Ok(Json(BlockDocument::from(&found)))
}
