//! Running migrations on one connection: read what is applied, apply or revert one step at a time through
//! sqlx's migrator (each step in its own transaction, recorded in `_sqlx_migrations`), drop everything for
//! `reset`, and copy a SQLite file before a destructive command.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use sqlx::migrate::{Migrate, MigrateError};

use super::DbConn;
use super::migrations::{Applied, Step};
use crate::error::Failure;
use crate::store::block_crypt::{self, Conversion};

const TABLE: &str = "_sqlx_migrations";

type Row = (i64, String, Option<String>, bool, Vec<u8>);

/// What the database has applied, oldest first; empty when it has never been migrated.
pub async fn read_applied(conn: &mut DbConn) -> Result<Vec<Applied>> {
    let rows: Vec<Row> = match conn {
        DbConn::Sqlite(c) => {
            let exists: bool = sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
            )
            .bind(TABLE)
            .fetch_one(&mut **c)
            .await?;
            if !exists {
                return Ok(Vec::new());
            }
            sqlx::query_as(
                "SELECT version, description, strftime('%Y-%m-%dT%H:%M:%SZ', installed_on), success, checksum \
                 FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&mut **c)
            .await?
        }
        DbConn::Postgres(c) => {
            let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                .bind(TABLE)
                .fetch_one(&mut **c)
                .await?;
            if !exists {
                return Ok(Vec::new());
            }
            sqlx::query_as(
                "SELECT version, description, \
                 to_char(installed_on AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), success, checksum \
                 FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&mut **c)
            .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(version, name, applied_at, success, checksum)| Applied {
            version,
            name,
            applied_at,
            success,
            checksum,
        })
        .collect())
}

/// Runs one step's `.up.sql`.
pub async fn apply(conn: &mut DbConn, step: &Step<'_>) -> Result<Duration> {
    let outcome = match conn {
        DbConn::Sqlite(c) => {
            c.ensure_migrations_table(TABLE).await?;
            let outcome = c.apply(TABLE, step.up).await;
            recover_sqlite(c, &outcome).await;
            outcome
        }
        DbConn::Postgres(c) => {
            c.ensure_migrations_table(TABLE).await?;
            c.apply(TABLE, step.up).await
        }
    };
    let took = outcome.map_err(|e| failed(step, "upgrade", e))?;
    if step.version == block_crypt::MIGRATION_VERSION {
        // SQL cannot encrypt: block data written before this version is sealed here, in its own transaction.
        // Should it fail, the rows stay plain, and reads still tell them apart, so nothing is unreadable.
        block_crypt::convert(conn, Conversion::Seal).await.map_err(|e| {
            Failure::new(format!(
                "Migration {step} was applied but encrypting the block documents stored before it failed: {e}. \
                 They stay readable, unencrypted, and are encrypted when next saved."
            ))
        })?;
    }
    Ok(took)
}

/// Runs one step's `.down.sql`.
pub async fn revert(conn: &mut DbConn, step: &Step<'_>) -> Result<Duration> {
    if step.version == block_crypt::MIGRATION_VERSION {
        // This step drops the key: decrypt every document first (its `.down.sql` refuses while one is sealed).
        block_crypt::convert(conn, Conversion::Open).await.map_err(|e| {
            Failure::new(format!(
                "Migration {step} was not reverted: decrypting the block documents before dropping their key \
                 failed: {e}. Nothing was changed."
            ))
            .hint("see where it stands: prefect-rs server database history")
        })?;
    }
    let outcome = match conn {
        DbConn::Sqlite(c) => {
            let outcome = c.revert(TABLE, step.down).await;
            recover_sqlite(c, &outcome).await;
            outcome
        }
        DbConn::Postgres(c) => c.revert(TABLE, step.down).await,
    };
    outcome.map_err(|e| failed(step, "downgrade", e))
}

/// A `-- no-transaction` file opens its own transaction and switches foreign keys off; if it fails part-way,
/// roll that transaction back and switch them on again so the connection is as it was.
async fn recover_sqlite<T>(conn: &mut sqlx::SqliteConnection, outcome: &Result<T, MigrateError>) {
    if outcome.is_err() {
        let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
        let _ = sqlx::raw_sql("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await;
    }
}

fn failed(step: &Step<'_>, direction: &str, error: MigrateError) -> anyhow::Error {
    let (cause, code) = match &error {
        MigrateError::ExecuteMigration(e, _) | MigrateError::Execute(e) => match e {
            sqlx::Error::Database(db) => {
                (db.message().to_owned(), db.code().map(|c| c.into_owned()))
            }
            other => (other.to_string(), None),
        },
        other => (other.to_string(), None),
    };
    let mut failure = Failure::new(format!(
        "Migration {step} failed during {direction}: {cause}. It was rolled back; the database is at the \
         version before it."
    ));
    // 0A000 / 58P01: the extension is not installed on the server; 42501: the role may not create it.
    let sql = if direction == "upgrade" {
        step.up.sql.as_str()
    } else {
        step.down.sql.as_str()
    };
    if matches!(code.as_deref(), Some("0A000" | "58P01" | "42501"))
        && sql.to_ascii_uppercase().contains("CREATE EXTENSION")
    {
        failure = failure.hint(
            "this migration needs a PostgreSQL extension: install it on the server (Debian: postgresql-contrib) \
             and have a superuser run CREATE EXTENSION in this database, then upgrade again",
        );
    }
    failure
        .hint("see where it stands: prefect-rs server database history")
        .into()
}

/// SQLite cannot check foreign keys inside a migration that switched them off; check once afterwards.
pub async fn check_foreign_keys(conn: &mut DbConn) -> Result<()> {
    let DbConn::Sqlite(c) = conn else {
        return Ok(());
    };
    let problems: Vec<(String, Option<i64>, String)> =
        sqlx::query_as(r#"SELECT "table", rowid, parent FROM pragma_foreign_key_check"#)
            .fetch_all(&mut **c)
            .await?;
    if let Some((table, rowid, parent)) = problems.first() {
        return Err(Failure::new(format!(
            "After migrating, {} row(s) break a foreign key: the first is row {} of {table}, which refers to a \
             missing {parent}",
            problems.len(),
            rowid.map_or_else(|| "?".to_owned(), |r| r.to_string())
        ))
        .hint("restore the backup named above, or report this as a prefect-rs bug")
        .into());
    }
    Ok(())
}

/// Drops every table and view (ours, sqlx's bookkeeping, and anything else) in one transaction, for `reset`.
pub async fn drop_everything(conn: &mut DbConn) -> Result<usize> {
    match conn {
        DbConn::Sqlite(c) => {
            let objects: Vec<(String, String)> = sqlx::query_as(
                "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(&mut **c)
            .await?;
            // Foreign keys off, or each DROP TABLE would first delete (and cascade) row by row.
            let mut script = String::from("PRAGMA foreign_keys = OFF; BEGIN;");
            for (kind, name) in &objects {
                script.push_str(&format!(" DROP {} {};", kind.to_uppercase(), quote(name)));
            }
            script.push_str(" COMMIT; PRAGMA foreign_keys = ON;");
            let outcome = sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&mut **c)
                .await;
            if outcome.is_err() {
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut **c).await;
                let _ = sqlx::raw_sql("PRAGMA foreign_keys = ON")
                    .execute(&mut **c)
                    .await;
            }
            outcome.context("cannot drop the database's tables")?;
            Ok(objects.len())
        }
        DbConn::Postgres(c) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            )
            .fetch_all(&mut **c)
            .await?;
            let views: Vec<String> = sqlx::query_scalar(
                "SELECT viewname::text FROM pg_views WHERE schemaname = current_schema()",
            )
            .fetch_all(&mut **c)
            .await?;
            let mut script = String::from("BEGIN;");
            if !views.is_empty() {
                let list: Vec<String> = views.iter().map(|v| quote(v)).collect();
                script.push_str(&format!(
                    " DROP VIEW IF EXISTS {} CASCADE;",
                    list.join(", ")
                ));
            }
            if !tables.is_empty() {
                let list: Vec<String> = tables.iter().map(|t| quote(t)).collect();
                script.push_str(&format!(
                    " DROP TABLE IF EXISTS {} CASCADE;",
                    list.join(", ")
                ));
            }
            script.push_str(" COMMIT;");
            let outcome = sqlx::raw_sql(sqlx::AssertSqlSafe(script))
                .execute(&mut **c)
                .await;
            if outcome.is_err() {
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut **c).await;
            }
            outcome.context("cannot drop the database's tables")?;
            Ok(tables.len() + views.len())
        }
    }
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Copies a SQLite database to `<file>.<UTC time>.bak` beside it (0600, like the data it holds) with
/// `VACUUM INTO`, which writes a consistent copy even while WAL frames are outstanding.
pub async fn backup_sqlite(conn: &mut DbConn, database: &Path) -> Result<PathBuf> {
    let DbConn::Sqlite(c) = conn else {
        anyhow::bail!("only SQLite databases are backed up by file copy");
    };
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut attempt = 0;
    // The copy is made under `….bak.part` and renamed once whole, so a backup killed half-way (kill -9, a full
    // disk) never leaves a truncated file under a backup's name. A leftover `.part` is skipped like a taken name.
    let (path, part) = loop {
        let mut name = database.as_os_str().to_owned();
        name.push(format!(".{stamp}"));
        if attempt > 0 {
            name.push(format!("-{attempt}"));
        }
        name.push(".bak");
        let path = PathBuf::from(name);
        let part = crate::fsutil::part_path(&path);
        attempt += 1;
        if path.exists() {
            continue;
        }
        // VACUUM INTO writes only into a file that is missing or empty: reserve the name, empty and private.
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&part)
        {
            Ok(_) => break (path, part),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("cannot create the backup file {}", part.display()));
            }
        }
    };
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(part.to_string_lossy().into_owned())
        .execute(&mut **c)
        .await
        .map_err(anyhow::Error::from)
        .and_then(|_| crate::fsutil::sync_and_rename(&part, &path));
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&part);
        return Err(Failure::new(format!(
            "Could not back up the database to {}: {e:#}. Nothing was changed.",
            path.display()
        ))
        .hint("free some disk space or fix the directory's permissions, then try again")
        .into());
    }
    Ok(path)
}

#[cfg(test)]
#[path = "../../tests/common/postgres.rs"]
mod test_postgres;

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::SqlSafeStr;
    use sqlx::migrate::{Migration, MigrationType, Migrator};

    use super::*;
    use crate::db::migrations::Catalog;
    use crate::db::{ConnectOptions, DatabaseUrl, Db};

    fn migration(version: i64, kind: MigrationType, sql: &'static str) -> Migration {
        let no_tx = sql.starts_with("-- no-transaction");
        Migration::new(
            version,
            format!("step {version}").into(),
            kind,
            sql.into_sql_str(),
            no_tx,
        )
    }

    /// A test-only migrator: a good migration, one that fails half-way, and one whose no-transaction down fails.
    fn broken_migrator() -> Migrator {
        use MigrationType::{ReversibleDown as Down, ReversibleUp as Up};
        Migrator::with_migrations(vec![
            migration(1, Up, "CREATE TABLE good (id INTEGER PRIMARY KEY)"),
            migration(1, Down, "DROP TABLE good"),
            migration(
                2,
                Up,
                "CREATE TABLE half (id INTEGER); INSERT INTO missing_table VALUES (1);",
            ),
            migration(2, Down, "DROP TABLE half"),
            migration(3, Up, "CREATE TABLE third (id INTEGER)"),
            migration(
                3,
                Down,
                "-- no-transaction\nPRAGMA foreign_keys = OFF;\nBEGIN;\nDROP TABLE third;\n\
                 INSERT INTO missing_table VALUES (1);\nCOMMIT;\nPRAGMA foreign_keys = ON;",
            ),
        ])
    }

    async fn connect(url: &str) -> Db {
        let options = ConnectOptions {
            connect_timeout: Duration::from_secs(10),
            max_connections: 1,
            create_sqlite_file: true,
            statement_timeout: None,
        };
        Db::connect(&DatabaseUrl::parse(url).unwrap(), options)
            .await
            .unwrap()
    }

    async fn table_exists(conn: &mut DbConn, table: &str) -> bool {
        match conn {
            DbConn::Sqlite(c) => {
                sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = $1)")
                    .bind(table)
                    .fetch_one(&mut **c)
                    .await
                    .unwrap()
            }
            DbConn::Postgres(c) => sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                .bind(table)
                .fetch_one(&mut **c)
                .await
                .unwrap(),
        }
    }

    async fn versions(conn: &mut DbConn) -> Vec<i64> {
        read_applied(conn)
            .await
            .unwrap()
            .iter()
            .map(|a| a.version)
            .collect()
    }

    /// A failing migration leaves the database at the version before it, on either dialect.
    async fn failing_migrations_roll_back(db: Db) {
        let migrator = broken_migrator();
        let catalog = Catalog::new(&migrator).unwrap();
        let [first, broken, _] = catalog.steps() else {
            panic!()
        };
        let mut conn = db.acquire().await.unwrap();
        apply(&mut conn, first).await.unwrap();
        let err = apply(&mut conn, broken).await.unwrap_err().to_string();
        assert!(
            err.starts_with("Migration 2 step_2 failed during upgrade"),
            "{err}"
        );
        assert_eq!(versions(&mut conn).await, [1]);
        assert!(table_exists(&mut conn, "good").await);
        assert!(
            !table_exists(&mut conn, "half").await,
            "the failed step's first statement was rolled back"
        );
        // The connection is still usable afterwards.
        revert(&mut conn, first).await.unwrap();
        assert!(versions(&mut conn).await.is_empty());
    }

    #[tokio::test]
    async fn a_failing_migration_leaves_sqlite_at_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:///{}", dir.path().join("broken.db").display());
        failing_migrations_roll_back(connect(&url).await).await;
    }

    #[tokio::test]
    async fn a_failing_migration_leaves_postgres_at_the_previous_version() {
        let pg = test_postgres::Postgres::start();
        let db = connect(&pg.url("postgres")).await;
        failing_migrations_roll_back(db.clone()).await;

        // A missing extension gets a message that says what to install.
        use MigrationType::{ReversibleDown as Down, ReversibleUp as Up};
        let migrator = Migrator::with_migrations(vec![
            migration(
                7,
                Up,
                "CREATE EXTENSION IF NOT EXISTS prefect_rs_no_such_extension",
            ),
            migration(7, Down, "DROP EXTENSION prefect_rs_no_such_extension"),
        ]);
        let catalog = Catalog::new(&migrator).unwrap();
        let mut conn = db.acquire().await.unwrap();
        let err = apply(&mut conn, &catalog.steps()[0]).await.unwrap_err();
        let failure = err.downcast_ref::<Failure>().unwrap();
        assert!(
            failure.hints[0].contains("needs a PostgreSQL extension"),
            "{:?}",
            failure.hints
        );
    }

    #[test]
    fn a_version_without_its_down_file_is_rejected() {
        let migrator =
            Migrator::with_migrations(vec![migration(1, MigrationType::ReversibleUp, "SELECT 1")]);
        let err = Catalog::new(&migrator).err().unwrap();
        assert_eq!(err, "migration 1 step 1 has no .down.sql");
    }

    #[tokio::test]
    async fn a_failing_no_transaction_sqlite_downgrade_is_rolled_back() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:///{}", dir.path().join("broken.db").display());
        let db = connect(&url).await;
        let migrator = broken_migrator();
        let catalog = Catalog::new(&migrator).unwrap();
        let [first, _, third] = catalog.steps() else {
            panic!()
        };
        let mut conn = db.acquire().await.unwrap();
        apply(&mut conn, first).await.unwrap();
        apply(&mut conn, third).await.unwrap();
        let err = revert(&mut conn, third).await.unwrap_err().to_string();
        assert!(err.contains("failed during downgrade"), "{err}");
        assert_eq!(versions(&mut conn).await, [1, 3]);
        assert!(
            table_exists(&mut conn, "third").await,
            "DROP TABLE was rolled back"
        );
        let DbConn::Sqlite(c) = &mut conn else {
            unreachable!()
        };
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **c)
            .await
            .unwrap();
        assert_eq!(foreign_keys, 1, "switched back on");
    }
}
