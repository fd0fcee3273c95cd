//! What the actions need, built once when the server starts.

use serde_json::Value;
use tokio::sync::mpsc;

use super::http::HttpClient;

pub struct ActionContext {
    /// Our own API, called in-process as Prefect's actions call theirs through an orchestration client.
    pub api: axum::Router,
    /// `user:password` the API requires (PREFECT_SERVER_API_AUTH_STRING), if any.
    pub auth: Option<String>,
    /// The event sink's queue, for the `prefect.automation.action.*` events.
    pub events: mpsc::Sender<Value>,
    /// For webhooks and notifications.
    pub http: HttpClient,
    /// The UI's base URL for `ui_url` in templates (PREFECT_UI_URL), if one is set.
    pub ui_url: Option<String>,
}

impl ActionContext {
    pub fn new(api: axum::Router, auth: Option<String>, events: mpsc::Sender<Value>) -> Self {
        Self {
            api,
            auth,
            events,
            http: HttpClient::new(),
            ui_url: None,
        }
    }
}
