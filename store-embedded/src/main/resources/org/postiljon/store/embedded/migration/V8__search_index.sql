-- Which message contents are in the Lucene index (issue #7). A content enters fts_pending in the
-- transaction that first stores a message with it, and leaves it for fts_indexed only after the
-- index committed it: a crash delays indexing, never hides a message from a search (searches take
-- pending contents as candidates).
CREATE TABLE fts_indexed (blob_id TEXT PRIMARY KEY);
CREATE TABLE fts_pending (blob_id TEXT PRIMARY KEY);
INSERT INTO fts_pending (blob_id) SELECT DISTINCT blob_id FROM message;

CREATE TRIGGER message_fts_pending AFTER INSERT ON message
WHEN NOT EXISTS (SELECT 1 FROM fts_indexed WHERE blob_id = NEW.blob_id) BEGIN
    INSERT OR IGNORE INTO fts_pending (blob_id) VALUES (NEW.blob_id);
END;
