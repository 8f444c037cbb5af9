package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/**
 * A session's view of its selected mailbox: sequence number to UID, the messages recent to it,
 * and the changes other sessions made that it has not yet been told of.
 */
final class SelectedMailbox implements ChangeBus.Listener, AutoCloseable {

    final Mailbox mailbox;
    /** Known once the user's rights are read (before the session has the view); read on the session's thread only. */
    boolean readOnly;
    private long[] uids;
    private int count;
    private final Set<Long> recent = new HashSet<>();
    private final ConcurrentLinkedQueue<Change> pending = new ConcurrentLinkedQueue<>();
    private final Set<Long> ownModSeqs = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private ChangeBus.Subscription subscription;
    /**
     * The MODSEQ of the flags this session last showed for a message (RFC 7162 §3.1: a client's
     * view only moves forward). A change queued before a newer state was shown (while SELECT read the
     * mailbox, or before this session's own STORE answered) is older news and is not replayed.
     */
    private final java.util.Map<Long, Long> shownModSeq = new java.util.HashMap<>();
    /** UIDs expunged elsewhere but not yet announced: still numbered here, gone from the store. */
    private final Set<Long> vanishing = new HashSet<>();
    private boolean deleted;
    /**
     * The keywords the session was told of in FLAGS. RFC 9051 §7.3.5 / RFC 3501 §7.2.6: a FETCH may
     * show only flags announced so; a keyword new to the session gets a new FLAGS (and
     * PERMANENTFLAGS) first. The set only grows while the mailbox is selected, as clients expect.
     */
    private final java.util.SortedSet<String> keywords = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** The system flags the user may change, for PERMANENTFLAGS; empty when read-only. */
    private String permanentSystemFlags = "";
    /** Whether the user may set keywords (and so create new ones: {@code \*}). */
    private boolean mayWriteKeywords;

    /** What the session may be told at SELECT: the mailbox's keywords and the flags the user may change. */
    void flags(java.util.Set<String> known, String systemFlags, boolean keywordsWritable) {
        keywords.addAll(known);
        permanentSystemFlags = readOnly ? "" : systemFlags;
        mayWriteKeywords = !readOnly && keywordsWritable;
    }

    /** FLAGS and PERMANENTFLAGS as they stand (RFC 9051 §7.3.5, §7.1). */
    void writeFlags(Session s) throws IOException {
        StringBuilder kw = new StringBuilder();
        for (String k : keywords) kw.append(' ').append(k);
        s.out().untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft" + kw + ")");
        StringBuilder permanent = new StringBuilder(permanentSystemFlags);
        if (mayWriteKeywords) permanent.append(kw).append(" \\*");
        s.out().untagged("OK [PERMANENTFLAGS (" + permanent.toString().strip() + ")] flags");
    }

    /** Before {@code flags} are shown: tells the session of keywords it has not heard of. */
    void announce(Session s, org.postiljon.mailbox.api.Flags flags) throws IOException {
        boolean added = false;
        for (String n : flags.names()) if (!n.startsWith("\\")) added |= keywords.add(n);
        if (added) writeFlags(s);
    }

    SelectedMailbox(Mailbox mailbox, boolean readOnly) {
        this.mailbox = mailbox;
        this.readOnly = readOnly;
        this.uids = new long[16];
    }

    /** Sets READ-ONLY from the rights read after the view began to listen (SELECT). */
    void readOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    /** The session's thread (the one that selected): changes published on it are the session's own. */
    private final Thread owner = Thread.currentThread();
    /** Messages this session added itself (APPEND, COPY, MOVE into this mailbox). */
    private final Set<Long> ownAdded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** New messages of other sessions told by EXISTS since {@link #takeAnnounced} (NOTIFY MessageNew's FETCH). */
    private final List<Long> announced = new ArrayList<>();
    /** Told after every change that arrives (a NOTIFY session's notifier), or null. */
    volatile Runnable wakeup;

    /** The UIDs of other sessions' new messages announced since the last call. */
    List<Long> takeAnnounced() {
        List<Long> out = List.copyOf(announced);
        announced.clear();
        return out;
    }

    /**
     * The messages as read after subscribing: changes queued meanwhile may repeat what the list
     * already shows, and are applied idempotently.
     */
    void load(long[] all, long highestModSeq) {
        uids = java.util.Arrays.copyOf(all, Math.max(16, all.length + 16));
        count = all.length;
        loadedModSeq = highestModSeq;
        toldModSeq = highestModSeq;
    }

    /** The highest MODSEQ of the changes the session has been told of (or was loaded with). */
    private long toldModSeq;

    long toldModSeq() {
        return toldModSeq;
    }

    /** The mailbox's HIGHESTMODSEQ when the view was read: changes up to it are in the view already. */
    private long loadedModSeq;

    /** Records that the session showed the flags of {@code uid} as of {@code modSeq}. */
    void shown(long uid, long modSeq) {
        shownModSeq.merge(uid, modSeq, Math::max);
    }

    /** Whether a flag state as of {@code modSeq} is older than what the session knows of {@code uid}. */
    private boolean stale(long uid, long modSeq) {
        return modSeq <= loadedModSeq || modSeq <= shownModSeq.getOrDefault(uid, 0L);
    }

    void listenTo(ChangeBus bus) {
        subscription = bus.subscribe(mailbox.accountId(), this);
    }

    @Override
    public void onChange(Change c) {
        boolean mine = switch (c) {
            case Change.MessageAdded a -> a.mailboxId() == mailbox.id();
            case Change.FlagsChanged f -> f.mailboxId() == mailbox.id();
            case Change.MessagesExpunged e -> e.mailboxId() == mailbox.id();
            case Change.MailboxDeleted d -> d.mailboxId() == mailbox.id();
            case Change.MailboxCreated x -> false;
            case Change.MailboxRenamed x -> false; // the session keeps its view; the name it used is the old one
            case Change.SubscriptionChanged x -> false;
            case Change.AnnotationsChanged x -> false;
        };
        if (!mine) return;
        if (c instanceof Change.MessageAdded a && Thread.currentThread() == owner) ownAdded.add(a.message().uid());
        pending.add(c);
        Runnable w = wakeup;
        if (w != null) w.run();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A flag change this session made and answers itself: not to be echoed back. */
    void ignoreOwn(long modSeq) {
        ownModSeqs.add(modSeq);
    }

    /** Waits up to {@code millis} for a change (IDLE); true if one is pending. */
    boolean awaitChange(long millis) throws InterruptedException {
        lock.lock();
        try {
            if (pending.isEmpty()) changed.await(millis, TimeUnit.MILLISECONDS);
            return !pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int exists() {
        return count;
    }

    /** An expunge waits to be told (updating searches must send REMOVEFROM before it, RFC 5267 §4.3.4). */
    boolean hasPendingExpunge() {
        for (Change c : pending) if (c instanceof Change.MessagesExpunged) return true;
        return false;
    }

    /** Changes wait to be told. */
    boolean hasPending() {
        return !pending.isEmpty();
    }

    long uidAt(int seq) {
        return uids[seq - 1];
    }

    /** The sequence number of {@code uid}, or 0. */
    int seqOf(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        return i >= 0 ? i + 1 : 0;
    }

    long lastUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    boolean isRecent(long uid) {
        return recent.contains(uid);
    }

    /** The UIDs recent to this session (RFC 3501 \Recent). */
    UidSet recentUids() {
        return UidSet.ofSorted(recent.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    int recentCount() {
        return recent.size();
    }

    void markRecent(long fromUid) {
        for (int i = 0; i < count; i++) if (uids[i] >= fromUid) recent.add(uids[i]);
    }

    boolean isVanishing(long uid) {
        return vanishing.contains(uid);
    }

    /** The UIDs a sequence set names in this view (sequence numbers or UIDs), as a UID set. */
    UidSet resolve(SequenceSet set, boolean uid, long[] saved) {
        if (set.saved()) return saved == null ? new UidSet(List.of()) : UidSet.ofSorted(saved);
        List<UidSet.Range> ranges = new ArrayList<>();
        for (long[] r : set.ranges()) {
            if (uid) {
                // RFC 9051 §6.4.8: "*" is the highest UID in use; in an empty mailbox it names nothing.
                boolean star = r[0] == SequenceSet.STAR || r[1] == SequenceSet.STAR;
                if (star && count == 0) continue;
                long a = r[0] == SequenceSet.STAR ? lastUid() : r[0], b = r[1] == SequenceSet.STAR ? lastUid() : r[1];
                ranges.add(new UidSet.Range(Math.min(a, b), Math.max(a, b)));
            } else {
                long a = r[0] == SequenceSet.STAR ? count : r[0], b = r[1] == SequenceSet.STAR ? count : r[1];
                long lo = Math.min(a, b), hi = Math.max(a, b);
                if (lo < 1 || hi > count) {
                    throw new org.postiljon.imap.wire.BadSyntax("message sequence number out of range (mailbox has " + count + ")");
                }
                for (long s = lo; s <= hi; ) { // contiguous sequence numbers map to contiguous UID runs
                    long first = uids[(int) s - 1];
                    long last = first;
                    while (s < hi && uids[(int) s] == last + 1) {
                        s++;
                        last++;
                    }
                    ranges.add(new UidSet.Range(first, last));
                    s++;
                }
            }
        }
        return new UidSet(ranges);
    }

    /**
     * Writes the pending changes this session may be told of now. With {@code expungeAllowed}
     * false, processing stops at the first expunge, so the order of events is kept.
     * @return false when the mailbox was deleted (the session must end)
     */
    boolean flush(Session s, boolean expungeAllowed) throws IOException {
        boolean grew = false;
        Change c;
        while ((c = pending.peek()) != null) {
            if (c instanceof Change.MessagesExpunged && !expungeAllowed) {
                for (long u : ((Change.MessagesExpunged) c).uids()) vanishing.add(u);
                break;
            }
            pending.poll();
            toldModSeq = Math.max(toldModSeq, c.modSeq());
            switch (c) {
                case Change.MessageAdded a -> {
                    announce(s, a.message().flags()); // before the EXISTS that lets the client fetch it
                    boolean own = ownAdded.remove(a.message().uid());
                    boolean added = add(s, a.message().uid());
                    if (added && !own) announced.add(a.message().uid());
                    grew |= added;
                }
                case Change.FlagsChanged f -> {
                    if (ownModSeqs.remove(f.modSeq())) break; // this session answered it already
                    if (!s.tellsFlagChanges()) break; // RFC 5465 §5.1: NOTIFY without FlagChange
                    if (grew) grew = told(s); // a FETCH may only name a message whose EXISTS was sent (RFC 9051 §7.4.1)
                    for (MessageInfo m : f.messages()) {
                        int seq = seqOf(m.uid());
                        if (seq > 0 && !stale(m.uid(), m.modSeq())) s.fetchFlags(seq, m);
                    }
                }
                case Change.MessagesExpunged e -> {
                    if (grew) grew = told(s);
                    if (s.qresync()) {
                        // RFC 7162 §3.2.10: once QRESYNC is enabled, VANISHED replaces EXPUNGE.
                        List<Long> gone = new ArrayList<>();
                        for (long u : e.uids()) if (remove(u) > 0) gone.add(u);
                        if (!gone.isEmpty()) s.out().untagged("VANISHED " + Copy.compact(gone));
                    } else {
                        for (long u : e.uids()) expunge(s, u);
                    }
                }
                case Change.MailboxDeleted d -> deleted = true;
                case Change.MailboxCreated x -> { }
                case Change.MailboxRenamed x -> { }
                case Change.SubscriptionChanged x -> { }
                case Change.AnnotationsChanged x -> { }
            }
        }
        if (grew) told(s);
        return !deleted;
    }

    /** Tells of the messages added so far (EXISTS, and RECENT before IMAP4rev2); false, for "nothing more to tell". */
    private boolean told(Session s) throws IOException {
        s.out().untagged(count + " EXISTS");
        if (!s.rev2() && !readOnly) s.out().untagged(recent.size() + " RECENT");
        return false;
    }

    private boolean add(Session s, long uid) {
        if (uid <= lastUid()) return false; // already known (our own APPEND, told twice)
        if (count == uids.length) uids = Arrays.copyOf(uids, uids.length * 2);
        uids[count++] = uid;
        if (!readOnly && s.services().recent().claimUpTo(mailbox.id(), mailbox.uidValidity(), uid) > 0) recent.add(uid);
        return true;
    }

    private void expunge(Session s, long uid) throws IOException {
        int seq = remove(uid);
        if (seq > 0) s.out().untagged(seq + " EXPUNGE");
    }

    /** Takes {@code uid} out of the view; returns the sequence number it had, or 0. */
    private int remove(long uid) {
        int seq = seqOf(uid);
        vanishing.remove(uid);
        shownModSeq.remove(uid);
        if (seq == 0) return 0;
        System.arraycopy(uids, seq, uids, seq - 1, count - seq);
        count--;
        recent.remove(uid);
        return seq;
    }

    @Override
    public void close() {
        if (subscription != null) subscription.close();
    }
}
