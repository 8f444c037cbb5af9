package org.postiljon.mailbox.api;

import java.time.Instant;

/**
 * One message in one mailbox, without its body. {@code size} is the RFC 5322 size in octets with
 * CRLF line endings, as IMAP RFC822.SIZE and POP3 LIST report it. A delivered message is its
 * recipient's trace fields ({@code traceLength} octets: Return-Path, Delivered-To, Received; kept
 * with the message, not in the content) followed by the content {@code blobId}, which every
 * recipient of the same delivery shares; offsets in the content's parse move by {@code traceLength}.
 */
public record MessageInfo(long mailboxId, long uid, long modSeq, Flags flags, Instant internalDate,
                          Instant saveDate, long size, BlobId blobId, int traceLength) {

    /** A message without trace fields (appended, copied from one). */
    public MessageInfo(long mailboxId, long uid, long modSeq, Flags flags, Instant internalDate, Instant saveDate, long size, BlobId blobId) {
        this(mailboxId, uid, modSeq, flags, internalDate, saveDate, size, blobId, 0);
    }
}
