//! `send-notification` and `call-webhook`: the block document they name (read with its secrets through the API,
//! as Prefect's actions read it), the subject, body or payload rendered from the user's templates, and the HTTP
//! request each block sends, built as Prefect's blocks (through Apprise for the chat services) build them:
//!
//! - `slack-webhook`: Apprise's Slack attachment (`title`, `text`, colour and footer), POSTed to the block's URL;
//! - `ms-teams-webhook`: Apprise's Workflows adaptive card;
//! - `discord-webhook`: `{"tts", "wait", "content": "subject\r\nbody"}` to Discord's webhook URL;
//! - `custom-webhook`: the block's own method, URL, params, JSON or form data and headers, with `{{subject}}`,
//!   `{{body}}`, `{{name}}` and its secrets filled in;
//! - `webhook` (call-webhook only): the rendered payload as the request body.
//!
//! Other notification blocks (PagerDuty, Twilio, Opsgenie, Mattermost, SendGrid, …) are refused when the
//! automation is created ([`refusal`]), so an automation never silently fails to notify.

use axum::http::Method;
use serde_json::{Map, Value, json};

use super::ActionContext;
use super::api_client::ApiClient;
use super::events::Outcome;
use super::http::{Outgoing, Reply};
use super::run::{Run, reason_from_response};
use super::templates;
use crate::api::schemas::automations::{Action, CallWebhook, SendNotification};

/// The notification blocks prefect-rs can send.
pub const NOTIFICATION_BLOCKS: &[&str] = &[
    "slack-webhook",
    "ms-teams-webhook",
    "discord-webhook",
    "custom-webhook",
];

/// The webhook block `call-webhook` calls.
pub const WEBHOOK_BLOCK: &str = "webhook";

/// Why `action` cannot run with a block of type `slug`, if it cannot.
pub fn refusal(action: &Action, slug: &str) -> Option<String> {
    match action {
        Action::SendNotification(_) if !NOTIFICATION_BLOCKS.contains(&slug) => Some(format!(
            "prefect-rs cannot send notifications through a block of type '{slug}'; it sends them through {}",
            NOTIFICATION_BLOCKS
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Action::CallWebhook(_) if slug != WEBHOOK_BLOCK => Some(format!(
            "call-webhook needs a block of type '{WEBHOOK_BLOCK}', not '{slug}'"
        )),
        _ => None,
    }
}

/// A block document as the action reads it: its name, type slug and data (secrets included).
struct Block {
    name: String,
    slug: String,
    capabilities: Vec<String>,
    data: Map<String, Value>,
}

async fn load_block(
    api: &mut ApiClient<'_>,
    run: &Run<'_>,
    id: uuid::Uuid,
    what: &str,
    outcome: &mut Outcome,
) -> Result<Block, String> {
    let answer = api
        .get(&format!("/block_documents/{id}?include_secrets=true"))
        .await;
    if !answer.ok() {
        return Err(reason_from_response(run.kind, &answer));
    }
    let body = answer.body;
    let slug = body["block_type"]["slug"].as_str();
    let data = body["data"].as_object();
    let (Some(slug), Some(data)) = (slug, data) else {
        return Err(format!(
            "The {what} block was invalid: it has no block type or data"
        ));
    };
    let block = Block {
        name: body["name"].as_str().unwrap_or_default().to_owned(),
        slug: slug.to_owned(),
        capabilities: body["block_schema"]["capabilities"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        data: data.clone(),
    };
    outcome.relate(
        format!("prefect.block-document.{id}"),
        "block",
        Some(&block.name),
    );
    outcome.relate(
        format!("prefect.block-type.{}", block.slug),
        "block-type",
        None,
    );
    Ok(block)
}

fn text(data: &Map<String, Value>, key: &str) -> Option<String> {
    data.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// `send-notification`.
pub async fn send_notification(
    ctx: &ActionContext,
    api: &mut ApiClient<'_>,
    run: &Run<'_>,
    send: &SendNotification,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let block = load_block(api, run, send.block_document_id, "notification", outcome).await?;
    if !block.capabilities.iter().any(|c| c == "notify")
        && !NOTIFICATION_BLOCKS.contains(&&*block.slug)
    {
        return Err("The referenced block was not a notification block".into());
    }
    let rendered = templates::render(ctx, api, run, &[&send.subject, &send.body], outcome).await?;
    let (subject, body) = (&rendered[0], &rendered[1]);
    let request = match block.slug.as_str() {
        "slack-webhook" => slack(&block.data, subject, body),
        "ms-teams-webhook" => teams(&block.data, subject, body),
        "discord-webhook" => discord(&block.data, subject, body),
        "custom-webhook" => custom(&block.data, subject, body),
        other => Err(format!(
            "prefect-rs cannot send notifications through a block of type '{other}'"
        )),
    };
    let request = request.map_err(|log| {
        outcome
            .details
            .insert("notification_log".into(), json!(log));
        "Notification failed".to_owned()
    })?;
    if block.data.get("allow_private_urls") == Some(&Value::Bool(false)) {
        check_public(&request.url).await.map_err(|log| {
            outcome
                .details
                .insert("notification_log".into(), json!(log));
            "Notification failed".to_owned()
        })?;
    }
    let service = block.slug.clone();
    match ctx.http.send(request).await {
        Ok(reply) if reply.status < 400 => Ok(()),
        Ok(reply) => {
            let log = format!(
                "Failed to send {service} notification: HTTP {}: {}",
                reply.status,
                truncated(&reply.body, 1000)
            );
            outcome
                .details
                .insert("notification_log".into(), json!(log));
            Err("Notification failed".into())
        }
        Err(error) => {
            let log = format!("Failed to send {service} notification: {error}");
            outcome
                .details
                .insert("notification_log".into(), json!(log));
            Err("Notification failed".into())
        }
    }
}

/// `call-webhook`: any answer is a success (its status, body and safe headers go in the event); only a
/// failure to get one fails the action.
pub async fn call_webhook(
    ctx: &ActionContext,
    api: &mut ApiClient<'_>,
    run: &Run<'_>,
    call: &CallWebhook,
    outcome: &mut Outcome,
) -> Result<(), String> {
    let block = load_block(api, run, call.block_document_id, "webhook", outcome).await?;
    if block.slug != WEBHOOK_BLOCK {
        return Err("The referenced block was not a webhook block".into());
    }
    let Some(url) = text(&block.data, "url") else {
        return Err("The webhook block was invalid: it has no url".into());
    };
    let rendered = templates::render(ctx, api, run, &[&call.payload], outcome).await?;
    let method = text(&block.data, "method").unwrap_or_else(|| "POST".into());
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| format!("The webhook block was invalid: method {method:?}"))?;
    let mut headers: Vec<(String, String)> = block
        .data
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    // httpx sends a `content=` string with no content type of its own; so do we.
    headers.push(("accept".into(), "*/*".into()));
    if block.data.get("allow_private_urls") == Some(&Value::Bool(false)) {
        check_public(&url)
            .await
            .map_err(|e| format!("Webhook call failed: {e}"))?;
    }
    let request = Outgoing {
        method,
        url,
        headers,
        body: rendered[0].clone().into_bytes(),
    };
    match ctx.http.send(request).await {
        Ok(reply) => {
            record_reply(outcome, &reply);
            Ok(())
        }
        Err(error) => Err(format!("Webhook call failed: {error}")),
    }
}

/// Headers Prefect keeps out of events (its `should_redact_header`).
fn redacted(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization"
        || name == "cookie"
        || name == "set-cookie"
        || name.contains("api-key")
        || name.contains("token")
        || name.contains("secret")
}

fn record_reply(outcome: &mut Outcome, reply: &Reply) {
    let headers: Map<String, Value> = reply
        .headers
        .iter()
        .filter(|(k, _)| !redacted(k))
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    outcome
        .details
        .insert("status_code".into(), json!(reply.status));
    outcome
        .details
        .insert("response_body".into(), json!(truncated(&reply.body, 1000)));
    outcome
        .details
        .insert("response_headers".into(), Value::Object(headers));
}

fn truncated(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Apprise's colours and icons per `notify_type`.
fn notify_type(data: &Map<String, Value>) -> &'static str {
    match data.get("notify_type").and_then(Value::as_str) {
        Some("success") => "success",
        Some("warning") => "warning",
        Some("failure") => "failure",
        _ => "info",
    }
}

fn apprise_icon(kind: &str, size: &str) -> String {
    format!(
        "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-{kind}-{size}.png"
    )
}

/// Slack's mrkdwn escaping as Apprise applies it: `&`, `<`, `>` escaped, then `<url|text>`, `<!channel>` and
/// `<@user>` links restored.
fn slack_escape(text: &str) -> String {
    let escaped = text
        .replace("\r*\n", "\\n")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let mut out = String::with_capacity(escaped.len());
    let mut rest = escaped.as_str();
    while let Some(start) = rest.find("&lt;") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let link = after.starts_with("http://")
            || after.starts_with("https://")
            || after.starts_with('!')
            || after.starts_with('@');
        match after.find("&gt;").filter(|_| link) {
            Some(end)
                if !after[..end].contains(char::is_whitespace) || after[..end].contains('|') =>
            {
                out.push('<');
                out.push_str(&after[..end].replace("&amp;", "&"));
                out.push('>');
                rest = &after[end + 4..];
            }
            _ => {
                out.push_str("&lt;");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn slack(data: &Map<String, Value>, subject: &str, body: &str) -> Result<Outgoing, String> {
    let url = text(data, "url").ok_or("The Slack webhook block has no url")?;
    let kind = notify_type(data);
    let color = match kind {
        "success" => "#3AA337",
        "warning" => "#CACF29",
        "failure" => "#A32037",
        _ => "#3AA3E3",
    };
    let now = chrono::Utc::now();
    let ts = now.timestamp() as f64 + f64::from(now.timestamp_subsec_micros()) / 1e6;
    let payload = json!({
        "mrkdwn": true,
        "attachments": [{
            "title": slack_escape(subject),
            "text": slack_escape(body),
            "color": color,
            "footer_icon": apprise_icon(kind, "72x72"),
            "footer": "Prefect Notifications",
            "ts": ts,
        }],
        "icon_url": apprise_icon(kind, "72x72"),
    });
    Ok(json_request(
        url,
        payload,
        "application/json; charset=utf-8",
    ))
}

fn teams(data: &Map<String, Value>, subject: &str, body: &str) -> Result<Outgoing, String> {
    let url = text(data, "url").ok_or("The Microsoft Teams webhook block has no url")?;
    let kind = notify_type(data);
    let mut card_body = vec![json!({
        "type": "Image", "url": apprise_icon(kind, "32x32"), "height": "32px", "altText": kind,
    })];
    if !subject.is_empty() {
        card_body.push(json!({
            "type": "TextBlock", "text": subject, "style": "heading", "weight": "Bolder", "size": "Large",
            "id": "title",
        }));
    }
    card_body.push(json!({ "type": "TextBlock", "text": body, "style": "default", "wrap": true, "id": "body" }));
    let payload = json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": card_body,
                "msteams": { "width": "full" },
            },
        }],
    });
    Ok(json_request(url, payload, "application/json"))
}

fn discord(data: &Map<String, Value>, subject: &str, body: &str) -> Result<Outgoing, String> {
    let id = text(data, "webhook_id").ok_or("The Discord webhook block has no webhook_id")?;
    let token =
        text(data, "webhook_token").ok_or("The Discord webhook block has no webhook_token")?;
    let content = if subject.is_empty() {
        body.to_owned()
    } else {
        format!("{subject}\r\n{body}")
    };
    let mut payload = json!({
        "tts": data.get("tts").and_then(Value::as_bool).unwrap_or(false),
        "wait": true,
        "content": content,
    });
    if let Some(name) = text(data, "botname") {
        payload["username"] = json!(name);
    }
    if data.get("avatar").and_then(Value::as_bool) == Some(true) {
        let avatar =
            text(data, "avatar_url").unwrap_or_else(|| apprise_icon(notify_type(data), "256x256"));
        payload["avatar_url"] = json!(avatar);
    }
    let url = format!("https://discord.com/api/webhooks/{id}/{token}");
    Ok(json_request(
        url,
        payload,
        "application/json; charset=utf-8",
    ))
}

fn json_request(url: String, payload: Value, content_type: &str) -> Outgoing {
    Outgoing {
        method: Method::POST,
        url,
        headers: vec![
            ("user-agent".into(), "Prefect Notifications".into()),
            ("accept".into(), "application/json".into()),
            ("content-type".into(), content_type.into()),
        ],
        body: payload.to_string().into_bytes(),
    }
}

/// Prefect's `apply_values`: `{{key}}` placeholders in every nested string; a string that is only one
/// placeholder takes the value itself.
fn apply_values(template: &Value, values: &Map<String, Value>) -> Value {
    match template {
        Value::String(text) => {
            let trimmed = text.trim();
            if let Some(name) = trimmed
                .strip_prefix("{{")
                .and_then(|t| t.strip_suffix("}}"))
                && !name.contains("{{")
                && let Some(value) = values.get(name.trim())
            {
                return value.clone();
            }
            let mut out = text.clone();
            for (key, value) in values {
                let with = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                for pattern in [format!("{{{{{key}}}}}"), format!("{{{{ {key} }}}}")] {
                    out = out.replace(&pattern, &with);
                }
            }
            Value::String(out)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), apply_values(v, values)))
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| apply_values(i, values)).collect())
        }
        other => other.clone(),
    }
}

fn custom(data: &Map<String, Value>, subject: &str, body: &str) -> Result<Outgoing, String> {
    let mut values = data
        .get("secrets")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    values.insert("subject".into(), json!(subject));
    values.insert("body".into(), json!(body));
    values.insert(
        "name".into(),
        data.get("name").cloned().unwrap_or(Value::Null),
    );
    let field = |key: &str| apply_values(data.get(key).unwrap_or(&Value::Null), &values);
    let url = field("url");
    let url = url.as_str().ok_or("The custom webhook block has no url")?;
    let mut url = url::Url::parse(url).map_err(|e| format!("invalid webhook URL: {e}"))?;
    if let Value::Object(params) = field("params") {
        let mut query = url.query_pairs_mut();
        for (k, v) in &params {
            query.append_pair(k, v.as_str().map_or(&v.to_string(), |s| s));
        }
    }
    let method = data.get("method").and_then(Value::as_str).unwrap_or("POST");
    let method =
        Method::from_bytes(method.as_bytes()).map_err(|_| format!("invalid method {method:?}"))?;
    let mut headers = vec![("user-agent".to_owned(), "Prefect Notifications".to_owned())];
    let mut payload = Vec::new();
    let json_data = field("json_data");
    let form_data = field("form_data");
    if !json_data.is_null() && !form_data.is_null() {
        return Err("both `Form Data` and `JSON Data` provided".into());
    }
    match (&json_data, &form_data) {
        (Value::Null, Value::String(raw)) => payload = raw.clone().into_bytes(),
        (Value::Null, Value::Object(form)) => {
            let mut encoded = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in form {
                encoded.append_pair(k, v.as_str().map_or(&v.to_string(), |s| s));
            }
            payload = encoded.finish().into_bytes();
            headers.push((
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
        }
        (Value::Null, _) => {}
        (json, _) => {
            payload = json.to_string().into_bytes();
            headers.push(("content-type".into(), "application/json".into()));
        }
    }
    if let Value::Object(extra) = field("headers") {
        for (k, v) in extra {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(&k));
            headers.push((k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
        }
    }
    if let Value::Object(cookies) = field("cookies")
        && !cookies.is_empty()
    {
        let cookie = cookies
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        headers.push(("cookie".into(), cookie));
    }
    Ok(Outgoing {
        method,
        url: url.to_string(),
        headers,
        body: payload,
    })
}

/// Prefect's `validate_restricted_url`: with `allow_private_urls` off, the URL must not reach a private,
/// loopback or link-local address.
async fn check_public(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("invalid URL: {e}"))?;
    let host = parsed.host_str().ok_or("the URL has no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = parsed.port_or_known_default().unwrap_or(80);
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?;
    for address in addresses {
        let private = match address.ip() {
            std::net::IpAddr::V4(ip) => {
                ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified()
            }
            std::net::IpAddr::V6(ip) => {
                ip.is_loopback()
                    || ip.is_unspecified()
                    || (ip.segments()[0] & 0xfe00) == 0xfc00
                    || (ip.segments()[0] & 0xffc0) == 0xfe80
            }
        };
        if private {
            return Err(format!(
                "{url} resolves to a private address ({})",
                address.ip()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_is_escaped_but_links_survive() {
        assert_eq!(slack_escape("a & b < c"), "a &amp; b &lt; c");
        assert_eq!(
            slack_escape("see <https://x.io/a?b=1&c=2|here> now"),
            "see <https://x.io/a?b=1&c=2|here> now"
        );
    }

    #[test]
    fn custom_webhooks_fill_placeholders() {
        let data = json!({"name": "hook", "url": "http://127.0.0.1:9/{{token}}", "method": "PUT",
                          "json_data": {"text": "{{subject}}: {{body}}", "who": "{{name}}"},
                          "secrets": {"token": "t0k"}});
        let request = custom(data.as_object().unwrap(), "S", "B").unwrap();
        assert_eq!(request.url, "http://127.0.0.1:9/t0k");
        assert_eq!(request.method, Method::PUT);
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body, json!({"text": "S: B", "who": "hook"}));
    }

    /// The bodies Prefect 3.8.8's blocks sent through Apprise for subject "The subject", body "Body\nline 2".
    #[test]
    fn slack_and_teams_get_apprises_payloads() {
        let data = json!({"url": "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX"});
        let request = slack(data.as_object().unwrap(), "The subject", "Body\nline 2").unwrap();
        let mut body: Value = serde_json::from_slice(&request.body).unwrap();
        body["attachments"][0].as_object_mut().unwrap().remove("ts");
        let icon = "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-72x72.png";
        assert_eq!(
            body,
            json!({"mrkdwn": true, "attachments": [{"title": "The subject", "text": "Body\nline 2",
                   "color": "#3AA3E3", "footer_icon": icon, "footer": "Prefect Notifications"}],
                   "icon_url": icon})
        );
        let data = json!({"url": "https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=S"});
        let request = teams(data.as_object().unwrap(), "The subject", "Body\nline 2").unwrap();
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body["attachments"][0]["content"]["body"],
            json!([
                {"type": "Image", "url": "https://github.com/caronc/apprise/raw/master/apprise/assets/themes/default/apprise-info-32x32.png",
                 "height": "32px", "altText": "info"},
                {"type": "TextBlock", "text": "The subject", "style": "heading", "weight": "Bolder", "size": "Large", "id": "title"},
                {"type": "TextBlock", "text": "Body\nline 2", "style": "default", "wrap": true, "id": "body"},
            ])
        );
        assert_eq!(
            body["attachments"][0]["contentType"],
            "application/vnd.microsoft.card.adaptive"
        );
    }

    #[test]
    fn discord_gets_apprises_payload() {
        let data = json!({"webhook_id": "123", "webhook_token": "tok"});
        let request = discord(data.as_object().unwrap(), "The subject", "Body").unwrap();
        assert_eq!(request.url, "https://discord.com/api/webhooks/123/tok");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body,
            json!({"tts": false, "wait": true, "content": "The subject\r\nBody"})
        );
    }
}
