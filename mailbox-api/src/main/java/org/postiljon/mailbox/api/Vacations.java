package org.postiljon.mailbox.api;

import java.time.Duration;

/**
 * The accounts' automatic replies, and the memory of whom they answered (one reply per sender and
 * period, RFC 5230 §4.1) and of which messages a Sieve duplicate test saw (RFC 7352).
 */
public interface Vacations {

    /** The account's setting ({@link Vacation#OFF} when never set). */
    Vacation get(Account account);

    void set(Account account, Vacation vacation);

    /**
     * Whether {@code account} should answer {@code sender} now: true, and the reply is noted, unless
     * one was noted for that sender within {@code period}. Several nodes asking at once get one true.
     */
    boolean claimReply(Account account, String sender, Duration period);

    /**
     * Sieve's duplicate test (RFC 7352): whether {@code key} was {@link #remember remembered} for
     * the account less than {@code period} ago. Kept beside the replies' memory.
     */
    boolean seen(Account account, String key, Duration period);

    /** Remembers {@code key} for the account as seen now (RFC 7352 §3: after a script ran well). */
    void remember(Account account, String key);
}
