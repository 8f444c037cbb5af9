package org.postiljon.store.spi;

import java.util.function.Function;

/** Transactions over accounts, mailboxes, messages, flags and the change log. */
public interface MetadataStore extends AutoCloseable {

    /** Runs {@code work} on a consistent snapshot. */
    <T> T read(Function<ReadTx, T> work);

    /**
     * Runs {@code work} in a write transaction and returns once it is durable. A runtime exception
     * thrown by {@code work} rolls back everything it did and is rethrown here.
     */
    <T> T write(Function<WriteTx, T> work);

    @Override
    void close();
}
