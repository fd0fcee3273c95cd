//! Automations through the real server, on SQLite and PostgreSQL: the API as Prefect's server answers it
//! (checked side by side with Prefect 3.8.8's: shapes, ids reset on create and replace, the filter's sorts and
//! pages, count, related-to and owned-by, enable/disable, 404s and 422s under pydantic's union member names,
//! template validation), the refusal of a notification block prefect-rs cannot send, and the official CLI's
//! `prefect automation create --from-file / ls / inspect / pause / resume / delete`.

mod common;

use common::postgres::Postgres;
use common::server::{Server, get, request};
use common::{TestEnv, python_prefect};
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

fn call(server: &Server, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = match (method, body) {
        ("GET", _) => get(&url),
        (_, Some(body)) => request(method, &url, Some(&body.to_string()), &[]),
        (_, None) => request(method, &url, None, &[]),
    };
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, value)
}

#[track_caller]
fn ok(server: &Server, method: &str, path: &str, body: Option<Value>, expected: u16) -> Value {
    let (status, answer) = call(server, method, path, body);
    assert_eq!(status, expected, "{method} {path}: {answer}");
    answer
}

fn failed_flow_runs(name: &str) -> Value {
    json!({
        "name": name,
        "trigger": {
            "type": "event",
            "match": {"prefect.resource.id": "prefect.flow-run.*"},
            "expect": ["prefect.flow-run.Failed"],
            "posture": "Reactive",
            "threshold": 1,
            "within": 0,
            "id": "00000000-0000-0000-0000-000000000009",
        },
        "actions": [{"type": "do-nothing"}],
    })
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

fn api_scenario(server: &Server) {
    // Create: Prefect's shape and field order; the client's trigger id is replaced.
    let created = ok(
        server,
        "POST",
        "/automations/",
        Some(failed_flow_runs("b-failures")),
        201,
    );
    let keys: Vec<&String> = created.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "name",
            "description",
            "enabled",
            "tags",
            "trigger",
            "actions",
            "actions_on_trigger",
            "actions_on_resolve",
            "id",
            "created",
            "updated"
        ]
    );
    assert_ne!(
        created["trigger"]["id"],
        "00000000-0000-0000-0000-000000000009"
    );
    assert_eq!(created["trigger"]["within"], json!(0.0));
    assert_eq!(created["trigger"]["match_related"], json!({}));
    assert_eq!(created["actions"], json!([{"type": "do-nothing"}]));
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        ok(server, "GET", &format!("/automations/{id}"), None, 200),
        created
    );

    // A deployment the automation runs relates it to that deployment; an owner relates it as owned.
    let deployment = "5d6f0000-0000-4000-8000-000000000001";
    let mut runs = failed_flow_runs("a-runs-deployment");
    runs["actions"] =
        json!([{"type": "run-deployment", "deployment_id": deployment, "parameters": {"x": 1}}]);
    runs["owner_resource"] = json!(format!("prefect.deployment.{deployment}"));
    let runner = ok(server, "POST", "/automations/", Some(runs.clone()), 201);
    let mut owned_elsewhere = failed_flow_runs("c-owned");
    owned_elsewhere["owner_resource"] = json!("prefect.deployment.other");
    ok(server, "POST", "/automations/", Some(owned_elsewhere), 201);
    let related = ok(
        server,
        "GET",
        &format!("/automations/related-to/prefect.deployment.{deployment}"),
        None,
        200,
    );
    assert_eq!(names(&related), ["a-runs-deployment"]);
    assert_eq!(
        related[0]["actions"][0],
        json!({"type": "run-deployment", "source": "selected", "deployment_id": deployment,
               "parameters": {"x": 1}, "job_variables": null, "schedule_after": 0.0})
    );

    // Filter: NAME_ASC by default; other sorts, pages and filters as Prefect's.
    let all = ok(server, "POST", "/automations/filter", Some(json!({})), 200);
    assert_eq!(names(&all), ["a-runs-deployment", "b-failures", "c-owned"]);
    let client_body = json!({"automations": null, "sort": null, "limit": null, "offset": 0});
    let all_again = ok(
        server,
        "POST",
        "/automations/filter",
        Some(client_body),
        200,
    );
    assert_eq!(names(&all_again), names(&all));
    let desc = ok(
        server,
        "POST",
        "/automations/filter",
        Some(json!({"sort": "NAME_DESC", "limit": 2, "offset": 1})),
        200,
    );
    assert_eq!(names(&desc), ["b-failures", "a-runs-deployment"]);
    let newest = ok(
        server,
        "POST",
        "/automations/filter",
        Some(json!({"sort": "CREATED_DESC", "limit": 1})),
        200,
    );
    assert_eq!(names(&newest), ["c-owned"]);
    let by_name = ok(
        server,
        "POST",
        "/automations/filter",
        Some(json!({"automations": {"name": {"any_": ["b-failures", "nope"]}}})),
        200,
    );
    assert_eq!(names(&by_name), ["b-failures"]);
    let (status, answer) = call(
        server,
        "POST",
        "/automations/filter",
        Some(json!({"limit": 201})),
    );
    assert_eq!(
        (status, answer["detail"].as_str().unwrap_or_default()),
        (422, "Invalid limit: must be less than or equal to 200.")
    );
    assert_eq!(
        ok(server, "POST", "/automations/count", None, 200),
        json!(3)
    );
    assert_eq!(
        ok(
            server,
            "POST",
            "/automations/count",
            Some(json!({"automations": {"id": {"any_": [id]}}})),
            200
        ),
        json!(1)
    );

    // PATCH enables and disables; PUT replaces everything (new trigger ids), both 204.
    ok(
        server,
        "PATCH",
        &format!("/automations/{id}"),
        Some(json!({"enabled": false})),
        204,
    );
    let paused = ok(server, "GET", &format!("/automations/{id}"), None, 200);
    assert_eq!(paused["enabled"], false);
    assert!(paused["updated"].as_str() > created["updated"].as_str());
    let mut replacement = failed_flow_runs("b-renamed");
    replacement["description"] = json!("now with a description");
    replacement["tags"] = json!(["t1"]);
    ok(
        server,
        "PUT",
        &format!("/automations/{id}"),
        Some(replacement),
        204,
    );
    let replaced = ok(server, "GET", &format!("/automations/{id}"), None, 200);
    assert_eq!(
        (
            &replaced["name"],
            &replaced["description"],
            &replaced["enabled"]
        ),
        (
            &json!("b-renamed"),
            &json!("now with a description"),
            &json!(true)
        )
    );
    assert_ne!(replaced["trigger"]["id"], created["trigger"]["id"]);
    assert_eq!(replaced["created"], created["created"]);
    let tagged = ok(
        server,
        "POST",
        "/automations/filter",
        Some(json!({"automations": {"tags": {"all_": ["t1"]}}})),
        200,
    );
    assert_eq!(names(&tagged), ["b-renamed"]);

    // Owned-by deletes only what the resource owns; 202 with `null`, as Prefect answers.
    let answer = ok(
        server,
        "DELETE",
        &format!("/automations/owned-by/prefect.deployment.{deployment}"),
        None,
        202,
    );
    assert_eq!(answer, Value::Null);
    let runner_id = runner["id"].as_str().unwrap();
    ok(
        server,
        "GET",
        &format!("/automations/{runner_id}"),
        None,
        404,
    );
    assert_eq!(
        ok(server, "POST", "/automations/count", Some(json!({})), 200),
        json!(2)
    );

    // Delete, then every route on the id is Prefect's 404.
    ok(server, "DELETE", &format!("/automations/{id}"), None, 204);
    for (method, body) in [
        ("GET", None),
        ("DELETE", None),
        ("PATCH", Some(json!({"enabled": true}))),
        ("PUT", Some(failed_flow_runs("gone"))),
    ] {
        let (status, answer) = call(server, method, &format!("/automations/{id}"), body);
        assert_eq!(
            (status, answer),
            (404, json!({"exception_message": "Automation not found"})),
            "{method}"
        );
    }
    let (status, answer) = call(server, "GET", "/automations/not-a-uuid", None);
    assert_eq!((status, answer), (404, json!({"detail": "Not Found"})));
}

fn refusals(server: &Server) {
    let refused = |body: Value| {
        let (status, answer) = call(server, "POST", "/automations/", Some(body));
        assert_eq!(status, 422, "{answer}");
        answer["exception_detail"].clone()
    };
    let detail = refused(json!({"name": "x", "trigger": {"type": "event"}, "actions": []}));
    assert_eq!(
        (&detail[0]["type"], &detail[0]["loc"]),
        (
            &json!("missing"),
            &json!(["body", "trigger", "EventTrigger", "posture"])
        )
    );
    let detail = refused(
        json!({"name": "x", "trigger": {"type": "event", "posture": "Reactive"},
                                "actions": [{"type": "pause-deployment"}]}),
    );
    assert_eq!(
        detail[0],
        json!({
            "type": "value_error",
            "loc": ["body", "actions", 0, "function-after[selected_deployment_requires_id(), PauseDeployment]"],
            "msg": "Value error, deployment_id is required",
            "input": {"type": "pause-deployment"},
            "ctx": {"error": {}},
        })
    );
    let detail = refused(
        json!({"name": "x", "trigger": {"type": "event", "posture": "Proactive", "within": 5},
                                "actions": []}),
    );
    assert_eq!(
        detail[0]["msg"],
        "Value error, `within` for Proactive triggers must be greater than or equal to 10 seconds"
    );
    let detail = refused(json!({"name": "x", "trigger": {"type": "metric"}, "actions": []}));
    assert_eq!(detail.as_array().unwrap().len(), 3, "{detail}");
    assert!(
        detail
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["type"] == "literal_error")
    );
    let detail = refused(
        json!({"name": "x", "trigger": {"type": "event", "posture": "Reactive"},
                                "actions": [], "nope": 1}),
    );
    assert_eq!(
        (&detail[0]["type"], &detail[0]["loc"]),
        (&json!("extra_forbidden"), &json!(["body", "nope"]))
    );
    let detail = refused(
        json!({"name": "loop", "actions": [{"type": "run-deployment", "source": "inferred"}],
                                "trigger": {"type": "event", "posture": "Reactive",
                                            "expect": ["prefect.flow-run.Running"]}}),
    );
    assert_eq!(detail[0]["loc"], json!(["body"]));
    assert!(
        detail[0]["msg"]
            .as_str()
            .unwrap()
            .starts_with("Value error, Running an inferred deployment")
    );

    // Templates: 204 when they parse, else the line and the parser's message.
    let url = format!("{}/templates/validate", server.api_url());
    assert_eq!(
        request("POST", &url, Some("\"Hi {{ flow_run.name }}\""), &[]).0,
        204
    );
    let (status, text) = request("POST", &url, Some("\"{{ x\""), &[]);
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(status, 422);
    assert_eq!(answer["error"]["line"], 1);
    assert_eq!(answer["error"]["source"], "{{ x");
    let old = format!("{}/automations/templates/validate", server.api_url());
    assert_eq!(request("POST", &old, None, &[]).0, 204);
    let detail = refused(
        json!({"name": "x", "trigger": {"type": "event", "posture": "Reactive"},
                                "actions": [{"type": "send-notification", "body": "{{ x",
                                             "block_document_id": "00000000-0000-0000-0000-000000000001"}]}),
    );
    assert_eq!(
        detail[0]["loc"],
        json!(["body", "actions", 0, "SendNotification", "body"])
    );
}

#[test]
fn automations_api_on_sqlite() {
    let env = TestEnv::new();
    let server = start(&env, None);
    api_scenario(&server);
    refusals(&server);
}

#[test]
fn automations_api_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let server = start(&env, Some((&pg, "prefect")));
    api_scenario(&server);
}

fn prefect(env: &TestEnv, server: &Server, args: &[&str]) -> common::Output {
    env.program(python_prefect(), args)
        .env("PREFECT_API_URL", server.api_url())
        .env("COLUMNS", "200")
        .stdin("y\n")
        .run()
}

/// A notification block we cannot send through (a Secret is no notification block) is refused when the
/// automation is made, naming the block type; a Slack webhook block is accepted.
#[test]
fn unsendable_blocks_are_refused_at_creation() {
    let env = TestEnv::new();
    let server = start(&env, None);
    prefect(
        &env,
        &server,
        &["block", "register", "-m", "prefect.blocks.notifications"],
    )
    .success();
    let python = python_prefect().parent().unwrap().join("python");
    let saved = env
        .program(
            &python,
            &[
                "-c",
                "from prefect.blocks.system import Secret\n\
                 from prefect.blocks.notifications import SlackWebhook\n\
                 print(Secret(value='x').save('not-a-notifier'))\n\
                 print(SlackWebhook(url='https://hooks.slack.com/services/T/B/X').save('slack'))",
            ],
        )
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    let ids: Vec<&str> = saved.stdout.lines().collect();
    let with_block = |id: &str| {
        json!({"name": "notify", "trigger": {"type": "event", "posture": "Reactive"},
               "actions": [{"type": "send-notification", "block_document_id": id, "body": "hi"}]})
    };
    let (status, answer) = call(&server, "POST", "/automations/", Some(with_block(ids[0])));
    assert_eq!(status, 422, "{answer}");
    let detail = answer["detail"].as_str().unwrap();
    assert!(detail.contains("'secret'"), "{detail}");
    assert!(detail.contains("slack-webhook"), "{detail}");
    ok(
        &server,
        "POST",
        "/automations/",
        Some(with_block(ids[1])),
        201,
    );
}

/// The official CLI, as it runs against Prefect's server.
#[test]
fn automation_cli() {
    let env = TestEnv::new();
    let server = start(&env, None);
    let spec = env.write(
        "automation.yaml",
        "name: from-file\n\
         description: made by the CLI\n\
         trigger:\n  type: event\n  posture: Reactive\n  expect: [\"prefect.flow-run.Failed\"]\n  \
         match:\n    prefect.resource.id: prefect.flow-run.*\n\
         actions:\n  - type: do-nothing\n",
    );
    let created = prefect(
        &env,
        &server,
        &[
            "automation",
            "create",
            "--from-file",
            spec.to_str().unwrap(),
        ],
    )
    .success();
    assert!(
        created
            .stdout
            .contains("Created automation 'from-file' with id"),
        "{}",
        created.stdout
    );
    let ls = prefect(&env, &server, &["automation", "ls"]).success();
    assert!(ls.stdout.contains("from-file"), "{}", ls.stdout);
    assert!(ls.stdout.contains("Do nothing"), "{}", ls.stdout);
    let paused = prefect(&env, &server, &["automation", "pause", "from-file"]).success();
    assert!(
        paused
            .stdout
            .contains("Paused automation(s) with name 'from-file'"),
        "{}",
        paused.stdout
    );
    let inspect = prefect(
        &env,
        &server,
        &["automation", "inspect", "from-file", "--json"],
    )
    .success();
    let shown: Value = serde_json::from_str(&inspect.stdout).unwrap();
    assert_eq!(shown[0]["enabled"], false);
    assert_eq!(shown[0]["description"], "made by the CLI");
    let resumed = prefect(&env, &server, &["automation", "resume", "from-file"]).success();
    assert!(
        resumed.stdout.contains("Resumed automation(s)"),
        "{}",
        resumed.stdout
    );
    let deleted = prefect(&env, &server, &["automation", "delete", "from-file"]).success();
    assert!(
        deleted
            .stdout
            .contains("Deleted automation with name 'from-file'"),
        "{}",
        deleted.stdout
    );
    assert_eq!(
        ok(&server, "POST", "/automations/count", None, 200),
        json!(0)
    );
}

/// Posts one event through `POST /events`.
fn emit(server: &Server, name: &str, resource: Value, related: Value, payload: Value) {
    let event = json!({
        "occurred": chrono::Utc::now().to_rfc3339(),
        "event": name,
        "resource": resource,
        "related": related,
        "payload": payload,
        "id": uuid::Uuid::new_v4(),
    });
    ok(server, "POST", "/events", Some(json!([event])), 204);
}

/// Waits (up to 20 s) until `check` holds.
#[track_caller]
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// The actions, fired by events through the triggers service: each changes the server as Prefect's does,
/// selected by id or inferred from the event's related resources.
#[test]
fn actions_change_the_server() {
    let env = TestEnv::new();
    let server = start(&env, None);
    let flow = ok(&server, "POST", "/flows/", Some(json!({"name": "f"})), 201);
    ok(
        &server,
        "POST",
        "/work_pools/",
        Some(json!({"name": "pool", "type": "process"})),
        201,
    );
    let pool = ok(&server, "GET", "/work_pools/pool", None, 200);
    let (pool_id, queue_id) = (
        pool["id"].as_str().unwrap().to_owned(),
        pool["default_queue_id"].as_str().unwrap().to_owned(),
    );
    let deployment = ok(
        &server,
        "POST",
        "/deployments/",
        Some(
            json!({"name": "d", "flow_id": flow["id"], "work_pool_name": "pool",
                    "parameter_openapi_schema": {"type": "object", "properties": {"x": {}}}}),
        ),
        201,
    );
    let deployment_id = deployment["id"].as_str().unwrap().to_owned();
    let other = ok(
        &server,
        "POST",
        "/automations/",
        Some(
            json!({"name": "other", "trigger": {"type": "event", "posture": "Reactive",
                                                 "expect": ["never.seen"]}, "actions": []}),
        ),
        201,
    );
    let other_id = other["id"].as_str().unwrap().to_owned();
    let on = |event: &str, actions: Value| {
        json!({"name": format!("on {event}"), "actions": actions,
               "trigger": {"type": "event", "posture": "Reactive", "expect": [event]}})
    };
    ok(
        &server,
        "POST",
        "/automations/",
        Some(on(
            "test.pause",
            json!([
                {"type": "run-deployment", "deployment_id": deployment_id,
                 "parameters": {"x": "{{ event.payload.n }}"}},
                {"type": "pause-deployment", "deployment_id": deployment_id},
                {"type": "pause-work-pool", "work_pool_id": pool_id},
                {"type": "pause-work-queue", "work_queue_id": queue_id},
                {"type": "pause-automation", "automation_id": other_id},
            ]),
        )),
        201,
    );
    ok(
        &server,
        "POST",
        "/automations/",
        Some(on(
            "test.resume",
            json!([
                {"type": "resume-deployment", "source": "inferred"},
                {"type": "resume-work-pool", "source": "inferred"},
                {"type": "resume-work-queue", "source": "inferred"},
                {"type": "resume-automation", "source": "inferred"},
                {"type": "cancel-flow-run"},
            ]),
        )),
        201,
    );
    let state_of = |server: &Server| {
        let paused = ok(
            server,
            "GET",
            &format!("/deployments/{deployment_id}"),
            None,
            200,
        )["paused"]
            .as_bool()
            .unwrap();
        let pool = ok(server, "GET", "/work_pools/pool", None, 200)["is_paused"]
            .as_bool()
            .unwrap();
        let queue = ok(
            server,
            "GET",
            &format!("/work_queues/{queue_id}"),
            None,
            200,
        )["is_paused"]
            .as_bool()
            .unwrap();
        let enabled = ok(
            server,
            "GET",
            &format!("/automations/{other_id}"),
            None,
            200,
        )["enabled"]
            .as_bool()
            .unwrap();
        (paused, pool, queue, enabled)
    };
    emit(
        &server,
        "test.pause",
        json!({"prefect.resource.id": "test.thing"}),
        json!([]),
        json!({"n": 7}),
    );
    eventually("the pause actions", || {
        state_of(&server) == (true, true, true, false)
    });
    let runs = ok(
        &server,
        "POST",
        "/flow_runs/filter",
        Some(json!({"deployments": {"id": {"any_": [deployment_id]}}})),
        200,
    );
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    let run = &runs[0];
    assert_eq!(run["parameters"], json!({"x": 7}));
    assert_eq!(run["state"]["type"], "SCHEDULED");
    assert!(
        run["idempotency_key"]
            .as_str()
            .unwrap()
            .starts_with("automation "),
        "{run}"
    );
    let run_id = run["id"].as_str().unwrap().to_owned();

    // Inferred: each target is the first related resource of its kind in the event.
    emit(
        &server,
        "test.resume",
        json!({"prefect.resource.id": format!("prefect.flow-run.{run_id}")}),
        json!([
            {"prefect.resource.id": format!("prefect.deployment.{deployment_id}"), "prefect.resource.role": "deployment"},
            {"prefect.resource.id": format!("prefect.work-pool.{pool_id}"), "prefect.resource.role": "work-pool"},
            {"prefect.resource.id": format!("prefect.work-queue.{queue_id}"), "prefect.resource.role": "work-queue"},
            {"prefect.resource.id": format!("prefect.automation.{other_id}"), "prefect.resource.role": "automation"},
        ]),
        json!({}),
    );
    eventually("the resume actions", || {
        state_of(&server) == (false, false, false, true)
    });
    eventually("the run cancelled", || {
        let run = ok(&server, "GET", &format!("/flow_runs/{run_id}"), None, 200);
        // A scheduled run with no infrastructure goes straight to Cancelled (Prefect's rule).
        matches!(
            run["state"]["type"].as_str(),
            Some("CANCELLED" | "CANCELLING")
        )
    });

    // Every action reported how it went.
    let mut seen = Value::Null;
    let done = |seen: &mut Value| {
        *seen = ok(
            &server,
            "POST",
            "/events/filter",
            Some(
                json!({"filter": {"event": {"prefix": ["prefect.automation.action."]}}, "limit": 50}),
            ),
            200,
        );
        let count = |name: &str| {
            seen["events"]
                .as_array()
                .map_or(0, |e| e.iter().filter(|e| e["event"] == name).count())
        };
        count("prefect.automation.action.executed") + count("prefect.automation.action.failed")
            >= 10
    };
    eventually("ten finished actions", || done(&mut seen));
    let failed: Vec<&Value> = seen["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "prefect.automation.action.failed")
        .collect();
    // Cancelling a scheduled run is Prefect's REJECT-into-Cancelled, which its action reports as failed too.
    let reasons: Vec<&str> = failed
        .iter()
        .map(|e| e["payload"]["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["Failed to set state: Scheduled flow run has no infrastructure to terminate."],
        "{failed:?}"
    );
}

/// A deployment's triggers, applied twice as `.deploy()` and `serve()` apply them: the deployment owns one
/// automation that runs it, and `deployment inspect` shows it.
#[test]
fn deployment_triggers_are_owned_automations() {
    let env = TestEnv::new();
    let server = start(&env, None);
    let python = python_prefect().parent().unwrap().join("python");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python/deployment_triggers.py");
    let out = env
        .program(&python, &[script.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    assert!(
        out.stdout
            .contains("RELATED [('with-trigger__automation_1', 'run-deployment', True)]"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stdout.contains("ALL 1"), "{}", out.stdout);
    let inspect = prefect(
        &env,
        &server,
        &["deployment", "inspect", "hello/with-trigger"],
    )
    .success();
    assert!(
        inspect
            .stdout
            .contains("'name': 'with-trigger__automation_1'"),
        "{}",
        inspect.stdout
    );
}
