package org.postiljon.mailbox.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What this server keeps about other domains' mail security, in the store so that every node acts
 * alike: the MTA-STS policies last fetched (RFC 8461 §5.1), the outcomes of the TLS sessions under
 * a policy, counted per UTC day for the TLS-RPT reports (RFC 8460), and the DMARC outcomes of
 * arriving mail for the DMARC aggregate reports (RFC 7489 §7.2).
 */
public interface TransportSecurity {

    /**
     * A policy as fetched.
     *
     * @param id   the id of the TXT record the policy was fetched under (RFC 8461 §3.1)
     * @param text the policy as served
     */
    record CachedPolicy(String domain, String id, String text, Instant fetched, Instant expires) { }

    /**
     * One kind of session outcome on one day.
     *
     * @param policyType  "sts", "tlsa" or "no-policy-found" (RFC 8460 §4.4)
     * @param receivingIp the MX host's address, "" when no connection was made
     * @param result      "" for successful sessions, else an RFC 8460 §4.3 result type
     * @param policy      the policy in force (its text), "" for none
     * @param detail      what went wrong at the last such session, "" for none
     */
    record Tally(LocalDate day, String policyDomain, String policyType, String mxHost, String receivingIp, String result, String policy,
                 String detail, long sessions) {
        public boolean successful() {
            return result.isEmpty();
        }

        public Tally withSessions(long n) {
            return new Tally(day, policyDomain, policyType, mxHost, receivingIp, result, policy, detail, n);
        }
    }

    /** The policy last fetched for {@code domain} (lower case), expired or not. */
    Optional<CachedPolicy> policy(String domain);

    /** Keeps a freshly fetched policy, replacing the one before. */
    void keep(CachedPolicy policy);

    /** Counts one session: {@code sessions} of {@code tally} are added to the day's count. */
    void count(Tally tally);

    /** The counts of the days before {@code day}: the days whose reports are due. */
    List<Tally> before(LocalDate day);

    /** Forgets a domain's counts for a day (its reports went). */
    void forget(String policyDomain, LocalDate day);

    /**
     * Arriving messages of one kind on one day, under one DMARC record (RFC 7489 §7.2, a report's "record").
     *
     * @param policyDomain where the DMARC record was found
     * @param disposition  none, quarantine or reject: what was done
     * @param dkim         the DKIM results, "domain selector result" joined by ';' ("" for none)
     * @param spf          the SPF result, "domain scope result"
     * @param policy       the record's p, sp, adkim, aspf and pct as "p=reject; sp=reject; adkim=r; aspf=r; pct=100"
     */
    record DmarcTally(LocalDate day, String policyDomain, String headerFrom, String sourceIp, String disposition, boolean dkimAligned,
                      boolean spfAligned, String dkim, String spf, String policy, long messages) { }

    /** Counts {@code tally.messages()} more messages of that kind. */
    void count(DmarcTally tally);

    /** The DMARC counts of the days before {@code day}. */
    List<DmarcTally> dmarcBefore(LocalDate day);

    /** Forgets a DMARC record domain's counts for a day. */
    void forgetDmarc(String policyDomain, LocalDate day);
}
