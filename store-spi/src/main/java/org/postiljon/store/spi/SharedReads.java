package org.postiljon.store.spi;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What read transactions learned, shared by a node's readers for a short time: for what every
 * delivery asks and an operator or a user changes rarely (a domain's settings, an account's
 * delivery rules). A change committed by this node is followed by {@link #invalidate} before its
 * caller is answered, so this node's callers see their own changes at once; one made by another
 * node sharing the database (or by the CLI beside a running server) is seen within the TTL.
 *
 * <p>Invariant: a value read before a change was committed is never kept after the change's
 * {@code invalidate}. A reader takes {@link #generation()} before its transaction's snapshot and
 * hands it to {@link #get}, which keeps the value only while no invalidation came since.
 */
public final class SharedReads<K, V> {

    private record Entry<V>(V value, long at) { }

    private final long ttlNanos;
    private final int maxEntries;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * @param ttl        how long another process's change may go unseen here
     * @param maxEntries most values kept: a stranger asking about endless made-up names must not
     *                   fill the memory; past it the cache starts afresh
     */
    public SharedReads(Duration ttl, int maxEntries) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    /** To be taken before the read transaction that may {@link #get} begins its snapshot. */
    public long generation() {
        return generation.get();
    }

    /**
     * The value for {@code key}: remembered, or from {@code load}, which reads it in a transaction
     * whose snapshot began after {@code generation} was taken.
     */
    public V get(K key, long generation, Function<K, V> load) {
        Entry<V> e = entries.get(key);
        long now = System.nanoTime();
        if (e != null && now - e.at() < ttlNanos) return e.value();
        V read = load.apply(key);
        if (this.generation.get() == generation) {
            if (entries.size() >= maxEntries) entries.clear();
            Entry<V> kept = new Entry<>(read, now);
            entries.put(key, kept);
            // An invalidation between the check and the put must not leave the value behind.
            if (this.generation.get() != generation) entries.remove(key, kept);
        }
        return read;
    }

    /** Forgets everything (a committed change may touch any key). */
    public void invalidate() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** Forgets {@code key} (a committed change touched it); reads under way of any key are not kept. */
    public void invalidate(K key) {
        generation.incrementAndGet();
        entries.remove(key);
    }

    public int size() {
        return entries.size();
    }
}
