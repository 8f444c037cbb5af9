-- PostgreSQL: a content enters fts_pending with the first message that stores it (see the common V8).
CREATE FUNCTION message_fts_pending() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM fts_indexed WHERE blob_id = NEW.blob_id) THEN
        INSERT INTO fts_pending (blob_id) VALUES (NEW.blob_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER message_fts_pending AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION message_fts_pending();
