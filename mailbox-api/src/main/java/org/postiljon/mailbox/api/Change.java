package org.postiljon.mailbox.api;

import java.util.List;

/**
 * Something that changed in an account, published after the change is durable (ARCHITECTURE.md
 * principle 5). Every listener (IMAP IDLE, POP3, JMAP push, the webmail) hears the same events.
 * {@code modSeq} is the account's MODSEQ after the change; changes to a user's settings that no
 * MODSEQ counts (subscriptions, METADATA entries) carry 0.
 */
public sealed interface Change {
    long accountId();
    long modSeq();

    record MessageAdded(long accountId, long modSeq, long mailboxId, MessageInfo message) implements Change { }

    record FlagsChanged(long accountId, long modSeq, long mailboxId, List<MessageInfo> messages) implements Change { }

    record MessagesExpunged(long accountId, long modSeq, long mailboxId, List<Long> uids) implements Change { }

    record MailboxCreated(long accountId, long modSeq, Mailbox mailbox) implements Change { }

    record MailboxRenamed(long accountId, long modSeq, long mailboxId, MailboxName from, MailboxName to) implements Change { }

    record MailboxDeleted(long accountId, long modSeq, long mailboxId, MailboxName name) implements Change { }

    /** The account subscribed to {@code name} or unsubscribed from it (IMAP NOTIFY SubscriptionChange). */
    record SubscriptionChanged(long accountId, long modSeq, MailboxName name, boolean subscribed) implements Change { }

    /**
     * METADATA entries (RFC 5464) were set or removed on a mailbox of the account, or on the
     * server ({@code mailbox} null) for it (IMAP NOTIFY MailboxMetadataChange, ServerMetadataChange).
     */
    record AnnotationsChanged(long accountId, long modSeq, MailboxName mailbox, java.util.Set<String> entries) implements Change { }
}
