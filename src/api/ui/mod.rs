//! Prefect's `/ui/*` routes: the aggregate reads the web UI's pages make (`api/ui/` in Prefect), one module per
//! Prefect module.

mod flow_runs;
mod flows;
mod schemas;
mod task_runs;

use axum::Router;

use super::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .merge(flows::routes())
        .merge(flow_runs::routes())
        .merge(task_runs::routes())
        .merge(schemas::routes())
}
