package org.postiljon.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.DomainName;

/** The node's memory of domains: read once per second per domain, forgotten on a change, bounded against made-up names. */
class DomainCacheTest {

    @Test
    void aDomainIsReadOnceUntilAChangeAndMadeUpNamesDoNotFillTheMemory() {
        DomainCache cache = new DomainCache();
        AtomicInteger reads = new AtomicInteger();
        var example = new DomainName("example.org");
        java.util.function.Function<DomainName, Optional<Map<String, String>>> load = d -> {
            reads.incrementAndGet();
            return d.equals(example) ? Optional.of(Map.of("spam.mode", "junk")) : Optional.empty();
        };
        for (int i = 0; i < 5; i++) assertEquals(Optional.of(Map.of("spam.mode", "junk")), cache.get(example, load));
        assertEquals(1, reads.get(), "read once, then remembered");
        cache.invalidate();
        cache.get(example, load);
        assertEquals(2, reads.get(), "read again after a change");

        // A read that began before a change is not kept after it
        cache.get(new DomainName("racing.example"), d -> {
            cache.invalidate();
            return Optional.empty();
        });
        assertEquals(0, cache.size(), "the value read across the change was not kept");

        for (int i = 0; i < 3 * DomainCache.MAX_ENTRIES; i++) {
            assertEquals(Optional.empty(), cache.get(new DomainName("made-up-" + i + ".example"), load));
        }
        assertTrue(cache.size() <= DomainCache.MAX_ENTRIES, "bounded: " + cache.size());
    }
}
