package org.postiljon.mailbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.SearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the full-text index in step with the store, in the background: it takes contents the
 * store lists as pending, indexes their text, commits the index, and only then marks them indexed.
 * Delivery never waits for it; searches treat pending contents as candidates, so they are exact
 * whatever it is doing. After a restart it simply continues with what is still pending.
 */
public final class SearchIndexer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
    private static final int BATCH = 500;
    /**
     * After a wake-up, how long deliveries are gathered before indexing: an index commit (segment
     * files and their fsync) per delivered message took a quarter of the CPU of a write-heavy IMAP
     * load. Searches stay exact meanwhile (pending contents are candidates).
     */
    private static final long GATHER_MILLIS = 250;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final SearchIndex index;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private volatile boolean running;
    private Thread thread;

    SearchIndexer(MetadataStore store, BlobStore blobs, SearchIndex index) {
        this.store = store;
        this.blobs = blobs;
        this.index = index;
    }

    /**
     * Marks the contents stored before the attachment mark existed (V32), a batch per write
     * transaction; searches decode those meanwhile. Returns how many.
     */
    public int markAttachments() {
        int total = 0;
        try {
            for (int n; (thread == null || running) && (n = store.write(tx -> tx.markAttachments(BATCH))) > 0; ) total += n; // stops with close()
            if (total > 0) log.info("marked {} message contents with or without attachments", total);
        } catch (RuntimeException e) {
            log.warn("cannot mark attachments now (searches read the structures instead): {}", e.toString());
        }
        return total;
    }

    /** Indexes everything pending now, in the caller's thread; returns how many contents. */
    public int catchUp() {
        int total = 0;
        while (true) {
            // One read for the batch: each pending content with the keys of a message that has it.
            java.util.Map<BlobId, java.util.Optional<org.postiljon.mailbox.api.MessageKeys>> pending = store.read(tx -> {
                java.util.Map<BlobId, java.util.Optional<org.postiljon.mailbox.api.MessageKeys>> out = new java.util.LinkedHashMap<>();
                for (BlobId b : tx.pendingIndex(BATCH)) out.put(b, tx.keysOf(b));
                return out;
            });
            if (pending.isEmpty()) return total;
            List<BlobId> done = new ArrayList<>();
            for (var e : pending.entrySet()) {
                BlobId b = e.getKey();
                try {
                    if (e.getValue().isEmpty()) { // no message has it any more: nothing to find
                        done.add(b);
                        continue;
                    }
                    index.put(b, MessageSearch.indexed(blobs, b, e.getValue().get()));
                    done.add(b);
                } catch (IOException x) {
                    if (!blobs.exists(b)) { // gone meanwhile: nothing to index, nothing to wait for
                        done.add(b);
                    } else {
                        log.warn("cannot index message content {}: {}", b, x.toString());
                    }
                }
            }
            try {
                index.commit();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot commit the search index", e);
            }
            store.write(tx -> {
                tx.markIndexed(done);
                return null;
            });
            total += done.size();
            if (done.isEmpty()) return total; // only failures left: try again later
        }
    }

    /**
     * Checks that the index holds what the store says it does (an index directory that was lost
     * or restored from an older backup is rebuilt), then indexes in the background, woken by
     * every append.
     */
    public SearchIndexer start() {
        try {
            requeueWhatIsMissing();
        } catch (IOException e) {
            // Most often another server runs on this data directory and holds the index.
            throw new IllegalStateException("cannot open the search index (is another server using this data directory?"
                    + " if the index is damaged, delete DATA/index and it is rebuilt): " + e.getMessage(), e);
        }
        running = true;
        thread = Thread.ofVirtual().name("search-indexer").start(() -> {
            markAttachments();
            while (running) {
                try {
                    int n = catchUp();
                    if (n > 0) log.debug("indexed {} message contents", n);
                } catch (RuntimeException e) {
                    log.warn("indexing failed, recovering the index and retrying: {}", e.toString());
                    recover();
                }
                lock.lock();
                try {
                    if (running) work.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                } finally {
                    lock.unlock();
                }
                try {
                    if (running) Thread.sleep(GATHER_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** The index holds fewer contents than the store says are indexed (lost, restored, or cut by a failure): all again. */
    private void requeueWhatIsMissing() throws IOException {
        long claimed = store.read(tx -> tx.indexedCount());
        long held = index.size();
        if (held < claimed) {
            int n = store.write(tx -> tx.reindexAll());
            log.warn("the search index holds {} of {} indexed contents; re-indexing {}", held, claimed, n);
        }
    }

    /**
     * After a failed round (EMFILE, ENOSPC): reopens the index and re-queues what it lost. When that
     * fails too, the next round tries again; searches scan meanwhile and stay exact.
     */
    void recover() {
        try {
            index.recover();
            requeueWhatIsMissing();
        } catch (IOException | RuntimeException e) {
            log.warn("the search index cannot be reopened yet: {}", e.toString());
        }
    }

    /**
     * Marks every stored content for indexing again (CLI "index rebuild"): a running server
     * re-indexes them in the background, a stopped one when it starts. Searches stay exact meanwhile.
     */
    public int requeueAll() {
        int n = store.write(tx -> tx.reindexAll());
        wake();
        return n;
    }

    /** Contents waiting to be indexed (at most {@code limit} counted). */
    public int pending(int limit) {
        return store.read(tx -> tx.pendingIndex(limit)).size();
    }

    /** Called after messages were added: index them soon. */
    void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
