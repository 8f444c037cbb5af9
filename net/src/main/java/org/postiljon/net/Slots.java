package org.postiljon.net;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counted places per key (an address, an account), at most {@code max} taken at once per key:
 * connections per IP on a listener, event streams per account. Taking and releasing are atomic per
 * key, and a key whose places are all free is forgotten, so the map holds only keys in use.
 */
public final class Slots<K> {

    private final int max;
    private final Map<K, Integer> taken = new ConcurrentHashMap<>();

    public Slots(int max) {
        this.max = max;
    }

    /** Takes a place for {@code key}; false (and nothing taken) when all of its places are taken. */
    public boolean take(K key) {
        boolean[] took = {false};
        taken.compute(key, (k, n) -> {
            int used = n == null ? 0 : n;
            if (used >= max) return n;
            took[0] = true;
            return used + 1;
        });
        return took[0];
    }

    public void release(K key) {
        taken.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }
}
