package org.postiljon.mailbox;

import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.store.spi.DkimKeyRecord;
import org.postiljon.store.spi.MetadataStore;

/** The domains' DKIM keys in the store (table {@code dkim_key}). */
final class StoredSigningKeys implements SigningKeys {

    private static final List<String> ALGORITHMS = List.of("rsa-sha256", "ed25519-sha256");
    private final MetadataStore store;
    private final Clock clock;

    StoredSigningKeys(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<SigningKey> signing(DomainName domain) {
        return list(domain).stream().filter(SigningKey::signing).findFirst();
    }

    @Override
    public List<SigningKey> list(DomainName domain) {
        return store.read(tx -> tx.dkimKeys(domain.toString())).stream().map(StoredSigningKeys::key).toList();
    }

    @Override
    public SigningKey add(DomainName domain, String selector, String algorithm, byte[] privateKey) {
        return insert(domain, selector, algorithm, privateKey, true);
    }

    @Override
    public SigningKey prepare(DomainName domain, String selector, String algorithm, byte[] privateKey) {
        return insert(domain, selector, algorithm, privateKey, false);
    }

    private SigningKey insert(DomainName domain, String selector, String algorithm, byte[] privateKey, boolean signing) {
        if (!ALGORITHMS.contains(algorithm)) throw new MailboxException.NotAllowed("unknown DKIM algorithm " + algorithm);
        // RFC 6376 §3.1: a selector is one or more DNS labels.
        if (!selector.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
            throw new MailboxException.NotAllowed("a selector is one or more DNS labels: " + selector);
        }
        DkimKeyRecord r = new DkimKeyRecord(domain.toString(), selector, algorithm, Base64.getEncoder().encodeToString(privateKey), clock.instant(), signing);
        store.write(tx -> {
            if (!tx.domainExists(domain)) throw new MailboxException.NoSuchDomain(domain.toString());
            if (tx.dkimKeys(domain.toString()).stream().anyMatch(k -> k.selector().equals(selector))) {
                throw new MailboxException.NotAllowed(domain + " has a key with selector " + selector + " already");
            }
            tx.insertDkimKey(r);
            return null;
        });
        return key(r);
    }

    @Override
    public void use(DomainName domain, String selector) {
        if (!store.write(tx -> tx.useDkimKey(domain.toString(), selector, clock.instant()))) {
            throw new MailboxException.NotAllowed(domain + " has no key with selector " + selector);
        }
    }

    @Override
    public void remove(DomainName domain, String selector) {
        if (!store.write(tx -> tx.deleteDkimKey(domain.toString(), selector))) {
            throw new MailboxException.NotAllowed(domain + " has no key with selector " + selector);
        }
    }

    private static SigningKey key(DkimKeyRecord r) {
        return new SigningKey(DomainName.of(r.domain()), r.selector(), r.algorithm(), Base64.getDecoder().decode(r.privateKey()), r.created(), r.signing(), r.retired());
    }
}
