//! Serving the prepared bundles: files with their MIME type, ETag and Last-Modified (a revalidation answers
//! 304), `index.html` for a browser's navigation to any other path of a bundle (the UIs route in the browser),
//! `/` sent to the browser's UI (its `prefect_ui_version` cookie, else the default), and `/ui-settings`.
//! Nothing here needs credentials, as in Prefect: the UI asks for them on its login page and sends them to the
//! API, which checks them.

use std::path::{Component, Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::{Site, Version, bases};
use crate::api::Shared;

const UI_VERSION_COOKIE: &str = "prefect_ui_version";

/// `GET /ui-settings` at V1's base. Bundles are matched by the router's fallback (see `serve`).
pub fn routes(site: &Site) -> Router<Shared> {
    Router::new().route(&site.settings_path, get(ui_settings))
}

async fn ui_settings(State(state): State<Shared>) -> Json<serde_json::Value> {
    let site = &state.ui;
    Json(json!({
        "api_url": site.api_url,
        "csrf_enabled": site.csrf_enabled,
        "auth": site.basic_auth.then_some("BASIC"),
        "flags": [],
        "default_ui": site.default_ui.name(),
        "available_uis": site.available().iter().map(|v| v.name()).collect::<Vec<_>>(),
        "v1_base_url": site.serves(Version::V1).then_some(&site.v1_base),
        "v2_base_url": site.serves(Version::V2).then_some(&site.v2_base),
    }))
}

/// Everything outside `/api`: a bundle's file, its `index.html`, a redirect, or Prefect's JSON 404.
pub async fn serve(State(state): State<Shared>, request: Request) -> Response {
    let site = &state.ui;
    let uri = request.uri().clone();
    let path = uri.path();
    let headers = request.headers();
    let navigation = is_html_navigation(request.method(), headers);
    if navigation
        && !path.ends_with("/ui-settings")
        && let Some(target) = preferred_ui_redirect(site, path, headers)
    {
        return temporary_redirect(&with_query(&target, &uri));
    }
    let Some((mount, relative)) = site
        .mounted
        .iter()
        .find_map(|m| bases::relative(path, &m.base).map(|r| (m, r)))
    else {
        return not_found();
    };
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            Json(json!({ "detail": "Method Not Allowed" })),
        )
            .into_response();
    }
    // The bare base is not inside the bundle: its pages' relative links need the slash.
    if mount.base != "/" && path == mount.base {
        return temporary_redirect(&with_query(&format!("{path}/"), &uri));
    }
    match bundle_file(&mount.dir, relative) {
        Some(file) => send_file(&file, headers).await,
        None if navigation => send_file(&mount.dir.join("index.html"), headers).await,
        None => not_found(),
    }
}

/// Where a browser's navigation belongs when it asks for another UI than its own: only V1's root (the neutral
/// entry point) and V2 paths while V2 is not served are sent elsewhere.
fn preferred_ui_redirect(site: &Site, path: &str, headers: &HeaderMap) -> Option<String> {
    if site.mounted.is_empty() {
        return None;
    }
    let (requested, relative) = if let Some(r) = bases::relative(path, &site.v2_base) {
        (Version::V2, r)
    } else {
        (Version::V1, bases::relative(path, &site.v1_base)?)
    };
    match requested {
        Version::V2 if site.serves(Version::V2) => return None,
        Version::V1 if relative != "/" => return None,
        _ => {}
    }
    let preferred = cookie(headers, UI_VERSION_COOKIE)
        .and_then(|v| match v {
            "v1" => Some(Version::V1),
            "v2" => Some(Version::V2),
            _ => None,
        })
        .filter(|v| site.serves(*v))
        .unwrap_or(site.default_ui);
    if preferred == requested || !site.serves(preferred) {
        return None;
    }
    let base = if preferred == Version::V2 {
        &site.v2_base
    } else {
        &site.v1_base
    };
    Some(bases::build(base, relative))
}

fn is_html_navigation(method: &Method, headers: &HeaderMap) -> bool {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return false;
    }
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase()
    };
    text("sec-fetch-mode") == "navigate"
        || matches!(text("sec-fetch-dest").as_str(), "document" | "iframe")
        || text("accept").contains("text/html")
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value.trim_matches('"'))
        })
}

/// The file a relative URL path names inside `dir` (a directory's `index.html`), never outside it.
fn bundle_file(dir: &Path, relative: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(relative)
        .decode_utf8()
        .ok()?;
    let mut file = dir.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

async fn send_file(path: &Path, request_headers: &HeaderMap) -> Response {
    let Ok(metadata) = tokio::fs::metadata(path).await else {
        return not_found();
    };
    let modified: Option<chrono::DateTime<chrono::Utc>> = metadata.modified().ok().map(Into::into);
    let etag = format!(
        "\"{:x}-{:x}\"",
        modified.map(|m| m.timestamp_micros()).unwrap_or_default(),
        metadata.len()
    );
    let last_modified = modified.map(|m| m.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(mime_type(path)),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = last_modified
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if not_modified(request_headers, &etag, modified) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    match tokio::fs::read(path).await {
        Ok(body) => (headers, body).into_response(),
        Err(_) => not_found(),
    }
}

/// `If-None-Match` decides when present (as in RFC 9110); else `If-Modified-Since`.
fn not_modified(
    headers: &HeaderMap,
    etag: &str,
    modified: Option<chrono::DateTime<chrono::Utc>>,
) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*");
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    match (since, modified) {
        (Some(since), Some(modified)) => modified.timestamp() <= since.timestamp(),
        _ => false,
    }
}

fn mime_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/vnd.microsoft.icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

fn with_query(path: &str, uri: &Uri) -> String {
    match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    }
}

fn temporary_redirect(location: &str) -> Response {
    Redirect::temporary(location).into_response()
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "detail": "Not Found" })),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_outside_the_bundle_are_not_reachable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("index.html"), "i").unwrap();
        std::fs::write(dir.path().join("assets/a.js"), "a").unwrap();
        assert_eq!(
            bundle_file(dir.path(), "/"),
            Some(dir.path().join("index.html"))
        );
        assert_eq!(
            bundle_file(dir.path(), "/assets/a.js"),
            Some(dir.path().join("assets/a.js"))
        );
        assert_eq!(
            bundle_file(dir.path(), "/assets/%61.js"),
            Some(dir.path().join("assets/a.js"))
        );
        assert_eq!(bundle_file(dir.path(), "/../etc/passwd"), None);
        assert_eq!(bundle_file(dir.path(), "/assets/%2e%2e/%2e%2e/x"), None);
        assert_eq!(bundle_file(dir.path(), "/runs/flow-run/1"), None);
    }

    #[test]
    fn the_ui_version_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; prefect_ui_version=v1"),
        );
        assert_eq!(cookie(&headers, UI_VERSION_COOKIE), Some("v1"));
        assert_eq!(cookie(&HeaderMap::new(), UI_VERSION_COOKIE), None);
    }
}
