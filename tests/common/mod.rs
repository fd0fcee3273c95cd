//! The test harness: each test gets a private home and working directory and runs the real binary with a clean
//! environment, then states the exit code, stdout, stderr and files in one place.

#![allow(dead_code)]

pub mod api;
pub mod postgres;
pub mod seeded;
pub mod server;
pub mod stack;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_prefect-rs");

pub struct TestEnv {
    dir: TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        let env = Self {
            dir: tempfile::Builder::new()
                .prefix("prefect-rs-test")
                .tempdir()
                .unwrap(),
        };
        std::fs::create_dir_all(env.cwd()).unwrap();
        std::fs::create_dir_all(env.user_home()).unwrap();
        env
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// PREFECT_HOME; not created until a command writes to it.
    pub fn home(&self) -> PathBuf {
        self.root().join("prefect-home")
    }

    /// The working directory commands run in (where .env / prefect.toml / pyproject.toml are read).
    pub fn cwd(&self) -> PathBuf {
        self.root().join("work")
    }

    /// $HOME of the user running the commands.
    pub fn user_home(&self) -> PathBuf {
        self.root().join("user")
    }

    pub fn profiles_path(&self) -> PathBuf {
        self.home().join("profiles.toml")
    }

    /// prefect-rs with the given arguments.
    pub fn cmd(&self, args: &[&str]) -> Run {
        self.program(BIN, args)
    }

    /// Any program, with the same clean environment (used for the Python `prefect` CLI).
    pub fn program(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Run {
        let mut command = Command::new(program);
        command.args(args).current_dir(self.cwd()).env_clear();
        command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        command.env("HOME", self.user_home());
        command.env("PREFECT_HOME", self.home());
        command.env("LANG", "C.UTF-8");
        Run {
            command,
            stdin: None,
        }
    }

    /// Writes a file relative to the test root, creating parents.
    pub fn write(&self, relative: impl AsRef<Path>, contents: &str) -> PathBuf {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }

    pub fn read(&self, relative: impl AsRef<Path>) -> String {
        std::fs::read_to_string(self.root().join(relative)).unwrap()
    }

    /// Every file under the root with its bytes and mode, to prove a failing command changed nothing.
    pub fn files(&self) -> BTreeMap<PathBuf, (Vec<u8>, u32)> {
        fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, (Vec<u8>, u32)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let meta = std::fs::metadata(&path).unwrap();
                if meta.is_dir() {
                    walk(&path, out);
                } else {
                    out.insert(
                        path.clone(),
                        (std::fs::read(&path).unwrap(), meta.permissions().mode()),
                    );
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(self.root(), &mut out);
        out
    }

    /// Replaces the temporary root in text with `[ROOT]` so snapshots are stable.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.root().display().to_string(), "[ROOT]")
    }
}

pub struct Run {
    command: Command,
    stdin: Option<String>,
}

impl Run {
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// The configured command, for a test that manages the process itself.
    pub fn into_command(self) -> Command {
        self.command
    }

    pub fn stdin(mut self, input: &str) -> Self {
        self.stdin = Some(input.to_owned());
        self
    }

    pub fn run(mut self) -> Output {
        use std::io::Write;
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("the program starts");
        // Dropping stdin closes it, so a program that wrongly prompts sees EOF instead of hanging.
        let mut stdin = child.stdin.take().unwrap();
        if let Some(input) = &self.stdin {
            stdin.write_all(input.as_bytes()).unwrap();
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Asserts the exit code, showing both streams when it is wrong.
    #[track_caller]
    pub fn code(self, expected: i32) -> Self {
        assert_eq!(
            self.code, expected,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn success(self) -> Self {
        self.code(0)
    }
}

/// The Python virtualenv with the pinned `prefect` (tests/python/requirements.txt), made by `.ci/test`.
pub fn python_prefect() -> PathBuf {
    let venv = std::env::var_os("PYTHON_PREFECT_VENV").map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "PYTHON_PREFECT_VENV is not set: these tests need the Python `prefect` CLI. \
             Run the test command from the README (.ci/test), which creates the virtualenv and sets it."
        )
    });
    let prefect = venv.join("bin/prefect");
    assert!(
        prefect.exists(),
        "{} is missing: re-run .ci/test to (re)create the virtualenv",
        prefect.display()
    );
    prefect
}

/// Runs SQL on a SQLite file with the sqlite3 CLI and returns its output (`|`-separated rows).
pub fn sqlite(path: &Path, sql: &str) -> String {
    let out = Command::new("sqlite3")
        .arg("-batch")
        .arg(path)
        .arg(sql)
        .output()
        .expect("sqlite3 runs (the test command installs it)");
    assert!(
        out.status.success(),
        "sqlite3 {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A SQLite schema as comparable text: columns (in order), foreign keys, and index definitions, per table.
/// Built from pragmas rather than `sqlite_master.sql`, whose text changes when a table is rebuilt and renamed.
pub fn sqlite_schema(path: &Path) -> String {
    sqlite(
        path,
        "SELECT 'column', m.name, p.cid, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk
           FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid;
         SELECT 'fk', m.name, f.\"from\", f.\"table\", f.\"to\", f.on_delete, f.on_update
           FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY 2, 3;
         SELECT 'index', tbl_name, name, sql FROM sqlite_master WHERE type = 'index' ORDER BY 2, 3;
         SELECT 'other', type, name FROM sqlite_master WHERE type NOT IN ('table', 'index') ORDER BY 2, 3;",
    )
}

/// A PostgreSQL schema as comparable text: columns, constraints and indexes of the current schema.
pub fn postgres_schema(pg: &postgres::Postgres, db: &str) -> String {
    [
        "SELECT 'column', table_name, column_name, data_type, is_nullable, column_default
           FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 2, 3",
        "SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)
           FROM pg_constraint WHERE connamespace = current_schema()::regnamespace ORDER BY 2, 3",
        "SELECT 'index', tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
           ORDER BY 2, 3",
    ]
    .map(|sql| pg.psql(db, sql))
    .concat()
}
