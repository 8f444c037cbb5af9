-- Webmail sessions (issue #18): in the store, so every node serves a signed-in browser and a
-- sign-out or an idle timeout ends the session on all of them. The cookie's token is kept only as
-- its SHA-256 (a copy of the database signs no one in); credentials is the account's credential
-- stamp at sign-in, so a password change ends the session.
CREATE TABLE web_session (
    token_hash  TEXT PRIMARY KEY,
    account_id  BIGINT NOT NULL,
    credentials TEXT NOT NULL,
    csrf        TEXT NOT NULL,
    last_used   BIGINT NOT NULL
);
CREATE INDEX web_session_last_used ON web_session (last_used);
