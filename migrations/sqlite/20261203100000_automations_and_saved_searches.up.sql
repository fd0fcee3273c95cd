-- Automations (a trigger and its actions), the triggers service's state, and the UI's saved searches, modelled on
-- Prefect's tables of the same names.
CREATE TABLE automation (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled INTEGER NOT NULL DEFAULT 1,
    tags TEXT NOT NULL DEFAULT '[]',
    "trigger" TEXT NOT NULL,
    actions TEXT NOT NULL,
    actions_on_trigger TEXT NOT NULL DEFAULT '[]',
    actions_on_resolve TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX ix_automation__updated ON automation (updated);

-- Resources an automation acts on or belongs to (`related-to`, `owned-by`).
CREATE TABLE automation_related_resource (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    automation_id TEXT NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    resource_id TEXT,
    automation_owned_by_resource INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX uq_automation_related_resource__automation_id__resource_id
    ON automation_related_resource (automation_id, resource_id);
CREATE INDEX ix_automation_related_resource__resource_id ON automation_related_resource (resource_id);

-- One counting window of one event trigger for one bucketing key (`for_each` labels).
CREATE TABLE automation_bucket (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    automation_id TEXT NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id TEXT NOT NULL,
    bucketing_key TEXT NOT NULL,
    last_event TEXT,
    start TEXT NOT NULL,
    "end" TEXT NOT NULL,
    count INTEGER NOT NULL,
    last_operation TEXT,
    triggered_at TEXT
);
CREATE UNIQUE INDEX uq_automation_bucket__automation_id__trigger_id__bucketing_key
    ON automation_bucket (automation_id, trigger_id, bucketing_key);
CREATE INDEX ix_automation_bucket__automation_id__end ON automation_bucket (automation_id, "end");

-- Events a sequence or threshold trigger holds until its window closes.
CREATE TABLE automation_held_event (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    automation_id TEXT NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id TEXT NOT NULL,
    bucketing_key TEXT NOT NULL DEFAULT '[]',
    event_id TEXT NOT NULL,
    occurred TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_automation_held_event__trigger_key_event
    ON automation_held_event (automation_id, trigger_id, bucketing_key, event_id);
CREATE INDEX ix_automation_held_event__trigger_key_occurred
    ON automation_held_event (automation_id, trigger_id, bucketing_key, occurred, event_id);

-- Child firings a compound or sequence trigger has seen so far.
CREATE TABLE composite_trigger_child_firing (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    automation_id TEXT NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    parent_trigger_id TEXT NOT NULL,
    child_trigger_id TEXT NOT NULL,
    child_firing_id TEXT NOT NULL,
    child_fired_at TEXT,
    child_firing TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_composite_trigger_child_firing__a_id__pt_id__ct__id
    ON composite_trigger_child_firing (automation_id, parent_trigger_id, child_trigger_id);

-- Events that arrived before the event they follow (`follows`), parked until the leader arrives.
CREATE TABLE automation_event_follower (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    scope TEXT NOT NULL,
    leader_event_id TEXT NOT NULL,
    follower_event_id TEXT NOT NULL,
    received TEXT NOT NULL,
    follower TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_follower_for_scope ON automation_event_follower (scope, follower_event_id);
CREATE INDEX ix_ae_follower_scope_leader ON automation_event_follower (scope, leader_event_id);
CREATE INDEX ix_automation_event_follower__received ON automation_event_follower (received);

CREATE TABLE saved_search (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    name TEXT NOT NULL,
    filters TEXT NOT NULL DEFAULT '[]',
    CONSTRAINT uq_saved_search__name UNIQUE (name)
);
