-- Postiljon schema, version 1. Dates are epoch milliseconds; booleans 0/1.

CREATE TABLE domain (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,          -- lower-case A-labels
    created_at  INTEGER NOT NULL
);

CREATE TABLE account (
    id                INTEGER PRIMARY KEY,
    domain_id         INTEGER NOT NULL REFERENCES domain(id),
    local_part        TEXT NOT NULL,
    address           TEXT NOT NULL UNIQUE,    -- local_part@domain, normalised
    password_hash     TEXT NOT NULL,           -- Argon2id, PHC string format
    scram_salt        BLOB NOT NULL,           -- SCRAM-SHA-256 (RFC 5802 §3)
    scram_iterations  INTEGER NOT NULL,
    scram_stored_key  BLOB NOT NULL,
    scram_server_key  BLOB NOT NULL,
    quota_bytes       INTEGER,                 -- NULL: no limit
    quota_messages    INTEGER,
    highest_modseq    INTEGER NOT NULL,        -- one MODSEQ counter per account
    next_uid_validity INTEGER NOT NULL,        -- each new mailbox takes the next value
    created_at        INTEGER NOT NULL
);

CREATE TABLE alias (
    id         INTEGER PRIMARY KEY,
    domain_id  INTEGER NOT NULL REFERENCES domain(id),
    local_part TEXT NOT NULL,                  -- '' is the domain's catch-all
    target     TEXT NOT NULL,
    UNIQUE (domain_id, local_part, target)
);

CREATE TABLE mailbox (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES account(id),
    name           TEXT NOT NULL,              -- full name, '/' separated, INBOX upper-case
    uid_validity   INTEGER NOT NULL,
    uid_next       INTEGER NOT NULL,
    highest_modseq INTEGER NOT NULL,
    special_use    TEXT,                       -- ALL, ARCHIVE, DRAFTS, FLAGGED, JUNK, SENT, TRASH
    created_at     INTEGER NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE subscription (
    account_id INTEGER NOT NULL REFERENCES account(id),
    name       TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);

CREATE TABLE message (
    mailbox_id    INTEGER NOT NULL REFERENCES mailbox(id),
    uid           INTEGER NOT NULL,
    modseq        INTEGER NOT NULL,
    flags         TEXT NOT NULL,               -- e.g. '\Seen $Forwarded'
    seen          INTEGER NOT NULL,
    deleted       INTEGER NOT NULL,
    internal_date INTEGER NOT NULL,
    save_date     INTEGER NOT NULL,
    size          INTEGER NOT NULL,            -- octets, CRLF line endings
    blob_id       TEXT NOT NULL,               -- SHA-256 of the bytes, names the file
    subject       TEXT,                        -- decoded
    base_subject  TEXT,                        -- RFC 5256 §2.1
    sort_from     TEXT,
    sort_to       TEXT,
    sort_cc       TEXT,
    display_from  TEXT,
    sent_date     INTEGER,
    message_id    TEXT,
    refs          TEXT,                        -- References + In-Reply-To ids, space separated
    preview       TEXT,
    parse         TEXT NOT NULL,               -- envelope and body structure (JSON)
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX message_modseq ON message (mailbox_id, modseq);
CREATE INDEX message_blob ON message (blob_id);

CREATE TABLE change_log (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    mailbox_id INTEGER NOT NULL,
    uid        INTEGER NOT NULL,               -- 0 for changes to the mailbox itself
    kind       TEXT NOT NULL                   -- APPEND, FLAGS, EXPUNGE (a tombstone), MAILBOX
);
CREATE INDEX change_log_account ON change_log (account_id, modseq);

CREATE TABLE blob_orphan (
    blob_id TEXT PRIMARY KEY,                  -- no message refers to it since 'since'
    since   INTEGER NOT NULL
);
