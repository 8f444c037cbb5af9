package org.postiljon.pop3;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RFC 1939 §8: the server should lock the maildrop while a POP3 session holds it. In this
 * process; several nodes over one PostgreSQL store would need the lock in the store (issue #9).
 */
public final class MaildropLocks {

    private final Set<Long> held = ConcurrentHashMap.newKeySet();

    /** True when the account's maildrop was free and is now this caller's. */
    boolean acquire(long accountId) {
        return held.add(accountId);
    }

    void release(long accountId) {
        held.remove(accountId);
    }
}
