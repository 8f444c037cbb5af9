package org.postiljon.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counted places per key (an address, an account), each key with at most {@code max} taken at once. */
final class Slots {

    private final int max;
    private final Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();

    Slots(int max) {
        this.max = max;
    }

    /** Takes a place for {@code key}; false (and nothing taken) when all of its places are taken. */
    boolean take(String key) {
        AtomicInteger n = taken.computeIfAbsent(key, k -> new AtomicInteger());
        if (n.incrementAndGet() <= max) return true;
        release(key);
        return false;
    }

    void release(String key) {
        taken.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
