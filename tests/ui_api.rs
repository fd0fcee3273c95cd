//! The read endpoints the UI's pages call, through the real server on SQLite and PostgreSQL, after the official
//! client ran flows (tests/python/ui_reads_seed.py): `/ui/*`, the three `/paginate` routes, the flow run graphs,
//! saved searches, `/admin/storage`, the logs download, `bulk_set_state` and `PATCH /task_runs/{id}`. Expected
//! answers, errors included, are the ones Prefect 3.8.8's own server gave for the same scenario.

mod common;

use common::postgres::Postgres;
use common::server::{Server, exchange, get, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn call(server: &Server, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = if method == "GET" {
        get(&url)
    } else {
        let body = body.map(|b| b.to_string());
        request(method, &url, body.as_deref(), &[])
    };
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text}"))
    };
    (status, value)
}

#[track_caller]
fn ok(server: &Server, method: &str, path: &str, body: Value) -> Value {
    let (status, answer) = call(server, method, path, Some(body));
    assert!(status < 300, "{method} {path}: {status} {answer}");
    answer
}

/// Runs the seed scenario with the official client against `server`; the ids it made.
fn seed(env: &TestEnv, server: &Server) -> Value {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/ui_reads_seed.py");
    let python = python_prefect().parent().unwrap().join("python");
    let out = env
        .program(python, &[script.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .code(0);
    let last = out.stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("seed output ({e}): {}", out.stdout))
}

fn s<'a>(ids: &'a Value, key: &str) -> &'a str {
    ids[key].as_str().unwrap()
}

/// `/ui/flows/*`, `/ui/flow_runs/count-task-runs`, `/ui/task_runs/*`.
fn ui_routes(server: &Server, ids: &Value) {
    let flow = s(ids, "flow_id");
    let unknown = "6a0f7ebd-5b8a-4b0a-9a39-7c0e1a9d3a11";
    let counts = ok(
        server,
        "POST",
        "/ui/flows/count-deployments",
        json!({ "flow_ids": [flow, unknown] }),
    );
    assert_eq!(counts, json!({ flow: 1, unknown: 0 }));
    // Keys in the order asked, a repeat once, none for none.
    let keys: Vec<&String> = counts.as_object().unwrap().keys().collect();
    assert_eq!(keys, [flow, unknown]);
    assert_eq!(
        ok(
            server,
            "POST",
            "/ui/flows/count-deployments",
            json!({ "flow_ids": [] })
        ),
        json!({})
    );
    let (status, refused) = call(
        server,
        "POST",
        "/ui/flows/count-deployments",
        Some(json!({ "flow_ids": ["x"] })),
    );
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "flow_ids", 0])
    );
    assert_eq!(refused["exception_detail"][0]["type"], "uuid_parsing");
    let (status, refused) = call(
        server,
        "POST",
        "/ui/flows/count-deployments",
        Some(json!({})),
    );
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "flow_ids"])
    );

    // The soonest of the two scheduled runs (10 and 30 minutes ahead).
    let next = ok(
        server,
        "POST",
        "/ui/flows/next-runs",
        json!({ "flow_ids": [flow, unknown] }),
    );
    let soonest = &next[flow];
    assert_eq!(soonest["id"], ids["scheduled_runs"][1]);
    assert_eq!(
        (&soonest["state_type"], &soonest["state_name"]),
        (&json!("SCHEDULED"), &json!("Scheduled"))
    );
    assert_eq!(soonest["flow_id"], flow);
    let soonest_keys: Vec<&String> = soonest.as_object().unwrap().keys().collect();
    assert_eq!(
        soonest_keys,
        [
            "id",
            "flow_id",
            "name",
            "state_name",
            "state_type",
            "next_scheduled_start_time"
        ]
    );
    assert_eq!(next[unknown], Value::Null);

    // The parent run's three tasks; the task that stands for its subflow does not count.
    let parent = s(ids, "parent_run");
    let tasks = ok(
        server,
        "POST",
        "/ui/flow_runs/count-task-runs",
        json!({ "flow_run_ids": [parent, unknown] }),
    );
    assert_eq!(tasks, json!({ parent: 3, unknown: 0 }));

    let of_parent = json!({ "flow_runs": { "id": { "any_": [parent] } }, "task_runs": { "name": { "like_": "e" } } });
    let by_state = ok(server, "POST", "/ui/task_runs/count", of_parent);
    let kinds: Vec<&String> = by_state.as_object().unwrap().keys().collect();
    assert_eq!(
        kinds,
        [
            "COMPLETED",
            "PENDING",
            "RUNNING",
            "FAILED",
            "CANCELLED",
            "CRASHED",
            "PAUSED",
            "CANCELLING",
            "SCHEDULED"
        ]
    );
    // `double` twice, `explode` once ("e" is in both names, not in "child-0").
    assert_eq!(
        (&by_state["COMPLETED"], &by_state["FAILED"]),
        (&json!(2), &json!(1))
    );

    // A task run with its flow run's name; Prefect's "Task not found" otherwise.
    let listed = ok(
        server,
        "POST",
        "/task_runs/filter",
        json!({ "flow_runs": { "id": { "any_": [parent] } }, "task_runs": { "name": { "like_": "explode" } } }),
    );
    let task_id = listed[0]["id"].as_str().unwrap();
    let task = ok(
        server,
        "GET",
        &format!("/ui/task_runs/{task_id}"),
        Value::Null,
    );
    assert_eq!(task["state_type"], "FAILED");
    let parent_run = ok(server, "GET", &format!("/flow_runs/{parent}"), Value::Null);
    assert_eq!(task["flow_run_name"], parent_run["name"]);
    let (status, missing) = call(
        server,
        "GET",
        "/ui/task_runs/00000000-0000-0000-0000-000000000000",
        None,
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Task not found" }))
    );

    // The dashboard's chart: 20 buckets; all five terminal task runs started within the last hour.
    let hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let bars = ok(
        server,
        "POST",
        "/ui/task_runs/dashboard/counts",
        json!({ "task_runs": { "start_time": { "after_": hour_ago } } }),
    );
    let bars = bars.as_array().unwrap();
    assert_eq!(bars.len(), 20);
    let total: i64 = bars
        .iter()
        .map(|b| b["completed"].as_i64().unwrap() + b["failed"].as_i64().unwrap())
        .sum();
    let failed: i64 = bars.iter().map(|b| b["failed"].as_i64().unwrap()).sum();
    assert!(total >= 4, "{bars:?}");
    assert_eq!(failed, 1);
    let (status, refused) = call(
        server,
        "POST",
        "/ui/task_runs/dashboard/counts",
        Some(json!({ "task_runs": {} })),
    );
    assert_eq!(
        (status, refused),
        (
            422,
            json!({ "detail": "task_runs.start_time.after_ is required" })
        )
    );
}

/// The `/paginate` routes: a page, the count of all, Prefect's bounds on `page` and `limit`.
fn paginate(server: &Server, ids: &Value) {
    let flows = ok(server, "POST", "/flows/paginate", json!({ "limit": 2 }));
    assert_eq!(
        (
            &flows["count"],
            &flows["limit"],
            &flows["pages"],
            &flows["page"]
        ),
        (&json!(3), &json!(2), &json!(2), &json!(1))
    );
    // By name by default: child, failing, parent.
    let names: Vec<&Value> = flows["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["name"])
        .collect();
    assert_eq!(names, [&json!("child"), &json!("failing")]);
    let second = ok(
        server,
        "POST",
        "/flows/paginate",
        json!({ "limit": 2, "page": 2 }),
    );
    assert_eq!(second["results"][0]["name"], "parent");

    let runs = ok(
        server,
        "POST",
        "/flow_runs/paginate",
        json!({ "limit": 2, "page": 1, "sort": "EXPECTED_START_TIME_DESC" }),
    );
    assert_eq!((&runs["count"], &runs["pages"]), (&json!(5), &json!(3)));
    assert_eq!(runs["results"][0]["id"], ids["scheduled_runs"][0]);
    let of_flow = json!({ "flows": { "name": { "any_": ["failing"] } } });
    let failing = ok(server, "POST", "/flow_runs/paginate", of_flow);
    assert_eq!(
        (&failing["count"], &failing["results"][0]["state_type"]),
        (&json!(1), &json!("FAILED"))
    );

    let parent = s(ids, "parent_run");
    let tasks = ok(
        server,
        "POST",
        "/task_runs/paginate",
        json!({ "flow_runs": { "id": { "any_": [parent] } }, "limit": 3 }),
    );
    assert_eq!(
        (
            &tasks["count"],
            &tasks["pages"],
            &tasks["results"].as_array().unwrap().len()
        ),
        (&json!(4), &json!(2), &3)
    );
    let empty = ok(server, "POST", "/task_runs/paginate", json!({ "limit": 0 }));
    assert_eq!(
        (&empty["pages"], &empty["results"]),
        (&json!(0), &json!([]))
    );

    let (status, refused) = call(
        server,
        "POST",
        "/task_runs/paginate",
        Some(json!({ "page": 0 })),
    );
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "page"])
    );
    assert_eq!(refused["exception_detail"][0]["type"], "greater_than_equal");
    let (status, refused) = call(
        server,
        "POST",
        "/flow_runs/paginate",
        Some(json!({ "limit": 201 })),
    );
    assert_eq!(
        (status, refused),
        (
            422,
            json!({ "detail": "Invalid limit: must be less than or equal to 200." })
        )
    );
}

/// The graphs: V2's nodes (the subflow as a flow-run node labelled flow / run), artifacts and states; V1's task
/// runs; Prefect's 404s.
fn graphs(server: &Server, ids: &Value) {
    let parent = s(ids, "parent_run");
    let graph = ok(
        server,
        "GET",
        &format!("/flow_runs/{parent}/graph-v2"),
        Value::Null,
    );
    let keys: Vec<&String> = graph.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "start_time",
            "end_time",
            "root_node_ids",
            "nodes",
            "artifacts",
            "states"
        ]
    );
    let nodes = graph["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 4);
    let kinds: Vec<&Value> = nodes.iter().map(|n| &n[1]["kind"]).collect();
    assert_eq!(
        kinds,
        [
            &json!("task-run"),
            &json!("task-run"),
            &json!("task-run"),
            &json!("flow-run")
        ]
    );
    let subflow = &nodes[3][1];
    assert!(
        subflow["label"].as_str().unwrap().starts_with("child / "),
        "{subflow}"
    );
    assert_eq!(subflow["state_type"], "COMPLETED");
    assert_eq!(nodes[2][1]["state_type"], "FAILED");
    let node_keys: Vec<&String> = nodes[0][1].as_object().unwrap().keys().collect();
    assert_eq!(
        node_keys,
        [
            "kind",
            "id",
            "label",
            "state_type",
            "start_time",
            "end_time",
            "parents",
            "children",
            "encapsulating",
            "artifacts"
        ]
    );
    assert_eq!(graph["root_node_ids"].as_array().unwrap().len(), 4);
    assert_eq!(graph["artifacts"][0]["key"], "report");
    assert_eq!(
        (
            &graph["artifacts"][0]["is_latest"],
            &graph["artifacts"][0]["data"]
        ),
        (&json!(true), &Value::Null)
    );
    let states: Vec<&Value> = graph["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["type"])
        .collect();
    assert_eq!(
        states,
        [&json!("PENDING"), &json!("RUNNING"), &json!("COMPLETED")]
    );
    // Only what ended since: nothing ended in the future.
    let later = ok(
        server,
        "GET",
        &format!("/flow_runs/{parent}/graph-v2?since=2999-01-01T00:00:00Z"),
        Value::Null,
    );
    assert_eq!(later["nodes"], json!([]));
    let (status, _) = call(
        server,
        "GET",
        &format!("/flow_runs/{parent}/graph-v2?since=bad"),
        None,
    );
    assert_eq!(status, 422);
    let nobody = "00000000-0000-0000-0000-000000000000";
    let (status, missing) = call(
        server,
        "GET",
        &format!("/flow_runs/{nobody}/graph-v2"),
        None,
    );
    assert_eq!(
        (status, missing),
        (
            404,
            json!({ "exception_message": format!("Flow run {nobody} not found") })
        )
    );

    let v1 = ok(
        server,
        "GET",
        &format!("/flow_runs/{parent}/graph"),
        Value::Null,
    );
    assert_eq!(v1.as_array().unwrap().len(), 4);
    let v1_keys: Vec<&String> = v1[0].as_object().unwrap().keys().collect();
    assert_eq!(
        v1_keys,
        [
            "id",
            "name",
            "upstream_dependencies",
            "state",
            "expected_start_time",
            "start_time",
            "end_time",
            "total_run_time",
            "estimated_run_time",
            "untrackable_result"
        ]
    );
    let (status, missing) = call(server, "GET", &format!("/flow_runs/{nobody}/graph"), None);
    assert_eq!(
        (status, missing),
        (
            404,
            json!({ "exception_message": format!("Flow run with id {nobody} not found") })
        )
    );
}

/// A graph larger than PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES is Prefect's 400.
fn graph_too_large(server: &Server, ids: &Value) {
    let parent = s(ids, "parent_run");
    let (status, refused) = call(
        server,
        "GET",
        &format!("/flow_runs/{parent}/graph-v2"),
        None,
    );
    assert_eq!(
        (status, refused),
        (
            400,
            json!({ "detail": format!("The graph of flow run {parent} has more than 2 nodes.") })
        )
    );
}

/// Saved searches: a PUT creates (201) or replaces the filters of the one with that name (200, same id).
fn saved_searches(server: &Server) {
    let filter = json!({ "object": "flow", "property": "name", "type": "string", "operation": "equals", "value": "x" });
    let (status, made) = call(
        server,
        "PUT",
        "/saved_searches/",
        Some(json!({ "name": "mine", "filters": [filter] })),
    );
    assert_eq!(status, 201, "{made}");
    let keys: Vec<&String> = made.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "created", "updated", "name", "filters"]);
    assert_eq!(made["filters"], json!([filter]));
    let (status, again) = call(
        server,
        "PUT",
        "/saved_searches/",
        Some(json!({ "name": "mine" })),
    );
    assert_eq!(
        (status, &again["id"], &again["filters"]),
        (200, &made["id"], &json!([]))
    );
    ok(
        server,
        "PUT",
        "/saved_searches/",
        json!({ "name": "another" }),
    );
    let listed = ok(server, "POST", "/saved_searches/filter", json!({}));
    let names: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("another"), &json!("mine")]);
    let paged = ok(
        server,
        "POST",
        "/saved_searches/filter",
        json!({ "limit": 1, "offset": 1 }),
    );
    assert_eq!(paged[0]["name"], "mine");
    let id = made["id"].as_str().unwrap();
    assert_eq!(
        ok(server, "GET", &format!("/saved_searches/{id}"), Value::Null)["name"],
        "mine"
    );

    let (status, refused) = call(
        server,
        "PUT",
        "/saved_searches/",
        Some(json!({ "name": "x", "extra": 1 })),
    );
    assert_eq!(status, 422);
    assert_eq!(refused["exception_detail"][0]["type"], "extra_forbidden");
    let (status, refused) = call(
        server,
        "PUT",
        "/saved_searches/",
        Some(json!({ "name": "x", "filters": [{ "object": "flow" }] })),
    );
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "filters", 0, "property"])
    );

    let (status, _) = call(server, "DELETE", &format!("/saved_searches/{id}"), None);
    assert_eq!(status, 204);
    let not_found = json!({ "detail": "Saved search not found" });
    assert_eq!(
        call(server, "GET", &format!("/saved_searches/{id}"), None),
        (404, not_found.clone())
    );
    assert_eq!(
        call(server, "DELETE", &format!("/saved_searches/{id}"), None),
        (404, not_found)
    );
}

/// The default result storage: a block that can write paths, stored until cleared.
fn admin_storage(server: &Server, ids: &Value) {
    let unset = json!({ "default_result_storage_block_id": null });
    assert_eq!(ok(server, "GET", "/admin/storage", Value::Null), unset);
    let storage = s(ids, "storage_block");
    let set = json!({ "default_result_storage_block_id": storage });
    assert_eq!(ok(server, "PUT", "/admin/storage", set.clone()), set);
    assert_eq!(ok(server, "GET", "/admin/storage", Value::Null), set);
    let secret = s(ids, "secret_block");
    let (status, refused) = call(
        server,
        "PUT",
        "/admin/storage",
        Some(json!({ "default_result_storage_block_id": secret })),
    );
    assert_eq!(
        (status, refused),
        (
            422,
            json!({ "detail": format!("Block document {secret} cannot be used for result storage.") })
        )
    );
    let nobody = "00000000-0000-0000-0000-000000000000";
    let (status, refused) = call(
        server,
        "PUT",
        "/admin/storage",
        Some(json!({ "default_result_storage_block_id": nobody })),
    );
    assert_eq!(
        (status, refused),
        (
            404,
            json!({ "detail": format!("Block document {nobody} not found.") })
        )
    );
    let (status, refused) = call(server, "PUT", "/admin/storage", Some(json!({})));
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "default_result_storage_block_id"])
    );
    assert_eq!(ok(server, "GET", "/admin/storage", Value::Null), set);
    let (status, _) = call(server, "DELETE", "/admin/storage", None);
    assert_eq!(status, 204);
    assert_eq!(ok(server, "GET", "/admin/storage", Value::Null), unset);
}

/// The logs as CSV, with Prefect's headers and Python's csv quoting.
fn logs_download(server: &Server, ids: &Value) {
    let parent = s(ids, "parent_run");
    let run = ok(server, "GET", &format!("/flow_runs/{parent}"), Value::Null);
    let reply = exchange(
        "GET",
        &format!("{}/flow_runs/{parent}/logs/download", server.api_url()),
        None,
        &[],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let name = run["name"].as_str().unwrap();
    assert_eq!(
        reply.header("content-disposition").map(str::to_owned),
        Some(format!(
            "attachment; filename=\"flow-run-logs.csv\"; filename*=UTF-8''{name}-logs.csv"
        ))
    );
    let mut lines = reply.body.split("\r\n");
    assert_eq!(
        lines.next(),
        Some("timestamp,level,flow_run_id,task_run_id,message")
    );
    let first = lines.next().unwrap();
    assert!(
        first.ends_with(&format!(
            ",20,{parent},,Beginning flow run '{name}' for flow 'parent'"
        )),
        "{first}"
    );
    // Python's str() of a UTC datetime.
    assert_eq!(&first[10..11], " ");
    assert!(first[..32].ends_with("+00:00"), "{first}");
    // The failed task's traceback spans lines: one quoted field.
    assert!(
        reply.body.contains(",40,")
            && reply
                .body
                .contains("\"Task run failed with exception: ValueError('boom')")
    );
    let (status, missing) = call(
        server,
        "GET",
        "/flow_runs/00000000-0000-0000-0000-000000000000/logs/download",
        None,
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Flow run not found" }))
    );
}

/// `bulk_set_state` orchestrates each matching run; `PATCH /task_runs/{id}` renames.
fn writes(server: &Server, ids: &Value) {
    let scheduled = &ids["scheduled_runs"];
    let body =
        json!({ "flow_runs": { "id": { "any_": scheduled } }, "state": { "type": "CANCELLED" } });
    let results = ok(server, "POST", "/flow_runs/bulk_set_state", body);
    let results = results["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let keys: Vec<&String> = result.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["flow_run_id", "status", "state", "details"]);
        assert_eq!(
            (&result["status"], &result["state"]["type"]),
            (&json!("ACCEPT"), &json!("CANCELLED"))
        );
    }
    let none = ok(
        server,
        "POST",
        "/flow_runs/bulk_set_state",
        json!({ "flow_runs": { "id": { "any_": [] } }, "state": { "type": "CANCELLED" } }),
    );
    assert_eq!(none, json!({ "results": [] }));
    let (status, refused) = call(
        server,
        "POST",
        "/flow_runs/bulk_set_state",
        Some(json!({ "state": { "type": "CANCELLED" }, "limit": 51 })),
    );
    assert_eq!(status, 422);
    assert_eq!(refused["exception_detail"][0]["type"], "less_than_equal");
    let (status, refused) = call(server, "POST", "/flow_runs/bulk_set_state", Some(json!({})));
    assert_eq!(status, 422);
    assert_eq!(
        refused["exception_detail"][0]["loc"],
        json!(["body", "state"])
    );

    let parent = s(ids, "parent_run");
    let listed = ok(
        server,
        "POST",
        "/task_runs/filter",
        json!({ "flow_runs": { "id": { "any_": [parent] } }, "limit": 1 }),
    );
    let task = listed[0]["id"].as_str().unwrap();
    let (status, _) = call(
        server,
        "PATCH",
        &format!("/task_runs/{task}"),
        Some(json!({ "name": "renamed" })),
    );
    assert_eq!(status, 204);
    assert_eq!(
        ok(server, "GET", &format!("/task_runs/{task}"), Value::Null)["name"],
        "renamed"
    );
    let (status, _) = call(
        server,
        "PATCH",
        &format!("/task_runs/{task}"),
        Some(json!({})),
    );
    assert_eq!(status, 204);
    assert_eq!(
        ok(server, "GET", &format!("/task_runs/{task}"), Value::Null)["name"],
        "renamed"
    );
    // A null name is a new random one, as Prefect's validator makes it.
    call(
        server,
        "PATCH",
        &format!("/task_runs/{task}"),
        Some(json!({ "name": null })),
    );
    let renamed = ok(server, "GET", &format!("/task_runs/{task}"), Value::Null);
    assert!(
        renamed["name"]
            .as_str()
            .is_some_and(|n| n != "renamed" && !n.is_empty())
    );
    let (status, refused) = call(
        server,
        "PATCH",
        &format!("/task_runs/{task}"),
        Some(json!({ "bad": 1 })),
    );
    assert_eq!(status, 422);
    assert_eq!(refused["exception_detail"][0]["type"], "extra_forbidden");
    let nobody = "00000000-0000-0000-0000-000000000000";
    let (status, missing) = call(
        server,
        "PATCH",
        &format!("/task_runs/{nobody}"),
        Some(json!({ "name": "a" })),
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Task run not found" }))
    );
}

/// `/ui/schemas/validate`: every failure nested by property and index, hydrated values, Prefect's 422s.
fn schemas_validate(server: &Server) {
    let schema = json!({ "type": "object", "required": ["n"], "properties": {
        "n": { "type": "integer", "title": "n" }, "name": { "type": "string" },
        "items": { "type": "array", "items": { "type": "integer" } },
        "sub": { "type": "object", "properties": { "x": { "type": "integer" } }, "required": ["x"] } } });
    let check = |values: Value| {
        ok(
            server,
            "POST",
            "/ui/schemas/validate",
            json!({ "schema": schema, "values": values }),
        )
    };
    assert_eq!(
        check(json!({ "n": 1 })),
        json!({ "errors": [], "valid": true })
    );
    assert_eq!(
        check(json!({})),
        json!({ "errors": [{ "property": "n", "errors": ["'n' is a required property"] }], "valid": false })
    );
    assert_eq!(
        check(json!({ "n": "x", "name": 5, "items": [1, "a"], "sub": {} })),
        json!({ "errors": [
            { "property": "n", "errors": ["'x' is not of type 'integer'"] },
            { "property": "name", "errors": ["5 is not of type 'string'"] },
            { "property": "items", "errors": [{ "index": 1, "errors": ["'a' is not of type 'integer'"] }] },
            { "property": "sub", "errors": [{ "property": "x", "errors": ["'x' is a required property"] }] },
        ], "valid": false })
    );
    // Hydrated first: a variable looked up, a bad one or bad JSON is the error at its place, Jinja not rendered.
    ok(
        server,
        "POST",
        "/variables/",
        json!({ "name": "limit", "value": 3 }),
    );
    let variable =
        |name: &str| json!({ "__prefect_kind": "workspace_variable", "variable_name": name });
    assert_eq!(
        check(json!({ "n": variable("limit") })),
        json!({ "errors": [], "valid": true })
    );
    assert_eq!(
        check(json!({ "n": variable("nope") })),
        json!({ "errors": [{ "property": "n", "errors": ["Variable 'nope' not found in workspace."] }], "valid": false })
    );
    let bad_json = check(json!({ "n": { "__prefect_kind": "json", "value": "{bad" } }));
    assert!(
        bad_json["errors"][0]["errors"][0]
            .as_str()
            .unwrap()
            .starts_with("Invalid JSON: "),
        "{bad_json}"
    );
    let jinja = json!({ "n": 1, "name": { "__prefect_kind": "jinja", "template": "{{ x }}" } });
    assert_eq!(check(jinja), json!({ "errors": [], "valid": true }));

    let refused = |body: Value| call(server, "POST", "/ui/schemas/validate", Some(body));
    assert_eq!(
        refused(json!({ "schema": { "type": "foo" }, "values": {} })),
        (
            422,
            json!({ "detail": "Invalid schema: 'foo' is not valid under any of the given schemas" })
        )
    );
    let circular = json!({ "properties": { "a": { "$ref": "#/definitions/A" } }, "definitions": { "A": { "$ref": "#/definitions/A" } } });
    assert_eq!(
        refused(json!({ "schema": circular, "values": { "a": 1 } })),
        (
            422,
            json!({ "detail": "Invalid schema: Unable to validate schema with circular references." })
        )
    );
    let (status, missing) = refused(json!({ "values": {} }));
    assert_eq!(status, 422);
    assert_eq!(
        missing["exception_detail"][0]["loc"],
        json!(["body", "schema"])
    );
}

fn scenario(env: &TestEnv, server: &Server) {
    let ids = seed(env, server);
    ui_routes(server, &ids);
    paginate(server, &ids);
    graphs(server, &ids);
    saved_searches(server);
    admin_storage(server, &ids);
    logs_download(server, &ids);
    writes(server, &ids);
    schemas_validate(server);
}

#[test]
fn ui_reads_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    scenario(&env, &server);
}

#[test]
fn ui_reads_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    scenario(&env, &server);
}

#[test]
fn flow_run_graph_node_limit() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES", "2")]);
    let ids = seed(&env, &server);
    graph_too_large(&server, &ids);
}
