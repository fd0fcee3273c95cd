//! A panic is a bug, but one bug hit by one request (or one stored row) must not take the whole server down:
//! release builds unwind, and the places that run client-driven work (each request, each background loop's
//! round) catch the unwind here, log it, and carry on.

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt;

/// Runs `work`; a panic inside it comes back as `Err` with the panic's message.
///
/// Unwind safety: what a caught panic can leave half-done is a database transaction (rolled back when its
/// connection or savepoint is dropped or reused) or values owned by `work` itself, which are discarded.
pub async fn catch<F: Future>(work: F) -> Result<F::Output, String> {
    AssertUnwindSafe(work)
        .catch_unwind()
        .await
        .map_err(|payload| message(payload.as_ref()))
}

/// The text a panic was raised with (`panic!("…")` and `.expect("…")` carry a `&str` or a `String`).
pub fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_its_message() {
        assert_eq!(catch(async { 7 }).await, Ok(7));
        let caught = catch(async { panic!("boom {}", 1) }).await;
        assert_eq!(caught, Err("boom 1".to_owned()));
    }
}
