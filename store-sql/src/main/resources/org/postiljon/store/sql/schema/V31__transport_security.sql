-- Outbound transport security (issue #19). The MTA-STS policies of other domains as last fetched
-- (RFC 8461 §5.1: kept until max_age runs out, so a policy cannot be stripped by blocking its
-- fetch), shared by every node that sends.
CREATE TABLE mta_sts_policy (
    domain     TEXT NOT NULL PRIMARY KEY, -- lower case
    policy_id  TEXT NOT NULL,             -- the id of the _mta-sts TXT record it was fetched under
    policy     TEXT NOT NULL,             -- the policy as served
    fetched_at BIGINT NOT NULL,           -- epoch milliseconds
    expires_at BIGINT NOT NULL            -- fetched_at + max_age
);
-- TLS sessions with other domains' MX hosts where a policy applied, counted per UTC day for the
-- TLS-RPT reports (RFC 8460); a day's rows go once its reports are sent.
CREATE TABLE tls_result (
    day           BIGINT NOT NULL, -- days since 1970-01-01, UTC
    policy_domain TEXT NOT NULL,   -- lower case
    policy_type   TEXT NOT NULL,   -- sts | tlsa | no-policy-found
    mx_host       TEXT NOT NULL,
    receiving_ip  TEXT NOT NULL,   -- '' when no connection was made
    result        TEXT NOT NULL,   -- '' for a successful session, else an RFC 8460 result type
    policy        TEXT NOT NULL,   -- the policy in force at the last such session
    detail        TEXT NOT NULL,   -- what went wrong, last seen
    sessions      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, policy_type, mx_host, receiving_ip, result)
);
-- Messages that arrived on port 25 from a domain with a DMARC record, counted per UTC day and per
-- kind (RFC 7489 §7.2: the rows of the aggregate report); a day's rows go once its reports are sent.
CREATE TABLE dmarc_result (
    day           BIGINT NOT NULL, -- days since 1970-01-01, UTC
    policy_domain TEXT NOT NULL,   -- where the DMARC record was found, lower case
    header_from   TEXT NOT NULL,   -- the RFC 5322.From domain, lower case
    source_ip     TEXT NOT NULL,
    disposition   TEXT NOT NULL,   -- none | quarantine | reject: what was done
    dkim_aligned  SMALLINT NOT NULL,
    spf_aligned   SMALLINT NOT NULL,
    dkim          TEXT NOT NULL,   -- the DKIM results: "domain selector result" joined by ';'
    spf           TEXT NOT NULL,   -- the SPF result: "domain scope result"
    policy        TEXT NOT NULL,   -- the record as published (p, sp, adkim, aspf, pct), last seen
    messages      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, header_from, source_ip, disposition, dkim_aligned, spf_aligned, dkim, spf)
);
-- When a DKIM key last stopped signing (issue #19: scheduled rotation removes it a while after).
-- epoch milliseconds; NULL: signing, or never signed
ALTER TABLE dkim_key ADD COLUMN retired_at BIGINT;
