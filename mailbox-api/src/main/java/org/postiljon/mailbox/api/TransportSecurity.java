package org.postiljon.mailbox.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What outbound delivery keeps about other domains' transport security, in the store so that every
 * sending node acts alike: the MTA-STS policies last fetched (RFC 8461 §5.1) and the outcomes of
 * the TLS sessions under a policy, counted per UTC day for the TLS-RPT reports (RFC 8460).
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
}
