//! The deployment, work pool, work queue and worker filters, through the real server on SQLite and PostgreSQL:
//! flows, flow runs and task runs filtered (and counted) by their deployments and their queues' pools, joined as
//! Prefect's models join them (flow_run.deployment_id, flow_run.work_queue_id -> work_queue.work_pool_id; a
//! flow through its deployments), an empty filter object (`{}`) still requiring the related row, and bad input
//! answered with a 422 naming the field. Pools, queues and deployments are inserted with SQL, the same text on
//! both dialects.

mod common;

use common::postgres::Postgres;
use common::seeded::Database;
use common::server::post;
use common::{TestEnv, seeded};
use serde_json::{Value, json};

const POOL_ONE: &str = "00000000-0000-4000-8000-0000000000a1";
const POOL_TWO: &str = "00000000-0000-4000-8000-0000000000a2";
const QUEUE_ONE: &str = "00000000-0000-4000-8000-0000000000b1";
const QUEUE_TWO: &str = "00000000-0000-4000-8000-0000000000b2";
const DEP_ONE: &str = "00000000-0000-4000-8000-0000000000c1";
const DEP_TWO: &str = "00000000-0000-4000-8000-0000000000c2";

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn created(url: &str, body: Value) -> String {
    let (status, text) = post(url, &body.to_string());
    assert!(status == 200 || status == 201, "{url}: {status} {text}");
    parse(&text)["id"].as_str().unwrap().to_owned()
}

/// Two flows; pool-one (process) with queue `default`, pool-two (docker) with queue `critical`; dep-one (flow
/// alpha, tag prod, on `default`), dep-two (flow beta, paused, no tags, on `critical`); runs r1 (dep-one),
/// r2 (dep-two) and r3 (no deployment, no queue), each with one task run.
struct Seeded {
    alpha: String,
    beta: String,
    runs: [String; 3],
    tasks: [String; 3],
}

fn seed(api: &str, db: &Database) -> Seeded {
    let alpha = created(&format!("{api}/flows/"), json!({"name": "alpha-flow"}));
    let beta = created(&format!("{api}/flows/"), json!({"name": "beta-flow"}));
    let t = "2026-12-01T00:00:00.000000Z";
    db.exec(&format!(
        "INSERT INTO work_pool (id, created, updated, name, type) VALUES \
           ('{POOL_ONE}', '{t}', '{t}', 'pool-one', 'process'), ('{POOL_TWO}', '{t}', '{t}', 'pool-two', 'docker'); \
         INSERT INTO work_queue (id, created, updated, name, work_pool_id) VALUES \
           ('{QUEUE_ONE}', '{t}', '{t}', 'default', '{POOL_ONE}'), ('{QUEUE_TWO}', '{t}', '{t}', 'Critical', '{POOL_TWO}'); \
         INSERT INTO deployment (id, created, updated, name, flow_id, tags, paused, work_queue_name, work_queue_id) VALUES \
           ('{DEP_ONE}', '{t}', '{t}', 'dep-one', '{alpha}', '[\"prod\"]', FALSE, 'default', '{QUEUE_ONE}'), \
           ('{DEP_TWO}', '{t}', '{t}', 'dep-two', '{beta}', '[]', TRUE, 'Critical', '{QUEUE_TWO}');"
    ));
    let run = |flow: &str| created(&format!("{api}/flow_runs/"), json!({"flow_id": flow}));
    let runs = [run(&alpha), run(&beta), run(&alpha)];
    db.exec(&format!(
        "UPDATE flow_run SET deployment_id = '{DEP_ONE}', work_queue_id = '{QUEUE_ONE}' WHERE id = '{}'; \
         UPDATE flow_run SET deployment_id = '{DEP_TWO}', work_queue_id = '{QUEUE_TWO}' WHERE id = '{}';",
        runs[0], runs[1]
    ));
    let task = |run: &str| {
        created(
            &format!("{api}/task_runs/"),
            json!({"flow_run_id": run, "task_key": "t", "dynamic_key": "0"}),
        )
    };
    let tasks = [task(&runs[0]), task(&runs[1]), task(&runs[2])];
    Seeded {
        alpha,
        beta,
        runs,
        tasks,
    }
}

/// The ids a filter answers (sorted), after checking the count endpoint agrees.
fn ids(api: &str, resource: &str, body: Value) -> Vec<String> {
    let (status, text) = post(&format!("{api}/{resource}/filter"), &body.to_string());
    assert_eq!(status, 200, "{resource} {body}: {text}");
    let mut found: Vec<String> = parse(&text)
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_owned())
        .collect();
    found.sort();
    let (status, count) = post(&format!("{api}/{resource}/count"), &body.to_string());
    assert_eq!(status, 200, "{resource}/count {body}: {count}");
    assert_eq!(parse(&count), json!(found.len()), "{resource}/count {body}");
    found
}

fn sorted(items: &[&String]) -> Vec<String> {
    let mut items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    items.sort();
    items
}

fn refused(api: &str, resource: &str, body: Value) -> Value {
    let (status, text) = post(&format!("{api}/{resource}/filter"), &body.to_string());
    assert_eq!(status, 422, "{resource} {body}: {text}");
    parse(&text)
}

fn filters_by_deployments_pools_and_queues(api: &str, db: &Database) {
    let s = seed(api, db);
    let [r1, r2, r3] = &s.runs;
    let [t1, t2, t3] = &s.tasks;

    // Flow runs by their deployment.
    let runs = |filter: Value| ids(api, "flow_runs", filter);
    assert_eq!(
        runs(json!({"deployments": {"id": {"any_": [DEP_ONE]}}})),
        sorted(&[r1])
    );
    assert_eq!(
        runs(json!({"deployments": {"id": {"not_any_": [DEP_ONE]}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"deployments": {"name": {"like_": "TWO"}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"deployments": {"name": {"any_": ["dep-one", "dep-two"]}}})),
        sorted(&[r1, r2])
    );
    // The flow's name or the deployment's, ignoring case.
    assert_eq!(
        runs(json!({"deployments": {"flow_or_deployment_name": {"like_": "ALPHA"}}})),
        sorted(&[r1])
    );
    assert_eq!(
        runs(json!({"deployments": {"flow_or_deployment_name": {"like_": "dep-t"}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"deployments": {"paused": {"eq_": true}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"deployments": {"paused": {"eq_": false}}})),
        sorted(&[r1])
    );
    assert_eq!(
        runs(json!({"deployments": {"tags": {"all_": ["prod"]}}})),
        sorted(&[r1])
    );
    assert_eq!(
        runs(json!({"deployments": {"tags": {"is_null_": true}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"deployments": {"work_queue_name": {"any_": ["Critical"]}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(
            json!({"deployments": {"operator": "or_", "paused": {"eq_": true}, "tags": {"any_": ["prod"]}}})
        ),
        sorted(&[r1, r2])
    );
    // Deprecated and ignored, as Prefect ignores it; an empty filter still needs a deployment.
    assert_eq!(
        runs(json!({"deployments": {"concurrency_limit": {"ge_": 5}}})),
        sorted(&[r1, r2])
    );
    assert_eq!(runs(json!({"deployments": {}})), sorted(&[r1, r2]));
    assert_eq!(runs(json!({"deployments": null})), sorted(&[r1, r2, r3]));

    // Flow runs by their queue's pool, and by their queue.
    assert_eq!(
        runs(json!({"work_pools": {"name": {"any_": ["pool-two"]}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"work_pools": {"type": {"any_": ["process"]}}})),
        sorted(&[r1])
    );
    assert_eq!(
        runs(json!({"work_pools": {"id": {"any_": [POOL_ONE, POOL_TWO]}}})),
        sorted(&[r1, r2])
    );
    assert_eq!(
        runs(json!({"work_pools": {"id": {"any_": []}}})),
        Vec::<String>::new()
    );
    assert_eq!(runs(json!({"work_pools": {}})), sorted(&[r1, r2]));
    assert_eq!(
        runs(json!({"work_pool_queues": {"id": {"any_": [QUEUE_ONE]}}})),
        sorted(&[r1])
    );
    // Any of the prefixes, ignoring case.
    assert_eq!(
        runs(json!({"work_pool_queues": {"name": {"startswith_": ["crit", "nope"]}}})),
        sorted(&[r2])
    );
    assert_eq!(
        runs(json!({"work_pool_queues": {"name": {"any_": ["default"]}}})),
        sorted(&[r1])
    );
    // With the run's own filters and the flow's, all at once.
    assert_eq!(
        runs(json!({
            "flows": {"name": {"any_": ["alpha-flow"]}},
            "flow_runs": {"id": {"any_": [r1, r3]}},
            "work_pools": {"type": {"any_": ["process"]}},
            "deployments": {"name": {"any_": ["dep-one"]}},
        })),
        sorted(&[r1])
    );

    // Flows by their deployments, and their deployments' queues' pools.
    let flows = |filter: Value| ids(api, "flows", filter);
    assert_eq!(
        flows(json!({"deployments": {"paused": {"eq_": true}}})),
        sorted(&[&s.beta])
    );
    assert_eq!(
        flows(json!({"work_pools": {"name": {"any_": ["pool-one"]}}})),
        sorted(&[&s.alpha])
    );
    assert_eq!(
        flows(json!({"deployments": {}})),
        sorted(&[&s.alpha, &s.beta])
    );
    assert_eq!(
        flows(
            json!({"deployments": {"id": {"any_": [DEP_TWO]}}, "work_pools": {"type": {"any_": ["process"]}}})
        ),
        Vec::<String>::new()
    );

    // Task runs by their flow run's deployment.
    let tasks = |filter: Value| ids(api, "task_runs", filter);
    assert_eq!(
        tasks(json!({"deployments": {"id": {"any_": [DEP_TWO]}}})),
        sorted(&[t2])
    );
    assert_eq!(tasks(json!({"deployments": {}})), sorted(&[t1, t2]));
    assert_eq!(tasks(json!({})), sorted(&[t1, t2, t3]));

    // Bad input: a 422 naming the field.
    let detail = refused(
        api,
        "flow_runs",
        json!({"deployments": {"color": {"any_": ["x"]}}}),
    );
    assert_eq!(
        detail["exception_detail"][0]["loc"],
        json!(["body", "deployments", "color"]),
        "{detail}"
    );
    let detail = refused(
        api,
        "flow_runs",
        json!({"deployments": {"id": {"any_": ["not-a-uuid"]}}}),
    );
    assert_eq!(
        detail["exception_detail"][0]["loc"],
        json!(["body", "deployments", "id", "any_"]),
        "{detail}"
    );
    assert_eq!(
        detail["exception_detail"][0]["msg"], "Input should be a valid UUID",
        "{detail}"
    );
    let detail = refused(
        api,
        "flow_runs",
        json!({"deployments": {"paused": {"eq_": "maybe"}}}),
    );
    assert_eq!(
        detail["exception_detail"][0]["msg"], "Input should be a valid boolean",
        "{detail}"
    );
    let detail = refused(
        api,
        "flow_runs",
        json!({"work_pools": {"status": {"any_": ["READY"]}}}),
    );
    assert_eq!(
        detail["exception_detail"][0]["loc"],
        json!(["body", "work_pools", "status"]),
        "{detail}"
    );
    let detail = refused(api, "flows", json!({"work_pools": "pool-one"}));
    assert_eq!(
        detail["exception_detail"][0]["loc"],
        json!(["body", "work_pools"]),
        "{detail}"
    );
    let detail = refused(
        api,
        "flow_runs",
        json!({"work_pool_queues": {"name": {"startswith_": "crit"}}}),
    );
    assert_eq!(
        detail["exception_detail"][0]["loc"],
        json!(["body", "work_pool_queues", "name", "startswith_"]),
        "{detail}"
    );
}

#[test]
fn flows_runs_and_task_runs_filter_by_deployments_pools_and_queues_on_sqlite() {
    let env = TestEnv::new();
    let (server, db) = seeded::start(&env, None, &[]);
    filters_by_deployments_pools_and_queues(&server.api_url(), &db);
}

#[test]
fn flows_runs_and_task_runs_filter_by_deployments_pools_and_queues_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let (server, db) = seeded::start(&env, Some(&pg), &[]);
    filters_by_deployments_pools_and_queues(&server.api_url(), &db);
}
