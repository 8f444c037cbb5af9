-- Two-step sign-in (issue #21): each account's TOTP secret (RFC 6238), whether it is in force,
-- and the last time step a code was accepted for (a code is good once).
CREATE TABLE totp (
    account_id BIGINT NOT NULL PRIMARY KEY,
    secret     TEXT NOT NULL,        -- base32
    enabled    SMALLINT NOT NULL,    -- 1 once confirmed
    last_step  BIGINT NOT NULL       -- unix time / 30 of the last code accepted; 0: none
);
