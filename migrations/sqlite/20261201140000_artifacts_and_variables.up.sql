-- Artifacts (every version), the latest artifact of each key (artifact_collection, kept by the API as Prefect
-- keeps it), and variables; modelled on Prefect's tables of the same names.
CREATE TABLE artifact (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    key TEXT,
    type TEXT,
    description TEXT,
    data TEXT,
    metadata_ TEXT,
    flow_run_id TEXT,
    task_run_id TEXT
);
CREATE INDEX ix_artifact__key_created_desc ON artifact (key, created DESC);
CREATE INDEX ix_artifact__flow_run_id ON artifact (flow_run_id);
CREATE INDEX ix_artifact__task_run_id ON artifact (task_run_id);
CREATE INDEX ix_artifact__updated ON artifact (updated);

CREATE TABLE artifact_collection (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    key TEXT NOT NULL,
    latest_id TEXT NOT NULL,
    type TEXT,
    description TEXT,
    data TEXT,
    metadata_ TEXT,
    flow_run_id TEXT,
    task_run_id TEXT,
    CONSTRAINT uq_artifact_collection__key UNIQUE (key)
);
CREATE INDEX ix_artifact_collection__latest_id ON artifact_collection (latest_id);
CREATE INDEX ix_artifact_collection__updated ON artifact_collection (updated);

CREATE TABLE variable (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT uq_variable__name UNIQUE (name)
);
CREATE INDEX ix_variable__updated ON variable (updated);
