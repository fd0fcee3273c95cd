-- The server's own settings, in Prefect's `configuration` table: key ENCRYPTION_KEY holds the Fernet key that
-- block documents' data is encrypted with (`{"fernet_key": …}`, made on first use). Right after this file runs,
-- the migrator encrypts block data written before it (store/block_crypt.rs), so no plain secret stays at rest.
CREATE TABLE configuration (
    key TEXT NOT NULL PRIMARY KEY,
    value JSONB NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL
);
