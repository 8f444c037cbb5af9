package org.postiljon.imap.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out IMAP4rev1's \Recent: each message is recent in exactly one session (RFC 3501
 * §2.3.2), the first to claim it. Per mailbox, the highest UID already claimed. In memory: after a
 * restart every message is old, which RFC 3501 permits.
 */
public final class RecentTracker {

    private final Map<Long, AtomicLong> claimed = new ConcurrentHashMap<>();

    /** Claims UIDs above the last claimed one up to {@code upTo}; returns the first claimed UID, or 0. */
    public long claimUpTo(long mailboxId, long upTo) {
        AtomicLong c = claimed.computeIfAbsent(mailboxId, k -> new AtomicLong());
        while (true) {
            long prev = c.get();
            if (upTo <= prev) return 0;
            if (c.compareAndSet(prev, upTo)) return prev + 1;
        }
    }

    /** Marks everything up to {@code upTo} as no longer recent without giving it to anyone. */
    public void markSeen(long mailboxId, long upTo) {
        claimed.computeIfAbsent(mailboxId, k -> new AtomicLong()).accumulateAndGet(upTo, Math::max);
    }
}
