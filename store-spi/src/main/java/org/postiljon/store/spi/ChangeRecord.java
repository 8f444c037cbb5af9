package org.postiljon.store.spi;

/**
 * One row of an account's change log. Expunges are kept as tombstones (kind {@code EXPUNGE}) so
 * QRESYNC can report VANISHED and JMAP can answer {@code /changes}.
 */
public record ChangeRecord(long modSeq, long mailboxId, long uid, Kind kind) {
    public enum Kind { APPEND, FLAGS, EXPUNGE, MAILBOX }
}
