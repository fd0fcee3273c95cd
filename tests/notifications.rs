//! Notifications end to end: a real flow run entering Failed fires an automation (the triggers service on the
//! event stream), whose `send-notification` and `call-webhook` actions render Prefect's templates and send
//! through Slack, custom-webhook and webhook blocks to a receiver on loopback, with the run's name, its flow's
//! name, the state and its time; the `prefect.automation.action.*` events record each action.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use common::server::{Server, get, request};
use common::{TestEnv, python_prefect};
use serde_json::{Value, json};

/// One request the receiver got.
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
    at: SystemTime,
}

/// A tiny HTTP receiver on 127.0.0.1: answers every request `200 {"ok": true}` and hands it over.
fn receiver() -> (String, mpsc::Receiver<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let mut headers = Vec::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
                if let Some((k, v)) = header.trim_end().split_once(':') {
                    headers.push((k.trim().to_lowercase(), v.trim().to_owned()));
                }
            }
            let length = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let at = SystemTime::now();
            let answer = "{\"ok\": true}";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-api-key: hidden\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{answer}",
                answer.len()
            );
            let body = String::from_utf8_lossy(&body).into_owned();
            let _ = send.send(Received {
                path,
                headers,
                body,
                at,
            });
        }
    });
    (url, receive)
}

fn api(server: &Server, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let url = format!("{}{path}", server.api_url());
    let (status, text) = match body {
        None if method == "GET" => get(&url),
        body => request(method, &url, body.map(|b| b.to_string()).as_deref(), &[]),
    };
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Prefect's default body for a flow-run state notification, as the UI fills it in.
const BODY: &str = "Flow run {{ flow.name }}/{{ flow_run.name }} observed in state `{{ flow_run.state.name }}` at \
{{ flow_run.state.timestamp }}.\nFlow ID: {{ flow_run.flow_id }}\nFlow run ID: {{ flow_run.id }}\nFlow run URL: \
{{ flow_run|ui_url }}\nState message: {{ flow_run.state.message }}";

#[test]
fn a_failed_flow_run_notifies_through_each_block() {
    let env = TestEnv::new();
    let server = Server::start(&env, &[]);
    let (receiver_url, received) = receiver();
    let python = python_prefect().parent().unwrap().join("python");
    let script = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/python")
            .join(name)
            .to_string_lossy()
            .into_owned()
    };
    let saved = env
        .program(&python, &[&script("notification_blocks.py"), &receiver_url])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    let blocks: Vec<&str> = saved.stdout.lines().collect();
    assert_eq!(blocks.len(), 3, "{}", saved.stdout);

    let automation = json!({
        "name": "tell me about failures",
        "trigger": {
            "type": "event",
            "posture": "Reactive",
            "match": {"prefect.resource.id": "prefect.flow-run.*"},
            "expect": ["prefect.flow-run.Failed"],
            "threshold": 1,
            "within": 0,
        },
        "actions": [
            {"type": "send-notification", "block_document_id": blocks[0],
             "subject": "Prefect flow run notification", "body": BODY},
            {"type": "send-notification", "block_document_id": blocks[1],
             "body": "{{ flow_run.name }} is {{ flow_run.state.name }}"},
            {"type": "call-webhook", "block_document_id": blocks[2],
             "payload": "{\"run\": \"{{ flow_run.name }}\", \"event\": \"{{ event.event }}\"}"},
        ],
    });
    let (status, created) = api(&server, "POST", "/automations/", Some(automation));
    assert_eq!(status, 201, "{created}");
    let automation_id = created["id"].as_str().unwrap().to_owned();

    let flow = env
        .program(&python, &[&script("s2_failing_flow.py")])
        .env("PREFECT_API_URL", server.api_url())
        .run()
        .success();
    let run_id = flow
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("FLOW_RUN_ID "))
        .unwrap_or_else(|| panic!("{}", flow.stdout))
        .to_owned();
    let (_, run) = api(&server, "GET", &format!("/flow_runs/{run_id}"), None);
    let run_name = run["name"].as_str().unwrap().to_owned();
    assert_eq!(run["state"]["type"], "FAILED");

    let mut by_path = std::collections::BTreeMap::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while by_path.len() < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = received
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("only {:?} arrived", by_path.keys().collect::<Vec<_>>()));
        by_path.insert(message.path.clone(), message);
    }

    // Slack: Apprise's attachment, the subject as its title, Prefect's default body rendered.
    let slack = &by_path["/slack"];
    let payload: Value = serde_json::from_str(&slack.body).unwrap();
    let attachment = &payload["attachments"][0];
    assert_eq!(attachment["title"], "Prefect flow run notification");
    let text = attachment["text"].as_str().unwrap();
    let failed_at =
        chrono::DateTime::parse_from_rfc3339(run["state"]["timestamp"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
    let python_time = failed_at.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string();
    assert_eq!(
        text,
        format!(
            "Flow run failing-flow/{run_name} observed in state `Failed` at {python_time}.\nFlow ID: {}\n\
             Flow run ID: {run_id}\nFlow run URL: {}/runs/flow-run/{run_id}\nState message: Flow run \
             encountered an exception: RuntimeError: this flow fails on purpose",
            run["flow_id"].as_str().unwrap(),
            server.api_url().trim_end_matches("/api"),
        )
    );
    assert_eq!(payload["mrkdwn"], true);
    assert!(slack.headers.contains(&(
        "content-type".into(),
        "application/json; charset=utf-8".into()
    )));
    let latency = slack
        .at
        .duration_since(SystemTime::from(failed_at))
        .unwrap_or_default();
    eprintln!("failed state → Slack message: {latency:?}");

    // The custom webhook: the block's JSON with subject, body, name and secrets filled in.
    let custom = &by_path["/custom/t0k3n"];
    assert_eq!(
        serde_json::from_str::<Value>(&custom.body).unwrap(),
        json!({"text": format!("Prefect automated notification|{run_name} is Failed"), "from": "custom"})
    );
    assert!(
        custom
            .headers
            .contains(&("user-agent".into(), "Prefect Notifications".into()))
    );

    // The webhook: the rendered payload as the body, with the block's headers.
    let hook = &by_path["/hook"];
    assert_eq!(
        serde_json::from_str::<Value>(&hook.body).unwrap(),
        json!({"run": run_name, "event": "prefect.flow-run.Failed"})
    );
    assert!(
        hook.headers
            .contains(&("authorization".into(), "Bearer s3cret".into()))
    );

    // Each action's `triggered` and `executed` events, the webhook's answer without its secret header.
    let deadline = Instant::now() + Duration::from_secs(10);
    let executed = loop {
        let (_, events) = api(
            &server,
            "POST",
            "/events/filter",
            Some(
                json!({"filter": {"event": {"prefix": ["prefect.automation.action."]},
                                   "resource": {"id": [format!("prefect.automation.{automation_id}")]}},
                        "limit": 50}),
            ),
        );
        let events = events["events"].as_array().cloned().unwrap_or_default();
        let executed: Vec<Value> = events
            .iter()
            .filter(|e| e["event"] == "prefect.automation.action.executed")
            .cloned()
            .collect();
        if executed.len() == 3 || Instant::now() > deadline {
            assert_eq!(
                events
                    .iter()
                    .filter(|e| e["event"] == "prefect.automation.action.triggered")
                    .count(),
                3,
                "{events:?}"
            );
            break executed;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(executed.len(), 3, "{executed:?}");
    let webhook = executed
        .iter()
        .find(|e| e["payload"]["action_type"] == "call-webhook")
        .unwrap();
    assert_eq!(webhook["payload"]["status_code"], 200);
    assert_eq!(webhook["payload"]["response_body"], "{\"ok\": true}");
    assert!(
        webhook["payload"]["response_headers"]
            .get("x-api-key")
            .is_none()
    );
    let related: Vec<&str> = webhook["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["prefect.resource.role"].as_str())
        .collect();
    assert!(
        related.contains(&"block") && related.contains(&"triggering-event"),
        "{related:?}"
    );
}
