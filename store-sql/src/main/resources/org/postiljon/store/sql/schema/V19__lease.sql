-- Named leases (issue #18): what one holder at a time may do across every node on the store, a
-- POP3 maildrop (RFC 1939 §8) or a sweep. A holder is "owner" on "node"; the node's heartbeat
-- extends "until" for all its holders at once, so a dead node's leases run out by themselves.
CREATE TABLE lease (
    name  TEXT PRIMARY KEY,
    node  TEXT NOT NULL,
    owner TEXT NOT NULL,
    until BIGINT NOT NULL
);
CREATE INDEX lease_node ON lease (node);
