package org.postiljon.mailbox.api;

import java.time.Instant;

/**
 * A message whose bytes are stored and parsed but that is in no mailbox yet: the first half of an
 * append, so that several messages can be appended in one transaction (MULTIAPPEND, RFC 3502).
 */
public record StagedMessage(BlobId blob, long size, MessageKeys keys, Flags flags, Instant internalDate) { }
