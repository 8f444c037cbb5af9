package org.postiljon.store.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A node's shared memory of reads: read once per TTL, forgotten on a change, never keeping a read older than a change, bounded. */
class SharedReadsTest {

    private final AtomicInteger reads = new AtomicInteger();
    private final Function<String, String> load = k -> {
        reads.incrementAndGet();
        return "value of " + k;
    };

    @Test
    void aValueIsReadOnceUntilAChange() {
        SharedReads<String, String> cache = new SharedReads<>(Duration.ofMinutes(1), 100);
        for (int i = 0; i < 5; i++) assertEquals("value of a", cache.get("a", cache.generation(), load));
        assertEquals(1, reads.get(), "read once, then remembered");
        cache.invalidate("a");
        cache.get("a", cache.generation(), load);
        assertEquals(2, reads.get(), "read again after a change to it");
        cache.get("b", cache.generation(), load);
        cache.invalidate();
        cache.get("a", cache.generation(), load);
        cache.get("b", cache.generation(), load);
        assertEquals(5, reads.get(), "everything read again after a change to all");
    }

    @Test
    void aValueIsReadAgainOnceItsTimeIsUp() throws InterruptedException {
        SharedReads<String, String> cache = new SharedReads<>(Duration.ofMillis(50), 100);
        cache.get("a", cache.generation(), load);
        Thread.sleep(80);
        cache.get("a", cache.generation(), load);
        assertEquals(2, reads.get(), "another node's change is seen within the TTL");
    }

    @Test
    void aReadWhoseSnapshotBeganBeforeAChangeIsNotKept() {
        SharedReads<String, String> cache = new SharedReads<>(Duration.ofMinutes(1), 100);
        // The reader took the generation, its snapshot began, then a change committed and invalidated
        // (another key's: the reader cannot know which keys its snapshot holds stale)
        long before = cache.generation();
        cache.invalidate("other");
        assertEquals("value of a", cache.get("a", before, load), "the reader gets what it read");
        assertEquals(0, cache.size(), "but it is not kept for others");

        // A change committed while the value was being read
        cache.get("a", cache.generation(), k -> {
            cache.invalidate(k);
            return "stale";
        });
        assertEquals(0, cache.size(), "the value read across the change was not kept");
        assertEquals("value of a", cache.get("a", cache.generation(), load));
    }

    @Test
    void madeUpKeysDoNotFillTheMemory() {
        SharedReads<String, String> cache = new SharedReads<>(Duration.ofMinutes(1), 1_000);
        for (int i = 0; i < 3_000; i++) cache.get("made-up-" + i, cache.generation(), load);
        assertTrue(cache.size() <= 1_000, "bounded: " + cache.size());
    }
}
