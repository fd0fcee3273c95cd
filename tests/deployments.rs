//! Issue 13's deployment acceptance with the official client and CLI, on SQLite and PostgreSQL: `flow.serve()`
//! makes a deployment that `prefect deployment ls` lists, `prefect deployment run --param` makes a run that the
//! serving process runs to Completed with its logs, `run_deployment()` inside a flow runs it as a subflow, and the
//! `deployment inspect / schedule … / delete` commands and the bad inputs answer as on Prefect's own server
//! (compared side by side by hand: same output, ids and times aside; see the issue note).

mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::postgres::Postgres;
use common::server::{Server, get, post, request};
use common::{Output, TestEnv, python_prefect};
use serde_json::{Value, json};

/// The serving process (`hello.serve(name="svc", interval=3600)`), killed when the test ends.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scripts() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python")
}

fn python() -> std::path::PathBuf {
    python_prefect().parent().unwrap().join("python")
}

fn serve(env: &TestEnv, server: &Server) -> Serving {
    let mut command: Command = env
        .program(python(), &["serve_hello.py", "svc"])
        .env("PREFECT_API_URL", server.api_url())
        .into_command();
    command
        .current_dir(scripts())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Serving(command.spawn().expect("the serving process starts"))
}

/// Polls `check` every 200 ms until it gives a value, for at most `seconds`.
fn wait_for<T>(seconds: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(seconds) {
        if let Some(value) = check() {
            return value;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("timed out waiting for {what}");
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn deployments_scenario(env: &TestEnv, server: &Server) {
    let api = server.api_url();
    let cli = |args: &[&str]| -> Output {
        env.program(python_prefect(), args)
            .env("PREFECT_API_URL", &api)
            .env("COLUMNS", "200")
            .run()
    };
    let _serving = serve(env, server);
    wait_for(90, "the served deployment", || {
        let listed = cli(&["deployment", "ls"]);
        (listed.code == 0 && listed.stdout.contains("hello/svc")).then_some(())
    });

    // Its interval schedule has Scheduled runs at once (the scheduler is told when a deployment changes).
    let auto_scheduled = || -> usize {
        let deployment = json_of(&get(&format!("{api}/deployments/name/hello/svc")).1);
        let filter = json!({ "flow_runs": { "deployment_id": { "any_": [deployment["id"]] },
                                            "state": { "type": { "any_": ["SCHEDULED"] } } } });
        let runs = json_of(&post(&format!("{api}/flow_runs/filter"), &filter.to_string()).1);
        runs.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["auto_scheduled"] == true)
            .count()
    };
    wait_for(60, "the schedule's runs", || {
        (auto_scheduled() >= 2).then_some(())
    });

    // A manual run with a parameter: the serving process picks it up and runs it to Completed, with its logs.
    let created = cli(&["deployment", "run", "hello/svc", "--param", "name=tester"]).success();
    let run_id = created
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("└── UUID: "))
        .unwrap_or_else(|| panic!("{}", created.stdout))
        .trim()
        .to_owned();
    let run = wait_for(120, "the run to complete", || {
        let (status, body) = get(&format!("{api}/flow_runs/{run_id}"));
        assert_eq!(status, 200, "{body}");
        let run = json_of(&body);
        (run["state_type"] == "COMPLETED").then_some(run)
    });
    assert_eq!(run["parameters"], json!({ "name": "tester" }));
    let deployment = json_of(&get(&format!("{api}/deployments/name/hello/svc")).1);
    assert_eq!(run["deployment_id"], deployment["id"]);
    assert_eq!(run["labels"]["prefect.deployment.id"], deployment["id"]);
    assert_eq!(deployment["status"], "READY", "{deployment}");
    // The run's logs arrive in the client's batches, possibly after its final state.
    wait_for(60, "the run's logs", || {
        let logs = post(
            &format!("{api}/logs/filter"),
            &json!({ "logs": { "flow_run_id": { "any_": [run_id] } } }).to_string(),
        );
        logs.1.contains("Hello tester!").then_some(())
    });

    // run_deployment() inside a flow: a subflow run of it, run by the serving process.
    let out = env
        .program(python(), &["run_deployment_subflow.py"])
        .env("PREFECT_API_URL", &api)
        .into_command()
        .current_dir(scripts())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert_eq!(
        json_of(last),
        json!({ "state": "COMPLETED", "parameters": { "name": "from-parent" },
                "parent_is_this_flow": true }),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The deployment and schedule commands.
    let inspected = cli(&["deployment", "inspect", "hello/svc"]).success();
    assert!(
        inspected.stdout.contains("'name': 'svc'"),
        "{}",
        inspected.stdout
    );
    assert!(
        inspected.stdout.contains("'interval': 3600.0"),
        "{}",
        inspected.stdout
    );
    let listed = cli(&["deployment", "schedule", "ls", "hello/svc"]).success();
    assert!(
        listed.stdout.contains("interval: 1:00:00s"),
        "{}",
        listed.stdout
    );
    let cron = [
        "deployment",
        "schedule",
        "create",
        "hello/svc",
        "--cron",
        "0 9 * * *",
    ];
    let made = cli(&cron).success();
    assert!(
        made.stdout.contains("Created deployment schedule!"),
        "{}",
        made.stdout
    );
    let schedules = json_of(
        &get(&format!(
            "{api}/deployments/{}/schedules",
            deployment["id"].as_str().unwrap()
        ))
        .1,
    );
    let cron_id = schedules
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["schedule"]["cron"] == "0 9 * * *")
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{schedules}"));
    let paused = cli(&["deployment", "schedule", "pause", "hello/svc", &cron_id]).success();
    assert!(
        paused.stdout.contains(
            "Paused schedule cron='0 9 * * *' timezone=None day_or=True for deployment hello/svc"
        ),
        "{}",
        paused.stdout
    );
    let listed = cli(&["deployment", "schedule", "ls", "hello/svc"]).success();
    assert!(
        listed
            .stdout
            .lines()
            .any(|l| l.contains("cron: 0 9 * * *") && l.contains("False")),
        "{}",
        listed.stdout
    );
    cli(&["deployment", "schedule", "resume", "hello/svc", &cron_id]).success();
    let deleted = cli(&[
        "deployment",
        "schedule",
        "delete",
        "hello/svc",
        &cron_id,
        "-y",
    ])
    .success();
    assert!(
        deleted.stdout.contains("Deleted deployment schedule"),
        "{}",
        deleted.stdout
    );
    let again = cli(&[
        "deployment",
        "schedule",
        "delete",
        "hello/svc",
        &cron_id,
        "-y",
    ])
    .code(1);
    assert!(
        again.stdout.contains("Deployment schedule not found!"),
        "{}",
        again.stdout
    );
    cli(&["deployment", "schedule", "clear", "hello/svc", "-y"]).success();
    let listed = cli(&["deployment", "schedule", "ls", "hello/svc"]).success();
    assert!(!listed.stdout.contains("interval"), "{}", listed.stdout);
    // Without schedules it has no auto-scheduled runs left waiting.
    assert_eq!(auto_scheduled(), 0);

    // Bad input, answered as Prefect's server answers it.
    let refused = cli(&[
        "deployment",
        "run",
        "hello/svc",
        "--param",
        "times=notanint",
    ])
    .code(1);
    assert!(
        refused.stdout.contains(
            "Error creating flow run: Validation failed for field 'times'. Failure reason: 'notanint' is not of \
             type 'integer'"
        ),
        "{}",
        refused.stdout
    );
    let missing = cli(&["deployment", "inspect", "hello/nope"]).code(1);
    assert!(
        missing
            .stdout
            .contains("Deployment 'hello/nope' not found!"),
        "{}",
        missing.stdout
    );
    assert_eq!(
        get(&format!("{api}/deployments/name/hello/nope")),
        (404, r#"{"detail":"Deployment not found"}"#.to_owned())
    );
    let flow_id = deployment["flow_id"].as_str().unwrap();
    let no_pool = json!({ "name": "pooled", "flow_id": flow_id, "work_pool_name": "no-such-pool" });
    assert_eq!(
        post(&format!("{api}/deployments/"), &no_pool.to_string()),
        (
            404,
            r#"{"detail":"Work pool \"no-such-pool\" not found."}"#.to_owned()
        )
    );
    let bad_cron = json!([{ "schedule": { "cron": "not a cron" } }]);
    let (status, body) = post(
        &format!(
            "{api}/deployments/{}/schedules",
            deployment["id"].as_str().unwrap()
        ),
        &bad_cron.to_string(),
    );
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains(r#"Invalid cron string: \"not a cron\""#)
            || body.contains("Invalid cron string"),
        "{body}"
    );

    // Deleting the deployment keeps its finished runs, no longer linked to it.
    let gone = cli(&["deployment", "delete", "hello/svc"]).success();
    assert!(
        gone.stdout.contains("Deleted deployment 'hello/svc'."),
        "{}",
        gone.stdout
    );
    cli(&["deployment", "delete", "hello/svc"]).code(1);
    let run = json_of(&get(&format!("{api}/flow_runs/{run_id}")).1);
    assert_eq!(run["deployment_id"], Value::Null, "{run}");
    assert_eq!(run["state_type"], "COMPLETED");
}

/// The API's own answers: upsert, queue lookup, schedules, runs made from a deployment, pause and delete.
fn api_scenario(server: &Server) {
    let api = server.api_url();
    let call = |method: &str, path: &str, body: Option<Value>| -> (u16, Value) {
        let text = body.map(|b| b.to_string());
        let (status, reply) = request(method, &format!("{api}{path}"), text.as_deref(), &[]);
        (
            status,
            if reply.is_empty() {
                Value::Null
            } else {
                json_of(&reply)
            },
        )
    };
    let (_, flow) = call("POST", "/flows/", Some(json!({ "name": "api-flow" })));
    let schema = json!({ "title": "Parameters", "type": "object",
                         "properties": { "n": { "title": "n", "type": "integer" } }, "required": ["n"] });
    let body = json!({
        "name": "d1", "flow_id": flow["id"], "parameter_openapi_schema": schema, "parameters": { "n": 1 },
        "tags": ["a"], "concurrency_limit": 3, "work_queue_name": "legacy-q",
        "schedules": [{ "schedule": { "interval": 3600 }, "slug": "hourly" }],
    });
    let (status, created) = call("POST", "/deployments/", Some(body.clone()));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["work_pool_name"], "default-agent-pool");
    assert_eq!(created["work_queue_name"], "legacy-q");
    assert_eq!(created["global_concurrency_limit"]["limit"], 3);
    assert_eq!(
        created["global_concurrency_limit"]["name"],
        format!("deployment:{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["schedules"][0]["schedule"]["interval"], 3600.0);
    // Its schedule's runs are made with it.
    let filter = json!({ "flow_runs": { "deployment_id": { "any_": [created["id"]] } } });
    let (_, runs) = call("POST", "/flow_runs/filter", Some(filter));
    assert!(
        runs.as_array()
            .unwrap()
            .iter()
            .any(|r| r["auto_scheduled"] == true),
        "{runs}"
    );
    assert_eq!(created["labels"], json!({ "prefect.flow.id": flow["id"] }));
    let id = created["id"].as_str().unwrap().to_owned();

    // An upsert finds it (200) and changes only what it sends (parameters are always sent, as in Prefect).
    let (status, upserted) = call(
        "POST",
        "/deployments/",
        Some(json!({ "name": "d1", "flow_id": flow["id"], "tags": ["b"] })),
    );
    assert_eq!(status, 200, "{upserted}");
    assert_eq!(upserted["id"], created["id"]);
    assert_eq!(
        (&upserted["tags"], &upserted["parameters"]),
        (&json!(["b"]), &json!({}))
    );
    assert_eq!(upserted["schedules"], json!([]));
    assert_eq!(upserted["global_concurrency_limit"]["limit"], 3);

    // Runs made from it: parameters merged and checked, tags, queue, idempotency.
    let (status, refused) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        Some(json!({})),
    );
    assert_eq!(status, 409);
    assert_eq!(
        refused["detail"],
        "Error creating flow run: Validation failed. Failure reason: 'n' is a required property"
    );
    let run_body = json!({ "parameters": { "n": 5 }, "tags": ["t"], "idempotency_key": "k1",
                           "job_variables": { "env": { "A": "1" } } });
    let (status, run) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        Some(run_body.clone()),
    );
    assert_eq!(status, 201, "{run}");
    assert_eq!(
        (
            &run["parameters"],
            &run["tags"],
            &run["state_type"],
            &run["work_queue_name"]
        ),
        (
            &json!({ "n": 5 }),
            &json!(["b", "t"]),
            &json!("SCHEDULED"),
            &json!("legacy-q")
        )
    );
    assert_eq!(run["work_queue_id"], created["work_queue_id"]);
    assert_eq!(run["job_variables"], json!({ "env": { "A": "1" } }));
    let (status, again) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        Some(run_body),
    );
    assert_eq!((status, &again["id"]), (200, &run["id"]));
    let (status, other_queue) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        Some(json!({ "parameters": { "n": 1 }, "work_queue_name": "other" })),
    );
    assert_eq!(status, 201, "{other_queue}");
    assert_eq!(other_queue["work_queue_name"], "other");
    assert_ne!(other_queue["work_queue_id"], created["work_queue_id"]);

    // What a runner polls: the Scheduled runs, soonest first; the deployment is READY then.
    let (status, due) = call(
        "POST",
        "/deployments/get_scheduled_flow_runs",
        Some(json!({ "deployment_ids": [id] })),
    );
    assert_eq!(status, 200);
    let due = due.as_array().unwrap();
    // The two manual runs (the upsert replaced the schedules with none, and so removed their runs).
    assert_eq!(due.len(), 2, "{due:?}");
    assert!(due.iter().all(|r| r["auto_scheduled"] == false), "{due:?}");
    let times: Vec<&str> = due
        .iter()
        .map(|r| r["next_scheduled_start_time"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    let (_, read) = call("GET", &format!("/deployments/{id}"), None);
    assert_eq!(read["status"], "READY");
    assert!(read["last_polled"].is_string());

    // Filters, count and paging.
    let (_, count) = call(
        "POST",
        "/deployments/count",
        Some(json!({ "flows": { "name": { "any_": ["api-flow"] } } })),
    );
    assert_eq!(count, json!(1));
    let (_, none) = call(
        "POST",
        "/deployments/filter",
        Some(json!({ "deployments": { "tags": { "all_": ["a"] } } })),
    );
    assert_eq!(none, json!([]));
    let (_, page) = call("POST", "/deployments/paginate", Some(json!({ "limit": 1 })));
    assert_eq!(
        (&page["count"], &page["pages"], &page["page"]),
        (&json!(1), &json!(1), &json!(1))
    );

    // Schedules: a slug is unique within the deployment; changing one clears the future auto-scheduled runs.
    let (status, added) = call(
        "POST",
        &format!("/deployments/{id}/schedules"),
        Some(json!([{ "schedule": { "cron": "0 * * * *" }, "slug": "cron", "active": false }])),
    );
    assert_eq!(status, 201, "{added}");
    assert_eq!(
        added[0]["schedule"],
        json!({ "cron": "0 * * * *", "timezone": null, "day_or": true })
    );
    let (status, dup) = call(
        "POST",
        &format!("/deployments/{id}/schedules"),
        Some(json!([{ "schedule": { "interval": 60 }, "slug": "cron" }])),
    );
    assert_eq!(
        (status, dup),
        (
            409,
            json!({ "detail": "Schedule slugs must be unique within a deployment." })
        )
    );
    let schedule_id = added[0]["id"].as_str().unwrap();
    let (status, _) = call(
        "PATCH",
        &format!("/deployments/{id}/schedules/{schedule_id}"),
        Some(json!({ "active": true })),
    );
    assert_eq!(status, 204);
    let (status, missing) = call(
        "DELETE",
        &format!("/deployments/{id}/schedules/{}", uuid::Uuid::new_v4()),
        None,
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Schedule not found." }))
    );
    let (status, too_many) = call(
        "POST",
        &format!("/deployments/{id}/schedules"),
        Some(json!([{ "schedule": { "interval": 60 }, "max_scheduled_runs": 51 }])),
    );
    assert_eq!(status, 422);
    assert_eq!(
        too_many["exception_detail"][0]["msg"],
        "Value error, `max_scheduled_runs` must be less than or equal to 50."
    );

    // A PATCH of parameters that break the schema: Prefect's 409; of an unknown deployment: its 404.
    let (status, bad) = call(
        "PATCH",
        &format!("/deployments/{id}"),
        Some(json!({ "parameters": { "n": "no" } })),
    );
    assert_eq!(status, 409);
    assert_eq!(
        bad["detail"],
        "Error updating deployment: Validation failed for field 'n'. Failure reason: 'no' is not of type 'integer'"
    );
    let (status, missing) = call(
        "PATCH",
        &format!("/deployments/{}", uuid::Uuid::new_v4()),
        Some(json!({})),
    );
    assert_eq!(
        (status, missing),
        (404, json!({ "detail": "Deployment not found." }))
    );

    // Pausing removes its auto-scheduled runs still waiting (the manual ones stay).
    let (status, _) = call("POST", &format!("/deployments/{id}/pause_deployment"), None);
    assert_eq!(status, 200);
    let (_, read) = call("GET", &format!("/deployments/{id}"), None);
    assert_eq!(read["paused"], true);
    let filter = json!({ "flow_runs": { "deployment_id": { "any_": [id] } } });
    let (_, runs) = call("POST", "/flow_runs/filter", Some(filter));
    let runs = runs.as_array().unwrap();
    assert!(
        runs.iter().all(|r| r["auto_scheduled"] == false),
        "{runs:?}"
    );
    assert_eq!(runs.len(), 2, "{runs:?}");
    let (status, _) = call(
        "PATCH",
        &format!("/deployments/{id}"),
        Some(json!({ "paused": false })),
    );
    assert_eq!(status, 204);

    // Deleting it deletes its waiting runs (manual ones too) and its concurrency limit.
    let limit_id = created["global_concurrency_limit"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = call("DELETE", &format!("/deployments/{id}"), None);
    assert_eq!(status, 204);
    let (status, _) = call(
        "GET",
        &format!("/flow_runs/{}", run["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(status, 404);
    let (status, _) = call("GET", &format!("/v2/concurrency_limits/{limit_id}"), None);
    assert_eq!(status, 404);
    let (status, gone) = call("DELETE", &format!("/deployments/{id}"), None);
    assert_eq!(
        (status, gone),
        (404, json!({ "detail": "Deployment not found" }))
    );
}

/// A deployment in a work pool (made here with SQL; the pools API is another part of issue 13): its pool's
/// default queue, or the named queue, made in the pool when missing, for the deployment and for a run.
fn pool_scenario(server: &Server, sql: &dyn Fn(&str)) {
    let api = server.api_url();
    let call = |method: &str, path: &str, body: Value| -> (u16, Value) {
        let (status, reply) = request(
            method,
            &format!("{api}{path}"),
            Some(&body.to_string()),
            &[],
        );
        (status, json_of(&reply))
    };
    let (pool, queue) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    sql(&format!(
        "INSERT INTO work_pool (id, created, updated, name, type) VALUES ('{pool}', '2026-12-01T00:00:00.000000Z', \
         '2026-12-01T00:00:00.000000Z', 'p1', 'process'); \
         INSERT INTO work_queue (id, created, updated, name, priority, work_pool_id) VALUES ('{queue}', \
         '2026-12-01T00:00:00.000000Z', '2026-12-01T00:00:00.000000Z', 'default', 1, '{pool}'); \
         UPDATE work_pool SET default_queue_id = '{queue}' WHERE id = '{pool}';"
    ));
    let (_, flow) = call("POST", "/flows/", json!({ "name": "pooled-flow" }));
    let (status, default) = call(
        "POST",
        "/deployments/",
        json!({ "name": "in-pool", "flow_id": flow["id"], "work_pool_name": "p1" }),
    );
    assert_eq!(status, 201, "{default}");
    assert_eq!(
        (
            &default["work_pool_name"],
            &default["work_queue_name"],
            &default["work_queue_id"]
        ),
        (&json!("p1"), &json!("default"), &json!(queue.to_string()))
    );
    let (status, named) = call(
        "POST",
        "/deployments/",
        json!({ "name": "in-queue", "flow_id": flow["id"], "work_pool_name": "p1", "work_queue_name": "q2" }),
    );
    assert_eq!(status, 201, "{named}");
    assert_eq!(
        (&named["work_pool_name"], &named["work_queue_name"]),
        (&json!("p1"), &json!("q2"))
    );
    assert_ne!(named["work_queue_id"], json!(queue.to_string()));
    let id = default["id"].as_str().unwrap();
    let (status, run) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        json!({ "work_queue_name": "q3" }),
    );
    assert_eq!(status, 201, "{run}");
    assert_eq!(run["work_queue_name"], "q3");
    let (status, moved) = call(
        "POST",
        &format!("/deployments/{id}/create_flow_run"),
        json!({ "work_queue_name": "q2" }),
    );
    assert_eq!(status, 201, "{moved}");
    assert_eq!(moved["work_queue_id"], named["work_queue_id"]);
    // Filtering deployments by pool and queue, joined through the queue.
    let (_, in_pool) = call(
        "POST",
        "/deployments/count",
        json!({ "work_pools": { "name": { "any_": ["p1"] } } }),
    );
    assert_eq!(in_pool, json!(2));
    let (_, in_q2) = call(
        "POST",
        "/deployments/filter",
        json!({ "work_pool_queues": { "name": { "any_": ["q2"] } } }),
    );
    assert_eq!(in_q2[0]["name"], "in-queue", "{in_q2}");
    // A PATCH that clears the pool takes the deployment off it (switching to `serve`).
    let (status, _) = request(
        "PATCH",
        &format!("{api}/deployments/{id}"),
        Some(&json!({ "work_pool_name": null }).to_string()),
        &[],
    );
    assert_eq!(status, 204);
    let read = json_of(&get(&format!("{api}/deployments/{id}")).1);
    assert_eq!(
        (&read["work_queue_id"], &read["work_pool_name"]),
        (&Value::Null, &Value::Null)
    );
}

#[test]
fn deployments_are_served_run_and_managed_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    api_scenario(&server);
    let db = env.home().join("prefect.db");
    pool_scenario(&server, &|statement| {
        common::sqlite(&db, statement);
    });
    deployments_scenario(&env, &server);
}

#[test]
fn deployments_are_served_run_and_managed_on_postgres() {
    let env = TestEnv::new();
    let pg = Postgres::start();
    pg.create_database("prefect");
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    api_scenario(&server);
    pool_scenario(&server, &|statement| {
        pg.psql("prefect", statement);
    });
    deployments_scenario(&env, &server);
}
