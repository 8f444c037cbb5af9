package org.postiljon.imap.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out IMAP4rev1's \Recent: each message is recent in exactly one session (RFC 3501
 * §2.3.2), the first to claim it. Per mailbox, the highest UID already claimed. In memory: after a
 * restart every message is old, which RFC 3501 permits. Keyed by the mailbox and its UIDVALIDITY:
 * the store may give a deleted mailbox's id to a new one, whose messages are new again.
 */
public final class RecentTracker {

    private record Key(long mailboxId, long uidValidity) { }

    private final Map<Key, AtomicLong> claimed = new ConcurrentHashMap<>();

    /** Claims UIDs above the last claimed one up to {@code upTo}; returns the first claimed UID, or 0. */
    public long claimUpTo(long mailboxId, long uidValidity, long upTo) {
        AtomicLong c = claimed.computeIfAbsent(new Key(mailboxId, uidValidity), k -> new AtomicLong());
        while (true) {
            long prev = c.get();
            if (upTo <= prev) return 0;
            if (c.compareAndSet(prev, upTo)) return prev + 1;
        }
    }

    /**
     * The highest UID claimed so far, without claiming: UIDs above it are still \Recent (RFC 3501
     * §2.3.2), which EXAMINE and STATUS report without taking.
     */
    public long claimed(long mailboxId, long uidValidity) {
        AtomicLong c = claimed.get(new Key(mailboxId, uidValidity));
        return c == null ? 0 : c.get();
    }
}
