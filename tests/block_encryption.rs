//! Block documents' data is encrypted at rest, as Prefect's server encrypts it: a saved Secret's value is not in
//! the database (read with sqlite3 / psql), replicas on one PostgreSQL share one key and read each other's
//! blocks, and a downgrade decrypts (its SQL refuses while data is encrypted) and an upgrade encrypts again.

mod common;

use std::path::{Path, PathBuf};

use common::postgres::Postgres;
use common::server::{Server, request};
use common::{TestEnv, python_prefect, sqlite};
use serde_json::{Value, json};

fn call(server: &Server, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let text = body.map(|b| b.to_string());
    let (status, reply) = request(
        method,
        &format!("{}{path}", server.api_url()),
        text.as_deref(),
        &[],
    );
    let value = serde_json::from_str(&reply).unwrap_or(Value::Null);
    (status, value)
}

/// Prefect's own `secret` block type (installed at start): (type id, schema id).
fn secret_type(server: &Server) -> (String, String) {
    let (status, block_type) = call(server, "GET", "/block_types/slug/secret", None);
    assert_eq!(status, 200, "{block_type}");
    let filter = json!({"block_schemas": {"block_type_id": {"any_": [block_type["id"]]}}});
    let (status, schemas) = call(server, "POST", "/block_schemas/filter", Some(filter));
    assert_eq!(status, 200, "{schemas}");
    (
        block_type["id"].as_str().unwrap().into(),
        schemas[0]["id"].as_str().unwrap().into(),
    )
}

fn save_secret(server: &Server, name: &str, value: &str) {
    save_secret_as(server, &secret_type(server), name, value);
}

fn save_secret_as(
    server: &Server,
    (type_id, schema_id): &(String, String),
    name: &str,
    value: &str,
) {
    let body = json!({"name": name, "data": {"value": value}, "block_type_id": type_id,
        "block_schema_id": schema_id});
    let (status, reply) = call(server, "POST", "/block_documents/", Some(body));
    assert_eq!(status, 201, "{reply}");
}

/// The secret's value as the API gives it back with `include_secrets`.
fn load_secret(server: &Server, name: &str) -> Value {
    let path = format!("/block_types/slug/secret/block_documents/name/{name}?include_secrets=true");
    let (status, reply) = call(server, "GET", &path, None);
    assert_eq!(status, 200, "{name}: {reply}");
    reply["data"]["value"].clone()
}

fn database_file(env: &TestEnv) -> PathBuf {
    env.home().join("prefect.db")
}

/// Every byte SQLite keeps for the database: the file and its write-ahead log.
fn sqlite_bytes(path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(path).unwrap();
    let wal = path.with_extension("db-wal");
    if wal.exists() {
        bytes.extend(std::fs::read(wal).unwrap());
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_secret_saved_by_the_client_is_not_in_the_sqlite_file_and_still_loads() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let python = python_prefect().parent().unwrap().join("python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/secret_block.py");
    let out = env
        .program(&python, &[script.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    assert!(
        out.stdout.contains("VALUE s3cret"),
        "Secret.load gives back what Secret.save stored: {}\n{}",
        out.stdout,
        out.stderr
    );
    let inspect = env
        .program(python_prefect(), &["block", "inspect", "secret/my-secret"])
        .env("PREFECT_API_URL", server.api_url())
        .env("COLUMNS", "200")
        .run()
        .success();
    assert!(inspect.stdout.contains("********"), "{}", inspect.stdout);
    server.stop();

    let db = database_file(&env);
    assert!(
        !contains(&sqlite_bytes(&db), "s3cret"),
        "the secret is nowhere in the database file or its log"
    );
    let stored = sqlite(&db, "SELECT json_type(data), data FROM block_document");
    assert!(
        stored.starts_with("text|\"gAAAAA"),
        "a Fernet token: {stored}"
    );
    let key = sqlite(
        &db,
        "SELECT key, json_type(value, '$.fernet_key') FROM configuration",
    );
    assert_eq!(key, "ENCRYPTION_KEY|text\n", "one key, in Prefect's shape");
}

/// Saves per server in the race for the first key.
const SAVES: usize = 8;
/// Times the race is run.
const ROUNDS: usize = 6;

#[test]
fn two_servers_on_one_postgres_agree_on_one_key_and_read_each_others_blocks() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let url = pg.url("prefect");
    let vars = [("PREFECT_SERVER_DATABASE_CONNECTION_URL", url.as_str())];
    let (env_a, env_b) = (TestEnv::new(), TestEnv::new());
    let servers = [Server::start(&env_a, &vars), Server::start(&env_b, &vars)];
    let ids: Vec<(String, String)> = servers.iter().map(secret_type).collect();
    // The race for the first key is short: run it a few times, from no key and no documents each time.
    for _ in 0..ROUNDS {
        pg.psql(
            "prefect",
            "DELETE FROM block_document; DELETE FROM configuration",
        );
        // Both servers save at once while the database has no key yet: each would make one.
        let start = std::sync::Barrier::new(2 * SAVES);
        std::thread::scope(|scope| {
            for (s, server) in servers.iter().enumerate() {
                for n in 0..SAVES {
                    let (ids, start) = (&ids[s], &start);
                    scope.spawn(move || {
                        start.wait();
                        save_secret_as(server, ids, &format!("s{s}-{n}"), &format!("value-{s}-{n}"))
                    });
                }
            }
        });
        assert_eq!(
            pg.psql("prefect", "SELECT count(*) FROM configuration"),
            "1\n",
            "the replicas agreed on one key"
        );
        for server in &servers {
            for s in 0..2 {
                for n in 0..SAVES {
                    assert_eq!(
                        load_secret(server, &format!("s{s}-{n}")),
                        json!(format!("value-{s}-{n}"))
                    );
                }
            }
        }
        let stored = pg.psql("prefect", "SELECT data::text FROM block_document");
        assert!(!stored.contains("value-"), "no value at rest: {stored}");
    }
    for server in servers {
        server.stop();
    }
}

/// Saves secrets, downgrades past the encryption migration (data decrypted, key dropped), upgrades again (data
/// encrypted again), and reads every secret back; `stored` lists the `data` column as the database has it.
fn downgrade_then_upgrade_keeps_blocks(
    env: &TestEnv,
    vars: &[(&str, &str)],
    stored: &dyn Fn() -> String,
) {
    let server = Server::start(env, vars);
    save_secret(&server, "first", "alpha-value");
    save_secret(&server, "second", "beta-value");
    server.stop();
    assert!(!stored().contains("alpha-value"), "{}", stored());

    // To the migration before block_encryption (later migrations are reverted on the way).
    let mut downgrade = env.cmd(&[
        "server",
        "database",
        "downgrade",
        "-y",
        "-r",
        "20261201160000",
    ]);
    let mut upgrade = env.cmd(&["server", "database", "upgrade", "-y"]);
    for (key, value) in vars {
        downgrade = downgrade.env(key, value);
        upgrade = upgrade.env(key, value);
    }
    let out = downgrade.run().success();
    assert!(
        out.stderr
            .contains("reverted 20261201170000 block_encryption"),
        "{}",
        out.stderr
    );
    assert!(
        stored().contains("alpha-value") && stored().contains("beta-value"),
        "the version before encryption reads plain data: {}",
        stored()
    );

    let out = upgrade.run().success();
    assert!(
        out.stderr
            .contains("applied  20261201170000 block_encryption"),
        "{}",
        out.stderr
    );
    assert!(
        !stored().contains("-value"),
        "encrypted again: {}",
        stored()
    );

    let server = Server::start(env, vars);
    assert_eq!(load_secret(&server, "first"), json!("alpha-value"));
    assert_eq!(load_secret(&server, "second"), json!("beta-value"));
    server.stop();
}

#[test]
fn downgrade_then_upgrade_keeps_every_block_readable_on_sqlite() {
    let env = TestEnv::new();
    let db = database_file(&env);
    downgrade_then_upgrade_keeps_blocks(&env, &[], &|| {
        sqlite(&db, "SELECT data FROM block_document")
    });
}

#[test]
fn downgrade_then_upgrade_keeps_every_block_readable_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    downgrade_then_upgrade_keeps_blocks(
        &env,
        &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)],
        &|| pg.psql("prefect", "SELECT data::text FROM block_document"),
    );
}

#[test]
fn the_down_sql_run_by_another_tool_refuses_while_data_is_encrypted() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    save_secret(&server, "kept", "gamma-value");
    server.stop();
    let db = database_file(&env);
    let down = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations/sqlite/20261201170000_block_encryption.down.sql");
    // -bail: stop at the first failed statement, as sqlx and other migration runners do.
    let out = std::process::Command::new("sqlite3")
        .arg("-bail")
        .arg(&db)
        .arg(format!(".read {}", down.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("block_documents_still_encrypted_downgrade_with_prefect_rs"),
        "refused, naming why: {stderr}"
    );
    assert_eq!(
        sqlite(&db, "SELECT count(*) FROM configuration"),
        "1\n",
        "the key is kept"
    );

    let server = Server::start(&env, &[]);
    assert_eq!(load_secret(&server, "kept"), json!("gamma-value"));
    server.stop();
}

#[test]
fn the_down_sql_refuses_on_postgres_too_while_data_is_encrypted() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    save_secret(&server, "kept", "delta-value");
    server.stop();
    let down = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations/postgres/20261201170000_block_encryption.down.sql"),
    )
    .unwrap();
    let refused =
        std::panic::catch_unwind(|| pg.psql("prefect", &format!("BEGIN; {down} COMMIT;")));
    let message = *refused
        .expect_err("the down SQL fails")
        .downcast::<String>()
        .unwrap();
    assert!(
        message.contains("block documents are still encrypted"),
        "{message}"
    );
    assert_eq!(
        pg.psql("prefect", "SELECT count(*) FROM configuration"),
        "1\n",
        "the key is kept"
    );
}

#[test]
fn data_under_a_replaced_key_is_a_logged_error_and_readable_again_with_the_original() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    save_secret(&server, "kept", "epsilon-value");
    server.stop();
    let db = database_file(&env);
    let original = sqlite(&db, "SELECT value FROM configuration");
    // Another valid Fernet key (32 bytes of zeros), as if the row had been overwritten.
    let other = r#"{"fernet_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#;
    sqlite(&db, &format!("UPDATE configuration SET value = '{other}'"));

    let server = Server::start(&env, &[]);
    let path = "/block_types/slug/secret/block_documents/name/kept?include_secrets=true";
    let (status, _) = call(&server, "GET", path, None);
    assert_eq!(
        status, 500,
        "as Prefect's server answers an undecryptable block"
    );
    let out = server.stop();
    assert!(
        out.stderr
            .contains("does not decrypt with the database's ENCRYPTION_KEY"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("AAAAAAAAAAAAAAAAAAAA"),
        "the key is never logged"
    );

    sqlite(
        &db,
        &format!("UPDATE configuration SET value = '{}'", original.trim()),
    );
    let server = Server::start(&env, &[]);
    assert_eq!(load_secret(&server, "kept"), json!("epsilon-value"));
    server.stop();
}

/// A valid Fernet key for `PREFECT_SERVER_ENCRYPTION_KEY` (32 bytes, url-safe base64), easy to search for.
const SETTING_KEY: &str = "c2V0dGluZy1rZXktZm9yLXRoZS10ZXN0cy0xMjM0NTY=";

/// Every file under `dir` (the home: database, logs, profiles) holds no `needle`.
fn nowhere_under(dir: &Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().all(|entry| {
        let path = entry.unwrap().path();
        if path.is_dir() {
            nowhere_under(&path, needle)
        } else {
            !contains(&std::fs::read(&path).unwrap(), needle)
        }
    })
}

#[test]
fn with_the_encryption_key_setting_a_secret_round_trips_and_no_key_is_stored() {
    let env = TestEnv::new();
    let vars = [("PREFECT_SERVER_ENCRYPTION_KEY", SETTING_KEY)];
    let server = Server::start(&env, &vars);
    let python = python_prefect().parent().unwrap().join("python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/secret_block.py");
    let out = env
        .program(&python, &[script.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    assert!(
        out.stdout.contains("VALUE s3cret"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    let masked = env
        .cmd(&["config", "view"])
        .env("PREFECT_SERVER_ENCRYPTION_KEY", SETTING_KEY)
        .run()
        .success();
    assert!(
        masked.stdout.contains("PREFECT_SERVER_ENCRYPTION_KEY")
            && !masked.stdout.contains(SETTING_KEY),
        "the setting is masked: {}",
        masked.stdout
    );
    let served = server.stop();

    let db = database_file(&env);
    assert_eq!(
        sqlite(&db, "SELECT count(*) FROM configuration"),
        "0\n",
        "the key is not stored"
    );
    let stored = sqlite(&db, "SELECT data FROM block_document");
    assert!(
        stored.starts_with("\"gAAAAA") && !stored.contains("s3cret"),
        "{stored}"
    );
    for text in [&served.stdout, &served.stderr] {
        assert!(
            !text.contains(SETTING_KEY),
            "the key is not in the server's output: {text}"
        );
    }
    assert!(
        nowhere_under(&env.home(), SETTING_KEY),
        "nor in any file of the home"
    );

    // Without the setting the server has no key for that data: the stored key was never the one used.
    let server = Server::start(&env, &[]);
    let path = "/block_types/slug/secret/block_documents/name/my-secret?include_secrets=true";
    assert_eq!(call(&server, "GET", path, None).0, 500);
    server.stop();
    // With it again, the data reads.
    let server = Server::start(&env, &vars);
    assert_eq!(load_secret(&server, "my-secret"), json!("s3cret"));
    server.stop();
}

#[test]
fn with_the_encryption_key_setting_migrations_decrypt_and_encrypt_with_it() {
    let env = TestEnv::new();
    let db = database_file(&env);
    downgrade_then_upgrade_keeps_blocks(
        &env,
        &[("PREFECT_SERVER_ENCRYPTION_KEY", SETTING_KEY)],
        &|| sqlite(&db, "SELECT data FROM block_document"),
    );
    assert_eq!(sqlite(&db, "SELECT count(*) FROM configuration"), "0\n");
}

#[test]
fn a_bad_encryption_key_setting_refuses_to_start_and_is_not_echoed() {
    let env = TestEnv::new();
    let bad = "not-a-fernet-key-but-a-password";
    let out = env
        .cmd(&[
            "server",
            "start",
            "--no-docker",
            "--port",
            &common::server::free_port().to_string(),
        ])
        .env("PREFECT_SERVER_ENCRYPTION_KEY", bad)
        .run()
        .code(1);
    assert!(
        out.stderr
            .contains("PREFECT_SERVER_ENCRYPTION_KEY is not a Fernet key")
            && out.stderr.contains("openssl rand -base64 32"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(bad) && !out.stdout.contains(bad),
        "{}",
        out.stderr
    );
    assert!(
        !database_file(&env).exists(),
        "refused before the database is touched"
    );
}
