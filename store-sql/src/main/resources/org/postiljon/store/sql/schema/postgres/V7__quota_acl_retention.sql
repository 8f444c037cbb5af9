-- PostgreSQL: the triggers that keep account usage exact (see the common V7 and sqlite/V7).
CREATE FUNCTION message_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE account SET used_bytes = used_bytes + NEW.size, used_messages = used_messages + 1
         WHERE id = (SELECT account_id FROM mailbox WHERE id = NEW.mailbox_id);
    ELSE
        UPDATE account SET used_bytes = used_bytes - OLD.size, used_messages = used_messages - 1
         WHERE id = (SELECT account_id FROM mailbox WHERE id = OLD.mailbox_id);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER message_usage_insert AFTER INSERT ON message FOR EACH ROW EXECUTE FUNCTION message_usage();
CREATE TRIGGER message_usage_delete AFTER DELETE ON message FOR EACH ROW EXECUTE FUNCTION message_usage();
