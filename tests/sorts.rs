//! Every `sort` of `/flows/filter`, `/flow_runs/filter`, `/task_runs/filter` and `/logs/filter` on a handful of
//! rows with NULLs in the sorted columns, and the 422 of an unknown sort, on SQLite and PostgreSQL.
//! tests/python/sort_orders.py makes the rows and asks; it ran the same requests against Prefect 3's own server on
//! both databases, and the orders written out here are its answers. Prefect leaves NULLs where each database puts
//! them (first ascending on SQLite, last on PostgreSQL), so the dialects differ where a column has NULLs. Among
//! equal keys Prefect's order is whatever index its planner scans; ours is the id, running the way the sort runs
//! (creation order ascending, newest first descending), which is what Prefect's server answered in most cases.

mod common;

use common::postgres::Postgres;
use common::server::Server;
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

#[derive(Clone, Copy, PartialEq)]
enum Dialect {
    Sqlite,
    Postgres,
}

/// The scenario's answers from `server`, as the script prints them.
fn sort_orders(env: &TestEnv, server: &Server) -> Value {
    let python = python_prefect().parent().unwrap().join("python");
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/sort_orders.py");
    let out = env
        .program(&python, &[script.to_str().unwrap(), &server.api_url()])
        .run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", out.stdout))
}

/// Rows by name in the order Prefect's server answers each sort on `dialect`.
fn expected(dialect: Dialect) -> Value {
    // Runs (and task runs) c and a are scheduled for later, e is pending, b running, d and f finished (in
    // that order). Only b, d and f have a start time; only c and a a next scheduled start; only d and f an end.
    let nulls_low = dialect == Dialect::Sqlite;
    let end_time_desc = if nulls_low {
        json!(["f", "d", "b", "e", "a", "c"])
    } else {
        json!(["b", "e", "a", "c", "f", "d"])
    };
    let next_scheduled_asc = if nulls_low {
        json!(["e", "b", "d", "f", "c", "a"])
    } else {
        json!(["c", "a", "e", "b", "d", "f"])
    };
    let runs = json!({
        "END_TIME_DESC": end_time_desc,
        "EXPECTED_START_TIME_ASC": ["e", "d", "f", "b", "c", "a"],
        "EXPECTED_START_TIME_DESC": ["a", "c", "b", "f", "d", "e"],
        "NAME_ASC": ["a", "b", "c", "d", "e", "f"],
        "NAME_DESC": ["f", "e", "d", "c", "b", "a"],
        "NEXT_SCHEDULED_START_TIME_ASC": next_scheduled_asc,
    });
    let mut flow_runs = runs.clone();
    // A run not started sorts by its expected start, as in Prefect.
    flow_runs["START_TIME_ASC"] = json!(["e", "b", "d", "f", "c", "a"]);
    flow_runs["START_TIME_DESC"] = json!(["a", "c", "f", "d", "b", "e"]);
    json!({
        "flows": {
            "default": ["a", "b", "c"],
            "CREATED_DESC": ["c", "a", "b"],
            "UPDATED_DESC": ["a", "c", "b"],
            "NAME_ASC": ["a", "b", "c"],
            "NAME_DESC": ["c", "b", "a"],
        },
        "flow_runs": named(&flow_runs, "run-"),
        "task_runs": named(&runs, "task-"),
        "logs": {
            "default": ["l1", "l2", "l2bis", "l3"],
            "TIMESTAMP_ASC": ["l1", "l2", "l2bis", "l3"],
            "TIMESTAMP_DESC": ["l3", "l2bis", "l2", "l1"],
        },
    })
}

/// `orders` with every name prefixed.
fn named(orders: &Value, prefix: &str) -> Value {
    let mut named = orders.clone();
    for order in named.as_object_mut().unwrap().values_mut() {
        for name in order.as_array_mut().unwrap() {
            *name = json!(format!("{prefix}{}", name.as_str().unwrap()));
        }
    }
    named
}

/// Prefect's 422 for `sort: "BOGUS"`: pydantic's `enum` error listing the sort's values.
fn refused_sort(answer: &Value, allowed: &str) {
    assert_eq!(answer[0], 422, "{answer}");
    let detail = &answer[1]["exception_detail"];
    assert_eq!(detail.as_array().map(Vec::len), Some(1), "{answer}");
    assert_eq!(detail[0]["type"], "enum");
    assert_eq!(detail[0]["loc"], json!(["body", "sort"]));
    assert_eq!(detail[0]["msg"], format!("Input should be {allowed}"));
    assert_eq!(detail[0]["input"], "BOGUS");
    assert_eq!(detail[0]["ctx"], json!({ "expected": allowed }));
    assert_eq!(answer[1]["exception_message"], "Invalid request received.");
}

fn sorts_answer_as_prefect_does(env: &TestEnv, server: &Server, dialect: Dialect) {
    let answers = sort_orders(env, server);
    for (resource, orders) in expected(dialect).as_object().unwrap() {
        for (sort, order) in orders.as_object().unwrap() {
            assert_eq!(
                &answers[resource][sort], order,
                "{resource} sorted by {sort}"
            );
        }
    }
    // Ids: made in time order here, random on Prefect's server; either way ID_DESC is the ids descending, and
    // it is the runs' default.
    for resource in ["flow_runs", "task_runs"] {
        let runs = &answers[resource];
        assert_eq!(runs["ID_DESC"], runs["ids, descending"], "{resource}");
        assert_eq!(runs["default"], runs["ID_DESC"], "{resource}");
        let prefix = if resource == "flow_runs" {
            "run-"
        } else {
            "task-"
        };
        let newest_first: Vec<String> = ["f", "d", "b", "e", "a", "c"]
            .iter()
            .map(|name| format!("{prefix}{name}"))
            .collect();
        assert_eq!(
            runs["ID_DESC"],
            json!(newest_first),
            "{resource}: ids are made in creation order"
        );
    }
    refused_sort(
        &answers["flows"]["BOGUS"],
        "'CREATED_DESC', 'UPDATED_DESC', 'NAME_ASC' or 'NAME_DESC'",
    );
    refused_sort(
        &answers["flow_runs"]["BOGUS"],
        "'ID_DESC', 'START_TIME_ASC', 'START_TIME_DESC', 'EXPECTED_START_TIME_ASC', 'EXPECTED_START_TIME_DESC', \
         'NAME_ASC', 'NAME_DESC', 'NEXT_SCHEDULED_START_TIME_ASC' or 'END_TIME_DESC'",
    );
    refused_sort(
        &answers["task_runs"]["BOGUS"],
        "'ID_DESC', 'EXPECTED_START_TIME_ASC', 'EXPECTED_START_TIME_DESC', 'NAME_ASC', 'NAME_DESC', \
         'NEXT_SCHEDULED_START_TIME_ASC' or 'END_TIME_DESC'",
    );
    refused_sort(
        &answers["logs"]["BOGUS"],
        "'TIMESTAMP_ASC' or 'TIMESTAMP_DESC'",
    );
}

#[test]
fn every_sort_orders_as_prefect_does_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    sorts_answer_as_prefect_does(&env, &server, Dialect::Sqlite);
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn every_sort_orders_as_prefect_does_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    sorts_answer_as_prefect_does(&env, &server, Dialect::Postgres);
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
}
