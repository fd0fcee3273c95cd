-- Artifacts (every version), the latest artifact of each key (artifact_collection, kept by the API as Prefect
-- keeps it), and variables; modelled on Prefect's tables of the same names.
CREATE TABLE artifact (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    key TEXT,
    type TEXT,
    description TEXT,
    data JSONB,
    metadata_ JSONB,
    flow_run_id UUID,
    task_run_id UUID
);
CREATE INDEX ix_artifact__key_created_desc ON artifact (key, created DESC);
CREATE INDEX ix_artifact__flow_run_id ON artifact (flow_run_id);
CREATE INDEX ix_artifact__task_run_id ON artifact (task_run_id);
CREATE INDEX ix_artifact__updated ON artifact (updated);

CREATE TABLE artifact_collection (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    key TEXT NOT NULL,
    latest_id UUID NOT NULL,
    type TEXT,
    description TEXT,
    data JSONB,
    metadata_ JSONB,
    flow_run_id UUID,
    task_run_id UUID,
    CONSTRAINT uq_artifact_collection__key UNIQUE (key)
);
CREATE INDEX ix_artifact_collection__latest_id ON artifact_collection (latest_id);
CREATE INDEX ix_artifact_collection__updated ON artifact_collection (updated);

CREATE TABLE variable (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    value JSONB,
    tags JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT uq_variable__name UNIQUE (name)
);
CREATE INDEX ix_variable__updated ON variable (updated);
