//! The events HTTP API (Prefect's prefect/server/api/events.py): `POST /events` stores a batch through the event
//! sink (as `/events/in` does), `POST /events/filter` answers a page of an `EventFilter` with its total and a
//! link to the next page, `GET /events/filter/next` follows that link, and `POST /events/count-by/{countable}`
//! counts events by time bucket, event name or resource.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::schemas::events::{
    CountBody, Countable, Event, EventCount, EventFilter, EventPage, FilterBody, PAGE_SIZE,
    TimeUnit,
};
use super::{ApiError, ApiResult, Body, Shared};
use crate::store::event_queries::{self as queries, PIVOT_EPOCH};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/events", post(create_events))
        .route("/events/filter", post(read_events))
        .route("/events/filter/next", get(read_next_page))
        .route("/events/count-by/{countable}", post(count_events))
}

/// Prefect's count-by refuses more buckets than this.
const MAX_BUCKETS: i64 = 1000;
/// A page token longer than this is not one we made (a filter is a few kilobytes at most).
const MAX_TOKEN_BYTES: usize = 64 * 1024;

async fn create_events(State(state): State<Shared>, Body(events): Body<Vec<Event>>) -> StatusCode {
    for event in events {
        super::events::receive(&state, event.into_json()).await;
    }
    StatusCode::NO_CONTENT
}

async fn read_events(
    State(state): State<Shared>,
    headers: HeaderMap,
    Body(body): Body<FilterBody>,
) -> ApiResult<Json<EventPage>> {
    let limit = body.limit.0;
    let filter = body.filter.unwrap_or_default();
    let total = queries::count(&state.db, &filter).await?;
    let events = queries::read(&state.db, &filter, limit, 0).await?;
    let token = Token {
        filter,
        count: total,
        page_size: limit,
        offset: limit,
    };
    Ok(Json(EventPage {
        events,
        total,
        next_page: next_link(&headers, token),
    }))
}

/// Prefect's page token: the filter, the total it had, the page size and the next page's offset, as JSON in
/// base64 (and that base64 again in the link's query).
#[derive(Deserialize, Serialize)]
struct Token {
    filter: EventFilter,
    count: i64,
    page_size: i64,
    offset: i64,
}

/// The next page's link, or none when this page reached the total.
fn next_link(headers: &HeaderMap, token: Token) -> Option<String> {
    if token.offset >= token.count {
        return None;
    }
    let inner = BASE64.encode(serde_json::to_vec(&token).ok()?);
    let outer = BASE64.encode(inner);
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let encoded: String = url_encode(&outer);
    Some(format!(
        "http://{host}/api/events/filter/next?page-token={encoded}"
    ))
}

/// Base64's `+`, `/` and `=` escaped for a query string.
fn url_encode(text: &str) -> String {
    text.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(rename = "page-token")]
    page_token: Option<String>,
}

async fn read_next_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<NextQuery>,
) -> ApiResult<Json<EventPage>> {
    let Some(given) = query.page_token else {
        return Err(ApiError::validation(
            &json!(["query", "page-token"]),
            "Field required",
            "missing",
            &Value::Null,
        ));
    };
    let token = decode_token(&given).ok_or_else(forbidden)?;
    let events = queries::read(&state.db, &token.filter, token.page_size, token.offset).await?;
    let next = Token {
        offset: token.offset + token.page_size,
        ..token
    };
    let total = next.count;
    Ok(Json(EventPage {
        events,
        total,
        next_page: next_link(&headers, next),
    }))
}

/// A token we could have made: two layers of base64 around a valid filter, a page size within Prefect's page
/// size (a forged token could otherwise ask for every event at once) and a non-negative offset.
fn decode_token(given: &str) -> Option<Token> {
    if given.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let inner = BASE64.decode(given.trim()).ok()?;
    let json = BASE64.decode(&inner).ok()?;
    let token: Token = serde_json::from_slice(&json).ok()?;
    let sane = (1..=PAGE_SIZE).contains(&token.page_size) && token.offset >= 0 && token.count >= 0;
    sane.then_some(token)
}

fn forbidden() -> ApiError {
    ApiError {
        status: StatusCode::FORBIDDEN,
        body: json!({ "detail": "Forbidden" }),
    }
}

async fn count_events(
    State(state): State<Shared>,
    Path(countable): Path<String>,
    Body(body): Body<Value>,
) -> ApiResult<Json<Vec<EventCount>>> {
    let countable: Countable =
        serde_json::from_value(Value::String(countable.clone())).map_err(|_| {
            ApiError::unprocessable(
                json!([{
                    "type": "enum",
                    "loc": ["path", "countable"],
                    "msg": "Input should be 'day', 'time', 'event' or 'resource'",
                    "input": countable,
                    "ctx": { "expected": "'day', 'time', 'event' or 'resource'" },
                }]),
                body.clone(),
            )
        })?;
    let body: CountBody =
        super::schemas::from_body(&serde_json::to_vec(&body).unwrap_or_default())?;
    let interval = body.time_interval.0;
    let filter = body.filter;
    let (unit, interval) = match countable {
        Countable::Day => (TimeUnit::Day, 1.0),
        _ => (body.time_unit, interval),
    };
    // The buckets are checked for every countable, as Prefect does.
    let spans = Spans::new(&filter, unit, interval).map_err(unprocessable)?;
    let counts = match countable {
        Countable::Day | Countable::Time => {
            let buckets =
                queries::count_by_bucket(&state.db, &filter, spans.delta_seconds()).await?;
            spans.counts(&buckets)
        }
        Countable::Event | Countable::Resource => {
            let by_resource = countable == Countable::Resource;
            queries::count_by_value(&state.db, &filter, by_resource)
                .await?
                .into_iter()
                .map(|g| EventCount {
                    value: g.value,
                    label: g.label,
                    count: g.count,
                    start_time: pydantic_time(g.oldest.0),
                    end_time: pydantic_time(g.latest.0),
                })
                .collect()
        }
    };
    Ok(Json(counts))
}

fn unprocessable(detail: String) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: json!({ "detail": detail }),
    }
}

/// The time buckets of a count: `delta`-long spans from Prefect's pivot, from the one holding `since` up to
/// `until` (or the end of the current unit when `until` is in the future).
struct Spans {
    delta_micros: i64,
    first_index: i64,
    starts: Vec<DateTime<Utc>>,
}

impl Spans {
    fn new(filter: &EventFilter, unit: TimeUnit, interval: f64) -> Result<Spans, String> {
        let delta_micros = (unit.seconds() * interval * 1e6).round();
        if !(1.0..9e15).contains(&delta_micros) {
            return Err("The given interval is out of range".into());
        }
        let delta_micros = delta_micros as i64;
        let since = filter.occurred.since.0.0;
        let until = filter.occurred.until.0.0;
        let span = micros_between(since, until);
        let buckets = span.div_euclid(delta_micros) + i64::from(span.rem_euclid(delta_micros) != 0);
        if buckets > MAX_BUCKETS {
            return Err(format!(
                "The given interval would create {buckets} buckets, which is too many. Please increase the \
                 interval or reduce the time range to produce {MAX_BUCKETS} buckets or fewer."
            ));
        }
        let now = Utc::now();
        let end = if until > now {
            end_of_period(now, unit)
        } else {
            until
        };
        let pivot = Utc
            .timestamp_opt(PIVOT_EPOCH, 0)
            .single()
            .unwrap_or_default();
        let first_index = micros_between(pivot, since).div_euclid(delta_micros);
        let mut starts = Vec::new();
        let mut start = first_index
            .checked_mul(delta_micros)
            .and_then(|offset| pivot.checked_add_signed(Duration::microseconds(offset)));
        while let Some(s) = start.filter(|s| *s < end) {
            // Bounded: the range holds at most MAX_BUCKETS spans, plus those up to the end of the current unit.
            if starts.len() as i64 > MAX_BUCKETS * 8 {
                break;
            }
            starts.push(s);
            start = s.checked_add_signed(Duration::microseconds(delta_micros));
        }
        Ok(Spans {
            delta_micros,
            first_index,
            starts,
        })
    }

    fn delta_seconds(&self) -> f64 {
        self.delta_micros as f64 / 1e6
    }

    /// Every span with its count (zero for spans without events).
    fn counts(&self, buckets: &[(i64, i64)]) -> Vec<EventCount> {
        let delta = Duration::microseconds(self.delta_micros);
        let mut counts: Vec<EventCount> = self
            .starts
            .iter()
            .enumerate()
            .map(|(i, start)| EventCount {
                value: i.to_string(),
                label: isoformat(*start),
                count: 0,
                start_time: pydantic_time(*start),
                end_time: pydantic_time(*start + delta - Duration::microseconds(1)),
            })
            .collect();
        for (bucket, count) in buckets {
            let index = bucket - self.first_index;
            if let Some(slot) = usize::try_from(index).ok().and_then(|i| counts.get_mut(i)) {
                slot.count = *count;
            }
        }
        counts
    }
}

fn micros_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_microseconds().unwrap_or(i64::MAX)
}

/// A UTC time as pydantic writes it: microseconds only when there are some.
fn pydantic_time(time: DateTime<Utc>) -> String {
    if time.timestamp_subsec_micros() == 0 {
        time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        time.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    }
}

/// Python's `datetime.isoformat()` of a UTC time: microseconds only when there are some.
fn isoformat(time: DateTime<Utc>) -> String {
    if time.timestamp_subsec_micros() == 0 {
        time.format("%Y-%m-%dT%H:%M:%S+00:00").to_string()
    } else {
        time.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
    }
}

/// The last microsecond of the `unit` holding `time` (weeks end on Sunday).
fn end_of_period(time: DateTime<Utc>, unit: TimeUnit) -> DateTime<Utc> {
    let last = |t: Option<DateTime<Utc>>| t.unwrap_or(time);
    let micro = Duration::microseconds(999_999);
    let floor_second = last(time.with_nanosecond(0));
    match unit {
        TimeUnit::Second => floor_second + micro,
        TimeUnit::Minute => last(floor_second.with_second(59)) + micro,
        TimeUnit::Hour => {
            last(floor_second.with_minute(59).and_then(|t| t.with_second(59))) + micro
        }
        TimeUnit::Day | TimeUnit::Week => {
            let days = if unit == TimeUnit::Week {
                6 - i64::from(time.weekday().num_days_from_monday())
            } else {
                0
            };
            let day_end = last(
                floor_second
                    .with_hour(23)
                    .and_then(|t| t.with_minute(59))
                    .and_then(|t| t.with_second(59)),
            );
            day_end + Duration::days(days) + micro
        }
    }
}
