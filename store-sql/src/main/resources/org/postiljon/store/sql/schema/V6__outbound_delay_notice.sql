-- When the sender was told that a recipient is delayed (RFC 3464 "delayed"), so it is told once.
ALTER TABLE outbound_rcpt ADD COLUMN delay_notified BIGINT NOT NULL DEFAULT 0;
