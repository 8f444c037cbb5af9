-- Which messages of a mailbox have a given content: full-text hits (by content) become UIDs by
-- reading this index alone, never the message rows.
CREATE INDEX message_content ON message (mailbox_id, blob_id, uid);
