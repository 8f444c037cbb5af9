package org.postiljon.mailbox.api;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/** The folders of an account: the one place where they are created, renamed and deleted. */
public interface Mailboxes {

    List<Mailbox> list(Account account);

    Optional<Mailbox> find(Account account, MailboxName name);

    /** @throws MailboxException.NoSuchMailbox when it does not exist */
    Mailbox get(Account account, MailboxName name);

    /**
     * Creates the mailbox and any missing parents (RFC 9051 §6.3.4).
     * @throws MailboxException.MailboxExists when the name is taken
     */
    Mailbox create(Account account, MailboxName name, Set<SpecialUse> use);

    /**
     * Deletes a mailbox and its messages. INBOX cannot be deleted; a mailbox with children keeps
     * them (RFC 9051 §6.3.5 lets the server refuse instead; we delete only the named one).
     */
    void delete(Account account, MailboxName name);

    /**
     * Renames a mailbox and everything below it. Renaming INBOX moves its messages into a new
     * mailbox and leaves INBOX empty (RFC 9051 §6.3.6).
     */
    void rename(Account account, MailboxName from, MailboxName to);

    /** Subscriptions are names, and may name mailboxes that do not exist (RFC 9051 §6.3.7). */
    void subscribe(Account account, MailboxName name);

    void unsubscribe(Account account, MailboxName name);

    SortedSet<MailboxName> subscriptions(Account account);

    MailboxStatus status(Account account, MailboxName name);

    /** RFC 5464 §4.1 asks for at least 1,024 octets per entry value and 10 entries. */
    int MAX_ANNOTATION_BYTES = 64 * 1024;
    int MAX_ANNOTATIONS = 100;
    /** All METADATA values of one account together (they do not count toward its quota). */
    long MAX_ANNOTATION_BYTES_PER_ACCOUNT = 1024 * 1024;

    /**
     * The METADATA entries (RFC 5464) of a mailbox, or of the server when {@code mailbox} is null,
     * that the account sees: its own /private entries and the /shared ones, by lower-case name. On
     * a mailbox it needs the "l" right and one of "r", "s", "w", "i", "p" (§3.3); the server's
     * read-only /shared/admin is the postmaster of the account's domain (§3.2.1.1).
     */
    java.util.SortedMap<String, byte[]> annotations(Account account, MailboxName mailbox);

    /**
     * Sets (a value) or removes (empty) entries under /private or /shared, all or none (§4.3).
     * @throws MailboxException.LimitReached past {@link #MAX_ANNOTATIONS} entries
     * @throws MailboxException.NoRights for the server's /shared entries, which the operator sets
     */
    void annotate(Account account, MailboxName mailbox, java.util.Map<String, Optional<byte[]>> entries);
}
