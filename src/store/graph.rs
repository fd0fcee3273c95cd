//! A flow run's graphs: V1 (`GET /flow_runs/{id}/graph`: each task run with its upstream inputs) and V2
//! (`/graph-v2`: task runs and subflow runs as nodes, with parent, child and encapsulating edges from the task
//! inputs, the run's artifacts and states), built as Prefect's `flow_run_graph_v2` query builds them: the edges
//! are joined here in memory, over at most `max_nodes + 1` task runs' rows.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{JsonValue, on_db};
use crate::db::Db;
use crate::db::types::{Id, Timestamp};

/// PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES and _MAX_ARTIFACTS (10,000 each by default).
#[derive(Clone, Copy, Debug)]
pub struct GraphLimits {
    pub max_nodes: usize,
    pub max_artifacts: i64,
}

impl Default for GraphLimits {
    fn default() -> Self {
        GraphLimits {
            max_nodes: 10_000,
            max_artifacts: 10_000,
        }
    }
}

impl GraphLimits {
    pub fn from_settings(settings: &crate::settings::Settings) -> Self {
        let defaults = Self::default();
        let number = |name: &str| {
            settings
                .get(name)
                .and_then(|r| r.value.trim().parse::<i64>().ok())
        };
        GraphLimits {
            max_nodes: number("PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_NODES")
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(defaults.max_nodes),
            max_artifacts: number("PREFECT_SERVER_FLOW_RUN_GRAPH_MAX_ARTIFACTS")
                .filter(|n| *n >= 0)
                .unwrap_or(defaults.max_artifacts),
        }
    }
}

/// A task run of the graph's flow run, with the subflow run it stands for, if any.
#[derive(sqlx::FromRow)]
struct Row {
    task_run_id: Id,
    task_name: String,
    task_state_type: Option<String>,
    task_start_time: Option<Timestamp>,
    task_expected_start_time: Option<Timestamp>,
    task_end_time: Option<Timestamp>,
    task_inputs: JsonValue,
    sub_id: Option<Id>,
    sub_name: Option<String>,
    flow_name: Option<String>,
    sub_state_type: Option<String>,
    sub_start_time: Option<Timestamp>,
    sub_expected_start_time: Option<Timestamp>,
    sub_end_time: Option<Timestamp>,
}

/// One node of the V2 graph.
pub struct Node {
    pub kind: &'static str,
    pub id: Id,
    pub label: String,
    pub state_type: Option<String>,
    pub start_time: Timestamp,
    pub end_time: Option<Timestamp>,
    pub parents: Vec<Id>,
    pub children: Vec<Id>,
    pub encapsulating: Vec<Id>,
}

/// An artifact of the flow run (results excluded); `task_run_id` says which node it hangs on.
#[derive(sqlx::FromRow)]
pub struct Artifact {
    pub id: Id,
    pub created: Timestamp,
    pub key: Option<String>,
    #[sqlx(rename = "type")]
    pub kind: Option<String>,
    pub data: Option<JsonValue>,
    pub task_run_id: Option<Id>,
    pub is_latest: bool,
}

#[derive(sqlx::FromRow)]
pub struct GraphState {
    pub id: Id,
    pub timestamp: Timestamp,
    #[sqlx(rename = "type")]
    pub kind: String,
    pub name: String,
}

pub struct Graph {
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub nodes: Vec<Node>,
    pub artifacts: Vec<Artifact>,
    pub states: Vec<GraphState>,
}

/// Why there is no graph to answer.
pub enum GraphError {
    NotFound,
    TooLarge,
    Database(sqlx::Error),
}

impl From<sqlx::Error> for GraphError {
    fn from(e: sqlx::Error) -> Self {
        GraphError::Database(e)
    }
}

/// One edge row, as Prefect's `edges` CTE has it: a node and one of its inputs' upstream runs.
struct EdgeRow {
    node: usize,
    parent: Option<Id>,
    encapsulating: bool,
}

/// The upstream run ids of one task run's inputs: (`__parents__` or not, the id) per argument; a task with no
/// input arguments has one row with neither.
fn input_edges(inputs: &Value) -> Vec<(bool, Option<Id>)> {
    let mut rows = Vec::new();
    if let Some(inputs) = inputs.as_object() {
        for (key, arguments) in inputs {
            for argument in arguments.as_array().into_iter().flatten() {
                let id = argument
                    .get("id")
                    .and_then(Value::as_str)
                    .and_then(|s| uuid::Uuid::parse_str(s).ok())
                    .map(Id);
                rows.push((key == "__parents__", id));
            }
        }
    }
    if rows.is_empty() {
        rows.push((false, None));
    }
    rows
}

pub async fn v2(
    db: &Db,
    flow_run_id: Id,
    since: Timestamp,
    limits: GraphLimits,
) -> Result<Graph, GraphError> {
    let run: Option<(Option<Timestamp>, Option<Timestamp>, Option<Timestamp>)> = on_db!(db, pool => sqlx::query_as(
        "SELECT start_time, expected_start_time, end_time FROM flow_run WHERE id = $1")
        .bind(flow_run_id).fetch_optional(pool).await?);
    let (start, expected, end) = run.ok_or(GraphError::NotFound)?;
    let rows: Vec<Row> = on_db!(db, pool => sqlx::query_as::<_, Row>(
        "SELECT tr.id AS task_run_id, tr.name AS task_name, tr.state_type AS task_state_type, \
           tr.start_time AS task_start_time, tr.expected_start_time AS task_expected_start_time, \
           tr.end_time AS task_end_time, tr.task_inputs, sub.id AS sub_id, sub.name AS sub_name, \
           f.name AS flow_name, sub.state_type AS sub_state_type, sub.start_time AS sub_start_time, \
           sub.expected_start_time AS sub_expected_start_time, sub.end_time AS sub_end_time \
         FROM task_run tr LEFT JOIN flow_run sub ON sub.parent_task_run_id = tr.id \
         LEFT JOIN flow f ON f.id = sub.flow_id WHERE tr.flow_run_id = $1")
        .bind(flow_run_id).fetch_all(pool).await?);
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let mut seen = HashSet::new();
    for row in rows {
        let node_start = row
            .sub_start_time
            .or(row.sub_expected_start_time)
            .or(row.task_start_time)
            .or(row.task_expected_start_time);
        let Some(node_start) = node_start else {
            continue;
        };
        let id = row.sub_id.unwrap_or(row.task_run_id);
        // A task run stands for one subflow run; a second would repeat its node (Prefect's DISTINCT).
        if !seen.insert(id) {
            continue;
        }
        let completed_task = row.task_state_type.as_deref() == Some("COMPLETED");
        let node = Node {
            kind: if row.sub_id.is_some() {
                "flow-run"
            } else {
                "task-run"
            },
            id,
            label: match (&row.flow_name, &row.sub_name) {
                (Some(flow), Some(run)) if row.sub_id.is_some() => format!("{flow} / {run}"),
                _ => row.task_name.clone(),
            },
            state_type: row.sub_state_type.clone().or(row.task_state_type.clone()),
            start_time: node_start,
            end_time: row
                .sub_end_time
                .or(row.task_end_time)
                .or(row.task_expected_start_time.filter(|_| completed_task)),
            parents: Vec::new(),
            children: Vec::new(),
            encapsulating: Vec::new(),
        };
        for (encapsulating, parent) in input_edges(&row.task_inputs.0) {
            edges.push(EdgeRow {
                node: nodes.len(),
                parent,
                encapsulating,
            });
        }
        nodes.push(node);
    }
    link(&mut nodes, &edges);
    nodes.retain(|n| n.end_time.is_none_or(|end| end >= since));
    // Prefect orders by start then end time, a node still running last among equal starts.
    nodes.sort_by(|a, b| {
        (a.start_time, a.end_time.is_none(), a.end_time).cmp(&(
            b.start_time,
            b.end_time.is_none(),
            b.end_time,
        ))
    });
    if nodes.len() > limits.max_nodes {
        return Err(GraphError::TooLarge);
    }
    let artifacts = artifacts(db, flow_run_id, limits.max_artifacts).await?;
    let states: Vec<GraphState> = on_db!(db, pool => sqlx::query_as::<_, GraphState>(
        "SELECT id, timestamp, type, name FROM flow_run_state WHERE flow_run_id = $1 ORDER BY timestamp")
        .bind(flow_run_id).fetch_all(pool).await?);
    Ok(Graph {
        start_time: start.or(expected),
        end_time: end,
        nodes,
        artifacts,
        states,
    })
}

/// Fills each node's parents, children and encapsulating runs from the edge rows, as Prefect's CTEs join them
/// (an edge to a run outside this flow run is dropped; one row per match, so a parent with several input rows
/// appears as often as Prefect lists it), each list in its runs' start order.
fn link(nodes: &mut [Node], edges: &[EdgeRow]) {
    let mut rows_of: HashMap<Id, usize> = HashMap::new();
    let mut index_of: HashMap<Id, usize> = HashMap::new();
    for edge in edges {
        *rows_of.entry(nodes[edge.node].id).or_default() += 1;
    }
    for (i, node) in nodes.iter().enumerate() {
        index_of.insert(node.id, i);
    }
    let mut parents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    let mut encapsulating: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for edge in edges {
        let Some(parent) = edge.parent.and_then(|p| index_of.get(&p).copied()) else {
            continue;
        };
        let times = rows_of.get(&nodes[parent].id).copied().unwrap_or(1);
        for _ in 0..times {
            if edge.encapsulating {
                if !encapsulating[edge.node].contains(&parent) {
                    encapsulating[edge.node].push(parent);
                }
            } else {
                parents[edge.node].push(parent);
                children[parent].push(edge.node);
            }
        }
    }
    let by_start = |list: &mut Vec<usize>, nodes: &[Node]| {
        list.sort_by_key(|i| nodes[*i].start_time);
        list.iter().map(|i| nodes[*i].id).collect::<Vec<_>>()
    };
    for i in 0..nodes.len() {
        let p = by_start(&mut parents[i], nodes);
        let c = by_start(&mut children[i], nodes);
        let e = by_start(&mut encapsulating[i], nodes);
        nodes[i].parents = p;
        nodes[i].children = c;
        nodes[i].encapsulating = e;
    }
}

async fn artifacts(db: &Db, flow_run_id: Id, limit: i64) -> Result<Vec<Artifact>, sqlx::Error> {
    on_db!(db, pool => sqlx::query_as::<_, Artifact>(
        "SELECT a.id, a.created, a.key, a.type, a.data, a.task_run_id, \
           (a.key IS NULL OR ac.id IS NOT NULL) AS is_latest \
         FROM artifact a LEFT JOIN artifact_collection ac ON ac.key = a.key AND ac.latest_id = a.id \
         WHERE a.flow_run_id = $1 AND a.type <> 'result' \
         ORDER BY a.created ASC LIMIT $2")
        .bind(flow_run_id).bind(limit).fetch_all(pool).await)
}
