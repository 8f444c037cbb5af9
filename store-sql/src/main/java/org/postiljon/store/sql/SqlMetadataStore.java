package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.postiljon.store.spi.SharedReads;
import org.postiljon.store.spi.WriteTx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetadataStore} over JDBC with group commit: callers of {@link #write} queue their work;
 * one writer thread runs all work waiting at that moment in one transaction, each in its own
 * savepoint, commits once, then wakes the callers.
 */
public final class SqlMetadataStore implements MetadataStore {

    private static final Logger log = LoggerFactory.getLogger(SqlMetadataStore.class);

    @FunctionalInterface
    public interface ConnectionSource {
        Connection open(boolean writer) throws SQLException;
    }

    /**
     * @param readConnections connections kept for readers; more readers wait for one
     * @param maxBatch        most transactions grouped into one commit, so one commit stays short
     */
    public record Options(int readConnections, int maxBatch) {
        public static final Options DEFAULT = new Options(8, 256);
    }

    /** @param attempts how often the work was rolled back for a conflict with another node's transaction */
    private record Job(Function<WriteTx, ?> work, boolean relaxed, CompletableFuture<Object> done, int attempts) { }

    /** How often a job that lost a deadlock or serialization conflict is run again before its caller is told. */
    private static final int CONFLICT_RETRIES = 5;

    private final Dialect dialect;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Pooled> readers;
    private final List<Pooled> allReaders = new ArrayList<>();
    private final Pooled writer;
    private final Thread writerThread;
    private final Options options;
    private volatile boolean closed;
    /** Whether the writer's commits currently wait for the disk (the dialect's default is yes). */
    private boolean syncing = true;

    private record Pooled(Connection connection, Map<String, PreparedStatement> statements) { }

    public SqlMetadataStore(Dialect dialect, ConnectionSource source, Options options) {
        this.dialect = dialect;
        this.options = options;
        this.readers = new ArrayBlockingQueue<>(options.readConnections());
        try {
            Connection w = source.open(true);
            dialect.configure(w, true);
            Migrations.apply(w, dialect);
            // Between batches the writer holds no transaction, so another process (the admin CLI)
            // can write; a batch opens one with setAutoCommit(false) and ends it with
            // setAutoCommit(true), which commits without starting the next one.
            w.setAutoCommit(true);
            this.writer = new Pooled(w, SqlTx.newStatementCache());
            for (int i = 0; i < options.readConnections(); i++) {
                Connection r = source.open(false);
                dialect.configure(r, false);
                r.setAutoCommit(false);
                Pooled p = new Pooled(r, SqlTx.newStatementCache());
                allReaders.add(p);
                readers.add(p);
            }
        } catch (SQLException e) {
            throw new StoreFailure("cannot open the metadata store", e);
        }
        this.writerThread = Thread.ofPlatform().name("store-writer").daemon(true).start(this::writeLoop);
    }

    /** Read transactions so far (how many a request costs is what a test or a metric wants to know). */
    private final java.util.concurrent.atomic.LongAdder reads = new java.util.concurrent.atomic.LongAdder();

    private volatile CommitListener commits;
    /**
     * What readers learned of domains (whether one exists, and its settings), shared for a second:
     * every delivery asks, and they change only when an operator changes them. Write transactions
     * never read from it: what they check is always current. At most 10,000 domains (RCPT to
     * endless made-up domains must not fill the memory).
     */
    private final SharedReads<org.postiljon.mailbox.api.DomainName, java.util.Optional<Map<String, String>>> domains =
            new SharedReads<>(java.time.Duration.ofSeconds(1), 10_000);

    @Override
    public void onCommit(CommitListener listener) {
        commits = listener;
    }

    @Override
    public long reads() {
        return reads.sum();
    }

    @Override
    public <T> T read(Function<ReadTx, T> work) {
        if (closed) throw new IllegalStateException("store closed");
        reads.increment();
        Pooled p;
        try {
            p = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFailure("interrupted while waiting for a connection", e);
        }
        try {
            SqlTx tx = new SqlTx(p.connection(), dialect, p.statements());
            tx.sharedDomains = domains;
            tx.domainsGeneration = domains.generation(); // before the snapshot, which the first statement takes
            T result = work.apply(tx);
            p.connection().commit(); // ends the read snapshot
            return result;
        } catch (SQLException e) {
            throw new StoreFailure("read failed", e);
        } catch (RuntimeException e) {
            try {
                p.connection().rollback();
            } catch (SQLException ignored) {
                // the original exception says more
            }
            throw unwrap(e);
        } finally {
            readers.add(p);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T write(Function<WriteTx, T> work) {
        return submit(work, false);
    }

    @Override
    public <T> T writeRelaxed(Function<WriteTx, T> work) {
        return submit(work, true);
    }

    private <T> T submit(Function<WriteTx, T> work, boolean relaxed) {
        if (closed) throw new IllegalStateException("store closed");
        if (Thread.currentThread() == writerThread) throw new IllegalStateException("write() called inside a write");
        CompletableFuture<Object> done = new CompletableFuture<>();
        queue.add(new Job(work, relaxed, done, 0));
        try {
            return (T) done.get();
        } catch (InterruptedException e) {
            // The work may still commit; the caller must not assume either way, as after a crash.
            Thread.currentThread().interrupt();
            throw new StoreFailure("interrupted while waiting for a commit", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw unwrap(r);
            if (cause instanceof Error err) throw err;
            throw new StoreFailure("write failed", cause);
        }
    }

    private static RuntimeException unwrap(RuntimeException e) {
        if (e instanceof SqlTx.UniqueViolation u) return new StoreFailure("unexpected duplicate", u);
        return e;
    }

    private void writeLoop() {
        List<Job> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            batch.clear();
            try {
                Job first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, options.maxBatch() - 1);
            runBatch(batch);
        }
    }

    /**
     * The relaxed jobs of a batch commit first, in a commit of their own that waits for no fsync;
     * then the durable ones (decision 0004). Jobs in one batch come from different sessions and
     * none waits for another, so either order is one they could have arrived in.
     */
    private void runBatch(List<Job> batch) {
        List<Job> relaxed = new ArrayList<>(), durable = new ArrayList<>();
        for (Job j : batch) (j.relaxed() ? relaxed : durable).add(j);
        if (!relaxed.isEmpty()) runGroup(relaxed, false);
        if (!durable.isEmpty()) runGroup(durable, true);
    }

    /**
     * Runs a group in one transaction. First without savepoints (two round trips per job fewer,
     * and the writer is one thread: its round trips bound the throughput over PostgreSQL); when a
     * job fails, the whole transaction is rolled back and the group runs again with each job in a
     * savepoint of its own, so the failure stays the failing job's. Jobs are functions of the
     * database (a conflict already runs them again), so running one twice is safe.
     */
    private void runGroup(List<Job> batch, boolean sync) {
        Object[] results = new Object[batch.size()];
        Throwable[] errors = new Throwable[batch.size()];
        boolean[] again = new boolean[batch.size()];
        if (!run(batch, sync, false, results, errors, again)) run(batch, sync, true, results, errors, again);
    }

    /**
     * One attempt at a group; false when a job failed without savepoints and the group of several
     * must run again with them (nothing of the attempt is committed then, no caller is told).
     */
    private boolean run(List<Job> batch, boolean sync, boolean savepoints, Object[] results, Throwable[] errors, boolean[] again) {
        Connection c = writer.connection();
        SqlTx tx = new SqlTx(c, dialect, writer.statements());
        try {
            if (sync != syncing) {
                dialect.syncCommits(c, sync);
                syncing = sync;
            }
            c.setAutoCommit(false);
            // Nodes sharing the database commit groups one at a time (no lock-order deadlocks
            // between them); a lone transaction needs no turn: it holds one account's rows, or
            // loses a rare deadlock and runs again (below).
            if (batch.size() > 1) {
                try (java.sql.Statement s = c.createStatement()) {
                    dialect.lockGroup(s);
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Savepoint sp = savepoints ? c.setSavepoint() : null;
                try {
                    results[i] = batch.get(i).work().apply(tx);
                    if (sp != null) c.releaseSavepoint(sp);
                } catch (RuntimeException | Error e) {
                    if (sp != null) {
                        c.rollback(sp);
                        c.releaseSavepoint(sp);
                        tx.forgetReads(); // what the job read may have been its own, rolled-back writes
                    } else {
                        c.rollback();
                        c.setAutoCommit(true);
                        if (batch.size() > 1) return false; // the others run again, each in a savepoint
                    }
                    // Another node's batch locked the same rows in the other order (PostgreSQL
                    // chose this statement as the deadlock's victim): run it again in a later batch.
                    if (conflict(e) && batch.get(i).attempts() < CONFLICT_RETRIES) again[i] = true;
                    else errors[i] = e;
                }
            }
            long started = System.nanoTime();
            c.setAutoCommit(true); // commits (a lone job that failed rolled back above: nothing left)
            if (tx.domainsChanged) domains.invalidate();
            CommitListener listener = commits;
            if (listener != null) listener.committed(System.nanoTime() - started, batch.size(), sync);
        } catch (SQLException | RuntimeException e) {
            log.error("commit of {} transactions failed; all rolled back", batch.size(), e);
            try {
                c.rollback();
                c.setAutoCommit(true);
            } catch (SQLException ignored) {
                // already failing
            }
            RuntimeException failure = StoreFailure.of(dialect, "commit failed", e);
            for (Job j : batch) j.done().completeExceptionally(failure);
            return true;
        }
        for (int i = 0; i < batch.size(); i++) {
            Job j = batch.get(i);
            if (again[i]) queue.add(new Job(j.work(), j.relaxed(), j.done(), j.attempts() + 1));
            else if (errors[i] != null) j.done().completeExceptionally(errors[i]);
            else j.done().complete(results[i]);
        }
        return true;
    }

    /** A deadlock or serialization failure (SQLSTATE class 40): the work was right, its timing was not. */
    static boolean conflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("40")) return true;
        }
        return false;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        for (Pooled p : allReaders) closeQuietly(p);
    }

    private static void closeQuietly(Pooled p) {
        try {
            for (PreparedStatement s : p.statements().values()) s.close();
            p.connection().close();
        } catch (SQLException e) {
            log.warn("closing a connection failed: {}", e.getMessage());
        }
    }
}
