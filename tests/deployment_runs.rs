//! Runs made from deployments and the routes around them, through the real server on SQLite and PostgreSQL, with
//! the answers Prefect 3.8.8's own server gave to the same calls: parameter hydration (`__prefect_kind`) on
//! `create_flow_run`, job variables checked against the pool's base job template, `create_flow_run/bulk`,
//! backfills (`POST /deployments/{id}/schedule`), `bulk_delete`, `work_queue_check`, and the pool and queue
//! `concurrency_status` routes.

mod common;

use common::TestEnv;
use common::postgres::Postgres;
use common::server::{Server, call_api};
use serde_json::{Value, json};

fn start(env: &TestEnv, pg: Option<(&Postgres, &str)>) -> Server {
    match pg {
        Some((pg, db)) => Server::start(
            env,
            &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &pg.url(db))],
        ),
        None => Server::start(env, &[]),
    }
}

/// Sends the call; asserts the status; the answer (`null` when empty).
#[track_caller]
fn call(server: &Server, method: &str, path: &str, body: Value, expected: u16) -> Value {
    let (status, answer) = call_api(server, method, path, &body);
    assert_eq!(status, expected, "{method} {path}: {answer}");
    answer
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map_or_else(Vec::new, |o| o.keys().map(String::as_str).collect())
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// A pool whose template needs `needed`, a flow, and a deployment of it that enforces `{x: int, s: str}`.
struct Setup {
    flow: String,
    deployment: String,
}

fn setup(server: &Server) -> Setup {
    call(
        server,
        "POST",
        "/variables/",
        json!({ "name": "greeting", "value": "hi" }),
        201,
    );
    let template = json!({
        "job_configuration": { "needed": "{{ needed }}", "count": "{{ count }}" },
        "variables": { "type": "object", "required": ["needed"], "properties": {
            "needed": { "type": "string" },
            "count": { "type": "integer", "default": 1 },
            "opt": { "type": "string", "default": "x" } } } });
    call(
        server,
        "POST",
        "/work_pools/",
        json!({ "name": "runs-pool", "type": "process", "base_job_template": template }),
        201,
    );
    let flow = id(&call(
        server,
        "POST",
        "/flows/",
        json!({ "name": "runs-flow" }),
        201,
    ));
    let schema = json!({ "type": "object", "properties": {
        "x": { "type": "integer" }, "s": { "type": "string" } } });
    let deployment = call(
        server,
        "POST",
        "/deployments/",
        json!({ "name": "runs-dep", "flow_id": flow, "work_pool_name": "runs-pool", "tags": ["t1"],
                "parameter_openapi_schema": schema, "enforce_parameter_schema": true,
                "job_variables": { "needed": "yes" }, "parameters": { "x": 1 }, "paused": true,
                "schedules": [{ "schedule": { "interval": 3600, "anchor_date": "2020-01-01T00:00:00Z" } }] }),
        201,
    );
    Setup {
        flow,
        deployment: id(&deployment),
    }
}

/// A run made with these parameters (and more of the body): its status and parameters, or its `detail`.
fn run(server: &Server, deployment: &str, body: Value) -> (u16, Value) {
    let path = format!("/deployments/{deployment}/create_flow_run");
    let (status, answer) = call_api(server, "POST", &path, &body);
    if status < 300 {
        (status, answer["parameters"].clone())
    } else {
        (status, answer["detail"].clone())
    }
}

fn hydration(server: &Server, s: &Setup) {
    let d = s.deployment.as_str();
    let params = |p: Value| run(server, d, json!({ "parameters": p }));
    assert_eq!(
        params(json!({ "x": { "__prefect_kind": "json", "value": "5" } })),
        (201, json!({ "x": 5 }))
    );
    assert_eq!(
        params(json!({ "x": 2, "s": { "__prefect_kind": "jinja", "template": "{{ 1 + 1 }}-a" } })),
        (201, json!({ "x": 2, "s": "2-a" }))
    );
    assert_eq!(
        params(
            json!({ "s": { "__prefect_kind": "workspace_variable", "variable_name": "greeting" } })
        ),
        (201, json!({ "x": 1, "s": "hi" }))
    );
    assert_eq!(
        params(json!({ "x": { "__prefect_kind": "none", "value": 7 } })),
        (201, json!({ "x": 7 }))
    );
    assert_eq!(
        params(json!({ "x": { "__prefect_kind": "mystery", "value": 9 } })),
        (201, json!({ "x": 9 }))
    );
    // A stub without its value is left out (Prefect's own server answers this one with a 503).
    assert_eq!(
        params(json!({ "x": 3, "s": { "__prefect_kind": "json" } })),
        (201, json!({ "x": 3 }))
    );
    assert_eq!(
        params(json!({ "s": { "__prefect_kind": "workspace_variable", "variable_name": "nope" } })),
        (
            400,
            json!("Error hydrating flow run parameters: Variable 'nope' not found in workspace.")
        )
    );
    assert_eq!(
        params(json!({ "x": { "__prefect_kind": "none" } })),
        (
            400,
            json!("Error hydrating flow run parameters: Missing 'value' key in __prefect object")
        )
    );
    assert_eq!(
        params(json!({ "s": { "__prefect_kind": "jinja" } })),
        (
            400,
            json!(
                "Error hydrating flow run parameters: Missing 'template' key in __prefect object"
            )
        )
    );
    // Hydrated first, then checked against the schema.
    assert_eq!(
        params(json!({ "x": { "__prefect_kind": "json", "value": "\"notint\"" } })),
        (
            409,
            json!(
                "Error creating flow run: Validation failed for field 'x'. Failure reason: 'notint' is not \
                 valid under any of the given schemas"
            )
        )
    );
}

fn job_variables(server: &Server, s: &Setup) {
    let d = s.deployment.as_str();
    let with = |vars: Value| run(server, d, json!({ "job_variables": vars })).0;
    assert_eq!(
        with(json!({ "count": null })),
        201,
        "null is allowed where there is a default"
    );
    assert_eq!(with(json!({ "other": 1 })), 201, "unknown variables pass");
    let (status, detail) = run(server, d, json!({ "job_variables": { "count": "many" } }));
    assert_eq!(
        (status, detail),
        (
            422,
            json!(
                "Error creating flow run: Validation failed for field 'count'. Failure reason: 'many' is not \
                 valid under any of the given schemas"
            )
        )
    );
    // Required variables count once the deployment's and the run's are merged over the defaults.
    let bare = call(
        server,
        "POST",
        "/deployments/",
        json!({ "name": "runs-bare", "flow_id": s.flow, "work_pool_name": "runs-pool" }),
        201,
    );
    assert_eq!(
        run(server, &id(&bare), json!({})),
        (
            422,
            json!(
                "Error creating flow run: Validation failed. Failure reason: 'needed' is a required property"
            )
        )
    );
    assert_eq!(
        run(
            server,
            &id(&bare),
            json!({ "job_variables": { "needed": "n" } })
        )
        .0,
        201
    );
}

fn bulk(server: &Server, s: &Setup) {
    let d = s.deployment.as_str();
    let path = format!("/deployments/{d}/create_flow_run/bulk");
    let answer = call(
        server,
        "POST",
        &path,
        json!([
            { "parameters": { "x": 4 } },
            { "parameters": { "x": "bad" } },
            { "parameters": { "s": { "__prefect_kind": "workspace_variable", "variable_name": "nope" } } },
            { "job_variables": { "count": "x" } },
            { "work_queue_name": "bulk-q" },
        ]),
        200,
    );
    let results = answer["results"].as_array().expect("results");
    let outcome: Vec<(&str, Option<&str>)> = results
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), r["error"].as_str()))
        .collect();
    assert_eq!(
        outcome,
        [
            ("CREATED", None),
            (
                "FAILED",
                Some(
                    "Parameter validation failed: Validation failed for field 'x'. Failure reason: 'bad' is \
                     not valid under any of the given schemas"
                )
            ),
            ("FAILED", Some("Variable 'nope' not found in workspace.")),
            (
                "FAILED",
                Some(
                    "Error creating flow run: Validation failed for field 'count'. Failure reason: 'x' is not \
                     valid under any of the given schemas"
                )
            ),
            ("CREATED", None),
        ]
    );
    assert!(results[1]["flow_run_id"].is_null());
    let queued = call(
        server,
        "GET",
        &format!("/flow_runs/{}", results[4]["flow_run_id"].as_str().unwrap()),
        Value::Null,
        200,
    );
    assert_eq!(
        queued["work_queue_name"], "bulk-q",
        "the queue is made in the pool"
    );
    assert_eq!(queued["work_pool_name"], "runs-pool");

    assert_eq!(
        call(server, "POST", &path, json!([]), 200),
        json!({ "results": [] })
    );
    let missing = "/deployments/00000000-0000-0000-0000-000000000000/create_flow_run/bulk";
    assert_eq!(
        call(server, "POST", missing, json!([]), 404),
        json!({ "detail": "Deployment not found" })
    );
    let too_many = Value::Array(vec![json!({}); 101]);
    assert_eq!(
        call(server, "POST", &path, too_many, 400),
        json!({ "detail": "Cannot create more than 100 flow runs at once." })
    );
    let bad = call(server, "POST", &path, json!([{ "nope": 1 }]), 422);
    assert_eq!(
        bad["exception_detail"][0]["loc"],
        json!(["body", 0, "nope"])
    );
    assert_eq!(bad["exception_detail"][0]["type"], "extra_forbidden");
}

fn count_runs(server: &Server, deployment: &str) -> Value {
    call(
        server,
        "POST",
        "/flow_runs/count",
        json!({ "flow_runs": { "deployment_id": { "any_": [deployment] } } }),
        200,
    )
}

fn backfill(server: &Server, s: &Setup) {
    // A paused deployment of its own, so the runs counted are the backfill's.
    let d = id(&call(
        server,
        "POST",
        "/deployments/",
        json!({ "name": "runs-backfill", "flow_id": s.flow, "paused": true,
                "schedules": [{ "schedule": { "interval": 3600, "anchor_date": "2020-01-01T00:00:00Z" } }] }),
        201,
    ));
    let path = format!("/deployments/{d}/schedule");
    let window = json!({ "start_time": "2020-01-01T00:00:00Z", "end_time": "2020-01-01T05:30:00Z",
                         "min_time": 0, "min_runs": 1, "max_runs": 10 });
    // Enough once `min_runs` and `min_time` are met, as Prefect stops; a paused deployment is backfilled too.
    assert_eq!(
        call(server, "POST", &path, window.clone(), 200),
        Value::Null
    );
    assert_eq!(count_runs(server, &d), json!(1));
    assert_eq!(call(server, "POST", &path, window, 200), Value::Null);
    assert_eq!(count_runs(server, &d), json!(1), "a slot is scheduled once");
    let all_day = json!({ "start_time": "2020-01-01T00:00:00Z", "end_time": "2020-01-01T05:30:00Z",
                          "min_time": "36000", "max_runs": 4 });
    call(server, "POST", &path, all_day, 200);
    assert_eq!(
        count_runs(server, &d),
        json!(4),
        "max_runs bounds a long min_time"
    );
    let bad = call(server, "POST", &path, json!({ "min_time": "x" }), 422);
    assert_eq!(
        (
            &bad["exception_detail"][0]["type"],
            &bad["exception_detail"][0]["loc"]
        ),
        (&json!("float_parsing"), &json!(["body", "min_time"]))
    );
    let missing = "/deployments/00000000-0000-0000-0000-000000000000/schedule";
    assert_eq!(call(server, "POST", missing, json!({}), 200), Value::Null);
}

fn concurrency_status(server: &Server, s: &Setup) {
    let d = s.deployment.as_str();
    let mut made = Vec::new();
    for state in ["RUNNING", "PENDING", "PENDING"] {
        let (status, _) = run(server, d, json!({}));
        assert_eq!(status, 201);
        let newest = call(
            server,
            "POST",
            "/flow_runs/filter",
            json!({ "flow_runs": { "deployment_id": { "any_": [d] }, "state": { "type": { "any_": ["SCHEDULED"] } },
                                   "work_queue_name": { "any_": ["default"] } },
                    "sort": "EXPECTED_START_TIME_DESC", "limit": 1 }),
            200,
        );
        let run_id = id(&newest[0]);
        call(
            server,
            "POST",
            &format!("/flow_runs/{run_id}/set_state"),
            json!({ "state": { "type": state }, "force": true }),
            201,
        );
        made.push(run_id);
    }
    let pool = call(
        server,
        "POST",
        "/work_pools/runs-pool/concurrency_status",
        json!({}),
        200,
    );
    assert_eq!(
        (
            &pool["active_slots"],
            &pool["count"],
            &pool["limit"],
            &pool["pages"],
            &pool["page"]
        ),
        (&json!(3), &json!(2), &json!(200), &json!(1), &json!(1))
    );
    let default = &pool["queues"][0];
    assert_eq!(
        (
            &default["queue_name"],
            &default["active_slots"],
            &default["flow_run_count"]
        ),
        (&json!("default"), &json!(3), &json!(3))
    );
    let shown: Vec<&str> = default["flow_runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = made.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(shown, expected, "in id order");
    let summary = &default["flow_runs"][0];
    assert_eq!(
        keys(summary).join(" "),
        "id name state_type state_name start_time state_timestamp time_in_current_state"
    );
    assert!(summary["time_in_current_state"].as_f64().unwrap() >= 0.0);
    assert_eq!(pool["queues"][1]["queue_name"], "bulk-q");
    let first_page = call(
        server,
        "POST",
        "/work_pools/runs-pool/concurrency_status",
        json!({ "limit": 1, "page": 1, "flow_run_limit": 1 }),
        200,
    );
    assert_eq!(first_page["pages"], 2);
    assert_eq!(
        first_page["queues"][0]["flow_runs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(first_page["queues"][0]["flow_run_count"], 3);
    assert_eq!(
        call(
            server,
            "POST",
            "/work_pools/nope/concurrency_status",
            json!({}),
            404
        ),
        json!({ "detail": "Work pool 'nope' not found." })
    );
    let bad = call(
        server,
        "POST",
        "/work_pools/runs-pool/concurrency_status",
        json!({ "page": 0 }),
        422,
    );
    assert_eq!(bad["exception_detail"][0]["loc"], json!(["body", "page"]));
    let bad = call(
        server,
        "POST",
        "/work_pools/runs-pool/concurrency_status",
        json!({ "flow_run_limit": 201 }),
        422,
    );
    assert_eq!(bad["exception_detail"][0]["type"], "less_than_equal");
    assert_eq!(
        call(
            server,
            "POST",
            "/work_pools/runs-pool/concurrency_status",
            json!({ "limit": 500 }),
            422
        ),
        json!({ "detail": "Invalid limit: must be less than or equal to 200." })
    );

    let queue_id = pool["queues"][0]["queue_id"].as_str().unwrap();
    let path = format!("/work_queues/{queue_id}/concurrency_status");
    let queue = call(server, "POST", &path, json!({}), 200);
    assert_eq!(
        (&queue["active_slots"], &queue["count"], &queue["pages"]),
        (&json!(3), &json!(3), &json!(1))
    );
    let page = call(server, "POST", &path, json!({ "limit": 2, "page": 2 }), 200);
    assert_eq!((&page["pages"], &page["count"]), (&json!(2), &json!(3)));
    assert_eq!(page["flow_runs"].as_array().unwrap().len(), 1);
    // Cancelling holds a queue's slot (not a pool's).
    call(
        server,
        "POST",
        &format!("/flow_runs/{}/set_state", made[0]),
        json!({ "state": { "type": "CANCELLING" }, "force": true }),
        201,
    );
    assert_eq!(
        call(server, "POST", &path, json!({}), 200)["active_slots"],
        3
    );
    assert_eq!(
        call(
            server,
            "POST",
            "/work_pools/runs-pool/concurrency_status",
            json!({}),
            200
        )["active_slots"],
        2
    );
    let missing = "/work_queues/00000000-0000-0000-0000-000000000000/concurrency_status";
    assert_eq!(
        call(server, "POST", missing, json!({}), 404),
        json!({ "detail": "Work queue not found." })
    );
}

fn queue_check_and_bulk_delete(server: &Server, s: &Setup) {
    let picked = call(
        server,
        "GET",
        &format!("/deployments/{}/work_queue_check", s.deployment),
        Value::Null,
        200,
    );
    let queue = picked
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "default")
        .expect("default queue");
    assert_eq!(
        keys(queue).join(" "),
        "id created updated name description is_paused concurrency_limit priority work_pool_id filter last_polled"
    );
    let missing = "/deployments/00000000-0000-0000-0000-000000000000/work_queue_check";
    assert_eq!(
        call(server, "GET", missing, Value::Null, 404),
        json!({ "detail": "Deployment not found" })
    );

    let doomed = call(
        server,
        "POST",
        "/deployments/filter",
        json!({ "deployments": { "name": { "any_": ["runs-bare", "runs-backfill"] } } }),
        200,
    );
    let mut doomed: Vec<String> = doomed.as_array().unwrap().iter().map(id).collect();
    doomed.sort();
    let filter = json!({ "deployments": { "name": { "any_": ["runs-bare", "runs-backfill"] } } });
    let deleted = call(
        server,
        "POST",
        "/deployments/bulk_delete",
        filter.clone(),
        200,
    );
    let mut deleted: Vec<String> = deleted["deleted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    deleted.sort();
    assert_eq!(deleted, doomed);
    assert_eq!(
        call(server, "POST", "/deployments/bulk_delete", filter, 200),
        json!({ "deleted": [] })
    );
    let left = call(server, "POST", "/deployments/filter", json!({}), 200);
    let names: Vec<&str> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["runs-dep"]);
    let bad = call(
        server,
        "POST",
        "/deployments/bulk_delete",
        json!({ "limit": 0 }),
        422,
    );
    assert_eq!(bad["exception_detail"][0]["type"], "greater_than_equal");
}

/// Job variables sent with a deployment fit the pool's template (required ones aside); parameters sent in a
/// PATCH are stored hydrated.
fn deployment_job_variables_and_update_hydration(server: &Server, s: &Setup) {
    let create = |name: &str, variables: Value, expected: u16| {
        call(
            server,
            "POST",
            "/deployments/",
            json!({ "name": name, "flow_id": s.flow, "work_pool_name": "runs-pool", "job_variables": variables }),
            expected,
        )
    };
    assert_eq!(
        create("jv-bad", json!({ "count": "many" }), 422)["detail"],
        "Error creating deployment: Validation failed for field 'count'. Failure reason: 'many' is not valid \
         under any of the given schemas"
    );
    create("jv-ok", json!({ "count": 2 }), 201);
    assert_eq!(
        create("jv-null", json!({ "count": null, "needed": null }), 422)["detail"],
        "Error creating deployment: Validation failed for field 'needed'. Failure reason: None is not of type \
         'string'"
    );
    let path = format!("/deployments/{}", s.deployment);
    let hydrated = json!({ "parameters": {
        "x": { "__prefect_kind": "json", "value": "3" },
        "s": { "__prefect_kind": "workspace_variable", "variable_name": "greeting" } } });
    call(server, "PATCH", &path, hydrated, 204);
    assert_eq!(
        call(server, "GET", &path, Value::Null, 200)["parameters"],
        json!({ "x": 3, "s": "hi" })
    );
    let missing = json!({ "parameters": { "s": { "__prefect_kind": "workspace_variable", "variable_name": "nope" } } });
    assert_eq!(
        call(server, "PATCH", &path, missing, 400),
        json!({ "detail": "Error hydrating deployment parameters: Variable 'nope' not found in workspace." })
    );
}

fn scenario(server: &Server) {
    let s = setup(server);
    hydration(server, &s);
    job_variables(server, &s);
    bulk(server, &s);
    backfill(server, &s);
    concurrency_status(server, &s);
    queue_check_and_bulk_delete(server, &s);
    deployment_job_variables_and_update_hydration(server, &s);
}

#[test]
fn deployment_runs_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None);
    scenario(&server);
}

#[test]
fn deployment_runs_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")));
    scenario(&server);
}
