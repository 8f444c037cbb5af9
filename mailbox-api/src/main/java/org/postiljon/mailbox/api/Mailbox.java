package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * A folder of one account. {@code uidValidity} is fixed for the life of this mailbox and differs
 * from that of any earlier mailbox of the same name (RFC 9051 §2.3.1.1); {@code uidNext} only grows.
 */
public record Mailbox(long id, long accountId, MailboxName name, long uidValidity, long uidNext,
                      long highestModSeq, Optional<SpecialUse> specialUse) { }
