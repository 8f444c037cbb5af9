-- SQLite: the triggers that keep account usage exact (see the common V7).
CREATE TRIGGER message_usage_insert AFTER INSERT ON message BEGIN
    UPDATE account SET used_bytes = used_bytes + NEW.size, used_messages = used_messages + 1
     WHERE id = (SELECT account_id FROM mailbox WHERE id = NEW.mailbox_id);
END;

CREATE TRIGGER message_usage_delete AFTER DELETE ON message BEGIN
    UPDATE account SET used_bytes = used_bytes - OLD.size, used_messages = used_messages - 1
     WHERE id = (SELECT account_id FROM mailbox WHERE id = OLD.mailbox_id);
END;
