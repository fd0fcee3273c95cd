//! A throwaway PostgreSQL 15 cluster per test, from Debian's `postgresql-15` binaries: a data directory copied
//! from a template made once by initdb, a free loopback port, password authentication, stopped on drop.
//!
//! Self-contained (std and tempfile only) so the binary's unit tests can include it with `#[path]` too.
//! As root, the server runs as the `postgres` user, because PostgreSQL refuses to run as root.

#![allow(dead_code)]

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const USER: &str = "prefect";
pub const PASSWORD: &str = "test-secret";

pub struct Postgres {
    dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
}

fn bin_dir() -> PathBuf {
    let dir = std::env::var_os("PG_BIN_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"));
    assert!(
        dir.join("initdb").is_file(),
        "PostgreSQL binaries not found in {}: install Debian's postgresql-15 package \
         (apt-get install postgresql-15), or set PG_BIN_DIR to a directory holding initdb and pg_ctl",
        dir.display()
    );
    dir
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as the postgres user when we are root.
fn run(program: &Path, args: &[&str]) -> Output {
    let mut command = if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn check(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn give_to_postgres(path: &Path) {
    if running_as_root() {
        check(
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(path)
                .output()
                .unwrap(),
            "chown",
        );
    }
}

/// The initdb'd template, made once per machine under a lock (tests run as parallel processes).
fn template(bin: &Path) -> PathBuf {
    let base = std::env::temp_dir().join("prefect-rs-test-pg15");
    std::fs::create_dir_all(&base).unwrap();
    let lock = File::create(base.join("lock")).unwrap();
    lock.lock().unwrap();
    let data = base.join("template");
    if !data.join("PG_VERSION").is_file() {
        let _ = std::fs::remove_dir_all(&data);
        let pwfile = base.join("pwfile");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        give_to_postgres(&base);
        let data_arg = data.to_str().unwrap().to_owned();
        let pw_arg = format!("--pwfile={}", pwfile.display());
        check(
            run(
                &bin.join("initdb"),
                &[
                    "-D",
                    &data_arg,
                    "-U",
                    USER,
                    &pw_arg,
                    "--auth=scram-sha-256",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ],
            ),
            "initdb",
        );
    }
    data
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let template = template(&bin);
        let dir = tempfile::Builder::new()
            .prefix("prefect-rs-pg")
            .tempdir()
            .unwrap();
        let data = dir.path().join("data");
        check(
            Command::new("cp")
                .arg("-a")
                .arg(&template)
                .arg(&data)
                .output()
                .unwrap(),
            "copying the template cluster",
        );
        give_to_postgres(dir.path());
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let options = format!(
                "-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off",
                dir.path().display()
            );
            let log = dir.path().join("server.log");
            let output = run(
                &bin.join("pg_ctl"),
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-l",
                    log.to_str().unwrap(),
                    "-w",
                    "-t",
                    "30",
                    "-o",
                    &options,
                    "start",
                ],
            );
            if output.status.success() {
                return Postgres { dir, port, bin };
            }
            last_error = std::fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("PostgreSQL did not start: {last_error}");
    }

    /// A URL in Prefect's form for database `db` of this cluster.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql+asyncpg://{USER}:{PASSWORD}@127.0.0.1:{}/{db}",
            self.port
        )
    }

    /// A URL sqlx understands directly, for tests that inspect the database themselves.
    pub fn sqlx_url(&self, db: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    pub fn create_database(&self, name: &str) {
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
    }

    /// Runs SQL with psql and returns its unaligned, tuples-only output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                USER,
                "-d",
                db,
            ])
            .args(["-p", &self.port.to_string(), "-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap();
        String::from_utf8(check(output, &format!("psql {sql}")).stdout).unwrap()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = run(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
