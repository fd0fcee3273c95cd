//! Request bodies. A body is read as JSON only when it says it is JSON (or says nothing), as FastAPI reads it, so
//! a cross-site "simple" request (`text/plain`, forms) cannot write. It is bounded: past the bound the answer is
//! 413, not a buffer of any size. A request refused before its body is read gets its body drained (within the
//! bound), so the connection stays usable, as with uvicorn.

use axum::body::{Body as RawBody, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{ApiError, Shared};

/// A JSON body whose errors come back in Prefect's 422 shape, not axum's plain-text rejection.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Shared> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Shared) -> Result<Self, Response> {
        let declared_json = is_json(request.headers());
        let limit = state.http.max_body_bytes;
        let bytes = match read_bounded(request.into_body(), limit).await {
            Ok(bytes) => bytes,
            Err(Read::TooLarge { drained }) => return Err(too_large(limit, drained)),
            Err(Read::Broken(error)) => {
                return Err(ApiError::invalid(&["body"], error).into_response());
            }
        };
        if bytes.is_empty() {
            return serde_json::from_slice(b"{}")
                .map(Body)
                .map_err(|e| ApiError::invalid(&["body"], e.to_string()).into_response());
        }
        if !declared_json {
            return Err(not_json(&bytes).into_response());
        }
        super::schemas::from_body(&bytes)
            .map(Body)
            .map_err(IntoResponse::into_response)
    }
}

/// FastAPI's rule: `application/json` or `application/<anything>+json`, parameters allowed. No Content-Type
/// at all counts as JSON: Prefect's server defaults it so, for clients older than 3.6.19.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let media = String::from_utf8_lossy(value.as_bytes());
    let media = media.split(';').next().unwrap_or_default().trim();
    let media = media.to_ascii_lowercase();
    match media.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => media.is_empty(),
    }
}

/// What Prefect (FastAPI) answers to a body that is not declared as JSON: the model cannot be read from text.
fn not_json(bytes: &[u8]) -> ApiError {
    let raw = String::from_utf8_lossy(bytes);
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({
            "exception_message": "Invalid request received.",
            "exception_detail": [{
                "type": "model_attributes_type",
                "loc": ["body"],
                "msg": "Input should be a valid dictionary or object to extract fields from",
                "input": raw,
            }],
            "request_body": raw,
        }),
    }
}

fn too_large(limit: usize, drained: bool) -> Response {
    let detail = format!(
        "The request body is larger than this server's limit of {limit} bytes \
         (PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES). Send a smaller body, or raise the limit where the server \
         runs: prefect-rs config set PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES=<bytes>"
    );
    let response = (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(json!({ "detail": Value::String(detail) })),
    )
        .into_response();
    close_unless(drained, response)
}

enum Read {
    /// Over the limit; `drained` when the rest of the body was read (and dropped) too.
    TooLarge {
        drained: bool,
    },
    Broken(String),
}

/// Reads the body if it is at most `limit` bytes. A longer body is read on and dropped, up to another `limit`
/// bytes, so the client gets to read our answer instead of a reset connection.
async fn read_bounded(body: RawBody, limit: usize) -> Result<Bytes, Read> {
    let mut stream = body.into_data_stream();
    let mut kept = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| Read::Broken(e.to_string()))?;
        if kept.len() + chunk.len() > limit {
            let seen = kept.len() + chunk.len();
            drop(kept);
            let drained = drain_stream(stream, (2 * limit).saturating_sub(seen)).await;
            return Err(Read::TooLarge { drained });
        }
        kept.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(kept))
}

/// Reads a body the request will not use and drops it, at most `budget` bytes; true when it ended within them.
pub async fn drain(body: RawBody, budget: usize) -> bool {
    drain_stream(body.into_data_stream(), budget).await
}

async fn drain_stream(mut stream: axum::body::BodyDataStream, budget: usize) -> bool {
    let mut left = budget;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) if chunk.len() <= left => left -= chunk.len(),
            _ => return false,
        }
    }
    true
}

/// A response after which the connection cannot be reused (its request's body was not read to the end) says
/// so with `Connection: close`, and hyper then closes it.
pub fn close_unless(drained: bool, mut response: Response) -> Response {
    if !drained {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Drains the body of a request refused before it was read (401, 403), then answers `response`.
pub async fn refuse(request: Request, limit: usize, response: Response) -> Response {
    let drained = drain(request.into_body(), limit).await;
    close_unless(drained, response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_type(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn json_media_types_are_told_apart_as_fastapi_does() {
        assert!(is_json(&HeaderMap::new()));
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
        ] {
            assert!(is_json(&with_type(json)), "{json}");
        }
        for other in [
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "text/json",
        ] {
            assert!(!is_json(&with_type(other)), "{other}");
        }
    }
}
