//! The database under concurrency and big filters, through the real server on SQLite and PostgreSQL: concurrent
//! label merges and state changes lose nothing, filter lists of tens of thousands of items answer with the right
//! rows (and beyond the documented bound a 422 naming it), writers proceed while readers are busy, and a statement
//! that outlives PREFECT_SERVER_DATABASE_TIMEOUT is answered 503 as Prefect answers it.

mod common;

use std::sync::{Arc, Barrier};

use common::TestEnv;
use common::postgres::Postgres;
use common::server::{Server, get, post, request};
use serde_json::{Value, json};

/// Concurrent requests per trial: more than the read pool's connections, so they truly overlap.
const CONCURRENT: usize = 16;

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The server on SQLite (a file in PREFECT_HOME) or on a fresh database of `pg`.
fn start(env: &TestEnv, pg: Option<&Postgres>, extra: &[(&str, &str)]) -> Server {
    let mut vars: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_string())).collect();
    if let Some(pg) = pg {
        pg.create_database("prefect");
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", pg.url("prefect")));
    }
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Server::start(env, &vars)
}

fn create_flow(api: &str, name: &str) -> String {
    let (status, flow) = post(
        &format!("{api}/flows/"),
        &json!({ "name": name }).to_string(),
    );
    assert!(status == 200 || status == 201, "{status} {flow}");
    parse(&flow)["id"].as_str().unwrap().to_owned()
}

fn create_run(api: &str, flow_id: &str, extra: Value) -> Value {
    let mut body = json!({ "flow_id": flow_id });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, run) = post(&format!("{api}/flow_runs/"), &body.to_string());
    assert_eq!(status, 201, "{run}");
    parse(&run)
}

/// Runs `each(i)` on `n` threads released at once; their results in order.
fn at_once<T: Send + 'static>(
    n: usize,
    each: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let barrier = Arc::new(Barrier::new(n));
    let each = Arc::new(each);
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, each) = (barrier.clone(), each.clone());
            std::thread::spawn(move || {
                barrier.wait();
                each(i)
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

// ------------------------------------------------------------------------------------------ lost updates

/// 16 concurrent `PATCH /flow_runs/{id}/labels`, each adding its own label, over several runs: every label of
/// every PATCH is there afterwards (a read-merge-write without a lock kept only the last writer's).
fn concurrent_label_patches_keep_every_label(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "labelled");
    for trial in 0..5 {
        let run = create_run(&api, &flow_id, json!({ "labels": { "given": "yes" } }));
        let run_id = run["id"].as_str().unwrap().to_owned();
        let url = format!("{api}/flow_runs/{run_id}/labels");
        let statuses = at_once(CONCURRENT, move |i| {
            let body = json!({ format!("k{i}"): i, "shared": i }).to_string();
            request("PATCH", &url, Some(&body), &[]).0
        });
        assert_eq!(statuses, vec![204; CONCURRENT], "trial {trial}");
        let (_, read) = get(&format!("{api}/flow_runs/{run_id}"));
        let labels = parse(&read)["labels"].clone();
        let missing: Vec<String> = (0..CONCURRENT)
            .map(|i| format!("k{i}"))
            .filter(|k| labels.get(k).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "trial {trial}: lost {missing:?} of {labels}"
        );
        assert_eq!(labels["given"], "yes", "{labels}");
        assert_eq!(labels["prefect.flow.id"], flow_id.as_str(), "{labels}");
        assert!(
            labels["shared"]
                .as_u64()
                .is_some_and(|v| v < CONCURRENT as u64),
            "{labels}"
        );
    }
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn concurrent_label_patches_keep_every_label_on_sqlite() {
    concurrent_label_patches_keep_every_label(None);
}

#[test]
fn concurrent_label_patches_keep_every_label_on_postgres() {
    let pg = Postgres::start();
    concurrent_label_patches_keep_every_label(Some(&pg));
}

/// 16 concurrent `set_state` calls on one run, alternating RUNNING and a retry of it: the history holds exactly
/// the states that were answered 201, the run points at the newest, and run_count counts its RUNNING states.
fn concurrent_transitions_neither_double_count_nor_lose_one(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "contended");
    for trial in 0..3 {
        let run = create_run(&api, &flow_id, json!({ "state": { "type": "PENDING" } }));
        let run_id = run["id"].as_str().unwrap().to_owned();
        let url = format!("{api}/flow_runs/{run_id}/set_state");
        let answers = at_once(CONCURRENT, move |i| {
            let state = if i % 2 == 0 { "RUNNING" } else { "PENDING" };
            let body = json!({ "state": { "type": state }, "force": true }).to_string();
            let (status, body) = post(&url, &body);
            (status, parse(&body))
        });
        let written: Vec<&Value> = answers
            .iter()
            .filter(|(status, _)| *status == 201)
            .map(|(_, body)| &body["state"])
            .collect();
        assert!(
            answers
                .iter()
                .all(|(status, _)| *status == 201 || *status == 200),
            "{answers:?}"
        );
        let filter = json!({ "flow_runs": { "id": { "any_": [run_id] } } }).to_string();
        let (_, runs) = post(&format!("{api}/flow_runs/filter"), &filter);
        let run = parse(&runs)[0].clone();
        let history = state_history(&env, pg, &run_id);
        // The first state (PENDING at creation) and one per 201.
        assert_eq!(
            history.len(),
            written.len() + 1,
            "trial {trial}: {history:?}"
        );
        let running = history.iter().filter(|t| t.as_str() == "RUNNING").count();
        assert_eq!(run["run_count"], running, "trial {trial}: {run}");
        let newest = written
            .iter()
            .max_by_key(|s| s["timestamp"].as_str().unwrap().to_owned())
            .unwrap();
        assert_eq!(run["state"]["id"], newest["id"], "trial {trial}: {run}");
    }
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// The types of a run's states, oldest first, read from the database itself.
fn state_history(env: &TestEnv, pg: Option<&Postgres>, run_id: &str) -> Vec<String> {
    let sql = format!(
        "SELECT type FROM flow_run_state WHERE flow_run_id = '{run_id}' ORDER BY timestamp"
    );
    let rows = match pg {
        Some(pg) => pg.psql("prefect", &sql),
        None => common::sqlite(&env.home().join("prefect.db"), &sql),
    };
    rows.lines().map(str::to_owned).collect()
}

#[test]
fn concurrent_transitions_neither_double_count_nor_lose_one_on_sqlite() {
    concurrent_transitions_neither_double_count_nor_lose_one(None);
}

#[test]
fn concurrent_transitions_neither_double_count_nor_lose_one_on_postgres() {
    let pg = Postgres::start();
    concurrent_transitions_neither_double_count_nor_lose_one(Some(&pg));
}

/// 16 concurrent `POST /task_runs/` of one task run: one creates it (201), the others get it back (200), and
/// every answer already has its first state (it was written in the creating transaction, not after it).
fn concurrent_task_run_creations_all_see_its_first_state(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "tasks");
    let run = create_run(&api, &flow_id, json!({ "state": { "type": "RUNNING" } }));
    for trial in 0..5 {
        let body = json!({
            "id": uuid::Uuid::new_v4().to_string(),
            "flow_run_id": run["id"],
            "task_key": "work",
            "dynamic_key": trial.to_string(),
            "state": { "type": "PENDING" },
        })
        .to_string();
        let url = format!("{api}/task_runs/");
        let answers = at_once(CONCURRENT, move |_| {
            let (status, body) = post(&url, &body);
            (status, parse(&body))
        });
        let created = answers.iter().filter(|(status, _)| *status == 201).count();
        assert_eq!(created, 1, "trial {trial}: {answers:?}");
        for (status, task_run) in &answers {
            assert!(*status == 200 || *status == 201, "{status} {task_run}");
            assert_eq!(
                task_run["state"]["type"], "PENDING",
                "trial {trial}: {task_run}"
            );
        }
    }
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn concurrent_task_run_creations_all_see_its_first_state_on_sqlite() {
    concurrent_task_run_creations_all_see_its_first_state(None);
}

#[test]
fn concurrent_task_run_creations_all_see_its_first_state_on_postgres() {
    let pg = Postgres::start();
    concurrent_task_run_creations_all_see_its_first_state(Some(&pg));
}

// ------------------------------------------------------------------------------------------ big filters

/// The documented bound on one filter list (src/store/filter.rs, MAX_LIST_ITEMS).
const MAX_LIST_ITEMS: usize = 50_000;

fn random_ids(n: usize) -> Vec<String> {
    (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect()
}

fn filter_ids(api: &str, body: &Value) -> Vec<String> {
    let (status, page) = post(&format!("{api}/flow_runs/filter"), &body.to_string());
    assert_eq!(status, 200, "{}", &page[..page.len().min(2000)]);
    let mut ids: Vec<String> = parse(&page)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    ids.sort();
    ids
}

/// `any_`/`not_any_` of 30 000 ids and `any_`/`all_` of 2 000 tags answer 200 with exactly the right runs, and
/// the elapsed times are printed (measured, not asserted).
fn big_filter_lists_answer_with_the_right_rows(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "big-filters");
    let many_tags: Vec<String> = (0..2_000).map(|i| format!("tag-{i}")).collect();
    let all_tags = create_run(&api, &flow_id, json!({ "tags": many_tags }));
    let one_tag = create_run(&api, &flow_id, json!({ "tags": ["tag-7"] }));
    let other = create_run(&api, &flow_id, json!({ "tags": ["elsewhere"] }));
    let [a, b, c] = [&all_tags, &one_tag, &other].map(|r| r["id"].as_str().unwrap().to_owned());

    let mut ids = random_ids(30_000 - 2);
    ids.insert(12_345, a.clone());
    ids.push(b.clone());
    let started = std::time::Instant::now();
    let found = filter_ids(&api, &json!({ "flow_runs": { "id": { "any_": ids } } }));
    eprintln!(
        "30k-id any_ filter: {:.3} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(found, sorted(&[&a, &b]));
    let found = filter_ids(&api, &json!({ "flow_runs": { "id": { "not_any_": ids } } }));
    assert_eq!(found, sorted(&[&c]));
    let (status, count) = post(
        &format!("{api}/flow_runs/count"),
        &json!({ "flow_runs": { "id": { "any_": ids } } }).to_string(),
    );
    assert_eq!((status, count.as_str()), (200, "2"));

    let mut wanted: Vec<String> = (0..1_999).map(|i| format!("absent-{i}")).collect();
    wanted.push("tag-7".into());
    let started = std::time::Instant::now();
    let found = filter_ids(
        &api,
        &json!({ "flow_runs": { "tags": { "any_": wanted } } }),
    );
    eprintln!(
        "2,000-tag any_ filter: {:.3} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(found, sorted(&[&a, &b]));
    let started = std::time::Instant::now();
    let found = filter_ids(
        &api,
        &json!({ "flow_runs": { "tags": { "all_": many_tags } } }),
    );
    eprintln!(
        "2,000-tag all_ filter: {:.3} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(found, sorted(&[&a]));
    // Lists of names, and lists nested in another resource's filter, are bound the same way.
    let mut names: Vec<String> = random_ids(20_000);
    names.push(one_tag["name"].as_str().unwrap().to_owned());
    let found = filter_ids(&api, &json!({ "flow_runs": { "name": { "any_": names } } }));
    assert_eq!(found, sorted(&[&b]));
    let mut flows = random_ids(20_000);
    flows.push(flow_id.clone());
    let found = filter_ids(&api, &json!({ "flows": { "id": { "any_": flows } } }));
    assert_eq!(found, sorted(&[&a, &b, &c]));
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn big_filter_lists_answer_with_the_right_rows_on_sqlite() {
    big_filter_lists_answer_with_the_right_rows(None);
}

#[test]
fn big_filter_lists_answer_with_the_right_rows_on_postgres() {
    let pg = Postgres::start();
    big_filter_lists_answer_with_the_right_rows(Some(&pg));
}

/// A list one item over the bound is a 422 in Prefect's shape that names the field and the bound, on every
/// list-taking filter; nothing is stored or changed, and the server goes on answering.
#[test]
fn a_filter_list_beyond_the_bound_is_a_422_naming_it() {
    let env = TestEnv::new();
    let server = start(&env, None, &[]);
    let api = server.api_url();
    let over: Vec<String> = (0..=MAX_LIST_ITEMS).map(|i| format!("n{i}")).collect();
    let cases = [
        (
            "/flow_runs/filter",
            json!({ "flow_runs": { "name": { "any_": over } } }),
            "flow_runs.name.any_",
        ),
        (
            "/flow_runs/count",
            json!({ "flow_runs": { "tags": { "all_": over } } }),
            "flow_runs.tags.all_",
        ),
        (
            "/flows/filter",
            json!({ "flows": { "name": { "not_any_": over } } }),
            "flows.name.not_any_",
        ),
        (
            "/task_runs/filter",
            json!({ "task_runs": { "tags": { "any_": over } } }),
            "task_runs.tags.any_",
        ),
    ];
    for (path, body, field) in cases {
        let (status, answer) = post(&format!("{api}{path}"), &body.to_string());
        assert_eq!(status, 422, "{path}: {answer}");
        let answer = parse(&answer);
        let detail = &answer["exception_detail"][0];
        let loc: Vec<&str> = detail["loc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(loc.join("."), format!("body.{field}"), "{answer}");
        let message = detail["msg"].as_str().unwrap();
        assert!(
            message.contains("50000") && message.contains(&(MAX_LIST_ITEMS + 1).to_string()),
            "the message names the bound and what was sent: {message}"
        );
    }
    // At the bound itself, the list is served.
    let at: Vec<String> = (0..MAX_LIST_ITEMS).map(|i| format!("n{i}")).collect();
    let found = filter_ids(&api, &json!({ "flow_runs": { "name": { "any_": at } } }));
    assert!(found.is_empty());
    assert_eq!(get(&format!("{api}/health")).0, 200);
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// While 8 clients send 30k-id filters back to back, flow runs of new flows (whose labels are not cached yet)
/// are still created: the writer never waits for a read connection.
fn writers_proceed_while_big_filters_run(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "busy");
    let ids = random_ids(30_000);
    let filter = json!({ "flow_runs": { "id": { "any_": ids }, "tags": { "any_": (0..2_000).map(|i| format!("t{i}")).collect::<Vec<_>>() } } })
        .to_string();
    create_run(&api, &flow_id, json!({}));
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (url, filter) = (format!("{api}/flow_runs/filter"), filter.clone());
            std::thread::spawn(move || (0..4).map(|_| post(&url, &filter).0).collect::<Vec<_>>())
        })
        .collect();
    let mut created = Vec::new();
    for i in 0..10 {
        let flow = create_flow(&api, &format!("new-flow-{i}"));
        let (status, body) = post(
            &format!("{api}/flow_runs/"),
            &json!({ "flow_id": flow }).to_string(),
        );
        created.push((status, body));
    }
    let filtered: Vec<u16> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    assert!(
        created.iter().all(|(status, _)| *status == 201),
        "{created:?}"
    );
    assert!(filtered.iter().all(|s| *s == 200), "{filtered:?}");
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn writers_proceed_while_big_filters_run_on_sqlite() {
    writers_proceed_while_big_filters_run(None);
}

/// PostgreSQL's filters above are fast, so here readers are made to wait for real: a psql session holds an
/// exclusive lock on `task_run` while more readers than the read pool has connections filter by task runs. Flow
/// runs of new flows, which touch no task run, are still created meanwhile: writers have connections of their own.
#[test]
fn writers_proceed_while_every_read_connection_waits_on_postgres() {
    let pg = Postgres::start();
    let env = TestEnv::new();
    let server = start(&env, Some(&pg), &[]);
    let api = server.api_url();
    let count = |sql: &str| pg.psql("prefect", sql).trim().parse::<u32>().unwrap();
    let until = |sql: &str, at_least: u32| {
        for _ in 0..500 {
            if count(sql) >= at_least {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("never reached {at_least}: {sql}");
    };
    std::thread::scope(|scope| {
        // Held longer than a reader waits for a connection (PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT, 5 s).
        let lock = scope.spawn(|| {
            pg.psql(
                "prefect",
                "BEGIN; LOCK TABLE task_run IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(8); COMMIT;",
            )
        });
        until(
            "SELECT count(*) FROM pg_locks WHERE relation = 'task_run'::regclass AND granted",
            1,
        );
        let readers: Vec<_> = (0..10)
            .map(|_| {
                let url = format!("{api}/flow_runs/filter");
                let body = json!({ "task_runs": { "name": { "any_": ["x"] } } }).to_string();
                scope.spawn(move || post(&url, &body).0)
            })
            .collect();
        // The read pool's 8 connections, but the one holding the server's in-use lock, wait on the lock.
        until(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
            7,
        );
        let created: Vec<(u16, String)> = (0..5)
            .map(|i| {
                let (status, flow) = post(
                    &format!("{api}/flows/"),
                    &json!({ "name": format!("new-{i}") }).to_string(),
                );
                assert_eq!(status, 201, "{flow}");
                let flow_id = parse(&flow)["id"].as_str().unwrap().to_owned();
                post(
                    &format!("{api}/flow_runs/"),
                    &json!({ "flow_id": flow_id }).to_string(),
                )
            })
            .collect();
        assert!(
            created.iter().all(|(status, _)| *status == 201),
            "{created:?}"
        );
        // Readers that found no free connection in time are told to retry (503), the others are answered.
        let filtered: Vec<u16> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        assert!(
            filtered.iter().all(|s| *s == 200 || *s == 503),
            "{filtered:?}"
        );
        assert!(filtered.contains(&200), "{filtered:?}");
        lock.join().unwrap();
    });
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

// ------------------------------------------------------------------------------------ statement deadline

/// A filter that outlives PREFECT_SERVER_DATABASE_TIMEOUT is stopped and answered 503 as Prefect answers a
/// cancelled query (its client retries that); the server goes on serving. The runs are made by a server without
/// the tiny timeout, then a second server on the same database gets it.
fn a_statement_past_the_database_timeout_is_answered_503(pg: Option<&Postgres>) {
    let env = TestEnv::new();
    let server = start(&env, pg, &[]);
    let api = server.api_url();
    let flow_id = create_flow(&api, "slow");
    for _ in 0..200 {
        create_run(&api, &flow_id, json!({ "tags": ["a", "b"] }));
    }
    assert_eq!(server.stop().code, 0);
    let mut vars = vec![("PREFECT_SERVER_DATABASE_TIMEOUT", "0.001")];
    let url = pg.map(|pg| pg.url("prefect"));
    if let Some(url) = &url {
        vars.push(("PREFECT_SERVER_DATABASE_CONNECTION_URL", url));
    }
    let server = Server::start(&env, &vars);
    let api = server.api_url();
    // Every run is compared with every listed item: 200 runs × 30 000 ids and 50 000 names (under 2 MiB).
    let names: Vec<String> = (0..MAX_LIST_ITEMS).map(|i| format!("n{i}")).collect();
    let slow = json!({ "flow_runs": {
        "id": { "not_any_": random_ids(30_000) },
        "name": { "not_any_": names },
    } });
    let (status, body) = post(&format!("{api}/flow_runs/count"), &slow.to_string());
    assert_eq!(
        (status, parse(&body)),
        (503, json!({ "exception_message": "Service Unavailable" }))
    );
    assert_eq!(get(&format!("{api}/health")), (200, "true".into()));
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn a_statement_past_the_database_timeout_is_answered_503_on_sqlite() {
    a_statement_past_the_database_timeout_is_answered_503(None);
}

#[test]
fn a_statement_past_the_database_timeout_is_answered_503_on_postgres() {
    let pg = Postgres::start();
    a_statement_past_the_database_timeout_is_answered_503(Some(&pg));
}
