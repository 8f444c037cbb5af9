package org.postiljon.mailbox.api;

import java.time.Duration;

/** The accounts' automatic replies, and the memory of whom they answered (one reply per sender and period, RFC 5230 §4.1). */
public interface Vacations {

    /** The account's setting ({@link Vacation#OFF} when never set). */
    Vacation get(Account account);

    void set(Account account, Vacation vacation);

    /**
     * Whether {@code account} should answer {@code sender} now: true, and the reply is noted, unless
     * one was noted for that sender within {@code period}. Several nodes asking at once get one true.
     */
    boolean claimReply(Account account, String sender, Duration period);
}
