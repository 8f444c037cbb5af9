package org.postiljon.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.QueueRecord;

/**
 * The outbound queue over the store: the message bytes as a content-addressed blob (fdatasync'd),
 * the entry and its recipients in one committed transaction (fsync'd) — so a message is either
 * fully queued or not at all, and an acknowledged one survives kill -9.
 */
final class StoredQueue implements OutboundQueue {

    private final MetadataStore store;
    private final BlobStore blobs;
    private final MailboxLimits limits;
    /**
     * Claims are taken in the node's name for one lease lifetime and renewed by its heartbeat
     * however long an attempt takes; a node killed mid-delivery frees its messages one lifetime later.
     */
    private final StoredLeases leases;
    private final java.util.Set<Long> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();

    StoredQueue(MetadataStore store, BlobStore blobs, MailboxLimits limits, StoredLeases leases) {
        this.store = store;
        this.blobs = blobs;
        this.limits = limits;
        this.leases = leases;
    }

    @Override
    public Entry enqueue(String sender, Dsn dsn, List<Target> recipients, InputStream content) {
        BlobStore.Stored blob;
        try {
            blob = blobs.put(new CrlfInputStream(content), limits.maxMessageBytes());
        } catch (BlobStore.TooLarge e) {
            throw new MailboxException.TooBig(limits.maxMessageBytes());
        } catch (IOException e) {
            if (org.postiljon.mailbox.api.MailboxException.Unavailable.isStorageFull(e)) {
                throw org.postiljon.mailbox.api.MailboxException.Unavailable.storageFull();
            }
            throw new UncheckedIOException("cannot store message", e);
        }
        Instant now = Instant.now();
        List<QueueRecord.Target> targets = recipients.stream().map(t -> new QueueRecord.Target(t.address(), t.notifyOn(), t.orcpt())).toList();
        // Read back inside the writing transaction: once it commits, a sender on any node may claim,
        // deliver and remove the entry before a later read (that race answered a queued message with 451).
        return entry(store.write(tx -> {
            long id = tx.enqueue(sender, dsn.ret(), dsn.envid(), blob.id(), blob.size(), targets, now);
            return tx.queued(id).orElseThrow(() -> new IllegalStateException("queue entry " + id + " not found in its own transaction"));
        }));
    }

    @Override
    public List<Entry> claim(Instant now, int limit) {
        List<QueueRecord> got = store.write(tx -> tx.claimDue(now, limit, leases.node(), now.plus(leases.lifetime())));
        for (QueueRecord q : got) if (claimed.add(q.id())) leases.holding(1);
        return got.stream().map(StoredQueue::entry).toList();
    }

    @Override
    public java.util.Optional<Entry> claim(long entryId, Instant now) {
        java.util.Optional<QueueRecord> got = store.write(tx -> tx.claimOne(entryId, now, leases.node(), now.plus(leases.lifetime())));
        if (got.isPresent() && claimed.add(entryId)) leases.holding(1);
        return got.map(StoredQueue::entry);
    }

    @Override
    public void release(long entryId) {
        store.write(tx -> {
            tx.releaseClaim(entryId, leases.node());
            return null;
        });
        if (claimed.remove(entryId)) leases.holding(-1);
    }

    @Override
    public List<Entry> list(int limit) {
        return store.read(tx -> tx.queue(limit)).stream().map(StoredQueue::entry).toList();
    }

    @Override
    public Summary summary() {
        return store.read(tx -> tx.queueSummary());
    }

    @Override
    public InputStream open(long entryId) {
        QueueRecord q = store.read(tx -> tx.queued(entryId))
                .orElseThrow(() -> new MailboxException.NotAllowed("no queued message " + entryId));
        try {
            return blobs.open(q.blob());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void record(long recipientId, State state, Instant next, String reply) {
        store.write(tx -> {
            tx.recordAttempt(recipientId, QueueRecord.State.valueOf(state.name()), next, reply);
            return null;
        });
    }

    @Override
    public void delayNotified(long recipientId) {
        store.writeRelaxed(tx -> {
            tx.delayNotified(recipientId);
            return null;
        });
    }

    @Override
    public boolean retry(long entryId) {
        return store.write(tx -> {
            if (tx.queued(entryId).isEmpty()) return false;
            tx.retryNow(entryId, Instant.now());
            return true;
        });
    }

    @Override
    public boolean delete(long entryId) {
        return store.write(tx -> tx.dequeue(entryId));
    }

    private static Entry entry(QueueRecord q) {
        return new Entry(q.id(), q.created(), q.sender(), new Dsn(q.ret(), q.envid()), q.size(), q.recipients().stream()
                .map(r -> new Recipient(r.id(), new Target(r.address(), r.notifyOn(), r.orcpt()), r.domain(), State.valueOf(r.state().name()),
                        r.attempts(), r.nextAttempt(), r.lastReply(), r.delayNotified()))
                .toList());
    }
}
