package org.postiljon.store.sql;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.postiljon.mailbox.api.DomainName;

/**
 * What read transactions learned of domains (whether one exists, and its settings), shared by this
 * node's readers for {@link #TTL_NANOS}: every delivery asks both, several times, and they change
 * only when an operator changes them. A change committed by this node empties the cache at once;
 * one made by another node sharing the database (or by the CLI beside a running server) is seen
 * within the TTL. Write transactions never read from it: what they check is always current.
 *
 * <p>Invariant: a value read before a change was committed is never kept after it (the generation
 * taken before the read must still be current when the value is put).
 */
final class DomainCache {

    /** How long another process's change to a domain may go unseen here. */
    static final long TTL_NANOS = 1_000_000_000L;

    /**
     * At most this many domains are kept: a stranger asking for mail to endless made-up domains
     * (each "no such domain") must not fill the memory; past it the cache starts afresh.
     */
    static final int MAX_ENTRIES = 10_000;

    /** A domain's settings, or empty when there is no such domain; read at {@code at} (System.nanoTime). */
    private record Entry(Optional<Map<String, String>> settings, long at) { }

    private final Map<DomainName, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** The domain's settings (empty when it does not exist), from the cache or from {@code load}. */
    Optional<Map<String, String>> get(DomainName domain, Function<DomainName, Optional<Map<String, String>>> load) {
        Entry e = entries.get(domain);
        long now = System.nanoTime();
        if (e != null && now - e.at() < TTL_NANOS) return e.settings();
        long before = generation.get();
        Optional<Map<String, String>> read = load.apply(domain);
        if (generation.get() == before) {
            if (entries.size() >= MAX_ENTRIES) entries.clear();
            entries.put(domain, new Entry(read, now));
        }
        return read;
    }

    int size() {
        return entries.size();
    }

    /** Forgets everything: a committed transaction changed a domain or its settings. */
    void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }
}
