//! CORS as Prefect's server answers it (Starlette's CORSMiddleware configured from
//! PREFECT_SERVER_API_CORS_ALLOWED_ORIGINS, _METHODS and _HEADERS, each `*` by default): preflights get `OK` or
//! a 400 naming what is disallowed; other responses get `Access-Control-Allow-Origin` only when the request has
//! an `Origin` that is allowed.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Shared;

/// What `*` means for methods, in Starlette's order.
const ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];
/// Headers a browser may always send; always listed as allowed.
const SAFELISTED_HEADERS: [&str; 4] = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
];
const MAX_AGE_SECONDS: &str = "600";

#[derive(Clone, Debug)]
pub struct Cors {
    /// `None` is `*`.
    origins: Option<Vec<String>>,
    methods: Vec<String>,
    /// `None` is `*`; otherwise the safelisted and configured headers, sorted as Prefect lists them.
    headers: Option<Vec<String>>,
}

impl Cors {
    /// From the three comma-separated settings. Unlike Prefect, items are trimmed: `GET, POST` allows POST.
    pub fn new(origins: &str, methods: &str, headers: &str) -> Self {
        let list = |text: &str| -> Vec<String> {
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let origins = list(origins);
        let methods = list(methods);
        let headers = list(headers);
        let methods = if methods.iter().any(|m| m == "*") {
            ALL_METHODS.map(str::to_owned).to_vec()
        } else {
            methods
        };
        let headers = (!headers.iter().any(|h| h == "*")).then(|| {
            let mut all: Vec<String> = SAFELISTED_HEADERS.map(str::to_owned).to_vec();
            all.extend(headers);
            all.sort();
            all.dedup();
            all
        });
        Self {
            origins: (!origins.iter().any(|o| o == "*")).then_some(origins),
            methods,
            headers,
        }
    }

    fn allows_origin(&self, origin: &str) -> bool {
        self.origins
            .as_ref()
            .is_none_or(|origins| origins.iter().any(|o| o == origin))
    }

    fn preflight(&self, request: &HeaderMap, origin: &str) -> Response {
        let mut failures = Vec::new();
        let mut headers = HeaderMap::new();
        set(
            &mut headers,
            header::VARY,
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
             Access-Control-Request-Private-Network",
        );
        match &self.origins {
            None => set(&mut headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            Some(_) if self.allows_origin(origin) => {
                set(&mut headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
            }
            Some(_) => failures.push("origin"),
        }
        set(
            &mut headers,
            header::ACCESS_CONTROL_ALLOW_METHODS,
            &self.methods.join(", "),
        );
        set(
            &mut headers,
            header::ACCESS_CONTROL_MAX_AGE,
            MAX_AGE_SECONDS,
        );
        let method = text(request, "access-control-request-method");
        if !self.methods.contains(&method) {
            failures.push("method");
        }
        let requested = request
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .map(|_| text(request, "access-control-request-headers"));
        match (&self.headers, requested) {
            (None, Some(requested)) => set(
                &mut headers,
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                &requested,
            ),
            (None, None) => {}
            (Some(allowed), requested) => {
                set(
                    &mut headers,
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    &allowed.join(", "),
                );
                let refused = requested.is_some_and(|requested| {
                    requested.split(',').any(|h| {
                        let h = h.trim().to_ascii_lowercase();
                        !allowed.iter().any(|a| a.to_ascii_lowercase() == h)
                    })
                });
                if refused {
                    failures.push("headers");
                }
            }
        }
        if request.contains_key("access-control-request-private-network") {
            failures.push("private-network");
        }
        let (status, body) = if failures.is_empty() {
            (StatusCode::OK, "OK".to_owned())
        } else {
            (
                StatusCode::BAD_REQUEST,
                format!("Disallowed CORS {}", failures.join(", ")),
            )
        };
        (status, headers, body).into_response()
    }

    /// Adds the headers of a non-preflight response.
    fn decorate(&self, origin: Option<&str>, response: &mut Response) {
        let headers = response.headers_mut();
        match (origin, &self.origins) {
            (Some(_), None) => set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (Some(origin), Some(_)) if self.allows_origin(origin) => {
                set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin)
            }
            _ => {}
        }
        // As Starlette: every response varies by Origin, with or without one.
        let vary: Vec<String> = headers
            .get_all(header::VARY)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .chain(["Origin".to_owned()])
            .collect();
        set(headers, header::VARY, &vary.join(", "));
    }
}

fn text(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(name)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

pub async fn cors(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let cors = &state.http.cors;
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if let Some(origin) = &origin
        && request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
    {
        return cors.preflight(request.headers(), origin);
    }
    let mut response = next.run(request).await;
    cors.decorate(origin.as_deref(), &mut response);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_means_everything_and_lists_are_trimmed() {
        let all = Cors::new("*", "*", "*");
        assert!(all.origins.is_none() && all.headers.is_none());
        assert_eq!(all.methods.len(), 8);
        let some = Cors::new("http://a, http://b", "GET, POST", "x-one");
        assert!(some.allows_origin("http://b") && !some.allows_origin("http://c"));
        assert_eq!(some.methods, ["GET", "POST"]);
        assert_eq!(
            some.headers.unwrap(),
            [
                "Accept",
                "Accept-Language",
                "Content-Language",
                "Content-Type",
                "x-one"
            ]
        );
    }
}
