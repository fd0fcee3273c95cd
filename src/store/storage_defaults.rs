//! The server's default result storage: a block document id kept in Prefect's `configuration` table under
//! `server-default-result-storage`, as `{"default_result_storage_block_id": …}`.

use serde_json::{Value, json};

use super::{JsonValue, Writer, json, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

const KEY: &str = "server-default-result-storage";

/// Whether a block document can hold results.
pub enum Usable {
    Yes,
    NoSuchBlock,
    CannotWrite,
}

/// The stored block id, if one is set.
pub async fn read(db: &Db) -> Result<Option<Id>, sqlx::Error> {
    let value: Option<JsonValue> = on_db!(db, pool => sqlx::query_scalar("SELECT value FROM configuration WHERE key = $1")
        .bind(KEY).fetch_optional(pool).await?);
    let id = value
        .and_then(|v| {
            v.0.get("default_result_storage_block_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .and_then(|s| uuid::Uuid::parse_str(&s).ok())
        .map(Id);
    Ok(id)
}

/// A block document can hold results when its schema has the `write-path` capability.
pub async fn usable(db: &Db, block_document_id: Id) -> Result<Usable, sqlx::Error> {
    let found: Option<Option<JsonValue>> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT bs.capabilities FROM block_document bd LEFT JOIN block_schema bs ON bs.id = bd.block_schema_id \
         WHERE bd.id = $1")
        .bind(block_document_id).fetch_optional(pool).await?);
    Ok(match found {
        None => Usable::NoSuchBlock,
        Some(capabilities) => {
            let writes = capabilities
                .and_then(|c| c.0.as_array().cloned())
                .is_some_and(|c| c.iter().any(|x| x == "write-path"));
            if writes {
                Usable::Yes
            } else {
                Usable::CannotWrite
            }
        }
    })
}

pub async fn write(writer: &Writer, block_document_id: Id) -> Result<(), sqlx::Error> {
    let value = json(&json!({ "default_result_storage_block_id": block_document_id.to_string() }));
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO configuration (key, value, created, updated) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated = excluded.updated")
            .bind(KEY)
            .bind(value.clone())
            .bind(Timestamp::now())
            .execute(&mut *tx)
            .await?;
    })
}

pub async fn clear(writer: &Writer) -> Result<(), sqlx::Error> {
    write_tx!(writer, tx => {
        sqlx::query("DELETE FROM configuration WHERE key = $1").bind(KEY).execute(&mut *tx).await?;
    })
}
