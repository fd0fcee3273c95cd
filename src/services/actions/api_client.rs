//! Calls into our own API router, in-process, with the headers Prefect's actions send
//! (`Prefect-Automation-ID`, `Prefect-Automation-Name`), the server's basic auth, and a CSRF token when the
//! server asks for one.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine;
use serde_json::Value;
use tower::ServiceExt;

use super::ActionContext;
use crate::api::schemas::automations::Automation;

/// An answer from the API: its status and JSON body (`null` when it had none).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.status.as_u16() < 300
    }
}

/// The largest answer an action reads (a flow run, a deployment, a block document).
const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// What actions call the API as (the CSRF client id of the executor).
const CSRF_CLIENT: &str = "prefect-rs-automation-actions";

pub struct ApiClient<'a> {
    ctx: &'a ActionContext,
    automation_id: String,
    automation_name: String,
    csrf_token: Option<String>,
}

impl<'a> ApiClient<'a> {
    pub fn new(ctx: &'a ActionContext, automation: &Automation) -> Self {
        Self {
            ctx,
            automation_id: automation.id.to_string(),
            automation_name: base64::engine::general_purpose::STANDARD.encode(&automation.name),
            csrf_token: None,
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&mut self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&mut self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&mut self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// `path` is below `/api` (`/flow_runs/…`).
    pub async fn call(&mut self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let answer = self.send(method.clone(), path, body.as_ref()).await;
        let refused_csrf = answer.status == StatusCode::FORBIDDEN
            && answer.body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("CSRF"));
        if !refused_csrf {
            return answer;
        }
        let token = self
            .send(
                Method::GET,
                &format!("/csrf-token?client={CSRF_CLIENT}"),
                None,
            )
            .await;
        self.csrf_token = token.body["token"].as_str().map(str::to_owned);
        self.send(method, path, body.as_ref()).await
    }

    async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api{path}"))
            .header("prefect-automation-id", &self.automation_id)
            .header("prefect-automation-name", &self.automation_name);
        if let Some(auth) = &self.ctx.auth {
            let encoded = base64::engine::general_purpose::STANDARD.encode(auth);
            request = request.header(header::AUTHORIZATION, format!("Basic {encoded}"));
        }
        if let Some(token) = &self.csrf_token {
            request = request
                .header("prefect-csrf-token", token)
                .header("prefect-csrf-client", CSRF_CLIENT);
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let request = match request.body(body) {
            Ok(request) => request,
            Err(error) => {
                return Answer {
                    status: StatusCode::BAD_REQUEST,
                    body: Value::String(format!("invalid request: {error}")),
                };
            }
        };
        let response = match self.ctx.api.clone().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer { status, body }
    }
}
