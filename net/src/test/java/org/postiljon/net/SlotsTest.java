package org.postiljon.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Counted places: never more than the limit at once, however many take and release together. */
class SlotsTest {

    @Test
    void placesAreNeverOverTakenAndFreedPlacesComeBack() throws Exception {
        Slots<String> slots = new Slots<>(5);
        AtomicInteger inside = new AtomicInteger(), most = new AtomicInteger(), refused = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ts.add(Thread.startVirtualThread(() -> {
                for (int round = 0; round < 200; round++) {
                    if (!slots.take("192.0.2.1")) {
                        refused.incrementAndGet();
                        continue;
                    }
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    Thread.yield();
                    inside.decrementAndGet();
                    slots.release("192.0.2.1");
                }
            }));
        }
        for (Thread t : ts) t.join();
        assertTrue(most.get() <= 5, "at most 5 at once, saw " + most.get());
        assertTrue(refused.get() > 0, "the limit was reached");
        for (int i = 0; i < 5; i++) assertTrue(slots.take("192.0.2.1"), "every place is free again");
        assertFalse(slots.take("192.0.2.1"));
        assertTrue(slots.take("198.51.100.1"), "keys count apart");
    }
}
