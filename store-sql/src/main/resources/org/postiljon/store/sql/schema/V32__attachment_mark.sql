-- Whether a content has an attachment (RFC 8621 §4.1.4, MessageStructure.hasAttachment), written
-- with its parse, so has:attachment and JMAP's hasAttachment filter read a column instead of
-- decoding every message's structure (2.1 s at 100,000 messages). NULL for contents stored before
-- this: the search indexer fills them in the background (WriteTx.markAttachments), and searches
-- decode those meanwhile.
-- 1 with an attachment, 0 without.
ALTER TABLE message_parse ADD COLUMN attachments SMALLINT;
-- The mark read beside the content id without the parse's row (the parse is large and comes first).
CREATE INDEX message_parse_attachments ON message_parse (blob_id, attachments);
