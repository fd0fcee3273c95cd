//! Concurrency limits through the real server, on SQLite and PostgreSQL: global (v2) limits and their slots,
//! leases, renewal, expiry and decay; tag (v1) limits as the v2 limits named `tag:<tag>`; Prefect's answers to
//! bad input; two replicas on one PostgreSQL never granting the same slot; and the official client and CLI
//! running flows with tagged tasks, a tag limit, `concurrency()` and `rate_limit()`.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, exchange, get, post, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

const TASK_RUN: &str = "7d1e0e5c-7a9d-4c2e-9b0f-2f1a2c3d4e5f";

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The server on SQLite (a file in PREFECT_HOME) or on database `db` of `pg`, created if need be.
fn start(env: &TestEnv, pg: Option<(&Postgres, &str)>, extra: &[(&str, &str)]) -> Server {
    let mut vars: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_string())).collect();
    if let Some((pg, db)) = pg {
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", pg.url(db)));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(env, &vars)
}

fn call(server: &Server, method: &str, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = if method == "GET" {
        get(&url)
    } else {
        request(method, &url, Some(&body.to_string()), &[])
    };
    let value = if text.is_empty() {
        Value::Null
    } else {
        parse(&text)
    };
    (status, value)
}

fn create_limit(server: &Server, body: Value) -> Value {
    let (status, limit) = call(server, "POST", "/v2/concurrency_limits/", body);
    assert_eq!(status, 201, "{limit}");
    limit
}

fn take_lease(server: &Server, names: &[&str]) -> (u16, Value) {
    call(
        server,
        "POST",
        "/v2/concurrency_limits/increment-with-lease",
        json!({ "names": names, "slots": 1, "mode": "concurrency", "lease_duration": 60,
                "holder": { "type": "task_run", "id": TASK_RUN } }),
    )
}

fn active_slots(server: &Server, name: &str) -> i64 {
    let (status, limit) = call(
        server,
        "GET",
        &format!("/v2/concurrency_limits/{name}"),
        Value::Null,
    );
    assert_eq!(status, 200, "{limit}");
    limit["active_slots"].as_i64().unwrap()
}

/// The call every tagged task makes: names without a limit pass straight through, with or without
/// `create_if_missing` (Prefect ignores it), and their lease can be renewed and released.
fn tags_without_a_limit_pass_straight_through(server: &Server) {
    let (status, lease) = take_lease(server, &["tag:nobody-limits-this"]);
    assert_eq!(status, 200, "{lease}");
    assert_eq!(lease["limits"], json!([]));
    let lease_id = lease["lease_id"].as_str().unwrap();
    let (status, _) = call(
        server,
        "POST",
        &format!("/v2/concurrency_limits/leases/{lease_id}/renew"),
        json!({ "lease_duration": 60 }),
    );
    assert_eq!(status, 204);
    let (status, _) = call(
        server,
        "POST",
        "/v2/concurrency_limits/decrement-with-lease",
        json!({ "lease_id": lease_id }),
    );
    assert_eq!(status, 204);
    for body in [
        json!({ "names": ["nope"], "slots": 1, "create_if_missing": true }),
        json!({ "names": ["nope"], "slots": 1 }),
    ] {
        let (status, limits) = call(server, "POST", "/v2/concurrency_limits/increment", body);
        assert_eq!((status, limits), (200, json!([])));
    }
    let (status, limits) = call(
        server,
        "POST",
        "/v2/concurrency_limits/decrement",
        json!({ "names": ["nope"], "slots": 1 }),
    );
    assert_eq!((status, limits), (200, json!([])));
    let (status, _) = call(server, "GET", "/v2/concurrency_limits/nope", Value::Null);
    assert_eq!(status, 404, "a name without a limit is not created");
}

/// Slots are bounded, a refusal is 423 with Retry-After, a release frees the slot, a released lease is gone.
fn slots_leases_and_decay(server: &Server) {
    let created = create_limit(server, json!({ "name": "one-slot", "limit": 1 }));
    assert_eq!(
        (
            created["active_slots"].clone(),
            created["denied_slots"].clone(),
            created["avg_slot_occupancy_seconds"].clone()
        ),
        (json!(0), json!(0), json!(2.0))
    );
    let (status, lease) = take_lease(server, &["one-slot", "tag:unlimited"]);
    assert_eq!(status, 200, "{lease}");
    assert_eq!(lease["limits"][0]["name"], "one-slot");
    assert_eq!(lease["limits"].as_array().unwrap().len(), 1);
    assert_eq!(active_slots(server, "one-slot"), 1);

    let url = format!(
        "{}/v2/concurrency_limits/increment-with-lease",
        server.api_url()
    );
    let body = json!({ "names": ["one-slot"], "slots": 1 }).to_string();
    let refused = exchange(
        "POST",
        &url,
        Some(body.as_bytes()),
        &[("Content-Type", "application/json")],
    );
    assert_eq!(refused.status, 423, "{}", refused.body);
    assert_eq!(parse(&refused.body), json!({ "detail": "Locked" }));
    let retry: f64 = refused
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry > 0.0, "{retry}");

    let lease_id = lease["lease_id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        server,
        "POST",
        "/v2/concurrency_limits/decrement-with-lease",
        json!({ "lease_id": lease_id }),
    );
    assert_eq!(status, 204);
    assert_eq!(active_slots(server, "one-slot"), 0);
    // Released twice: no error, and no slot given back twice.
    let (status, _) = call(
        server,
        "POST",
        "/v2/concurrency_limits/decrement-with-lease",
        json!({ "lease_id": lease_id }),
    );
    assert_eq!(status, 204);
    assert_eq!(active_slots(server, "one-slot"), 0);
    let (status, gone) = call(
        server,
        "POST",
        &format!("/v2/concurrency_limits/leases/{lease_id}/renew"),
        json!({}),
    );
    assert_eq!(
        (status, gone),
        (
            410,
            json!({ "detail": "Lease not found - it may have expired or been revoked" })
        )
    );

    // Without a lease: increment and decrement by name.
    let (status, taken) = call(
        server,
        "POST",
        "/v2/concurrency_limits/increment",
        json!({ "names": ["one-slot"], "slots": 1 }),
    );
    assert_eq!(status, 200, "{taken}");
    assert_eq!(taken[0]["limit"], 1);
    let (status, _) = call(
        server,
        "POST",
        "/v2/concurrency_limits/decrement",
        json!({ "names": ["one-slot"], "slots": 1, "occupancy_seconds": 4.0 }),
    );
    assert_eq!(status, 200);
    assert_eq!(active_slots(server, "one-slot"), 0);

    // Update and rate limiting: with slot decay, slots free themselves.
    let (status, _) = call(
        server,
        "PATCH",
        "/v2/concurrency_limits/one-slot",
        json!({ "slot_decay_per_second": 1000.0 }),
    );
    assert_eq!(status, 204);
    for _ in 0..3 {
        let (status, taken) = call(
            server,
            "POST",
            "/v2/concurrency_limits/increment",
            json!({ "names": ["one-slot"], "slots": 1, "mode": "rate_limit" }),
        );
        if status == 423 {
            // Decay is per whole second elapsed since the last change; one second frees a thousand slots.
            std::thread::sleep(Duration::from_millis(1100));
            continue;
        }
        assert_eq!(status, 200, "{taken}");
    }

    let (status, limits) = call(
        server,
        "POST",
        "/v2/concurrency_limits/filter",
        json!({ "limit": 10 }),
    );
    assert_eq!(status, 200);
    let names: Vec<&str> = limits
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"one-slot"), "{names:?}");
    assert!(
        limits[0].get("denied_slots").is_none(),
        "reads answer GlobalConcurrencyLimitResponse"
    );

    let id = created["id"].as_str().unwrap();
    let (status, by_id) = call(
        server,
        "GET",
        &format!("/v2/concurrency_limits/{id}"),
        Value::Null,
    );
    assert_eq!((status, by_id["name"].clone()), (200, json!("one-slot")));
    let (status, _) = call(
        server,
        "DELETE",
        &format!("/v2/concurrency_limits/{id}"),
        Value::Null,
    );
    assert_eq!(status, 204);
    let (status, missing) = call(
        server,
        "DELETE",
        "/v2/concurrency_limits/one-slot",
        Value::Null,
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Concurrency Limit not found" }))
    );
}

/// Prefect's answers to bad input (checked against Prefect 3.9.1's server).
fn bad_input_gets_prefects_answers(server: &Server) {
    let detail = |body: &Value| body["exception_detail"][0].clone();
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/",
        json!({ "name": "neg", "limit": -1 }),
    );
    assert_eq!(status, 422);
    assert_eq!(detail(&body)["loc"], json!(["body", "limit"]));
    assert_eq!(detail(&body)["type"], "greater_than_equal");
    assert_eq!(
        detail(&body)["msg"],
        "Input should be greater than or equal to 0"
    );
    let (status, body) = call(
        server,
        "POST",
        "/concurrency_limits/",
        json!({ "tag": "neg", "concurrency_limit": -1 }),
    );
    assert_eq!(
        (status, detail(&body)["type"].clone()),
        (422, json!("greater_than_equal"))
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/",
        json!({ "name": "a/b", "limit": 1 }),
    );
    assert_eq!(
        (status, detail(&body)["type"].clone()),
        (422, json!("string_pattern_mismatch"))
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/",
        json!({ "name": "x", "limit": 1, "bogus": 1 }),
    );
    assert_eq!(
        (status, detail(&body)["type"].clone()),
        (422, json!("extra_forbidden"))
    );
    let (status, body) = call(
        server,
        "PATCH",
        "/v2/concurrency_limits/nope",
        json!({ "limit": 5 }),
    );
    assert_eq!(
        (status, body),
        (404, json!({ "detail": "Concurrency Limit not found" }))
    );
    let (status, body) = call(server, "GET", "/v2/concurrency_limits/nope", Value::Null);
    assert_eq!(
        (status, body),
        (404, json!({ "detail": "Concurrency Limit not found" }))
    );
    let (status, body) = call(server, "GET", "/concurrency_limits/tag/nope", Value::Null);
    assert_eq!(
        (status, body),
        (404, json!({ "detail": "Concurrency limit not found" }))
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/increment",
        json!({ "names": ["x"], "slots": 0 }),
    );
    assert_eq!(
        (status, detail(&body)["type"].clone()),
        (422, json!("greater_than"))
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/increment-with-lease",
        json!({ "names": ["x"], "slots": 1, "lease_duration": 5 }),
    );
    assert_eq!(
        (status, detail(&body)["loc"].clone()),
        (422, json!(["body", "lease_duration"]))
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/leases/not-a-uuid/renew",
        json!({}),
    );
    assert_eq!(
        (status, detail(&body)["type"].clone()),
        (422, json!("uuid_parsing"))
    );
    let (status, body) = call(
        server,
        "POST",
        &format!("/v2/concurrency_limits/leases/{TASK_RUN}/renew"),
        json!({}),
    );
    assert_eq!(
        (status, body["detail"].clone()),
        (
            410,
            json!("Lease not found - it may have expired or been revoked")
        )
    );

    create_limit(server, json!({ "name": "small", "limit": 1 }));
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/increment",
        json!({ "names": ["small"], "slots": 2 }),
    );
    assert_eq!(
        (status, body),
        (
            422,
            json!({ "detail": "Slots requested is greater than the limit" })
        )
    );
    let (status, body) = call(
        server,
        "POST",
        "/v2/concurrency_limits/increment",
        json!({ "names": ["small"], "slots": 1, "mode": "rate_limit" }),
    );
    assert_eq!(status, 422);
    assert_eq!(
        body["detail"],
        "Only concurrency limits with slot decay can be used for rate limiting. The following limits do not \
         have a decay configured: 'small'"
    );
    let (status, _) = call(
        server,
        "POST",
        "/v2/concurrency_limits/",
        json!({ "name": "small", "limit": 1 }),
    );
    assert_eq!(status, 409);
}

/// Tag limits are the v2 limits named `tag:<tag>`: both APIs see the same limit and the same holders.
fn tag_limits_are_v2_limits(server: &Server) {
    let (status, created) = call(
        server,
        "POST",
        "/concurrency_limits/",
        json!({ "tag": "t1", "concurrency_limit": 2 }),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["active_slots"], json!([]));
    let (status, updated) = call(
        server,
        "POST",
        "/concurrency_limits/",
        json!({ "tag": "t1", "concurrency_limit": 3 }),
    );
    assert_eq!(
        (
            status,
            updated["id"].clone(),
            updated["concurrency_limit"].clone()
        ),
        (200, created["id"].clone(), json!(3))
    );
    let (status, v2) = call(server, "GET", "/v2/concurrency_limits/tag:t1", Value::Null);
    assert_eq!((status, v2["limit"].clone()), (200, json!(3)));

    let (status, taken) = call(
        server,
        "POST",
        "/concurrency_limits/increment",
        json!({ "names": ["t1", "no-limit"], "task_run_id": TASK_RUN }),
    );
    assert_eq!(status, 200, "{taken}");
    assert_eq!(
        taken,
        json!([{ "id": created["id"], "name": "t1", "limit": 3 }])
    );
    let (_, by_tag) = call(server, "GET", "/concurrency_limits/tag/t1", Value::Null);
    assert_eq!(by_tag["active_slots"], json!([TASK_RUN]));
    let (status, listed) = call(server, "POST", "/concurrency_limits/filter", json!({}));
    assert_eq!(status, 200);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["tag"] != "one-slot")
    );
    let (status, released) = call(
        server,
        "POST",
        "/concurrency_limits/decrement",
        json!({ "names": ["t1"], "task_run_id": TASK_RUN }),
    );
    assert_eq!(
        (status, released[0]["name"].clone()),
        (200, json!("tag:t1"))
    );
    assert_eq!(active_slots(server, "tag:t1"), 0);

    let (status, _) = call(
        server,
        "POST",
        "/concurrency_limits/tag/t1/reset",
        json!({ "slot_override": [TASK_RUN] }),
    );
    assert_eq!(status, 200);
    assert_eq!(active_slots(server, "tag:t1"), 1);
    let (status, _) = call(
        server,
        "POST",
        "/concurrency_limits/tag/t1/reset",
        json!({}),
    );
    assert_eq!(status, 200);
    assert_eq!(active_slots(server, "tag:t1"), 0, "a reset frees the slots");
    let (status, body) = call(
        server,
        "POST",
        "/concurrency_limits/tag/nope/reset",
        json!({}),
    );
    assert_eq!(
        (status, body),
        (404, json!({ "detail": "Concurrency limit not found" }))
    );

    let (_, zero) = call(
        server,
        "POST",
        "/concurrency_limits/",
        json!({ "tag": "zero", "concurrency_limit": 0 }),
    );
    let (status, body) = call(
        server,
        "POST",
        "/concurrency_limits/increment",
        json!({ "names": ["zero"], "task_run_id": TASK_RUN }),
    );
    assert_eq!(status, 423);
    assert_eq!(
        body["detail"],
        "The concurrency limit on tag \"zero\" is 0 and will deadlock if the task tries to run again."
    );
    let zero_id = zero["id"].as_str().unwrap();
    let (status, by_id) = call(
        server,
        "GET",
        &format!("/concurrency_limits/{zero_id}"),
        Value::Null,
    );
    assert_eq!((status, by_id["tag"].clone()), (200, json!("zero")));
    let (status, _) = call(
        server,
        "DELETE",
        &format!("/concurrency_limits/{zero_id}"),
        Value::Null,
    );
    assert_eq!(status, 200);
    let (status, _) = call(server, "DELETE", "/concurrency_limits/tag/t1", Value::Null);
    assert_eq!(status, 200);
    let (status, body) = call(server, "DELETE", "/concurrency_limits/tag/t1", Value::Null);
    assert_eq!(
        (status, body),
        (404, json!({ "detail": "Concurrency limit not found" }))
    );
    let (status, body) = call(server, "GET", "/concurrency_limits/not-a-uuid", Value::Null);
    assert_eq!((status, body), (404, json!({ "detail": "Not Found" })));
}

/// A lease not renewed expires: renewing it is 410, and the lease-expiry service frees its slot.
/// `expire` moves every lease's expiration into the past (the shortest lease Prefect allows is a minute).
fn an_expired_lease_frees_its_slots(server: &Server, expire: impl Fn()) {
    create_limit(server, json!({ "name": "expiring", "limit": 1 }));
    let (status, lease) = take_lease(server, &["expiring"]);
    assert_eq!(status, 200, "{lease}");
    assert_eq!(active_slots(server, "expiring"), 1);
    expire();
    let lease_id = lease["lease_id"].as_str().unwrap();
    let (status, body) = call(
        server,
        "POST",
        &format!("/v2/concurrency_limits/leases/{lease_id}/renew"),
        json!({ "lease_duration": 60 }),
    );
    assert_eq!(
        (status, body["detail"].clone()),
        (
            410,
            json!("Lease not found - it may have expired or been revoked")
        )
    );
    // Bounded wait for the service's next round (every 0.1 s here); the check is on the outcome, not the time.
    let started = Instant::now();
    while active_slots(server, "expiring") != 0 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        active_slots(server, "expiring"),
        0,
        "the expired lease's slot was freed"
    );
    let (status, _) = take_lease(server, &["expiring"]);
    assert_eq!(status, 200);
}

const FAST_EXPIRY: &[(&str, &str)] = &[("PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS", "0.1")];

#[test]
fn concurrency_limits_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None, FAST_EXPIRY);
    tags_without_a_limit_pass_straight_through(&server);
    slots_leases_and_decay(&server);
    bad_input_gets_prefects_answers(&server);
    tag_limits_are_v2_limits(&server);
    let db = env.home().join("prefect.db");
    an_expired_lease_frees_its_slots(&server, || {
        common::sqlite(
            &db,
            "PRAGMA busy_timeout = 5000; UPDATE concurrency_lease SET expiration = '2000-01-01T00:00:00.000000Z';",
        );
    });
}

#[test]
fn concurrency_limits_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")), FAST_EXPIRY);
    tags_without_a_limit_pass_straight_through(&server);
    slots_leases_and_decay(&server);
    bad_input_gets_prefects_answers(&server);
    tag_limits_are_v2_limits(&server);
    an_expired_lease_frees_its_slots(&server, || {
        pg.psql(
            "prefect",
            "UPDATE concurrency_lease SET expiration = '2000-01-01T00:00:00Z'",
        );
    });
}

/// Two API replicas on one PostgreSQL database, asked for slots all at once: exactly `limit` are granted.
#[test]
fn two_replicas_never_grant_the_same_slot() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let first = start(&env, Some((&pg, "prefect")), &[]);
    let second_env = TestEnv::new();
    let second = start(&second_env, Some((&pg, "prefect")), &[]);
    create_limit(&first, json!({ "name": "shared", "limit": 5 }));
    const ASKS: usize = 40;
    let urls = Arc::new([first.api_url(), second.api_url()]);
    let barrier = Arc::new(Barrier::new(ASKS));
    let threads: Vec<_> = (0..ASKS)
        .map(|i| {
            let (urls, barrier) = (urls.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let url = format!("{}/v2/concurrency_limits/increment-with-lease", urls[i % 2]);
                post(
                    &url,
                    &json!({ "names": ["shared"], "slots": 1 }).to_string(),
                )
                .0
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let granted = statuses.iter().filter(|s| **s == 200).count();
    let refused = statuses.iter().filter(|s| **s == 423).count();
    assert_eq!((granted, refused), (5, ASKS - 5), "{statuses:?}");
    assert_eq!(active_slots(&second, "shared"), 5);
}

/// The official client and CLI: tagged tasks without a limit, ten tasks under a tag limit of 2, and
/// `concurrency()` / `rate_limit()` against `prefect gcl create` limits; then the CLI shows and changes them.
fn python_client_scenario(env: &TestEnv, server: &Server) {
    let cli = |args: &[&str]| {
        env.program(python_prefect(), args)
            .env("PREFECT_API_URL", server.api_url())
            .env("COLUMNS", "200")
            .run()
    };
    cli(&["concurrency-limit", "create", "limited", "2"]).success();
    cli(&["gcl", "create", "gcl-occupy", "--limit", "1"]).success();
    cli(&[
        "gcl",
        "create",
        "gcl-rate",
        "--limit",
        "2",
        "--slot-decay-per-second",
        "1",
    ])
    .success();

    let python = python_prefect().parent().unwrap().join("python");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python/s7_concurrency_limits.py");
    let out = env
        .program(&python, &[script.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let result = parse(out.stdout.lines().last().unwrap_or_default());
    assert_eq!(
        result,
        json!({ "no_limit": "COMPLETED", "tag_limit": "COMPLETED", "global": "COMPLETED", "most_at_once": 2 }),
        "{}",
        out.stderr
    );

    let listed = cli(&["gcl", "ls"]).success();
    for name in ["gcl-occupy", "gcl-rate", "tag:limited"] {
        assert!(listed.stdout.contains(name), "{}", listed.stdout);
    }
    let inspected = cli(&["gcl", "inspect", "gcl-rate", "--output", "json"]).success();
    let inspected = parse(&inspected.stdout);
    assert_eq!(
        (
            inspected["limit"].clone(),
            inspected["slot_decay_per_second"].clone()
        ),
        (json!(2), json!(1.0))
    );
    cli(&["gcl", "update", "gcl-rate", "--limit", "5", "--disable"]).success();
    let updated = parse(
        &cli(&["gcl", "inspect", "gcl-rate", "--output", "json"])
            .success()
            .stdout,
    );
    assert_eq!(
        (updated["limit"].clone(), updated["active"].clone()),
        (json!(5), json!(false))
    );
    let refused = cli(&["gcl", "update", "gcl-rate", "--limit", "-1"]);
    assert_ne!(refused.code, 0, "{}", refused.stdout);
    let missing = cli(&["gcl", "inspect", "nope"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stdout.contains("not found"), "{}", missing.stdout);
    env.program(python_prefect(), &["gcl", "delete", "gcl-occupy"])
        .env("PREFECT_API_URL", server.api_url())
        .stdin("y\n")
        .run()
        .success();

    let tag_list = cli(&["concurrency-limit", "ls"]).success();
    assert!(tag_list.stdout.contains("limited"), "{}", tag_list.stdout);
    let tag = parse(
        &cli(&[
            "concurrency-limit",
            "inspect",
            "limited",
            "--output",
            "json",
        ])
        .success()
        .stdout,
    );
    assert_eq!(
        (
            tag["concurrency_limit"].clone(),
            tag["active_slots"].clone()
        ),
        (json!(2), json!([]))
    );
    cli(&["concurrency-limit", "reset", "limited"]).success();
    env.program(
        python_prefect(),
        &["concurrency-limit", "delete", "limited"],
    )
    .env("PREFECT_API_URL", server.api_url())
    .stdin("y\n")
    .run()
    .success();
    let after = cli(&["gcl", "ls"]).success();
    assert!(
        !after.stdout.contains("tag:limited") && !after.stdout.contains("gcl-occupy"),
        "{}",
        after.stdout
    );
    assert!(after.stdout.contains("gcl-rate"), "{}", after.stdout);
}

/// Short tag waits keep ten tasks under a limit of 2 quick: refused tasks are told to come back within 1 s.
const QUICK_RETRIES: &[(&str, &str)] = &[(
    "PREFECT_SERVER_TASKS_TAG_CONCURRENCY_SLOT_WAIT_SECONDS",
    "1",
)];

#[test]
fn python_client_uses_concurrency_limits_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None, QUICK_RETRIES);
    python_client_scenario(&env, &server);
}

#[test]
fn python_client_uses_concurrency_limits_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")), QUICK_RETRIES);
    python_client_scenario(&env, &server);
}
