package org.postiljon.mailbox.api;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * Messages in mailboxes: the one place where they are appended, copied, moved, flagged and
 * expunged. Each mutation is durable when the method returns, and its {@link Change} has been
 * published.
 */
public interface Messages {

    /**
     * Stores a message (its bytes streamed, never held whole in memory) and appends it.
     * Bare LF line endings are stored as CRLF, so sizes are what IMAP and POP3 send.
     * @throws MailboxException.TooBig when larger than the configured maximum
     */
    AppendResult append(Account account, MailboxName mailbox, InputStream content, Flags flags, Instant internalDate);

    /**
     * Stores and parses a message without putting it in a mailbox yet (bare LF becomes CRLF).
     * @throws MailboxException.TooBig when larger than the configured maximum
     */
    StagedMessage stage(InputStream content, Flags flags, Instant internalDate);

    /**
     * The same, but the bytes are kept exactly as sent, bare LF and NUL included: for IMAP's
     * literal8 (RFC 3516 §4.4: no transformation may lose data).
     */
    StagedMessage stageExact(InputStream content, Flags flags, Instant internalDate);

    /**
     * Gives up staged messages that will not be appended (the client broke off a MULTIAPPEND):
     * their files are deleted by the sweeper unless something else refers to them by then.
     */
    void discard(List<StagedMessage> staged);

    /**
     * Appends staged messages in one transaction: all of them get consecutive UIDs, or none is
     * added (and then they are discarded).
     */
    List<AppendResult> appendAll(Account account, MailboxName mailbox, List<StagedMessage> messages);

    /**
     * Delivers staged content to one recipient's mailbox with that recipient's trace fields
     * (Return-Path, Delivered-To, Received: RFC 5321 §4.4) before it. The content is shared by every
     * recipient of one delivery: stored, parsed and indexed once. The staged message is not
     * discarded when this fails (another recipient may take it): the caller discards it when none did.
     */
    AppendResult deliver(Account account, MailboxName mailbox, StagedMessage content, byte[] trace);

    /**
     * Appends a staged message to {@code to} and expunges message {@code uid} of {@code from}, as one
     * action (RFC 8508 §3.4): both happen or neither; the quota counts only the net change. Needs the
     * rights to delete and expunge in {@code from} and to insert in {@code to}.
     * @throws MailboxException.NotAllowed when the message to replace is not (or no longer) there
     */
    AppendResult replace(Account account, MailboxName from, long uid, MailboxName to, StagedMessage message);

    /** Messages whose UID is in {@code uids}, in UID order. */
    List<MessageInfo> list(Account account, MailboxName mailbox, UidSet uids);

    /** The keys and cached parse stored at delivery. */
    MessageKeys keys(Account account, MailboxName mailbox, long uid);

    /**
     * The same for many messages at once, by UID; messages that are gone are absent. Without
     * {@code withParse} the cached parse is left unread (null), which is much cheaper for search and sort.
     */
    java.util.SortedMap<Long, MessageKeys> keys(Account account, MailboxName mailbox, UidSet uids, boolean withParse);

    /** UIDs, ascending, of the messages in the mailbox that match {@code query}. */
    long[] search(Account account, MailboxName mailbox, SearchQuery query);

    /**
     * What SELECT and EXAMINE show (RFC 9051 §6.3.2), read at once from one snapshot: the mailbox as
     * the user sees it, the user's rights on it, its UIDs, the keywords in use and, if asked, the
     * first unseen UID (0: none). Needs no right beyond seeing the mailbox; the caller checks 'r'.
     */
    Opened open(Account account, MailboxName mailbox, boolean withFirstUnseen);

    /** See {@link #open}. */
    record Opened(Mailbox mailbox, Rights rights, long[] uids, java.util.SortedSet<String> keywords, long firstUnseen) { }

    /** The keywords set on any message in the mailbox (for IMAP's FLAGS response, RFC 9051 §7.3.5). */
    java.util.SortedSet<String> keywords(Account account, MailboxName mailbox);

    /** UIDs of the messages matching {@code query}, in the order of {@code keys} (RFC 5256 SORT), from the stored keys. */
    long[] sort(Account account, MailboxName mailbox, List<SortKey> keys, SearchQuery query);

    /**
     * A sorted folder and the messages at positions {@code from} to {@code from + count} of it,
     * read together (one store read when {@code query} is ALL): what a page of a folder view needs.
     *
     * @param uids the whole order, as {@link #sort}
     * @param page the messages of that stretch still there, in no particular order
     */
    record SortedPage(long[] uids, int from, List<MessageInfo> page) {
        public SortedPage {
            page = List.copyOf(page);
        }
    }

    SortedPage sort(Account account, MailboxName mailbox, List<SortKey> keys, SearchQuery query, int from, int count);

    /** The threads of the messages matching {@code query} (RFC 5256 THREAD), from the stored keys. */
    List<ThreadNode> thread(Account account, MailboxName mailbox, ThreadAlgorithm algorithm, SearchQuery query);

    /** RFC 5256 §2.2 (REFERENCES) and §2.1 (ORDEREDSUBJECT). */
    enum ThreadAlgorithm { ORDEREDSUBJECT, REFERENCES }

    /** The message's bytes, streamed from the blob store. */
    InputStream open(Account account, MailboxName mailbox, long uid);

    /** Copies; the copies share the source's stored bytes. Flags are kept (RFC 9051 §6.4.7). */
    CopyResult copy(Account account, MailboxName from, UidSet uids, MailboxName to);

    /** Moves atomically: the messages are never in both or neither mailbox (RFC 6851 §3.1). */
    CopyResult move(Account account, MailboxName from, UidSet uids, MailboxName to);

    /** Changes flags; returns the messages whose flags changed, with their new MODSEQ. */
    List<MessageInfo> store(Account account, MailboxName mailbox, UidSet uids, FlagUpdate update);

    /**
     * Changes flags only of the messages whose MODSEQ is not above {@code unchangedSince}
     * (RFC 7162 §3.1.3); the others are returned as {@code modified}, unchanged.
     */
    ConditionalStore store(Account account, MailboxName mailbox, UidSet uids, FlagUpdate update, long unchangedSince);

    /** What a conditional STORE did: the messages it changed, and the UIDs it left because they had changed since. */
    record ConditionalStore(List<MessageInfo> changed, List<Long> modified) { }

    /** Messages added or whose flags changed after {@code modSeq}, in UID order (CONDSTORE CHANGEDSINCE, QRESYNC). */
    List<MessageInfo> changedSince(Account account, MailboxName mailbox, long modSeq);

    /** UIDs expunged after {@code modSeq}, ascending (QRESYNC VANISHED (EARLIER)). */
    long[] vanishedSince(Account account, MailboxName mailbox, long modSeq);

    /** Permanently removes the messages in {@code uids} that carry {@code \Deleted}; returns their UIDs. */
    List<Long> expunge(Account account, MailboxName mailbox, UidSet uids);

    /**
     * Permanently removes the messages in {@code uids} whatever their flags, in one transaction
     * (POP3's QUIT); returns the UIDs that were still there.
     */
    List<Long> delete(Account account, MailboxName mailbox, UidSet uids);

    // ---- the account as a whole (JMAP): Emails are contents, in one or more of the user's own mailboxes ----

    /** The copies of an Email in the user's own mailboxes (none when the id names no Email of theirs). */
    List<MessageInfo> withContent(Account account, EmailId email);

    /**
     * One Email: the copies of a content in the user's own mailboxes, and the keys with the cached
     * parse of the first copy (what JMAP Email/get shows).
     */
    record Copies(List<MessageInfo> messages, MessageKeys keys) {
        public Copies {
            messages = List.copyOf(messages);
        }

        public MessageInfo first() {
            return messages.getFirst();
        }
    }

    /**
     * A change to one Email (RFC 8621 §4.6 Email/set update): its keywords on every copy, and the
     * mailboxes it is in.
     *
     * @param replace    all keywords at once (IMAP's \Deleted stays as it was), or null
     * @param add        keywords to add (after a replace)
     * @param remove     keywords to remove
     * @param mailboxes  the mailbox ids it is to be in exactly, or null to keep them
     * @param addTo      mailbox ids to put it in as well
     * @param removeFrom mailbox ids to take it out of
     */
    record EmailUpdate(Flags replace, Flags add, Flags remove, java.util.Set<Long> mailboxes, java.util.Set<Long> addTo,
                       java.util.Set<Long> removeFrom) {
        public EmailUpdate {
            mailboxes = mailboxes == null ? null : java.util.Set.copyOf(mailboxes);
            addTo = java.util.Set.copyOf(addTo);
            removeFrom = java.util.Set.copyOf(removeFrom);
        }
    }

    /**
     * Updates one Email of the user's own mailboxes as one transaction with one MODSEQ: every part
     * is done or none (a copy over quota undoes the keyword change too). Where a copy leaves one
     * mailbox for another it is moved (IMAP sees EXPUNGE and EXISTS), extra target mailboxes get
     * copies, and left mailboxes lose theirs.
     *
     * @return false when the user has no Email with that content
     * @throws MailboxException.NoSuchMailbox when a mailbox id is not one of the user's
     * @throws MailboxException.NotAllowed when the Email would be in no mailbox
     * @throws MailboxException.OverQuota when the copies do not fit
     */
    boolean updateEmail(Account account, EmailId email, EmailUpdate update);

    /** Many Emails in one read (a page of Emails): by id, absent ones left out. */
    java.util.Map<EmailId, Copies> withContents(Account account, java.util.Collection<EmailId> emails);

    /**
     * The messages of the user's own mailboxes in a thread (those whose root Message-ID is the
     * id's, or the one Email of a thread of its own), oldest first; none for an id that cannot be read back.
     */
    List<MessageInfo> inThread(Account account, ThreadId thread);

    /** The account's MODSEQ: raised by every change in any of its mailboxes (the JMAP state). */
    long highestModSeq(Account account);

    /**
     * What the change log holds after {@code modSeq}, oldest first; {@code content} is null for
     * changes to mailboxes, whose {@code uid} is the mailbox's UIDVALIDITY.
     */
    record LoggedChange(long modSeq, long mailboxId, long uid, Kind kind, BlobId content) {
        public enum Kind { APPEND, FLAGS, EXPUNGE, MAILBOX_CREATE, MAILBOX, MAILBOX_DELETE }
    }

    /** The changes in the user's own mailboxes after {@code modSeq} (JMAP /changes). */
    List<LoggedChange> changes(Account account, long modSeq);
}
