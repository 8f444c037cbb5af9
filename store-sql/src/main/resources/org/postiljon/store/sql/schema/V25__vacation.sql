-- Automatic replies (issue #20): each account's setting (JMAP VacationResponse), and whom it
-- answered when, so that a sender gets one reply per period (RFC 5230 §4.1).
CREATE TABLE vacation (
    account_id BIGINT NOT NULL PRIMARY KEY,
    enabled    SMALLINT NOT NULL,  -- 1 or 0
    from_at    BIGINT,             -- epoch milliseconds; null: at once
    to_at      BIGINT,             -- epoch milliseconds; null: until turned off
    subject    TEXT,
    text_body  TEXT,
    html_body  TEXT
);
CREATE TABLE vacation_reply (
    account_id BIGINT NOT NULL,
    sender     TEXT NOT NULL,      -- lower case
    sent_at    BIGINT NOT NULL,    -- epoch milliseconds
    PRIMARY KEY (account_id, sender)
);
