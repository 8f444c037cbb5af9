-- App passwords (issue #21): one per mail program, scoped to protocols, kept as a SHA-256 of the
-- random secret; looked up by account and hash at login.
CREATE TABLE app_password (
    account_id  BIGINT NOT NULL,
    id          BIGINT NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,       -- space-separated: IMAP POP3 SMTP SIEVE JMAP
    secret_hash TEXT NOT NULL,       -- SHA-256 hex of the secret's 24 letters, lower case
    created_at  BIGINT NOT NULL,     -- epoch milliseconds
    last_used   BIGINT,              -- epoch milliseconds, to the hour
    PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX app_password_secret ON app_password (account_id, secret_hash);
