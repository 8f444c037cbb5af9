-- Delivery status notification requests (RFC 3461), kept with queued mail: RET and ENVID per
-- message, NOTIFY and ORCPT per recipient, in their xtext form; NULL when not given.
ALTER TABLE outbound ADD COLUMN ret TEXT;
ALTER TABLE outbound ADD COLUMN envid TEXT;
ALTER TABLE outbound_rcpt ADD COLUMN notify TEXT;
ALTER TABLE outbound_rcpt ADD COLUMN orcpt TEXT;
