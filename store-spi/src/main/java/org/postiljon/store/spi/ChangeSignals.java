package org.postiljon.store.spi;

/**
 * Wake-ups from a store that other processes write to (nodes over one PostgreSQL): "account A
 * changed up to MODSEQ m". Only a signal; what changed is read from the change log, which stays
 * the truth, so a signal lost or folded with others costs nothing but a later catch-up.
 */
public interface ChangeSignals extends AutoCloseable {

    interface Listener {

        /** Something was committed in the account, up to {@code modSeq}. Called on the signals' own thread. */
        void changed(long accountId, long modSeq);

        /** Signals may have been lost (the connection to the store was re-established): catch up on every account. */
        void missed();
    }

    /** Starts delivering signals to {@code listener}. */
    void start(Listener listener);

    @Override
    void close();
}
