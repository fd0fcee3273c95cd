//! Block documents' data encrypted at rest, as Prefect's server does it: Fernet (AES-128-CBC with an
//! HMAC-SHA256 tag, Prefect's own format and the `cryptography` package's), with one key per database kept in
//! the `configuration` table under `ENCRYPTION_KEY` as `{"fernet_key": …}`. The key is in the database, not in
//! a process, so every replica on one PostgreSQL reads what another wrote.
//!
//! A stored document's `data` is a JSON string (the Fernet token, as Prefect stores it) or, written before
//! migration 20261201170000 or left by a downgrade, a plain JSON object: reads tell the two apart by that, and
//! the migration step seals plain rows going up and opens sealed ones going down (`convert`).
//!
//! The key is read in the transaction that uses it, never cached: a downgrade that drops it cannot race a
//! server still encrypting with it. It is never logged: `Cipher` has no `Debug` that shows it.
//!
//! As on Prefect's server, `PREFECT_SERVER_ENCRYPTION_KEY`, when set, is the key instead: nothing is stored
//! then, and every replica (and every migration) must be given the same value.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::JsonValue;
use crate::db::{Db, DbConn};

/// The `configuration` key the cipher's key is stored under (Prefect's name).
pub const KEY_NAME: &str = "ENCRYPTION_KEY";

/// The migration that creates the `configuration` table; the migrator converts block data around it.
pub const MIGRATION_VERSION: i64 = 20261201170000;

/// The `configuration` value under `ENCRYPTION_KEY`, in Prefect's shape.
#[derive(Serialize, Deserialize)]
struct KeyValue {
    fernet_key: String,
}

/// The setting that, when set, gives the key instead of the database (Prefect's name).
pub const KEY_SETTING: &str = "PREFECT_SERVER_ENCRYPTION_KEY";

/// The key from `KEY_SETTING`, installed once at start by `use_key_setting`.
static SETTING_KEY: OnceLock<Cipher> = OnceLock::new();

/// A Fernet cipher under the database's key.
#[derive(Clone)]
pub struct Cipher(fernet::Fernet);

impl std::fmt::Debug for Cipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cipher(<key hidden>)")
    }
}

/// Why a document's data could not be read back; the message names the cause and never the key.
#[derive(Debug, thiserror::Error)]
pub enum CryptError {
    #[error(
        "the stored {KEY_NAME} in the configuration table is not a Fernet key ({{\"fernet_key\": …}} with 32 \
         url-safe base64 bytes): restore the database's original key"
    )]
    BadKey,
    #[error(
        "block document data is encrypted but the database has no {KEY_NAME} in its configuration table: \
         restore the database's original key"
    )]
    NoKey,
    #[error(
        "block document data does not decrypt with the database's {KEY_NAME} (the key was replaced or the data \
         was changed): restore the database's original key"
    )]
    Undecryptable,
    #[error("decrypted block document data is not a JSON object")]
    NotAnObject,
    #[error(
        "{KEY_SETTING} is not a Fernet key (32 random bytes in url-safe base64, 44 characters): make one with \
         `openssl rand -base64 32 | tr '+/' '-_'`, or unset it to keep the key in the database"
    )]
    BadSetting,
}

/// Uses `value` of `KEY_SETTING` as the key from now on, in this process; empty means unset, as on Prefect's
/// server. A value that is not a Fernet key is refused (the error never shows it).
pub fn use_key_setting(value: Option<&str>) -> Result<(), CryptError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    let cipher = fernet::Fernet::new(value)
        .map(Cipher)
        .ok_or(CryptError::BadSetting)?;
    // Set once per process (the CLI runs one command); a second call keeps the first key.
    let _ = SETTING_KEY.set(cipher);
    Ok(())
}

/// The key from `KEY_SETTING`, if it was given (for the macros too).
pub fn setting_cipher() -> Option<Cipher> {
    SETTING_KEY.get().cloned()
}

impl From<CryptError> for sqlx::Error {
    fn from(error: CryptError) -> Self {
        sqlx::Error::Decode(Box::new(error))
    }
}

impl Cipher {
    fn from_stored(value: &Value) -> Result<Cipher, CryptError> {
        let key: KeyValue =
            serde_json::from_value(value.clone()).map_err(|_| CryptError::BadKey)?;
        fernet::Fernet::new(&key.fernet_key)
            .map(Cipher)
            .ok_or(CryptError::BadKey)
    }

    /// The value to store for `data`: its JSON text, encrypted, as a JSON string.
    pub fn seal(&self, data: &Map<String, Value>) -> JsonValue {
        let text = serde_json::to_vec(data).expect("a JSON map serialises");
        sqlx::types::Json(Value::String(self.0.encrypt(&text)))
    }

    fn open_token(&self, token: &str) -> Result<Map<String, Value>, CryptError> {
        let text = self
            .0
            .decrypt(token)
            .map_err(|_| CryptError::Undecryptable)?;
        match serde_json::from_slice(&text) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(CryptError::NotAnObject),
        }
    }

    /// A stored value's data: decrypted if sealed, as it is if plain.
    pub fn open(&self, stored: &Value) -> Result<Map<String, Value>, CryptError> {
        match stored {
            Value::String(token) => self.open_token(token),
            Value::Object(map) => Ok(map.clone()),
            _ => Err(CryptError::NotAnObject),
        }
    }
}

/// Whether a stored `data` value is encrypted (a Fernet token) rather than plain.
pub fn is_sealed(stored: &Value) -> bool {
    stored.is_string()
}

/// A new `configuration` value holding a key drawn from the OS's random source (for the macros too).
pub fn new_key() -> JsonValue {
    sqlx::types::Json(
        serde_json::to_value(KeyValue {
            fernet_key: fernet::Fernet::generate_key(),
        })
        .expect("a key serialises"),
    )
}

/// Evaluates to `Result<Option<Cipher>, sqlx::Error>`: the key from `KEY_SETTING` if given, else the
/// database's key read on `$conn` (`&mut` connection or transaction), `None` if there is none yet.
macro_rules! read_cipher {
    ($conn:expr) => {{
        match $crate::store::block_crypt::setting_cipher() {
            Some(cipher) => Ok(Some(cipher)),
            None => {
                let found: Option<$crate::store::JsonValue> =
                    sqlx::query_scalar("SELECT value FROM configuration WHERE key = $1")
                        .bind($crate::store::block_crypt::KEY_NAME)
                        .fetch_optional(&mut *$conn)
                        .await?;
                found
                    .map(|v| $crate::store::block_crypt::cipher_from(&v.0))
                    .transpose()
            }
        }
    }};
}
pub(crate) use read_cipher;

/// Evaluates to `Result<Cipher, sqlx::Error>`: the database's key on `$conn`, made first if there is none. Run
/// it inside the write transaction: two replicas that both find no key both insert, the unique key lets one
/// win (the other's insert waits for it and does nothing), and both then read the winner's key.
macro_rules! cipher_for_write {
    ($conn:expr) => {{
        let existing: Result<Option<$crate::store::block_crypt::Cipher>, sqlx::Error> =
            $crate::store::block_crypt::read_cipher!($conn);
        match existing? {
            Some(cipher) => Ok(cipher),
            None => {
                sqlx::query(
                    "INSERT INTO configuration (key, value, created, updated) VALUES ($1, $2, $3, $3) \
                     ON CONFLICT (key) DO NOTHING",
                )
                .bind($crate::store::block_crypt::KEY_NAME)
                .bind($crate::store::block_crypt::new_key())
                .bind($crate::db::types::Timestamp::now())
                .execute(&mut *$conn)
                .await?;
                let made: Result<Option<$crate::store::block_crypt::Cipher>, sqlx::Error> =
                    $crate::store::block_crypt::read_cipher!($conn);
                made?.ok_or_else(|| sqlx::Error::from($crate::store::block_crypt::CryptError::NoKey))
            }
        }
    }};
}
pub(crate) use cipher_for_write;

/// For the macros (which expand in other modules): the stored key as a cipher.
pub fn cipher_from(value: &Value) -> Result<Cipher, sqlx::Error> {
    Ok(Cipher::from_stored(value)?)
}

/// The database's cipher for reading, if it has a key.
pub async fn reader(db: &Db) -> Result<Option<Cipher>, sqlx::Error> {
    let mut conn = db.acquire().await?;
    match &mut conn {
        DbConn::Sqlite(c) => read_cipher!(c.as_mut()),
        DbConn::Postgres(c) => read_cipher!(c.as_mut()),
    }
}

/// Replaces each sealed `data` in `values` by its plain object, reading the key only if one is sealed.
pub async fn open_all(db: &Db, values: &mut [&mut JsonValue]) -> Result<(), sqlx::Error> {
    if !values.iter().any(|v| is_sealed(&v.0)) {
        return Ok(());
    }
    let cipher = reader(db).await?.ok_or(CryptError::NoKey)?;
    for value in values.iter_mut() {
        if is_sealed(&value.0) {
            value.0 = Value::Object(cipher.open(&value.0)?);
        }
    }
    Ok(())
}

/// Which way `convert` turns stored block data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conversion {
    /// Encrypt every plain document (after the migration that makes the key table).
    Seal,
    /// Decrypt every sealed document (before the migration that drops it).
    Open,
}

/// Rewrites every block document that is not yet as `conversion` wants it, in one transaction on `$conn`;
/// evaluates to `Result<u64, sqlx::Error>` (how many it rewrote).
macro_rules! convert_on {
    ($conn:expr, $conversion:expr) => {{
        let mut tx = sqlx::Connection::begin(&mut *$conn).await?;
        let rows: Vec<($crate::db::types::Id, JsonValue)> =
            sqlx::query_as("SELECT id, data FROM block_document")
                .fetch_all(&mut *tx)
                .await?;
        let pending: Vec<_> = rows
            .into_iter()
            .filter(|(_, data)| is_sealed(&data.0) == ($conversion == Conversion::Open))
            .collect();
        let mut rewritten = 0u64;
        if !pending.is_empty() {
            let cipher: Cipher = match $conversion {
                Conversion::Seal => cipher_for_write!(tx)?,
                Conversion::Open => read_cipher!(tx)?.ok_or(CryptError::NoKey)?,
            };
            for (id, data) in pending {
                let plain = cipher.open(&data.0)?;
                let stored = match $conversion {
                    Conversion::Seal => cipher.seal(&plain),
                    Conversion::Open => sqlx::types::Json(Value::Object(plain)),
                };
                sqlx::query("UPDATE block_document SET data = $2 WHERE id = $1")
                    .bind(id)
                    .bind(stored)
                    .execute(&mut *tx)
                    .await?;
                rewritten += 1;
            }
        }
        tx.commit().await?;
        Ok::<u64, sqlx::Error>(rewritten)
    }};
}

/// Seals or opens every block document on `conn` (the migrator's connection), in one transaction.
pub async fn convert(conn: &mut DbConn, conversion: Conversion) -> Result<u64, sqlx::Error> {
    match conn {
        DbConn::Sqlite(c) => convert_on!(c.as_mut(), conversion),
        DbConn::Postgres(c) => convert_on!(c.as_mut(), conversion),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cipher() -> Cipher {
        Cipher::from_stored(&new_key().0).unwrap()
    }

    #[test]
    fn sealed_data_opens_to_what_was_sealed_and_hides_it() {
        let cipher = cipher();
        let data = json!({"value": "hunter2"}).as_object().unwrap().clone();
        let stored = cipher.seal(&data);
        assert!(is_sealed(&stored.0));
        assert!(!stored.0.to_string().contains("hunter2"));
        assert_eq!(cipher.open(&stored.0).unwrap(), data);
    }

    #[test]
    fn plain_data_reads_as_it_is() {
        let plain = json!({"value": "x"});
        assert!(!is_sealed(&plain));
        assert_eq!(cipher().open(&plain).unwrap(), *plain.as_object().unwrap());
    }

    #[test]
    fn another_key_or_a_bad_key_is_a_clear_error() {
        let stored = cipher().seal(&Map::new());
        assert!(matches!(
            cipher().open(&stored.0),
            Err(CryptError::Undecryptable)
        ));
        assert!(matches!(
            Cipher::from_stored(&json!({"fernet_key": "short"})),
            Err(CryptError::BadKey)
        ));
    }

    #[test]
    fn the_key_is_not_in_debug_output() {
        let value = new_key();
        let key = value.0["fernet_key"].as_str().unwrap().to_owned();
        let cipher = Cipher::from_stored(&value.0).unwrap();
        assert!(!format!("{cipher:?}").contains(&key));
    }
}
