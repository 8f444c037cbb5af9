-- Each account's Sieve scripts (issue #20); at most one active per account (active = 1).
CREATE TABLE sieve_script (
    account_id BIGINT NOT NULL,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,
    active     SMALLINT NOT NULL,  -- 1 or 0
    PRIMARY KEY (account_id, name)
);
