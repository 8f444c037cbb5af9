package org.postiljon.net;

/**
 * Where every protocol reports how long each command took, for the node's metrics. The server
 * installs the one sink at start (process-wide, like the JVM's own figures); until then, and in
 * tests that install none, a report costs a volatile read.
 *
 * <p>Only names from a protocol's own command table are reported, never what a client sent, so
 * the set of series stays bounded whatever clients send ({@link #UNKNOWN} stands for the rest).
 */
public final class CommandTimes {

    /** The name reported for a command the protocol does not know. */
    public static final String UNKNOWN = "unknown";

    /** Receives the reports. Must be fast and must not throw. */
    @FunctionalInterface
    public interface Sink {
        void command(String protocol, String command, long nanos);
    }

    private static volatile Sink sink = (protocol, command, nanos) -> { };

    private CommandTimes() { }

    /** Sends every later report to {@code s}. */
    public static void sink(Sink s) {
        sink = s;
    }

    /** A command of {@code protocol} was answered {@code nanos} after it began. */
    public static void command(String protocol, String command, long nanos) {
        sink.command(protocol, command, nanos);
    }
}
