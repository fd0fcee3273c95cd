//! Logs: `LogCreate`, the filter body, and the `Log` response.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{DateTime, LaxInt, LogLevel, Uuid};
use crate::store::filter::Criteria;
use crate::store::logs::{Log as StoredLog, NewLog};

/// Prefect's `LogCreate`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogCreate {
    pub name: String,
    pub level: LogLevel,
    pub message: String,
    pub timestamp: DateTime,
    #[serde(default)]
    pub flow_run_id: Option<Uuid>,
    #[serde(default)]
    pub task_run_id: Option<Uuid>,
}

impl LogCreate {
    /// The log to store. NUL characters are dropped: PostgreSQL's text cannot hold them.
    pub fn into_new(self) -> NewLog {
        NewLog {
            name: self.name.replace('\0', ""),
            level: self.level.0,
            message: self.message.replace('\0', ""),
            timestamp: self.timestamp.0,
            flow_run_id: self.flow_run_id.map(|id| id.0),
            task_run_id: self.task_run_id.map(|id| id.0),
        }
    }
}

/// The body of `POST /logs/filter`.
#[derive(Debug, Deserialize)]
pub struct LogFilterBody {
    #[serde(default)]
    pub offset: Option<LaxInt>,
    #[serde(default)]
    pub limit: Option<LaxInt>,
    #[serde(default)]
    pub sort: Option<crate::store::logs::Sort>,
    #[serde(default)]
    pub logs: Option<Value>,
}

impl LogFilterBody {
    pub fn criteria(&self) -> Criteria {
        Criteria {
            logs: self.logs.clone(),
            ..Criteria::default()
        }
    }
}

/// Prefect's `Log`.
#[derive(Debug, Serialize)]
pub struct Log {
    pub id: String,
    pub created: String,
    pub updated: String,
    pub name: String,
    pub level: i32,
    pub message: String,
    pub timestamp: String,
    pub flow_run_id: Option<String>,
    pub task_run_id: Option<String>,
}

impl From<&StoredLog> for Log {
    fn from(log: &StoredLog) -> Self {
        Log {
            id: log.id.to_string(),
            created: log.created.rfc3339(),
            updated: log.updated.rfc3339(),
            name: log.name.clone(),
            level: log.level,
            message: log.message.clone(),
            timestamp: log.timestamp.rfc3339(),
            flow_run_id: log.flow_run_id.map(|i| i.to_string()),
            task_run_id: log.task_run_id.map(|i| i.to_string()),
        }
    }
}
