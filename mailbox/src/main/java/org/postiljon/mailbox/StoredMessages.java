package org.postiljon.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Collation;
import org.postiljon.mailbox.api.CopyResult;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SortKey;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.ThreadId;
import org.postiljon.mailbox.api.ThreadNode;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mime.Addresses;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.ParsedMessage;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;

/** Append, copy, move, flag and expunge: the one place each is done. */
final class StoredMessages implements Messages {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoredMessages.class);

    private final MetadataStore store;
    private final BlobStore blobs;
    private final ChangeBus bus;
    private final MailboxLimits limits;
    private final MessageParser parser = new MessageParser();
    private final MessageSearch search;
    private static final int PARSE_IN_MEMORY_BYTES = 256 * 1024;

    private final java.time.Clock clock;
    private final QuotaWarnings warnings;

    /**
     * What a write transaction hands back: the mailbox it acted on (as the user names it), its
     * result, its MODSEQ, and the quota threshold its owner crossed (0 for none).
     */
    private record Done<T>(Mailbox mailbox, T value, long modSeq, int warn) {
        Done(Mailbox mailbox, T value, long modSeq) {
            this(mailbox, value, modSeq, 0);
        }
    }

    private final Runnable appended;
    private final org.postiljon.mailbox.api.SpamClassifier spam;

    /**
     * @param appended told after every append (the search indexer wakes up)
     * @param spam     trained when the user moves mail into or out of Junk
     */
    StoredMessages(MetadataStore store, BlobStore blobs, org.postiljon.store.spi.SearchIndex index, ChangeBus bus, MailboxLimits limits,
                   java.time.Clock clock, Runnable appended, org.postiljon.mailbox.api.SpamClassifier spam) {
        this.appended = appended;
        this.spam = spam;
        this.store = store;
        this.blobs = blobs;
        this.bus = bus;
        this.limits = limits;
        this.clock = clock;
        this.search = new MessageSearch(store, blobs, index);
        this.warnings = new QuotaWarnings();
    }

    @Override
    public AppendResult append(Account account, MailboxName name, InputStream content, Flags flags, Instant internalDate) {
        // Fail early, before storing bytes, when the mailbox is not there; checked again in the transaction.
        store.read(tx -> Access.resolve(tx, account, name, 'i', "append"));
        return appendAll(account, name, List.of(stage(content, flags, internalDate))).getFirst();
    }

    @Override
    public StagedMessage stage(InputStream content, Flags flags, Instant internalDate) {
        return store(new CrlfInputStream(content), flags, internalDate);
    }

    @Override
    public StagedMessage stageExact(InputStream content, Flags flags, Instant internalDate) {
        return store(content, flags, internalDate);
    }

    private StagedMessage store(InputStream content, Flags flags, Instant internalDate) {
        try {
            // Small messages are parsed from the copy kept while storing them; large ones are read back.
            HeadCapture capture = new HeadCapture(content, PARSE_IN_MEMORY_BYTES);
            BlobStore.Stored blob = blobs.put(capture, limits.maxMessageBytes());
            try (InputStream in = capture.complete() ? capture.captured() : blobs.open(blob.id())) {
                return new StagedMessage(blob.id(), blob.size(), keys(parser.parse(in)), flags, internalDate);
            }
        } catch (BlobStore.TooLarge e) {
            throw new MailboxException.TooBig(limits.maxMessageBytes());
        } catch (IOException e) {
            if (MailboxException.Unavailable.isStorageFull(e)) throw MailboxException.Unavailable.storageFull();
            throw new UncheckedIOException("cannot store message", e);
        }
    }

    @Override
    public void discard(List<StagedMessage> staged) {
        if (staged.isEmpty()) return;
        try {
            store.write(tx -> {
                tx.noteUnreferenced(staged.stream().map(StagedMessage::blob).toList());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("cannot note {} abandoned message files for the sweeper: {}", staged.size(), e.getMessage());
        }
    }

    @Override
    public List<AppendResult> appendAll(Account account, MailboxName name, List<StagedMessage> messages) {
        return insert(account, name, messages, null, true);
    }

    @Override
    public AppendResult deliver(Account account, MailboxName name, StagedMessage content, byte[] trace) {
        return insert(account, name, List.of(content), trace, false).getFirst();
    }

    /**
     * The next MODSEQs of two owners, in the order given (one MODSEQ when they are the same). Each
     * locks its owner's account row until commit (a quota check after it sees every earlier
     * change); they are taken in id order, so two transactions between the same two accounts
     * never wait for each other.
     */
    private static long[] modSeqs(org.postiljon.store.spi.WriteTx tx, long first, long second) {
        if (first == second) {
            long m = tx.nextModSeq(first);
            return new long[] {m, m};
        }
        if (first < second) {
            long a = tx.nextModSeq(first);
            return new long[] {a, tx.nextModSeq(second)};
        }
        long b = tx.nextModSeq(second);
        return new long[] {tx.nextModSeq(first), b};
    }

    /** Appends in one transaction; {@code trace} (or null) goes before each content; a failed append discards the staged files if asked. */
    private List<AppendResult> insert(Account account, MailboxName name, List<StagedMessage> messages, byte[] trace, boolean discardOnFailure) {
        Instant now = clock.instant();
        long extra = trace == null ? 0 : trace.length;
        Done<List<MessageInfo>> done;
        try {
            done = store.write(tx -> {
                Access.Target t = Access.resolve(tx, account, name, 'i', "append");
                // The MODSEQ first: it locks the owner's account row, so a concurrent append on another node over the
                // same database waits here, and the quota check below counts what that one added.
                var locked = tx.nextModSeqOf(t.ownerId());
                long modSeq = locked.modSeq();
                QuotaLimits limits = StoredQuotas.check(tx, locked.account(), messages.stream().mapToLong(m -> m.size() + extra).toArray());
                List<MessageInfo> added = new ArrayList<>();
                for (StagedMessage s : messages) {
                    // RFC 4314 §4: flags the user has no right to set are dropped, the append is not refused.
                    Flags flags = t.rights().allowedFlags(s.flags());
                    added.add(tx.insertMessage(t.mailbox().id(), modSeq, flags, s.internalDate(), now, s.size() + extra, s.blob(), s.keys(), trace));
                }
                return new Done<>(t.mailbox(), added, modSeq, StoredQuotas.crossed(tx, t.ownerId(), limits));
            });
        } catch (RuntimeException e) {
            if (discardOnFailure) discard(messages);
            throw e;
        }
        List<AppendResult> results = new ArrayList<>();
        for (MessageInfo info : done.value()) {
            bus.publish(new Change.MessageAdded(done.mailbox().accountId(), done.modSeq(), done.mailbox().id(), info));
            results.add(new AppendResult(done.mailbox().uidValidity(), info.uid(), info));
        }
        warn(done.mailbox().accountId(), done.warn());
        appended.run();
        return results;
    }

    @Override
    public AppendResult replace(Account account, MailboxName from, long uid, MailboxName to, StagedMessage message) {
        Instant now = clock.instant();
        List<Change> changes = new ArrayList<>();
        long[] warn = {0, 0}; // the target's owner and the quota threshold it crossed
        AppendResult result;
        try {
            result = store.write(tx -> {
                changes.clear();
                // RFC 8508 §4.1: the rights of UID STORE \Deleted and UID EXPUNGE here, of APPEND there.
                Access.Target source = Access.resolve(tx, account, from, 't', "delete messages").require('e', "expunge");
                Access.Target target = Access.resolve(tx, account, to, 'i', "append");
                if (tx.messages(source.mailbox().id(), UidSet.of(uid)).isEmpty()) {
                    throw new MailboxException.NotAllowed("the message to replace is no longer there");
                }
                boolean sameOwner = source.ownerId() == target.ownerId();
                long[] seqs = modSeqs(tx, source.ownerId(), target.ownerId());
                long sourceModSeq = seqs[0], modSeq = seqs[1];
                // §3.4: the quota is judged with the expunge done, so only the net growth counts.
                tx.deleteMessages(source.mailbox().id(), List.of(uid), sourceModSeq);
                QuotaLimits limits = StoredQuotas.check(tx, target.ownerId(), new long[] {message.size()});
                MessageInfo added = tx.insertMessage(target.mailbox().id(), modSeq, target.rights().allowedFlags(message.flags()),
                        message.internalDate(), now, message.size(), message.blob(), message.keys());
                changes.add(new Change.MessageAdded(target.ownerId(), modSeq, target.mailbox().id(), added));
                changes.add(new Change.MessagesExpunged(source.ownerId(), sourceModSeq, source.mailbox().id(), List.of(uid)));
                if (!sameOwner) StoredQuotas.crossed(tx, source.ownerId());
                warn[0] = target.ownerId();
                warn[1] = StoredQuotas.crossed(tx, target.ownerId(), limits);
                return new AppendResult(target.mailbox().uidValidity(), added.uid(), added);
            });
        } catch (RuntimeException e) {
            discard(List.of(message));
            throw e;
        }
        changes.forEach(bus::publish);
        warn(warn[0], (int) warn[1]);
        appended.run();
        return result;
    }

    /** Puts a quota warning into the owner's INBOX, past the quota: it is what tells the user about it. */
    private void warn(long ownerId, int percent) {
        if (percent == 0) return;
        try {
            var w = store.read(tx -> {
                var owner = StoredQuotas.owner(tx, ownerId);
                return warnings.compose(owner.account().address(), Settings.value(tx, owner.account(), org.postiljon.mailbox.api.AccountSetting.LOCALE),
                        percent, StoredQuotas.limits(tx, owner), tx.usage(ownerId), clock.instant());
            });
            StagedMessage staged = stage(new java.io.ByteArrayInputStream(w), Flags.NONE, clock.instant());
            Instant now = clock.instant();
            Done<MessageInfo> done = store.write(tx -> {
                Mailbox inbox = tx.mailbox(ownerId, MailboxName.INBOX).orElseThrow(() -> new MailboxException.NoSuchMailbox("INBOX"));
                long modSeq = tx.nextModSeq(ownerId);
                return new Done<>(inbox, tx.insertMessage(inbox.id(), modSeq, Flags.NONE, now, now, staged.size(), staged.blob(), staged.keys()), modSeq);
            });
            bus.publish(new Change.MessageAdded(ownerId, done.modSeq(), done.mailbox().id(), done.value()));
            log.info("quota warning ({} %) delivered to account #{}", percent, ownerId);
        } catch (RuntimeException e) {
            log.warn("cannot deliver the {} % quota warning to account #{}: {}", percent, ownerId, e.toString());
        }
    }

    static MessageKeys keys(ParsedMessage p) {
        // Sort keys are stored as i;unicode-casemap keys (Collation): the store sorts them as binary text.
        return new MessageKeys(p.subject(), Collation.key(p.baseSubject()), Collation.key(p.sortFrom()), Collation.key(p.sortTo()),
                Collation.key(p.sortCc()), Collation.key(p.displayFrom()),
                p.sentDate(), p.messageId(), p.references(), p.preview(),
                Addresses.text(p.envelope().from()), Addresses.text(p.envelope().to()), Addresses.text(p.envelope().cc()),
                Addresses.text(p.envelope().bcc()), p.structure(), Collation.key(p.displayTo()));
    }

    /** The mailbox to read from: the user needs {@code r} (RFC 4314 §4). */
    private static Mailbox readable(org.postiljon.store.spi.ReadTx tx, Account account, MailboxName name) {
        return Access.resolve(tx, account, name, 'r', "read messages").mailbox();
    }

    @Override
    public List<MessageInfo> list(Account account, MailboxName name, UidSet uids) {
        return store.read(tx -> tx.messages(readable(tx, account, name).id(), uids));
    }

    @Override
    public MessageKeys keys(Account account, MailboxName name, long uid) {
        return store.read(tx -> tx.keys(readable(tx, account, name).id(), uid)
                .orElseThrow(() -> new MailboxException.NotAllowed("no message with UID " + uid + " in " + name)));
    }

    @Override
    public java.util.SortedMap<Long, MessageKeys> keys(Account account, MailboxName name, UidSet uids, boolean withParse) {
        return store.read(tx -> tx.keys(readable(tx, account, name).id(), uids, withParse));
    }

    @Override
    public long[] search(Account account, MailboxName name, SearchQuery query) {
        return search.run(account, name, query);
    }

    /**
     * Sort orders and thread trees of whole mailboxes, by what identifies the set of messages (the
     * mailbox, its UIDVALIDITY, its UIDNEXT and its count: UIDs only come at the top and go, so
     * together they change whenever the set does). Keys never change after delivery, so nothing else
     * can make them stale. UIDVALIDITY is part of it because SQLite reuses the id of a deleted
     * mailbox for the next one created, which starts again at the same UIDs.
     */
    private record Shape(long mailboxId, long uidValidity, long uidNext, int count, Object what) { }

    private final java.util.Map<Shape, Object> orders = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Shape, Object> eldest) {
            return size() > 16;
        }
    });

    @Override
    public long[] sort(Account account, MailboxName name, List<SortKey> keys, SearchQuery query) {
        return sort(account, name, keys, query, 0, 0).uids();
    }

    @Override
    public SortedPage sort(Account account, MailboxName name, List<SortKey> keys, SearchQuery query, int from, int count) {
        boolean all = query instanceof SearchQuery.All;
        SortedPage sorted = store.read(tx -> {
            Mailbox m = readable(tx, account, name);
            Shape shape = new Shape(m.id(), m.uidValidity(), m.uidNext(), tx.uids(m.id()).length, List.copyOf(keys));
            long[] order = (long[]) orders.get(shape);
            if (order == null) {
                order = tx.sortedUids(m.id(), keys);
                orders.put(shape, order);
            }
            // The stretch is read here only when the order is the answer; otherwise the search picks from it first.
            return new SortedPage(order, from, all ? stretch(tx, m.id(), order, from, count) : List.of());
        });
        if (all) return new SortedPage(sorted.uids().clone(), from, sorted.page());
        long[] hits = search(account, name, query); // ascending
        long[] out = new long[hits.length];
        int n = 0;
        for (long u : sorted.uids()) if (java.util.Arrays.binarySearch(hits, u) >= 0) out[n++] = u;
        long[] matching = java.util.Arrays.copyOf(out, n);
        return new SortedPage(matching, from, count == 0 || from >= matching.length ? List.of() : list(account, name, uidsAt(matching, from, count)));
    }

    private static List<MessageInfo> stretch(org.postiljon.store.spi.ReadTx tx, long mailboxId, long[] order, int from, int count) {
        return count == 0 || from >= order.length ? List.of() : tx.messages(mailboxId, uidsAt(order, from, count));
    }

    private static UidSet uidsAt(long[] order, int from, int count) {
        long[] uids = java.util.Arrays.copyOfRange(order, Math.min(from, order.length), Math.min(order.length, from + count));
        java.util.Arrays.sort(uids);
        return UidSet.ofSorted(uids);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<ThreadNode> thread(Account account, MailboxName name, ThreadAlgorithm algorithm, SearchQuery query) {
        boolean whole = query instanceof SearchQuery.All;
        long[] hits = whole ? null : search(account, name, query);
        return store.read(tx -> {
            Mailbox m = readable(tx, account, name);
            Shape shape = whole ? new Shape(m.id(), m.uidValidity(), m.uidNext(), tx.uids(m.id()).length, algorithm) : null;
            if (whole) {
                List<ThreadNode> cached = (List<ThreadNode>) orders.get(shape);
                if (cached != null) return cached;
            }
            List<MessageThreads.Item> items = new ArrayList<>();
            for (var k : tx.threadKeys(m.id())) {
                if (whole || java.util.Arrays.binarySearch(hits, k.uid()) >= 0) items.add(new MessageThreads.Item(k));
            }
            List<ThreadNode> threads = algorithm == ThreadAlgorithm.REFERENCES ? MessageThreads.references(items) : MessageThreads.orderedSubject(items);
            if (whole) orders.put(shape, List.copyOf(threads));
            return threads;
        });
    }

    @Override
    public InputStream open(Account account, MailboxName name, long uid) {
        byte[][] trace = {null};
        MessageInfo m = store.read(tx -> {
            long mailboxId = readable(tx, account, name).id();
            List<MessageInfo> l = tx.messages(mailboxId, UidSet.of(uid));
            if (l.isEmpty()) throw new MailboxException.NotAllowed("no message with UID " + uid + " in " + name);
            if (l.getFirst().traceLength() > 0) trace[0] = tx.trace(mailboxId, uid);
            return l.getFirst();
        });
        InputStream content = CheckedContent.open(blobs, m.blobId(), m.size() - m.traceLength(), "message UID " + uid + " in " + name);
        // A delivered message: its recipient's trace fields, then the content its delivery shares.
        return trace[0] == null ? content : new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(trace[0]), content);
    }

    @Override
    public CopyResult copy(Account account, MailboxName from, UidSet uids, MailboxName to) {
        return transfer(account, from, uids, to, false);
    }

    @Override
    public CopyResult move(Account account, MailboxName from, UidSet uids, MailboxName to) {
        return transfer(account, from, uids, to, true);
    }

    private CopyResult transfer(Account account, MailboxName from, UidSet uids, MailboxName to, boolean move) {
        List<Change> changes = new ArrayList<>();
        long[] warn = {0, 0}; // the target's owner and the quota threshold it crossed
        List<BlobId> training = new ArrayList<>();
        Boolean[] trainAs = {null};
        CopyResult result = store.write(tx -> {
            changes.clear();
            Access.Target source = Access.resolve(tx, account, from, 'r', "read messages");
            if (move) source.require('t', "delete messages").require('e', "expunge");
            Access.Target target = Access.resolve(tx, account, to, 'i', "copy messages");
            List<MessageInfo> messages = tx.messages(source.mailbox().id(), uids);
            List<Long> sourceUids = new ArrayList<>();
            List<Long> targetUids = new ArrayList<>();
            if (messages.isEmpty()) return new CopyResult(target.mailbox().uidValidity(), sourceUids, targetUids);
            boolean sameOwner = source.ownerId() == target.ownerId();
            training.clear();
            trainAs[0] = sameOwner && source.ownerId() == account.id() ? junkMove(source.mailbox(), target.mailbox()) : null;
            if (trainAs[0] != null) messages.forEach(m -> training.add(m.blobId()));
            long[] seqs = modSeqs(tx, target.ownerId(), source.ownerId());
            long modSeq = seqs[0], sourceModSeq = seqs[1];
            if (!(move && sameOwner)) { // a move within one account changes no usage and is always allowed
                StoredQuotas.check(tx, target.ownerId(), messages.stream().mapToLong(MessageInfo::size).toArray());
            }
            Instant now = clock.instant();
            for (MessageInfo m : messages) {
                // RFC 4314 §4: flags the user has no right to set in the target are not copied.
                MessageInfo copy = tx.copyMessage(m, target.mailbox().id(), modSeq, now, target.rights().allowedFlags(m.flags()));
                sourceUids.add(m.uid());
                targetUids.add(copy.uid());
                changes.add(new Change.MessageAdded(target.ownerId(), modSeq, target.mailbox().id(), copy));
            }
            if (move) {
                // RFC 6851 §3.3: also when source and target are the same, the messages get new UIDs.
                tx.deleteMessages(source.mailbox().id(), sourceUids, sourceModSeq);
                changes.add(new Change.MessagesExpunged(source.ownerId(), sourceModSeq, source.mailbox().id(), List.copyOf(sourceUids)));
                if (!sameOwner) StoredQuotas.crossed(tx, source.ownerId());
            }
            if (!(move && sameOwner)) {
                warn[0] = target.ownerId();
                warn[1] = StoredQuotas.crossed(tx, target.ownerId());
            }
            return new CopyResult(target.mailbox().uidValidity(), sourceUids, targetUids);
        });
        changes.forEach(bus::publish);
        warn(warn[0], (int) warn[1]);
        if (trainAs[0] != null) spam.trainLater(account, training, trainAs[0]);
        return result;
    }

    /**
     * What a move or copy from one of the user's folders to another teaches the spam filter: into
     * Junk, spam; out of Junk into anything but Trash, ham; and filing (from a folder other than
     * Drafts into another one, not Trash) ham too: mail a user files is mail they wanted. Deleting
     * says nothing. Null: nothing to learn.
     */
    static Boolean junkMove(Mailbox from, Mailbox to) {
        SpecialUse f = from.specialUse().orElse(null), t = to.specialUse().orElse(null);
        if (t == SpecialUse.JUNK) return f == SpecialUse.JUNK ? null : Boolean.TRUE;
        if (t == SpecialUse.TRASH || from.id() == to.id()) return null;
        if (f == SpecialUse.JUNK) return Boolean.FALSE;
        return f == SpecialUse.DRAFTS ? null : Boolean.FALSE;
    }

    @Override
    public Opened open(Account account, MailboxName name, boolean withFirstUnseen) {
        return store.read(tx -> {
            Access.Target t = Access.resolve(tx, account, name);
            long id = t.mailbox().id();
            long[] unseen = withFirstUnseen ? tx.uidsWithFlag(id, Flags.SEEN, false) : new long[0];
            return new Opened(t.viewed(), t.rights(), tx.uids(id), tx.keywords(id), unseen.length == 0 ? 0 : unseen[0]);
        });
    }

    @Override
    public java.util.SortedSet<String> keywords(Account account, MailboxName name) {
        return store.read(tx -> tx.keywords(readable(tx, account, name).id()));
    }

    @Override
    public List<MessageInfo> changedSince(Account account, MailboxName name, long modSeq) {
        return store.read(tx -> tx.changedSince(readable(tx, account, name).id(), modSeq));
    }

    @Override
    public long[] vanishedSince(Account account, MailboxName name, long modSeq) {
        return store.read(tx -> tx.expungedSince(readable(tx, account, name).id(), modSeq));
    }

    @Override
    public List<MessageInfo> store(Account account, MailboxName name, UidSet uids, FlagUpdate update) {
        return store(account, name, uids, update, Long.MAX_VALUE).changed();
    }

    @Override
    public ConditionalStore store(Account account, MailboxName name, UidSet uids, FlagUpdate update, long unchangedSince) {
        // Flag changes are committed without waiting for the disk (docs/decisions/0004).
        Done<ConditionalStore> done = store.writeRelaxed(tx -> {
            Access.Target t = Access.resolve(tx, account, name, 'r', "read messages");
            Mailbox m = t.mailbox();
            FlagUpdate allowed = permitted(t, update);
            List<MessageInfo> current = tx.messages(m.id(), uids);
            java.util.SortedMap<Long, Flags> next = new java.util.TreeMap<>();
            List<Long> modified = new ArrayList<>();
            for (MessageInfo info : current) {
                // RFC 7162 §3.1.3: a message changed since the client looked is left alone and reported.
                if (info.modSeq() > unchangedSince) {
                    modified.add(info.uid());
                    continue;
                }
                Flags f = allowed.applyTo(info.flags());
                if (allowed.mode() == FlagUpdate.Mode.REPLACE && !t.own()) f = keepUnpermitted(t, info.flags(), f);
                if (!f.equals(info.flags())) next.put(info.uid(), f);
            }
            if (next.isEmpty()) return new Done<>(m, new ConditionalStore(List.of(), List.copyOf(modified)), 0L);
            long modSeq = tx.nextModSeq(t.ownerId());
            tx.updateFlags(m, next, modSeq);
            List<MessageInfo> changed = new ArrayList<>();
            for (MessageInfo info : current) {
                Flags f = next.get(info.uid());
                if (f != null) {
                    changed.add(new MessageInfo(info.mailboxId(), info.uid(), modSeq, f, info.internalDate(),
                            info.saveDate(), info.size(), info.blobId()));
                }
            }
            return new Done<>(m, new ConditionalStore(List.copyOf(changed), List.copyOf(modified)), modSeq);
        });
        if (!done.value().changed().isEmpty()) {
            bus.publish(new Change.FlagsChanged(done.mailbox().accountId(), done.modSeq(), done.mailbox().id(), done.value().changed()));
            // The junk buttons of mail programs add keywords (Thunderbird Junk/NonJunk, Apple Mail and JMAP $Junk/$NotJunk).
            // Only adding counts: a client that writes all flags back (FLAGS, a replace) would train the filter's own $Junk.
            Boolean kind = update.mode() == FlagUpdate.Mode.ADD ? junkKeyword(update.flags()) : null;
            if (kind != null && done.mailbox().accountId() == account.id()) {
                spam.trainLater(account, done.value().changed().stream().map(MessageInfo::blobId).toList(), kind);
            }
        }
        return done.value();
    }

    /** Whether keywords say spam (Junk, $Junk) or not (NonJunk, NotJunk, $NotJunk); null when they say neither. */
    static Boolean junkKeyword(Flags flags) {
        for (String f : flags.names()) {
            String k = f.toLowerCase(java.util.Locale.ROOT);
            if (k.equals("$junk") || k.equals("junk")) return Boolean.TRUE;
            if (k.equals("$notjunk") || k.equals("notjunk") || k.equals("nonjunk")) return Boolean.FALSE;
        }
        return null;
    }

    /**
     * RFC 4314 §4: STORE changes only the flags the user has the right to ("s" for \Seen, "t" for
     * \Deleted, "w" for the rest), and fails only when it may change none of those it names.
     */
    private static FlagUpdate permitted(Access.Target t, FlagUpdate update) {
        if (t.own()) return update;
        Flags kept = t.rights().allowedFlags(update.flags());
        String refused = update.flags().names().stream().filter(f -> !t.rights().allows(f)).findFirst().orElse(null);
        boolean changesNothing = update.flags().names().isEmpty()
                ? !(t.rights().has('s') || t.rights().has('t') || t.rights().has('w'))
                : kept.names().isEmpty();
        if (changesNothing) {
            char right = refused == null ? 'w' : refused.equalsIgnoreCase(Flags.SEEN) ? 's' : refused.equalsIgnoreCase(Flags.DELETED) ? 't' : 'w';
            throw Access.denied(t.rights(), t.viewed().name(), right, "change flags");
        }
        return new FlagUpdate(update.mode(), kept);
    }

    /** For a replacing STORE: flags the user may not touch stay as they were. */
    private static Flags keepUnpermitted(Access.Target t, Flags before, Flags after) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (String f : after.names()) if (t.rights().allows(f)) names.add(f);
        for (String f : before.names()) if (!t.rights().allows(f)) names.add(f);
        return Flags.of(names);
    }

    @Override
    public List<Long> expunge(Account account, MailboxName name, UidSet uids) {
        return remove(account, name, uids, true);
    }

    @Override
    public List<Long> delete(Account account, MailboxName name, UidSet uids) {
        return remove(account, name, uids, false);
    }

    private List<Long> remove(Account account, MailboxName name, UidSet uids, boolean onlyDeleted) {
        // Relaxed (decision 0004): an expunge lost with the last moment before a power failure can be repeated.
        Done<List<Long>> done = store.writeRelaxed(tx -> {
            Access.Target t = Access.resolve(tx, account, name, 'e', "expunge");
            if (!onlyDeleted) t.require('t', "delete messages");
            Mailbox m = t.mailbox();
            List<Long> gone = new ArrayList<>();
            if (onlyDeleted) { // the few marked \Deleted (an index), not every message of the set
                for (long uid : tx.uidsWithFlag(m.id(), Flags.DELETED, true)) if (uids.contains(uid)) gone.add(uid);
            } else {
                for (MessageInfo info : tx.messages(m.id(), uids)) gone.add(info.uid());
            }
            long modSeq = 0;
            if (!gone.isEmpty()) {
                modSeq = tx.nextModSeq(t.ownerId());
                tx.deleteMessages(m.id(), gone, modSeq);
                StoredQuotas.crossed(tx, t.ownerId()); // usage fell: a threshold may be announced again later
            }
            return new Done<>(m, List.copyOf(gone), modSeq);
        });
        if (!done.value().isEmpty()) {
            bus.publish(new Change.MessagesExpunged(done.mailbox().accountId(), done.modSeq(), done.mailbox().id(), done.value()));
        }
        return done.value();
    }

    @Override
    public boolean updateEmail(Account account, EmailId email, EmailUpdate u) {
        String contentPrefix = email.contentPrefix();
        List<Change> changes = new ArrayList<>();
        long[] warn = {0};
        Boolean[] trainAs = {null};
        BlobId[] content = {null};
        boolean found = store.write(tx -> {
            changes.clear();
            List<MessageInfo> copies = tx.messagesWithContent(account.id(), contentPrefix);
            if (copies.isEmpty()) return false;
            java.util.Map<Long, Mailbox> own = new java.util.HashMap<>();
            for (Mailbox m : tx.mailboxes(account.id())) own.put(m.id(), m);
            // The mailboxes wanted, and which copies move, which are new and which go.
            java.util.Set<Long> now = new java.util.LinkedHashSet<>();
            for (MessageInfo c : copies) now.add(c.mailboxId());
            java.util.Set<Long> want = new java.util.LinkedHashSet<>(u.mailboxes() != null ? u.mailboxes() : now);
            want.addAll(u.addTo());
            want.removeAll(u.removeFrom());
            for (long id : want) if (!own.containsKey(id)) throw new MailboxException.NoSuchMailbox("mailbox " + id); // only the account's own
            if (want.isEmpty()) throw new MailboxException.NotAllowed("an Email must stay in at least one mailbox (destroy it instead)");
            // Into Junk from elsewhere teaches spam; out of Junk (not to Trash) teaches ham, as a move over IMAP.
            java.util.function.Predicate<Long> junk = id -> own.get(id).specialUse().orElse(null) == SpecialUse.JUNK;
            boolean wasJunk = now.stream().anyMatch(junk), isJunk = want.stream().anyMatch(junk);
            boolean toTrash = want.stream().allMatch(id -> own.get(id).specialUse().orElse(null) == SpecialUse.TRASH);
            // Filed from one folder into another (not Junk, not Trash): ham, as junkMove says for IMAP.
            trainAs[0] = isJunk && !wasJunk ? Boolean.TRUE : !isJunk && !toTrash && !want.equals(now) ? Boolean.FALSE : null;
            if (trainAs[0] == null) trainAs[0] = junkKeyword(u.add()); // $junk / $notjunk added (a replace may only write back the filter's own)
            content[0] = copies.getFirst().blobId();
            List<Long> missing = want.stream().filter(id -> !now.contains(id)).toList();
            List<MessageInfo> leaving = copies.stream().filter(c -> !want.contains(c.mailboxId())).toList();
            MessageInfo staying = copies.stream().filter(c -> want.contains(c.mailboxId())).findFirst().orElse(null);
            int added = Math.max(0, missing.size() - leaving.size());
            if (added > 0) { // copies beyond the moves take room; moves within the account do not
                long[] sizes = new long[added];
                java.util.Arrays.fill(sizes, copies.getFirst().size());
                StoredQuotas.check(tx, account.id(), sizes);
            }
            // Keywords, on every copy: they travel with a move.
            java.util.Map<MessageInfo, Flags> flags = new java.util.HashMap<>();
            java.util.Map<Long, java.util.SortedMap<Long, Flags>> changedFlags = new java.util.TreeMap<>();
            for (MessageInfo c : copies) {
                Flags f = c.flags();
                if (u.replace() != null) f = c.flags().contains(Flags.DELETED) ? u.replace().with(Flags.of(Flags.DELETED)) : u.replace();
                f = new FlagUpdate(FlagUpdate.Mode.REMOVE, u.remove()).applyTo(new FlagUpdate(FlagUpdate.Mode.ADD, u.add()).applyTo(f));
                flags.put(c, f);
                if (!f.equals(c.flags()) && want.contains(c.mailboxId())) {
                    changedFlags.computeIfAbsent(c.mailboxId(), k -> new java.util.TreeMap<>()).put(c.uid(), f);
                }
            }
            if (changedFlags.isEmpty() && missing.isEmpty() && leaving.isEmpty()) return true; // nothing to do: no new MODSEQ
            long modSeq = tx.nextModSeq(account.id());
            Instant saved = clock.instant();
            changedFlags.forEach((id, byUid) -> {
                tx.updateFlags(own.get(id), byUid, modSeq);
                List<MessageInfo> changed = new ArrayList<>();
                for (MessageInfo c : copies) {
                    Flags f = c.mailboxId() == id ? byUid.get(c.uid()) : null;
                    if (f != null) changed.add(new MessageInfo(c.mailboxId(), c.uid(), modSeq, f, c.internalDate(), c.saveDate(), c.size(), c.blobId(), c.traceLength()));
                }
                changes.add(new Change.FlagsChanged(account.id(), modSeq, id, changed));
            });
            // A copy that leaves one mailbox for another moves (RFC 6851: new UID there); the rest of
            // the new mailboxes get copies of one that stays; the rest of the leaving ones go.
            java.util.Map<Long, List<Long>> gone = new java.util.TreeMap<>();
            MessageInfo source = staying; // what further copies are made from: a copy that stays, else the first moved
            int k = 0;
            for (MessageInfo c : leaving) {
                if (k < missing.size()) {
                    MessageInfo moved = tx.copyMessage(c, missing.get(k++), modSeq, saved, flags.get(c));
                    changes.add(new Change.MessageAdded(account.id(), modSeq, moved.mailboxId(), moved));
                    if (source == null) source = moved;
                }
                gone.computeIfAbsent(c.mailboxId(), x -> new ArrayList<>()).add(c.uid());
            }
            for (; k < missing.size(); k++) {
                MessageInfo copy = tx.copyMessage(source, missing.get(k), modSeq, saved, flags.getOrDefault(source, source.flags()));
                changes.add(new Change.MessageAdded(account.id(), modSeq, copy.mailboxId(), copy));
            }
            gone.forEach((id, uids) -> {
                tx.deleteMessages(id, uids, modSeq);
                changes.add(new Change.MessagesExpunged(account.id(), modSeq, id, List.copyOf(uids)));
            });
            if (added > 0 || !gone.isEmpty()) warn[0] = StoredQuotas.crossed(tx, account.id());
            return true;
        });
        changes.forEach(bus::publish);
        warn(account.id(), (int) warn[0]);
        if (found && trainAs[0] != null && !changes.isEmpty()) spam.trainLater(account, List.of(content[0]), trainAs[0]);
        return found;
    }

    @Override
    public java.util.Map<EmailId, Copies> withContents(Account account, java.util.Collection<EmailId> emails) {
        List<String> valid = emails.stream().map(EmailId::contentPrefix).distinct().toList();
        if (valid.isEmpty()) return java.util.Map.of();
        // One read: the copies, then the keys of each first copy, one query per mailbox they are in.
        return store.read(tx -> {
            // Every copy found is one of an Email asked for: a content is found by its Email id's prefix.
            java.util.Map<EmailId, List<MessageInfo>> byEmail = new java.util.LinkedHashMap<>();
            for (MessageInfo m : tx.messagesWithContents(account.id(), valid)) byEmail.computeIfAbsent(EmailId.of(m), k -> new ArrayList<>()).add(m);
            java.util.Map<Long, List<Long>> firstUids = new java.util.HashMap<>();
            for (List<MessageInfo> copies : byEmail.values()) {
                firstUids.computeIfAbsent(copies.getFirst().mailboxId(), k -> new ArrayList<>()).add(copies.getFirst().uid());
            }
            java.util.Map<Long, java.util.SortedMap<Long, MessageKeys>> keys = new java.util.HashMap<>();
            firstUids.forEach((mailbox, uids) -> keys.put(mailbox, tx.keys(mailbox, uids.stream().mapToLong(Long::longValue).sorted().toArray(), true)));
            java.util.Map<EmailId, Copies> out = new java.util.LinkedHashMap<>();
            byEmail.forEach((email, copies) -> {
                MessageKeys k = keys.get(copies.getFirst().mailboxId()).get(copies.getFirst().uid());
                if (k != null) out.put(email, new Copies(copies, k));
            });
            return out;
        });
    }

    @Override
    public List<MessageInfo> withContent(Account account, EmailId email) {
        return store.read(tx -> tx.messagesWithContent(account.id(), email.contentPrefix()));
    }

    @Override
    public List<MessageInfo> inThread(Account account, ThreadId thread) {
        if (thread.single().isPresent()) return withContent(account, thread.single().get());
        return thread.root().map(root -> store.read(tx -> tx.messagesInThread(account.id(), root))).orElse(List.of());
    }

    @Override
    public long highestModSeq(Account account) {
        return store.read(tx -> tx.highestModSeq(account.id()));
    }

    @Override
    public List<LoggedChange> changes(Account account, long modSeq) {
        return store.read(tx -> tx.changesSince(account.id(), modSeq)).stream()
                .map(c -> new LoggedChange(c.modSeq(), c.mailboxId(), c.uid(), LoggedChange.Kind.valueOf(c.kind().name()), c.blob()))
                .toList();
    }
}
