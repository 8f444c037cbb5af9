package org.postiljon.store.spi;

/**
 * One row of an account's change log. Expunges are kept as tombstones (kind {@code EXPUNGE}) so
 * QRESYNC can report VANISHED and JMAP can answer {@code /changes}. {@code blob} is the content the
 * message had (kept on tombstones; for other kinds the message's current one, null when it is gone or
 * for changes to the mailbox itself).
 */
public record ChangeRecord(long modSeq, long mailboxId, long uid, Kind kind, org.postiljon.mailbox.api.BlobId blob) {
    /** For the MAILBOX kinds {@code uid} holds the mailbox's UIDVALIDITY (0 in rows older than V11), so its id outlives it. */
    public enum Kind { APPEND, FLAGS, EXPUNGE, MAILBOX_CREATE, MAILBOX, MAILBOX_DELETE }
}
