-- Which message contents are in the Lucene index (issue #7). A content enters fts_pending in the
-- transaction that first stores a message with it, and leaves it for fts_indexed only after the
-- index committed it: a crash delays indexing, never hides a message from a search (searches take
-- pending contents as candidates).
CREATE TABLE fts_indexed (blob_id TEXT PRIMARY KEY);
CREATE TABLE fts_pending (blob_id TEXT PRIMARY KEY);
INSERT INTO fts_pending (blob_id) SELECT DISTINCT blob_id FROM message;
