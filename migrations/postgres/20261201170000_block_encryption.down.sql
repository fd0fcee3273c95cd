-- Dropping the key would leave encrypted block data unreadable. The migrator decrypts every document before this
-- file runs (store/block_crypt.rs); if one is still encrypted (this file run by another tool), this refuses,
-- naming the reason, and nothing is dropped.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM block_document WHERE jsonb_typeof(data) = 'string') THEN
        RAISE EXCEPTION USING MESSAGE = 'block documents are still encrypted: dropping the key would make '
            || 'them unreadable; downgrade with prefect-rs server database downgrade, which decrypts them first';
    END IF;
END
$$;
DROP TABLE configuration;
