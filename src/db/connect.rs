//! Opening a `Db`, and turning a failed connection into a message that says where, why, and what to do.
//!
//! SQLite runs as Prefect configures it: WAL, foreign keys on, `synchronous=NORMAL` and a busy timeout.

use std::io::ErrorKind;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection, SqliteConnection};

use super::url::{self, DatabaseUrl, PgTarget, Target};
use super::{ConnectOptions, Db};
use crate::error::Failure;

/// Prefect waits up to 60 s for a SQLite write lock; so do we.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(60);

pub async fn connect(url: &DatabaseUrl, options: ConnectOptions) -> Result<Db> {
    match &url.target {
        Target::Sqlite(path) => {
            let sqlite = sqlite_options(path.as_deref(), options.create_sqlite_file)?;
            prove(SqliteConnection::connect_with(&sqlite), options, |e| {
                explain_sqlite(url, e)
            })
            .await?;
            // An in-memory database lives only as long as its one connection, so the pool keeps exactly one forever.
            let pool = if path.is_none() {
                SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
            } else {
                SqlitePoolOptions::new().max_connections(options.max_connections)
            };
            let pool = match options.statement_timeout {
                Some(timeout) => super::deadline::sqlite(pool, timeout),
                None => pool,
            };
            Ok(Db::Sqlite(
                pool.acquire_timeout(options.connect_timeout)
                    .connect_with(sqlite)
                    .await
                    .map_err(|e| explain_sqlite(url, e))?,
            ))
        }
        Target::Postgres(target) => {
            let pg = pg_options(target);
            prove(PgConnection::connect_with(&pg), options, |e| {
                explain_postgres(url, &pg, e, options.connect_timeout)
            })
            .await?;
            let pg = match options.statement_timeout {
                Some(timeout) => super::deadline::postgres(pg, timeout),
                None => pg,
            };
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(options.connect_timeout)
                .connect_lazy_with(pg);
            Ok(Db::Postgres(pool))
        }
    }
}

/// Opens one connection within the timeout and closes it: a clear error here beats a pool timeout later.
async fn prove<C: Connection>(
    connecting: impl Future<Output = Result<C, sqlx::Error>>,
    options: ConnectOptions,
    explain: impl FnOnce(sqlx::Error) -> Failure,
) -> Result<()> {
    match tokio::time::timeout(options.connect_timeout, connecting).await {
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(explain(e).into()),
        Err(_) => Err(explain(sqlx::Error::PoolTimedOut).into()),
    }
}

fn sqlite_options(path: Option<&std::path::Path>, create: bool) -> Result<SqliteConnectOptions> {
    let options = match path {
        None => SqliteConnectOptions::from_str("sqlite::memory:")?,
        Some(path) => SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(create)
            .journal_mode(SqliteJournalMode::Wal),
    };
    Ok(options
        .foreign_keys(true)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT)
        // Savepoint journals in memory, not temp files: every write runs in a savepoint (group commit).
        .pragma("temp_store", "memory")
        // Prefect's cache size: 20 000 pages.
        .pragma("cache_size", "20000")
        // A checkpoint every 10 000 WAL pages (~40 MB) rather than 1 000: each one stalls the writer for two
        // fsyncs, and a page written many times between checkpoints is copied back once.
        .pragma("wal_autocheckpoint", "10000"))
}

fn pg_options(target: &PgTarget) -> PgConnectOptions {
    // `new()` starts from libpq's environment (PGHOST, PGUSER, PGPASSWORD, ~/.pgpass); the URL overrides it.
    let mut options = PgConnectOptions::new();
    if let Some(host) = &target.host {
        options = options.host(host);
    }
    if let Some(socket) = &target.socket {
        options = options.socket(socket);
    }
    if let Some(port) = target.port {
        options = options.port(port);
    }
    if let Some(user) = &target.user {
        options = options.username(user);
    }
    if let Some(password) = &target.password {
        options = options.password(password);
    }
    if let Some(database) = &target.database {
        options = options.database(database);
    }
    if let Some(mode) = &target.ssl_mode {
        options = options.ssl_mode(PgSslMode::from_str(mode).unwrap_or(PgSslMode::Prefer));
    }
    if let Some(cert) = &target.ssl_root_cert {
        options = options.ssl_root_cert(cert);
    }
    if let Some(name) = &target.application_name {
        options = options.application_name(name);
    }
    options
}

fn explain_sqlite(url: &DatabaseUrl, error: sqlx::Error) -> Failure {
    let place = url.sqlite_path().map_or_else(
        || "the in-memory database".to_owned(),
        |p| p.display().to_string(),
    );
    let code = database_code(&error);
    let failure = match code.as_deref() {
        // SQLITE_CANTOPEN and its extended codes.
        Some(c) if c == "14" || c.parse::<u32>().is_ok_and(|n| n & 0xff == 14) => Failure::new(format!(
            "Cannot open the SQLite database {place}: the file is missing, its directory does not exist, \
             or you lack permission"
        ))
        .hint("create the directory, or point PREFECT_SERVER_DATABASE_CONNECTION_URL elsewhere"),
        Some("26") => Failure::new(format!("{place} is not a SQLite database"))
            .hint("point PREFECT_SERVER_DATABASE_CONNECTION_URL at a prefect-rs database, or move the file away"),
        Some("5") => Failure::new(format!(
            "The SQLite database {place} is locked by another process"
        ))
        .hint("stop the server or command using it, then try again"),
        _ => Failure::new(format!("Cannot open the SQLite database {place}: {error}")),
    };
    failure.hint(format!("database URL: {url}"))
}

fn explain_postgres(
    url: &DatabaseUrl,
    options: &PgConnectOptions,
    error: sqlx::Error,
    timeout: Duration,
) -> Failure {
    let where_ = match options.get_socket() {
        Some(socket) => format!("socket {}", socket.display()),
        None => format!("{}:{}", options.get_host(), options.get_port()),
    };
    let user = options.get_username();
    let database = options.get_database().unwrap_or(user);
    let head =
        format!("Cannot connect to PostgreSQL at {where_} (database '{database}', user '{user}')");
    let check_url =
        format!("database URL: {url}; see it with: prefect-rs config view --show-sources");
    let failure = match (&error, database_code(&error).as_deref()) {
        (sqlx::Error::Io(io), _) if io.kind() == ErrorKind::ConnectionRefused => {
            Failure::new(format!("{head}: connection refused, nothing is listening there"))
                .hint("start PostgreSQL, or fix the host and port in PREFECT_SERVER_DATABASE_CONNECTION_URL")
        }
        (sqlx::Error::Io(io), _) if io.kind() == ErrorKind::NotFound => {
            Failure::new(format!("{head}: no such socket; is PostgreSQL running?"))
                .hint("start PostgreSQL, or fix the host in PREFECT_SERVER_DATABASE_CONNECTION_URL")
        }
        (_, Some("28P01")) => Failure::new(format!("{head}: password authentication failed"))
            .hint("fix the user or password in PREFECT_SERVER_DATABASE_CONNECTION_URL"),
        (_, Some("28000")) => Failure::new(format!("{head}: the server refused the login: {}", server_message(&error)))
            .hint("check that the role exists and pg_hba.conf allows it"),
        (_, Some("3D000")) => Failure::new(format!("{head}: database '{database}' does not exist"))
            .hint(format!("create it: createdb -h {} -p {} -U {user} {database}", options.get_host(), options.get_port())),
        (_, Some("57P03")) => Failure::new(format!("{head}: the server is starting up or shutting down"))
            .hint("wait a moment and try again"),
        (sqlx::Error::PoolTimedOut, _) => Failure::new(format!(
            "{head}: no answer within {:.1} s",
            timeout.as_secs_f64()
        ))
        .hint("check the host, port and firewall, or raise PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT"),
        (sqlx::Error::Tls(e), _) => Failure::new(format!("{head}: TLS failed: {e}"))
            .hint("check ssl/sslmode and sslrootcert in the URL"),
        _ => Failure::new(format!("{head}: {}", url::mask_password(&error.to_string()))),
    };
    failure.hint(check_url)
}

fn database_code(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    }
}

fn server_message(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    }
}
