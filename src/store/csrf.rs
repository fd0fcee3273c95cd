//! The `csrf_token` table: one token per client, replaced when the client asks again, expired ones deleted.

use serde_json::{Value, json};

use super::{Writer, new_v7, on_db, write_tx};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

#[derive(sqlx::FromRow)]
pub struct CsrfToken {
    pub id: Id,
    pub created: Timestamp,
    pub updated: Timestamp,
    pub token: String,
    pub client: String,
    pub expiration: Timestamp,
}

impl CsrfToken {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id.to_string(),
            "created": self.created.rfc3339(),
            "updated": self.updated.rfc3339(),
            "token": self.token,
            "client": self.client,
            "expiration": self.expiration.rfc3339(),
        })
    }
}

const COLUMNS: &str = "id, created, updated, token, client, expiration";

/// Gives `client` the new `token` (replacing the one it had) and deletes every expired token.
pub async fn create_or_update(
    writer: &Writer,
    client: &str,
    token: &str,
    expiration: Timestamp,
) -> Result<CsrfToken, sqlx::Error> {
    let now = Timestamp::now();
    let select = format!("SELECT {COLUMNS} FROM csrf_token WHERE client = $1");
    write_tx!(writer, tx => {
        sqlx::query(
            "INSERT INTO csrf_token (id, created, updated, token, client, expiration) VALUES ($1, $2, $2, $3, $4, $5) \
             ON CONFLICT (client) DO UPDATE SET token = excluded.token, expiration = excluded.expiration, \
             updated = excluded.updated",
        )
        .bind(new_v7())
        .bind(now)
        .bind(token)
        .bind(client)
        .bind(expiration)
        .execute(&mut *tx)
        .await?;
        let stored = sqlx::query_as::<_, CsrfToken>(sqlx::AssertSqlSafe(select.clone()))
            .bind(client)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM csrf_token WHERE expiration < $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        stored
    })
}

/// The client's token, unless it has expired.
pub async fn read_for_client(db: &Db, client: &str) -> Result<Option<CsrfToken>, sqlx::Error> {
    let select = format!("SELECT {COLUMNS} FROM csrf_token WHERE client = $1 AND expiration > $2");
    on_db!(db, pool => {
        sqlx::query_as::<_, CsrfToken>(sqlx::AssertSqlSafe(select))
            .bind(client)
            .bind(Timestamp::now())
            .fetch_optional(pool)
            .await
    })
}
