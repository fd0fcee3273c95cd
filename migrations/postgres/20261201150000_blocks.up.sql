-- Blocks: types, their schemas (nested schemas linked by references), and documents (nested documents linked by
-- references), as Prefect stores them. A block type owns its schemas and documents; deleting it deletes them.
CREATE TABLE block_type (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    logo_url TEXT,
    documentation_url TEXT,
    description TEXT,
    code_example TEXT,
    is_protected BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT uq_block_type__slug UNIQUE (slug)
);
CREATE INDEX ix_block_type__updated ON block_type (updated);

CREATE TABLE block_schema (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    fields JSONB NOT NULL DEFAULT '{}',
    checksum TEXT NOT NULL,
    block_type_id UUID NOT NULL REFERENCES block_type (id) ON DELETE CASCADE,
    capabilities JSONB NOT NULL DEFAULT '[]',
    version TEXT NOT NULL DEFAULT 'non-versioned',
    CONSTRAINT uq_block_schema__checksum_version UNIQUE (checksum, version)
);
CREATE INDEX ix_block_schema__block_type_id ON block_schema (block_type_id);
CREATE INDEX ix_block_schema__created ON block_schema (created);

CREATE TABLE block_schema_reference (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    parent_block_schema_id UUID NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE,
    reference_block_schema_id UUID NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE
);
CREATE INDEX ix_block_schema_reference__parent ON block_schema_reference (parent_block_schema_id);

CREATE TABLE block_document (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    data JSONB NOT NULL DEFAULT '{}',
    block_schema_id UUID NOT NULL REFERENCES block_schema (id) ON DELETE CASCADE,
    block_type_id UUID NOT NULL REFERENCES block_type (id) ON DELETE CASCADE,
    block_type_name TEXT,
    is_anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT uq_block__type_id_name UNIQUE (block_type_id, name)
);
CREATE INDEX ix_block_document__is_anonymous ON block_document (is_anonymous);
CREATE INDEX ix_block_document__name ON block_document (name);
CREATE INDEX ix_block_document__block_schema_id ON block_document (block_schema_id);

CREATE TABLE block_document_reference (
    id UUID NOT NULL PRIMARY KEY,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    name TEXT NOT NULL,
    parent_block_document_id UUID NOT NULL REFERENCES block_document (id) ON DELETE CASCADE,
    reference_block_document_id UUID NOT NULL REFERENCES block_document (id) ON DELETE CASCADE,
    CONSTRAINT ck_block_document_reference__no_self_reference
        CHECK (parent_block_document_id != reference_block_document_id)
);
CREATE INDEX ix_block_document_reference__parent ON block_document_reference (parent_block_document_id);
CREATE INDEX ix_block_document_reference__reference ON block_document_reference (reference_block_document_id);
