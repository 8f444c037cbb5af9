package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Optional;
import org.postiljon.mailauth.Dkim;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs mail leaving for other servers with the DKIM key of the domain in its From field (the
 * domain DMARC aligns with, RFC 7489 §3.1.1), when that domain has a signing key. Mail without
 * one, with several From addresses or an unreadable header goes out unsigned, as before.
 */
final class DkimSigning {

    private static final Logger log = LoggerFactory.getLogger(DkimSigning.class);

    private DkimSigning() { }

    /** The DKIM-Signature field to put on top of {@code fixups} + the spooled message, or "" when none. */
    static String field(SmtpServices svc, Spool spool, byte[] fixups) {
        Envelope e = spool.header();
        if (e == null) return "";
        Optional<String> domain = fromDomain(e);
        if (domain.isEmpty()) return "";
        return field(svc.signingKeys(), domain.get(), () -> new SequenceInputStream(new ByteArrayInputStream(fixups), spool.open()));
    }

    /** The DKIM-Signature field for {@code message} from {@code domain} with its signing key, or "" when it has none. */
    static String field(SigningKeys keys, String domain, java.util.function.Supplier<java.io.InputStream> message) {
        Optional<SigningKeys.SigningKey> stored;
        try {
            stored = keys.signing(DomainName.of(domain));
        } catch (RuntimeException x) { // not a domain name we could have a key for
            return "";
        }
        if (stored.isEmpty()) return "";
        SigningKeys.SigningKey k = stored.get();
        try {
            DkimKey key = DkimKey.of(k.domain().ascii(), k.selector(),
                    k.algorithm().equals("rsa-sha256") ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256, k.privateKey());
            return Dkim.sign(message, key, Instant.now());
        } catch (GeneralSecurityException | IOException | RuntimeException x) {
            // Unsigned mail may land in spam; refusing it would lose it. The operator sees why.
            log.error("DKIM signing for {} with key {} failed; the message goes out unsigned", domain, k.selector(), x);
            return "";
        }
    }

    /** The domain of the one From address (RFC 5322 allows several; DMARC then has no single domain to align with). */
    static Optional<String> fromDomain(Envelope e) {
        Address only = null;
        for (Address a : e.from()) {
            if (a.isGroupMarker()) continue;
            if (only != null) return Optional.empty();
            only = a;
        }
        return only == null || only.host() == null || only.host().isEmpty() ? Optional.empty() : Optional.of(only.host());
    }
}
