//! The outermost guard of every request: a handler that panics answers 500 with the body our other 500s have,
//! and the panic is logged with the request line, instead of dropping the connection (or, with `panic =
//! "abort"`, the whole server).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;

pub async fn catch_panic(request: Request, next: Next) -> Response {
    let line = format!("{} {}", request.method(), request.uri().path());
    match crate::panics::catch(next.run(request)).await {
        Ok(response) => response,
        Err(message) => {
            crate::log::log!(
                "error: {line} panicked (answered 500; please report this bug): {message}"
            );
            ApiError::internal().into_response()
        }
    }
}

/// `POST /api/test/panic`, in debug builds only: lets the tests prove the guard works without needing a
/// client input that still panics (there should be none).
#[cfg(debug_assertions)]
pub async fn test_panic() -> Response {
    panic!("deliberate panic from the debug-only test route")
}
