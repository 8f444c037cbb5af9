package org.postiljon.store.spi;

import java.time.Instant;

/**
 * A DKIM key of a local domain as stored.
 *
 * @param privateKey PKCS#8, base64
 * @param signing    whether it is the domain's signing key (at most one is)
 * @param retired    when it last stopped signing; null while it signs, or when it never did
 */
public record DkimKeyRecord(String domain, String selector, String algorithm, String privateKey, Instant created, boolean signing, Instant retired) {

    /** A key as it is added: not retired. */
    public DkimKeyRecord(String domain, String selector, String algorithm, String privateKey, Instant created, boolean signing) {
        this(domain, selector, algorithm, privateKey, created, signing, null);
    }
}
