package org.postiljon.store.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.QuotaUsage;
import org.postiljon.mailbox.api.ScramSecret;
import org.postiljon.mailbox.api.SpecialUse;

/**
 * Mutations. Constraint violations surface as the matching
 * {@link org.postiljon.mailbox.api.MailboxException} (a duplicate name as {@code MailboxExists}...).
 */
public interface WriteTx extends ReadTx {

    void insertDomain(DomainName domain);

    void deleteDomain(DomainName domain);

    Account insertAccount(EmailAddress address, String passwordHash, ScramSecret scram, QuotaLimits quota);

    /**
     * Blobs that were written but may never have been referenced (staged messages of an append
     * that was abandoned): noted for the sweeper, unless a message refers to them.
     */
    void noteUnreferenced(java.util.Collection<BlobId> blobs);

    /** Deletes the account, its mailboxes, messages and subscriptions; their blobs become orphans. */
    void deleteAccount(long accountId);

    void updateCredentials(long accountId, String passwordHash, ScramSecret scram);

    void updateQuota(long accountId, QuotaLimits quota);

    void setAccountSetting(long accountId, String key, String value);

    void insertAlias(Alias alias);

    boolean deleteAlias(Alias alias);

    /** Increments and returns the account's MODSEQ counter. */
    long nextModSeq(long accountId);

    /** {@link #nextModSeq} with the account row it locked, read in the same statement (an append's quota check reads it next). */
    LockedAccount nextModSeqOf(long accountId);

    /** The MODSEQ taken and the account as it is under the lock. */
    record LockedAccount(long modSeq, AccountRecord account) { }

    /** Creates a mailbox with a UIDVALIDITY no earlier mailbox of the account had. */
    Mailbox insertMailbox(long accountId, MailboxName name, Optional<SpecialUse> use, long modSeq);

    void renameMailbox(long mailboxId, MailboxName to, long modSeq);

    /** Deletes the mailbox and its messages; their blobs become orphans unless still referenced. */
    void deleteMailbox(long mailboxId, long modSeq);

    void subscribe(long accountId, MailboxName name);

    /**
     * Sets a METADATA entry (RFC 5464) of a mailbox (0: the server); {@code accountId} is the user
     * of a /private entry, 0 for a /shared one; a null value removes the entry.
     */
    void annotate(long mailboxId, long accountId, String name, byte[] value);

    void unsubscribe(long accountId, MailboxName name);

    /** Appends with the mailbox's next UID, advancing UIDNEXT; logs the change. */
    default MessageInfo insertMessage(long mailboxId, long modSeq, Flags flags, Instant internalDate, Instant saveDate,
                                      long size, BlobId blob, MessageKeys keys) {
        return insertMessage(mailboxId, modSeq, flags, internalDate, saveDate, size, blob, keys, null);
    }

    /**
     * The same for a delivered message: {@code trace} (its recipient's trace fields, or null) comes
     * before the content {@code blob}; {@code size} counts both.
     */
    MessageInfo insertMessage(long mailboxId, long modSeq, Flags flags, Instant internalDate, Instant saveDate,
                              long size, BlobId blob, MessageKeys keys, byte[] trace);

    /** Copies a message's row (and keys) into another mailbox with a new UID there, carrying {@code flags}. */
    MessageInfo copyMessage(MessageInfo source, long toMailboxId, long modSeq, Instant saveDate, Flags flags);

    /** Sets new flags on messages of one mailbox, all with the same MODSEQ; logs the change. */
    void updateFlags(Mailbox mailbox, java.util.SortedMap<Long, Flags> flagsByUid, long modSeq);

    /** Removes messages, leaving expunge tombstones in the change log. */
    void deleteMessages(long mailboxId, List<Long> uids, long modSeq);

    void forgetOrphan(BlobId blob);

    // ---- outbound queue ----

    /** Queues a message whose bytes are already durable in the blob store; every recipient is due now. */
    long enqueue(String sender, String ret, String envid, BlobId blob, long size, List<QueueRecord.Target> recipients, Instant now);

    /**
     * Claims up to {@code limit} queued messages with a recipient due at or before {@code now} that
     * no other holder's lease covers, oldest due first: they are leased to {@code owner} until
     * {@code until}. Concurrent claims by other processes get other messages.
     */
    List<QueueRecord> claimDue(Instant now, int limit, String owner, Instant until);

    /** Ends {@code owner}'s lease on a queued message (if it still holds it). */
    void releaseClaim(long queueId, String owner);

    /**
     * Claims one queued message whatever its recipients' due times (the operator acting on it), as
     * {@link #claimDue} would: empty when there is no such message or another holder's lease covers it.
     */
    java.util.Optional<QueueRecord> claimOne(long queueId, Instant now, String owner, Instant until);

    /** Records an attempt's outcome for one recipient; a message whose recipients are all final leaves the queue. */
    void recordAttempt(long recipientId, QueueRecord.State state, Instant nextAttempt, String reply);

    /** Makes every still-queued recipient of the message due now (CLI "queue retry"). */
    void retryNow(long queueId, Instant now);

    /** Notes that the sender was told the recipient is delayed. */
    void delayNotified(long recipientId);

    /** Removes a message from the queue whatever its state (CLI "queue delete"); its blob may become an orphan. */
    boolean dequeue(long queueId);

    // ---- leases: what one holder at a time may do (a POP3 maildrop, a sweep) ----

    /**
     * Takes the lease {@code name} for {@code owner} of node {@code node} until {@code until}, if no
     * one holds it, its holder's time ran out at {@code now}, or {@code owner} holds it already
     * (renewal). True when {@code owner} holds it now.
     */
    boolean takeLease(String name, String node, String owner, Instant now, Instant until);

    /** Ends {@code owner}'s lease (if it still holds it). */
    void releaseLease(String name, String owner);

    /**
     * Extends every lease held by a holder on {@code node}, and every queued message that
     * {@code node} has claimed, to {@code until} (the node's heartbeat); how many.
     */
    int renewLeases(String node, Instant until);

    /** Ends every lease held on {@code node} (a node that starts again after a crash). */
    int releaseLeases(String node);

    // ---- webmail sessions ----

    void openWebSession(String tokenHash, WebSessionRecord session);

    /** Adds a DKIM key; when it is {@code signing}, the domain's other keys stop signing. */
    void insertDkimKey(DkimKeyRecord key);

    /**
     * Counts one message sent to other servers on {@code day} and remembers {@code newAddresses}
     * (lower case) as sent to from {@code at}; day counts older than a week are dropped.
     */
    void recordSent(long accountId, long day, Instant at, java.util.Collection<String> newAddresses);

    /** Keeps a fetched MTA-STS policy, replacing the domain's earlier one. */
    void putMtaStsPolicy(org.postiljon.mailbox.api.TransportSecurity.CachedPolicy policy);

    /** Adds {@code tally.sessions()} to the count of its day, domain, host, address and result; its policy and detail replace the last. */
    void countTlsResult(org.postiljon.mailbox.api.TransportSecurity.Tally tally);

    /** Drops a domain's TLS session counts of one day. */
    void forgetTlsResults(String policyDomain, long day);

    /** Adds {@code tally.messages()} to its kind's count of the day; its policy replaces the last. */
    void countDmarcResult(org.postiljon.mailbox.api.TransportSecurity.DmarcTally tally);

    /** Drops a DMARC record domain's counts of one day. */
    void forgetDmarcResults(String policyDomain, long day);

    void putVacation(long accountId, org.postiljon.mailbox.api.Vacation vacation);

    /** Notes an automatic reply to {@code sender} (lower case) at {@code at}, replacing an earlier one. */
    void noteVacationReply(long accountId, String sender, Instant at);

    /** Forgets the notes whose {@code sender} begins with {@code prefix} made before {@code before} (Sieve duplicate ids past their time). */
    void forgetVacationReplies(long accountId, String prefix, Instant before);

    /** Sets (or with null removes) the account's TOTP row. */
    void putTotp(long accountId, ReadTx.Totp totp);

    void insertAppPassword(long accountId, org.postiljon.mailbox.api.AppPasswords.AppPassword password, String secretHash);

    boolean deleteAppPassword(long accountId, long id);

    void appPasswordUsed(long accountId, long id, Instant at);

    /** Adds or replaces a script (an existing one keeps its active mark). */
    void putSieveScript(long accountId, String name, String content);

    /** Makes {@code name} the only active script; null: none. */
    void activateSieveScript(long accountId, String name);

    boolean deleteSieveScript(long accountId, String name);

    boolean renameSieveScript(long accountId, String from, String to);

    /** Makes one key the domain's signing key (and no other); false when it does not exist. */
    boolean useDkimKey(String domain, String selector, Instant at);

    /** Removes a key; false when it did not exist. */
    boolean deleteDkimKey(String domain, String selector);

    /** Notes a use of the session (if it is still there). */
    void touchWebSession(String tokenHash, Instant when);

    void closeWebSession(String tokenHash);

    /** Ends every session last used before {@code before}; how many. */
    int expireWebSessions(Instant before);

    // ---- quota, sharing, retention ----

    /** Overwrites the kept usage (repair). */
    void setUsage(long accountId, QuotaUsage usage);

    void setQuotaWarned(long accountId, int percent);

    void setDomainSetting(DomainName domain, String key, String value);

    /** Marks the account a team mailbox: it cannot log in. */
    void markTeam(long accountId);

    void setAcl(long mailboxId, String identifier, String rights);

    boolean deleteAcl(long mailboxId, String identifier);

    void setTeamMember(long teamId, long accountId, String rights);

    boolean removeTeamMember(long teamId, long accountId);

    /** The folder's own retention in days (0: never); null to follow its special use's default. */
    void setRetentionDays(long mailboxId, Integer days);

    // ---- full-text index bookkeeping ----

    /** Notes that these contents are in the (committed) search index. */
    void markIndexed(java.util.Collection<BlobId> blobs);

    /** Marks up to {@code limit} contents stored without the attachment mark; returns how many (0: none left). */
    int markAttachments(int limit);

    /**
     * Forgets what is kept per content (its parse, whether it is indexed) once its file is gone,
     * unless a message refers to it again; returns whether it was indexed (and should leave the index).
     */
    boolean forgetContent(BlobId blob);

    /** Marks every stored content for indexing again (after the index was cleared); returns how many. */
    int reindexAll();

    /**
     * Trains one account's classifier with a message content as spam or ham: its tokens counted
     * once; a content trained as the other kind before is taken out of that kind first; the same
     * kind again changes nothing. Returns whether anything changed.
     */
    boolean trainSpam(long accountId, String content, long[] tokens, boolean spam);
}
