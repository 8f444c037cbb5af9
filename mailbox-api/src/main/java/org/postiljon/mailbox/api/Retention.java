package org.postiljon.mailbox.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Expiry of messages by folder: a message is expunged {@code days} after its SAVEDATE (RFC 8514).
 * Trash and Junk default to the account's {@link AccountSetting#RETENTION_TRASH} and
 * {@link AccountSetting#RETENTION_JUNK}; every other folder keeps mail unless given a policy.
 */
public interface Retention {

    /** What one folder would lose (or lost): messages saved before {@code cutoff}. */
    record Expiry(EmailAddress account, MailboxName mailbox, int days, Instant cutoff, long messages, long bytes) { }

    /** What {@link #run} would remove at {@code now}; changes nothing. */
    List<Expiry> preview(Optional<EmailAddress> account, Instant now);

    /** Expunges every expired message; returns what was removed, per folder. */
    List<Expiry> run(Instant now);

    /** The folder's own policy: days, 0 for never, empty to use the default of its special use. */
    void setPolicy(EmailAddress account, MailboxName mailbox, OptionalInt days);

    /** The policy in force for the folder, in days (0: never). */
    int policy(EmailAddress account, MailboxName mailbox);
}
