-- Events are written for every state change and every client event, and nothing reads them by these keys yet:
-- each index is paid for on every insert. Keep the primary keys (re-delivered events are ignored by id), the
-- time index any retention or time-window read starts from, and the resource lookup; an endpoint that needs
-- another index brings it in its own migration.
DROP INDEX ix_events__event__id;
DROP INDEX ix_events__event_occurred_id;
DROP INDEX ix_events__event_resource_id_occurred;
DROP INDEX ix_events__occurred;
DROP INDEX ix_events__updated;
DROP INDEX ix_event_resources__updated;
