-- The cached parse (envelope and body structure, the largest column) moves out of the message
-- row into a table keyed by content: scans of the message table for SEARCH, SORT, THREAD and
-- SELECT no longer read it, and copies of a message share one row. Rows go with their file
-- (BlobSweeper).
CREATE TABLE message_parse (
    blob_id TEXT PRIMARY KEY,
    parse   TEXT NOT NULL
);
INSERT INTO message_parse (blob_id, parse) SELECT blob_id, parse FROM message WHERE true ON CONFLICT DO NOTHING;
ALTER TABLE message DROP COLUMN parse;
