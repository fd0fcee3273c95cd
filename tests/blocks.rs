//! Blocks through the real server: the official client and CLI register, save, load, list, inspect and delete
//! them on SQLite and PostgreSQL; the HTTP API answers bad input as Prefect's does, hides secrets and merges
//! updates as Prefect does.

mod common;

use common::postgres::Postgres;
use common::server::{Server, request};
use common::{Output, TestEnv, python_prefect};
use serde_json::{Value, json};

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn prefect(env: &TestEnv, server: &Server, args: &[&str]) -> Output {
    env.program(python_prefect(), args)
        .env("PREFECT_API_URL", server.api_url())
        .env("COLUMNS", "200")
        .run()
}

fn python_script(env: &TestEnv, server: &Server, script: &str) -> Output {
    let python = python_prefect().parent().unwrap().join("python");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    env.program(&python, &[path.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
}

/// The acceptance scenario of issue 12's blocks, against one server.
fn blocks_with_the_client_and_cli(env: &TestEnv, server: &Server) {
    for module in ["prefect.blocks.system", "prefect.blocks.notifications"] {
        let out = prefect(env, server, &["block", "register", "-m", module]).success();
        assert!(
            out.stdout.contains("Successfully registered"),
            "{module}: {}",
            out.stdout
        );
    }
    // Registering again changes nothing: the schemas are found by the checksum the client computes.
    let types_before = request(
        "POST",
        &format!("{}/block_schemas/filter", server.api_url()),
        Some("{}"),
        &[],
    );
    prefect(
        env,
        server,
        &["block", "register", "-m", "prefect.blocks.system"],
    )
    .success();
    let types_after = request(
        "POST",
        &format!("{}/block_schemas/filter", server.api_url()),
        Some("{}"),
        &[],
    );
    assert_eq!(
        json_of(&types_before.1).as_array().unwrap().len(),
        json_of(&types_after.1).as_array().unwrap().len()
    );

    let out = python_script(env, server, "secret_block.py").success();
    assert!(
        out.stdout.contains("STATE COMPLETED"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stdout.contains("VALUE s3cret"), "{}", out.stdout);

    let ls = prefect(env, server, &["block", "ls"]).success();
    assert!(ls.stdout.contains("secret/my-secret"), "{}", ls.stdout);
    let inspect = prefect(env, server, &["block", "inspect", "secret/my-secret"]).success();
    assert!(inspect.stdout.contains("********"), "{}", inspect.stdout);
    assert!(
        !inspect.stdout.contains("s3cret"),
        "the secret is masked: {}",
        inspect.stdout
    );

    let types = prefect(env, server, &["block", "type", "ls"]).success();
    for slug in ["secret", "slack-webhook", "custom-webhook"] {
        assert!(types.stdout.contains(slug), "{slug} in {}", types.stdout);
    }
    let secret_type = prefect(env, server, &["block", "type", "inspect", "secret"]).success();
    assert!(
        secret_type
            .stdout
            .contains("A block that represents a secret value"),
        "{}",
        secret_type.stdout
    );

    // Prefect's own types come with the server, its system ones protected.
    let refused = prefect(env, server, &["block", "type", "delete", "secret"]).code(1);
    assert!(
        refused
            .stdout
            .contains("Block Type 'secret' is a protected block!"),
        "{}",
        refused.stdout
    );
    let catalog = prefect(env, server, &["block", "type", "ls"]).success();
    for slug in [
        "aws-credentials",
        "local-file-system",
        "webhook",
        "dbt-core-operation",
    ] {
        assert!(
            catalog.stdout.contains(slug),
            "{slug} in {}",
            catalog.stdout
        );
    }

    let out = prefect(env, server, &["block", "delete", "secret/my-secret"]).success();
    assert!(
        out.stdout.contains("Deleted Block 'secret/my-secret'"),
        "{}",
        out.stdout
    );
    let ls = prefect(env, server, &["block", "ls"]).success();
    assert!(!ls.stdout.contains("my-secret"), "{}", ls.stdout);
    let missing = prefect(env, server, &["block", "inspect", "nope/thing"]).code(1);
    assert!(
        missing.stdout.contains("Block 'nope/thing' not found!"),
        "{}",
        missing.stdout
    );
}

#[test]
fn the_client_and_cli_register_save_load_list_inspect_and_delete_blocks_on_sqlite() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    blocks_with_the_client_and_cli(&env, &server);
    server.stop();
}

#[test]
fn the_client_and_cli_register_save_load_list_inspect_and_delete_blocks_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    let server = Server::start(&env, &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)]);
    blocks_with_the_client_and_cli(&env, &server);
    server.stop();
}

struct Api {
    base: String,
}

impl Api {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let text = body.map(|b| b.to_string());
        let (status, reply) = request(
            method,
            &format!("{}{path}", self.base),
            text.as_deref(),
            &[],
        );
        let value = if reply.is_empty() {
            Value::Null
        } else {
            json_of(&reply)
        };
        (status, value)
    }
}

/// A block type with one schema whose `password` field is secret; (type id, schema id).
fn secret_type(api: &Api, slug: &str) -> (String, String) {
    let (status, block_type) = api.call(
        "POST",
        "/block_types/",
        Some(json!({"name": slug, "slug": slug})),
    );
    assert_eq!(status, 201, "{block_type}");
    let fields = json!({"title": slug, "type": "object", "properties": {
        "user": {"type": "string"}, "password": {"type": "string", "format": "password", "writeOnly": true},
        "inner": {"$ref": "#/definitions/Inner"}}, "secret_fields": ["password"],
        "block_type_slug": slug, "block_schema_references": {}, "definitions": {"Inner": {"type": "object"}}});
    let body =
        json!({"fields": fields, "block_type_id": block_type["id"], "capabilities": ["login"]});
    let (status, schema) = api.call("POST", "/block_schemas/", Some(body.clone()));
    assert_eq!(status, 201, "{schema}");
    let (again, same) = api.call("POST", "/block_schemas/", Some(body));
    assert_eq!(
        (again, &same["id"]),
        (200, &schema["id"]),
        "a second create finds the schema by checksum"
    );
    (
        block_type["id"].as_str().unwrap().into(),
        schema["id"].as_str().unwrap().into(),
    )
}

#[test]
fn the_block_api_hides_secrets_merges_updates_resolves_references_and_refuses_bad_input_on_sqlite()
{
    let env = TestEnv::new();
    block_api(&Server::start(&env, &[]));
}

#[test]
fn the_block_api_hides_secrets_merges_updates_resolves_references_and_refuses_bad_input_on_postgres()
 {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let env = TestEnv::new();
    let url = pg.url("prefect");
    block_api(&Server::start(
        &env,
        &[("PREFECT_SERVER_DATABASE_CONNECTION_URL", &url)],
    ));
}

/// Each answer as Prefect's server gives it (compared by hand, request by request, against `prefect server start`).
fn block_api(server: &Server) {
    let api = Api {
        base: server.api_url(),
    };
    let (type_id, schema_id) = secret_type(&api, "login");

    // Bad input, each with Prefect's answer.
    let (status, body) = api.call("GET", "/block_types/slug/no-such-type", None);
    assert_eq!(
        (status, body),
        (404, json!({"detail": "Block type not found"}))
    );
    let (status, body) = api.call(
        "GET",
        "/block_types/slug/no-such-type/block_documents",
        None,
    );
    assert_eq!(
        (status, body),
        (404, json!({"detail": "Block type not found"}))
    );
    let (status, body) = api.call(
        "POST",
        "/block_types/",
        Some(json!({"name": "login", "slug": "login"})),
    );
    assert_eq!(
        (status, body),
        (
            409,
            json!({"detail": "Block type with name \"login\" already exists"})
        )
    );
    let (status, body) = api.call(
        "POST",
        "/block_types/",
        Some(json!({"name": "Prefect Thing", "slug": "thing"})),
    );
    assert_eq!(
        (status, body),
        (
            403,
            json!({"detail": "Block type names beginning with 'Prefect' are reserved."})
        )
    );
    let (status, body) = api.call(
        "POST",
        "/block_types/",
        Some(json!({"name": "Bad", "slug": "Bad Slug"})),
    );
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["exception_detail"][0]["loc"], json!(["body", "slug"]));
    let missing_schema = "00000000-0000-4000-8000-000000000000";
    let doc = |name: &str, data: Value| json!({"name": name, "data": data, "block_schema_id": schema_id, "block_type_id": type_id});
    let mut orphan = doc("orphan", json!({}));
    orphan["block_schema_id"] = json!(missing_schema);
    let (status, body) = api.call("POST", "/block_documents/", Some(orphan));
    assert_eq!(
        status, 409,
        "Prefect answers a missing schema as a broken foreign key: {body}"
    );
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Data integrity conflict."),
        "{body}"
    );
    let (status, body) = api.call(
        "POST",
        "/block_documents/",
        Some(doc("Not Dashed", json!({}))),
    );
    assert_eq!(status, 422, "{body}");
    let (status, body) = api.call(
        "POST",
        "/block_documents/",
        Some(json!({"data": {}, "block_schema_id": schema_id, "block_type_id": type_id})),
    );
    assert_eq!(
        status, 422,
        "a document needs a name unless anonymous: {body}"
    );

    // Secrets are masked on read, shown on request, and kept by an update that sends the mask back.
    let (status, created) = api.call(
        "POST",
        "/block_documents/",
        Some(doc("mine", json!({"user": "u", "password": "p4ss"}))),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["data"],
        json!({"user": "u", "password": "********"})
    );
    assert_eq!(created["block_schema"]["block_type"]["slug"], "login");
    let (status, body) = api.call("POST", "/block_documents/", Some(doc("mine", json!({}))));
    assert_eq!(
        (status, body),
        (409, json!({"detail": "Block already exists"}))
    );
    let id = created["id"].as_str().unwrap();
    let (_, shown) = api.call(
        "GET",
        &format!("/block_documents/{id}?include_secrets=true"),
        None,
    );
    assert_eq!(shown["data"], json!({"user": "u", "password": "p4ss"}));
    let (status, _) = api.call(
        "PATCH",
        &format!("/block_documents/{id}"),
        Some(json!({"data": {"user": "v", "password": "********"}})),
    );
    assert_eq!(status, 204);
    let (_, shown) = api.call(
        "GET",
        "/block_types/slug/login/block_documents/name/mine?include_secrets=true",
        None,
    );
    assert_eq!(shown["data"], json!({"user": "v", "password": "p4ss"}));
    // Merging is the default; without it the data is replaced.
    api.call(
        "PATCH",
        &format!("/block_documents/{id}"),
        Some(json!({"data": {"extra": 1}})),
    );
    let (_, shown) = api.call(
        "GET",
        &format!("/block_documents/{id}?include_secrets=true"),
        None,
    );
    assert_eq!(
        shown["data"],
        json!({"user": "v", "password": "p4ss", "extra": 1})
    );
    api.call(
        "PATCH",
        &format!("/block_documents/{id}"),
        Some(json!({"data": {"user": "w"}, "merge_existing_data": false})),
    );
    let (_, shown) = api.call(
        "GET",
        &format!("/block_documents/{id}?include_secrets=true"),
        None,
    );
    assert_eq!(shown["data"], json!({"user": "w"}));

    // A reference to another document reads as that document's data, masked by its own schema.
    let (_, inner) = api.call(
        "POST",
        "/block_documents/",
        Some(doc("inner", json!({"password": "deep"}))),
    );
    let inner_id = inner["id"].as_str().unwrap();
    let (status, outer) = api.call(
        "POST",
        "/block_documents/",
        Some(doc(
            "outer",
            json!({"user": "o", "inner": {"$ref": {"block_document_id": inner_id}}}),
        )),
    );
    assert_eq!(status, 201, "{outer}");
    assert_eq!(outer["data"]["inner"], json!({"password": "********"}));
    assert_eq!(
        outer["block_document_references"]["inner"]["block_document"]["id"],
        json!(inner_id)
    );
    let outer_id = outer["id"].as_str().unwrap();
    let (status, body) = api.call(
        "PATCH",
        &format!("/block_documents/{inner_id}"),
        Some(json!({"data": {"loop": {"$ref": {"block_document_id": outer_id}}}})),
    );
    assert_eq!(status, 400, "a reference cycle is refused: {body}");

    // Anonymous documents are left out of lists unless asked for, but read by id.
    let (status, anonymous) = api.call("POST", "/block_documents/", Some(json!({"data": {}, "block_schema_id": schema_id, "block_type_id": type_id, "is_anonymous": true})));
    assert_eq!(status, 201, "{anonymous}");
    assert!(
        anonymous["name"]
            .as_str()
            .unwrap()
            .starts_with("anonymous-")
    );
    let (_, listed) = api.call("POST", "/block_documents/filter", Some(json!({})));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["inner", "mine", "outer"]);
    let (_, count) = api.call(
        "POST",
        "/block_documents/count",
        Some(json!({"block_documents": {"is_anonymous": null}})),
    );
    assert_eq!(count, json!(4));
    let (status, _) = api.call(
        "GET",
        &format!("/block_documents/{}", anonymous["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(status, 200);

    // Capabilities and the schema filter on them.
    let (_, capabilities) = api.call("GET", "/block_capabilities/", None);
    let capabilities = capabilities.as_array().unwrap().clone();
    for expected in ["login", "notify", "read-path"] {
        assert!(
            capabilities.contains(&json!(expected)),
            "{expected} in {capabilities:?}"
        );
    }
    let (_, found) = api.call(
        "POST",
        "/block_schemas/filter",
        Some(json!({"block_schemas": {"block_capabilities": {"all_": ["login"]}}})),
    );
    assert_eq!(found.as_array().unwrap().len(), 1);
    let (_, found) = api.call(
        "POST",
        "/block_types/filter",
        Some(json!({"block_schemas": {"block_capabilities": {"all_": ["nope"]}}})),
    );
    assert_eq!(found, json!([]));

    // Prefect's own types are there from the start, and installing them again changes nothing.
    let (_, secret) = api.call("GET", "/block_types/slug/secret", None);
    assert_eq!(secret["is_protected"], json!(true));
    let (status, body) = api.call("POST", "/block_types/install_system_block_types", None);
    assert_eq!((status, body), (200, Value::Null));
    let (_, again) = api.call("GET", "/block_types/slug/secret", None);
    assert_eq!(again, secret);
    let (status, body) = api.call(
        "DELETE",
        &format!("/block_types/{}", secret["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(
        (status, body),
        (
            403,
            json!({"detail": "protected block types cannot be deleted."})
        )
    );

    // Deleting the type deletes its schemas and documents.
    let (status, _) = api.call("DELETE", &format!("/block_types/{type_id}"), None);
    assert_eq!(status, 204);
    let (status, _) = api.call("GET", &format!("/block_documents/{id}"), None);
    assert_eq!(status, 404);
}
