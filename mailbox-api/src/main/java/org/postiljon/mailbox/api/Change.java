package org.postiljon.mailbox.api;

import java.util.List;

/**
 * Something that changed in an account, published after the change is durable (ARCHITECTURE.md
 * principle 5). Every listener (IMAP IDLE, POP3, JMAP push, the webmail) hears the same events.
 * {@code modSeq} is the account's MODSEQ after the change.
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
}
