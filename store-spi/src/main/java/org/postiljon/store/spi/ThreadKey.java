package org.postiljon.store.spi;

import java.time.Instant;
import java.util.List;

/** The keys of one message that threading reads (RFC 5256 §2): stored at delivery, never re-parsed. */
public record ThreadKey(long uid, Instant internalDate, Instant sentDate, String messageId, List<String> references,
                        String subject, String baseSubject) { }
