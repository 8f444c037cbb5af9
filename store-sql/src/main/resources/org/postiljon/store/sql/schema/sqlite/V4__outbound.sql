-- The outbound queue: messages for other servers, one row per message and one per recipient.
CREATE TABLE outbound (
    id         INTEGER PRIMARY KEY,
    created_at INTEGER NOT NULL,
    sender     TEXT NOT NULL,                  -- reverse-path; '' is the null sender (bounces)
    blob_id    TEXT NOT NULL,                  -- the message, as it will be sent
    size       INTEGER NOT NULL
);
CREATE INDEX outbound_blob ON outbound (blob_id);

CREATE TABLE outbound_rcpt (
    id              INTEGER PRIMARY KEY,
    outbound_id     INTEGER NOT NULL REFERENCES outbound(id),
    address         TEXT NOT NULL,
    domain          TEXT NOT NULL,             -- lower-case A-label, for grouping per destination
    state           TEXT NOT NULL,             -- QUEUED, DELIVERED, FAILED
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    last_reply      TEXT
);
CREATE INDEX outbound_rcpt_due ON outbound_rcpt (state, next_attempt_at);
CREATE INDEX outbound_rcpt_message ON outbound_rcpt (outbound_id);
