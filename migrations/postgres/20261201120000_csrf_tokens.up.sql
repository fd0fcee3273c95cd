-- CSRF tokens (PREFECT_SERVER_API_CSRF_PROTECTION_ENABLED), one per client, in the database as in Prefect, so a
-- token one API replica hands out is accepted by every other.
CREATE TABLE csrf_token (
    id UUID NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    token TEXT NOT NULL,
    client TEXT NOT NULL,
    expiration TIMESTAMPTZ NOT NULL,
    CONSTRAINT pk_csrf_token PRIMARY KEY (id),
    CONSTRAINT uq_csrf_token__client UNIQUE (client)
);
CREATE INDEX ix_csrf_token__expiration ON csrf_token (expiration);
