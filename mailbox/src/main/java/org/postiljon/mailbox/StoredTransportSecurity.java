package org.postiljon.mailbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.store.spi.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Policies, TLS session and DMARC counts in the store (tables {@code mta_sts_policy},
 * {@code tls_result}, {@code dmarc_result}). Counts are added up in memory and written together
 * at most every {@link #FLUSH} (and before they are read), not one transaction per message or
 * session: a count is not worth a commit on the delivery path. A crash loses at most that many
 * seconds of counts, which only makes a report a little short; the store adds the counts of every
 * node, so each node keeps its own.
 */
final class StoredTransportSecurity implements TransportSecurity {

    private static final Logger log = LoggerFactory.getLogger(StoredTransportSecurity.class);
    static final Duration FLUSH = Duration.ofSeconds(10);

    private final MetadataStore store;
    private final Clock clock;
    /** Counts not written yet, by their identity (the count itself zero, its last policy and detail blank). */
    private final Map<Tally, Tally> tls = new ConcurrentHashMap<>();
    private final Map<DmarcTally, DmarcTally> dmarc = new ConcurrentHashMap<>();
    private volatile Instant flushed;

    StoredTransportSecurity(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.flushed = clock.instant();
    }

    @Override
    public Optional<CachedPolicy> policy(String domain) {
        return store.read(tx -> tx.mtaStsPolicy(domain.toLowerCase(Locale.ROOT)));
    }

    @Override
    public void keep(CachedPolicy p) {
        CachedPolicy lower = new CachedPolicy(p.domain().toLowerCase(Locale.ROOT), p.id(), p.text(), p.fetched(), p.expires());
        store.write(tx -> {
            tx.putMtaStsPolicy(lower);
            return null;
        });
    }

    @Override
    public void count(Tally t) {
        Tally lower = new Tally(t.day(), t.policyDomain().toLowerCase(Locale.ROOT), t.policyType(), t.mxHost().toLowerCase(Locale.ROOT),
                t.receivingIp(), t.result(), t.policy(), t.detail(), t.sessions());
        Tally key = new Tally(lower.day(), lower.policyDomain(), lower.policyType(), lower.mxHost(), lower.receivingIp(), lower.result(), "", "", 0);
        tls.merge(key, lower, (old, now) -> now.withSessions(old.sessions() + now.sessions()));
        flushIfDue();
    }

    @Override
    public void count(DmarcTally t) {
        DmarcTally lower = new DmarcTally(t.day(), t.policyDomain().toLowerCase(Locale.ROOT), t.headerFrom().toLowerCase(Locale.ROOT), t.sourceIp(),
                t.disposition(), t.dkimAligned(), t.spfAligned(), t.dkim(), t.spf(), t.policy(), t.messages());
        DmarcTally key = new DmarcTally(lower.day(), lower.policyDomain(), lower.headerFrom(), lower.sourceIp(), lower.disposition(),
                lower.dkimAligned(), lower.spfAligned(), lower.dkim(), lower.spf(), "", 0);
        dmarc.merge(key, lower, (old, now) -> new DmarcTally(now.day(), now.policyDomain(), now.headerFrom(), now.sourceIp(), now.disposition(),
                now.dkimAligned(), now.spfAligned(), now.dkim(), now.spf(), now.policy(), old.messages() + now.messages()));
        flushIfDue();
    }

    private void flushIfDue() {
        if (!clock.instant().isBefore(flushed.plus(FLUSH))) flush();
    }

    /** Writes the counts added up so far in one transaction; on failure they stay for the next try. */
    synchronized void flush() {
        flushed = clock.instant();
        List<Tally> sessions = drain(tls);
        List<DmarcTally> messages = drain(dmarc);
        if (sessions.isEmpty() && messages.isEmpty()) return;
        try {
            store.writeRelaxed(tx -> {
                sessions.forEach(tx::countTlsResult);
                messages.forEach(tx::countDmarcResult);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("report counts not written (kept for the next try): {}", e.getMessage());
            sessions.forEach(this::count);
            messages.forEach(this::count);
        }
    }

    private static <T> List<T> drain(Map<T, T> pending) {
        List<T> out = new ArrayList<>();
        for (T key : List.copyOf(pending.keySet())) {
            T v = pending.remove(key);
            if (v != null) out.add(v);
        }
        return out;
    }

    @Override
    public List<Tally> before(LocalDate day) {
        flush();
        return store.read(tx -> tx.tlsResultsBefore(day.toEpochDay()));
    }

    @Override
    public void forget(String policyDomain, LocalDate day) {
        store.write(tx -> {
            tx.forgetTlsResults(policyDomain.toLowerCase(Locale.ROOT), day.toEpochDay());
            return null;
        });
    }

    @Override
    public List<DmarcTally> dmarcBefore(LocalDate day) {
        flush();
        return store.read(tx -> tx.dmarcResultsBefore(day.toEpochDay()));
    }

    @Override
    public void forgetDmarc(String policyDomain, LocalDate day) {
        store.write(tx -> {
            tx.forgetDmarcResults(policyDomain.toLowerCase(Locale.ROOT), day.toEpochDay());
            return null;
        });
    }
}
