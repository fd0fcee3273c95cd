//! The HTTP edge of `server start --no-docker`, through the real binary: basic auth on every route (an `Upgrade`
//! header skips nothing), JSON-only bodies, Prefect's CORS and CSRF settings, the request body bound (413), JSON
//! 404/405 bodies, and a 401 that keeps the connection alive as uvicorn does.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::postgres::Postgres;
use common::server::{Reply, Server, exchange, get, parse_reply, post, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

const AUTH: &str = "admin:s3cret";
/// `admin:s3cret` and `admin:wrong`, base64.
const RIGHT: (&str, &str) = ("Authorization", "Basic YWRtaW46czNjcmV0");
const WRONG: (&str, &str) = ("Authorization", "Basic YWRtaW46d3Jvbmc=");

// --------------------------------------------------------------------------------------------- basic auth

#[test]
fn basic_auth_guards_every_route_family_and_an_upgrade_header_skips_nothing() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_API_AUTH_STRING", AUTH)]);
    let api = server.api_url();
    let routes = [
        ("POST", "/flows/filter"),
        ("POST", "/flows/"),
        ("POST", "/flow_runs/filter"),
        ("POST", "/flow_runs/count"),
        ("POST", "/task_runs/filter"),
        ("POST", "/logs/filter"),
        ("POST", "/logs/"),
        ("GET", "/admin/settings"),
        ("GET", "/admin/version"),
        ("GET", "/version"),
        ("GET", "/hello"),
        ("GET", "/csrf-token?client=x"),
        ("GET", "/no-such-route"),
    ];
    let upgrade = [("Upgrade", "websocket"), ("Connection", "Upgrade")];
    for (method, path) in routes {
        let url = format!("{api}{path}");
        let body = (method == "POST").then_some("{}");
        let refused = (401, r#"{"exception_message":"Unauthorized"}"#.to_owned());
        assert_eq!(request(method, &url, body, &[]), refused, "{method} {path}");
        assert_eq!(
            request(method, &url, body, &[WRONG]),
            refused,
            "{method} {path}"
        );
        assert_eq!(
            request(method, &url, body, &upgrade),
            refused,
            "{method} {path} with Upgrade: websocket"
        );
        let (status, text) = request(method, &url, body, &[RIGHT]);
        assert_ne!(status, 401, "{method} {path}: {text}");
    }
    // The finding itself: a real filter, and a real write, with the Upgrade header and no credentials.
    assert_eq!(
        request(
            "POST",
            &format!("{api}/flow_runs/filter"),
            Some("{}"),
            &upgrade
        )
        .0,
        401
    );
    let (status, _) = request(
        "POST",
        &format!("{api}/flows/"),
        Some(r#"{"name": "smuggled"}"#),
        &upgrade,
    );
    assert_eq!(status, 401);
    let (_, flows) = request("POST", &format!("{api}/flows/filter"), Some("{}"), &[RIGHT]);
    assert_eq!(json(&flows), json!([]), "nothing was created");

    // Probes stay open.
    assert_eq!(get(&format!("{api}/health")), (200, "true".into()));
    assert_eq!(get(&format!("{api}/ready")).0, 200);

    // The websocket routes defer to their in-band auth message: the handshake succeeds without the header...
    for path in ["/events/in", "/events/out", "/logs/out"] {
        let reply = websocket_handshake(server.port, &format!("/api{path}"));
        assert_eq!(reply.status, 101, "{path}: {reply:?}");
        // ... but a plain request to them is an ordinary request, and needs the header.
        assert_eq!(get(&format!("{api}{path}")).0, 401, "{path}");
    }
}

/// A websocket opening handshake with the `prefect` subprotocol; the server's answer.
fn websocket_handshake(port: u16, path: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: prefect\r\n\r\n"
    )
    .unwrap();
    parse_reply(&read_head(&mut stream))
}

/// Reads up to the end of a response head.
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Reads one whole response (a `Content-Length` body) off a keep-alive connection.
fn read_response(stream: &mut TcpStream) -> Reply {
    let head = read_head(stream);
    let mut reply = parse_reply(&head);
    let length: usize = reply
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    reply.body = String::from_utf8_lossy(&body).into_owned();
    reply
}

// ---------------------------------------------------------------------------------- keep-alive after a 401

#[test]
fn a_401_keeps_the_connection_open_as_uvicorn_does() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[
            ("PREFECT_SERVER_API_AUTH_STRING", AUTH),
            ("PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES", "200000"),
        ],
    );
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // A body the server never reads (the request is refused first) must not end the connection.
    let body = format!(r#"{{"name": "{}"}}"#, "x".repeat(100_000));
    write!(
        stream,
        "POST /api/flows/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let refused = read_response(&mut stream);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("connection"), None, "{refused:?}");
    write!(stream, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let health = read_response(&mut stream);
    assert_eq!((health.status, health.body.as_str()), (200, "true"));

    // Past the body bound the server stops reading and closes, and says so.
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = "x".repeat(300_000);
    write!(
        stream,
        "POST /api/flows/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    let _ = stream.write_all(body.as_bytes());
    let refused = read_response(&mut stream);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("connection"), Some("close"), "{refused:?}");
}

// ------------------------------------------------------------------------------------------ JSON bodies only

/// Prefect's answer (FastAPI's) to a body that is not declared as JSON.
fn not_json_answer(raw: &str) -> Value {
    json!({
        "exception_message": "Invalid request received.",
        "exception_detail": [{
            "type": "model_attributes_type",
            "loc": ["body"],
            "msg": "Input should be a valid dictionary or object to extract fields from",
            "input": raw,
        }],
        "request_body": raw,
    })
}

#[test]
fn a_text_plain_post_that_would_create_a_flow_run_is_refused_and_creates_nothing() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let (_, flow) = post(&format!("{api}/flows/"), r#"{"name": "target"}"#);
    let create = format!(
        r#"{{"flow_id": "{}"}}"#,
        json(&flow)["id"].as_str().unwrap()
    );
    for content_type in [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let reply = exchange(
            "POST",
            &format!("{api}/flow_runs/"),
            Some(create.as_bytes()),
            &[
                ("Content-Type", content_type),
                ("Origin", "http://evil.example"),
            ],
        );
        assert_eq!(reply.status, 422, "{content_type}: {reply:?}");
        assert_eq!(
            json(&reply.body),
            not_json_answer(&create),
            "{content_type}"
        );
    }
    let (_, count) = post(&format!("{api}/flow_runs/count"), "{}");
    assert_eq!(count, "0", "no flow run was created");

    // JSON in its other spellings is JSON, and no Content-Type at all is taken as JSON, as Prefect does.
    for content_type in [
        Some("application/json; charset=utf-8"),
        Some("application/merge-patch+json"),
        None,
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|c| ("Content-Type", c))
            .into_iter()
            .collect();
        let reply = exchange(
            "POST",
            &format!("{api}/flow_runs/"),
            Some(create.as_bytes()),
            &headers,
        );
        assert_eq!(reply.status, 201, "{content_type:?}: {reply:?}");
    }
}

// ------------------------------------------------------------------------------------------------------ CORS

fn preflight(api: &str, origin: &str, method: &str, headers: Option<&str>) -> Reply {
    let mut request = vec![
        ("Origin", origin),
        ("Access-Control-Request-Method", method),
    ];
    if let Some(headers) = headers {
        request.push(("Access-Control-Request-Headers", headers));
    }
    exchange("OPTIONS", &format!("{api}/flow_runs/"), None, &request)
}

#[test]
fn cors_answers_as_prefect_with_default_and_configured_settings() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    // Defaults (`*`): any origin, method and header.
    let reply = preflight(
        &api,
        "http://ui.example",
        "POST",
        Some("content-type, x-custom"),
    );
    assert_eq!((reply.status, reply.body.as_str()), (200, "OK"));
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some("content-type, x-custom")
    );
    assert_eq!(reply.header("access-control-max-age"), Some("600"));
    let simple = exchange(
        "GET",
        &format!("{api}/hello"),
        None,
        &[("Origin", "http://ui.example")],
    );
    assert_eq!(simple.status, 200);
    assert_eq!(simple.header("access-control-allow-origin"), Some("*"));
    let no_origin = exchange("GET", &format!("{api}/hello"), None, &[]);
    assert_eq!(no_origin.header("access-control-allow-origin"), None);
    drop(server);

    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[
            (
                "PREFECT_SERVER_CORS_ALLOWED_ORIGINS",
                "http://ui.example,http://other.example",
            ),
            ("PREFECT_SERVER_API_CORS_ALLOWED_METHODS", "GET,POST"),
            (
                "PREFECT_SERVER_API_CORS_ALLOWED_HEADERS",
                "content-type,prefect-csrf-token",
            ),
        ],
    );
    let api = server.api_url();
    let reply = preflight(&api, "http://ui.example", "POST", Some("Content-Type"));
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (200, "OK"),
        "{reply:?}"
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("http://ui.example")
    );
    assert_eq!(
        reply.header("access-control-allow-methods"),
        Some("GET, POST")
    );
    assert_eq!(
        reply.header("access-control-allow-headers"),
        Some(
            "Accept, Accept-Language, Content-Language, Content-Type, content-type, prefect-csrf-token"
        )
    );
    let reply = preflight(&api, "http://evil.example", "PATCH", Some("x-custom"));
    assert_eq!(
        (reply.status, reply.body.as_str()),
        (400, "Disallowed CORS origin, method, headers")
    );
    assert_eq!(reply.header("access-control-allow-origin"), None);
    let allowed = exchange(
        "GET",
        &format!("{api}/hello"),
        None,
        &[("Origin", "http://other.example")],
    );
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("http://other.example")
    );
    assert_eq!(allowed.header("vary"), Some("Origin"));
    let foreign = exchange(
        "GET",
        &format!("{api}/hello"),
        None,
        &[("Origin", "http://evil.example")],
    );
    assert_eq!(foreign.status, 200);
    assert_eq!(foreign.header("access-control-allow-origin"), None);
}

// ------------------------------------------------------------------------------------------------------ CSRF

#[test]
fn with_csrf_protection_writes_need_a_token_from_the_database() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_CSRF_PROTECTION_ENABLED", "true")]);
    let api = server.api_url();
    let flows = format!("{api}/flows/");
    let body = Some(r#"{"name": "guarded"}"#);
    assert_eq!(
        request("POST", &flows, body, &[]),
        (403, r#"{"detail":"Missing CSRF token."}"#.into())
    );
    assert_eq!(
        request("POST", &flows, body, &[("Prefect-Csrf-Token", "t")]),
        (403, r#"{"detail":"Missing client identifier."}"#.into())
    );
    let forged = [("Prefect-Csrf-Token", "t"), ("Prefect-Csrf-Client", "me")];
    assert_eq!(
        request("POST", &flows, body, &forged),
        (
            403,
            r#"{"detail":"Invalid CSRF token or client identifier."}"#.into()
        )
    );
    // Reads need no token.
    assert_eq!(get(&format!("{api}/hello")).0, 200);
    let (status, text) = get(&format!("{api}/csrf-token"));
    assert_eq!(status, 422, "{text}");
    assert_eq!(
        json(&text)["exception_detail"][0]["loc"],
        json!(["query", "client"])
    );

    let (status, text) = get(&format!("{api}/csrf-token?client=me"));
    assert_eq!(status, 200, "{text}");
    let token = json(&text);
    assert_eq!(token["client"], "me");
    let secret = token["token"].as_str().unwrap().to_owned();
    assert_eq!(
        secret.len(),
        64,
        "32 random bytes in hex, as Prefect: {secret}"
    );
    for field in ["id", "created", "updated", "expiration"] {
        assert!(token[field].is_string(), "{field}: {token}");
    }
    let good = [
        ("Prefect-Csrf-Token", secret.as_str()),
        ("Prefect-Csrf-Client", "me"),
    ];
    assert_eq!(request("POST", &flows, body, &good).0, 201);
    let other_client = [
        ("Prefect-Csrf-Token", secret.as_str()),
        ("Prefect-Csrf-Client", "you"),
    ];
    assert_eq!(request("POST", &flows, body, &other_client).0, 403);
    // A new token for the client replaces the old one.
    let (_, text) = get(&format!("{api}/csrf-token?client=me"));
    assert_ne!(json(&text)["token"].as_str().unwrap(), secret);
    assert_eq!(request("POST", &flows, body, &good).0, 403);
    drop(server);

    // Off (the default), the token endpoint says so and writes need nothing.
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    assert_eq!(
        get(&format!("{}/csrf-token?client=me", server.api_url())),
        (422, r#"{"detail":"CSRF protection is disabled."}"#.into())
    );
}

#[test]
fn an_expired_csrf_token_is_refused() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[
            ("PREFECT_SERVER_CSRF_PROTECTION_ENABLED", "true"),
            ("PREFECT_SERVER_CSRF_TOKEN_EXPIRATION", "0"),
        ],
    );
    let api = server.api_url();
    let (_, text) = get(&format!("{api}/csrf-token?client=me"));
    let secret = json(&text)["token"].as_str().unwrap().to_owned();
    let headers = [
        ("Prefect-Csrf-Token", secret.as_str()),
        ("Prefect-Csrf-Client", "me"),
    ];
    assert_eq!(
        request(
            "POST",
            &format!("{api}/flows/"),
            Some(r#"{"name": "late"}"#),
            &headers
        ),
        (
            403,
            r#"{"detail":"Invalid CSRF token or client identifier."}"#.into()
        )
    );
}

#[test]
fn a_csrf_token_from_one_replica_is_accepted_by_another_on_postgres() {
    let pg = Postgres::start();
    pg.create_database("prefect");
    let url = pg.url("prefect");
    let vars = [
        ("PREFECT_SERVER_DATABASE_CONNECTION_URL", url.as_str()),
        ("PREFECT_SERVER_CSRF_PROTECTION_ENABLED", "true"),
    ];
    let (env_a, env_b) = (TestEnv::new(), TestEnv::new());
    let a = Server::start(&env_a, &vars);
    let b = Server::start(&env_b, &vars);
    let (_, text) = get(&format!("{}/csrf-token?client=me", a.api_url()));
    let secret = json(&text)["token"].as_str().unwrap().to_owned();
    let headers = [
        ("Prefect-Csrf-Token", secret.as_str()),
        ("Prefect-Csrf-Client", "me"),
    ];
    let (status, text) = request(
        "POST",
        &format!("{}/flows/", b.api_url()),
        Some(r#"{"name": "replicated"}"#),
        &headers,
    );
    assert_eq!(status, 201, "{text}");
}

#[test]
fn the_official_client_runs_a_flow_with_csrf_protection_on() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[("PREFECT_SERVER_CSRF_PROTECTION_ENABLED", "true")]);
    let out = python_script(&env, &server, "s1_three_tasks.py").success();
    assert!(
        out.stdout.contains("FINAL_STATE COMPLETED"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
    // The test's own filter (a POST) needs a token too.
    let (_, token) = get(&format!("{}/csrf-token?client=test", server.api_url()));
    let token = json(&token)["token"].as_str().unwrap().to_owned();
    let headers = [
        ("Prefect-Csrf-Token", token.as_str()),
        ("Prefect-Csrf-Client", "test"),
    ];
    let (_, runs) = request(
        "POST",
        &format!("{}/flow_runs/filter", server.api_url()),
        Some("{}"),
        &headers,
    );
    let runs = json(&runs);
    assert_eq!(runs.as_array().unwrap().len(), 1, "{runs}");
    assert_eq!(runs[0]["state_type"], "COMPLETED");
}

/// Runs a script from tests/python with the pinned Python prefect against `server`.
fn python_script(env: &TestEnv, server: &Server, script: &str) -> common::Output {
    let python = python_prefect().parent().unwrap().join("python");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/python")
        .join(script);
    env.program(&python, &[path.to_str().unwrap()])
        .env("PREFECT_API_URL", server.api_url())
        .run()
}

// --------------------------------------------------------------------------------------------- body bound

#[test]
fn the_official_clients_big_log_batches_are_all_stored() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let out = python_script(&env, &server, "big_logs.py").success();
    assert!(
        !out.stderr.contains("Error logging to API"),
        "{}",
        out.stderr
    );
    let flow_run = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("FLOW_RUN_ID "))
        .unwrap_or_else(|| panic!("no flow run id: {}\n{}", out.stdout, out.stderr))
        .to_owned();
    let body =
        format!(r#"{{"logs": {{"flow_run_id": {{"any_": ["{flow_run}"]}}}}, "limit": 200}}"#);
    let (status, text) = post(&format!("{}/logs/filter", server.api_url()), &body);
    assert_eq!(status, 200);
    let big = json(&text)
        .as_array()
        .unwrap()
        .iter()
        .filter(|log| log["message"].as_str().unwrap().len() > 90_000)
        .count();
    assert_eq!(big, 40, "every 90 kB line is stored");
}

#[test]
fn a_body_over_the_bound_gets_413_with_a_json_detail() {
    let env = TestEnv::new();
    let server = Server::start(
        &env,
        &[("PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES", "1000")],
    );
    let api = server.api_url();
    let log = json!({"name": "n", "level": 20, "message": "m".repeat(1500), "timestamp": "2026-01-01T00:00:00Z"});
    let body = json!([log]).to_string();
    let (status, text) = post(&format!("{api}/logs/"), &body);
    assert_eq!(status, 413, "{text}");
    assert_eq!(
        json(&text),
        json!({"detail": "The request body is larger than this server's limit of 1000 bytes \
            (PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES). Send a smaller body, or raise the limit where the server \
            runs: prefect-rs config set PREFECT_RS_SERVER_MAX_REQUEST_BODY_BYTES=<bytes>"})
    );
    let (_, logs) = post(&format!("{api}/logs/filter"), "{}");
    assert_eq!(logs, "[]", "nothing was stored");
    // A body within the bound is fine.
    assert_eq!(
        post(&format!("{api}/flows/"), r#"{"name": "small"}"#).0,
        201
    );
}

// ------------------------------------------------------------------------------------- 404 and 405 bodies

#[test]
fn unknown_routes_and_wrong_methods_answer_with_prefects_json() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let api = server.api_url();
    let base = format!("http://127.0.0.1:{}", server.port);
    for url in [
        format!("{api}/no-such-route"),
        format!("{base}/no-such-route"),
        format!("{base}/"),
    ] {
        let reply = exchange("GET", &url, None, &[]);
        assert_eq!(reply.status, 404, "{url}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.body, r#"{"detail":"Not Found"}"#, "{url}");
    }
    let reply = exchange("PUT", &format!("{api}/flows/filter"), Some(b"{}"), &[]);
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, r#"{"detail":"Method Not Allowed"}"#);
}
