//! `/collections/views/{view}`: the Prefect collection registry's views. The CLI reads
//! `aggregate-worker-metadata` (the work pool types and their default job templates) before it creates a work
//! pool. Prefect's server fetches views from GitHub and falls back to the copy bundled with it; prefect-rs
//! serves that bundled copy (Prefect 3.9.1's, Apache-2.0) and never reaches for the network, so a server
//! without internet access answers the same as one with it, and at once.

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use super::{ApiError, ApiResult, Shared};

/// Prefect 3.9.1's `server/api/collections_data/views/aggregate-worker-metadata.json`.
const WORKER_METADATA: &str = include_str!("collections_data/aggregate-worker-metadata.json");

/// The views Prefect's registry has; only the worker metadata is bundled (as in Prefect).
const KNOWN_VIEWS: [&str; 4] = [
    "aggregate-block-metadata",
    "aggregate-flow-metadata",
    "aggregate-worker-metadata",
    "demo-flows",
];

pub fn routes() -> Router<Shared> {
    Router::new().route("/collections/views/{view}", get(read_view))
}

async fn read_view(Path(view): Path<String>) -> ApiResult<Json<Value>> {
    if !KNOWN_VIEWS.contains(&view.as_str()) {
        return Err(ApiError::not_found_plain(&format!(
            "View {view} not found in registry"
        )));
    }
    if view != "aggregate-worker-metadata" {
        return Err(ApiError::not_found_plain(&format!(
            "Requested content missing for view {view}"
        )));
    }
    // The bundled file is JSON (a unit test reads it), so this cannot fail at run time.
    let mut metadata: Value =
        serde_json::from_str(WORKER_METADATA).map_err(|_| ApiError::internal())?;
    // Prefect drops the retired agent from the view it serves.
    if let Some(prefect) = metadata.get_mut("prefect").and_then(Value::as_object_mut) {
        prefect.remove("prefect-agent");
    }
    Ok(Json(metadata))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_worker_metadata_is_json_with_the_process_worker() {
        let metadata: Value = serde_json::from_str(WORKER_METADATA).unwrap();
        assert_eq!(metadata["prefect"]["process"]["type"], "process");
    }
}
