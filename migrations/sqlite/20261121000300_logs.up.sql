-- Log lines sent by flow and task runs. No foreign keys, as in Prefect: logs may arrive before their run.
CREATE TABLE log (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    level INTEGER NOT NULL,
    flow_run_id TEXT,
    task_run_id TEXT,
    message TEXT NOT NULL,
    timestamp TEXT NOT NULL
);
CREATE INDEX ix_log__flow_run_id ON log (flow_run_id);
CREATE INDEX ix_log__flow_run_id_timestamp ON log (flow_run_id, timestamp);
CREATE INDEX ix_log__task_run_id ON log (task_run_id);
CREATE INDEX ix_log__level ON log (level);
CREATE INDEX ix_log__timestamp ON log (timestamp);
CREATE INDEX ix_log__updated ON log (updated);
