-- SELECT lists a mailbox's keywords (RFC 9051 §7.3.5): the distinct flag combinations, found by
-- stepping through this index (one probe per combination) instead of reading every message row.
CREATE INDEX message_flags ON message (mailbox_id, flags);
