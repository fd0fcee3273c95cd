-- Automations (a trigger and its actions), the triggers service's state, and the UI's saved searches, modelled on
-- Prefect's tables of the same names.
CREATE TABLE automation (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    tags JSONB NOT NULL DEFAULT '[]',
    "trigger" JSONB NOT NULL,
    actions JSONB NOT NULL,
    actions_on_trigger JSONB NOT NULL DEFAULT '[]',
    actions_on_resolve JSONB NOT NULL DEFAULT '[]'
);
CREATE INDEX ix_automation__updated ON automation (updated);

-- Resources an automation acts on or belongs to (`related-to`, `owned-by`).
CREATE TABLE automation_related_resource (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    automation_id UUID NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    resource_id TEXT,
    automation_owned_by_resource BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX uq_automation_related_resource__automation_id__resource_id
    ON automation_related_resource (automation_id, resource_id);
CREATE INDEX ix_automation_related_resource__resource_id ON automation_related_resource (resource_id);

-- One counting window of one event trigger for one bucketing key (`for_each` labels).
CREATE TABLE automation_bucket (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    automation_id UUID NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id UUID NOT NULL,
    bucketing_key JSONB NOT NULL,
    last_event JSONB,
    start TIMESTAMPTZ NOT NULL,
    "end" TIMESTAMPTZ NOT NULL,
    count INTEGER NOT NULL,
    last_operation TEXT,
    triggered_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX uq_automation_bucket__automation_id__trigger_id__bucketing_key
    ON automation_bucket (automation_id, trigger_id, bucketing_key);
CREATE INDEX ix_automation_bucket__automation_id__end ON automation_bucket (automation_id, "end");

-- Events a sequence or threshold trigger holds until its window closes.
CREATE TABLE automation_held_event (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    automation_id UUID NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id UUID NOT NULL,
    bucketing_key JSONB NOT NULL DEFAULT '[]',
    event_id UUID NOT NULL,
    occurred TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX uq_automation_held_event__trigger_key_event
    ON automation_held_event (automation_id, trigger_id, bucketing_key, event_id);
CREATE INDEX ix_automation_held_event__trigger_key_occurred
    ON automation_held_event (automation_id, trigger_id, bucketing_key, occurred, event_id);

-- Child firings a compound or sequence trigger has seen so far.
CREATE TABLE composite_trigger_child_firing (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    automation_id UUID NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    parent_trigger_id UUID NOT NULL,
    child_trigger_id UUID NOT NULL,
    child_firing_id UUID NOT NULL,
    child_fired_at TIMESTAMPTZ,
    child_firing JSONB NOT NULL
);
CREATE UNIQUE INDEX uq_composite_trigger_child_firing__a_id__pt_id__ct__id
    ON composite_trigger_child_firing (automation_id, parent_trigger_id, child_trigger_id);

-- Events that arrived before the event they follow (`follows`), parked until the leader arrives.
CREATE TABLE automation_event_follower (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    scope TEXT NOT NULL,
    leader_event_id UUID NOT NULL,
    follower_event_id UUID NOT NULL,
    received TIMESTAMPTZ NOT NULL,
    follower JSONB NOT NULL
);
CREATE UNIQUE INDEX uq_follower_for_scope ON automation_event_follower (scope, follower_event_id);
CREATE INDEX ix_ae_follower_scope_leader ON automation_event_follower (scope, leader_event_id);
CREATE INDEX ix_automation_event_follower__received ON automation_event_follower (received);

CREATE TABLE saved_search (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    filters JSONB NOT NULL DEFAULT '[]',
    CONSTRAINT uq_saved_search__name UNIQUE (name)
);
