-- The per-user spam classifier (issue #20): in how many of a user's trained spam and ham messages
-- each token was (token 0 holds the numbers of trained messages), and which message contents the
-- user trained as what, so that a message moved back re-trains once and a second move counts nothing.
CREATE TABLE spam_token (
    account_id BIGINT NOT NULL,
    token      BIGINT NOT NULL,
    spam       BIGINT NOT NULL,
    ham        BIGINT NOT NULL,
    PRIMARY KEY (account_id, token)
);
CREATE TABLE spam_trained (
    account_id BIGINT NOT NULL,
    content    TEXT NOT NULL,      -- the content's SHA-256
    spam       SMALLINT NOT NULL,  -- 1 spam, 0 ham
    PRIMARY KEY (account_id, content)
);
