//! `server database …` on real SQLite files and a real PostgreSQL 15 cluster: output, exit codes, and what is
//! left on disk and in the database after every good and bad input.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::postgres::{PASSWORD, Postgres};
use common::{TestEnv, postgres_schema, sqlite, sqlite_schema};

const V1: &str = "20261121000100";
const V2: &str = "20261121000200";

/// This binary's migrations, oldest first, as `(version, name)`: read from `migrations/sqlite`, so a new migration
/// changes no expectation here (the snapshots below name the lists, not their contents).
fn migrations() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut found: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let stem = name.strip_suffix(".up.sql")?;
            let (version, name) = stem.split_once('_')?;
            Some((version.to_owned(), name.to_owned()))
        })
        .collect();
    found.sort();
    found
}

/// How many migrations this binary has (per dialect).
fn migration_count() -> usize {
    migrations().len()
}

/// Filters that name the migration lists the commands print instead of spelling them out: every migration
/// applied (`[EVERY MIGRATION]`), every one but the first reverted (`[ALL BUT THE FIRST, NEWEST FIRST]`), the
/// list in a hint (`[EVERY MIGRATION, LISTED]`), the head (`[HEAD]`) and the pending counts.
fn migration_filters() -> Vec<(String, String)> {
    let all = migrations();
    let applied: String = all
        .iter()
        .map(|(v, n)| format!("  applied  {v} {n} ([MS] ms)\n"))
        .collect();
    let reverted: String = all[1..]
        .iter()
        .rev()
        .map(|(v, n)| format!("  reverted {v} {n} ([MS] ms)\n"))
        .collect();
    let listed: Vec<String> = all.iter().map(|(v, n)| format!("{v} {n}")).collect();
    let (head_version, head_name) = all.last().unwrap();
    vec![
        (
            regex_escape(&applied),
            "  applied  [EVERY MIGRATION]\n".into(),
        ),
        (
            regex_escape(&reverted),
            "  reverted [ALL BUT THE FIRST, NEWEST FIRST]\n".into(),
        ),
        (
            regex_escape(&listed.join(", ")),
            "[EVERY MIGRATION, LISTED]".into(),
        ),
        (
            regex_escape(&format!("{head_version} {head_name}")),
            "[HEAD]".into(),
        ),
        (
            format!(r"\({} pending\)", all.len()),
            "([EVERY ONE] pending)".into(),
        ),
        (
            format!(r"\({} pending\)", all.len() - 1),
            "([ALL BUT ONE] pending)".into(),
        ),
    ]
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if r"\.+*?()|[]{}^$".contains(c) {
                format!("\\{c}")
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Output with the parts that change from run to run (paths, durations, times) replaced by placeholders.
macro_rules! assert_scrubbed {
    ($env:expr, $text:expr, @$snapshot:literal) => {
        let mut filters: Vec<(String, String)> = [
            (r"\(\d+\.\d ms\)", "([MS] ms)"),
            (r"\d{8}T\d{6}Z", "[STAMP]"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[TIME]"),
            (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
            (r"-p \d+", "-p [PORT]"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        filters.extend(migration_filters());
        let filters: Vec<(&str, &str)> = filters.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        insta::with_settings!({filters => filters}, {
            insta::assert_snapshot!($env.redact(&$text), @$snapshot);
        });
    };
}

/// Each line's closing `YYYY-MM-DDTHH:MM:SSZ` replaced by `[TIME]`.
fn times_scrubbed(text: &str) -> String {
    text.lines()
        .map(|line| match line.rsplit_once(' ') {
            Some((rest, last))
                if last.len() == 20 && last.ends_with('Z') && last.as_bytes()[10] == b'T' =>
            {
                format!("{rest} [TIME]\n")
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

/// `server database history` as it must look with every migration applied (columns sized to the longest name).
fn history_all_applied() -> String {
    let all = migrations();
    let width = all
        .iter()
        .map(|(_, n)| n.len())
        .max()
        .unwrap()
        .max("NAME".len());
    let mut text = format!("VERSION         {:width$}  STATE    APPLIED AT\n", "NAME");
    for (version, name) in &all {
        text.push_str(&format!("{version}  {name:width$}  applied  [TIME]\n"));
    }
    text
}

fn db_path(env: &TestEnv) -> PathBuf {
    env.home().join("prefect.db")
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

const HISTORY_JSON: &[&str] = &["server", "database", "history", "-o", "json"];

/// The versions in `history -o json` output, all of them or only the applied ones, oldest first.
fn versions(history: common::Output, only_applied: bool) -> Vec<String> {
    let rows: serde_json::Value = serde_json::from_str(&history.success().stdout).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .filter(|r| !only_applied || r["state"] == "applied")
        .map(|r| r["version"].to_string())
        .collect()
}

fn applied_versions(env: &TestEnv) -> Vec<String> {
    versions(env.cmd(HISTORY_JSON).run(), true)
}

fn all_versions(env: &TestEnv) -> Vec<String> {
    versions(env.cmd(HISTORY_JSON).run(), false)
}

/// Two `upgrade -y` processes started at once (on `url`, or the default SQLite file); both must succeed.
fn upgrade_concurrently(env: &TestEnv, url: Option<&str>) {
    let children: Vec<_> = (0..2)
        .map(|_| {
            let mut command = std::process::Command::new(common::BIN);
            command
                .args(["server", "database", "upgrade", "-y"])
                .env("PREFECT_HOME", env.home())
                .env("HOME", env.user_home())
                .stderr(std::process::Stdio::piped());
            if let Some(url) = url {
                command.env("PREFECT_SERVER_DATABASE_CONNECTION_URL", url);
            }
            command.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn upgrade_creates_a_private_database_and_a_second_upgrade_is_a_no_op() {
    let env = TestEnv::new();
    let out = env
        .cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    assert_scrubbed!(env, out.stderr, @r"
    Running upgrade migrations ...
      applied  [EVERY MIGRATION]
    Migrations succeeded!
    Prefect database at sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db upgraded!
    ");
    assert_eq!(mode(&env.home()), 0o700);
    assert_eq!(mode(&db_path(&env)), 0o600);
    assert_eq!(sqlite(&db_path(&env), "PRAGMA journal_mode"), "wal\n");

    let out = env.cmd(&["server", "database", "upgrade"]).run().success();
    assert_scrubbed!(env, out.stderr, @"Prefect database at sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db is already at [HEAD] (head); nothing to upgrade.");

    let out = env.cmd(&["server", "database", "history"]).run().success();
    assert_eq!(times_scrubbed(&out.stdout), history_all_applied());
    let out = env.cmd(&["server", "database", "current"]).run().success();
    let (head_version, head_name) = migrations().pop().unwrap();
    assert_eq!(out.stdout, format!("{head_version} {head_name} (head)\n"));
}

#[test]
fn read_only_commands_and_dry_runs_create_nothing() {
    let env = TestEnv::new();
    let before = env.files();
    let out = env.cmd(&["server", "database", "current"]).run().success();
    assert_eq!(
        out.stdout,
        format!(
            "base (no migrations applied, {} pending)\n",
            migration_count()
        )
    );
    let out = env
        .cmd(&["server", "database", "history", "-o", "json"])
        .run()
        .success();
    assert!(
        out.stdout.contains(r#""state": "pending""#),
        "{}",
        out.stdout
    );
    let out = env
        .cmd(&["server", "database", "upgrade", "--dry-run", "-r", "+1"])
        .run()
        .success();
    assert!(
        out.stdout
            .starts_with("-- 20261121000100 flows_and_flow_runs (up)\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("CREATE TABLE flow_run ("),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("task_run"),
        "only the first migration: {}",
        out.stdout
    );
    assert_scrubbed!(env, out.stderr, @"Dry run: 1 migration(s) would upgrade the Prefect database at sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db; nothing was changed.");
    assert!(!env.home().exists());
    assert_eq!(env.files(), before);

    // A dry-run downgrade on SQLite prints the rebuild it would do (Prefect's --dry-run fails on SQLite).
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    let before = env.files();
    let out = env
        .cmd(&["server", "database", "downgrade", "--dry-run", "-r", V1])
        .run()
        .success();
    assert!(
        out.stdout
            .contains("-- 20261121000200 task_runs (down)\n-- no-transaction"),
        "{}",
        out.stdout
    );
    assert_eq!(applied_versions(&env).len(), migration_count());
    assert_eq!(env.files(), before);
}

#[test]
fn relative_named_and_prefix_revisions() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-r", "task"])
        .run()
        .success();
    assert_eq!(applied_versions(&env), [V1, V2]);
    env.cmd(&["server", "database", "downgrade", "-y", "-r", "-1"])
        .run()
        .success();
    assert_eq!(applied_versions(&env), [V1]);
    env.cmd(&["server", "database", "upgrade", "-r", "+2"])
        .run()
        .success();
    assert_eq!(applied_versions(&env).len(), 3);
    env.cmd(&[
        "server",
        "database",
        "downgrade",
        "-y",
        "-r",
        &format!("{V1}_flows_and_flow_runs"),
    ])
    .run()
    .success();
    assert_eq!(applied_versions(&env), [V1]);
    env.cmd(&["server", "database", "downgrade", "-y", "-r", "base"])
        .run()
        .success();
    assert!(applied_versions(&env).is_empty());
    let out = env
        .cmd(&["server", "database", "downgrade", "-y"])
        .run()
        .success();
    assert!(out.stderr.contains("already at base"), "{}", out.stderr);
}

#[test]
fn an_unknown_revision_is_refused_with_the_valid_ones() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y", "-r", "+1"])
        .run()
        .success();
    let before = env.files();
    let out = env
        .cmd(&["server", "database", "upgrade", "-y", "-r", "bogus"])
        .run()
        .code(1);
    assert_scrubbed!(env, out.stderr, @r"
    error: Unknown revision 'bogus'
    hint: valid revisions: head, base, -N, +N, or a version or unique prefix of one of: [EVERY MIGRATION, LISTED]
    ");
    let out = env
        .cmd(&["server", "database", "downgrade", "-y", "-r", "+1"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains("downgrade cannot go forward"),
        "{}",
        out.stderr
    );
    let out = env
        .cmd(&["server", "database", "upgrade", "-y", "-r", "2026"])
        .run()
        .code(1);
    assert!(out.stderr.contains("is ambiguous"), "{}", out.stderr);
    let out = env
        .cmd(&["server", "database", "downgrade", "-y", "-r", "-5"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains("only 1 migration(s) are applied"),
        "{}",
        out.stderr
    );
    // The lock file may appear; nothing else may change.
    let mut after = env.files();
    after.retain(|p, _| !p.to_string_lossy().ends_with(".lock"));
    let mut before = before;
    before.retain(|p, _| !p.to_string_lossy().ends_with(".lock"));
    assert_eq!(after, before);
}

#[test]
fn a_database_migrated_by_a_newer_prefect_rs_is_refused_before_anything_runs() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y", "-r", V2])
        .run()
        .success();
    sqlite(
        &db_path(&env),
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (29991231000000, 'from the future', TRUE, X'00', 0)",
    );
    let schema = sqlite_schema(&db_path(&env));
    for args in [
        &["server", "database", "upgrade", "-y"][..],
        &["server", "database", "downgrade", "-y"],
        &["server", "database", "upgrade", "-y", "--dry-run"],
    ] {
        let out = env.cmd(args).run().code(1);
        insta::allow_duplicates! { assert_scrubbed!(env, out.stderr, @r"
        error: This database was migrated by a newer prefect-rs: it has migrations this binary (0.1.0) does not know: 29991231000000 from_the_future (applied [TIME]). Nothing was changed.
        hint: use the newer prefect-rs (or downgrade the database with it first), or point PREFECT_SERVER_DATABASE_CONNECTION_URL at another database
        "); }
    }
    assert_eq!(sqlite_schema(&db_path(&env)), schema);
    assert_eq!(applied_versions(&env), [V1, V2]);
    let out = env.cmd(&["server", "database", "current"]).run().success();
    assert_eq!(
        out.stdout,
        "29991231000000 from_the_future (unknown to this prefect-rs: migrated by a newer one)\n"
    );
    // reset is the explicit way out, and it says what it drops.
    env.cmd(&["server", "database", "reset", "-y"])
        .run()
        .success();
    assert_eq!(applied_versions(&env).len(), migration_count());
}

#[test]
fn an_edited_applied_migration_is_reported_by_name() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    sqlite(
        &db_path(&env),
        &format!("UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = {V2}"),
    );
    let out = env
        .cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .code(1);
    assert!(
        out.stderr.contains("20261121000200 task_runs (applied ")
            && out.stderr.contains("changed after it ran"),
        "{}",
        out.stderr
    );
    let out = env.cmd(&["server", "database", "history"]).run().success();
    let width = migrations().iter().map(|(_, n)| n.len()).max().unwrap();
    assert!(
        out.stdout
            .contains(&format!("{V2}  {:width$}  modified", "task_runs")),
        "{}",
        out.stdout
    );
}

#[test]
fn downgrade_and_reset_need_yes_without_a_terminal() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    let before = env.files();
    let out = env.cmd(&["server", "database", "downgrade"]).run().code(1);
    assert_scrubbed!(env, out.stderr, @r"
    error: Confirmation needed: Are you sure you want to downgrade the Prefect database at sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db? This reverts [HEAD].
    hint: no terminal to ask on; re-run with -y (--yes) to confirm
    ");
    let out = env.cmd(&["server", "database", "reset"]).run().code(1);
    assert!(
        out.stderr.contains("re-run with -y (--yes)"),
        "{}",
        out.stderr
    );
    assert_eq!(env.files(), before, "no backup, no change");
    assert_eq!(applied_versions(&env).len(), migration_count());
}

/// Rows in every table, as a parent of each child: flow -> flow_run -> flow_run_state, task_run -> task_run_state.
fn insert_runs(path: &Path) {
    sqlite(
        path,
        "INSERT INTO flow (id, created, updated, name) VALUES ('f1', 't', 't', 'etl');
         INSERT INTO flow_run (id, created, updated, name, flow_id) VALUES ('r1', 't', 't', 'brave-otter', 'f1');
         INSERT INTO flow_run_state (id, created, updated, flow_run_id, type, timestamp, name)
           VALUES ('s1', 't', 't', 'r1', 'PENDING', 't1', 'Pending'), ('s2', 't', 't', 'r1', 'RUNNING', 't2', 'Running');
         UPDATE flow_run SET state_id = 's2' WHERE id = 'r1';
         INSERT INTO task_run (id, created, updated, name, flow_run_id, task_key, dynamic_key)
           VALUES ('t1', 't', 't', 'extract-0', 'r1', 'extract', '0');
         INSERT INTO task_run_state (id, created, updated, task_run_id, type, timestamp, name)
           VALUES ('ts1', 't', 't', 't1', 'COMPLETED', 't', 'Completed');
         INSERT INTO flow_run (id, created, updated, name, flow_id, parent_task_run_id)
           VALUES ('r2', 't', 't', 'subflow', 'f1', 't1');",
    );
}

#[test]
fn sqlite_downgrade_rebuilding_flow_run_keeps_child_rows_and_backs_up_first() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    insert_runs(&db_path(&env));
    let out = env
        .cmd(&["server", "database", "downgrade", "-y", "-r", V1])
        .run()
        .success();
    assert_scrubbed!(env, out.stderr, @r"
    Backed up the database to [ROOT]/prefect-home/prefect.db.[STAMP].bak
    Running downgrade migrations ...
      reverted [ALL BUT THE FIRST, NEWEST FIRST]
    Migrations succeeded!
    Prefect database at sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db downgraded!
    It is now at 20261121000100 flows_and_flow_runs ([ALL BUT ONE] pending).
    ");
    let db = db_path(&env);
    assert_eq!(
        sqlite(&db, "SELECT id, state_id FROM flow_run ORDER BY id"),
        "r1|s2\nr2|\n"
    );
    assert_eq!(
        sqlite(&db, "SELECT id FROM flow_run_state ORDER BY id"),
        "s1\ns2\n"
    );
    assert_eq!(
        sqlite(&db, "PRAGMA foreign_keys"),
        "0\n",
        "sqlite3 CLI default; the check below is ours"
    );
    assert_eq!(sqlite(&db, "PRAGMA foreign_key_check"), "");
    // The backup holds the data as it was before the downgrade.
    let backup = std::fs::read_dir(env.home())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "bak"))
        .unwrap();
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(
        sqlite(&backup, "SELECT count(*) FROM task_run_state"),
        "1\n"
    );
    // Going up again works on the rebuilt table.
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    assert_eq!(sqlite(&db, "SELECT count(*) FROM flow_run_state"), "2\n");
}

#[test]
fn reset_backs_up_drops_everything_and_migrates_to_head() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    insert_runs(&db_path(&env));
    sqlite(&db_path(&env), "CREATE TABLE leftover (x INTEGER)");
    let out = env
        .cmd(&["server", "database", "reset", "-y"])
        .run()
        .success();
    assert_scrubbed!(env, out.stderr, @r#"
    Backed up the database to [ROOT]/prefect-home/prefect.db.[STAMP].bak
    Downgrading database...
    Upgrading database...
      applied  [EVERY MIGRATION]
    Prefect database "sqlite+aiosqlite:///[ROOT]/prefect-home/prefect.db" reset!
    "#);
    let db = db_path(&env);
    assert_eq!(sqlite(&db, "SELECT count(*) FROM flow_run"), "0\n");
    assert_eq!(
        sqlite(
            &db,
            "SELECT count(*) FROM sqlite_master WHERE name = 'leftover'"
        ),
        "0\n"
    );
    assert_eq!(applied_versions(&env).len(), migration_count());
}

#[test]
fn concurrent_upgrades_on_sqlite_both_finish_at_head() {
    let env = TestEnv::new();
    upgrade_concurrently(&env, None);
    assert_eq!(applied_versions(&env).len(), migration_count());
    assert_eq!(
        sqlite(&db_path(&env), "SELECT count(*) FROM _sqlx_migrations"),
        format!("{}\n", migration_count())
    );
}

#[test]
fn sqlite_schema_round_trips_through_every_migration() {
    let env = TestEnv::new();
    let versions = all_versions(&env);
    let db = db_path(&env);
    // Start from an empty, migrated-to-base database, so "base" has a schema to compare (sqlx's own table).
    env.cmd(&["server", "database", "upgrade", "-y", "-r", V1])
        .run()
        .success();
    env.cmd(&["server", "database", "downgrade", "-y", "-r", "base"])
        .run()
        .success();
    for (i, version) in versions.iter().enumerate() {
        let below = if i == 0 {
            "base".to_owned()
        } else {
            versions[i - 1].clone()
        };
        let at_below = sqlite_schema(&db);
        env.cmd(&["server", "database", "upgrade", "-y", "-r", version])
            .run()
            .success();
        assert_ne!(sqlite_schema(&db), at_below, "{version} changes the schema");
        env.cmd(&["server", "database", "downgrade", "-y", "-r", &below])
            .run()
            .success();
        assert_eq!(
            sqlite_schema(&db),
            at_below,
            "up to {version} and back to {below}"
        );
        env.cmd(&["server", "database", "upgrade", "-y", "-r", version])
            .run()
            .success();
    }
}

#[test]
fn bad_sqlite_files_and_urls_are_explained_and_left_alone() {
    let env = TestEnv::new();
    let garbage = env.write("work/not-a-db.db", "this is not a database\n");
    let before = env.files();
    let url = format!("sqlite+aiosqlite:///{}", garbage.display());
    let out = env
        .cmd(&["server", "database", "upgrade", "-y"])
        .env("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)
        .run()
        .code(1);
    assert_scrubbed!(env, out.stderr, @r"
    error: [ROOT]/work/not-a-db.db is not a SQLite database
    hint: point PREFECT_SERVER_DATABASE_CONNECTION_URL at a prefect-rs database, or move the file away
    hint: database URL: sqlite+aiosqlite:///[ROOT]/work/not-a-db.db
    ");
    let mut after = env.files();
    after.retain(|p, _| !p.to_string_lossy().ends_with(".lock"));
    assert_eq!(after, before);

    let out = env
        .cmd(&["server", "database", "upgrade", "-y"])
        .env(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "sqlite:////nonexistent/dir/prefect.db",
        )
        .run()
        .code(1);
    assert_scrubbed!(env, out.stderr, @r"
    error: Cannot create the SQLite database /nonexistent/dir/prefect.db: the directory /nonexistent/dir does not exist
    hint: create it with: mkdir -p /nonexistent/dir
    ");

    // An invalid URL never falls back to the default database.
    let out = env
        .cmd(&["server", "database", "upgrade", "-y"])
        .env(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "mysql://u:hunter2@h/db",
        )
        .run()
        .code(1);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("error: PREFECT_SERVER_DATABASE_CONNECTION_URL from the environment"),
        "{}",
        out.stderr
    );
    assert!(!env.home().join("prefect.db").exists());
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

fn pg_env(pg: &Postgres, db: &str) -> (TestEnv, impl Fn(&TestEnv, &[&str]) -> common::Output) {
    pg.create_database(db);
    let url = pg.url(db);
    let run = move |env: &TestEnv, args: &[&str]| {
        env.cmd(args)
            .env("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)
            .run()
    };
    (TestEnv::new(), run)
}

#[test]
fn postgres_upgrade_downgrade_reset_history_with_the_password_masked() {
    let pg = Postgres::start();
    let (env, run) = pg_env(&pg, "prefect");
    let out = run(&env, &["server", "database", "upgrade", "-y"]).success();
    assert_scrubbed!(env, out.stderr, @r"
    Running upgrade migrations ...
      applied  [EVERY MIGRATION]
    Migrations succeeded!
    Prefect database at postgresql+asyncpg://prefect:***@127.0.0.1:[PORT]/prefect upgraded!
    ");
    pg.psql(
        "prefect",
        "INSERT INTO flow (id, created, updated, name) VALUES (gen_random_uuid(), now(), now(), 'etl');
         INSERT INTO flow_run (id, created, updated, name, flow_id) SELECT gen_random_uuid(), now(), now(), 'r', id FROM flow;
         INSERT INTO flow_run_state (id, created, updated, flow_run_id, type, timestamp, name)
           SELECT gen_random_uuid(), now(), now(), id, 'PENDING', now(), 'Pending' FROM flow_run;",
    );
    let out = run(&env, &["server", "database", "downgrade", "-y", "-r", V1]).success();
    assert!(!out.stderr.contains(PASSWORD), "{}", out.stderr);
    assert!(
        !out.stderr.contains("Backed up"),
        "PostgreSQL is not copied: {}",
        out.stderr
    );
    assert_eq!(
        pg.psql("prefect", "SELECT count(*) FROM flow_run_state"),
        "1\n"
    );
    let out = run(&env, &["server", "database", "current", "-o", "json"]).success();
    let current: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(current["version"].to_string(), V1);
    assert_eq!(current["pending"], migration_count() - 1);
    assert!(current["url"].as_str().unwrap().contains(":***@"));

    pg.psql("prefect", "CREATE TABLE leftover (x int)");
    let out = run(&env, &["server", "database", "reset", "-y"]).success();
    assert!(
        out.stderr.contains("postgresql+asyncpg://prefect:***@"),
        "{}",
        out.stderr
    );
    assert_eq!(pg.psql("prefect", "SELECT count(*) FROM flow"), "0\n");
    assert_eq!(
        pg.psql(
            "prefect",
            "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'"
        ),
        "0\n"
    );
    assert_eq!(
        versions(run(&env, HISTORY_JSON), true).len(),
        migration_count()
    );
}

#[test]
fn postgres_schema_round_trips_and_concurrent_upgrades_finish() {
    let pg = Postgres::start();
    let (env, run) = pg_env(&pg, "roundtrip");
    let versions = all_versions(&env);
    run(&env, &["server", "database", "upgrade", "-y", "-r", V1]).success();
    run(
        &env,
        &["server", "database", "downgrade", "-y", "-r", "base"],
    )
    .success();
    for (i, version) in versions.iter().enumerate() {
        let below = if i == 0 {
            "base".to_owned()
        } else {
            versions[i - 1].clone()
        };
        let at_below = postgres_schema(&pg, "roundtrip");
        run(
            &env,
            &["server", "database", "upgrade", "-y", "-r", version],
        )
        .success();
        run(
            &env,
            &["server", "database", "downgrade", "-y", "-r", &below],
        )
        .success();
        assert_eq!(
            postgres_schema(&pg, "roundtrip"),
            at_below,
            "up to {version} and back to {below}"
        );
        run(
            &env,
            &["server", "database", "upgrade", "-y", "-r", version],
        )
        .success();
    }

    pg.create_database("concurrent");
    upgrade_concurrently(&env, Some(&pg.url("concurrent")));
    assert_eq!(
        pg.psql("concurrent", "SELECT count(*) FROM _sqlx_migrations"),
        format!("{}\n", migration_count())
    );
}

#[test]
fn postgres_connection_failures_say_where_and_why() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let try_url = |url: String| {
        env.cmd(&["server", "database", "upgrade", "-y"])
            .env("PREFECT_SERVER_DATABASE_CONNECTION_URL", url)
            .run()
            .code(1)
    };
    let wrong_password = try_url(format!(
        "postgresql+asyncpg://prefect:wrong@127.0.0.1:{}/postgres",
        pg.port
    ));
    assert_scrubbed!(env, wrong_password.stderr, @r"
    error: Cannot connect to PostgreSQL at 127.0.0.1:[PORT] (database 'postgres', user 'prefect'): password authentication failed
    hint: fix the user or password in PREFECT_SERVER_DATABASE_CONNECTION_URL
    hint: database URL: postgresql+asyncpg://prefect:***@127.0.0.1:[PORT]/postgres; see it with: prefect-rs config view --show-sources
    ");
    let missing_db = try_url(pg.url("nope"));
    assert_scrubbed!(env, missing_db.stderr, @r"
    error: Cannot connect to PostgreSQL at 127.0.0.1:[PORT] (database 'nope', user 'prefect'): database 'nope' does not exist
    hint: create it: createdb -h 127.0.0.1 -p [PORT] -U prefect nope
    hint: database URL: postgresql+asyncpg://prefect:***@127.0.0.1:[PORT]/nope; see it with: prefect-rs config view --show-sources
    ");
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = try_url(format!(
        "postgresql://prefect:{PASSWORD}@127.0.0.1:{free}/prefect"
    ));
    assert!(
        refused
            .stderr
            .contains("connection refused, nothing is listening there"),
        "{}",
        refused.stderr
    );
    for out in [&wrong_password, &missing_db, &refused] {
        assert!(
            !out.stderr.contains(PASSWORD) && !out.stderr.contains("wrong"),
            "{}",
            out.stderr
        );
    }
    assert!(
        !env.home().join("prefect.db").exists(),
        "no fallback to SQLite"
    );
}

/// Migration commands refuse to change the schema under a running server, and work again once it stops; two
/// servers share one database.
fn refused_while_a_server_runs(env: &TestEnv, vars: &[(&str, &str)]) {
    let run = |args: &[&str]| {
        let mut run = env.cmd(args);
        for (key, value) in vars {
            run = run.env(key, value);
        }
        run.run()
    };
    let server = common::server::Server::start(env, vars);
    let second = common::server::Server::start(env, vars);
    for command in [
        &["server", "database", "downgrade", "-y"][..],
        &["server", "database", "reset", "-y"],
        &["server", "database", "upgrade", "-y"],
    ] {
        let out = run(command).code(1);
        assert!(
            out.stderr
                .contains("A prefect-rs server is using this database")
                && out.stderr.contains("prefect-rs server stop"),
            "{command:?}: {}",
            out.stderr
        );
    }
    let current = run(&["server", "database", "current"]).success();
    assert!(
        current.stdout.contains("(head)"),
        "read-only commands still work: {}",
        current.stdout
    );
    server.stop().success();
    run(&["server", "database", "downgrade", "-y"]).code(1);
    second.stop().success();
    run(&["server", "database", "downgrade", "-y"]).success();
    let current = run(&["server", "database", "current"]).success();
    assert!(!current.stdout.contains("(head)"), "{}", current.stdout);
}

#[test]
fn migration_commands_refuse_while_a_server_uses_the_sqlite_database() {
    let env = TestEnv::new();
    refused_while_a_server_runs(&env, &[]);
}

#[test]
fn migration_commands_refuse_while_a_server_uses_the_postgres_database() {
    let pg = Postgres::start();
    pg.create_database("served");
    let env = TestEnv::new();
    refused_while_a_server_runs(
        &env,
        &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &pg.url("served"))],
    );
}

/// Runs a command with stdout and stderr on one real pipe, as `prefect-rs … 2>&1 | head -1` does: the reader
/// takes the first line and closes (`after_first_line`), or is closed before the command writes anything.
fn run_into_closing_pipe(env: &TestEnv, args: &[&str], after_first_line: bool) -> i32 {
    use std::io::BufRead;
    let (reader, writer) = std::io::pipe().unwrap();
    let reader = after_first_line.then_some(reader);
    let mut command = env.cmd(args).into_command();
    command
        .stdin(std::process::Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer);
    let mut child = command.spawn().unwrap();
    // Our copies of the write end close with the Command, so the reader alone decides when the pipe breaks.
    drop(command);
    if let Some(reader) = reader {
        let mut first = String::new();
        std::io::BufReader::new(reader)
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty(), "{args:?} wrote nothing");
    }
    child.wait().unwrap().code().expect("exited, not killed")
}

#[test]
fn a_closed_output_pipe_never_stops_a_migration_half_way() {
    for after_first_line in [false, true] {
        let env = TestEnv::new();
        let upgrade = &["server", "database", "upgrade", "-y"];
        assert_eq!(run_into_closing_pipe(&env, upgrade, after_first_line), 0);
        assert_eq!(
            applied_versions(&env).len(),
            migration_count(),
            "upgrade, first line: {after_first_line}"
        );

        insert_runs(&db_path(&env));
        let reset = &["server", "database", "reset", "-y"];
        assert_eq!(run_into_closing_pipe(&env, reset, after_first_line), 0);
        assert_eq!(
            applied_versions(&env).len(),
            migration_count(),
            "reset, first line: {after_first_line}"
        );
        assert_eq!(
            sqlite(&db_path(&env), "SELECT count(*) FROM flow_run"),
            "0\n"
        );

        let downgrade = &["server", "database", "downgrade", "-y", "-r", "base"];
        assert_eq!(run_into_closing_pipe(&env, downgrade, after_first_line), 0);
        assert_eq!(
            applied_versions(&env),
            Vec::<String>::new(),
            "downgrade, first line: {after_first_line}"
        );
    }
}

/// The files in PREFECT_HOME named as finished backups (`….bak`), and those of unfinished ones (`….bak.part`).
fn backup_files(env: &TestEnv) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut names: Vec<PathBuf> = std::fs::read_dir(env.home())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let named = |suffix: &str| -> Vec<PathBuf> {
        names
            .iter()
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .cloned()
            .collect()
    };
    (named(".bak"), named(".bak.part"))
}

/// A backup is whole: every row of the database it copied, 20 MB of it.
fn assert_whole_backup(backup: &Path) {
    assert_eq!(
        sqlite(backup, "PRAGMA integrity_check"),
        "ok\n",
        "{}",
        backup.display()
    );
    assert_eq!(
        sqlite(backup, "SELECT count(*) FROM filler"),
        "40\n",
        "{}",
        backup.display()
    );
    assert_eq!(
        sqlite(backup, "SELECT count(*) FROM flow_run"),
        "2\n",
        "{}",
        backup.display()
    );
}

#[test]
fn a_backup_killed_half_way_is_never_left_under_a_backups_name() {
    let env = TestEnv::new();
    env.cmd(&["server", "database", "upgrade", "-y"])
        .run()
        .success();
    let db = db_path(&env);
    insert_runs(&db);
    // Big enough that the copy takes a while, so the kill lands during it.
    sqlite(
        &db,
        "CREATE TABLE filler (b BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
         INSERT INTO filler SELECT randomblob(500000) FROM n;",
    );
    let mut downgrade = env
        .cmd(&["server", "database", "downgrade", "-y"])
        .into_command();
    downgrade
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = downgrade.spawn().unwrap();
    // kill -9 as soon as a backup file of any name appears (bounded: the command may also finish first).
    for _ in 0..20_000 {
        let (done, part) = backup_files(&env);
        if !done.is_empty() || !part.is_empty() || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let (done, left_over) = backup_files(&env);
    for backup in &done {
        assert_whole_backup(backup);
    }
    assert_eq!(done.len() + left_over.len(), 1, "{done:?} {left_over:?}");

    // A leftover `.part`, and garbage under the names the next backups would take, are never taken for one.
    let stamp = |seconds: i64| {
        (chrono::Utc::now() + chrono::TimeDelta::seconds(seconds)).format("%Y%m%dT%H%M%SZ")
    };
    let mut planted = Vec::new();
    for seconds in 0..3 {
        let path = env
            .home()
            .join(format!("prefect.db.{}.bak.part", stamp(seconds)));
        if !path.exists() {
            std::fs::write(&path, "half a backup").unwrap();
            planted.push(path);
        }
    }
    let out = env
        .cmd(&["server", "database", "downgrade", "-y"])
        .run()
        .success();
    let (done_now, left_now) = backup_files(&env);
    let new: Vec<&PathBuf> = done_now.iter().filter(|p| !done.contains(p)).collect();
    assert_eq!(new.len(), 1, "{done_now:?}");
    assert_whole_backup(new[0]);
    assert!(
        out.stderr
            .contains(&format!("Backed up the database to {}\n", new[0].display())),
        "{}",
        out.stderr
    );
    for path in &planted {
        assert_eq!(std::fs::read_to_string(path).unwrap(), "half a backup");
    }
    assert_eq!(
        left_now.len(),
        left_over.len() + planted.len(),
        "{left_now:?}"
    );
}
