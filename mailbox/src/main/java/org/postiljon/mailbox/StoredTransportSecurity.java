package org.postiljon.mailbox;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.store.spi.MetadataStore;

/** Policies, TLS session and DMARC counts in the store (tables {@code mta_sts_policy}, {@code tls_result}, {@code dmarc_result}). */
final class StoredTransportSecurity implements TransportSecurity {

    private final MetadataStore store;

    StoredTransportSecurity(MetadataStore store) {
        this.store = store;
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
        store.writeRelaxed(tx -> { // a count lost in a crash only makes a report a session short
            tx.countTlsResult(lower);
            return null;
        });
    }

    @Override
    public List<Tally> before(LocalDate day) {
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
    public void count(DmarcTally t) {
        DmarcTally lower = new DmarcTally(t.day(), t.policyDomain().toLowerCase(Locale.ROOT), t.headerFrom().toLowerCase(Locale.ROOT), t.sourceIp(),
                t.disposition(), t.dkimAligned(), t.spfAligned(), t.dkim(), t.spf(), t.policy(), t.messages());
        store.writeRelaxed(tx -> { // a count lost in a crash only makes a report a message short
            tx.countDmarcResult(lower);
            return null;
        });
    }

    @Override
    public List<DmarcTally> dmarcBefore(LocalDate day) {
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
