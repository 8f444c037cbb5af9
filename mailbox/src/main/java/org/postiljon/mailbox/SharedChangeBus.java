package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.store.spi.ChangeRecord;
import org.postiljon.store.spi.ChangeSignals;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change bus of a node that shares its store with other nodes: every change, this node's and
 * the others', reaches listeners read back from the change log, in the log's order.
 *
 * <p>Every account with a listener on this node has a cursor: the MODSEQ up to which its log was
 * told. A signal from the store ({@link ChangeSignals}; a reconnect counts as "everything may have
 * changed") makes a worker tell the log past the cursor. This node's own commit does the same at
 * once, on the publishing thread, instead of telling its own event: an account's commits take
 * their MODSEQs in commit order (the account row is locked for it), so reading the log is the one
 * way to tell an APPEND on another node before this node's later one, as UIDs must ascend
 * (RFC 9051 §2.3.1.1). The cost is one store read per change to an account someone listens to
 * here. Changes no MODSEQ counts (subscriptions, METADATA) stay on the node that made them.
 */
public final class SharedChangeBus implements ChangeBus, ChangeSignals.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedChangeBus.class);
    private static final long EVERYTHING = Long.MAX_VALUE;

    private final MetadataStore store;
    private final InProcessChangeBus local = new InProcessChangeBus();
    private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();
    /** Accounts the worker must read the log of, with the highest MODSEQ signalled. */
    private final Map<Long, Long> due = new ConcurrentHashMap<>();
    private final ReentrantLock wakeLock = new ReentrantLock();
    private final Condition wake = wakeLock.newCondition();
    private final Thread worker;
    private volatile boolean closed;

    public SharedChangeBus(MetadataStore store) {
        this.store = store;
        this.worker = Thread.ofVirtual().name("change-catch-up").start(this::work);
    }

    /** One account's state on this node while it has listeners here. */
    private static final class Tracked {
        final ReentrantLock lock = new ReentrantLock();
        int listeners;
        boolean loaded;
        /** The account's MODSEQ when tracking began: older changes are not the log's to tell. */
        long start;
        /** The log is told up to here. */
        long cursor;
        /** Mailbox names as last seen, for the renames and deletes the log tells only by id. */
        final Map<Long, MailboxName> names = new HashMap<>();
    }

    @Override
    public Subscription subscribe(long accountId, Listener listener) {
        Subscription s = local.subscribe(accountId, listener);
        Tracked t = tracked.compute(accountId, (k, v) -> {
            Tracked x = v == null ? new Tracked() : v;
            x.listeners++;
            return x;
        });
        load(accountId, t);
        return () -> {
            s.close();
            tracked.computeIfPresent(accountId, (k, v) -> --v.listeners == 0 ? null : v);
        };
    }

    /** The cursor and names, read once when the account's first listener comes. */
    private void load(long accountId, Tracked t) {
        t.lock.lock();
        try {
            if (t.loaded) return;
            store.read(tx -> {
                t.start = tx.highestModSeq(accountId);
                for (Mailbox m : tx.mailboxes(accountId)) t.names.put(m.id(), m.name());
                return null;
            });
            t.cursor = t.start;
            t.loaded = true;
        } finally {
            t.lock.unlock();
        }
    }

    @Override
    public void publish(Change change) {
        Tracked t = tracked.get(change.accountId());
        if (t == null || change.modSeq() == 0) {
            local.publish(change);
            return;
        }
        load(change.accountId(), t);
        t.lock.lock();
        try {
            if (change.modSeq() <= t.start) local.publish(change); // before the cursor began: the log will not tell it
            else if (change.modSeq() > t.cursor) catchUp(change.accountId(), t);
            if (change.modSeq() > t.cursor) local.publish(change); // the log could not be read: tell what is known
        } catch (RuntimeException e) {
            log.warn("reading the change log failed, telling the change as made: {}", e.getMessage());
            local.publish(change);
        } finally {
            t.lock.unlock();
        }
    }

    // ---- signals from the store ----

    @Override
    public void changed(long accountId, long modSeq) {
        if (!tracked.containsKey(accountId)) return;
        due.merge(accountId, modSeq, Math::max);
        signal();
    }

    @Override
    public void missed() {
        for (Long account : tracked.keySet()) due.put(account, EVERYTHING);
        signal();
    }

    private void signal() {
        wakeLock.lock();
        try {
            wake.signalAll();
        } finally {
            wakeLock.unlock();
        }
    }

    private void work() {
        while (!closed) {
            try {
                wakeLock.lock();
                try {
                    if (due.isEmpty()) wake.await(1, TimeUnit.SECONDS);
                } finally {
                    wakeLock.unlock();
                }
                for (Long account : List.copyOf(due.keySet())) {
                    Long upTo = due.remove(account);
                    Tracked t = tracked.get(account);
                    if (upTo != null && t != null) catchUp(account, t, upTo);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The store is unreachable for a moment: the next signal or reconnect reads again from the same cursor.
                log.warn("reading other nodes' changes failed: {}", e.getMessage());
            }
        }
    }

    /** Tells the account's log past its cursor, if {@code signalled} is past it. */
    private void catchUp(long accountId, Tracked t, long signalled) {
        load(accountId, t);
        t.lock.lock();
        try {
            if (signalled > t.cursor) catchUp(accountId, t);
        } finally {
            t.lock.unlock();
        }
    }

    /** Tells the account's log past its cursor; the caller holds the account's lock. */
    private void catchUp(long accountId, Tracked t) {
        long from = t.cursor;
        Log read = store.read(tx -> changesSince(tx, accountId, from, t.names));
        t.cursor = Math.max(t.cursor, read.upTo());
        for (Change c : read.changes()) local.publish(c);
    }

    /**
     * The changes after {@code modSeq} as the publisher told them: one per MODSEQ, mailbox and kind
     * (one per message for appends). Messages are read as they are now; a mailbox's old name comes
     * from {@code names}, which is brought up to date.
     */
    static Log changesSince(ReadTx tx, long accountId, long modSeq, Map<Long, MailboxName> names) {
        List<ChangeRecord> records = tx.changesSince(accountId, modSeq);
        long upTo = records.isEmpty() ? modSeq : records.getLast().modSeq();
        Map<Long, Mailbox> mailboxes = null;
        List<Change> out = new ArrayList<>();
        Map<String, List<ChangeRecord>> groups = new LinkedHashMap<>();
        for (ChangeRecord r : records) groups.computeIfAbsent(r.modSeq() + "/" + r.mailboxId() + "/" + r.kind(), k -> new ArrayList<>()).add(r);
        // Within one MODSEQ, in the order the publisher tells an operation: a new mailbox before mail in it,
        // additions before the expunges of a MOVE or REPLACE (RFC 8508 §3.3: EXISTS, then EXPUNGE), a deleted mailbox last.
        List<List<ChangeRecord>> ordered = new ArrayList<>(groups.values());
        ordered.sort(java.util.Comparator.comparingLong((List<ChangeRecord> g) -> g.getFirst().modSeq()).thenComparingInt(g -> switch (g.getFirst().kind()) {
            case MAILBOX_CREATE -> 0;
            case MAILBOX -> 1;
            case APPEND -> 2;
            case FLAGS -> 3;
            case EXPUNGE -> 4;
            case MAILBOX_DELETE -> 5;
        }));
        for (List<ChangeRecord> g : ordered) {
            ChangeRecord first = g.getFirst();
            long m = first.modSeq(), box = first.mailboxId();
            switch (first.kind()) {
                case APPEND -> {
                    for (MessageInfo i : tx.messages(box, uids(g))) out.add(new Change.MessageAdded(accountId, m, box, i));
                }
                case FLAGS -> {
                    List<MessageInfo> now = tx.messages(box, uids(g));
                    if (!now.isEmpty()) out.add(new Change.FlagsChanged(accountId, m, box, now));
                }
                case EXPUNGE -> out.add(new Change.MessagesExpunged(accountId, m, box, java.util.Arrays.stream(uids(g)).boxed().toList()));
                case MAILBOX_CREATE, MAILBOX -> {
                    if (mailboxes == null) {
                        mailboxes = new HashMap<>();
                        for (Mailbox x : tx.mailboxes(accountId)) mailboxes.put(x.id(), x);
                    }
                    Mailbox now = mailboxes.get(box);
                    if (now == null) break; // deleted later: its delete follows
                    MailboxName before = names.put(box, now.name());
                    if (first.kind() == ChangeRecord.Kind.MAILBOX_CREATE) out.add(new Change.MailboxCreated(accountId, m, now));
                    else if (before != null && !before.equals(now.name())) out.add(new Change.MailboxRenamed(accountId, m, box, before, now.name()));
                }
                case MAILBOX_DELETE -> {
                    MailboxName name = names.remove(box);
                    if (name != null) out.add(new Change.MailboxDeleted(accountId, m, box, name));
                }
            }
        }
        return new Log(out, upTo);
    }

    /** What the log told: the changes, and the MODSEQ it was read up to. */
    record Log(List<Change> changes, long upTo) { }

    private static long[] uids(List<ChangeRecord> group) {
        return group.stream().mapToLong(ChangeRecord::uid).distinct().sorted().toArray();
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }
}
