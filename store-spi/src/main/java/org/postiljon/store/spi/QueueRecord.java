package org.postiljon.store.spi;

import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.BlobId;

/**
 * A message in the outbound queue and its recipients, as stored.
 *
 * @param sender the reverse-path; "" for the null sender
 * @param ret    RFC 3461 RET (FULL or HDRS), null when not given
 * @param envid  RFC 3461 ENVID in xtext form, null when not given
 */
public record QueueRecord(long id, Instant created, String sender, String ret, String envid, BlobId blob, long size,
                          List<Recipient> recipients) {

    public enum State { QUEUED, DELIVERED, FAILED }

    /** A recipient to queue: its address and RFC 3461 NOTIFY and ORCPT (xtext), null when not given. */
    public record Target(String address, String notifyOn, String orcpt) { }

    /** @param delayNotified whether the sender was told this recipient is delayed */
    public record Recipient(long id, String address, String domain, String notifyOn, String orcpt, State state, int attempts,
                            Instant nextAttempt, String lastReply, boolean delayNotified) { }
}
