package org.postiljon.store.spi;

import java.util.function.Function;

/** Transactions over accounts, mailboxes, messages, flags and the change log. */
public interface MetadataStore extends AutoCloseable {

    /** Runs {@code work} on a consistent snapshot. */
    <T> T read(Function<ReadTx, T> work);

    /** How many read transactions have run (a counter for tests and metrics). */
    default long reads() {
        return 0;
    }

    /**
     * Runs {@code work} in a write transaction and returns once it is durable. A runtime exception
     * thrown by {@code work} rolls back everything it did and is rethrown here.
     */
    <T> T write(Function<WriteTx, T> work);

    /**
     * Like {@link #write}, but the commit need not reach the disk before it returns: it survives a
     * crash of the process, and may be lost with the last moments before a power failure, as flag
     * changes are in every widely used IMAP server. Only for changes a client can repeat (flags,
     * expunges); never for anything that acknowledges mail.
     */
    default <T> T writeRelaxed(Function<WriteTx, T> work) {
        return write(work);
    }

    /** What a store reports of each commit (for the node's metrics). */
    @FunctionalInterface
    interface CommitListener {
        /**
         * @param nanos        how long the commit took (fsync included when durable)
         * @param transactions how many callers' transactions it held (group commit)
         * @param durable      whether it waited for the disk
         */
        void committed(long nanos, int transactions, boolean durable);
    }

    /** Tells {@code listener} of every commit from now on (one listener; a store without group commit may tell nothing). */
    default void onCommit(CommitListener listener) { }

    @Override
    void close();
}
