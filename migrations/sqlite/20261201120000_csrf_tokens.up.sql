-- CSRF tokens (PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED), one per client, in the database as in Prefect, so a
-- token one API replica hands out is accepted by every other.
CREATE TABLE csrf_token (
    id TEXT NOT NULL PRIMARY KEY,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    token TEXT NOT NULL,
    client TEXT NOT NULL,
    expiration TEXT NOT NULL,
    CONSTRAINT uq_csrf_token__client UNIQUE (client)
);
CREATE INDEX ix_csrf_token__expiration ON csrf_token (expiration);
