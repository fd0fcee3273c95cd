-- Dropping the key would leave encrypted block data unreadable. The migrator decrypts every document before this
-- file runs (store/block_crypt.rs); if one is still encrypted (this file run by another tool), the CHECK below
-- fails, naming the reason, and nothing is dropped.
CREATE TEMP TABLE block_encryption_downgrade_guard (
    encrypted_documents INTEGER NOT NULL,
    CONSTRAINT block_documents_still_encrypted_downgrade_with_prefect_rs CHECK (encrypted_documents = 0)
);
INSERT INTO block_encryption_downgrade_guard
    SELECT COUNT(*) FROM block_document WHERE json_type(data) = 'text';
DROP TABLE block_encryption_downgrade_guard;
DROP TABLE configuration;
