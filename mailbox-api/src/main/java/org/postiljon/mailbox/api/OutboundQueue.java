package org.postiljon.mailbox.api;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Mail for other servers, kept durably until every recipient has been delivered to or has
 * failed for good. The SMTP module's sender works it off; the CLI shows and manages it.
 */
public interface OutboundQueue {

    enum State { QUEUED, DELIVERED, FAILED }

    /** RFC 3461 per message: RET ("FULL" or "HDRS") and ENVID (xtext); null when not given. */
    record Dsn(String ret, String envid) {
        public static final Dsn NONE = new Dsn(null, null);
    }

    /** A recipient to queue, with its RFC 3461 NOTIFY (e.g. "FAILURE,DELAY", "NEVER") and ORCPT (xtext); null when not given. */
    record Target(String address, String notifyOn, String orcpt) {
        public static Target of(String address) {
            return new Target(address, null, null);
        }

        /** Whether a notice of this kind is wanted (RFC 3461 §4.1: by default FAILURE and DELAY). */
        public boolean wants(String kind) {
            return notifyOn == null ? !kind.equals("SUCCESS") : java.util.Arrays.asList(notifyOn.toUpperCase(java.util.Locale.ROOT).split(",")).contains(kind);
        }
    }

    /** @param delayNotified whether the sender was told this recipient is delayed */
    record Recipient(long id, Target target, String domain, State state, int attempts, Instant nextAttempt, String lastReply,
                     boolean delayNotified) {
        public String address() {
            return target.address();
        }
    }

    /** @param sender the reverse-path; "" for the null sender (a bounce) */
    record Entry(long id, Instant created, String sender, Dsn dsn, long size, List<Recipient> recipients) { }

    /** Stores the message and queues it for every recipient; durable when it returns. */
    Entry enqueue(String sender, Dsn dsn, List<Target> recipients, InputStream content);

    /**
     * Claims entries with a recipient due at or before {@code now}, most overdue first, for this
     * process: no other process (node) gets them until {@link #release} or until the claim runs
     * out (its holder died), so each message is sent by one node.
     */
    List<Entry> claim(Instant now, int limit);

    /**
     * Claims one entry for this process whatever its due times (to act on it now, e.g. return it to
     * its sender); empty when there is no such entry or another process (node) holds it. Released
     * with {@link #release}.
     */
    java.util.Optional<Entry> claim(long entryId, Instant now);

    /** Ends this process's claim on an entry: after an attempt, its next attempt may be any node's. */
    void release(long entryId);

    List<Entry> list(int limit);

    /** How many messages wait in the queue, and since when the oldest (empty when none). */
    record Summary(long messages, java.util.Optional<Instant> oldest) { }

    /** The queue in two figures, read in one statement (for metrics and the operator). */
    Summary summary();

    /** The message as it will be sent; throws when the entry is gone. */
    InputStream open(long entryId);

    /** The outcome of one attempt for one recipient ({@code next} matters only while QUEUED). */
    void record(long recipientId, State state, Instant next, String reply);

    /** Notes that the sender was told the recipient is delayed (it is told once). */
    void delayNotified(long recipientId);

    /** Makes the entry's waiting recipients due now; false when there is no such entry. */
    boolean retry(long entryId);

    /** Drops the entry whatever its state; false when there is no such entry. */
    boolean delete(long entryId);
}
