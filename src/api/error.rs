//! Errors as Prefect's API returns them: `{"detail": …}` with the status FastAPI would use.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::store::error::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: Value,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// 404 with Prefect's `{"detail": "Flow run not found"}`.
    pub fn not_found_plain(detail: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            body: json!({ "detail": detail }),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: json!({ "detail": detail.into() }),
        }
    }

    /// 500 with the body Prefect's server sends for an unexpected error; the cause is logged, not shown.
    pub fn internal() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: json!({ "exception_message": "Internal Server Error" }),
        }
    }

    /// A request body that does not fit the schema, shaped like FastAPI's validation errors.
    pub fn invalid(location: &[&str], message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "exception_message": "Invalid request received.",
                "exception_detail": [{ "loc": location, "msg": message.into(), "type": "value_error" }],
                "request_body": Value::Null,
            }),
        }
    }

    /// One field's validation error exactly as FastAPI reports it: `loc` (a JSON array of keys and indexes),
    /// pydantic's `msg` and `type`, and the `input` refused.
    pub fn validation(loc: &Value, message: &str, kind: &str, input: &Value) -> Self {
        Self::unprocessable(
            json!([{ "type": kind, "loc": loc, "msg": message, "input": input }]),
            Value::Null,
        )
    }

    /// A 422 with FastAPI's body: the list of errors and the body it refused.
    pub fn unprocessable(detail: Value, request_body: Value) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({
                "exception_message": "Invalid request received.",
                "exception_detail": detail,
                "request_body": request_body,
            }),
        }
    }

    /// 409 with Prefect's answer to a violated unique or foreign-key constraint.
    pub fn integrity_conflict() -> Self {
        Self {
            status: StatusCode::CONFLICT,
            body: json!({
                "detail": "Data integrity conflict. This usually means a unique or foreign key constraint was \
                           violated. See server logs for details."
            }),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        // Logged with the request line by the access log; the client sees what Prefect's server answers.
        crate::log::log!("error: database: {error}");
        // A statement past PREFECT_SERVER_DATABASE_TIMEOUT, or no free connection in time: the server is busy,
        // not broken. Prefect answers a cancelled query 503, which its client retries after a pause.
        let busy =
            matches!(error, sqlx::Error::PoolTimedOut) || crate::db::deadline::timed_out(&error);
        if busy {
            return Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                body: json!({ "exception_message": "Service Unavailable" }),
            };
        }
        // Prefect's integrity-error handler: a violated unique or foreign key is the client's conflict, not a bug.
        if let sqlx::Error::Database(database) = &error
            && (database.is_foreign_key_violation() || database.is_unique_violation())
        {
            return Self::integrity_conflict();
        }
        Self::internal()
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Database(error) => error.into(),
            StoreError::InvalidFilter { loc, message } => {
                let loc: Vec<&str> = loc.iter().map(String::as_str).collect();
                Self::invalid(&loc, message)
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
