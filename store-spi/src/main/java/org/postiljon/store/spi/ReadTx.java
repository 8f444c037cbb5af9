package org.postiljon.store.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.UidSet;

/** Queries, on one consistent snapshot. */
public interface ReadTx {

    List<DomainName> domains();

    boolean domainExists(DomainName domain);

    Optional<AccountRecord> account(EmailAddress address);

    Optional<AccountRecord> account(long accountId);

    List<AccountRecord> accounts(Optional<DomainName> domain);

    List<Alias> aliases(Optional<DomainName> domain);

    List<EmailAddress> aliasTargets(AliasSource source);

    List<Mailbox> mailboxes(long accountId);

    Optional<Mailbox> mailbox(long accountId, MailboxName name);

    SortedSet<MailboxName> subscriptions(long accountId);

    MailboxStatus status(Mailbox mailbox);

    /** Messages with a UID in {@code uids}, in UID order. */
    List<MessageInfo> messages(long mailboxId, UidSet uids);

    Optional<MessageKeys> keys(long mailboxId, long uid);

    /** Keys of the messages with a UID in {@code uids}, by UID. */
    java.util.SortedMap<Long, MessageKeys> keys(long mailboxId, UidSet uids);

    long highestModSeq(long accountId);

    /** The change log of an account after {@code modSeq}, in MODSEQ order. */
    List<ChangeRecord> changesSince(long accountId, long modSeq);

    /** Blobs that lost their last reference before {@code before}. */
    List<BlobId> orphanedBlobs(Instant before, int limit);

    boolean isReferenced(BlobId blob);
}
