package org.postiljon.mailbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.store.spi.MetadataStore;

/**
 * Leases kept in the store, so every node on it sees them. This process is one node (a random id
 * per start); {@link #heartbeat} renews all its leases and its queue claims ({@link StoredQueue}
 * claims in the node's name) in one transaction and must run more often than the lifetime, so
 * what a node holds is free again one lifetime after the node died. Lease changes are relaxed
 * writes: a lease lost with a crash is what the crash would have ended anyway.
 */
public final class StoredLeases implements Leases {

    /** How long a lease outlives its node's last heartbeat, unless the node is told otherwise. */
    public static final Duration LIFETIME = Duration.ofMinutes(2);

    private final MetadataStore store;
    private final Clock clock;
    private final Duration lifetime;
    private final String node = UUID.randomUUID().toString();
    private final AtomicLong holders = new AtomicLong();
    /** Leases and queue claims held: the heartbeat writes only when there are some. */
    private final AtomicInteger open = new AtomicInteger();

    public StoredLeases(MetadataStore store, Clock clock, Duration lifetime) {
        if (lifetime.toSeconds() < 4) throw new IllegalArgumentException("a lease lifetime under 4 s leaves no time for heartbeats");
        this.store = store;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** How long what this node holds outlives its last heartbeat; heartbeats must come more often. */
    public Duration lifetime() {
        return lifetime;
    }

    /** This node, as the holder of its queue claims. */
    String node() {
        return node;
    }

    /** Counts queue claims taken ({@code +n}) or given up ({@code -n}) for the heartbeat. */
    void holding(int delta) {
        open.addAndGet(delta);
    }

    @Override
    public Optional<Lease> take(String name) {
        String owner = node + "/" + holders.incrementAndGet();
        Instant now = clock.instant();
        if (!store.writeRelaxed(tx -> tx.takeLease(name, node, owner, now, now.plus(lifetime)))) return Optional.empty();
        open.incrementAndGet();
        return Optional.of(new Lease() {
            private boolean closed;

            @Override
            public boolean held() {
                return !closed && store.read(tx -> tx.leaseHolder(name, clock.instant())).filter(owner::equals).isPresent();
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                open.decrementAndGet();
                store.writeRelaxed(tx -> {
                    tx.releaseLease(name, owner);
                    return null;
                });
            }
        });
    }

    /** Extends this node's leases and queue claims by the lifetime; no store write when it holds none. */
    public void heartbeat() {
        if (open.get() <= 0) return;
        Instant until = clock.instant().plus(lifetime);
        store.writeRelaxed(tx -> tx.renewLeases(node, until));
    }
}
