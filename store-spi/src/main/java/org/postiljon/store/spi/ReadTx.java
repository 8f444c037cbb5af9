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
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaUsage;
import org.postiljon.mailbox.api.SearchQuery;
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

    /** How many mailboxes the account has (for the per-account limit). */
    long mailboxCount(long accountId);

    Optional<Mailbox> mailbox(long accountId, MailboxName name);

    SortedSet<MailboxName> subscriptions(long accountId);

    /**
     * The METADATA entries (RFC 5464) of a mailbox, or of the server when {@code mailboxId} is 0,
     * that {@code accountId} sees: its /private ones and the /shared ones, by lower-case name.
     */
    java.util.SortedMap<String, byte[]> annotations(long mailboxId, long accountId);

    /** Octets of METADATA values an account holds: its /private entries anywhere, the /shared ones of its mailboxes. */
    long annotationBytes(long accountId);

    /** A stored per-account preference by its key, if set. */
    Optional<String> accountSetting(long accountId, String key);

    MailboxStatus status(Mailbox mailbox);

    /** Messages with a UID in {@code uids}, in UID order. */
    List<MessageInfo> messages(long mailboxId, UidSet uids);

    /** Messages with one of the given UIDs (sorted ascending), in UID order. */
    List<MessageInfo> messages(long mailboxId, long[] uids);

    Optional<MessageKeys> keys(long mailboxId, long uid);

    /** A delivered message's trace fields (the octets before its content), empty when it has none. */
    byte[] trace(long mailboxId, long uid);

    /** The trace fields of the messages among {@code uids} that have some, by UID. */
    java.util.Map<Long, byte[]> traces(long mailboxId, UidSet uids);

    /** Keys of the messages with one of the given UIDs (sorted ascending), by UID. */
    java.util.SortedMap<Long, MessageKeys> keys(long mailboxId, long[] uids, boolean withParse);

    /** Every UID of the mailbox, ascending (the primary key alone: no message row is read). */
    long[] uids(long mailboxId);

    /** The keywords (flags other than system flags) set on any message of the mailbox. */
    java.util.SortedSet<String> keywords(long mailboxId);

    /** UIDs, ascending, of the messages that have ({@code set}) or lack {@link Flags#SEEN} or {@link Flags#DELETED}. */
    long[] uidsWithFlag(long mailboxId, String flag, boolean set);

    /**
     * UIDs, ascending, of every message whose stored {@code field} may contain {@code asciiText}
     * under the rule of {@link SearchQuery}: all that do, and possibly more (callers confirm).
     */
    long[] uidsContaining(long mailboxId, SearchQuery.Field field, String asciiText);

    /**
     * Keys of the messages with a UID in {@code uids}, by UID. Without {@code withParse} the
     * cached parse (the largest column) is not read and {@link MessageKeys#parse()} is null.
     */
    java.util.SortedMap<Long, MessageKeys> keys(long mailboxId, UidSet uids, boolean withParse);

    long highestModSeq(long accountId);

    /** What threading needs of each message of the mailbox (RFC 5256 §2), without the rest of its row. */
    List<ThreadKey> threadKeys(long mailboxId);

    /** Every UID of the mailbox in the order of {@code keys} (RFC 5256 §3), ties by UID. */
    long[] sortedUids(long mailboxId, List<org.postiljon.mailbox.api.SortKey> keys);

    /** Messages of the mailbox whose MODSEQ is above {@code modSeq} (added or flagged since), in UID order. */
    List<MessageInfo> changedSince(long mailboxId, long modSeq);

    /** UIDs, ascending, expunged from the mailbox with a MODSEQ above {@code modSeq} (from the tombstones). */
    long[] expungedSince(long mailboxId, long modSeq);

    /** The change log of an account after {@code modSeq}, in MODSEQ order. */
    List<ChangeRecord> changesSince(long accountId, long modSeq);

    /** Blobs that lost their last reference before {@code before}. */
    List<BlobId> orphanedBlobs(Instant before, int limit);

    boolean isReferenced(BlobId blob);

    // ---- outbound queue ----

    /** Queued messages with a recipient due at or before {@code now}, oldest due first; each with all its recipients. */
    List<QueueRecord> dueQueue(Instant now, int limit);

    Optional<QueueRecord> queued(long id);

    /** Every message in the queue, oldest first, at most {@code limit}. */
    List<QueueRecord> queue(int limit);

    /** How many messages are queued and when the oldest was. */
    org.postiljon.mailbox.api.OutboundQueue.Summary queueSummary();

    /** The holder of the lease {@code name} whose time has not run out at {@code now}, if any. */
    Optional<String> leaseHolder(String name, Instant now);

    // ---- webmail sessions ----

    /** The session whose token hashes to {@code tokenHash}, however long unused. */
    Optional<WebSessionRecord> webSession(String tokenHash);

    /** A domain's DKIM keys, oldest first. */
    List<DkimKeyRecord> dkimKeys(String domain);

    /** Messages the account sent to other servers on {@code day} (days since 1970-01-01, UTC). */
    long sentMessages(long accountId, long day);

    /** Addresses the account first sent to at or after {@code since}. */
    long newRecipientsSince(long accountId, Instant since);

    /** Whether the account ever sent to {@code address} (lower case). */
    boolean sentTo(long accountId, String address);

    /** The MTA-STS policy last fetched for a domain (lower case). */
    Optional<org.postiljon.mailbox.api.TransportSecurity.CachedPolicy> mtaStsPolicy(String domain);

    /** The TLS session counts of the days before {@code day} (days since 1970-01-01, UTC). */
    List<org.postiljon.mailbox.api.TransportSecurity.Tally> tlsResultsBefore(long day);

    /** The DMARC counts of the days before {@code day}. */
    List<org.postiljon.mailbox.api.TransportSecurity.DmarcTally> dmarcResultsBefore(long day);

    /** The account's automatic reply, when it ever set one. */
    java.util.Optional<org.postiljon.mailbox.api.Vacation> vacation(long accountId);

    /** When the account's automatic reply last answered {@code sender} (lower case). */
    java.util.Optional<Instant> vacationReplied(long accountId, String sender);

    /** The account's Sieve scripts, by name. */
    List<org.postiljon.mailbox.api.SieveScripts.Script> sieveScripts(long accountId);

    /** The account's TOTP secret, whether it is in force, and the last step a code was accepted for. */
    java.util.Optional<Totp> totp(long accountId);

    record Totp(String secret, boolean enabled, long lastStep) { }

    /** The account's app passwords, oldest first. */
    List<org.postiljon.mailbox.api.AppPasswords.AppPassword> appPasswords(long accountId);

    /** The account's app password whose secret has this SHA-256 (hex). */
    java.util.Optional<org.postiljon.mailbox.api.AppPasswords.AppPassword> appPassword(long accountId, String secretHash);

    // ---- quota, sharing, retention ----

    /** Usage as kept incrementally with every message change (one row read). */
    QuotaUsage usage(long accountId);

    /** Every account's usage by account id, in one read (for account lists). */
    java.util.Map<Long, QuotaUsage> usages();

    /** How many accounts (users and teams) there are and their usage summed (one scan of the accounts, for the admin's dashboard). */
    org.postiljon.mailbox.api.Quotas.Totals totals();

    /** Usage counted from the messages themselves: a scan, for repair only. */
    QuotaUsage countUsage(long accountId);

    /** The highest quota warning threshold (percent) the account was told about; 0 for none. */
    int quotaWarned(long accountId);

    /** Every setting the domain has (name to value), in one read; empty for none or no such domain. */
    java.util.Map<String, String> domainSettings(DomainName domain);

    /** One of them (a domain has a handful: reading all serves the next question from the same read). */
    default Optional<String> domainSetting(DomainName domain, String key) {
        return Optional.ofNullable(domainSettings(domain).get(key));
    }

    /** The mailbox's ACL: identifier to rights letters, in identifier order. */
    java.util.SortedMap<String, String> acl(long mailboxId);

    /** Mailboxes of other accounts whose ACL names one of {@code identifiers}. */
    List<Mailbox> mailboxesSharedWith(List<String> identifiers);

    /** The teams the account is a member of: team account id to rights letters. */
    java.util.Map<Long, String> teamsOf(long accountId);

    /** The members of a team: member account id to rights letters. */
    java.util.Map<Long, String> teamMembers(long teamId);

    /** The folder's own retention in days (0: never), empty when it follows its special use's default. */
    java.util.OptionalInt retentionDays(long mailboxId);

    /** Mailboxes that may expire: Trash, Junk, and any with a policy of their own. */
    List<Mailbox> retentionCandidates();

    /** Messages saved before {@code cutoff}: UIDs ascending; uses the (mailbox, save_date) index. */
    long[] uidsSavedBefore(long mailboxId, Instant cutoff);

    // ---- full-text index bookkeeping ----

    /** The cached parse of a content (see {@link org.postiljon.mailbox.api.MessageKeys#parse}), if a message has it. */
    Optional<org.postiljon.mailbox.api.structure.MessageStructure> parseOf(BlobId blob);

    /** The keys (with the parse) of some message with this content: they are the same for all. */
    Optional<MessageKeys> keysOf(BlobId blob);

    /** How many contents are marked as in the search index. */
    long indexedCount();

    /** Contents added to some mailbox and not yet in the search index, at most {@code limit}. */
    List<BlobId> pendingIndex(int limit);

    /** UIDs, ascending, of the mailbox's messages whose content is not yet in the search index. */
    long[] uidsPendingIndex(long mailboxId);

    /**
     * The mailbox's messages (UIDs ascending) with an attachment, without one, and those whose
     * content is not yet marked either way (stored before the mark existed and not yet filled in
     * by {@link WriteTx#markAttachments}). The mark is
     * {@link org.postiljon.mailbox.api.structure.MessageStructure#hasAttachment} of the parse.
     */
    AttachmentMarks attachmentMarks(long mailboxId);

    /** See {@link #attachmentMarks}. */
    record AttachmentMarks(long[] with, long[] without, long[] unmarked) { }

    /** UIDs, ascending, of the mailbox's messages whose content (SHA-256 hex) is one of {@code blobs}. */
    long[] uidsWithContent(long mailboxId, java.util.Set<String> blobs);

    /** The messages of the account's own mailboxes whose content address starts with {@code prefix} (JMAP Email ids). */
    List<MessageInfo> messagesWithContent(long accountId, String prefix);

    /** The account's messages whose content address starts with any of {@code prefixes}, by mailbox and UID. */
    List<MessageInfo> messagesWithContents(long accountId, List<String> prefixes);

    /** The messages of the account's own mailboxes whose Message-ID is {@code root} or whose references start with it. */
    List<MessageInfo> messagesInThread(long accountId, String root);

    /**
     * The spam classifier's counts of one account for {@code tokens}: token to {in spam, in ham}
     * messages trained; tokens never trained are absent. Token 0 holds the numbers of trained messages.
     */
    java.util.Map<Long, long[]> spamCounts(long accountId, long[] tokens);
}
