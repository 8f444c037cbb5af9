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
}
