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

    record Recipient(long id, String address, String domain, State state, int attempts, Instant nextAttempt, String lastReply) { }

    /** @param sender the reverse-path; "" for the null sender (a bounce) */
    record Entry(long id, Instant created, String sender, long size, List<Recipient> recipients) { }

    /** Stores the message and queues it for every recipient; durable when it returns. */
    Entry enqueue(String sender, List<String> recipients, InputStream content);

    /** Entries with a recipient due at or before {@code now}, most overdue first. */
    List<Entry> due(Instant now, int limit);

    List<Entry> list(int limit);

    /** The message as it will be sent; throws when the entry is gone. */
    InputStream open(long entryId);

    /** The outcome of one attempt for one recipient ({@code next} matters only while QUEUED). */
    void record(long recipientId, State state, Instant next, String reply);

    /** Makes the entry's waiting recipients due now; false when there is no such entry. */
    boolean retry(long entryId);

    /** Drops the entry whatever its state; false when there is no such entry. */
    boolean delete(long entryId);
}
