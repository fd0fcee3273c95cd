//! Flows, flow runs and task runs over real HTTP beyond what running a flow needs: updating and deleting them (and
//! what goes with them), bulk deletes, and reading a run's state history, each answered as Prefect 3.9.1's own
//! server answers it (compared by hand with the same requests against it; the answers are written out here). The
//! official CLI's `prefect flow-run delete` runs against it on SQLite and PostgreSQL.

mod common;

use common::postgres::Postgres;
use common::server::{Server, get, post, request};
use common::{TestEnv, python_prefect, sqlite};
use serde_json::{Value, json};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// `(status, body as JSON, or null when empty)`.
fn call(method: &str, url: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string());
    let (status, text) = request(method, url, body.as_deref(), &[]);
    let value = if text.is_empty() {
        Value::Null
    } else {
        json(&text)
    };
    (status, value)
}

fn created(url: &str, body: Value) -> Value {
    let (status, text) = post(url, &body.to_string());
    assert!(status == 201 || status == 200, "{url}: {status} {text}");
    json(&text)
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

/// Prefect's answer to a violated unique or foreign key.
fn integrity_conflict() -> Value {
    json!({"detail": "Data integrity conflict. This usually means a unique or foreign key constraint was violated. \
                      See server logs for details."})
}

struct Api(String);

impl Api {
    fn flow(&self, name: &str) -> String {
        id(&created(
            &format!("{}/flows/", self.0),
            json!({ "name": name }),
        ))
    }

    fn flow_run(&self, flow_id: &str, extra: Value) -> String {
        let mut body = json!({ "flow_id": flow_id });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        id(&created(&format!("{}/flow_runs/", self.0), body))
    }

    fn task_run(&self, flow_run_id: &str, key: &str) -> String {
        let body = json!({ "flow_run_id": flow_run_id, "task_key": key, "dynamic_key": "0" });
        id(&created(&format!("{}/task_runs/", self.0), body))
    }

    fn log(&self, flow_run_id: &str, task_run_id: Option<&str>, message: &str) {
        let body = json!([{
            "name": "test", "level": 20, "message": message, "timestamp": "2026-01-01T00:00:00Z",
            "flow_run_id": flow_run_id, "task_run_id": task_run_id,
        }]);
        assert_eq!(post(&format!("{}/logs/", self.0), &body.to_string()).0, 201);
    }

    fn log_messages(&self, flow_run_id: &str) -> Vec<String> {
        let body = json!({ "logs": { "flow_run_id": { "any_": [flow_run_id] } } });
        let (_, text) = post(&format!("{}/logs/filter", self.0), &body.to_string());
        let mut messages: Vec<String> = json(&text)
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["message"].as_str().unwrap().to_owned())
            .collect();
        messages.sort();
        messages
    }

    fn status(&self, path: &str) -> u16 {
        get(&format!("{}{path}", self.0)).0
    }

    fn set_state(&self, run: &str, state_type: &str) {
        let body = json!({ "state": { "type": state_type } });
        let url = format!("{}/flow_runs/{run}/set_state", self.0);
        assert_eq!(post(&url, &body.to_string()).0, 201);
    }
}

/// Every answer of the update, delete and state-read endpoints, on the database `server` uses; the id of the
/// flow it updated and deleted.
fn runs_are_updated_read_back_and_deleted(server: &Server) -> String {
    let api = Api(server.api_url());
    let base = &api.0;
    let missing = "00000000-0000-0000-0000-000000000001";

    // PATCH /flows/{id}: FlowUpdate has only tags, and forbids other fields.
    let flow = api.flow("lifecycle");
    let url = format!("{base}/flows/{flow}");
    assert_eq!(
        call("PATCH", &url, Some(json!({"tags": ["b", "c"]}))),
        (204, Value::Null)
    );
    assert_eq!(call("GET", &url, None).1["tags"], json!(["b", "c"]));
    let (status, refused) = call("PATCH", &url, Some(json!({"name": "renamed"})));
    assert_eq!(status, 422, "{refused}");
    assert_eq!(
        (
            &refused["exception_detail"][0]["loc"],
            &refused["exception_detail"][0]["type"]
        ),
        (&json!(["body", "name"]), &json!("extra_forbidden"))
    );
    assert_eq!(
        call(
            "PATCH",
            &format!("{base}/flows/{missing}"),
            Some(json!({"tags": []}))
        ),
        (404, json!({"detail": "Flow not found"}))
    );

    // The state history, oldest first, by run and by id.
    let run = api.flow_run(&flow, json!({"state": {"type": "PENDING"}}));
    api.set_state(&run, "RUNNING");
    let (status, states) = call(
        "GET",
        &format!("{base}/flow_run_states/?flow_run_id={run}"),
        None,
    );
    assert_eq!(status, 200, "{states}");
    let names: Vec<&str> = states
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Pending", "Running"]);
    let first = &states[0];
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "id",
            "type",
            "name",
            "timestamp",
            "message",
            "data",
            "state_details"
        ]
    );
    assert_eq!(first["state_details"]["flow_run_id"], json!(run));
    let (status, by_id) = call(
        "GET",
        &format!("{base}/flow_run_states/{}", id(first)),
        None,
    );
    assert_eq!((status, &by_id), (200, first));
    let not_found = json!({"detail": "Flow run state not found"});
    assert_eq!(
        call("GET", &format!("{base}/flow_run_states/{missing}"), None),
        (404, not_found.clone())
    );
    assert_eq!(
        call(
            "GET",
            &format!("{base}/flow_run_states/?flow_run_id={missing}"),
            None
        ),
        (200, json!([]))
    );
    assert_eq!(
        call("GET", &format!("{base}/flow_run_states/"), None),
        (
            422,
            json!({
                "exception_message": "Invalid request received.",
                "exception_detail": [
                    {"type": "missing", "loc": ["query", "flow_run_id"], "msg": "Field required", "input": null}
                ],
                "request_body": null,
            })
        )
    );
    assert_eq!(
        call(
            "GET",
            &format!("{base}/flow_run_states/?flow_run_id=abc"),
            None
        ),
        (
            422,
            json!({
                "exception_message": "Invalid request received.",
                "exception_detail": [{
                    "type": "uuid_parsing", "loc": ["query", "flow_run_id"],
                    "msg": "Input should be a valid UUID, invalid length: found 3", "input": "abc",
                    "ctx": {"error": "invalid length: found 3"},
                }],
                "request_body": null,
            })
        )
    );

    let task = api.task_run(&run, "t");
    let (status, task_states) = call(
        "GET",
        &format!("{base}/task_run_states/?task_run_id={task}"),
        None,
    );
    assert_eq!(status, 200, "{task_states}");
    assert_eq!(task_states.as_array().unwrap().len(), 1, "{task_states}");
    assert_eq!(task_states[0]["state_details"]["task_run_id"], json!(task));
    assert_eq!(
        call(
            "GET",
            &format!("{base}/task_run_states/{}", id(&task_states[0])),
            None
        ),
        (200, task_states[0].clone())
    );
    // Prefect's task-run-state route answers with the flow-run words.
    assert_eq!(
        call("GET", &format!("{base}/task_run_states/{missing}"), None),
        (404, not_found)
    );
    assert_eq!(
        call("GET", &format!("{base}/task_run_states/"), None).1["exception_detail"][0]["loc"],
        json!(["query", "task_run_id"])
    );

    // DELETE /task_runs/{id}: the run, its states and its logs.
    api.log(&run, Some(&task), "from the task");
    api.log(&run, None, "from the flow");
    let url = format!("{base}/task_runs/{task}");
    assert_eq!(call("DELETE", &url, None), (204, Value::Null));
    assert_eq!(
        call("GET", &url, None),
        (404, json!({"detail": "Task not found"}))
    );
    assert_eq!(
        call("DELETE", &url, None),
        (404, json!({"detail": "Task not found"}))
    );
    assert_eq!(
        call(
            "GET",
            &format!("{base}/task_run_states/{}", id(&task_states[0])),
            None
        )
        .0,
        404
    );
    assert_eq!(api.log_messages(&run), ["from the flow"]);
    assert_eq!(
        call("DELETE", &format!("{base}/task_runs/not-a-uuid"), None),
        (404, json!({"detail": "Not Found"}))
    );

    // DELETE /flow_runs/{id}: the run, its states, its task runs and its logs.
    let other_task = api.task_run(&run, "u");
    let url = format!("{base}/flow_runs/{run}");
    assert_eq!(call("DELETE", &url, None), (204, Value::Null));
    assert_eq!(
        call("GET", &url, None),
        (404, json!({"detail": "Flow run not found"}))
    );
    assert_eq!(
        call("DELETE", &url, None),
        (404, json!({"detail": "Flow run not found"}))
    );
    assert_eq!(api.status(&format!("/task_runs/{other_task}")), 404);
    assert_eq!(
        call(
            "GET",
            &format!("{base}/flow_run_states/?flow_run_id={run}"),
            None
        ),
        (200, json!([]))
    );
    assert!(api.log_messages(&run).is_empty());

    // DELETE /flows/{id}: the flow and its runs; a run for it afterwards is Prefect's 409 (its foreign key).
    let kept_run = api.flow_run(&flow, json!({}));
    let url = format!("{base}/flows/{flow}");
    assert_eq!(call("DELETE", &url, None), (204, Value::Null));
    assert_eq!(
        call("GET", &url, None),
        (404, json!({"detail": "Flow not found"}))
    );
    assert_eq!(
        call("DELETE", &url, None),
        (404, json!({"detail": "Flow not found"}))
    );
    assert_eq!(api.status(&format!("/flow_runs/{kept_run}")), 404);
    assert_eq!(
        call(
            "POST",
            &format!("{base}/flow_runs/"),
            Some(json!({"flow_id": flow}))
        ),
        (409, integrity_conflict())
    );
    flow
}

/// `POST /flow_runs/bulk_delete` and `/flows/bulk_delete`: what matches the filter, at most `limit` (1 to 50).
fn bulk_deletes_take_a_filter_and_a_limit(server: &Server) {
    let api = Api(server.api_url());
    let base = &api.0;
    let flow = api.flow("bulk");
    let runs: Vec<String> = (0..3)
        .map(|_| api.flow_run(&flow, json!({"tags": ["bulk"]})))
        .collect();
    let untagged = api.flow_run(&flow, json!({}));
    let url = format!("{base}/flow_runs/bulk_delete");
    for (limit, kind, msg, ctx) in [
        (
            0,
            "greater_than_equal",
            "Input should be greater than or equal to 1",
            json!({"ge": 1}),
        ),
        (
            51,
            "less_than_equal",
            "Input should be less than or equal to 50",
            json!({"le": 50}),
        ),
    ] {
        let (status, refused) = call("POST", &url, Some(json!({"limit": limit})));
        assert_eq!(status, 422, "{refused}");
        assert_eq!(
            refused["exception_detail"],
            json!([{"type": kind, "loc": ["body", "limit"], "msg": msg, "input": limit, "ctx": ctx}])
        );
    }
    let tagged = json!({"tags": {"all_": ["bulk"]}});
    let (status, two) = call("POST", &url, Some(json!({"flow_runs": tagged, "limit": 2})));
    assert_eq!(status, 200, "{two}");
    let two: Vec<String> = serde_json::from_value(two["deleted"].clone()).unwrap();
    assert_eq!(two.len(), 2);
    assert!(two.iter().all(|d| runs.contains(d)), "{two:?}");
    let (_, rest) = call("POST", &url, Some(json!({"flow_runs": tagged})));
    assert_eq!(rest["deleted"].as_array().unwrap().len(), 1, "{rest}");
    assert_eq!(
        call("POST", &url, Some(json!({"flow_runs": tagged}))),
        (200, json!({"deleted": []}))
    );
    assert_eq!(api.status(&format!("/flow_runs/{untagged}")), 200);

    for name in ["bd-1", "bd-2", "kept"] {
        api.flow(name);
    }
    let url = format!("{base}/flows/bulk_delete");
    let (status, deleted) = call(
        "POST",
        &url,
        Some(json!({"flows": {"name": {"like_": "bd-"}}})),
    );
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["deleted"].as_array().unwrap().len(), 2, "{deleted}");
    let (_, left) = call("POST", &format!("{base}/flows/filter"), Some(json!({})));
    let names: Vec<&str> = left
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bulk", "kept"]);
    assert_eq!(call("POST", &url, Some(json!({"limit": 0}))).0, 422);
}

/// `prefect flow-run delete <id>` prints and exits as against Prefect's own server: success, then not found.
fn the_cli_deletes_a_flow_run(env: &TestEnv, server: &Server) {
    let api = Api(server.api_url());
    let run = api.flow_run(&api.flow("deleted-by-cli"), json!({}));
    let delete = || {
        env.program(python_prefect(), &["flow-run", "delete", &run])
            .env("PREFECT_API_URL", server.api_url())
            .env("COLUMNS", "200")
            .run()
    };
    let out = delete();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout.trim(),
        format!("Successfully deleted flow run '{run}'.")
    );
    assert_eq!(api.status(&format!("/flow_runs/{run}")), 404);
    let again = delete();
    assert_eq!(again.code, 1, "{}\n{}", again.stdout, again.stderr);
    assert_eq!(again.stdout.trim(), format!("Flow run '{run}' not found!"));
}

#[test]
fn runs_are_updated_read_back_and_deleted_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let flow = runs_are_updated_read_back_and_deleted(&server);
    bulk_deletes_take_a_filter_and_a_limit(&server);
    the_cli_deletes_a_flow_run(&env, &server);
    // Prefect's lifecycle events of the flow, as its server emits them (the refused PATCHes emit nothing).
    let sql = format!(
        "SELECT event || ' ' || payload FROM events WHERE resource_id = 'prefect.flow.{flow}' ORDER BY occurred"
    );
    let db = env.home().join("prefect.db");
    let started = std::time::Instant::now();
    let mut events = sqlite(&db, &sql);
    while events.lines().count() < 3 && started.elapsed() < std::time::Duration::from_secs(10) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        events = sqlite(&db, &sql);
    }
    let payload = |tags: &str| format!(r#"{{"name":"lifecycle","tags":{tags},"labels":{{}}}}"#);
    assert_eq!(
        events.lines().collect::<Vec<_>>(),
        [
            format!("prefect.flow.created {}", payload("[]")),
            format!("prefect.flow.updated {}", payload(r#"["b","c"]"#)),
            format!("prefect.flow.deleted {}", payload(r#"["b","c"]"#)),
        ]
    );
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn runs_are_updated_read_back_and_deleted_on_postgres_also_beside_another_replica() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    runs_are_updated_read_back_and_deleted(&server);
    bulk_deletes_take_a_filter_and_a_limit(&server);
    the_cli_deletes_a_flow_run(&env, &server);
    a_flow_deleted_beside_another_replica_gets_prefects_409_there(&env, &server, &url);
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Two replicas on one database: the first has the flow's labels cached from a run it created; the second
/// deletes the flow. A run the first then creates for it fails the foreign key, Prefect's 409, not a 500 and not a
/// run of a flow that is gone.
fn a_flow_deleted_beside_another_replica_gets_prefects_409_there(
    env: &TestEnv,
    first: &Server,
    database_url: &str,
) {
    let second = Server::start(
        env,
        &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", database_url)],
    );
    let api = Api(first.api_url());
    let flow = api.flow("deleted-elsewhere");
    api.flow_run(&flow, json!({}));
    let url = format!("{}/flows/{flow}", second.api_url());
    assert_eq!(call("DELETE", &url, None), (204, Value::Null));
    let (status, refused) = call(
        "POST",
        &format!("{}/flow_runs/", api.0),
        Some(json!({"flow_id": flow})),
    );
    assert_eq!((status, refused), (409, integrity_conflict()));
    let out = second.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// Bodies that do not fit Prefect's action models get the `loc`, `type` and `msg` Prefect's server answers
/// (each compared with Prefect 3.9.1's answer to the same body), from the typed schemas' deserializers.
#[test]
fn bodies_that_do_not_fit_prefects_models_get_its_422s() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = Api(server.api_url());
    let flow = api.flow("typed");
    let pattern = "String should match pattern '^[^/%&><]+$'";
    let states = "Input should be 'SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', \
                  'CRASHED', 'PAUSED' or 'CANCELLING'";
    let cases = [
        (
            "/flows/",
            json!({"name": "a/b"}),
            json!(["body", "name"]),
            "string_pattern_mismatch",
            pattern,
        ),
        (
            "/flows/",
            json!({"name": ""}),
            json!(["body", "name"]),
            "string_pattern_mismatch",
            pattern,
        ),
        (
            "/flows/",
            json!({"name": "x", "bogus": 1}),
            json!(["body", "bogus"]),
            "extra_forbidden",
            "Extra inputs are not permitted",
        ),
        (
            "/flow_runs/",
            json!({"flow_id": flow, "state": {"type": "BOGUS"}}),
            json!(["body", "state", "type"]),
            "enum",
            states,
        ),
        (
            "/flow_runs/",
            json!({"flow_id": flow, "state": {"type": "RUNNING", "extra": 1}}),
            json!(["body", "state", "extra"]),
            "extra_forbidden",
            "Extra inputs are not permitted",
        ),
        (
            "/flow_runs/",
            json!({"flow_id": flow, "state": {"type": "RUNNING", "state_details": "x"}}),
            json!(["body", "state", "state_details"]),
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        ),
        (
            "/flow_runs/",
            json!({"flow_id": "abc"}),
            json!(["body", "flow_id"]),
            "uuid_parsing",
            "Input should be a valid UUID, invalid length: found 3",
        ),
        (
            "/logs/",
            json!([{"name": "n", "level": "x", "message": "m", "timestamp": "2026-01-01T00:00:00Z"}]),
            json!(["body", 0, "level"]),
            "int_parsing",
            "Input should be a valid integer, unable to parse string as an integer",
        ),
        (
            "/logs/",
            json!([{"name": "n", "level": 1, "message": "m", "timestamp": "2026-01-01T00:00:00Z", "x": 1}]),
            json!(["body", 0, "x"]),
            "extra_forbidden",
            "Extra inputs are not permitted",
        ),
    ];
    for (path, body, loc, kind, msg) in cases {
        let (status, answer) = call("POST", &format!("{}{path}", api.0), Some(body.clone()));
        assert_eq!(status, 422, "{path} {body}: {answer}");
        let detail = &answer["exception_detail"][0];
        assert_eq!(
            (&detail["loc"], &detail["type"], &detail["msg"]),
            (&loc, &json!(kind), &json!(msg)),
            "{path} {body}"
        );
    }
    // `input` is what pydantic refused: the value at `loc`, or for a missing field the object it is missing from.
    for (path, body, input) in [
        ("/flows/", json!({"name": "x", "tags": ["a", 3]}), json!(3)),
        ("/flows/", json!({"name": "x", "bogus": 1}), json!(1)),
        ("/flow_runs/", json!({"flow_id": "abc"}), json!("abc")),
        ("/flow_runs/", json!({"name": "x"}), json!({"name": "x"})),
        ("/logs/", json!([{"name": "n"}]), json!({"name": "n"})),
    ] {
        let (_, answer) = call("POST", &format!("{}{path}", api.0), Some(body.clone()));
        assert_eq!(
            answer["exception_detail"][0]["input"], input,
            "{path} {body}"
        );
    }
    let (_, flows) = call("POST", &format!("{}/flows/filter", api.0), Some(json!({})));
    assert_eq!(
        flows.as_array().unwrap().len(),
        1,
        "nothing else was created: {flows}"
    );
}
