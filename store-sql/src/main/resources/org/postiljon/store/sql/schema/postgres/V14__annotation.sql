-- IMAP METADATA (RFC 5464): entries of a mailbox, or of the server when mailbox_id is 0. A /private
-- entry belongs to one user (account_id); a /shared one has account_id 0. Names are lower case
-- (RFC 5464 §3.2: entry names are case-insensitive).
CREATE TABLE annotation (
    mailbox_id BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    name       TEXT NOT NULL,
    value      BYTEA NOT NULL,
    PRIMARY KEY (mailbox_id, account_id, name)
);
CREATE INDEX annotation_account ON annotation (account_id);
