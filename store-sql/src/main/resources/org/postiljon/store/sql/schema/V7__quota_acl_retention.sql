-- Quota usage, shared mailboxes (ACL, teams), retention and domain defaults (issue #6).

-- Usage of every account, kept by the triggers below in the transaction that changes a message,
-- so it is exact after any crash; `postiljon quota repair` recomputes it and reports drift.
ALTER TABLE account ADD COLUMN used_bytes    BIGINT NOT NULL DEFAULT 0;
ALTER TABLE account ADD COLUMN used_messages BIGINT NOT NULL DEFAULT 0;
-- The highest warning threshold (percent: 0, 80, 90, 95) the user was told about.
ALTER TABLE account ADD COLUMN quota_warned  BIGINT NOT NULL DEFAULT 0;
-- 'user' logs in; 'team' is a shared mailbox with no password, reached through its members' rights.
ALTER TABLE account ADD COLUMN kind          TEXT NOT NULL DEFAULT 'user';

UPDATE account SET
    used_bytes    = coalesce((SELECT sum(m.size) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = account.id), 0),
    used_messages = (SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = account.id);

-- Days after its SAVEDATE a message is expunged; NULL: the account's default for the folder's
-- special use (Trash, Junk), 0: never.
ALTER TABLE mailbox ADD COLUMN retention_days BIGINT;
CREATE INDEX message_save_date ON message (mailbox_id, save_date);

-- RFC 4314 access control lists. identifier: an account address or 'anyone'.
CREATE TABLE acl (
    mailbox_id BIGINT NOT NULL REFERENCES mailbox(id),
    identifier TEXT NOT NULL,
    rights     TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, identifier)
);
CREATE INDEX acl_identifier ON acl (identifier);

-- Members of a team mailbox and the rights they have on each of its folders (unless a folder's
-- ACL names them).
CREATE TABLE team_member (
    team_id    BIGINT NOT NULL REFERENCES account(id),
    account_id BIGINT NOT NULL REFERENCES account(id),
    rights     TEXT NOT NULL,
    PRIMARY KEY (team_id, account_id)
);
CREATE INDEX team_member_account ON team_member (account_id);

-- Per-domain defaults for account settings (DomainName -> key -> value).
CREATE TABLE domain_setting (
    domain_id BIGINT NOT NULL REFERENCES domain(id),
    name      TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (domain_id, name)
);
