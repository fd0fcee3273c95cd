//! `GET /flow_runs/{id}/logs/download`: every log of a flow run as CSV, oldest first, streamed a page at a time
//! as Prefect streams it (Python's `csv` module: minimal quoting, `\r\n` line ends, `str()` of each value).

use axum::Router;
use axum::body::Body as ResponseBody;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::json;

use super::common::path_id;
use super::{ApiError, ApiResult, Shared};
use crate::db::types::{Id, Timestamp};
use crate::store::filter::Criteria;
use crate::store::{flow_runs, logs};

/// What Python's `urllib.parse.quote(…, safe="")` leaves as it is: letters, digits and `_.-~`.
const QUOTED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~');

/// Logs read per page (Prefect's `FLOW_RUN_LOGS_DOWNLOAD_PAGE_LIMIT`).
const PAGE: i64 = 1000;

pub fn routes() -> Router<Shared> {
    Router::new().route("/flow_runs/{id}/logs/download", get(download))
}

/// One CSV field as Python's `csv.writer` writes it: quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Python's `str()` of an aware UTC datetime: `2026-12-01 20:40:01.066538+00:00`, no fraction when it is zero.
fn python_time(t: Timestamp) -> String {
    let fraction = t.0.timestamp_subsec_micros();
    if fraction == 0 {
        t.0.format("%Y-%m-%d %H:%M:%S+00:00").to_string()
    } else {
        t.0.format("%Y-%m-%d %H:%M:%S%.6f+00:00").to_string()
    }
}

fn row(log: &logs::Log) -> String {
    let id = |i: Option<Id>| i.map(|i| i.to_string()).unwrap_or_default();
    format!(
        "{},{},{},{},{}\r\n",
        python_time(log.timestamp),
        log.level,
        id(log.flow_run_id),
        id(log.task_run_id),
        field(&log.message)
    )
}

/// Which page comes next, or that the download is over.
enum Next {
    Header,
    Page(i64),
    Done,
}

async fn download(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let run = flow_runs::get(&state.db, id)
        .await?
        .ok_or_else(|| ApiError::not_found_plain("Flow run not found"))?;
    let filename = utf8_percent_encode(&format!("{}-logs.csv", run.name), QUOTED).to_string();
    let criteria = Criteria {
        logs: Some(json!({ "flow_run_id": { "any_": [id.to_string()] } })),
        ..Criteria::default()
    };
    let pages = stream::unfold(Next::Header, move |next| {
        let state = state.clone();
        let criteria = criteria.clone();
        async move {
            let offset = match next {
                Next::Header => {
                    let header = "timestamp,level,flow_run_id,task_run_id,message\r\n".to_owned();
                    return Some((Ok::<_, std::io::Error>(header), Next::Page(0)));
                }
                Next::Page(offset) => offset,
                Next::Done => return None,
            };
            match logs::filter(&state.db, &criteria, logs::Sort::TimestampAsc, PAGE, offset).await {
                Ok(page) if page.is_empty() => None,
                Ok(page) => {
                    let text: String = page.iter().map(row).collect();
                    Some((Ok(text), Next::Page(offset + PAGE)))
                }
                // The status line is sent already: the download ends short, and the cause is logged.
                Err(error) => {
                    crate::log::log!("logs download of flow run {id} stopped: {error}");
                    Some((Err(std::io::Error::other("log read failed")), Next::Done))
                }
            }
        }
    });
    let disposition =
        format!("attachment; filename=\"flow-run-logs.csv\"; filename*=UTF-8''{filename}");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        ResponseBody::from_stream(pages),
    )
        .into_response())
}
