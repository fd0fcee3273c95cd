//! Work pools, work queues, workers and the foreman through the real server, on SQLite and PostgreSQL: the
//! official CLI's `work-pool` and `work-queue` commands (their output as on Prefect's server), `prefect worker
//! start --run-once` over the worker channel, the poll (`get_scheduled_flow_runs`: queue priorities, concurrency
//! limits, paused pools and queues, time windows), Prefect's answers to bad input, and the foreman marking a
//! silent worker OFFLINE and its pool NOT_READY.

mod common;

use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, call_api};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn start(env: &TestEnv, pg: Option<(&Postgres, &str)>, extra: &[(&str, &str)]) -> Server {
    let mut vars: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_string())).collect();
    if let Some((pg, db)) = pg {
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", pg.url(db)));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(env, &vars)
}

fn call(server: &Server, method: &str, path: &str, body: Value) -> (u16, Value) {
    call_api(server, method, path, &body)
}

#[track_caller]
fn ok(server: &Server, method: &str, path: &str, body: Value, expected: u16) -> Value {
    let (status, answer) = call(server, method, path, body);
    assert_eq!(status, expected, "{method} {path}: {answer}");
    answer
}

fn detail(answer: &Value) -> &str {
    answer["detail"].as_str().unwrap_or_default()
}

/// The `detail` of a refusal with this status.
#[track_caller]
fn refused(server: &Server, method: &str, path: &str, body: Value, expected: u16) -> String {
    detail(&ok(server, method, path, body, expected)).to_owned()
}

/// Waits (a few seconds at most) until `check` holds.
#[track_caller]
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Pools: create with the default queue, read, filter, count, pause/resume through PATCH, and Prefect's
/// answers to a duplicate, a reserved name, bad names and templates, a missing pool.
fn pools(server: &Server) {
    let pool = ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "api-pool", "type": "process" }),
        201,
    );
    assert_eq!(pool["status"], "NOT_READY");
    assert_eq!(pool["active_slots"], Value::Null);
    let keys: Vec<&str> = pool
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "created",
            "updated",
            "name",
            "description",
            "type",
            "base_job_template",
            "is_paused",
            "concurrency_limit",
            "status",
            "default_queue_id",
            "storage_configuration",
            "active_slots"
        ]
    );
    let queues = ok(
        server,
        "POST",
        "/work_pools/api-pool/queues/filter",
        json!({}),
        200,
    );
    assert_eq!(queues.as_array().unwrap().len(), 1);
    assert_eq!(queues[0]["name"], "default");
    assert_eq!(queues[0]["priority"], 1);
    assert_eq!(queues[0]["description"], "The work pool's default queue.");
    assert_eq!(queues[0]["id"], pool["default_queue_id"]);

    assert_eq!(
        refused(
            server,
            "POST",
            "/work_pools/",
            json!({ "name": "api-pool" }),
            409
        ),
        "A work pool with this name already exists."
    );
    assert_eq!(
        refused(
            server,
            "POST",
            "/work_pools/",
            json!({ "name": "Prefect-x" }),
            403
        ),
        "Work pools starting with 'Prefect' are reserved for internal use."
    );
    let answer = ok(server, "POST", "/work_pools/", json!({ "name": "  " }), 422);
    assert_eq!(
        answer["exception_detail"][0]["msg"],
        "Value error, name cannot be an empty string"
    );
    let answer = ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "a/b" }),
        422,
    );
    assert_eq!(
        answer["exception_detail"][0]["type"],
        "string_pattern_mismatch"
    );
    let template =
        json!({ "job_configuration": { "x": "{{ y }}" }, "variables": { "properties": {} } });
    let answer = ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "bad-template", "base_job_template": template }),
        422,
    );
    assert_eq!(
        answer["exception_detail"][0]["loc"],
        json!(["body", "base_job_template"])
    );
    assert!(
        answer["exception_detail"][0]["msg"]
            .as_str()
            .unwrap()
            .ends_with("undeclared variable(s): y."),
        "{answer}"
    );
    let answer = ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "x", "concurrency_limit": -1 }),
        422,
    );
    assert_eq!(answer["exception_detail"][0]["type"], "greater_than_equal");
    assert_eq!(
        ok(server, "GET", "/work_pools/nope", Value::Null, 404),
        json!({ "detail": "Work pool \"nope\" not found." })
    );

    ok(
        server,
        "PATCH",
        "/work_pools/api-pool",
        json!({ "is_paused": true, "concurrency_limit": 3 }),
        204,
    );
    let paused = ok(server, "GET", "/work_pools/api-pool", Value::Null, 200);
    assert_eq!(
        (
            &paused["status"],
            &paused["concurrency_limit"],
            &paused["active_slots"]
        ),
        (&json!("PAUSED"), &json!(3), &json!(0))
    );
    ok(
        server,
        "PATCH",
        "/work_pools/api-pool",
        json!({ "is_paused": false, "concurrency_limit": null }),
        204,
    );
    let resumed = ok(server, "GET", "/work_pools/api-pool", Value::Null, 200);
    assert_eq!(resumed["status"], "NOT_READY");
    assert_eq!(resumed["concurrency_limit"], Value::Null);
    ok(
        server,
        "PATCH",
        "/work_pools/api-pool",
        json!({ "nope": 1 }),
        422,
    );
    ok(server, "PATCH", "/work_pools/nope", json!({}), 404);

    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "other", "type": "docker" }),
        201,
    );
    let found = ok(
        server,
        "POST",
        "/work_pools/filter",
        json!({ "work_pools": { "type": { "any_": ["docker"] } } }),
        200,
    );
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["name"], "other");
    assert_eq!(
        ok(server, "POST", "/work_pools/count", json!({}), 200),
        json!(2)
    );
    ok(server, "DELETE", "/work_pools/other", Value::Null, 204);
    ok(server, "DELETE", "/work_pools/other", Value::Null, 404);
    ok(
        server,
        "DELETE",
        "/work_pools/prefect-managed",
        Value::Null,
        403,
    );
}

/// Queues: priorities as Prefect assigns and reorders them, a duplicate name, the default queue that cannot
/// be deleted, pause/resume, the legacy routes.
fn queues(server: &Server) {
    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "qpool", "type": "process" }),
        201,
    );
    let second = ok(
        server,
        "POST",
        "/work_pools/qpool/queues",
        json!({ "name": "second" }),
        201,
    );
    assert_eq!(second["priority"], 2);
    assert_eq!(second["work_pool_name"], "qpool");
    assert_eq!(
        refused(
            server,
            "POST",
            "/work_pools/qpool/queues",
            json!({ "name": "second" }),
            409
        ),
        "A work queue with this name already exists in work pool {work_pool_name!r}."
    );
    // Priority 1 is taken: the new queue takes it, the others move down one each.
    ok(
        server,
        "POST",
        "/work_pools/qpool/queues",
        json!({ "name": "urgent", "priority": 1 }),
        201,
    );
    let listed = ok(
        server,
        "POST",
        "/work_pools/qpool/queues/filter",
        json!({}),
        200,
    );
    let order: Vec<(String, i64)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["name"].as_str().unwrap().to_owned(),
                q["priority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            ("urgent".into(), 1),
            ("default".into(), 2),
            ("second".into(), 3)
        ]
    );
    let filtered = ok(
        server,
        "POST",
        "/work_pools/qpool/queues/filter",
        json!({ "work_queues": { "name": { "startswith_": ["SEC"] } } }),
        200,
    );
    assert_eq!(filtered.as_array().unwrap().len(), 1);

    assert_eq!(
        refused(
            server,
            "DELETE",
            "/work_pools/qpool/queues/default",
            Value::Null,
            409
        ),
        "Can't delete a pool's default queue."
    );
    let default_id = ok(server, "GET", "/work_pools/qpool", Value::Null, 200)["default_queue_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let answer = ok(
        server,
        "DELETE",
        &format!("/work_queues/{default_id}"),
        Value::Null,
        409,
    );
    assert!(
        detail(&answer).starts_with("Data integrity conflict."),
        "{answer}"
    );
    assert_eq!(
        refused(
            server,
            "GET",
            "/work_pools/qpool/queues/nope",
            Value::Null,
            404
        ),
        "Work pool queue 'qpool/nope' not found."
    );

    ok(
        server,
        "PATCH",
        "/work_pools/qpool/queues/second",
        json!({ "is_paused": true }),
        204,
    );
    let paused = ok(
        server,
        "GET",
        "/work_pools/qpool/queues/second",
        Value::Null,
        200,
    );
    assert_eq!(
        (&paused["is_paused"], &paused["status"]),
        (&json!(true), &json!("PAUSED"))
    );
    ok(
        server,
        "PATCH",
        "/work_pools/qpool/queues/second",
        json!({ "is_paused": false }),
        204,
    );
    let resumed = ok(
        server,
        "GET",
        &format!("/work_queues/{}", second["id"].as_str().unwrap()),
        Value::Null,
        200,
    );
    assert_eq!(resumed["status"], "NOT_READY");
    ok(
        server,
        "DELETE",
        "/work_pools/qpool/queues/urgent",
        Value::Null,
        204,
    );

    // Legacy queues go into default-agent-pool, made on first use.
    let legacy = ok(
        server,
        "POST",
        "/work_queues/",
        json!({ "name": "legacy" }),
        201,
    );
    assert_eq!(legacy["work_pool_name"], "default-agent-pool");
    assert_eq!(
        refused(
            server,
            "POST",
            "/work_queues/",
            json!({ "name": "legacy" }),
            409
        ),
        "A work queue with this name already exists."
    );
    let by_name = ok(server, "GET", "/work_queues/name/legacy", Value::Null, 200);
    assert_eq!(by_name["id"], legacy["id"]);
    let agent_pool = ok(
        server,
        "GET",
        "/work_pools/default-agent-pool",
        Value::Null,
        200,
    );
    assert_eq!(
        agent_pool["status"],
        Value::Null,
        "a prefect-agent pool has no status"
    );
    let status_detail = ok(
        server,
        "GET",
        &format!("/work_queues/{}/status", legacy["id"].as_str().unwrap()),
        Value::Null,
        200,
    );
    assert_eq!(status_detail["healthy"], false);
    assert_eq!(status_detail["late_runs_count"], 0);
    let missing = "00000000-0000-0000-0000-000000000000";
    assert_eq!(
        refused(
            server,
            "GET",
            &format!("/work_queues/{missing}"),
            Value::Null,
            404
        ),
        "work queue not found"
    );
    assert_eq!(
        refused(
            server,
            "PATCH",
            &format!("/work_queues/{missing}"),
            json!({}),
            404
        ),
        format!("Work Queue {missing} not found")
    );
}

/// A scheduled run of `flow` in `pool`/`queue`, due at `when`.
fn scheduled_run(server: &Server, flow: &str, pool: &str, queue: &str, when: &str) -> String {
    let run = ok(
        server,
        "POST",
        "/flow_runs/",
        json!({
            "flow_id": flow,
            "work_pool_name": pool,
            "work_queue_name": queue,
            "state": { "type": "SCHEDULED", "name": "Scheduled", "state_details": { "scheduled_time": when } },
        }),
        201,
    );
    run["id"].as_str().unwrap().to_owned()
}

fn poll(server: &Server, pool: &str, body: Value) -> Vec<(String, String)> {
    let answer = ok(
        server,
        "POST",
        &format!("/work_pools/{pool}/get_scheduled_flow_runs"),
        body,
        200,
    );
    answer
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["work_pool_id"].is_string() && r["flow_run"]["state_type"] == "SCHEDULED");
            // As Prefect's poll answers it: a FlowRun, its state not loaded.
            assert_eq!(r["flow_run"]["state"], Value::Null);
            assert!(r["flow_run"].get("work_pool_name").is_none());
            (
                r["flow_run"]["id"].as_str().unwrap().to_owned(),
                r["work_queue_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The poll: queue priority order then soonest first, limits, paused queues and pools, windows; and what it
/// records (queues READY with `last_polled`).
fn polling(server: &Server) {
    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "ppool", "type": "process" }),
        201,
    );
    let high = ok(
        server,
        "POST",
        "/work_pools/ppool/queues",
        json!({ "name": "high", "priority": 1 }),
        201,
    );
    let flow = ok(server, "POST", "/flows/", json!({ "name": "polled" }), 201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let past =
        |minutes: i64| (chrono::Utc::now() - chrono::Duration::minutes(minutes)).to_rfc3339();
    let late_default = scheduled_run(server, &flow, "ppool", "default", &past(30));
    let soon_default = scheduled_run(server, &flow, "ppool", "default", &past(5));
    let high_run = scheduled_run(server, &flow, "ppool", "high", &past(1));
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let later = scheduled_run(server, &flow, "ppool", "high", &future);

    let now = chrono::Utc::now().to_rfc3339();
    let runs = poll(server, "ppool", json!({ "scheduled_before": now }));
    let ids: Vec<&str> = runs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        [&high_run, &late_default, &soon_default],
        "priority first, then soonest"
    );
    assert_eq!(runs[0].1, high["id"].as_str().unwrap());
    let all = poll(server, "ppool", json!({}));
    assert_eq!(all.len(), 4, "without scheduled_before every scheduled run");
    assert_eq!(all[1].0, later);
    let only_default = poll(
        server,
        "ppool",
        json!({ "work_queue_names": ["default"], "scheduled_before": now, "limit": 1 }),
    );
    assert_eq!(
        only_default,
        vec![(late_default.clone(), only_default[0].1.clone())]
    );
    let after = poll(
        server,
        "ppool",
        json!({ "scheduled_after": past(10), "scheduled_before": now }),
    );
    assert_eq!(after.len(), 2);

    // A queue limit of 1 with one run Running takes nothing from that queue.
    ok(
        server,
        "PATCH",
        "/work_pools/ppool/queues/high",
        json!({ "concurrency_limit": 1 }),
        204,
    );
    let running = scheduled_run(server, &flow, "ppool", "high", &past(2));
    ok(
        server,
        "POST",
        &format!("/flow_runs/{running}/set_state"),
        json!({ "state": { "type": "RUNNING", "name": "Running" }, "force": true }),
        201,
    );
    let runs = poll(server, "ppool", json!({ "scheduled_before": now }));
    let ids: Vec<&str> = runs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, [&late_default, &soon_default]);
    let queue = ok(
        server,
        "GET",
        "/work_pools/ppool/queues/high",
        Value::Null,
        200,
    );
    assert_eq!(queue["active_slots"], 1);
    // A pool limit of 2 with that run: one more.
    ok(
        server,
        "PATCH",
        "/work_pools/ppool",
        json!({ "concurrency_limit": 2 }),
        204,
    );
    assert_eq!(
        poll(server, "ppool", json!({ "scheduled_before": now })).len(),
        1
    );
    ok(
        server,
        "PATCH",
        "/work_pools/ppool",
        json!({ "concurrency_limit": null }),
        204,
    );
    // Paused queue, paused pool.
    ok(
        server,
        "PATCH",
        "/work_pools/ppool/queues/default",
        json!({ "is_paused": true }),
        204,
    );
    assert!(poll(server, "ppool", json!({ "scheduled_before": now })).is_empty());
    ok(
        server,
        "PATCH",
        "/work_pools/ppool/queues/default",
        json!({ "is_paused": false }),
        204,
    );
    ok(
        server,
        "PATCH",
        "/work_pools/ppool",
        json!({ "is_paused": true }),
        204,
    );
    assert!(poll(server, "ppool", json!({})).is_empty());
    ok(
        server,
        "PATCH",
        "/work_pools/ppool",
        json!({ "is_paused": false }),
        204,
    );

    assert_eq!(
        refused(
            server,
            "POST",
            "/work_pools/ppool/get_scheduled_flow_runs",
            json!({ "work_queue_names": ["nope"] }),
            404
        ),
        "Work pool queue 'ppool/nope' not found."
    );
    ok(
        server,
        "POST",
        "/work_pools/nope/get_scheduled_flow_runs",
        json!({}),
        404,
    );
    ok(
        server,
        "POST",
        "/work_pools/ppool/get_scheduled_flow_runs",
        json!({ "limit": 201 }),
        422,
    );

    // The poll is recorded: the queues polled are READY with a last poll.
    eventually("the default queue READY", || {
        let queue = ok(
            server,
            "GET",
            "/work_pools/ppool/queues/default",
            Value::Null,
            200,
        );
        queue["status"] == "READY" && queue["last_polled"].is_string()
    });
    let preview = ok(
        server,
        "POST",
        &format!("/work_queues/{}/get_runs", high["id"].as_str().unwrap()),
        json!({}),
        200,
    );
    assert!(
        preview.as_array().unwrap().is_empty(),
        "the queue's one slot is taken: {preview}"
    );

    // A run named with a pool goes to its default queue; an unknown pool is Prefect's 404.
    let run = ok(
        server,
        "POST",
        "/flow_runs/",
        json!({ "flow_id": flow, "work_pool_name": "ppool" }),
        201,
    );
    let default_queue =
        ok(server, "GET", "/work_pools/ppool", Value::Null, 200)["default_queue_id"].clone();
    assert_eq!(run["work_queue_id"], default_queue);
    assert_eq!(run["work_queue_name"], "default");
    assert_eq!(
        refused(
            server,
            "POST",
            "/flow_runs/",
            json!({ "flow_id": flow, "work_pool_name": "nope" }),
            404
        ),
        "Work pool \"nope\" not found."
    );
    // The labels a worker sets.
    let id = run["id"].as_str().unwrap();
    ok(
        server,
        "PATCH",
        &format!("/flow_runs/{id}/labels"),
        json!({ "prefect.worker.name": "w" }),
        204,
    );
    let labelled = ok(server, "GET", &format!("/flow_runs/{id}"), Value::Null, 200);
    assert_eq!(labelled["labels"]["prefect.worker.name"], "w");
}

/// Workers: a heartbeat makes the worker ONLINE and the pool READY; filter by status; delete.
fn workers(server: &Server) {
    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "wpool", "type": "process" }),
        201,
    );
    ok(
        server,
        "POST",
        "/work_pools/wpool/workers/heartbeat",
        json!({ "name": "w1", "heartbeat_interval_seconds": 5 }),
        204,
    );
    let pool = ok(server, "GET", "/work_pools/wpool", Value::Null, 200);
    assert_eq!(pool["status"], "READY");
    let online = ok(
        server,
        "POST",
        "/work_pools/wpool/workers/filter",
        json!({ "workers": { "status": { "any_": ["ONLINE"] } } }),
        200,
    );
    assert_eq!(online.as_array().unwrap().len(), 1);
    let keys: Vec<&str> = online[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "created",
            "updated",
            "name",
            "work_pool_id",
            "last_heartbeat_time",
            "heartbeat_interval_seconds",
            "status"
        ]
    );
    assert_eq!(
        (
            &online[0]["status"],
            &online[0]["heartbeat_interval_seconds"]
        ),
        (&json!("ONLINE"), &json!(5))
    );
    assert_eq!(
        refused(
            server,
            "DELETE",
            "/work_pools/wpool/workers/nope",
            Value::Null,
            404
        ),
        "Worker not found."
    );
    ok(
        server,
        "DELETE",
        "/work_pools/wpool/workers/w1",
        Value::Null,
        204,
    );
    assert_eq!(
        refused(
            server,
            "POST",
            "/work_pools/nope/workers/heartbeat",
            json!({ "name": "w" }),
            404
        ),
        "Work pool \"nope\" not found."
    );
}

/// The official CLI, with the output Prefect's server gives it (checked side by side).
fn cli(env: &TestEnv, server: &Server) {
    let run = |args: &[&str]| {
        env.program(python_prefect(), args)
            .env("PREFECT_API_URL", server.api_url())
            .env("COLUMNS", "200")
            .stdin("y\n")
            .run()
    };
    let created = run(&["work-pool", "create", "--type", "process", "cli-pool"]).success();
    assert!(
        created.stdout.contains("Created work pool 'cli-pool'!"),
        "{}",
        created.stdout
    );
    assert!(
        created.stdout.contains("Status: Not ready"),
        "{}",
        created.stdout
    );
    let again = run(&["work-pool", "create", "--type", "process", "cli-pool"]).code(1);
    assert!(
        again
            .stdout
            .contains("Work pool named 'cli-pool' already exists."),
        "{}",
        again.stdout
    );
    let unknown = run(&["work-pool", "create", "--type", "nosuchtype", "cli-x"]).code(1);
    assert!(
        unknown
            .stdout
            .contains("Unknown work pool type 'nosuchtype'."),
        "{}",
        unknown.stdout
    );
    let listed = run(&["work-pool", "ls"]).success();
    assert!(listed.stdout.contains("cli-pool"), "{}", listed.stdout);
    let inspected = run(&["work-pool", "inspect", "cli-pool"]).success();
    assert!(
        inspected.stdout.contains("status=WorkPoolStatus.NOT_READY"),
        "{}",
        inspected.stdout
    );
    assert!(
        run(&["work-pool", "pause", "cli-pool"])
            .success()
            .stdout
            .contains("Paused work pool 'cli-pool'")
    );
    assert!(
        run(&["work-pool", "resume", "cli-pool"])
            .success()
            .stdout
            .contains("Resumed work pool 'cli-pool'")
    );
    assert!(
        run(&["work-pool", "preview", "cli-pool"])
            .success()
            .stdout
            .contains("No runs found")
    );
    let queue = run(&["work-queue", "create", "cli-queue", "--pool", "cli-pool"]).success();
    assert!(
        queue.stdout.contains("Created work queue with properties:"),
        "{}",
        queue.stdout
    );
    let dup = run(&["work-queue", "create", "cli-queue", "--pool", "cli-pool"]).code(1);
    assert!(
        dup.stdout
            .contains("Work queue with name: 'cli-queue' already exists."),
        "{}",
        dup.stdout
    );
    let queues = run(&["work-queue", "ls", "--pool", "cli-pool"]).success();
    assert!(
        queues.stdout.contains("cli-queue") && queues.stdout.contains("default"),
        "{}",
        queues.stdout
    );
    assert!(
        run(&["work-queue", "ls"])
            .success()
            .stdout
            .contains("cli-queue")
    );
    let inspect = run(&["work-queue", "inspect", "cli-queue", "--pool", "cli-pool"]).success();
    assert!(
        inspect.stdout.contains("priority=2") && inspect.stdout.contains("healthy=False"),
        "{}",
        inspect.stdout
    );
    assert!(
        run(&["work-queue", "pause", "cli-queue", "--pool", "cli-pool"])
            .success()
            .stdout
            .contains("Work queue 'cli-queue' in work pool 'cli-pool' paused")
    );
    assert!(
        run(&["work-queue", "resume", "cli-queue", "--pool", "cli-pool"])
            .success()
            .stdout
            .contains("Work queue 'cli-queue' in work pool 'cli-pool' resumed")
    );
    assert!(
        run(&["work-queue", "preview", "cli-queue", "--pool", "cli-pool"])
            .success()
            .stdout
            .contains("No runs found")
    );
    let default = run(&["work-queue", "delete", "default", "--pool", "cli-pool"]).code(1);
    let said = format!("{}{}", default.stdout, default.stderr);
    assert!(said.contains("409 Conflict"), "{said}");
    assert!(
        run(&["work-queue", "delete", "cli-queue", "--pool", "cli-pool"])
            .success()
            .stdout
            .contains("Successfully deleted work queue 'cli-queue' in work pool 'cli-pool'")
    );
    let missing = run(&["work-pool", "inspect", "nope"]).code(1);
    assert!(
        missing.stdout.contains("Work pool 'nope' not found!"),
        "{}",
        missing.stdout
    );

    // The official worker: connects over the worker channel (its hello carries the 30 s interval), polls, and
    // exits 0 with --run-once.
    run(&["worker", "start", "--pool", "cli-pool", "--run-once"]).success();
    let seen = ok(
        server,
        "POST",
        "/work_pools/cli-pool/workers/filter",
        json!({}),
        200,
    );
    assert_eq!(seen.as_array().unwrap().len(), 1, "{seen}");
    assert!(
        seen[0]["name"]
            .as_str()
            .unwrap()
            .starts_with("ProcessWorker ")
    );
    assert_eq!(
        (&seen[0]["status"], &seen[0]["heartbeat_interval_seconds"]),
        (&json!("ONLINE"), &json!(30))
    );
    assert_eq!(
        ok(server, "GET", "/work_pools/cli-pool", Value::Null, 200)["status"],
        "READY"
    );
    eventually("the worker's poll recorded", || {
        ok(
            server,
            "GET",
            "/work_pools/cli-pool/queues/default",
            Value::Null,
            200,
        )["last_polled"]
            .is_string()
    });
    assert!(
        run(&["work-pool", "delete", "cli-pool"])
            .success()
            .stdout
            .contains("Deleted work pool 'cli-pool'")
    );
}

/// The worker channel spoken by hand (tests/python/worker_channel.py, which passes on Prefect's server too):
/// every frame checked with Prefect's protocol models, a pool change pushed as a snapshot, Prefect's closes.
fn worker_channel(env: &TestEnv, server: &Server) {
    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "chan-pool", "type": "process" }),
        201,
    );
    let python = python_prefect().parent().unwrap().join("python");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/worker_channel.py");
    let out = env
        .program(
            &python,
            &[script.to_str().unwrap(), &server.api_url(), "chan-pool"],
        )
        .run()
        .success();
    assert!(out.stdout.contains("ok"), "{}", out.stdout);
}

fn scenario(env: &TestEnv, server: &Server) {
    pools(server);
    queues(server);
    polling(server);
    workers(server);
    worker_channel(env, server);
    cli(env, server);
}

#[test]
fn work_pools_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None, &[]);
    scenario(&env, &server);
}

#[test]
fn work_pools_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")), &[]);
    scenario(&env, &server);
}

/// Short foreman settings: a worker without an interval is assumed to beat every second, and may miss one.
const FAST_FOREMAN: &[(&str, &str)] = &[
    ("PREFECT_SERVER_SERVICES_FOREMAN_LOOP_SECONDS", "0.2"),
    (
        "PREFECT_SERVER_SERVICES_FOREMAN_INACTIVITY_HEARTBEAT_MULTIPLE",
        "1",
    ),
    (
        "PREFECT_SERVER_SERVICES_FOREMAN_FALLBACK_HEARTBEAT_INTERVAL_SECONDS",
        "1",
    ),
    (
        "PREFECT_SERVER_SERVICES_FOREMAN_WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS",
        "1",
    ),
];

/// A worker that stops beating goes OFFLINE and its pool NOT_READY; a queue not polled goes NOT_READY; the
/// status changes are events.
fn foreman(server: &Server, stored_events: impl Fn() -> String) {
    ok(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "fpool", "type": "process" }),
        201,
    );
    ok(
        server,
        "POST",
        "/work_pools/fpool/workers/heartbeat",
        json!({ "name": "quiet" }),
        204,
    );
    assert_eq!(
        ok(server, "GET", "/work_pools/fpool", Value::Null, 200)["status"],
        "READY"
    );
    poll(server, "fpool", json!({}));
    eventually("the queue READY after the poll", || {
        ok(
            server,
            "GET",
            "/work_pools/fpool/queues/default",
            Value::Null,
            200,
        )["status"]
            == "READY"
    });
    eventually("the pool NOT_READY", || {
        ok(server, "GET", "/work_pools/fpool", Value::Null, 200)["status"] == "NOT_READY"
    });
    let offline = ok(
        server,
        "POST",
        "/work_pools/fpool/workers/filter",
        json!({ "workers": { "status": { "any_": ["OFFLINE"] } } }),
        200,
    );
    assert_eq!(offline.as_array().unwrap().len(), 1, "{offline}");
    eventually("the queue NOT_READY", || {
        ok(
            server,
            "GET",
            "/work_pools/fpool/queues/default",
            Value::Null,
            200,
        )["status"]
            == "NOT_READY"
    });
    eventually("the status events stored", || {
        let names = stored_events();
        [
            "prefect.work-pool.ready",
            "prefect.work-pool.not-ready",
            "prefect.work-queue.ready",
            "prefect.work-queue.not-ready",
        ]
        .iter()
        .all(|n| names.lines().any(|l| l.trim() == *n))
    });
}

const EVENT_NAMES: &str =
    "SELECT event FROM events WHERE event LIKE 'prefect.work-%' ORDER BY occurred";

#[test]
fn foreman_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None, FAST_FOREMAN);
    let db = env.home().join("prefect.db");
    foreman(&server, || common::sqlite(&db, EVENT_NAMES));
}

#[test]
fn foreman_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")), FAST_FOREMAN);
    foreman(&server, || pg.psql("prefect", EVENT_NAMES));
}
