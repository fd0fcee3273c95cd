//! JSON calls to a running server's API: the status and the parsed answer (`null` for an empty body).

use serde_json::Value;

use super::server::{Server, get, request};

pub fn call(server: &Server, method: &str, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = if method == "GET" {
        get(&url)
    } else {
        request(method, &url, Some(&body.to_string()), &[])
    };
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, value)
}

/// `call`, asserting the status.
#[track_caller]
pub fn expect(server: &Server, method: &str, path: &str, body: Value, status: u16) -> Value {
    let (got, answer) = call(server, method, path, body);
    assert_eq!(got, status, "{method} {path}: {answer}");
    answer
}
