-- What nodes over one PostgreSQL share besides the metadata (issue #18).
--
-- blobs = postgres: message contents in the database, by SHA-256, in chunks of at most 256 KiB so
-- neither side holds a whole message in memory. "written" is renewed by every put of the same bytes,
-- so the sweeper (which deletes only contents unwritten for an hour) never takes bytes from a
-- delivery whose reference is about to commit.
CREATE TABLE blob (
    id      TEXT PRIMARY KEY,
    size    BIGINT NOT NULL,
    written BIGINT NOT NULL
);
CREATE TABLE blob_chunk (
    blob_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

-- The search index every node shares (the embedded store keeps it in Lucene): each content's
-- texts folded as the index folds them (lower(upper(c))), so a substring search is LIKE on the
-- folded text, found through trigrams. "ambiguous": the content has a character that folds to ASCII
-- without being ASCII (U+017F, U+212A), whose hits must be confirmed by reading the message.
-- pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE fts_text (
    blob_id   TEXT NOT NULL,
    field     TEXT NOT NULL,
    folded    TEXT NOT NULL,
    ambiguous BOOLEAN NOT NULL,
    PRIMARY KEY (blob_id, field)
);
CREATE INDEX fts_text_trigrams ON fts_text USING gin (folded gin_trgm_ops);
