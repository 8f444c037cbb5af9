package org.postiljon.store.spi;

import java.time.Instant;

/**
 * A webmail session as stored (the token itself is not: only its hash is the key).
 *
 * @param credentials the account's credential stamp when the session was opened
 * @param csrf        the token the page sends with every change
 */
public record WebSessionRecord(long accountId, String credentials, String csrf, Instant lastUsed) { }
