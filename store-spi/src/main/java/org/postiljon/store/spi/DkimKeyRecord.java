package org.postiljon.store.spi;

import java.time.Instant;

/**
 * A DKIM key of a local domain as stored.
 *
 * @param privateKey PKCS#8, base64
 * @param signing    whether it is the domain's signing key (at most one is)
 */
public record DkimKeyRecord(String domain, String selector, String algorithm, String privateKey, Instant created, boolean signing) { }
