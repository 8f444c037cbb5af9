package org.postiljon.mailbox.api;

import java.util.List;

/**
 * Access control lists of mailboxes (RFC 4314). The owner of a mailbox always has every right;
 * others get what the ACL (and team membership) grants. Every operation of {@link Mailboxes} and
 * {@link Messages} checks rights itself; this interface reads and changes them. Names are as the
 * user sees them, so {@code Other Users/bob@example.com/Projects} names bob's folder.
 */
public interface Acl {

    /** The user's rights on the mailbox (MYRIGHTS). */
    Rights myRights(Account user, MailboxName mailbox);

    /** The ACL, owner first (GETACL); needs {@code a}. */
    List<AclEntry> get(Account user, MailboxName mailbox);

    /** Replaces the rights of {@code identifier} (SETACL); empty rights remove the entry. Needs {@code a}. */
    void set(Account user, MailboxName mailbox, String identifier, Rights rights);

    /** Removes the entry of {@code identifier} (DELETEACL); needs {@code a}. */
    void delete(Account user, MailboxName mailbox, String identifier);

    /** The rights {@code identifier} always has on the mailbox, and those that may be granted (LISTRIGHTS); needs {@code a}. */
    List<Rights> listRights(Account user, MailboxName mailbox, String identifier);
}
