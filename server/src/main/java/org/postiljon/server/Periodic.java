package org.postiljon.server;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's background jobs (sweeps, retention, leases, expiry). A throwable escaping a task of a
 * {@link ScheduledExecutorService} cancels every later run without a word (it is kept in a future
 * nobody reads), so a job here logs a failed run, whatever it threw, and runs again next time.
 */
final class Periodic {

    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    /** One run of a job; may throw anything. */
    @FunctionalInterface
    interface Job {
        void run() throws Exception;
    }

    private Periodic() { }

    /**
     * Runs {@code job} on {@code on} after {@code first}, then {@code every} after each run ends.
     *
     * @param what what the job does, for the log line of a failed run
     */
    static void schedule(ScheduledExecutorService on, String what, Duration first, Duration every, Job job) {
        // Stopped by shutting the executor down; the future has nothing else to say.
        var unused = on.scheduleWithFixedDelay(() -> {
            try {
                job.run();
            } catch (Exception | Error e) { // an Error too: one StackOverflowError must not end retention for good
                log.error("{} failed; it runs again in {}", what, every, e);
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }
}
