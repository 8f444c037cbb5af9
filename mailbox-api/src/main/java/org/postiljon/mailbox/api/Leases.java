package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * Named leases: what one holder at a time may do across every node that shares the store, such as
 * a POP3 session's hold on a maildrop (RFC 1939 §8) or a sweep. A lease lives while its node does:
 * the node renews all its holders' leases together, so the leases of a node that died run out by
 * themselves within a couple of minutes.
 */
public interface Leases {

    /** Takes the lease {@code name}; empty while another holder, on this node or another, has it. */
    Optional<Lease> take(String name);

    interface Lease extends AutoCloseable {

        /** Whether this holder has the lease still (false when its node stalled past the lease's time and another took it). */
        boolean held();

        /** Gives the lease up. */
        @Override
        void close();
    }
}
