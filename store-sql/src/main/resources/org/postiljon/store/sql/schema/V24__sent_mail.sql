-- What each account sent to other servers, for the per-account sending limits (issue #19): the
-- messages of each UTC day (rows older than a week are dropped), and every address it ever sent
-- to, with when it first did (a "new recipient" is an address without a row).
CREATE TABLE sent_day (
    account_id BIGINT NOT NULL,
    day        BIGINT NOT NULL,   -- days since 1970-01-01, UTC
    messages   BIGINT NOT NULL,
    PRIMARY KEY (account_id, day)
);
CREATE TABLE sent_recipient (
    account_id BIGINT NOT NULL,
    address    TEXT NOT NULL,     -- lower case
    first_at   BIGINT NOT NULL,   -- epoch milliseconds
    PRIMARY KEY (account_id, address)
);
CREATE INDEX sent_recipient_first ON sent_recipient (account_id, first_at);
