package org.postiljon.mailbox.api;

import java.util.List;
import java.util.Optional;

/**
 * Storage and message-count limits (RFC 9208). Usage counts every folder, Trash and Junk
 * included, and is kept by the store in the transaction that changes it. Enforcement is part of
 * every operation that adds messages ({@link Messages}); this interface reports and administers.
 */
public interface Quotas {

    /** The user's own quota (root {@code ""}). */
    Quota own(Account user);

    /** The quota root a mailbox the user can see is charged to (RFC 9208 §4.3.2). */
    Quota rootOf(Account user, MailboxName mailbox);

    /** A root by name as the user sees it: {@code ""} or {@code #user/ADDRESS} of an account whose mailboxes the user sees. */
    Quota root(Account user, String root);

    /**
     * Whether a message of {@code size} octets could be delivered to the account now: a check ahead
     * of the delivery, with the account's own limits as {@code recipient} carries them (one read
     * fewer); the delivery itself checks again with the limits in force.
     * @throws MailboxException.OverQuota when it would not fit ({@code permanent} when it never could)
     */
    void checkDelivery(Account recipient, long size);

    /**
     * Whether {@code count} messages of {@code bytes} in all could be appended to the mailbox now
     * (checked against the quota of the mailbox's owner).
     * @throws MailboxException.OverQuota when they would not fit
     */
    void checkAppend(Account user, MailboxName mailbox, long bytes, int count);

    /** Sets an account's own limits; only for an administrator ({@link MailboxException.NoRights} otherwise). */
    Quota setLimits(Account admin, String root, QuotaLimits limits);

    /** Whether the account may administer quotas (SETQUOTA). */
    boolean isAdmin(Account user);

    /** How many accounts (users and team mailboxes) there are and what they store together. */
    record Totals(long accounts, QuotaUsage usage) { }

    /** Every account's usage summed (one read of the accounts, not of their messages). */
    Totals totals();

    /** Every account's usage by account id, in one read (an account list shows it beside each). */
    java.util.Map<Long, QuotaUsage> usages();

    /** An account whose stored usage differed from its messages. */
    record Drift(EmailAddress account, QuotaUsage stored, QuotaUsage counted) { }

    /** Recounts usage from the messages (all accounts, or one), corrects it and reports what was wrong. */
    List<Drift> repair(Optional<EmailAddress> account);
}
