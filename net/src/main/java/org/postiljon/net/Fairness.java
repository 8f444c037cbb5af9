package org.postiljon.net;

/**
 * Long-running work on a connection's virtual thread gives the processor to other connections
 * every {@value #SLICE_MILLIS} ms. Virtual threads are not time-sliced: without this, a few
 * commands that compute for seconds (LIST of 10,000 folders, FETCH of a whole mailbox) would hold
 * every carrier thread, and greetings and other users' NOOPs would wait for them.
 *
 * <p>Protocols call {@link #commandStarts} when a command begins and {@link #checkpoint} in the
 * loops that produce its answer (each response line). A checkpoint costs a clock read.
 */
public final class Fairness {

    static final long SLICE_MILLIS = 2;
    private static final long SLICE_NANOS = SLICE_MILLIS * 1_000_000;
    private static final ThreadLocal<long[]> SINCE = ThreadLocal.withInitial(() -> new long[] {System.nanoTime()});

    private Fairness() { }

    /** A command begins: its slice starts now (the thread was waiting for input, not computing). */
    public static void commandStarts() {
        if (Thread.currentThread().isVirtual()) SINCE.get()[0] = System.nanoTime();
    }

    /** Yields to other virtual threads when this one has computed for a slice since it last did. */
    public static void checkpoint() {
        if (!Thread.currentThread().isVirtual()) return;
        long[] since = SINCE.get();
        long now = System.nanoTime();
        if (now - since[0] < SLICE_NANOS) return;
        Thread.yield();
        since[0] = System.nanoTime();
    }
}
