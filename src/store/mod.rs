//! SQL for the API, written once for both dialects: the same statement text (`$N` placeholders work on both),
//! values bound through types that encode natively on each (`db::types`), and a macro that type-checks each
//! body once per pool type.

pub mod artifacts;
pub mod automation_buckets;
pub mod automations;
pub mod batch;
pub mod block_checksum;
pub mod block_crypt;
pub mod block_documents;
pub mod block_schemas;
pub mod block_secrets;
pub mod block_seed;
pub mod block_types;
pub mod concurrency_limits_v2;
pub mod csrf;
pub mod deployment_concurrency;
pub mod deployment_queues;
pub mod deployment_schedules;
pub mod deployments;
pub mod error;
pub mod event_queries;
pub mod events;
pub mod filter;
pub mod flow_run_input;
pub mod flow_run_states;
pub mod flow_runs;
pub mod flows;
pub mod graph;
pub mod history;
pub mod logs;
pub mod pool_events;
pub mod saved_searches;
pub mod scheduler;
pub mod states;
pub mod storage_defaults;
pub mod task_run_states;
pub mod task_runs;
pub mod task_workers;
pub mod ui;
pub mod variables;
pub mod work_pools;
pub mod work_queues;
pub mod workers;

use serde_json::Value;
use sqlx::types::Json;

use crate::db::types::{Id, IdList, TextList, Timestamp};

/// Runs `$body` with `$pool` bound to the pool of whichever dialect `$db` is.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Where writes go: SQLite's one write connection, shared by concurrent writers through group commit, or the
/// PostgreSQL pool (which takes concurrent writers itself).
#[derive(Clone)]
pub enum Writer {
    Sqlite(std::sync::Arc<crate::db::group_commit::GroupCommit>),
    Postgres(sqlx::PgPool),
}

impl Writer {
    pub fn dialect(&self) -> crate::db::Dialect {
        match self {
            Writer::Sqlite(_) => crate::db::Dialect::Sqlite,
            Writer::Postgres(_) => crate::db::Dialect::Postgres,
        }
    }
}

/// Runs `$body` in a write transaction bound to `$tx` (use it as `&mut *$tx`) and evaluates to
/// `Result<value of $body, sqlx::Error>`. `?` and `return Ok(…)` inside the body end the transaction early:
/// rolled back on error, and on SQLite rolled back to the writer's savepoint.
macro_rules! write_tx {
    ($writer:expr, $tx:ident => $body:expr) => {
        match $writer {
            $crate::store::Writer::Sqlite(group) => {
                group
                    .write(
                        async |$tx: &mut sqlx::SqliteConnection| -> Result<_, sqlx::Error> {
                            Ok($body)
                        },
                    )
                    .await
            }
            $crate::store::Writer::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let value = $body;
                $tx.commit().await?;
                Ok(value)
            }
        }
    };
}
pub(crate) use write_tx;

/// A value bound into a statement built at run time (filters).
#[derive(Clone, Debug)]
pub enum Param {
    Id(Id),
    Text(String),
    Time(Timestamp),
    Int(i64),
    /// A filter's list of ids or strings, bound as one value (see `db::types`).
    Ids(IdList),
    Texts(TextList),
    /// JSON (text on SQLite, JSONB on PostgreSQL).
    Json(JsonValue),
}

/// Binds `params` in order onto a `query` / `query_as` / `query_scalar`.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match param {
                $crate::store::Param::Id(v) => query.bind(*v),
                $crate::store::Param::Text(v) => query.bind(v.clone()),
                $crate::store::Param::Time(v) => query.bind(*v),
                $crate::store::Param::Int(v) => query.bind(*v),
                $crate::store::Param::Ids(v) => query.bind(v.clone()),
                $crate::store::Param::Texts(v) => query.bind(v.clone()),
                $crate::store::Param::Json(v) => query.bind(v.clone()),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// JSON as stored: text on SQLite, JSONB on PostgreSQL.
pub type JsonValue = Json<Value>;

pub fn json(value: &Value) -> JsonValue {
    Json(value.clone())
}

/// Every id the server makes is a time-ordered UUIDv7 (Prefect's states, logs and events have them too): a new
/// row lands at the end of each index on its id rather than on a random page, which keeps the pages a write
/// dirties, and so the bytes each commit writes, few.
pub fn new_v7() -> Id {
    Id(uuid::Uuid::now_v7())
}
