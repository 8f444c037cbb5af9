package org.postiljon.mailbox.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The DKIM keys local domains sign their outgoing mail with (RFC 6376), kept in the store so that
 * every node signs alike. A domain has at most one signing key; older keys stay listed (their
 * public halves published) until the operator removes them, so mail signed before a rotation
 * still verifies while it travels.
 */
public interface SigningKeys {

    /**
     * One key.
     *
     * @param algorithm  {@code rsa-sha256} or {@code ed25519-sha256}
     * @param privateKey PKCS#8 encoding
     * @param retired    when it last stopped signing; null while it signs or when it never did (a key waiting for its record)
     */
    record SigningKey(DomainName domain, String selector, String algorithm, byte[] privateKey, Instant created, boolean signing, Instant retired) {
        public SigningKey {
            privateKey = privateKey.clone();
        }

        @Override
        public byte[] privateKey() {
            return privateKey.clone();
        }
    }

    /** The key the domain signs with now, if it has one. */
    Optional<SigningKey> signing(DomainName domain);

    /** All the domain's keys, oldest first. */
    List<SigningKey> list(DomainName domain);

    /**
     * Adds a key that becomes the domain's signing key.
     *
     * @throws MailboxException.NoSuchDomain when the domain is not local
     * @throws MailboxException.NotAllowed   when the domain has a key with that selector
     */
    SigningKey add(DomainName domain, String selector, String algorithm, byte[] privateKey);

    /**
     * Adds a key that does not sign yet (a rotation's next key: its record is published first).
     *
     * @throws MailboxException.NoSuchDomain when the domain is not local
     * @throws MailboxException.NotAllowed   when the domain has a key with that selector
     */
    SigningKey prepare(DomainName domain, String selector, String algorithm, byte[] privateKey);

    /** Makes an existing key the signing key (to roll back a rotation). */
    void use(DomainName domain, String selector);

    /** Removes a key; a domain whose signing key is removed sends unsigned mail until another is used. */
    void remove(DomainName domain, String selector);
}
