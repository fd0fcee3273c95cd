//! Concurrency-limit lifecycle events, as Prefect 3.8.8 emits them, through the real server on SQLite and
//! PostgreSQL: `prefect.concurrency-limit.created` / `updated` / `deleted` about resource
//! `prefect.concurrency-limit.{id}` (named after the limit) with payload `{name, limit, active,
//! slot_decay_per_second}`, for global (v2) limits and for tag (v1) limits, which Prefect 3.8 keeps as the v2
//! limits named `tag:<tag>`: the v1 routes' upsert emits created then updated, their deletes deleted.

mod common;

use common::TestEnv;
use common::postgres::Postgres;
use common::server::{Server, post, request};
use serde_json::{Value, json};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn call(api: &str, method: &str, path: &str, body: Value, want: u16) -> Value {
    let (status, text) = request(
        method,
        &format!("{api}{path}"),
        Some(&body.to_string()),
        &[],
    );
    assert_eq!(status, want, "{method} {path}: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        parse(&text)
    }
}

/// Makes the changes; the ids of the v2 limit and the tag limit.
fn change_limits(api: &str) -> (String, String) {
    let (status, text) = post(
        &format!("{api}/v2/concurrency_limits/"),
        &json!({"name": "gcl", "limit": 2, "slot_decay_per_second": 0.5}).to_string(),
    );
    assert_eq!(status, 201, "{text}");
    let gcl = parse(&text)["id"].as_str().unwrap().to_owned();
    call(
        api,
        "PATCH",
        "/v2/concurrency_limits/gcl",
        json!({"limit": 3, "active": false}),
        204,
    );
    call(
        api,
        "PATCH",
        &format!("/v2/concurrency_limits/{gcl}"),
        json!({"name": "gcl-renamed"}),
        204,
    );
    call(
        api,
        "DELETE",
        "/v2/concurrency_limits/gcl-renamed",
        Value::Null,
        204,
    );
    call(
        api,
        "DELETE",
        "/v2/concurrency_limits/gcl-renamed",
        Value::Null,
        404,
    );

    let tag = call(
        api,
        "POST",
        "/concurrency_limits/",
        json!({"tag": "db", "concurrency_limit": 1}),
        201,
    );
    call(
        api,
        "POST",
        "/concurrency_limits/",
        json!({"tag": "db", "concurrency_limit": 4}),
        200,
    );
    call(
        api,
        "DELETE",
        "/concurrency_limits/tag/db",
        Value::Null,
        200,
    );
    let again = call(
        api,
        "POST",
        "/concurrency_limits/",
        json!({"tag": "db2", "concurrency_limit": 1}),
        201,
    );
    let again_id = again["id"].as_str().unwrap().to_owned();
    call(
        api,
        "DELETE",
        &format!("/concurrency_limits/{again_id}"),
        Value::Null,
        200,
    );
    (gcl, tag["id"].as_str().unwrap().to_owned())
}

const QUERY: &str = "SELECT event, resource, payload FROM events WHERE event LIKE 'prefect.concurrency-limit.%' ORDER BY occurred, id";

fn check(rows: Vec<(String, Value, Value)>, gcl: &str, tag: &str) {
    let expected = |event: &str, id: &str, name: &str, limit: i64, active: bool, decay: f64| {
        (
            format!("prefect.concurrency-limit.{event}"),
            json!({"prefect.resource.id": format!("prefect.concurrency-limit.{id}"), "prefect.resource.name": name}),
            json!({"name": name, "limit": limit, "active": active, "slot_decay_per_second": decay}),
        )
    };
    assert_eq!(rows.len(), 9, "{rows:#?}");
    assert_eq!(rows[0], expected("created", gcl, "gcl", 2, true, 0.5));
    assert_eq!(rows[1], expected("updated", gcl, "gcl", 3, false, 0.5));
    assert_eq!(
        rows[2],
        expected("updated", gcl, "gcl-renamed", 3, false, 0.5)
    );
    assert_eq!(
        rows[3],
        expected("deleted", gcl, "gcl-renamed", 3, false, 0.5)
    );
    assert_eq!(rows[4], expected("created", tag, "tag:db", 1, true, 0.0));
    assert_eq!(rows[5], expected("updated", tag, "tag:db", 4, true, 0.0));
    assert_eq!(rows[6], expected("deleted", tag, "tag:db", 4, true, 0.0));
    assert_eq!(rows[7].0, "prefect.concurrency-limit.created");
    assert_eq!(rows[8].0, "prefect.concurrency-limit.deleted");
    assert_eq!(rows[8].2["name"], "tag:db2");
}

fn rows(text: &str) -> Vec<(String, Value, Value)> {
    text.lines()
        .map(|line| {
            let mut parts = line.splitn(3, '|');
            let event = parts.next().unwrap().to_owned();
            let resource = parse(parts.next().unwrap());
            let payload = parse(parts.next().unwrap());
            (event, resource, payload)
        })
        .collect()
}

#[test]
fn concurrency_limit_changes_emit_prefects_lifecycle_events_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let (gcl, tag) = change_limits(&server.api_url());
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = common::sqlite(&env.home().join("prefect.db"), QUERY);
    check(rows(&text), &gcl, &tag);
}

#[test]
fn concurrency_limit_changes_emit_prefects_lifecycle_events_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    let (gcl, tag) = change_limits(&server.api_url());
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = pg.psql(
        "prefect",
        "SELECT event, resource::text, payload::text FROM events \
         WHERE event LIKE 'prefect.concurrency-limit.%' ORDER BY occurred, id",
    );
    check(rows(&text), &gcl, &tag);
}
