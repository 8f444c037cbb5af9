package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A background job that fails runs again: neither an exception nor an error ends its schedule. */
class PeriodicTest {

    @Test
    void aJobThatThrowsKeepsRunning() throws InterruptedException {
        ScheduledExecutorService on = Executors.newSingleThreadScheduledExecutor();
        try {
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch fourth = new CountDownLatch(1);
            Periodic.schedule(on, "a test job", Duration.ZERO, Duration.ofMillis(5), () -> {
                switch (runs.incrementAndGet()) {
                    case 1 -> throw new StackOverflowError("deep");
                    case 2 -> throw new IOException("disk");
                    case 3 -> throw new IllegalStateException("state");
                    default -> fourth.countDown();
                }
            });
            assertTrue(fourth.await(10, TimeUnit.SECONDS), "runs after an Error, a checked and an unchecked exception: " + runs.get());
        } finally {
            on.shutdownNow();
        }
    }
}
