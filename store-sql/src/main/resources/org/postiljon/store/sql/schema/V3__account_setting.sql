-- Per-account preferences (AccountSetting); a missing row means the default.
CREATE TABLE account_setting (
    account_id BIGINT NOT NULL REFERENCES account(id),
    name       TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
);
