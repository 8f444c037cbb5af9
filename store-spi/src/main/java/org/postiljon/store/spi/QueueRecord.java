package org.postiljon.store.spi;

import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.BlobId;

/**
 * A message in the outbound queue and its recipients, as stored.
 *
 * @param sender the reverse-path; "" for the null sender
 */
public record QueueRecord(long id, Instant created, String sender, BlobId blob, long size, List<Recipient> recipients) {

    public enum State { QUEUED, DELIVERED, FAILED }

    public record Recipient(long id, String address, String domain, State state, int attempts, Instant nextAttempt, String lastReply) { }
}
