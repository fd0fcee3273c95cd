//! Small pieces every resource module uses: ids from paths, paging, Prefect's "not found" answers, and the
//! 201-or-200 of a create.

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;

use super::schemas::fields::LaxInt;
use super::{ApiError, ApiResult};
use crate::db::types::Id;
use crate::orchestration::ApiVersion;

/// PREFECT_SERVER_API_DEFAULT_LIMIT, also the most a filter may ask for.
pub const DEFAULT_LIMIT: i64 = 200;

/// A path id that is not a UUID is a route that does not exist, as in Prefect.
pub fn path_id(text: &str) -> ApiResult<Id> {
    uuid::Uuid::parse_str(text).map(Id).map_err(|_| ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "detail": "Not Found" }),
    })
}

/// Prefect's 404 from an `ObjectNotFoundError`: `{"exception_message": "Flow run with id … not found"}`.
pub fn not_found_exception(what: &str, id: Id) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        body: json!({ "exception_message": format!("{what} with id {id} not found") }),
    }
}

/// A required UUID query parameter (`?flow_run_id=…`), refused as FastAPI refuses it: missing, or not a UUID.
pub fn query_id(query: &HashMap<String, String>, name: &str) -> ApiResult<Id> {
    let Some(text) = query.get(name) else {
        let detail = json!([{ "type": "missing", "loc": ["query", name], "msg": "Field required", "input": null }]);
        return Err(ApiError::unprocessable(detail, Value::Null));
    };
    uuid::Uuid::parse_str(text).map(Id).map_err(|e| {
        let detail = json!([{
            "type": "uuid_parsing",
            "loc": ["query", name],
            "msg": format!("Input should be a valid UUID, {e}"),
            "input": text,
            "ctx": { "error": e.to_string() },
        }]);
        ApiError::unprocessable(detail, Value::Null)
    })
}

/// `limit` (default and maximum 200) and `offset` of a filter body, checked as Prefect checks them.
pub fn page(limit: Option<LaxInt>, offset: Option<LaxInt>) -> ApiResult<(i64, i64)> {
    let limit = limit.map_or(DEFAULT_LIMIT, |l| l.0);
    let unprocessable = |detail: &str| ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail }),
    };
    if limit > DEFAULT_LIMIT {
        return Err(unprocessable(
            "Invalid limit: must be less than or equal to 200.",
        ));
    }
    if limit < 0 {
        return Err(unprocessable(
            "Invalid limit: must be greater than or equal to 0.",
        ));
    }
    let offset = offset.map_or(0, |o| o.0);
    if offset < 0 {
        return Err(ApiError::invalid(
            &["body", "offset"],
            "Input should be greater than or equal to 0",
        ));
    }
    Ok((limit, offset))
}

/// The client's `X-Prefect-API-Version`, which some orchestration rules depend on.
pub fn api_version(headers: &HeaderMap) -> ApiVersion {
    super::parse_version(headers.get("x-prefect-api-version")?.to_str().ok()?.trim())
}

/// A bulk operation's `limit`: 1 to 50, 50 when not given (Prefect's `BULK_OPERATION_LIMIT`).
pub fn bulk_limit(limit: Option<LaxInt>) -> ApiResult<i64> {
    const BULK_OPERATION_LIMIT: i64 = 50;
    let limit = limit.map_or(BULK_OPERATION_LIMIT, |l| l.0);
    let refused = |kind: &str, msg: String, ctx: Value| {
        let detail = json!([{ "type": kind, "loc": ["body", "limit"], "msg": msg, "input": limit, "ctx": ctx }]);
        ApiError::unprocessable(detail, Value::Null)
    };
    if limit < 1 {
        let msg = "Input should be greater than or equal to 1".into();
        return Err(refused("greater_than_equal", msg, json!({ "ge": 1 })));
    }
    if limit > BULK_OPERATION_LIMIT {
        let msg = format!("Input should be less than or equal to {BULK_OPERATION_LIMIT}");
        let ctx = json!({ "le": BULK_OPERATION_LIMIT });
        return Err(refused("less_than_equal", msg, ctx));
    }
    Ok(limit)
}

/// 201 when the create made something, 200 when it found what was there.
pub fn created_or_ok(created: bool, body: impl Serialize) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}
