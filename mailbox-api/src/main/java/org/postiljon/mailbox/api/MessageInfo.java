package org.postiljon.mailbox.api;

import java.time.Instant;

/**
 * One message in one mailbox, without its body. {@code size} is the RFC 5322 size in octets with
 * CRLF line endings, as IMAP RFC822.SIZE and POP3 LIST report it.
 */
public record MessageInfo(long mailboxId, long uid, long modSeq, Flags flags, Instant internalDate,
                          Instant saveDate, long size, BlobId blobId) { }
