-- DKIM signing keys of the local domains (issue #19), in the store so that every node signs alike.
-- One key per domain signs (signing = 1); the others stay listed, and published by the operator,
-- until removed: a rotated-out key must verify mail signed with it for a while yet.
CREATE TABLE dkim_key (
    domain      TEXT NOT NULL,     -- lower case
    selector    TEXT NOT NULL,
    algorithm   TEXT NOT NULL,     -- rsa-sha256 | ed25519-sha256
    private_key TEXT NOT NULL,     -- PKCS#8, base64
    created_at  BIGINT NOT NULL,   -- epoch milliseconds
    signing     SMALLINT NOT NULL, -- 1 for the domain's signing key, else 0
    PRIMARY KEY (domain, selector)
);
