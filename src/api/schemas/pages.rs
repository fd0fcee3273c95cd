//! The `/paginate` routes' bodies and Prefect's `*PaginationResponse`: a page of results with the total count.

use serde::{Deserialize, Serialize};

use super::deployments::PageNumber;
use super::fields::LaxInt;
use super::flow_runs::FlowRunCriteria;
use super::flows::FlowCriteria;
use super::task_runs::TaskRunCriteria;

/// Prefect's `FlowPaginationResponse`, `FlowRunPaginationResponse`, `TaskRunPaginationResponse`.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub results: Vec<T>,
    pub count: i64,
    pub limit: i64,
    pub pages: i64,
    pub page: i64,
}

impl<T> Page<T> {
    /// Page `page` of `limit` results out of `count`; a limit of 0 has no pages, as in Prefect.
    pub fn new(results: Vec<T>, count: i64, limit: i64, page: i64) -> Self {
        let pages = if limit > 0 {
            count.saturating_add(limit - 1) / limit
        } else {
            0
        };
        Page {
            results,
            count,
            limit,
            pages,
            page,
        }
    }
}

/// The page asked for (1 when not given) and the offset of its first row.
pub fn page_offset(page: Option<PageNumber>, limit: i64) -> (i64, i64) {
    let page = page.map_or(1, |p| p.0);
    (page, (page - 1).saturating_mul(limit))
}

/// The body of a `/paginate` route: the page (from 1), its size, the sort `S` and the filters `C`.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>, C: Deserialize<'de>"))]
pub struct PaginateBody<S, C> {
    #[serde(default)]
    pub page: Option<PageNumber>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<S>,
    #[serde(flatten)]
    pub criteria: C,
}

/// `POST /flows/paginate` (sorted by name by default).
pub type FlowPaginateBody = PaginateBody<crate::store::flows::Sort, FlowCriteria>;
/// `POST /flow_runs/paginate`.
pub type FlowRunPaginateBody = PaginateBody<crate::store::flow_runs::Sort, FlowRunCriteria>;
/// `POST /task_runs/paginate`.
pub type TaskRunPaginateBody = PaginateBody<crate::store::task_runs::Sort, TaskRunCriteria>;
