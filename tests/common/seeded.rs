//! A server whose database a test seeds with SQL (rows the API cannot make yet, or faster than it), the same
//! text on both dialects: the server's SQLite file or its PostgreSQL database.

use std::path::{Path, PathBuf};

use super::TestEnv;
use super::postgres::Postgres;
use super::server::Server;

/// Where the seed SQL goes.
pub enum Database<'a> {
    Sqlite(PathBuf),
    Postgres(&'a Postgres),
}

impl Database<'_> {
    pub fn exec(&self, sql: &str) -> String {
        match self {
            Database::Sqlite(path) => sqlite_waiting(path, sql),
            Database::Postgres(pg) => pg.psql("prefect", sql),
        }
    }
}

/// `sqlite3` waiting for the server's writes (its event writer, say) rather than failing "database is locked".
fn sqlite_waiting(path: &Path, sql: &str) -> String {
    let out = std::process::Command::new("sqlite3")
        .args(["-batch", "-cmd", ".timeout 10000"])
        .arg(path)
        .arg(sql)
        .output()
        .expect("sqlite3 runs");
    assert!(
        out.status.success(),
        "sqlite3 {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The server on PostgreSQL's `prefect` database when `pg` is given, else on SQLite, with `args`.
pub fn start<'a>(env: &TestEnv, pg: Option<&'a Postgres>, args: &[&str]) -> (Server, Database<'a>) {
    match pg {
        Some(pg) => {
            pg.create_database("prefect");
            let url = pg.url("prefect");
            let vars = [("PREFECT_SERVER_DATABASE_CONNECTION_URL", url.as_str())];
            (
                Server::start_with_args(env, &vars, args),
                Database::Postgres(pg),
            )
        }
        None => (
            Server::start_with_args(env, &[], args),
            Database::Sqlite(env.home().join("prefect.db")),
        ),
    }
}
