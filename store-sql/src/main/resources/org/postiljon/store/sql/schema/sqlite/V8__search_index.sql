-- SQLite: a content enters fts_pending with the first message that stores it (see the common V8).
CREATE TRIGGER message_fts_pending AFTER INSERT ON message
WHEN NOT EXISTS (SELECT 1 FROM fts_indexed WHERE blob_id = NEW.blob_id) BEGIN
    INSERT OR IGNORE INTO fts_pending (blob_id) VALUES (NEW.blob_id);
END;
