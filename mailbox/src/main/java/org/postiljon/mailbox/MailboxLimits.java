package org.postiljon.mailbox;

import java.time.Duration;

/**
 * Limits of the mailbox layer.
 *
 * @param maxMessageBytes        largest message accepted by append; 50 MiB is what large hosted
 *                               services accept after base64 growth of a 35 MB attachment
 * @param credentialCacheTtl     how long a verified password is accepted again without Argon2
 *                               ({@link VerifiedCredentials}); an hour, as Dovecot's auth_cache_ttl;
 *                               zero: never
 * @param credentialCacheEntries accounts remembered at most
 * @param maxMailboxesPerAccount folders one account may have; 10,000 (Dovecot has no default limit,
 *                               Stalwart and hosted services use 1,000-10,000): LIST of all of them
 *                               stays a few milliseconds
 */
public record MailboxLimits(long maxMessageBytes, Duration credentialCacheTtl, int credentialCacheEntries, int maxMailboxesPerAccount) {
    public static final MailboxLimits DEFAULT = new MailboxLimits(50L * 1024 * 1024);

    public MailboxLimits(long maxMessageBytes) {
        this(maxMessageBytes, Duration.ofHours(1), 100_000, 10_000);
    }
}
